"""python -m benchmarks: every issue-9 budget at county and prefecture scale (see benchmarks/runner.py)."""
import sys

from benchmarks.runner import main

sys.exit(main())
