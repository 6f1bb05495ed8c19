"""Numbered SQL migrations (NNNN_name.sql), applied in order; the version lives in PRAGMA user_version."""
