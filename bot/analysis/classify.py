"""Link type of each link, with evidence and a confidence.

Certain signals stay rules, strongest first: the team's `classify` rules; a dead competitor page
(the tools report its HTTP status), which makes any link a broken-link opportunity; the tools'
UGC/sponsored flags; the tools' own page type, category, platform and author fields. Every
other link is judged by the linking page itself (`bot.judge`): read when it was read, by URL and
title when it was not. The judge also finds pages that are noise (spam, scrapers, coupon farms…).

The judge reads one page per prospect (its best linking page), so a million rows stay affordable.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from bot.judge.judge import NO_PAGES, Judge, PagesRead, PageToJudge

from .frames import (
    Pattern,
    arrow,
    combined_values,
    flag,
    matches,
    number,
    text,
    unique_rows,
    unique_values,
)
from .gap import best_links
from .rules import TeamRules


@dataclass(frozen=True)
class TypeSignal:
    link_type: str
    confidence: float
    pattern: Pattern


def _s(link_type: str, confidence: float, field: str, regex: str, label: str = "") -> TypeSignal:
    return TypeSignal(link_type, confidence, Pattern(field, regex, label))


# The tools' own description of the page; tried in order.
TYPE_SIGNALS: tuple[TypeSignal, ...] = (
    _s("Forum / UGC", 0.85, "page type", r"user content|forum|q&a|comment"),
    _s("Forum / UGC", 0.8, "platform", r"message-boards|forum|discourse|phpbb|vbulletin"),
    _s("Guest contribution", 0.7, "author", r"guest|contributor"),
    _s("Partnership / association", 0.8, "page type", r"partner|sponsor|member"),
    _s("Directory", 0.75, "page type", r"listing|directory"),
    _s("Resource page", 0.8, "page type", r"resource"),
    _s("Digital PR", 0.75, "page type", r"news|research|press"),
    _s("List / roundup", 0.8, "page type", r"roundup|listicle|list\b"),
    _s("Editorial mention", 0.65, "page type", r"article|story|guide|how-to|review|opinion|definition|blog"),
)

_FIELDS = {"page type": "_page_type", "platform": "platform", "author": "author"}


@dataclass(frozen=True)
class Classification:
    link_type: pd.Series  # a link type, or "Noise" where the judge found the page is noise
    confidence: pd.Series  # 0-1
    evidence: pd.Series
    noise_reason: pd.Series  # the Noise reason where link_type is "Noise", else ""


def classify_links(
    links: pd.DataFrame, rules: TeamRules | None, judge: Judge, read: PagesRead = NO_PAGES
) -> Classification:
    """Link type, confidence and evidence of every link row (link-table columns)."""
    n = len(links)
    link_type = np.full(n, "", dtype=object)
    confidence = np.zeros(n)
    evidence = np.full(n, "", dtype=object)
    reason = np.full(n, "", dtype=object)

    def assign(mask: np.ndarray, kind: str | np.ndarray, conf: float, what: np.ndarray | str) -> None:
        free = mask & (link_type == "")
        link_type[free] = kind[free] if isinstance(kind, np.ndarray) else kind
        confidence[free] = conf
        evidence[free] = what[free] if isinstance(what, np.ndarray) else what

    if rules is not None and rules.of("classify"):
        pages, codes = unique_rows(
            pd.DataFrame({c: text(links, c) for c in ("source_url", "source_host", "source_domain", "title")}),
            ["source_url", "source_host", "source_domain", "title"],
        )
        rule = rules.first_match("classify", pages).to_numpy(dtype=object)[codes]
        hit = pd.notna(rule)
        kinds = np.array([r.link_type if r is not None else "" for r in rule], dtype=object)
        said = np.array([r.describe() if r is not None else "" for r in rule], dtype=object)
        assign(hit, kinds, 1.0, said)

    status = number(links, "target_status")
    dead = (status >= 400).to_numpy()
    assign(
        dead,
        "Broken link",
        0.95,
        ("competitor page answers HTTP " + status.fillna(0).astype(int).astype(str) + " (dead page)").to_numpy(
            dtype=object
        ),
    )
    assign(flag(links, "sponsored").to_numpy(), "Partnership / association", 0.7, "link marked sponsored")
    assign(flag(links, "ugc").to_numpy(), "Forum / UGC", 0.7, "link marked UGC (user-generated)")

    values = _signal_fields(links)
    for signal in TYPE_SIGNALS:
        uniques, codes, fast = values[_FIELDS[signal.pattern.field]]
        free = matches(fast, signal.pattern.regex)[codes] & (link_type == "")
        if not free.any():
            continue
        wanted = np.unique(codes[free])
        said = pd.Series("", index=uniques.index, dtype=object)
        said.iloc[wanted] = signal.pattern.evidence(uniques.iloc[wanted])
        assign(free, signal.link_type, signal.confidence, said.to_numpy(dtype=object)[codes])

    undecided = link_type == ""
    if undecided.any():
        judged = _judged(links[undecided], judge, read)
        link_type[undecided] = judged["link_type"]
        confidence[undecided] = judged["confidence"]
        evidence[undecided] = judged["evidence"]
        reason[undecided] = judged["noise_reason"]
    index = links.index
    return Classification(
        pd.Series(link_type, index=index),
        pd.Series(_outbound_adjusted(links, link_type, confidence), index=index),
        pd.Series(evidence, index=index),
        pd.Series(reason, index=index),
    )


def _judged(links: pd.DataFrame, judge: Judge, read: PagesRead) -> dict[str, np.ndarray]:
    """The judge's verdict on each prospect's best linking page (the page a run reads), spread
    over the prospect's links: a link builder judges a site by opening its strongest page, and the
    cost stays one page per prospect. Rows without a prospect key are judged page by page."""
    if "prospect" in links.columns:
        codes, _ = pd.factorize(links["prospect"])
        pages = best_links(links, "authority")  # one row per prospect, in `codes` order
    else:
        pages, codes = unique_rows(
            pd.DataFrame({"source_url": text(links, "source_url"), "title": text(links, "title")}),
            ["source_url", "title"],
        )
    pages = pd.DataFrame({"source_url": text(pages, "source_url").to_numpy(), "title": text(pages, "title").to_numpy()})
    verdicts = judge.judge(
        [
            PageToJudge(url, title, read.pages.get(url), read.not_read.get(url, ""))
            for url, title in zip(pages["source_url"], pages["title"], strict=True)
        ]
    )
    columns = {
        "link_type": np.array([v.link_type for v in verdicts], dtype=object),
        "confidence": np.array([v.confidence for v in verdicts], dtype=float),
        "evidence": np.array([v.evidence for v in verdicts], dtype=object),
        "noise_reason": np.array([v.noise_reason for v in verdicts], dtype=object),
    }
    return {name: values[codes] for name, values in columns.items()}


def _signal_fields(links: pd.DataFrame) -> dict[str, tuple[pd.Series, np.ndarray, pd.Series]]:
    """Each tool field's distinct values, row positions and pyarrow copy, built per distinct value."""
    fields = {
        "_page_type": combined_values(unique_values(links["page_type"]), unique_values(links["page_category"])),
        "platform": unique_values(links["platform"]),
        "author": unique_values(links["author"]),
    }
    return {name: (values, codes, arrow(values)) for name, (values, codes) in fields.items()}


def _outbound_adjusted(links: pd.DataFrame, link_type: np.ndarray, confidence: np.ndarray) -> np.ndarray:
    """Many outbound links back a resource/list/directory reading; very few weaken it."""
    outbound = number(links, "external_links").to_numpy()
    listy = np.isin(link_type, ["Resource page", "List / roundup", "Directory"])
    out = confidence.copy()
    out[listy & (outbound >= 40)] += 0.1
    out[listy & (outbound <= 3)] -= 0.15
    return np.clip(out, 0.05, 1.0).round(2)
