"""One module per CLI command; each exposes `command` (or a list `commands`)."""
