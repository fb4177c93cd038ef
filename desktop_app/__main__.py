"""Entry point: `python -m desktop_app` (GUI) or `python -m desktop_app <command>` (headless)."""
from __future__ import annotations

import sys

# The options a plain GUI start takes (the desktop shortcut, `--demo`, `--db 路径`): read here without building
# the whole command-line parser, which would cost start-up time before the window is shown (issue 9).
_GUI_FLAGS = {"--demo": "demo", "--quit-after-shown": "quit_after_shown"}


def _plain_gui_args(argv: list[str]):
    """The namespace `cli.parse_args(argv)` would return when argv holds only --demo, --quit-after-shown and one
    --db 路径; None for anything else (a command, --help, --smoke-test, a repeated or unknown option)."""
    from argparse import Namespace
    from pathlib import Path

    values: dict = {"db": None, "demo": False, "quit_after_shown": False, "smoke_test": False, "command": None}
    rest = list(argv)
    while rest:
        arg = rest.pop(0)
        if arg in _GUI_FLAGS and not values[_GUI_FLAGS[arg]]:
            values[_GUI_FLAGS[arg]] = True
        elif arg == "--db" and values["db"] is None and rest and rest[0] and not rest[0].startswith("-"):
            values["db"] = Path(rest.pop(0))
        elif arg.startswith("--db=") and values["db"] is None and len(arg) > len("--db="):
            values["db"] = Path(arg[len("--db="):])
        else:
            return None
    return Namespace(**values)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = _plain_gui_args(argv)
    if args is None:
        from desktop_app.cli import parse_args, run_command

        args = parse_args(argv)
        if args.smoke_test:  # the installer's and CI's check of a built bundle (ui/smoke_test.py)
            from desktop_app.ui.smoke_test import run_smoke_test

            return run_smoke_test(args)
        if args.command:
            return run_command(args)
    from desktop_app.ui.app import run_gui  # Qt is imported only when a window is wanted

    return run_gui(args)


if __name__ == "__main__":
    sys.exit(main())
