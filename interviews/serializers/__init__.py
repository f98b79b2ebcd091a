"""API shapes of the interview log: the fields they share (`fields`), the log (`log`), the
coverage plan (`coverage`) and the list import (`imports`)."""
