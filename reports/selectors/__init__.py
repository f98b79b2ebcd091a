"""Reads of the reports: every table computed in the database, limited to what the user may
see (reports.selectors.access). One module per table; import from the module."""
