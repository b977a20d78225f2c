"""``python -m examples.platform``: serve the example platform against a running Gangway."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import stripe
import uvicorn

from examples.platform import v1_webhooks, v2_webhooks
from examples.platform.app import APIS, Settings, create_app


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m examples.platform",
        description="An example platform that onboards connected accounts through Gangway.",
    )
    parser.add_argument(
        "--gangway-url",
        default=os.environ.get("GANGWAY_URL", "http://127.0.0.1:12111"),
        help="Gangway's API base address (default: $GANGWAY_URL or http://127.0.0.1:12111)",
    )
    key = parser.add_mutually_exclusive_group(required=True)
    key.add_argument("--api-key", help="a Gangway secret key (sk_test_...)")
    key.add_argument(
        "--api-key-file",
        type=Path,
        help="a file holding the key, such as <gangway data dir>/test_secret_key",
    )
    parser.add_argument(
        "--api",
        choices=sorted(APIS),
        default="v2",
        help="integrate through Accounts v2 (default) or Connect v1 (Custom accounts)",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument(
        "--public-url",
        help="where browsers reach this app, the base of refresh and return URLs "
        "(default: http://HOST:PORT)",
    )
    parser.add_argument(
        "--state-dir",
        type=Path,
        help="where the platform keeps its accounts (default: platform-example/ next to "
        "--api-key-file, since the accounts belong to that Gangway; else ./.platform-example)",
    )
    hooks = parser.add_mutually_exclusive_group()
    hooks.add_argument(
        "--webhook-secret",
        default=os.environ.get("WEBHOOK_SECRET"),
        help="the whsec_ secret that signs events POSTed to /webhooks, from an event destination "
        "or `gangway listen` (default: $WEBHOOK_SECRET)",
    )
    hooks.add_argument(
        "--create-destination",
        action="store_true",
        help="create (or reuse) a webhook endpoint for PUBLIC_URL/webhooks: with --api v2 an "
        f"event destination for {', '.join(v2_webhooks.ENABLED_EVENTS)}; with --api v1 a "
        f"/v1/webhook_endpoints endpoint for {', '.join(v1_webhooks.ENABLED_EVENTS)}",
    )
    parser.add_argument("--log-level", default="info", help="uvicorn's log level")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.api_key_file is not None:
        try:
            api_key = args.api_key_file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            print(f"cannot read the API key: {exc}", file=sys.stderr)
            return 2
        default_state = args.api_key_file.resolve().parent / "platform-example"
    else:
        api_key = args.api_key
        default_state = Path(".platform-example")
    if not api_key.startswith(("sk_test_", "sk_live_")):
        print("the API key should be a Gangway secret key (sk_test_...)", file=sys.stderr)
        return 2
    host_for_urls = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
    gangway_url = args.gangway_url.rstrip("/")
    public_url = args.public_url or f"http://{host_for_urls}:{args.port}"
    state_dir = args.state_dir or default_state
    webhook_secret = args.webhook_secret or None
    if args.create_destination:
        api = APIS[args.api](stripe.StripeClient(api_key, base_addresses={"api": gangway_url}))
        try:
            webhook_secret = api.ensure_destination(public_url, state_dir)
        except stripe.StripeError as exc:
            print(f"cannot create the webhook endpoint: {exc}", file=sys.stderr)
            return 2
        print(
            f"Events for {public_url}/webhooks come from a {args.api} webhook endpoint.", flush=True
        )
    settings = Settings(
        gangway_url=gangway_url,
        api_key=api_key,
        public_url=public_url,
        state_dir=state_dir,
        webhook_secret=webhook_secret,
        api=args.api,
    )
    uvicorn.run(create_app(settings), host=args.host, port=args.port, log_level=args.log_level)
    return 0


if __name__ == "__main__":
    sys.exit(main())
