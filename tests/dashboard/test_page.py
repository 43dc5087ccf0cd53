import ipyvuetify as v
import solara

from cxsim.dashboard.page import Dashboard, load_setup
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
    rc.find(v.Btn, children=["Reset"]).widget.click()  # Mesa's reset rebuilds the workshop
    rc.find(v.CardTitle, children=["Week 0 of 104"]).wait_for(timeout=20)


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
    rc = render(opening)
    message = (
        f"The scenario could not be used: {bad}: customers.count: expected an integer >= 1, got -3"
    )
    rc.find(v.Alert, children=[message]).assert_single()


def test_without_a_scenario_the_built_in_organization_opens():
    opening = load_setup("")
    assert opening.problem is None
    assert opening.setup.tables["scenario"]["name"] == "default"
    assert opening.setup.policy.structure == "silo"
