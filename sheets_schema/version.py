"""Schema version, recorded in the state tab by every write.

Bump it when a tab declaration changes in a way an existing sheet must be upgraded for, and
teach `bot.init_tabs` the step. A sheet written by a newer gapbot is refused rather than
silently downgraded.
"""

SCHEMA_VERSION = 1
