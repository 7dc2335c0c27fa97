"""One module per output format (see journeyaudit.reports)."""
