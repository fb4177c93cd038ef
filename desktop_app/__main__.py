"""Entry point: `python -m desktop_app` (GUI) or `python -m desktop_app <command>` (headless)."""
from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    from desktop_app.cli import parse_args, run_command

    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.smoke_test:  # the installer's and CI's check of a built bundle (ui/smoke_test.py)
        from desktop_app.ui.smoke_test import run_smoke_test

        return run_smoke_test(args)
    if args.command:
        return run_command(args)
    from desktop_app.ui.app import run_gui  # Qt is imported only when a window is wanted

    return run_gui(args)


if __name__ == "__main__":
    sys.exit(main())
