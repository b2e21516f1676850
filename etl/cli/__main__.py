"""`python -m etl.cli …`: the `jixiao` command without its console script (a checkout with no install)."""

from etl.cli.app import main

main()
