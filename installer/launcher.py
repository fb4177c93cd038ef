"""Entry script of the PyInstaller bundle (installer/desktop_app.spec): the same `main()` as `python -m desktop_app`.

A separate file rather than desktop_app/__main__.py, so that PyInstaller does not put the package's own folder on
the module path (paths.py would then also be importable as a top-level `paths`).

matplotlib's font list: PyInstaller's run-time hook for matplotlib points MPLCONFIGDIR at a new temporary folder
on every start (meant for one-file builds, whose files move each run), so the first chart of every session would
scan all of Windows' fonts again (seconds). An installed one-folder bundle stays where it is, so the cache goes
to the data folder instead, one per program version (a newer version may bundle other fonts). matplotlib
creates the folder when it first needs it, and falls back to a temporary one if it cannot.
"""
import os
import sys

from desktop_app import __version__, paths
from desktop_app.__main__ import main

if __name__ == "__main__":
    os.environ["MPLCONFIGDIR"] = str(paths.user_data_dir(create=False) / "cache" / f"matplotlib-{__version__}")
    sys.exit(main())
