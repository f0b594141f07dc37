"""The outreach funnel as a PNG (matplotlib, headless)."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")  # no display on servers and in containers

from matplotlib.figure import Figure

from .message import Funnel


def funnel_png(funnel: Funnel) -> bytes:
    # A Figure not registered with pyplot: nothing global to leak between runs.
    figure = Figure(figsize=(6.4, 3.2), dpi=100)
    axes = figure.add_subplot()
    rows = range(len(funnel.stages))
    height = 0.38
    axes.barh([r + height / 2 for r in rows], funnel.previous, height, label=funnel.previous_label, color="#C9DAF8")
    axes.barh([r - height / 2 for r in rows], funnel.current, height, label=funnel.current_label, color="#3C78D8")
    for r, value in zip(rows, funnel.current, strict=True):
        axes.text(value, r - height / 2, f" {value}", va="center", fontsize=9)
    axes.set_yticks(list(rows), list(funnel.stages))
    axes.invert_yaxis()
    axes.set_xlabel("prospects")
    axes.set_title("Outreach funnel")
    axes.legend(loc="lower right", fontsize=8)
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()
