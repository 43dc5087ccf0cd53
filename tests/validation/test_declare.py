from dataclasses import dataclass

import pytest

from cxsim.validation.declare import build, describe, param, to_plain
from cxsim.validation.errors import InputError


@dataclass(kw_only=True)
class Inner:
    rate: float = param(0.5, ge=0, le=1, unit="share", source="test", help="a rate")


@dataclass(kw_only=True)
class Outer:
    count: int = param(3, ge=1)
    flag: bool = param(False)
    label: str = param("a", choices=("a", "b"))
    mix: dict[str, float] = param({"x": 1.0})
    names: list[str] = param([])
    inner: Inner = param(Inner())


def test_defaults_fill_what_is_not_given():
    built = build(Outer, {"count": 5})
    assert built.count == 5 and built.inner.rate == 0.5 and built.mix == {"x": 1.0}


def test_mutable_defaults_are_not_shared():
    a, b = build(Outer, {}), build(Outer, {})
    a.mix["y"] = 2.0
    assert "y" not in b.mix


@pytest.mark.parametrize(
    ("values", "path", "expected"),
    [
        ({"cont": 1}, "cont", "one of the known keys"),
        ({"count": 0}, "count", "an integer >= 1"),
        ({"count": 2.5}, "count", "an integer >= 1"),
        ({"count": True}, "count", "an integer >= 1"),
        ({"flag": 1}, "flag", "true or false"),
        ({"label": "c"}, "label", "one of 'a', 'b'"),
        ({"mix": {"x": -1}}, "mix.x", "a finite number >= 0"),
        ({"names": ["a", 1]}, "names", "a list of strings"),
        ({"inner": {"rate": 2}}, "inner.rate", "a finite number between 0 and 1"),
        ({"inner": {"rate": "high"}}, "inner.rate", "a finite number between 0 and 1"),
        ({"inner": {"rate": float("nan")}}, "inner.rate", "a finite number"),
        ({"count": float("inf")}, "count", "an integer >= 1"),
        ({"mix": {"x": float("inf")}}, "mix.x", "a finite number >= 0"),
        ({"inner": 3}, "inner", "a table"),
    ],
)
def test_bad_values_name_the_path_and_what_was_expected(values, path, expected):
    with pytest.raises(InputError) as error:
        build(Outer, values)
    assert error.value.path == path
    assert expected in error.value.expected


def test_integers_are_accepted_for_floats():
    assert build(Inner, {"rate": 1}).rate == 1.0
    assert isinstance(build(Inner, {"rate": 1}).rate, float)


def test_describe_lists_units_sources_and_ranges():
    (spec,) = describe(Inner)
    assert (spec.name, spec.default, spec.unit, spec.source) == ("rate", 0.5, "share", "test")
    assert spec.expected == "a finite number between 0 and 1"


def test_to_plain_round_trips():
    built = build(Outer, {"count": 4, "inner": {"rate": 0.2}})
    assert build(Outer, to_plain(built)) == built


def test_a_field_of_an_unsupported_type_is_an_input_error():
    @dataclass(kw_only=True)
    class Odd:
        pair: tuple = param((1, 2))

    with pytest.raises(InputError, match="supported type"):
        build(Odd, {"pair": [1, 2]})
