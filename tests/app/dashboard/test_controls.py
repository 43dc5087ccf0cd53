import re

import ipyvuetify as v
import pytest
import solara

from cxsim.app.dashboard.controls import SetupPanel, parse_number
from cxsim.app.workshop import WorkshopSetup
from cxsim.config.scenario import Scenario
from tests.conftest import SCENARIOS

#: What the Customers field says of -5: the range expected, then what it got.
REFUSED = re.compile(r"expected an integer (>= 1|between 1 and [\d,]+), got -5")


@pytest.fixture
def panel():
    setup = WorkshopSetup.from_scenario(Scenario.load(SCENARIOS / "siloed.toml"))
    applied = []

    def on_apply(new_setup):
        applied.append(new_setup)
        return None

    _, rc = solara.render(SetupPanel(setup, on_apply=on_apply), handle_error=False)
    return rc, applied


def type_into(rc, label: str, text: str):
    field = rc.find(v.TextField, label=label).widget
    field.v_model = text
    field.fire_event("keyup.enter", None)
    return field


def test_parse_number():
    assert parse_number(" 12 ", integer=True) == 12
    assert parse_number("12.0", integer=True) == 12
    assert parse_number("1.5", integer=True) == "1.5"
    assert parse_number("0.25", integer=False) == 0.25
    assert parse_number("lots", integer=False) == "lots"


def test_out_of_range_value_is_refused_with_a_message(panel):
    rc, applied = panel
    field = type_into(rc, "Customers", "-5")
    assert field.error
    (message,) = field.messages
    assert REFUSED.fullmatch(message), message
    apply = rc.find(v.Btn, children=["Apply and reset"]).widget
    assert apply.disabled
    rc.find(children=["Fix the values marked in red first."]).assert_single()
    type_into(rc, "Handoff failure (base)", "abc")
    assert rc.find(v.TextField, label="Handoff failure (base)").widget.messages == [
        "expected a finite number between 0 and 1, got 'abc'"
    ]
    type_into(rc, "Customers", "5000")
    type_into(rc, "Handoff failure (base)", "0.3")
    assert not field.error
    assert not apply.disabled
    apply.click()
    assert applied[-1].settings == {"customers.count": 5000, "handoffs.base_failure": 0.3}


def test_policy_programme_and_comparison_reach_the_setup(panel):
    rc, applied = panel
    rc.find(v.Select, label="Incentive scheme").widget.v_model = "team_recognition"
    rc.find(v.Checkbox, label="training").widget.v_model = True
    type_into(rc, "start", "8")
    type_into(rc, "stop (empty: the end)", "20")
    rc.find(v.Checkbox, label="Compare with a second policy").widget.v_model = True
    rc.find(v.Select, label="Structure (B)").widget.v_model = "cx_council"
    rc.find(v.Btn, children=["Apply and reset"]).widget.click()
    setup = applied[-1]
    assert setup.policy.incentives == "team_recognition"
    (training,) = [s for s in setup.programme if s.enabled]
    assert (training.type, training.start, training.stop) == ("training", 8, 20)
    assert setup.compare.structure == "cx_council"
    assert setup.compare.incentives == "team_recognition"


def test_week_outside_the_horizon_is_refused(panel):
    rc, _ = panel
    rc.find(v.Checkbox, label="gamification").widget.v_model = True
    field = type_into(rc, "start", "500")
    assert field.messages == ["expected a week between 0 and 103, got 500"]


def test_setup_that_fails_as_a_whole_shows_the_validation_message():
    setup = WorkshopSetup.from_scenario(Scenario.load(SCENARIOS / "siloed.toml"))

    def refuse(_):
        return "interventions.0: expected stop > start"

    _, rc = solara.render(SetupPanel(setup, on_apply=refuse), handle_error=False)
    rc.find(v.Btn, children=["Apply and reset"]).widget.click()
    rc.find(v.Alert, children=["interventions.0: expected stop > start"]).assert_single()


def test_unticking_a_step_drops_what_its_fields_refused(panel):
    rc, _ = panel
    box = rc.find(v.Checkbox, label="recruiting").widget
    box.v_model = True
    type_into(rc, "start", "900")
    apply = rc.find(v.Btn, children=["Apply and reset"]).widget
    assert apply.disabled
    box.v_model = False
    assert not apply.disabled


def test_a_section_opened_stays_open_when_a_value_is_refused(panel):
    rc, _ = panel
    sections = rc.find(v.ExpansionPanels).widget
    sections.v_model = [0, 1]  # the user opens "Main parameters"
    type_into(rc, "Customers", "-5")
    assert sections.v_model == [0, 1]
    rc.find(children=["Fix the values marked in red first."]).assert_single()


def test_a_number_is_read_when_the_field_is_left(panel):
    rc, applied = panel
    field = rc.find(v.TextField, label="Customers").widget
    field.v_model = "-"  # typing: nothing is read yet
    assert not field.error
    field.v_model = "5000"
    field.fire_event("blur", None)
    rc.find(v.Btn, children=["Apply and reset"]).widget.click()
    assert applied[-1].settings == {"customers.count": 5000}
