"""Transform: parse grids into SourceTables, normalise amounts, dedupe, reconcile, build frames. No database."""
