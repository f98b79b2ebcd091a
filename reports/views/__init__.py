"""Pages of the reports, under /evaluations/<slug>/reports/, one module per part: the report
tables and their CSV downloads (`pages`), the downloads page with the export jobs (`exports`),
and what they share (`base`)."""
