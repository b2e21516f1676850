"""Parsing: pure functions from grids and cell text to records. No database here."""
