"""Load: the recorded run (run.py, the one entry point), incremental planning, identity, the writer, history."""
