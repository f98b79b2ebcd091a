"""The registry's pages, one module per topic: people, organisations, offices and countries,
stakeholder groups, possible duplicates and merges, and the people import. Reads go through
the selectors, writes through the services."""
