"""Readers: bytes of one file in, a :class:`~etl.model.Grid` out. One module per format."""

from etl.extract.dispatch import read_grid

__all__ = ["read_grid"]
