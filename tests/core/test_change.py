from cxsim.core.change import Changes
from cxsim.core.parameters import ChangeParameters


def run_weeks(changes, weeks, sustained, aim=None):
    levels = []
    for _ in range(weeks):
        if aim:
            changes.aim(*aim)
        changes.update(sustained=sustained)
        levels.append(changes.level["help"])
    return levels


def test_a_change_takes_months_to_take_hold():
    changes = Changes(ChangeParameters(adoption_weeks=12.0))
    levels = run_weeks(changes, 52, sustained=True, aim=("help", 1.0))
    assert levels[0] < 0.1 < levels[11] < 0.8 < levels[51]


def test_without_leadership_a_change_drifts_back_to_the_old_baseline():
    sustained, drifting = (Changes(ChangeParameters()) for _ in range(2))
    for changes, flag in ((sustained, True), (drifting, False)):
        run_weeks(changes, 20, sustained=flag, aim=("help", 1.0))
        run_weeks(changes, 60, sustained=flag)
    assert sustained.level["help"] > 0.9
    assert drifting.level["help"] < 0.3


def test_negative_aims_pull_below_the_baseline():
    changes = Changes(ChangeParameters())
    changes.aim("engagement", -0.1)
    changes.aim("engagement", -0.05)  # the stronger aim stands
    assert changes.target["engagement"] == -0.1
    changes.update(sustained=False)
    assert changes.level["engagement"] < 0


def test_a_held_change_does_not_drift_without_leadership_and_the_others_still_do():
    changes = Changes(ChangeParameters())
    changes.restart("adoption", 1.0)
    changes.aim("help", 1.0)
    for _ in range(80):
        changes.update(sustained=False, held=("adoption",))
    assert changes.target["adoption"] == 1.0 and changes.level["adoption"] > 0.99
    assert changes.level["help"] < 0.3
