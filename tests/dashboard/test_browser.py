"""End to end: ``cxsim app`` served, driven in a real headless Chromium."""

from __future__ import annotations

import re

import pytest

from tests.conftest import SCENARIOS

pytestmark = pytest.mark.browser

TIMEOUT = 60_000  # ms; a cold start on a busy 2-core machine


def headline(page) -> dict[str, list[str]]:
    rows = page.locator("table.cxsim-headline tbody tr")
    return {
        rows.nth(i).get_attribute("data-metric"): rows.nth(i).locator("td.value").all_inner_texts()
        for i in range(rows.count())
    }


def trends_image(page) -> str:
    return page.locator("img").nth(0).get_attribute("src")


def test_scheme_change_and_play_advance_the_weeks_and_the_plots(
    browser, serve_dashboard, artifacts
):
    server = serve_dashboard(SCENARIOS / "siloed.toml")
    page = browser.new_page(viewport={"width": 1500, "height": 1100})
    page.goto(server.url)
    page.get_by_text("Week 0 of 104").wait_for(timeout=TIMEOUT)
    assert page.get_by_text("cxsim: siloed-baseline").first.is_visible()
    assert headline(page)["trust"] == ["-"]

    # change the incentive scheme and start a new session with it
    page.locator(".v-select").filter(has_text="Incentive scheme").first.click()
    page.get_by_role("option", name="team_recognition").click()
    page.get_by_role("button", name="Apply and reset").click()
    page.locator("table.cxsim-headline th", has_text="silo + team_recognition").wait_for(
        timeout=TIMEOUT
    )
    before = trends_image(page)

    # play, let the weeks run, pause
    page.get_by_role("button", name="▶").click()
    page.get_by_text(re.compile(r"Week (1[2-9]|[2-9]\d) of 104")).wait_for(timeout=TIMEOUT)
    page.get_by_role("button", name="❚❚").click()
    page.get_by_role("button", name="▶").wait_for(timeout=TIMEOUT)
    week = int(
        re.search(r"Week (\d+)", page.get_by_text(re.compile("Week \\d+ of")).inner_text())[1]
    )
    assert week >= 12
    values = headline(page)
    for metric in ("trust", "repurchase_rate", "morale", "churn_rate"):
        (cell,) = values[metric]
        assert 0.0 <= float(cell) <= 1.0, (metric, cell)
    page.wait_for_timeout(500)
    assert trends_image(page) != before  # the plotted lines moved on

    page.screenshot(path=str(artifacts / "dashboard.png"), full_page=True)

    # a value typed out of range is refused in its field, with what was expected
    page.get_by_text("Main parameters").click()
    customers = page.get_by_label("Customers")
    customers.fill("-5")
    customers.press("Enter")
    page.get_by_text("expected an integer >= 1, got -5").wait_for(timeout=TIMEOUT)
    assert page.get_by_role("button", name="Apply and reset").is_disabled()
    page.screenshot(path=str(artifacts / "dashboard-refused-value.png"), full_page=True)
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
