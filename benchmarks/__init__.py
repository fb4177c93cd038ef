"""Benchmarks, run as modules from the repository root: `python -m benchmarks.cold_start`. See README.md here."""
