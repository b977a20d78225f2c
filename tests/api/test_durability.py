"""An acknowledged write survives the process dying at once (SIGKILL) right after the answer."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from tests.conftest import kill_server, start_server, stop_server


def test_every_acknowledged_create_survives_a_kill(tmp_path: Path) -> None:
    server = start_server(tmp_path / "data", workers=2)
    headers = {"Authorization": f"Bearer {server.test_key}"}

    def create(i: int) -> str | None:
        try:
            response = httpx.post(
                f"{server.url}/v2/core/accounts",
                json={"display_name": f"durable-{i}"},
                headers={**headers, "Idempotency-Key": f"durable-{i}"},
                timeout=10,
            )
        except httpx.TransportError:
            return None
        return response.json()["id"] if response.status_code == 200 else None

    with ThreadPoolExecutor(max_workers=16) as pool:
        acknowledged = [i for i in pool.map(create, range(300)) if i is not None]
    kill_server(server)  # supervisor and workers, at once
    assert len(acknowledged) == 300

    restarted = start_server(tmp_path / "data")
    try:
        with httpx.Client(base_url=restarted.url, headers=headers, timeout=10) as client:
            missing = [
                a for a in acknowledged if client.get(f"/v2/core/accounts/{a}").status_code != 200
            ]
        assert missing == []
    finally:
        stop_server(restarted)
