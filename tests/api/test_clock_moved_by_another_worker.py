"""A create dates the account by its platform's test clock as of its own transaction, even when
another worker moved that clock after this one last read it (the API caches the offset)."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from gangway.app import create_app
from gangway.bootstrap import prepare
from gangway.settings import Settings

_DAY_MS = 86_400_000


def test_a_create_sees_a_clock_another_worker_moved(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", scheduler=False, deliveries=False)
    prepared = prepare(settings)
    key = prepared.first_test_key
    first, second = create_app(settings), create_app(settings)  # two workers, one database

    async def create(app: Any, n: int) -> dict[str, Any]:
        messages: list[dict[str, Any]] = []

        async def receive() -> dict[str, Any]:
            body = orjson.dumps({"display_name": f"clock-{n}"})
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            messages.append(message)

        headers = [
            (b"authorization", f"Bearer {key}".encode()),
            (b"content-type", b"application/json"),
            (b"idempotency-key", f"clock-{n}".encode()),
        ]
        scope = {"type": "http", "method": "POST", "path": "/v2/core/accounts"}
        await app.api({**scope, "query_string": b"", "headers": headers}, receive, send)
        assert messages[0]["status"] == 200, messages[1]["body"]
        return dict(orjson.loads(messages[1]["body"]))

    def created_ms(account: dict[str, Any]) -> float:
        return datetime.fromisoformat(account["created"].replace("Z", "+00:00")).timestamp() * 1e3

    try:
        before = asyncio.run(create(first, 1))  # the first worker now caches offset 0
        assert abs(created_ms(before) - time.time() * 1e3) < _DAY_MS
        with second.store.unit_of_work(write=True) as uow:
            uow.clocks.set_offset(prepared.platform_id, 30 * _DAY_MS, 0)
        after = asyncio.run(create(first, 2))
        assert created_ms(after) - time.time() * 1e3 > 29 * _DAY_MS
    finally:
        first.database.dispose()
        second.database.dispose()
