"""Shipped word lists (package data)."""
