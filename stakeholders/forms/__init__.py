"""Forms of the registry pages (`registry`) and of the people import (`imports`). Shapes only:
the rules are the services'."""
