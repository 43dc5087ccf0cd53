from dataclasses import dataclass
from typing import Any

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


@dataclass(kw_only=True)
class Entry:
    path: str = param(expected="a dotted path")
    weight: float | None = param(None, gt=0)


@dataclass(kw_only=True)
class File:
    bounds: list[float] = param([], ge=0, le=1)
    weeks: list[int] | None = param(None, ge=1, expected="two weeks [first, last]")
    anything: list[Any] = param([])
    entries: list[Entry] = param([])
    first: Entry | None = param(None)
    seed: int = param(0, ge=0, le=2**63 - 1)


def test_lists_of_numbers_check_each_number_against_the_bounds():
    built = build(File, {"bounds": [0, 0.5], "weeks": [1, 3]})
    assert built.bounds == [0.0, 0.5] and all(isinstance(b, float) for b in built.bounds)
    assert built.weeks == [1, 3]


def test_lists_of_tables_build_each_table():
    built = build(File, {"entries": [{"path": "a.b", "weight": 2}], "first": {"path": "c"}})
    assert built.entries == [Entry(path="a.b", weight=2.0)] and built.first == Entry(path="c")
    assert build(File, {}).first is None


def test_a_list_of_anything_is_copied():
    given = [1, "a", {"b": [2]}]
    built = build(File, {"anything": given})
    assert built.anything == given and built.anything[2] is not given[2]


@pytest.mark.parametrize(
    ("values", "path", "expected"),
    [
        ({"bounds": 0.5}, "bounds", "a list of finite numbers between 0 and 1"),
        ({"bounds": [0.5, 2]}, "bounds.1", "a finite number between 0 and 1"),
        ({"bounds": [True]}, "bounds.0", "a finite number between 0 and 1"),
        ({"weeks": [1, 2.5]}, "weeks.1", "an integer >= 1"),
        ({"weeks": 3}, "weeks", "two weeks [first, last]"),
        ({"anything": "a"}, "anything", "a list"),
        ({"entries": [3]}, "entries.0", "a table"),
        ({"entries": [{}]}, "entries.0.path", "a dotted path"),
        ({"entries": [{"path": 1}]}, "entries.0.path", "a dotted path"),
        ({"first": {"path": "a", "weight": 0}}, "first.weight", "a finite number > 0, or omitted"),
        ({"first": {"path": "a", "x": 0}}, "first.x", "one of the known keys (path, weight)"),
        ({"seed": -1}, "seed", "an integer between 0 and 9,223,372,036,854,775,807"),
    ],
)
def test_new_kinds_name_the_path_and_what_was_expected(values, path, expected):
    with pytest.raises(InputError) as error:
        build(File, values)
    assert error.value.path == path
    assert error.value.expected == expected


def test_a_required_field_must_be_given():
    with pytest.raises(InputError) as error:
        build(Entry, {"weight": 1})
    assert str(error.value) == "path: expected a dotted path"
    assert [s.default for s in describe(Entry)] == [None, None]


def test_an_upper_bound_above_the_size_limit_lifts_it():
    assert build(File, {"seed": 2**63 - 1}).seed == 2**63 - 1
    with pytest.raises(InputError, match="at most 1,000,000,000,000 in size"):
        build(Outer, {"count": 10**13})  # no upper bound: the size limit holds


def test_a_bounded_number_too_large_is_refused_by_its_bounds():
    with pytest.raises(InputError) as error:
        build(Inner, {"rate": 10**13})
    assert error.value.expected == "a finite number between 0 and 1"


def test_what_existing_kinds_expect_is_unchanged():
    @dataclass(kw_only=True)
    class Kinds:
        stop: int | None = param(None)
        names: list[str] = param([])

    assert [s.expected for s in describe(Kinds)] == ["an integer, or omitted", "a list of strings"]
    assert build(Kinds, {"stop": 3, "names": ["a"]}) == Kinds(stop=3, names=["a"])
