"""No answer leaves before the write it reports is committed.

Drives the real ASGI app in-process with several creates in one event-loop turn; at the moment
each response goes out, a separate connection must already see its account. (Guards any future
batching of commits: an answer must wait for its batch.)
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import orjson
import sqlalchemy as sa

from gangway.app import create_app
from gangway.bootstrap import prepare
from gangway.settings import Settings


def test_responses_go_out_only_after_their_write_committed(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    key = prepare(settings).first_test_key
    app = create_app(settings)
    observer = sa.create_engine(settings.resolved_database_url())
    seen: list[tuple[str, bool]] = []

    def committed(account_id: str) -> bool:
        with observer.connect() as conn:
            query = sa.text("SELECT count(*) FROM accounts WHERE id = :id")
            return bool(conn.execute(query, {"id": account_id}).scalar_one())

    async def create(i: int) -> None:
        body = orjson.dumps({"display_name": f"batch-{i}"})
        messages: list[dict[str, Any]] = []

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            messages.append(message)
            if message["type"] == "http.response.body":
                account_id = orjson.loads(message["body"])["id"]
                seen.append((account_id, committed(account_id)))

        scope = {
            "type": "http",
            "method": "POST",
            "path": "/v2/core/accounts",
            "query_string": b"",
            "headers": [
                (b"authorization", f"Bearer {key}".encode()),
                (b"content-type", b"application/json"),
                (b"idempotency-key", f"batch-{i}".encode()),
            ],
        }
        await app(scope, receive, send)
        assert messages[0]["status"] == 200

    async def scenario() -> None:
        await asyncio.gather(*(create(i) for i in range(8)))

    asyncio.run(scenario())
    observer.dispose()
    app.database.dispose()
    assert len(seen) == 8
    assert all(visible for _, visible in seen), seen
