import pytest

from cxsim.config.dotted import set_value, value_at
from cxsim.validation.errors import InputError


def tables():
    return {
        "customers": {"count": 500},
        "departments": [
            {"name": "sales", "headcount": 3},
            {"name": "support", "headcount": 5},
            {"name": "0", "headcount": 7},  # a name that looks like a position
        ],
    }


def test_a_value_is_read_by_key_by_position_or_by_name():
    data = tables()
    assert value_at(data, "customers.count") == 500
    assert value_at(data, "departments.1.headcount") == 5
    assert value_at(data, "departments.support.headcount") == 5
    assert value_at(data, "departments.0.headcount") == 3  # a position before a name


@pytest.mark.parametrize(
    "path", ["customers.size", "departments.legal.headcount", "departments.9", "customers.count.x"]
)
def test_a_missing_value_is_the_default_or_an_error(path):
    assert value_at(tables(), path, default=None) is None
    with pytest.raises(InputError) as error:
        value_at(tables(), path)
    assert error.value.path == path
    assert error.value.expected.startswith("a path the scenario has (")


def test_a_digit_run_too_long_to_be_a_position_is_looked_up_as_a_name():
    assert value_at(tables(), "departments." + "9" * 5000, default=None) is None


def test_setting_makes_tables_and_gives_list_entries_by_position():
    data = tables()
    assert set_value(data, "trust.loss", 0.2) == "trust.loss"
    assert set_value(data, "departments.support.headcount", 9) == "departments.1.headcount"
    assert set_value(data, "departments.2", {"name": "x"}) == "departments.2"
    assert data["trust"] == {"loss": 0.2}
    assert value_at(data, "departments.1.headcount") == 9
    assert data["departments"][2] == {"name": "x"}


@pytest.mark.parametrize(
    ("path", "where", "expected"),
    [
        ("trust..loss", "trust..loss", "a dotted path such as customers.count"),
        ("departments.legal.headcount", "departments.legal", "an index or a name among sales"),
        ("customers.count.x", "customers.count.x", "a table or list to set a value in"),
    ],
)
def test_setting_through_nothing_settable_names_the_path(path, where, expected):
    with pytest.raises(InputError) as error:
        set_value(tables(), path, 1)
    assert error.value.path == where and expected in error.value.expected
