"""Run one SQL query against the warehouse read-only and print it as a table (used by the demo)."""

from __future__ import annotations

import sys

from rich.console import Console
from rich.table import Table

from etl.warehouse.connect import connect_existing


def main(query: str) -> None:
    """Print the query's result; a file that is no jixiao warehouse is refused (connect_existing), not read."""
    con = connect_existing()
    try:
        result = con.execute(query)
        table = Table(*[d[0] for d in result.description])
        for row in result.fetchall():
            table.add_row(*("" if v is None else str(v) for v in row))
    finally:
        con.close()
    Console().print(table)


if __name__ == "__main__":
    main(sys.argv[1])
