"""API doors into the interview log, one module per sub-feature: the log (`log`), the coverage
plan (`coverage`), the list import (`imports`) and the export (`exports`); survey_site/api.py
registers them."""
