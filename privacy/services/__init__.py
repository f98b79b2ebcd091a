"""Writes of the privacy app: erasing a person, and erasing those whose evaluations' retention
period is over. Import from the module."""
