"""The domain: text cleaning, sentiment, spam, the ingest pipeline, statistics and the review queue's rules.

Plain Python that never imports ``discord`` (``tests/test_layers.py`` fails if a module here does), so it runs
in worker processes, in ``sentimeter analyze`` and in tests without a Discord client."""
