"""Future requirements through the SDK: announced ahead of time, then current after the date.

Uses an operator's own rule directory (``GANGWAY_RULES_DIR``): the shipped US rules plus a future
version asking for the account holder's nationalities from a date the test clock then passes.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from gangway.requirements.rules import DEFAULT_RULES_DIRECTORY
from tests.api.conftest import sdk
from tests.api.test_journeys_sdk import merchant
from tests.conftest import RunningServer, start_server, stop_server

FUTURE = """
future_versions:
  - version: "2027-06-01"
    minimum_transition_date: "2027-06-01T00:00:00Z"
    note: A test announcement, not Stripe's.
    requirements:
      - id: individual_nationality
        source: {source}
        entity_types: [individual]
        restricts: [everything]
        deadline: onboarding
        fields:
          - identity.individual.nationalities
"""


@pytest.fixture(scope="module")
def announcing_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    rules = tmp_path_factory.mktemp("rules")
    us = (DEFAULT_RULES_DIRECTORY / "us.yaml").read_text()
    source = us.split("sources:", 1)[1].split("id:", 1)[1].split()[0]
    (rules / "us.yaml").write_text(us + FUTURE.replace("{source}", source))
    running = start_server(
        tmp_path_factory.mktemp("future"),
        env={"GANGWAY_RULES_DIR": str(rules), "GANGWAY_SCHEDULER": "false"},
    )
    try:
        yield running
    finally:
        stop_server(running)


def test_announced_then_current(announcing_server: RunningServer, tmp_path: Path) -> None:
    client = sdk(announcing_server)
    include = {"include": ["requirements", "future_requirements", "configuration.merchant"]}
    account = client.v2.core.accounts.create({**merchant(), **include})
    future = account.future_requirements
    assert future.minimum_transition_date == "2027-06-01T00:00:00.000Z"
    announced = {e.description: e for e in future.entries}
    nationality = announced["identity.individual.nationalities"]
    assert [r.code for r in nationality.requested_reasons] == ["future_requirements"]
    current = {e.description for e in account.requirements.entries}
    assert "identity.individual.nationalities" not in current

    headers = {"Authorization": f"Bearer {announcing_server.test_key}"}
    now = httpx.get(f"{announcing_server.url}/_gangway/test_clock", headers=headers).json()["now"]
    assert now < "2027-06-01"
    response = httpx.post(
        f"{announcing_server.url}/_gangway/test_clock/advance",
        json={"seconds": 220 * 86_400},  # well past 2027-06-01 from late 2026
        headers=headers,
        timeout=60,
    )
    assert response.status_code == 200, response.text
    after = client.v2.core.accounts.retrieve(account.id, include)
    entries = {e.description: e for e in after.requirements.entries}
    assert entries["identity.individual.nationalities"].minimum_deadline.status == "past_due"
    assert not [
        e for e in after.future_requirements.entries if e.description.endswith("nationalities")
    ]
    assert after.configuration.merchant.capabilities.card_payments.status == "restricted"

    fixed = client.v2.core.accounts.update(
        account.id, {"identity": {"individual": {"nationalities": ["us"]}}, **include}
    )
    assert "identity.individual.nationalities" not in {
        e.description for e in fixed.requirements.entries
    }
