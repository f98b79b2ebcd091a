"""The questionnaires' API doors, one module per feature: instruments, distributions (with
their invitations and responses), submission by token, and response tracking. Registered in
survey_site/api.py."""
