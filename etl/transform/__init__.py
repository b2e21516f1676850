"""Transform: parse grids into SourceTables, normalise amounts, dedupe, reconcile, build frames. No database."""

# The version of the parsing code, written to every load_log row (load_log.parser_version). Bump it when a
# change to extract/ or transform/ can turn a refused file into a loaded one (or change what a file loads
# as): incremental runs then parse again every file an older version refused, instead of skipping it.
# 2: the layout registry (issue 11); 3: issue 10 (full-width digits, separators in cells, XLSX doubles, years)
PARSER_VERSION = 3
