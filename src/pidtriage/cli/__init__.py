"""The `pidtriage` command line. Subcommands import what they need only when they run (start-up cost).

A user error (any `PidTriageError`) prints one line, `pidtriage: <what, where, how to fix>`, and exits 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from pidtriage import __version__
from pidtriage.errors import PidTriageError

__all__ = ["main"]


def build_parser() -> argparse.ArgumentParser:
    from pidtriage.cli import case_commands, diff, init, panel_commands, resource_commands

    parser = argparse.ArgumentParser(prog="pidtriage", description="Triage of PID patients' germline variants.")
    parser.add_argument("--version", action="version", version=f"pidtriage {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    diff.add_parser(sub)
    init.add_parser(sub)
    panel_commands.add_parser(sub)
    case_commands.add_parsers(sub)
    resource_commands.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except PidTriageError as exc:
        print(f"pidtriage: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
