"""The one-screen decision summary: numbers for people, the parts a decider needs."""

from cxsim.report.decision import decision_summary, money, points


def test_money_and_points_read_as_people_write_them():
    assert money(1_234_567) == "+1.2 M" and money(-350_400) == "-350 k" and money(80) == "+80"
    assert money(2_500_000, signed=False) == "2.5 M" and money(0) == "0"
    assert points(0.042) == "+4.2 points" and points(-0.1) == "-10.0 points"


def _summary(chance: float, boxes: list, flips: int = 30) -> dict:
    return {
        "draws": 300,
        "money": "profit_total",
        "ranges": {"cases.cross_functional_share": [0.1, 0.9], "trust.loss": [0.09, 0.36]},
        "scenarios": {
            "pods": {
                "p_better": {"profit_total": chance, "retention": 0.99},
                "parameter_share": {"profit_total": 0.8, "retention": 0.9},
                "differences": {
                    "profit_total": {"mean": 1.2e6, "p5": -4e5, "p95": 2.9e6},
                    "retention": {"mean": 0.061, "p5": 0.02, "p95": 0.098},
                },
                "evpi": 5e5,
                "evppi": {"cases.cross_functional_share": 4e5, "trust.loss": 1e4},
                "boxes": boxes,
                "flips_to": "loses" if chance >= 0.5 else "pays",
                "flips": flips,
            }
        },
    }


def test_the_summary_states_the_decision_the_range_the_flip_and_what_to_measure():
    box = {
        "limits": {"cases.cross_functional_share": [0.1, 0.25]},
        "coverage": 0.8,
        "density": 0.85,
    }
    labels = {"cases.cross_functional_share": "the share of problems crossing departments"}
    text = "\n".join(decision_summary(_summary(0.87, [box]), "silo", labels))
    assert "it likely pays. Chance it earns more two-year profit than silo: 87%." in text
    assert "Expected gain: +1.2 M (5-95% of draws: -400 k to +2.9 M); 80% of that spread" in text
    assert "Retention: +6.1 points (5-95%: +2.0 points to +9.8 points), better in 99%" in text
    assert "it loses money when the share of problems crossing departments is at most 0.25" in text
    assert "What to measure first: the share of problems crossing departments" in text
    assert "worth 400 k; knowing everything, 500 k" in text
    assert "e+" not in text and "e-" not in text  # no scientific notation


def test_where_it_usually_loses_the_summary_says_where_it_would_pay():
    box = {
        "limits": {"cases.cross_functional_share": [0.7, 0.9]},
        "coverage": 0.75,
        "density": 0.6,
    }
    labels = {"cases.cross_functional_share": "the share of problems crossing departments"}
    text = "\n".join(decision_summary(_summary(0.2, [box]), "silo", labels))
    assert "The decision: it is unlikely to pay." in text
    assert (
        "What would change the answer: it pays when the share of problems crossing "
        "departments is at least 0.7 (75% of the draws where it pays; it pays in 60% of "
        "draws there)." in text
    )
    assert "loses money when" not in text


def test_the_summary_says_when_nothing_would_change_the_answer():
    text = "\n".join(decision_summary(_summary(1.0, [], flips=0), "silo"))
    assert "nothing in the plausible ranges" in text
    text = "\n".join(decision_summary(_summary(0.1, []), "silo"))
    assert "The decision: it is unlikely to pay." in text and "gains are scattered" in text
    text = "\n".join(decision_summary(_summary(0.9, []), "silo"))
    assert "losses are scattered" in text


def test_the_summary_does_not_describe_a_region_from_a_few_losing_draws():
    text = "\n".join(decision_summary(_summary(0.99, [], flips=3), "silo"))
    assert "it lost money in 3 of 300 draws, too few to say where" in text
    text = "\n".join(decision_summary(_summary(0.01, [], flips=2), "silo"))
    assert "it paid in 2 of 300 draws, too few to say where" in text


def test_no_one_constant_is_named_when_none_alone_is_worth_knowing():
    summary = _summary(0.9, [])
    summary["scenarios"]["pods"]["evppi"] = {"cases.cross_functional_share": 1e4, "trust.loss": 0}
    text = "\n".join(decision_summary(summary, "silo"))
    assert "What to measure first: no one constant; together what we don't know is worth" in text
    assert "500 k to know before deciding" in text
