"""``gangway operators create | list | disable | enable | reset | role``: the people who sign in
to the operator console (``/console``), managed on the database directly.

A password is printed once, when it is made (``create`` and ``reset`` without
``--password-stdin``); only its argon2id hash is stored. Each command is written to the audit
log as ``cli:<user>``.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from gangway.cli.tenancy import command_parser, print_table, run_work
from gangway.core.clock import SystemClock, to_rfc3339
from gangway.core.roles import ROLES
from gangway.services import operators
from gangway.services.audit import cli_actor
from gangway.settings import Settings
from gangway.store.repos.operators import OperatorRecord
from gangway.store.uow import UnitOfWork

__all__ = ["add_commands"]


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("operators", help="manage operator console users")
    sub = parser.add_subparsers(dest="operators_command", required=True)

    create = command_parser(sub, "create", "create an operator and print a one-time password")
    create.add_argument("--email", required=True)
    create.add_argument("--role", choices=ROLES, required=True)
    _live_flags(create)
    _stdin_flag(create)
    create.set_defaults(run=_create)

    command_parser(sub, "list", "list operators").set_defaults(run=_list)
    for name, help_text, run in (
        ("disable", "disable an operator and end their sessions", _disable),
        ("enable", "enable a disabled operator", _enable),
    ):
        command = command_parser(sub, name, help_text)
        command.add_argument("operator", help="email or id")
        command.set_defaults(run=run)

    reset = command_parser(sub, "reset", "set a new password and end every session")
    reset.add_argument("operator", help="email or id")
    _stdin_flag(reset)
    reset.set_defaults(run=_reset)

    role = command_parser(sub, "role", "change an operator's role and live access")
    role.add_argument("operator", help="email or id")
    role.add_argument("--role", choices=ROLES, required=True)
    _live_flags(role)
    role.set_defaults(run=_role)


def _live_flags(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--live", dest="live", action="store_true", default=None, help="may see live data"
    )
    group.add_argument("--test-only", dest="live", action="store_false", help="sees test data only")


def _stdin_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )


def _password(args: argparse.Namespace) -> str | None:
    if not args.password_stdin:
        return None
    return sys.stdin.readline().rstrip("\r\n")


def _now() -> int:
    return SystemClock().now_ms()


def _view(record: OperatorRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "email": record.email,
        "role": record.role,
        "live": record.live,
        "created": to_rfc3339(record.created_ms),
        "disabled": to_rfc3339(record.disabled_ms) if record.disabled_ms else None,
    }


def _created(result: tuple[OperatorRecord, str | None]) -> None:
    record, made = result
    print(f"{record.id}  {record.email}  {record.role}{'  live' if record.live else ''}")
    if made:
        print(f"Password (shown once): {made}")


def _create(settings: Settings, args: argparse.Namespace) -> int:
    password = _password(args)

    def work(uow: UnitOfWork) -> Any:
        return operators.create(
            uow,
            email=args.email,
            role=args.role,
            live=args.live,
            password=password,
            now_ms=_now(),
            actor=cli_actor(),
        )

    return run_work(
        settings, args, work, _created, json_of=lambda r: {**_view(r[0]), "password": r[1]}
    )


def _list(settings: Settings, args: argparse.Namespace) -> int:
    return run_work(
        settings,
        args,
        lambda uow: [_view(r) for r in operators.listing(uow)],
        lambda rows: print_table(rows, ("id", "email", "role", "live", "created", "disabled")),
    )


def _disable(settings: Settings, args: argparse.Namespace) -> int:
    return run_work(
        settings,
        args,
        lambda uow: _view(operators.disable(uow, args.operator, now_ms=_now(), actor=cli_actor())),
        lambda view: print(f"{view['email']} disabled"),
    )


def _enable(settings: Settings, args: argparse.Namespace) -> int:
    return run_work(
        settings,
        args,
        lambda uow: _view(operators.enable(uow, args.operator, now_ms=_now(), actor=cli_actor())),
        lambda view: print(f"{view['email']} enabled"),
    )


def _reset(settings: Settings, args: argparse.Namespace) -> int:
    password = _password(args)

    def work(uow: UnitOfWork) -> Any:
        return operators.reset_password(
            uow, args.operator, password=password, now_ms=_now(), actor=cli_actor()
        )

    return run_work(
        settings, args, work, _created, json_of=lambda r: {**_view(r[0]), "password": r[1]}
    )


def _role(settings: Settings, args: argparse.Namespace) -> int:
    def work(uow: UnitOfWork) -> Any:
        current = operators.find(uow, args.operator)
        live = current.live if args.live is None else args.live
        return _view(
            operators.set_role(
                uow, args.operator, role=args.role, live=live, now_ms=_now(), actor=cli_actor()
            )
        )

    return run_work(
        settings,
        args,
        work,
        lambda view: print(f"{view['email']}  {view['role']}{'  live' if view['live'] else ''}"),
    )
