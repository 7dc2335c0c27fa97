"""Importers that turn other formats (BPMN models, event logs) into journey files."""
