"""Generators of GENERATED test and demo data (never shipped in the wheel)."""
