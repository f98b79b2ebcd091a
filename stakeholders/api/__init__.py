"""API doors into the registry, under /api/v1/registry/: the registry itself (`registry`) and
the people import (`imports`). survey_site/api.py registers their viewsets."""
