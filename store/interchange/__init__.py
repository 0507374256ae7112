"""Every format contacts travel in and out of Dossier: CSV, vCard, iCalendar, one contact's JSON, Mautic.

`formats.py` is the registry the CLI (`dossier import|export FORMAT`) and the import dialog both read; a new
file format is one module here, registered once there. Every export that writes a path goes through
`out_file.py`; every import reports `counts.ImportCounts`.
"""
