"""Every key of the hidden state tab (`_gapbot_state`), declared once.

The state tab is gapbot's memory between runs: one row per key, its value a string (mostly
JSON). Modules that read or write an entry import its key from here, so a key is spelled in
exactly one place and this file lists everything gapbot remembers.
"""

from __future__ import annotations

# --- the sheet as a whole -----------------------------------------------------------------------

#: The schema version of the gapbot that last wrote the sheet (a newer one is refused).
SCHEMA_VERSION_KEY = "schema_version"
#: Who holds the sheet's lease: JSON {"holder", "job", "expires"} (see jobs/lease.py).
LEASE_KEY = "lease"
#: The last job run of any kind: JSON {"at", "holder", "job", "result"}.
HEARTBEAT_KEY = "heartbeat"
#: Prefix of one entry per job: its last run, JSON {"at", "run", "result", "seconds", ...}.
LAST_RUN_PREFIX = "last_run:"


def last_run_key(job: str) -> str:
    """The entry holding a job's last run."""
    return f"{LAST_RUN_PREFIX}{job}"


#: "yes" on a workbook `gapbot demo` made (it replaces such a workbook only while nobody edited it).
DEMO_KEY = "demo"

# --- analyze ------------------------------------------------------------------------------------

#: When `analyze` last finished (ISO time): the scheduler reruns it `Rerun every (days)` later.
LAST_ANALYSIS_KEY = "last_analysis"
#: The run id of the last analysis.
LAST_RUN_ID_KEY = "last_run_id"
#: Every key the Prospects tab held after the last analysis (JSON list, in parts like the watch
#: snapshot): a key missing from the tab on the next run was deleted by the team.
PROSPECT_KEYS_KEY = "prospects.keys"
#: Keys of Prospects rows the team deleted (JSON list, in parts): analyze leaves them out until the
#: team types the key into Prospects again.
DELETED_PROSPECTS_KEY = "prospects.deleted"

# --- rerun triggers -----------------------------------------------------------------------------

#: A snapshot of the inputs the last analysis saw (JSON), compared by the rerun triggers.
RERUN_BASELINE_KEY = "rerun:baseline"
#: Trigger -> fingerprint of the evidence last alerted (JSON), so the same evidence is alerted once.
RERUN_FIRED_KEY = "rerun:fired"
#: When a rerun trigger last fired (ISO time); with `Auto rerun` on the worker then runs analyze.
RERUN_DUE_KEY = "rerun_due"
#: Target page fingerprints the migration trigger has seen (JSON).
RERUN_HEALTH_SEEN_KEY = "rerun:health_seen"
#: Target page fingerprints the migration trigger prefers over the `Target health` tab when present
#: (JSON {target URL: {"status", "final_url", "canonical"}}). Nothing writes it today: the health
#: job keeps its fingerprints under TARGET_FINGERPRINTS_KEY.
HEALTH_FINGERPRINTS_KEY = "target_health:fingerprints"

# --- health -------------------------------------------------------------------------------------

#: When `health` last finished (ISO time).
LAST_HEALTH_KEY = "last_health"
#: Target page fingerprints between health checks: JSON {target URL: {"status", "final_url", "canonical"}}.
TARGET_FINGERPRINTS_KEY = "target_fingerprints"
#: The changes the latest health run found (JSON list of {"target", "evidence"}).
TARGET_CHANGES_KEY = "target_changes"

# --- verify-links -------------------------------------------------------------------------------

#: JSON {prospect key: {"verified": bool, "missing": int, "result": str}}.
WON_LINK_CHECKS_KEY = "won_link_checks"
#: JSON list of the links the latest run found lost ({"domain", "linking_page", "detail"}).
LOST_LINKS_KEY = "lost_links"

# --- watch --------------------------------------------------------------------------------------

#: The team's cells of Prospects: holds the number of parts; the parts are "watch.snapshot.1", ...
WATCH_SNAPSHOT_KEY = "watch.snapshot"
#: The store version the watcher's last full read saw.
WATCH_CURSOR_KEY = "watch.cursor"

# --- notifications ------------------------------------------------------------------------------

#: Prospects whose win was announced (JSON list of domains).
WINS_KEY = "notify:wins"
#: Prefix of the outbox's entries, one per message: "outbox:<message key>".
OUTBOX_PREFIX = "outbox:"
