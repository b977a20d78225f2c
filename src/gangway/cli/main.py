"""``gangway serve | db upgrade | listen`` (with the operator's commands from ``cli.tenancy`` and
the test-mode commands from ``cli.testing``): flags override ``GANGWAY_*`` environment settings."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from gangway.cli import listen, operators, tenancy
from gangway.cli.testing import add_commands
from gangway.settings import Settings

if TYPE_CHECKING:
    from gangway.bootstrap import Prepared

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    _export(args)
    try:
        settings = Settings()
    except ValueError as exc:
        parser.error(str(exc))
    return int(args.run(settings, args))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gangway", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the API server")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--workers", type=int)
    store = serve.add_mutually_exclusive_group()
    store.add_argument("--data-dir")
    store.add_argument("--database-url")
    serve.add_argument("--public-url")
    serve.add_argument(
        "--rules-dir", help="requirement rule files to use instead of the shipped ones"
    )
    serve.set_defaults(run=_serve)

    tenancy.add_commands(commands)
    operators.add_commands(commands)
    add_commands(commands)
    listen.add_command(commands)

    db = commands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    up = db_commands.add_parser("upgrade", help="apply schema migrations")
    _storage_flags(up)
    up.set_defaults(run=_db_upgrade)
    return parser


def _storage_flags(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--data-dir")
    group.add_argument("--database-url")


def _export(args: argparse.Namespace) -> None:
    """Flags become environment settings, so uvicorn's worker processes see the same values."""
    for flag in ("host", "port", "workers", "data_dir", "database_url", "public_url", "rules_dir"):
        value = getattr(args, flag, None)
        if value is not None:
            os.environ[f"GANGWAY_{flag.upper()}"] = str(value)


def _serve(settings: Settings, _args: argparse.Namespace) -> int:
    import uvicorn

    from gangway.bootstrap import prepare
    from gangway.requirements import RuleFileError, load_rules

    # Checked here, once, before any worker starts: a bad rule file stops the boot.
    if settings.rules_dir is not None and not settings.rules_dir.is_dir():
        print(f"gangway: rules directory {settings.rules_dir} does not exist", file=sys.stderr)
        return 2
    try:
        load_rules(settings.rules_dir)
    except RuleFileError as exc:
        print(
            f"gangway: refusing to start, a requirement rule file is invalid:\n  {exc}",
            file=sys.stderr,
        )
        return 2
    prepared = prepare(settings)
    _warn(prepared.notices)
    print(f"Gangway listening on http://{settings.host}:{settings.port} ({_storage(settings)})")
    _banner(prepared, settings.resolved_public_url())
    sys.stdout.flush()
    from gangway.serving import uvicorn_options

    uvicorn.run("gangway.app:asgi_factory", factory=True, **uvicorn_options(settings))
    return 0


def _banner(prepared: Prepared, origin: str) -> None:
    """The first start's key is printed once, that start; later starts say where it is kept."""
    if prepared.created_first_key and prepared.first_test_key:
        key = prepared.first_test_key
        print(f"Test secret key (shown this once, kept in {prepared.key_file}): {key}")
        print("Try:")
        print(
            f"  curl -s {origin}/v2/core/accounts -H 'Authorization: Bearer {key}' "
            "-H 'Content-Type: application/json' -d '{\"display_name\": \"Dunder Mifflin\"}'"
        )
    elif prepared.first_test_key:
        print(
            f"Test secret key: kept in {prepared.key_file} "
            "(`gangway keys list` lists keys, `gangway keys create` makes another)"
        )
    else:
        print("No key file here: `gangway keys create` makes a key, `gangway keys list` lists them")


def _warn(notices: Sequence[str]) -> None:
    for notice in notices:
        print(f"gangway: {notice}", file=sys.stderr)


def _db_upgrade(settings: Settings, _args: argparse.Namespace) -> int:
    from gangway.bootstrap import prepare

    _warn(prepare(settings).notices)
    print(f"database is up to date ({_storage(settings)})", file=sys.stderr)
    return 0


def _storage(settings: Settings) -> str:
    if settings.database_url:
        return settings.database_url.split("@")[-1]
    return f"SQLite at {settings.data_dir / 'gangway.db'}"


if __name__ == "__main__":
    raise SystemExit(main())
