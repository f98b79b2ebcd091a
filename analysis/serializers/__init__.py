"""API shapes of the analysis, one module per resource."""
