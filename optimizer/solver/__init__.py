"""Solve: the HiGHS hand-over, one-case run, result tables, warm re-solve of a compiled program."""
