"""The egress policy as a table: addresses (IPv4, IPv6 and the IPv6 forms of IPv4) x modes x
the operator's allow-list."""

from __future__ import annotations

import ipaddress

import pytest

from gangway.webhooks.egress import EgressPolicy, classify

DEFAULT = EgressPolicy()

# address, allowed in test mode, allowed in live mode, what a refusal says it is
TABLE = [
    # public
    ("93.184.216.34", True, True, None),
    ("8.8.8.8", True, True, None),
    ("2606:4700:4700::1111", True, True, None),
    ("::ffff:8.8.8.8", True, True, None),
    ("64:ff9b::808:808", True, True, None),
    # loopback: test mode's local receivers
    ("127.0.0.1", True, False, "loopback"),
    ("127.255.0.9", True, False, "loopback"),
    ("::1", True, False, "loopback"),
    ("::ffff:127.0.0.1", True, False, "loopback"),
    # private networks
    ("10.0.0.1", False, False, "private"),
    ("172.16.5.4", False, False, "private"),
    ("172.31.255.255", False, False, "private"),
    ("192.168.1.1", False, False, "private"),
    ("fd12:3456::1", False, False, "private"),
    ("fc00::1", False, False, "private"),
    ("fec0::1", False, False, "private"),
    ("::ffff:10.0.0.1", False, False, "private"),
    ("64:ff9b::a00:1", False, False, "private"),  # NAT64 of 10.0.0.1
    ("2002:a00:1::1", False, False, "private"),  # 6to4 of 10.0.0.1
    ("2002:7f00:1::1", True, False, "loopback"),  # 6to4 of 127.0.0.1
    ("64:ff9b::7f00:1", True, False, "loopback"),  # NAT64 of 127.0.0.1
    ("64:ff9b:1::1", False, False, "private"),  # local-use NAT64
    ("100.64.0.1", False, False, "carrier-grade NAT"),
    ("100.127.255.254", False, False, "carrier-grade NAT"),
    # link-local, metadata
    ("169.254.1.1", False, False, "link-local"),
    ("fe80::1", False, False, "link-local"),
    ("fe80::1%eth0", False, False, "link-local"),
    ("169.254.169.254", False, False, "metadata"),
    ("::ffff:169.254.169.254", False, False, "metadata"),
    ("64:ff9b::a9fe:a9fe", False, False, "metadata"),
    ("2002:a9fe:a9fe::1", False, False, "metadata"),
    ("fd00:ec2::254", False, False, "metadata"),
    ("100.100.100.200", False, False, "metadata"),
    ("168.63.129.16", False, False, "metadata"),
    ("192.0.0.192", False, False, "metadata"),
    # everything else that is not public unicast
    ("0.0.0.0", False, False, "unspecified"),
    ("0.1.2.3", False, False, "unspecified"),
    ("::", False, False, "unspecified"),
    ("224.0.0.1", False, False, "multicast"),
    ("239.255.255.250", False, False, "multicast"),
    ("ff02::1", False, False, "multicast"),
    ("255.255.255.255", False, False, "reserved"),
    ("240.0.0.1", False, False, "reserved"),
    ("192.0.0.8", False, False, "reserved"),
    ("::7f00:1", False, False, "reserved"),  # IPv4-compatible, deprecated
    ("100::1", False, False, "reserved"),
    ("192.0.2.1", False, False, "documentation"),
    ("198.51.100.7", False, False, "documentation"),
    ("2001:db8::1", False, False, "documentation"),
    ("198.18.0.1", False, False, "benchmarking"),
    ("2001::1", False, False, "Teredo"),
    ("2001:2::1", False, False, "reserved"),
    ("4000::1", False, False, "not a public address"),  # outside global unicast 2000::/3
]


@pytest.mark.parametrize(("text", "in_test", "in_live", "kind"), TABLE)
def test_each_address_in_each_mode(
    text: str, in_test: bool, in_live: bool, kind: str | None
) -> None:
    address = ipaddress.ip_address(text)
    for livemode, allowed in ((False, in_test), (True, in_live)):
        reason = DEFAULT.refusal(address, livemode=livemode)
        assert (reason is None) is allowed, (text, livemode, reason)
        if reason is not None:
            assert kind is not None and kind in reason
            assert ("live mode" if livemode else "test mode") in reason
    found = classify(address)
    assert (found is None) is (kind is None)
    if kind is not None:
        assert found is not None and kind in found


def test_a_refusal_names_the_host_not_the_address_it_resolves_to() -> None:
    reason = DEFAULT.refusal(ipaddress.ip_address("10.1.2.3"), livemode=True, host="db.internal")
    assert reason == "db.internal resolves to a private address, which live mode does not reach"
    literal = DEFAULT.refusal(ipaddress.ip_address("10.1.2.3"), livemode=True, host="10.1.2.3")
    assert literal == "10.1.2.3 is a private address, which live mode does not reach"


def test_the_allow_list_admits_its_hosts_addresses_and_networks_in_either_mode() -> None:
    policy = EgressPolicy.from_entries(
        [" Hooks.Internal. ", "10.20.0.0/16", "127.0.0.1", "fd00:1::/32", ""]
    )
    assert policy.hosts == frozenset({"hooks.internal"})
    private = ipaddress.ip_address("10.1.2.3")
    for livemode in (False, True):
        assert policy.refusal(private, livemode=livemode, host="hooks.internal") is None
        assert policy.refusal(private, livemode=livemode, host="HOOKS.internal.") is None
        assert policy.refusal(private, livemode=livemode, host="other.internal") is not None
        for listed in ("10.20.9.9", "127.0.0.1", "::ffff:127.0.0.1", "fd00:1::5"):
            assert policy.refusal(ipaddress.ip_address(listed), livemode=livemode) is None
        for unlisted in ("10.21.0.1", "fd00:2::5"):
            assert policy.refusal(ipaddress.ip_address(unlisted), livemode=livemode) is not None
    assert policy.refusal(ipaddress.ip_address("127.0.0.2"), livemode=True) is not None


def test_metadata_addresses_stay_refused_whatever_the_allow_list_says() -> None:
    policy = EgressPolicy.from_entries(["metadata.google.internal", "169.254.0.0/16", "fd00::/8"])
    assert policy.refusal(ipaddress.ip_address("169.254.1.1"), livemode=True) is None
    for text in ("169.254.169.254", "fd00:ec2::254", "::ffff:169.254.169.254"):
        address = ipaddress.ip_address(text)
        assert policy.refusal(address, livemode=False, host="metadata.google.internal")
        assert policy.refusal(address, livemode=True)


def test_test_mode_loopback_can_be_turned_off() -> None:
    policy = EgressPolicy.from_entries([], test_loopback=False)
    assert policy.refusal(ipaddress.ip_address("127.0.0.1"), livemode=False) is not None
    assert policy.refusal(ipaddress.ip_address("::1"), livemode=False) is not None
    assert policy.refusal(ipaddress.ip_address("8.8.8.8"), livemode=False) is None


@pytest.mark.parametrize("entry", ["10.0.0.1/8", "999.1.1.1", "a b", "http://hooks.internal", "-x"])
def test_a_malformed_allow_list_entry_is_refused_by_name(entry: str) -> None:
    with pytest.raises(ValueError, match="egress allow-list entry"):
        EgressPolicy.from_entries([entry])
