"""Pages of the privacy app. Import from the module."""
