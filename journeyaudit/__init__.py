"""journeyaudit: audit customer journeys the way a linter audits code."""

__version__ = "0.1.0"
