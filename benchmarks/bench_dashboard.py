"""How live the dashboard feels: a week of simulation and a redraw, side by side.

Usage: python benchmarks/bench_dashboard.py [--repeats N]

For the siloed baseline (250 employees, 20,000 customers), times one week of a
workshop with one side and with two sides (same seed, two policies), and one redraw
of the dashboard's figures (trends, collaboration network, morale by department)
rendered to PNG as the page does, at week 52. Best of several repeats; the ratios are
measured in the same process.
"""

from __future__ import annotations

import argparse
import io
import time
from pathlib import Path

from cxsim.dashboard.charts import collaboration_figure, morale_figure, trends_figure
from cxsim.scenario import Scenario
from cxsim.workshop import Policy, Workshop, WorkshopSetup

SILOED = Path(__file__).resolve().parents[1] / "scenarios" / "siloed.toml"


def week_seconds(setup: WorkshopSetup, weeks: int = 52) -> tuple[float, Workshop]:
    workshop = Workshop(setup)
    start = time.perf_counter()
    for _ in range(weeks):
        workshop.step()
    return (time.perf_counter() - start) / weeks, workshop


def redraw_seconds(workshop: Workshop) -> float:
    start = time.perf_counter()
    for draw in (trends_figure, collaboration_figure, morale_figure):
        draw(workshop).savefig(io.BytesIO(), format="png")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    one = WorkshopSetup.from_scenario(Scenario.load(SILOED))
    two = one.with_changes(compare=Policy("cross_functional", "team_recognition"))
    single, paired, redraw = [], [], []
    for _ in range(args.repeats):
        single.append(week_seconds(one)[0])
        seconds, workshop = week_seconds(two)
        paired.append(seconds)
        redraw.append(redraw_seconds(workshop))
    s, p, r = min(single), min(paired), min(redraw)
    print(f"one week, one side:            {1000 * s:.1f} ms")
    print(f"one week, two sides:           {1000 * p:.1f} ms (x{p / s:.2f} one side)")
    print(f"one redraw of the three views: {1000 * r:.0f} ms")
    print(f"4 weeks and a redraw (playing): {1000 * (4 * p + r):.0f} ms")


if __name__ == "__main__":
    main()
