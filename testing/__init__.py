"""Development-only support shared by the tests and the benchmarks (not part of the wheel, which ships
``bot`` and ``cogs`` only).

- `testing.standin`: a protocol-level Discord stand-in (REST v10 + gateway v10 on 127.0.0.1) and
  `BotProcess`, the real bot run as a subprocess against it. The end-to-end tests (tests/e2e) and the
  latency benchmark (benchmarks/bench.py) both use it.
"""
