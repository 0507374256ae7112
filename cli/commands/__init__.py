"""One module per family of `dossier` commands; each exports `COMMANDS` (see `cli/registry.py`)."""
