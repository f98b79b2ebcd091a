"""The history through the API: read-only lists of entries, paginated like every list."""
