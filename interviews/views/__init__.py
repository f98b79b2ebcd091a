"""Pages of the interview log, one module per sub-feature: the log and quick entry (`log`), the
coverage plan (`coverage`), the list import (`imports`) and the downloads (`exports`)."""
