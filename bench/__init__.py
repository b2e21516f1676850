"""Performance benchmark of the jixiao load path at city-decade scale (run: python -m bench.run)."""
