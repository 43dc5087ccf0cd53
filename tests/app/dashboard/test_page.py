import threading

import ipyvuetify as v
import solara

from cxsim.app.dashboard import player
from cxsim.app.dashboard.page import Dashboard, WeekShown, load_setup
from tests.conftest import SCENARIOS


def render(opening):
    """The page as the server lays it out (sidebar and app bar need an AppLayout)."""

    @solara.component
    def Laid():
        with solara.AppLayout():
            Dashboard(opening)

    _, rc = solara.render(Laid(), handle_error=False)
    return rc


def test_page_steps_the_workshop_and_updates_the_headline():
    opening = load_setup(str(SCENARIOS / "siloed.toml"))
    assert opening.problem is None
    rc = render(opening)
    rc.find(v.CardTitle, children=["Week 0 of 104"]).assert_single()
    rc.find(v.Btn, children=["Step"]).widget.click()
    rc.find(v.CardTitle, children=["Week 4 of 104"]).wait_for(timeout=20)
    table = rc.find(v.Html, tag="div").widget
    assert 'data-metric="trust"' in str(table.children)
    rc.find(v.Btn, children=["Reset"]).widget.click()  # a new session, same setup
    rc.find(v.CardTitle, children=["Week 0 of 104"]).wait_for(timeout=20)


def test_play_goes_on_only_as_the_browser_reports_each_week_shown(monkeypatch):
    monkeypatch.setattr(player, "PATIENCE", 5.0)
    rc = render(load_setup(str(SCENARIOS / "siloed.toml")))
    shown = rc.find(WeekShown).widget
    shown.vue_shown(0)  # as the browser does once the element is mounted
    rc.find(v.Btn, children=["▶"]).widget.click()
    rc.find(WeekShown, week=4).wait_for(timeout=20)  # rendered after the views
    rc.find(v.CardTitle, children=["Week 4 of 104"]).assert_single()
    shown.vue_shown(4)
    rc.find(WeekShown, week=8).wait_for(timeout=20)
    # week 8 is never reported: playing stops there, and says why
    note = "Paused: the page had not shown week 8 after 5 s (connection lost or browser busy)."
    rc.find(v.Alert, children=[note]).wait_for(timeout=20)
    rc.find(v.CardTitle, children=["Week 8 of 104"]).assert_single()
    rc.find(v.Btn, children=["▶"]).assert_single()


def test_pause_while_the_page_has_not_shown_the_week_stops_there():
    rc = render(load_setup(str(SCENARIOS / "siloed.toml")))
    rc.find(v.Btn, children=["▶"]).widget.click()
    rc.find(WeekShown, week=4).wait_for(timeout=20)
    rc.find(v.Btn, children=["❚❚"]).widget.click()
    rc.find(v.Btn, children=["▶"]).wait_for(timeout=20)
    rc.find(v.Btn, children=["Step"], disabled=False).wait_for(timeout=20)
    rc.find(v.CardTitle, children=["Week 4 of 104"]).assert_single()
    assert rc.find(WeekShown).widget.week == 4


def test_new_setup_from_the_panel_starts_a_new_session():
    rc = render(load_setup(str(SCENARIOS / "siloed.toml")))
    rc.find(v.Checkbox, label="Compare with a second policy").widget.v_model = True
    rc.find(v.Btn, children=["Apply and reset"]).widget.click()
    rc.find(v.Btn, children=["Step"]).widget.click()
    rc.find(v.CardTitle, children=["Week 4 of 104"]).wait_for(timeout=20)
    html = str(rc.find(v.Html, tag="div").widget.children)
    assert "cross_functional + team_recognition" in html and "B - A" in html


def test_scenario_that_fails_validation_is_shown_in_the_page(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[customers]\ncount = -3\n")
    opening = load_setup(str(bad))
    assert opening.setup is None
    assert opening.problem.startswith(f"{bad}: customers.count: expected an integer ")
    assert opening.problem.endswith(", got -3")
    rc = render(opening)
    message = f"The scenario could not be used: {opening.problem}"
    rc.find(v.Alert, children=[message]).assert_single()


def test_without_a_scenario_the_built_in_organization_opens():
    opening = load_setup("")
    assert opening.problem is None
    assert opening.setup.tables["scenario"]["name"] == "default"
    assert opening.setup.policy.structure == "silo"


def player_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "cxsim-player"]


def join_players() -> None:
    for thread in player_threads():
        thread.join(30)
    assert not player_threads()


def test_reset_while_playing_starts_over_and_lets_the_old_session_go():
    rc = render(load_setup(str(SCENARIOS / "siloed.toml")))
    rc.find(v.Btn, children=["▶"]).widget.click()
    rc.find(v.CardTitle, children=["Week 4 of 104"]).wait_for(timeout=20)
    rc.find(v.Btn, children=["Reset"]).widget.click()
    rc.find(v.CardTitle, children=["Week 0 of 104"]).wait_for(timeout=20)
    rc.find(v.Btn, children=["▶"]).assert_single()
    join_players()  # the old session's player, waiting for week 4, has ended


def test_closing_the_page_while_playing_ends_the_player():
    rc = render(load_setup(str(SCENARIOS / "siloed.toml")))
    rc.find(v.Btn, children=["▶"]).widget.click()
    rc.find(v.CardTitle, children=["Week 4 of 104"]).wait_for(timeout=20)
    assert player_threads()
    rc.close()  # what Solara does when the browser has gone for good
    join_players()


def test_a_number_half_typed_in_the_setup_survives_the_redraws():
    rc = render(load_setup(str(SCENARIOS / "siloed.toml")))
    field = rc.find(v.TextField, label="Customers").widget
    field.set_state({"v_model": "1234"})  # typed in the browser, Enter not pressed yet
    rc.find(v.Btn, children=["Step"]).widget.click()
    rc.find(WeekShown, week=4).wait_for(timeout=20)
    rc.find(v.Btn, children=["Step"], disabled=False).wait_for(timeout=20)
    assert field.v_model == "1234"
