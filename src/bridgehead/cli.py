"""The ``bridgehead`` command.

Engine sub-commands (``schedule``, ``match``) run without Django so they start fast and can be used on a
laptop with nothing but the engines installed; web sub-commands (``demo``, ``serve``, ``worker``, ``import``,
``export``, ``report``, ``manage``) set up Django first. Each engine package registers its own sub-parser
through ``add_parser(subparsers)`` in its ``cli`` module, so the engines keep their CLI next to their code.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

Handler = Callable[[argparse.Namespace], int]


def _django_setup() -> None:
    """Configure Django for the web sub-commands (lazy: engine commands never pay for it)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bridgehead.site.settings")
    import django  # Django is configured only for web commands

    django.setup()


def _run_manage(argv: Sequence[str]) -> int:
    _django_setup()
    from django.core.management import execute_from_command_line  # needs the settings _django_setup just made

    execute_from_command_line(["bridgehead", *argv])
    return 0


def _web_parsers(subparsers: argparse._SubParsersAction) -> None:
    """Sub-commands that need the Django site."""
    from bridgehead import webcli  # web commands import Django; engine commands stay light

    webcli.add_parsers(subparsers, setup=_django_setup)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bridgehead",
        description="Bridgehead: agreements, programs, partnering events and outcomes between clusters.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    from bridgehead.engines.match import cli as match_cli  # engines load numpy/OR-Tools: only when the parser is built
    from bridgehead.engines.schedule import cli as schedule_cli

    schedule_cli.add_parser(subparsers)
    match_cli.add_parser(subparsers)

    _web_parsers(subparsers)
    manage = subparsers.add_parser("manage", help="run a Django management command", add_help=False)
    manage.add_argument("args", nargs=argparse.REMAINDER)
    manage.set_defaults(handler=lambda ns: _run_manage(ns.args))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``bridgehead`` console script; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler = args.handler
    return handler(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
