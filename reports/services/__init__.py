"""Writes of the reports: table layouts (rules, printed numbers, overrides) and export jobs.
One module per topic; import from the module."""
