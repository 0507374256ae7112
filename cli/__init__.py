"""The `dossier` command line: `main.py` parses and runs, `registry.py` gathers the commands of `commands/`."""
