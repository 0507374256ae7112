"""Two records that are one person: finding them (`duplicates`), merging them (`merging`, with the field
rules in `rules` and the other tables in `tables`) and undoing a merge (`undo`)."""
