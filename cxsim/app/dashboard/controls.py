"""The dashboard's setup controls: policy, main parameters, programme and comparison.

Typed values are checked as they are entered, against the same declarations the
scenario files are validated with; a value out of range is refused in its field, with
the expected range beside it, and the session keeps running on the last valid setup.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from typing import Any

import solara

from cxsim.app.workshop import MAIN_PARAMETERS, Policy, ProgrammeStep, WorkshopSetup, check_setting
from cxsim.components.registry import registered
from cxsim.validation.errors import InputError

__all__ = ["NumberField", "SetupPanel", "parse_number"]


def parse_number(text: str, integer: bool) -> int | float | str:
    """Read a number typed in a field; the text itself when it is not one."""
    text = text.strip()
    try:
        return int(text) if integer else float(text)
    except ValueError:
        if integer:
            try:
                as_float = float(text)
            except ValueError:
                return text
            return int(as_float) if as_float.is_integer() else text
        return text


@solara.component
def NumberField(
    label: str,
    value: Any,
    on_value: Callable[[Any], None],
    check: Callable[[Any], str | None],
    on_problem: Callable[[str | None], None],
    integer: bool = False,
    optional: bool = False,
):
    """A number input that refuses what ``check`` rejects, saying what was expected.

    The value is read when Enter is pressed or the field loses focus. What is typed is
    kept keystroke by keystroke as the field's own state, so the page drawn again in
    the meantime (every redraw while playing) leaves a half-typed number as it is.

    Args:
        label: The field's label.
        value: The value in force.
        on_value: Called with a valid new value.
        check: Returns ``None`` for a valid value, else the message to show.
        on_problem: Told the message while the field holds a refused value, ``None`` after.
        integer: Whether the value is a whole number.
        optional: Whether an empty field (``None``) is allowed.
    """
    text, set_text = solara.use_state("" if value is None else f"{value:g}")
    problem, set_problem = solara.use_state(None)
    typed = solara.use_ref(text)  # the latest keystroke, ahead of a render

    def keystroke(new_text: str | None) -> None:
        typed.current = new_text or ""
        set_text(typed.current)

    def entered(*_event: Any) -> None:
        new_text = typed.current
        if optional and not new_text.strip():
            number = None
            message = None
        else:
            number = parse_number(new_text, integer)
            message = check(number)
        set_problem(message)
        on_problem(message)
        if message is None:
            on_value(number)

    field = solara.v.TextField(
        label=label,
        v_model=text,
        on_v_model=keystroke,
        error=problem is not None,
        messages=[problem] if problem else [],
        hide_details="auto",
        class_="cxsim-number",
    )
    solara.v.use_event(field, "keyup.enter", entered)
    solara.v.use_event(field, "blur", entered)
    return field


def _week_check(first: int, last: int) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        if not isinstance(value, int) or isinstance(value, bool):
            return f"expected a whole week number, got {value!r}"
        if not first <= value <= last:
            return f"expected a week between {first} and {last}, got {value}"
        return None

    return check


def _seed_check(value: Any) -> str | None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        return f"expected a whole number >= 0, got {value!r}"
    return None


@solara.component
def SetupPanel(setup: WorkshopSetup, on_apply: Callable[[WorkshopSetup], str | None]):
    """Controls for the next session; "Apply and reset" starts it.

    Args:
        setup: The setup in force.
        on_apply: Starts a session from a new setup; returns an error message when the
            setup does not validate as a whole (an intervention window, for example).
    """
    draft, set_draft = solara.use_state(setup)
    problems, set_problems = solara.use_state({})
    outcome, set_outcome = solara.use_state(None)
    # which sections are open: kept here, or every re-render would close those opened since
    open_sections, set_open_sections = solara.use_state([0])
    structures = list(registered("structure"))
    schemes = list(registered("incentives"))
    weeks = int(draft.settings.get("scenario.weeks", draft.tables["scenario"]["weeks"]))

    def note_problem(key: str) -> Callable[[str | None], None]:
        def note(message: str | None) -> None:
            set_problems(
                lambda old: (
                    {**{k: v for k, v in old.items() if k != key}, key: message}
                    if message
                    else {k: v for k, v in old.items() if k != key}
                )
            )

        return note

    def change(**changes: Any) -> None:
        set_draft(lambda old: old.with_changes(**changes))
        set_outcome(None)

    def set_setting(path: str) -> Callable[[Any], None]:
        def apply(value: Any) -> None:
            set_draft(lambda old: old.with_changes(settings={**old.settings, path: value}))
            set_outcome(None)

        return apply

    def set_step(index: int, **changes: Any) -> None:
        def update(old: WorkshopSetup) -> WorkshopSetup:
            programme = list(old.programme)
            step = programme[index]
            programme[index] = ProgrammeStep(
                type=step.type,
                start=changes.get("start", step.start),
                stop=changes.get("stop", step.stop),
                enabled=changes.get("enabled", step.enabled),
                table=step.table,
            )
            return old.with_changes(programme=tuple(programme))

        set_draft(update)
        set_outcome(None)
        if changes.get("enabled") is False:  # its fields go, and what they refused with them
            for end in ("start", "stop"):
                note_problem(f"programme.{index}.{end}")(None)

    def apply() -> None:
        set_outcome(on_apply(draft) or "applied")

    with solara.v.ExpansionPanels(
        multiple=True, accordion=True, v_model=open_sections, on_v_model=set_open_sections
    ):
        with _section("Organization"):
            _policy_fields(draft.policy, structures, schemes, lambda p: change(policy=p))
            NumberField(
                "Seed",
                draft.seed,
                on_value=lambda v: change(seed=v),
                check=_seed_check,
                on_problem=note_problem("seed"),
                integer=True,
            )
        with _section("Main parameters"):
            _parameter_fields(draft, set_setting, note_problem)
        with _section("Change programme"):
            _programme_fields(draft, weeks, set_step, note_problem)
        with _section("Side by side (same seed)"):
            _compare_fields(draft, structures, schemes, change)
    blocked = bool(problems)
    solara.Button(
        "Apply and reset",
        color="primary",
        on_click=apply,
        disabled=blocked,
        block=True,
    )
    if blocked:
        solara.Warning("Fix the values marked in red first.", dense=True)
    elif outcome not in (None, "applied"):
        solara.Error(outcome, dense=True)


@contextmanager
def _section(title: str):
    with solara.v.ExpansionPanel():
        solara.v.ExpansionPanelHeader(children=[title])
        with solara.v.ExpansionPanelContent(eager=True):
            yield


def _policy_fields(
    policy: Policy,
    structures: list[str],
    schemes: list[str],
    on_policy: Callable[[Policy], None],
    suffix: str = "",
) -> None:
    """Structure and incentive scheme pickers for one side."""
    solara.Select(
        f"Structure{suffix}",
        values=structures,
        value=policy.structure,
        on_value=lambda v: on_policy(Policy(v, policy.incentives)),
    )
    solara.Select(
        f"Incentive scheme{suffix}",
        values=schemes,
        value=policy.incentives,
        on_value=lambda v: on_policy(Policy(policy.structure, v)),
    )


def _parameter_fields(draft: WorkshopSetup, set_setting, note_problem) -> None:
    for path, label in MAIN_PARAMETERS.items():
        group, name = path.split(".")
        current = draft.settings.get(path, draft.tables.get(group, {}).get(name))
        NumberField(
            label,
            current,
            on_value=set_setting(path),
            check=lambda v, path=path: check_setting(draft, path, v),
            on_problem=note_problem(path),
            integer=isinstance(current, int),
        ).key(path)


def _programme_fields(draft: WorkshopSetup, weeks: int, set_step, note_problem) -> None:
    solara.Text("Weeks: a step runs from its start week up to, not including, its stop week.")
    for index, step in enumerate(draft.programme):
        solara.Checkbox(
            label=step.table.get("name") or step.type,
            value=step.enabled,
            on_value=lambda v, i=index: set_step(i, enabled=v),
        )
        if step.enabled:
            with solara.Row():
                NumberField(
                    "start",
                    step.start,
                    on_value=lambda v, i=index: set_step(i, start=v),
                    check=_week_check(0, weeks - 1),
                    on_problem=note_problem(f"programme.{index}.start"),
                    integer=True,
                ).key(f"start-{index}")
                NumberField(
                    "stop (empty: the end)",
                    step.stop,
                    on_value=lambda v, i=index: set_step(i, stop=v),
                    check=_week_check(1, weeks),
                    on_problem=note_problem(f"programme.{index}.stop"),
                    integer=True,
                    optional=True,
                ).key(f"stop-{index}")


def _compare_fields(draft: WorkshopSetup, structures: list[str], schemes: list[str], change):
    comparing = draft.compare is not None
    solara.Checkbox(
        label="Compare with a second policy",
        value=comparing,
        on_value=lambda v: change(
            compare=Policy("cross_functional", "team_recognition") if v else None
        ),
    )
    if comparing:
        _policy_fields(
            draft.compare, structures, schemes, lambda p: change(compare=p), suffix=" (B)"
        )


def try_setup(setup: WorkshopSetup) -> str | None:
    """Check that a setup builds both sides; the validation message when it does not."""
    try:
        setup.sides()
    except InputError as exc:
        return str(exc)
    return None
