"""Exit codes of every command (README, docs/ci.md): one definition for the whole package."""

EXIT_OK = 0
EXIT_FINDINGS = 1  # findings at or above fail-on, a broken budget, a regression
EXIT_USAGE = 2  # an input, the configuration or the command line could not be used
EXIT_INTERRUPTED = 130  # 128 + SIGINT
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE: the reader of the output went away
