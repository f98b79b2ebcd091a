"""The questionnaires' page forms, one module per feature: the instrument upload, the builder,
a distribution and its recipients, and responses keyed in by the team."""
