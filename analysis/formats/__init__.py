"""The analysis's file formats: the evaluation matrix (CSV, XLSX, YAML) and the REFI-QDA
codebook (.qdc)."""
