"""What every stage shares: text helpers, durations, exit codes. Imports nothing else of journeyaudit."""
