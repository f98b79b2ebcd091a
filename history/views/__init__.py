"""The history's pages: a History tab on the person, interview, instrument version and
distribution pages, and the evaluation's Activity page."""
