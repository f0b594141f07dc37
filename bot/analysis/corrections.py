"""The team's `Correct type` column: it overrides gapbot's link type at once, and is labelled data
the judge learns from on the next run (pure).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from bot.judge.corpus import LABELS, NOISE
from bot.judge.judge import Judge, PagesRead, PageToJudge
from sheets_schema.vocabularies import CORRECT_TYPES, TEAM_MARKED_NOISE

from .classify import Classification

CORRECT_TYPE = "Correct type"
#: The Model tab's `Dimension` of the page judge's line (analyze writes it, watch keeps it).
JUDGE_DIMENSION = "Page judge"


@dataclass(frozen=True)
class TeamCorrections:
    #: Prospect key -> the type the team set (a link type, or "Noise").
    by_prospect: Mapping[str, str]
    #: Prospect key -> (best linking page, page title) as Prospects shows them.
    pages: Mapping[str, tuple[str, str]]
    problems: tuple[str, ...] = ()
    reason: str = TEAM_MARKED_NOISE

    def examples(self, read: PagesRead) -> list[tuple[PageToJudge, str]]:
        """The corrected pages as labelled examples for the judge (the page as read when it was);
        `Broken link` says nothing about the linking page, so it teaches nothing."""
        examples = []
        for key, label in self.by_prospect.items():
            url, title = self.pages.get(key, ("", ""))
            if label in LABELS and url:
                examples.append((PageToJudge(url, title, read.pages.get(url)), label))
        return examples


NO_CORRECTIONS = TeamCorrections({}, {})


def team_corrections(prospects: pd.DataFrame | None) -> TeamCorrections:
    """The `Correct type` cells of the Prospects tab; a value outside the list is reported and ignored."""
    if prospects is None or prospects.empty or CORRECT_TYPE not in prospects.columns:
        return NO_CORRECTIONS
    by_name = {t.casefold(): t for t in CORRECT_TYPES}
    chosen: dict[str, str] = {}
    pages: dict[str, tuple[str, str]] = {}
    problems: list[str] = []
    for row, key, typed, url, title in zip(
        prospects.index + 2,
        prospects["Domain"].astype(str).str.strip(),
        prospects[CORRECT_TYPE].astype(str).str.strip(),
        prospects.get("Best linking page", pd.Series("", index=prospects.index)).astype(str),
        prospects.get("Page title", pd.Series("", index=prospects.index)).astype(str),
        strict=True,
    ):
        if not key or not typed:
            continue
        value = by_name.get(typed.casefold())
        if value is None:
            problems.append(
                f"Prospects row {row}, column {CORRECT_TYPE}: {typed!r} is not "
                f"one of {', '.join(CORRECT_TYPES)}; ignored"
            )
            continue
        chosen[key] = value
        pages[key] = (url.strip(), title.strip())
    return TeamCorrections(chosen, pages, tuple(problems))


def apply_corrections(kinds: Classification, keys: pd.Series, corrections: TeamCorrections) -> Classification:
    """Every link of a corrected prospect takes the team's type (or becomes noise marked by the team)."""
    if not corrections.by_prospect:
        return kinds
    chosen = keys.map(corrections.by_prospect)
    hit = chosen.notna()
    said = "set by the team in " + CORRECT_TYPE
    return Classification(
        kinds.link_type.where(~hit, chosen),
        kinds.confidence.where(~hit, 1.0),
        kinds.evidence.where(~hit, said),
        kinds.noise_reason.where(~hit, chosen.map(lambda t: corrections.reason if t == NOISE else "")),
    )


def judge_rows(judge: Judge) -> pd.DataFrame:
    """The Model tab's line on the page judge: corrections learned from and its agreement with them."""
    if not judge.corrections:
        value = f"no team corrections yet (set {CORRECT_TYPE} in Prospects to teach it)"
    else:
        agreed = round((judge.agreement or 0.0) * judge.corrections)
        value = (
            f"learned from {judge.corrections} team correction(s); before learning it agreed with "
            f"{agreed} of them ({(judge.agreement or 0.0):.0%})"
        )
    return pd.DataFrame([{"Dimension": JUDGE_DIMENSION, "Value": value, "Prospects": judge.corrections}])


def kept_judge_rows(model_tab: pd.DataFrame | None) -> pd.DataFrame:
    """The page judge's line of the Model tab as it is, for a run that rewrites only the outcome rates."""
    if model_tab is None or model_tab.empty or "Dimension" not in model_tab.columns:
        return pd.DataFrame()
    return model_tab[model_tab["Dimension"] == JUDGE_DIMENSION]
