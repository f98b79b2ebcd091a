"""Importing people (and their organisations) from a spreadsheet into the registry.

`columns` says which column holds what, `reader` reads one row's cells, `matching` holds the
registry as the import sees it, `plan` decides what every row means (the dry run), `writer`
carries the plan out in one transaction (the commit), and `jobs` takes an uploaded file
through those steps for the pages and the API."""
