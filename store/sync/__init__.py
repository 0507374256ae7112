"""Keeping Dossier and another system (Mautic) in step: `sources.py` (each system and where its streams were
read up to), `outbox.py` (changes made here, queued in the same transaction as the change, until they arrive)."""
