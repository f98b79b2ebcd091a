"""API doors into the analysis, under /api/v1/evaluations/{slug}/analysis/: the matrix
(criteria, questions, planned sources, import and export), the codebook, codings and tallies."""
