"""The demo database: a realistic, deterministic marketing CRM (`dossier demo`), built on the store.

`build.py` writes it; `people.py`, `events.py` and `links.py` make the rows from one seed; `data.py` and
`texts.py` hold the names, places, pages and words they draw on. The store never imports this package.
"""
