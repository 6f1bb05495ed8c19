"""Sentimeter's benchmarks (dev-only, not part of the wheel).

Run from the repository root, either as scripts (``python benchmarks/bench.py``) or as modules
(``python -m benchmarks.bench``); as scripts they put the repository root on ``sys.path`` themselves. Tests
import what they share from here (``benchmarks.spam_quality``, ``benchmarks.corpus``) as a package.
"""
