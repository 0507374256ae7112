"""The Textual app: screens, dialogs, the command palette and the `dossier` command."""
