"""How live the dashboard feels: a week of simulation and a redraw, side by side.

Usage: python benchmarks/bench_dashboard.py [--repeats N] [--browser]

For the siloed baseline (192 employees, 20,000 customers), times one week of a
workshop with one side and with two sides (same seed, two policies), and one frame of
the dashboard at week 52: the headline numbers and the three figures (trends,
collaboration network, morale by department) rendered to PNG, as the page's player
draws them (``cxsim.app.dashboard.charts.draw_frame``). Best of several repeats; the ratios
are measured in the same process.

With ``--browser`` (needs Debian's ``chromium`` and Playwright), it also serves
``cxsim app`` and plays the 104 weeks in a headless Chromium, as a user would: the time
from play to the horizon, paced by what the page shows, and how many of the 26 redraws
the page displayed.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from cxsim.app.dashboard.charts import draw_frame
from cxsim.app.workshop import Policy, Workshop, WorkshopSetup
from cxsim.config.scenario import Scenario

ROOT = Path(__file__).resolve().parents[1]
SILOED = ROOT / "scenarios" / "siloed.toml"
WEEKS_PER_REDRAW = 4  # the page's default

#: Records every week the headline card displays, with the time, in ``window.shownWeeks``.
RECORD_WEEKS = """() => {
    window.shownWeeks = [];
    const record = () => {
        const title = document.querySelector(".cxsim-week .v-card__title");
        const match = title && title.textContent.match(/Week (\\d+) of \\d+/);
        const seen = window.shownWeeks;
        const week = match && Number(match[1]);
        if (match && (!seen.length || seen[seen.length - 1][0] !== week)) {
            seen.push([week, performance.now()]);
        }
    };
    record();
    new MutationObserver(record).observe(document.body, {
        subtree: true, childList: true, characterData: true,
    });
}"""


def week_seconds(setup: WorkshopSetup, weeks: int = 52) -> tuple[float, Workshop]:
    workshop = Workshop(setup)
    start = time.perf_counter()
    for _ in range(weeks):
        workshop.step()
    return (time.perf_counter() - start) / weeks, workshop


def redraw_seconds(workshop: Workshop) -> float:
    start = time.perf_counter()
    draw_frame(workshop)
    return time.perf_counter() - start


def play_in_browser() -> tuple[float, int, int]:
    """Play the siloed baseline to its horizon in Chromium.

    Returns:
        Seconds from play to the horizon shown, redraws shown, redraws expected.
    """
    sys.path.insert(0, str(ROOT))
    from playwright.sync_api import sync_playwright

    from tests.app.dashboard.conftest import CHROMIUM_FLAGS, Server, find_chromium

    chromium = find_chromium()
    if chromium is None:
        raise SystemExit("--browser needs Chromium: apt-get install -y chromium")
    with tempfile.TemporaryDirectory() as scratch:
        server = Server(SILOED, Path(scratch) / "server.log")
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
                page = browser.new_page(viewport={"width": 1500, "height": 1100})
                page.goto(server.url)
                page.get_by_text("Week 0 of 104").wait_for(timeout=120_000)
                page.evaluate(RECORD_WEEKS)
                page.get_by_role("button", name="▶").click()
                page.get_by_text("Week 104 of 104").wait_for(timeout=600_000)
                shown = page.evaluate("window.shownWeeks")
                browser.close()
        finally:
            server.stop()
    weeks = [week for week, _ in shown]
    seconds = (shown[-1][1] - shown[0][1]) / 1000
    expected = list(range(0, 105, WEEKS_PER_REDRAW))
    return seconds, len(set(weeks) & set(expected)) - 1, len(expected) - 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--browser", action="store_true", help="also play it in Chromium")
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
    frame = WEEKS_PER_REDRAW * p + r
    print(f"one week, one side:              {1000 * s:.1f} ms")
    print(f"one week, two sides:             {1000 * p:.1f} ms (x{p / s:.2f} one side)")
    print(f"one frame (headline + 3 views):  {1000 * r:.0f} ms")
    print(f"4 weeks and a frame (playing):   {1000 * frame:.0f} ms")
    print(f"at most, while playing:          {WEEKS_PER_REDRAW / frame:.1f} weeks a second")
    if args.browser:
        seconds, shown, expected = play_in_browser()
        print(
            f"played in Chromium, one side:    104 weeks in {seconds:.1f} s "
            f"({104 / seconds:.1f} weeks a second), {shown} of {expected} redraws shown"
        )


if __name__ == "__main__":
    main()
