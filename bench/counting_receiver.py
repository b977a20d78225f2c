"""A webhook receiver that only counts: each POST's arrival time (``time.monotonic``, the same
clock in every process on Linux) is noted and answered 200, verifying nothing; ``GET /count``
returns how many arrived and when the first and last did. Small on purpose: the bench report's
scale-out runs measure Gangway's deliveries, not this app."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import orjson

_ARRIVALS: list[float] = []


async def app(
    scope: dict[str, Any], receive: Callable[[], Any], send: Callable[[dict[str, Any]], Any]
) -> None:
    if scope["type"] != "http":
        return
    if scope["method"] == "POST":
        while (await receive()).get("more_body", False):
            pass
        _ARRIVALS.append(time.monotonic())
        body = b"{}"
    else:
        body = orjson.dumps(
            {
                "count": len(_ARRIVALS),
                "first": _ARRIVALS[0] if _ARRIVALS else None,
                "last": _ARRIVALS[-1] if _ARRIVALS else None,
            }
        )
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})
