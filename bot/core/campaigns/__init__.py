"""Sponsors and campaigns (issue 15): keyword matching during ingest, the per-server cache, the report."""
