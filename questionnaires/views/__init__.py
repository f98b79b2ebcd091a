"""The questionnaires' pages, one module per feature: instruments, the builder, a distribution
and its recipients, the outbox, responses, tracking, and the respondent's form."""
