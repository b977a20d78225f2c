"""``gangway platforms create | list``, ``gangway keys create | list | revoke`` and ``gangway
admin-tokens create | list | revoke``: the operator's commands, on the database directly (no
server needed), through the same services as the admin API.

A secret (a key's, an admin token's) is printed once, when it is made, and never again: lists
show a hint (``sk_test_…abcd``). ``--json`` prints what the admin API would answer.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

import orjson

from gangway.bootstrap import operator_work
from gangway.core.clock import SystemClock
from gangway.core.errors import GangwayError
from gangway.services import tenancy
from gangway.services.audit import cli_actor
from gangway.settings import Settings
from gangway.store.uow import UnitOfWork

__all__ = ["add_commands", "command_parser", "print_table", "run_work"]


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    platforms = commands.add_parser("platforms", help="manage platforms (tenants)")
    platform_commands = platforms.add_subparsers(dest="platforms_command", required=True)
    create = command_parser(platform_commands, "create", "create a platform and its first test key")
    create.add_argument("--name", required=True)
    create.set_defaults(run=_platforms_create)
    command_parser(platform_commands, "list", "list platforms").set_defaults(run=_platforms_list)

    keys = commands.add_parser("keys", help="manage secret API keys")
    key_commands = keys.add_subparsers(dest="keys_command", required=True)
    create = command_parser(key_commands, "create", "create a key and print only its secret")
    create.add_argument("--mode", choices=("test", "live"), default="test")
    create.add_argument("--platform", help="the platform's id (default: the first platform)")
    create.set_defaults(run=_keys_create)
    listing = command_parser(key_commands, "list", "list keys (never their secrets)")
    listing.add_argument("--platform", help="only this platform's keys")
    listing.set_defaults(run=_keys_list)
    revoke = command_parser(key_commands, "revoke", "revoke a key, at once, in every process")
    revoke.add_argument("key_id")
    revoke.set_defaults(run=_keys_revoke)

    tokens = commands.add_parser(
        "admin-tokens", help="manage the operator tokens of the admin API (/_gangway/admin)"
    )
    token_commands = tokens.add_subparsers(dest="tokens_command", required=True)
    command_parser(
        token_commands, "create", "create an admin token and print only it"
    ).set_defaults(run=_tokens_create)
    command_parser(token_commands, "list", "list admin tokens").set_defaults(run=_tokens_list)
    revoke = command_parser(token_commands, "revoke", "revoke an admin token")
    revoke.add_argument("token_id")
    revoke.set_defaults(run=_tokens_revoke)


def command_parser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], name: str, help_text: str
) -> argparse.ArgumentParser:
    parser = commands.add_parser(name, help=help_text)
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--data-dir")
    group.add_argument("--database-url")
    parser.add_argument("--json", action="store_true", help="print JSON")
    return parser


def _now() -> int:
    return SystemClock().now_ms()


def _platforms_create(settings: Settings, args: argparse.Namespace) -> int:
    def work(uow: UnitOfWork) -> Any:
        return tenancy.create_platform(uow, name=args.name, now_ms=_now(), actor=cli_actor())

    def show(created: Any) -> None:
        print(f"{created.view['id']}  {created.view['name']}")
        print(f"Test secret key (shown once): {created.secret}")

    return run_work(settings, args, work, show, json_of=lambda created: created.view)


def _platforms_list(settings: Settings, args: argparse.Namespace) -> int:
    return run_work(
        settings,
        args,
        tenancy.list_platforms,
        lambda rows: print_table(rows, ("id", "name", "created")),
    )


def _keys_create(settings: Settings, args: argparse.Namespace) -> int:
    def work(uow: UnitOfWork) -> Any:
        return tenancy.create_key(
            uow,
            platform_id=args.platform,
            livemode=args.mode == "live",
            now_ms=_now(),
            actor=cli_actor(),
        )

    return run_work(
        settings, args, work, lambda created: print(created.secret), json_of=lambda c: c.view
    )


def _keys_list(settings: Settings, args: argparse.Namespace) -> int:
    return run_work(
        settings,
        args,
        lambda uow: tenancy.list_keys(uow, platform_id=args.platform),
        lambda rows: print_table(
            [{**row, "mode": "live" if row["livemode"] else "test"} for row in rows],
            ("id", "platform", "mode", "hint", "created", "revoked"),
        ),
    )


def _keys_revoke(settings: Settings, args: argparse.Namespace) -> int:
    return run_work(
        settings,
        args,
        lambda uow: tenancy.revoke_key(uow, args.key_id, now_ms=_now(), actor=cli_actor()),
        lambda key: print(f"{key['id']} revoked at {key['revoked']}"),
    )


def _tokens_create(settings: Settings, args: argparse.Namespace) -> int:
    return run_work(
        settings,
        args,
        lambda uow: tenancy.create_admin_token(uow, now_ms=_now(), actor=cli_actor()),
        lambda created: print(created.secret),
        json_of=lambda created: {**created.view, "secret": created.secret},
    )


def _tokens_list(settings: Settings, args: argparse.Namespace) -> int:
    return run_work(
        settings,
        args,
        tenancy.list_admin_tokens,
        lambda rows: print_table(rows, ("id", "hint", "created", "revoked")),
    )


def _tokens_revoke(settings: Settings, args: argparse.Namespace) -> int:
    return run_work(
        settings,
        args,
        lambda uow: tenancy.revoke_admin_token(
            uow, args.token_id, now_ms=_now(), actor=cli_actor()
        ),
        lambda token: print(f"{token['id']} revoked at {token['revoked']}"),
    )


def run_work(
    settings: Settings,
    args: argparse.Namespace,
    work: Callable[[UnitOfWork], Any],
    show: Callable[[Any], None],
    *,
    json_of: Callable[[Any], Any] | None = None,
) -> int:
    try:
        with operator_work(settings) as uow:
            result = work(uow)
    except GangwayError as exc:
        print(f"gangway: {exc.message}", file=sys.stderr)
        return 1
    if args.json:
        value = json_of(result) if json_of is not None else result
        print(orjson.dumps(value, option=orjson.OPT_INDENT_2).decode())
    else:
        show(result)
    return 0


def print_table(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> None:
    cells = [[str(row[c]) if row[c] is not None else "-" for c in columns] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    for line in [list(columns), *cells]:
        print("  ".join(v.ljust(w) for v, w in zip(line, widths, strict=True)).rstrip())
