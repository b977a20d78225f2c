"""The egress policy: which addresses event deliveries may reach (no server-side request forgery).

A destination's URL is chosen by whoever holds an API key, Gangway posts to it from inside the
operator's network, and the start of every answer is listed with the delivery. Without a policy
a key holder reads the cloud's metadata service, an admin port on loopback or a database on the
private network through the deliveries list. So the policy judges addresses, never names: the
addresses a name resolves to when a destination is created or changed, and again the very
address the transport connects to (``transport``), so a name that later resolves elsewhere (DNS
rebinding) gains nothing.

Live mode reaches public unicast addresses only. Test mode also reaches loopback, where a
developer's receiver runs, and nothing else that live mode refuses: a private address is the
operator's network, not a developer's laptop. Cloud metadata addresses are refused in both modes
and even when an allow-list entry covers them: no webhook receiver lives there.

Pure: no resolving, no sockets.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "METADATA_ADDRESSES",
    "EgressPolicy",
    "IPAddress",
    "classify",
    "normalize_host",
]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(text)
    for text in (
        "169.254.169.254",  # AWS, GCP, Azure, DigitalOcean, OpenStack, Oracle: instance metadata
        "169.254.169.253",  # AWS: the VPC's DNS resolver
        "169.254.169.123",  # AWS: time sync
        "169.254.170.2",  # AWS ECS: task metadata and credentials
        "169.254.170.23",  # AWS EKS: pod identity credentials
        "169.254.0.23",  # Tencent Cloud: metadata
        "100.100.100.200",  # Alibaba Cloud: metadata
        "168.63.129.16",  # Azure: the wire server (a public address)
        "192.0.0.192",  # Oracle Cloud: legacy metadata
        "fd00:ec2::254",  # AWS: instance metadata over IPv6
        "fd00:ec2::253",  # AWS: DNS over IPv6
        "fd00:ec2::123",  # AWS: time sync over IPv6
        "fd00:ec2::23",  # AWS EKS: pod identity over IPv6
        "fd20:ce::254",  # GCP: metadata over IPv6
    )
)
"""Cloud metadata and credential services: never reachable, whatever the mode or allow-list."""

_METADATA = "a cloud metadata address"
_LOOPBACK = "a loopback address"


def _table(*rows: tuple[str, str]) -> tuple[tuple[IPNetwork, str], ...]:
    return tuple((ipaddress.ip_network(network), label) for network, label in rows)


# First match wins; whatever is in no row and Python calls global is public.
_IPV4 = _table(
    ("0.0.0.0/8", "an unspecified address"),  # 0.0.0.0 reaches this host on Linux
    ("127.0.0.0/8", _LOOPBACK),
    ("10.0.0.0/8", "a private address"),
    ("172.16.0.0/12", "a private address"),
    ("192.168.0.0/16", "a private address"),
    ("100.64.0.0/10", "a shared (carrier-grade NAT) address"),
    ("169.254.0.0/16", "a link-local address"),
    ("192.0.0.0/24", "a reserved address"),
    ("192.0.2.0/24", "a documentation address"),
    ("198.51.100.0/24", "a documentation address"),
    ("203.0.113.0/24", "a documentation address"),
    ("192.88.99.0/24", "a reserved address"),  # the retired 6to4 relay anycast
    ("198.18.0.0/15", "a benchmarking address"),
    ("224.0.0.0/4", "a multicast address"),
    ("240.0.0.0/4", "a reserved address"),  # with 255.255.255.255, the broadcast address
)
_IPV6 = _table(
    ("::/128", "an unspecified address"),
    ("::1/128", _LOOPBACK),
    ("64:ff9b:1::/48", "a private address"),  # local-use NAT64 (RFC 8215)
    ("::/8", "a reserved address"),  # IPv4-compatible (deprecated) and unassigned
    ("100::/64", "a reserved address"),  # discard-only
    ("2001::/32", "a Teredo address"),  # a tunnel whose far end is an obfuscated IPv4
    ("2001:db8::/32", "a documentation address"),
    ("2001::/23", "a reserved address"),
    ("fc00::/7", "a private address"),  # unique local addresses
    ("fe80::/10", "a link-local address"),
    ("fec0::/10", "a private address"),  # site-local (deprecated)
    ("ff00::/8", "a multicast address"),
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_GLOBAL_UNICAST = ipaddress.ip_network("2000::/3")


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one stands for: IPv4-mapped (``::ffff:a.b.c.d``, what a
    dual-stack socket connects to), NAT64's well-known prefix, 6to4."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFF_FFFF)
    return address.sixtofour


def classify(address: IPAddress) -> str | None:
    """What kind of non-public address this is ("a private address"), or None if public. An
    IPv6 form of an IPv4 address is judged as that IPv4 address."""
    address = _plain(address)
    if address in METADATA_ADDRESSES:
        return _METADATA
    if isinstance(address, ipaddress.IPv4Address):
        for network, label in _IPV4:
            if address in network:
                return label
        return None if address.is_global else "not a public address"
    embedded = _embedded_ipv4(address)
    if embedded is not None:
        return classify(embedded)
    for network, label in _IPV6:
        if address in network:
            return label
    if address not in _GLOBAL_UNICAST or not address.is_global:
        return "not a public address"
    return None


def _plain(address: IPAddress) -> IPAddress:
    """Without an IPv6 zone (``fe80::1%eth0``), which would make it unequal to its table entry."""
    if isinstance(address, ipaddress.IPv6Address) and address.scope_id:
        return ipaddress.IPv6Address(int(address))
    return address


_LABEL = r"[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?"
_HOSTNAME = re.compile(rf"(?=.{{1,253}}$){_LABEL}(\.{_LABEL})*")


def normalize_host(host: str) -> str:
    """A URL's host as the policy compares it: lower case, no brackets, no final dot."""
    return host.strip().strip("[]").rstrip(".").lower()


@dataclass(frozen=True)
class EgressPolicy:
    """The rules above plus the operator's allow-list (``GANGWAY_EGRESS_ALLOWED_HOSTS``):
    host names, addresses and networks that may be reached in either mode."""

    hosts: frozenset[str] = frozenset()
    networks: tuple[IPNetwork, ...] = ()
    test_loopback: bool = True
    """Test mode may reach loopback (``GANGWAY_EGRESS_TEST_LOOPBACK``): a shared sandbox whose
    test keys strangers hold turns it off."""

    @classmethod
    def from_entries(cls, entries: Iterable[str], *, test_loopback: bool = True) -> EgressPolicy:
        """``entries``: host names (``hooks.internal``), addresses (``10.0.0.7``, ``::1``) and
        networks (``10.1.0.0/16``); raises ``ValueError`` naming a malformed one."""
        hosts: set[str] = set()
        networks: list[IPNetwork] = []
        for raw in entries:
            entry = normalize_host(raw)
            if not entry:
                continue
            try:
                networks.append(ipaddress.ip_network(entry, strict=True))
                continue
            except ValueError as exc:
                if "/" in entry or ":" in entry or entry.replace(".", "").isdigit():
                    raise ValueError(f"egress allow-list entry {raw!r}: {exc}") from None
            if not _HOSTNAME.fullmatch(entry):
                raise ValueError(
                    f"egress allow-list entry {raw!r} is neither a host name, an address nor "
                    "a network"
                )
            hosts.add(entry)
        return cls(frozenset(hosts), tuple(networks), test_loopback)

    def refusal(self, address: IPAddress, *, livemode: bool, host: str = "") -> str | None:
        """Why a connection to ``address`` (for the URL host ``host``) is refused, or None. A
        host name is named in the reason, not its address: the address of an internal name is
        the operator's to know."""
        kind = classify(address)
        if kind is None:
            return None
        if kind != _METADATA:
            if self._listed(address, host):
                return None
            if kind == _LOOPBACK and not livemode and self.test_loopback:
                return None
        name = normalize_host(host)
        shown = str(address) if not name or _is_address(name) else name
        verb = "is" if shown == str(address) else "resolves to"
        mode = "live" if livemode else "test"
        return f"{shown} {verb} {kind}, which {mode} mode does not reach"

    def _listed(self, address: IPAddress, host: str) -> bool:
        if host and normalize_host(host) in self.hosts:
            return True
        address = _plain(address)
        forms: list[IPAddress] = [address]
        if isinstance(address, ipaddress.IPv6Address):
            embedded = _embedded_ipv4(address)
            if embedded is not None:
                forms.append(embedded)
        return any(form in network for form in forms for network in self.networks)


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True
