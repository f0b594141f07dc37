"""The scheduled jobs and the registry that names them."""
