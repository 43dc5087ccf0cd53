"""End to end: ``cxsim app`` served, driven in a real headless Chromium.

The tests wait on states of the page (a week reached, a button back), never on time:
a busy machine makes them slower, not flaky.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import SCENARIOS

pytestmark = pytest.mark.browser

TIMEOUT = 60_000  # ms; a cold start on a busy 2-core machine
PLAY_TIMEOUT = 180_000  # ms; a dozen weeks played with the machine loaded
WEEKS_PER_REDRAW = 4  # the page's default
#: What the Customers field says of -5: the range expected, then what it got.
REFUSED = re.compile(r"expected an integer (>= 1|between 1 and [\d,]+), got -5")

#: Records every "Week N of H" the headline card displays, in order, in ``window.cxsimWeeks``.
RECORD_WEEKS = """() => {
    window.cxsimWeeks = [];
    const record = () => {
        const title = document.querySelector(".cxsim-week .v-card__title");
        const match = title && title.textContent.match(/Week (\\d+) of \\d+/);
        const seen = window.cxsimWeeks;
        if (match && seen[seen.length - 1] !== Number(match[1])) seen.push(Number(match[1]));
    };
    record();
    new MutationObserver(record).observe(document.body, {
        subtree: true, childList: true, characterData: true,
    });
}"""


def headline(page) -> dict[str, list[str]]:
    rows = page.locator("table.cxsim-headline tbody tr")
    return {
        rows.nth(i).get_attribute("data-metric"): rows.nth(i).locator("td.value").all_inner_texts()
        for i in range(rows.count())
    }


def trends_image(page) -> str:
    return page.locator("img.cxsim-trends").get_attribute("src")


def week_shown(page) -> int:
    title = page.locator(".cxsim-week .v-card__title").inner_text()
    return int(re.search(r"Week (\d+) of", title)[1])


def test_scheme_change_and_play_advance_the_weeks_and_the_plots(
    browser, serve_dashboard, artifacts
):
    server = serve_dashboard(SCENARIOS / "siloed.toml")
    page = browser.new_page(viewport={"width": 1500, "height": 1100})
    page.goto(server.url)
    page.get_by_text("Week 0 of 104").wait_for(timeout=TIMEOUT)
    assert page.get_by_text("cxsim: siloed-baseline").first.is_visible()
    assert headline(page)["trust"] == ["-"]
    assert page.get_by_text("Page 0").count() == 0  # no stray tab
    assert page.get_by_text("Model Parameters").count() == 0  # no empty card

    # change the incentive scheme and start a new session with it
    page.locator(".v-select").filter(has_text="Incentive scheme").first.click()
    page.get_by_role("option", name="team_recognition").click()
    page.get_by_role("button", name="Apply and reset").click()
    page.locator("table.cxsim-headline th", has_text="silo + team_recognition").wait_for(
        timeout=TIMEOUT
    )
    page.get_by_text("Week 0 of 104").wait_for(timeout=TIMEOUT)
    before = trends_image(page)
    page.evaluate(RECORD_WEEKS)

    # play until week 12 or later (the horizon included), then pause
    page.get_by_role("button", name="▶").click()
    page.get_by_text(re.compile(r"Week (1[2-9]|[2-9]\d|1\d\d) of 104")).wait_for(
        timeout=PLAY_TIMEOUT
    )
    page.get_by_role("button", name="❚❚").click()
    page.get_by_role("button", name="▶").wait_for(timeout=TIMEOUT)
    # Step comes back once the frame in hand when pausing is drawn and sent
    expect(page.get_by_role("button", name="Step")).to_be_enabled(timeout=TIMEOUT)
    week = week_shown(page)
    assert week >= 12
    values = headline(page)
    for metric in ("trust", "repurchase_rate", "morale", "churn_rate"):
        (cell,) = values[metric]
        assert 0.0 <= float(cell) <= 1.0, (metric, cell)
    assert trends_image(page) != before  # the plotted lines moved on

    # paced by the page: every redraw was shown, a render interval apart, from week 0 on
    assert page.evaluate("window.cxsimWeeks") == list(range(0, week + 1, WEEKS_PER_REDRAW))

    page.screenshot(path=str(artifacts / "dashboard.png"), full_page=True)

    # a value typed out of range is refused in its field, with what was expected
    page.get_by_text("Main parameters").click()
    customers = page.get_by_label("Customers")
    customers.fill("-5")
    customers.press("Enter")
    page.get_by_text(REFUSED).wait_for(timeout=TIMEOUT)
    expect(page.get_by_role("button", name="Apply and reset")).to_be_disabled(timeout=TIMEOUT)
    page.screenshot(path=str(artifacts / "dashboard-refused-value.png"), full_page=True)

    # paused stays paused: the server answered the field since, and no week came with it
    assert week_shown(page) == week
    assert page.evaluate("window.cxsimWeeks")[-1] == week
    page.close()


def test_scenario_that_fails_validation_shows_its_message(
    browser, serve_dashboard, artifacts, tmp_path
):
    bad = tmp_path / "bad.toml"
    bad.write_text("[scenario]\nweeks = 52\n\n[handoffs]\nbase_failure = 4.0\n")
    server = serve_dashboard(bad)
    page = browser.new_page(viewport={"width": 1200, "height": 800})
    page.goto(server.url)
    message = page.get_by_text("The scenario could not be used")
    message.wait_for(timeout=TIMEOUT)
    text = message.inner_text()
    assert "handoffs.base_failure: expected a finite number between 0 and 1, got 4.0" in text
    assert str(bad) in text
    assert "Traceback" not in page.locator("body").inner_text()
    page.screenshot(path=str(artifacts / "dashboard-invalid-scenario.png"))
    page.close()
