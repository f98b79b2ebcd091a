"""API doors into the reports, under /api/v1/evaluations/{slug}/reports/, one module per
resource: the overview of interviews, its layouts (cells) and category rules; the annex; Likert
summaries with their charts; open answers; response rates; and export jobs (start, poll,
cancel, retry, download). base.py holds what they share.

Every member reads the aggregates (viewers with small cells suppressed); the selectors decide
what each user sees, the services who may change what."""
