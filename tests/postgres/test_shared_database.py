"""Two ``gangway serve`` processes on one PostgreSQL database behave as one server.

Each has its own data dir; they share the database and the encryption key (``GANGWAY_ENCRYPTION_KEY``),
as two nodes behind a load balancer would. The official SDK is the client.
"""

from __future__ import annotations

import base64
import os
import shutil
import threading
import uuid
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import pytest
import stripe

from tests.conftest import RunningServer, start_server, stop_server

T = TypeVar("T")
ATTEMPTS = 16


@pytest.fixture(scope="module")
def pair(
    module_postgres: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[RunningServer, RunningServer]]:
    env = {"GANGWAY_ENCRYPTION_KEY": base64.b64encode(os.urandom(32)).decode()}
    first_dir = tmp_path_factory.mktemp("node-a")
    second_dir = tmp_path_factory.mktemp("node-b")
    first = start_server(first_dir, module_postgres, env=env)
    try:
        # The first start made the platform and its first key; the second node finds both in the
        # database and is handed the key the way an operator would copy it.
        shutil.copy(first_dir / "test_secret_key", second_dir / "test_secret_key")
        second = start_server(second_dir, module_postgres, env=env)
        try:
            assert not (first_dir / "encryption.key").exists()
            assert not (second_dir / "encryption.key").exists()
            yield first, second
        finally:
            stop_server(second)
    finally:
        stop_server(first)


def client(server: RunningServer, key: str | None = None) -> stripe.StripeClient:
    return stripe.StripeClient(key or server.test_key, base_addresses={"api": server.url})


def run_together(calls: list[Callable[[], T]]) -> list[T | Exception]:
    """Run every call on its own thread, released at the same moment; results in call order."""
    barrier = threading.Barrier(len(calls))
    results: list[T | Exception] = [RuntimeError("did not run")] * len(calls)

    def run(index: int) -> None:
        barrier.wait()
        try:
            results[index] = calls[index]()
        except Exception as exc:
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def add_person(sdk: stripe.StripeClient, account_id: str, params: Any) -> Callable[[], Any]:
    return lambda: sdk.v2.core.accounts.persons.create(account_id, params)


def all_accounts(sdk: stripe.StripeClient, **filters: Any) -> list[Any]:
    params: Any = {"limit": 100, **filters}
    return list(sdk.v2.core.accounts.list(params).auto_paging_iter())


def merchant(display_name: str) -> Any:
    return {
        "display_name": display_name,
        "contact_email": "jenny@example.com",
        "dashboard": "none",
        "identity": {
            "country": "us",
            "entity_type": "individual",
            "individual": {
                "given_name": "Jenny",
                "surname": "Rosen",
                "id_numbers": [{"type": "us_ssn", "value": "000000000"}],
            },
        },
        "configuration": {"merchant": {"capabilities": {"card_payments": {"requested": True}}}},
        "defaults": {
            "responsibilities": {
                "fees_collector": "application",
                "losses_collector": "application",
            }
        },
    }


def test_both_nodes_share_one_platform_and_its_key(
    pair: tuple[RunningServer, RunningServer],
) -> None:
    first, second = pair
    assert first.test_key == second.test_key
    created = client(first).v2.core.accounts.create({"display_name": "Key check"})
    assert client(second).v2.core.accounts.retrieve(created.id).display_name == "Key check"


def test_an_account_made_on_one_node_is_read_and_updated_on_the_other(
    pair: tuple[RunningServer, RunningServer],
) -> None:
    first, second = pair
    params = merchant("Shared Jenny")
    params["include"] = ["identity"]
    created = client(first).v2.core.accounts.create(params)

    read = client(second).v2.core.accounts.retrieve(
        created.id, {"include": ["identity", "configuration.merchant"]}
    )
    assert read.id == created.id
    assert read.display_name == "Shared Jenny"
    assert read.identity is not None and read.identity.individual is not None
    assert read.identity.individual.given_name == "Jenny"
    assert read.identity.individual.id == created.identity.individual.id  # type: ignore[union-attr]
    assert read.applied_configurations == ["merchant"]

    updated = client(second).v2.core.accounts.update(
        created.id,
        {
            "display_name": "Shared Jenny Rosen",
            "metadata": {"node": "b"},
            "identity": {"individual": {"given_name": "Jennifer"}},
            "include": ["identity"],
        },
    )
    assert updated.display_name == "Shared Jenny Rosen"

    again = client(first).v2.core.accounts.retrieve(created.id, {"include": ["identity"]})
    assert again.display_name == "Shared Jenny Rosen"
    assert again.metadata is not None
    assert again.metadata.to_dict() == {"node": "b"}
    assert again.identity.individual.given_name == "Jennifer"  # type: ignore[union-attr]
    assert again.identity.individual.surname == "Rosen"  # type: ignore[union-attr]

    closed = client(first).v2.core.accounts.close(
        created.id, {"applied_configurations": ["merchant"]}
    )
    assert closed.closed is True
    with pytest.raises(stripe.InvalidRequestError) as info:
        client(second).v2.core.accounts.update(created.id, {"display_name": "Too late"})
    assert info.value.code == "account_closed"


def test_a_person_added_on_one_node_is_listed_on_the_other(
    pair: tuple[RunningServer, RunningServer],
) -> None:
    first, second = pair
    account = client(first).v2.core.accounts.create(
        {
            "display_name": "Persons across nodes",
            "contact_email": "ops@example.com",
            "identity": {"country": "us", "entity_type": "company"},
            "configuration": {"merchant": {}},
        }
    )
    person = client(second).v2.core.accounts.persons.create(
        account.id, {"given_name": "Ada", "surname": "Lovelace", "email": "ada@example.com"}
    )
    listed = client(first).v2.core.accounts.persons.list(account.id)
    assert [p.id for p in listed.data] == [person.id]
    assert listed.data[0].given_name == "Ada"


def test_the_same_key_lists_the_same_accounts_from_both_nodes(
    pair: tuple[RunningServer, RunningServer],
) -> None:
    first, second = pair
    tag = uuid.uuid4().hex[:8]
    made = [
        client(node).v2.core.accounts.create({"display_name": f"List {tag} {i}"}).id
        for i, node in enumerate([first, second, first, second, first])
    ]
    from_first = [a.id for a in all_accounts(client(first))]
    from_second = [a.id for a in all_accounts(client(second))]
    assert from_first == from_second
    assert set(made) <= set(from_first)
    # Newest first: the five just made lead, in reverse order of creation.
    assert from_first[:5] == made[::-1]

    # A key made later, through either node's CLI, reaches the same platform on both.
    new_key = second.new_key("test")
    assert [a.id for a in all_accounts(client(first, new_key))] == from_first
    # A live key is another mode: it sees none of the test accounts, on either node.
    live_key = first.new_key("live")
    assert all_accounts(client(second, live_key)) == []


def test_one_idempotency_key_over_both_nodes_makes_one_account(
    pair: tuple[RunningServer, RunningServer],
) -> None:
    first, second = pair
    name = f"Idempotent {uuid.uuid4().hex}"
    key = f"create-{uuid.uuid4()}"
    clients = [client(first if i % 2 == 0 else second) for i in range(ATTEMPTS)]
    params = merchant(name)

    def create(sdk: stripe.StripeClient) -> Callable[[], Any]:
        return lambda: sdk.v2.core.accounts.create(params, {"idempotency_key": key})

    results = run_together([create(sdk) for sdk in clients])

    failures = [r for r in results if isinstance(r, Exception)]
    assert failures == []
    named = [a for a in all_accounts(client(first)) if a.display_name == name]
    assert len(named) == 1
    assert {r.id for r in results} == {named[0].id}  # type: ignore[union-attr]
    assert len(all_accounts(client(second), applied_configurations=["merchant"])) == len(
        all_accounts(client(first), applied_configurations=["merchant"])
    )

    # The key stays bound to those params: reusing it for others is refused on either node.
    with pytest.raises(stripe.IdempotencyError):
        client(second).v2.core.accounts.create({"display_name": "Other"}, {"idempotency_key": key})


def test_concurrent_metadata_updates_from_both_nodes_all_land(
    pair: tuple[RunningServer, RunningServer],
) -> None:
    first, second = pair
    account = client(first).v2.core.accounts.create(
        {"display_name": "Busy account", "metadata": {"origin": "a"}}
    )
    clients = [client(first if i % 2 == 0 else second) for i in range(ATTEMPTS)]

    def update(index: int) -> Callable[[], Any]:
        sdk = clients[index]
        return lambda: sdk.v2.core.accounts.update(
            account.id, {"metadata": {f"k{index:02d}": f"v{index}"}}
        )

    results = run_together([update(i) for i in range(ATTEMPTS)])

    failures = [r for r in results if isinstance(r, Exception)]
    assert failures == []
    for index, result in enumerate(results):
        assert result.metadata[f"k{index:02d}"] == f"v{index}"  # type: ignore[union-attr]
    expected = {"origin": "a", **{f"k{i:02d}": f"v{i}" for i in range(ATTEMPTS)}}
    for node in pair:
        metadata = client(node).v2.core.accounts.retrieve(account.id).metadata
        assert metadata is not None
        assert metadata.to_dict() == expected


def test_concurrent_majority_owners_from_both_nodes_never_exceed_100_percent(
    pair: tuple[RunningServer, RunningServer],
) -> None:
    # Each create checks the other persons' ownership before inserting: unless writers to one
    # account are serialised, both nodes can see room for a 60% owner and both insert. Each
    # round races one create per node on a fresh account.
    first, second = pair
    sdks = [client(first), client(second)]
    owner = {
        "given_name": "Maj",
        "surname": "Ority",
        "relationship": {"owner": True, "percent_ownership": "60"},
    }
    for round_ in range(12):
        account_id = (
            sdks[0]
            .v2.core.accounts.create(
                {
                    "display_name": f"Majority owner {round_}",
                    "contact_email": "ops@example.com",
                    "identity": {"country": "us", "entity_type": "company"},
                    "configuration": {"merchant": {}},
                }
            )
            .id
        )
        results = run_together([add_person(sdk, account_id, owner) for sdk in sdks])
        made = [r for r in results if not isinstance(r, Exception)]
        refused = [r for r in results if isinstance(r, Exception)]
        assert len(made) == 1, f"round {round_}: {len(made)} owners of 60% on {account_id}"
        assert isinstance(refused[0], stripe.InvalidRequestError)
        assert refused[0].code == "total_person_ownership_exceeded"
        owners = sdks[1].v2.core.accounts.persons.list(account_id).data
        assert [p.id for p in owners] == [made[0].id]
