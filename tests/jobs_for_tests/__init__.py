"""Job modules loaded only by tests, through GAPBOT_JOB_MODULES."""
