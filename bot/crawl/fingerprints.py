"""What identifies a target page's state between health checks, and what changed (migrations).

The health job stores `{target URL: {"status", "final_url", "canonical"}}` as JSON in the state
tab under `TARGET_FINGERPRINTS_KEY` (sheets_schema/state_keys.py). A target whose check got no
answer at all keeps its previous fingerprint, so a network hiccup never looks like a migration.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

FIELDS = ("status", "final_url", "canonical")
Fingerprint = Mapping[str, object]


@dataclass(frozen=True)
class TargetChange:
    target: str
    changes: tuple[tuple[str, object, object], ...]  # (field, before, after)

    @property
    def evidence(self) -> str:
        return "; ".join(
            f"{name.replace('_', ' ')} {before or '(none)'} → {after or '(none)'}"
            for name, before, after in self.changes
        )


def fingerprint(row: Mapping[str, object]) -> dict[str, object] | None:
    """A `Target health` row's fingerprint; None when the page gave no answer."""
    if row.get("Status") in ("", None):
        return None
    return {"status": row["Status"], "final_url": row["Final URL"], "canonical": row["Canonical"]}


def merged_fingerprints(
    previous: Mapping[str, Fingerprint], rows: list[Mapping[str, object]]
) -> dict[str, Fingerprint]:
    """This run's fingerprints for the checked targets; unanswered ones keep their previous one."""
    out: dict[str, Fingerprint] = {}
    for row in rows:
        target = str(row["Target URL"])
        current = fingerprint(row)
        if current is not None:
            out[target] = current
        elif target in previous:
            out[target] = previous[target]
    return out


def changed_fingerprints(before: Mapping[str, Fingerprint], after: Mapping[str, Fingerprint]) -> list[TargetChange]:
    """Targets present in both maps whose status, final URL or canonical differ, with the evidence.

    Targets only in one map are new or removed targets, not migrations, and are left out.
    """
    changed = []
    for target in sorted(before.keys() & after.keys()):
        diffs = tuple(
            (name, before[target].get(name), after[target].get(name))
            for name in FIELDS
            if str(before[target].get(name, "")) != str(after[target].get(name, ""))
        )
        if diffs:
            changed.append(TargetChange(target, diffs))
    return changed
