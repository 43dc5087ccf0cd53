"""The decision in a screen: what the draws of the uncertain constants say, in words.

For each scenario against the baseline: the chance it pays, the expected gain with its
5-95% range, how much of that range is what we don't know (rather than the simulation's
luck), the other headline outcomes, where the answer flips (scenario discovery) and what
to measure first (the constant whose perfect information is worth most).
"""

from __future__ import annotations

from typing import Any

from cxsim.analysis.discovery import Box, describe
from cxsim.analysis.uncertain import MIN_FLIPS

__all__ = ["amount", "decision_summary", "money", "points"]

ALONE_SHARE = 0.05
"""A constant is worth measuring first when knowing it alone is worth at least this share
of knowing everything (its EVPPI over the EVPI); below it, no one constant is."""

POINTS = {
    "retention",
    "churn_rate",
    "first_contact_resolution",
    "turnover_rate",
    "csat",
    "repurchase_rate",
    "cross_dept_help_rate",
    "handoff_failure_rate",
    "occupancy",
}
"""Shares: levels reported as percentages, changes as percentage points."""
MONEY = {"profit_total", "npv"}
"""Money over the horizon; the weekly money metrics are named by their unit."""

LABELS = {
    "profit_total": "two-year profit",
    "npv": "net present value",
    "retention": "retention",
    "trust": "customer trust",
    "first_contact_resolution": "first-contact resolution",
    "churn_rate": "churn",
}


def money(value: float, signed: bool = True) -> str:
    """Money for people: +1.2 M, -350 k, +80 (without the plus when not ``signed``)."""
    sign = "+" if value > 0 and signed else "-" if value < 0 else ""
    size = abs(value)
    if size >= 1e6:
        return f"{sign}{size / 1e6:.1f} M"
    if size >= 1e3:
        return f"{sign}{size / 1e3:.0f} k"
    return f"{sign}{size:.0f}"


def points(value: float) -> str:
    """A change of a share, in percentage points: +4.2 points."""
    return f"{value * 100:+.1f} points"


def amount(metric: str, value: float, change: bool = True, unit: str = "") -> str:
    """A metric's value for people: money with units, shares in percent or points.

    Args:
        metric: The metric's name.
        value: Its value, or a change of it.
        change: Whether ``value`` is a change (signed; shares in percentage points).
        unit: The metric's unit (:mod:`cxsim.core.metrics`), which names weekly money.
    """
    if value != value:  # NaN
        return "-"
    if metric in MONEY or unit.startswith("currency"):
        text = money(value, signed=change)
        return f"{text} a week" if unit.endswith("per week") else text
    if metric in POINTS:
        return points(value) if change else f"{value * 100:.1f}%"
    if unit in ("customers", "employees"):
        return f"{value:+,.0f}" if change else f"{value:,.0f}"
    if unit == "-100 to 100":
        return f"{value:+.1f}" if change else f"{value:.1f}"
    return f"{value:+.3f}" if change else f"{value:.3f}"


def _share(p: float) -> str:
    return f"{p * 100:.0f}%"


def decision_summary(
    summary: dict[str, Any], baseline: str, labels: dict[str, str] | None = None
) -> list[str]:
    """The one-screen summary of a comparison under uncertainty, as lines of text.

    Args:
        summary: :func:`cxsim.analysis.uncertain.summarise_uncertainty`'s result.
        baseline: The baseline's name.
        labels: Names for people of the uncertain constants (dotted paths otherwise).
    """
    labels = labels or {}
    money_metric = summary.get("money", "profit_total")
    lines = [f"Under uncertainty: {summary['draws']} draws of what we don't know."]
    for name, entry in summary["scenarios"].items():
        gain = entry["differences"][money_metric]
        chance = entry["p_better"][money_metric]
        lines.append("")
        lines.append(f"{name} against {baseline}")
        verdict = (
            "likely pays" if chance >= 0.8 else "is unlikely to pay" if chance <= 0.2 else "may pay"
        )
        lines.append(
            f"  The decision: it {verdict}. Chance it earns more {LABELS[money_metric]} "
            f"than {baseline}: {_share(chance)}."
        )
        share = entry["parameter_share"].get(money_metric)
        known = (
            f"; {_share(share)} of that spread is what we don't know about the organization, "
            "the rest the simulation's luck"
            if share is not None
            else ""
        )
        lines.append(
            f"  Expected gain: {money(gain['mean'])} (5-95% of draws: {money(gain['p5'])} to "
            f"{money(gain['p95'])}){known}."
        )
        for metric, difference in entry["differences"].items():
            if metric == money_metric:
                continue
            label = LABELS.get(metric, metric).capitalize()
            lines.append(
                f"  {label}: {amount(metric, difference['mean'])} "
                f"(5-95%: {amount(metric, difference['p5'])} to "
                f"{amount(metric, difference['p95'])}), better in "
                f"{_share(entry['p_better'][metric])} of draws."
            )
        boxes = entry.get("boxes") or []
        flips_to, flips = entry["flips_to"], entry["flips"]
        verb, did = ("loses money", "lost money") if flips_to == "loses" else ("pays", "paid")
        if boxes:
            box = boxes[0]
            ranges = {path: tuple(r) for path, r in summary["ranges"].items()}
            limits = {path: tuple(limits) for path, limits in box["limits"].items()}
            where = describe(Box(limits, box["coverage"], box["density"], 0.0), ranges, labels)
            lines.append(
                f"  What would change the answer: it {verb} when {where} "
                f"({_share(box['coverage'])} of the draws where it {flips_to}; it "
                f"{flips_to} in {_share(box['density'])} of draws there)."
            )
        elif 0 < flips < MIN_FLIPS:
            lines.append(
                f"  What would change the answer: it {did} in {flips} of "
                f"{summary['draws']} draws, too few to say where (more draws would tell)."
            )
        elif flips:
            scattered = "losses" if flips_to == "loses" else "gains"
            lines.append(
                f"  What would change the answer: no simple region; {scattered} are scattered."
            )
        else:
            lines.append("  What would change the answer: nothing in the plausible ranges.")
        evppi = entry.get("evppi") or {}
        first = max(evppi, key=evppi.get) if evppi else None
        if first is not None and evppi[first] >= ALONE_SHARE * entry["evpi"] > 0:
            lines.append(
                f"  What to measure first: {labels.get(first, first)} (knowing it before "
                f"deciding is worth {money(evppi[first], False)}; knowing everything, "
                f"{money(entry['evpi'], False)})."
            )
        elif entry["evpi"] > 0:
            lines.append(
                "  What to measure first: no one constant; together what we don't know is "
                f"worth {money(entry['evpi'], False)} to know before deciding."
            )
        else:
            lines.append(
                "  What to measure first: nothing; no measurement would change the decision."
            )
    return lines
