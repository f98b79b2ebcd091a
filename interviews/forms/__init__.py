"""Forms of the interview log pages: the interview, its participants, notes and the log's
filters (`log`); the list import's upload and review (`imports`)."""
