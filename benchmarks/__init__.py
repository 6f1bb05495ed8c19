"""Sentimeter's benchmarks (dev-only, not part of the wheel).

Run from the repository root, either as scripts (``python benchmarks/bench.py``) or as modules
(``python -m benchmarks.bench``); as scripts they put the repository root on ``sys.path`` themselves, as
modules they change nothing. Tests import them as a package (``from benchmarks.spam_quality import ...``);
the seeded comment corpus is ``benchmarks.corpus``. The Discord stand-in they share with the tests is
``testing.standin``.
"""
