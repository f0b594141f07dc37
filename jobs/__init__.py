"""The jobs gapbot runs, the table that names them, and how they are run: runner, lease, notifications, CLI."""
