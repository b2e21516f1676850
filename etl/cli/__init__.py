"""The command line: Typer commands (app.py) that only call the library, and how their output looks."""
