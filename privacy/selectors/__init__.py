"""Reads of the privacy app: who may export or erase a person, the export, what retention
would erase. Import from the module."""
