"""The dashboard page: a :class:`~cxsim.app.workshop.Workshop` played week by week.

The sidebar holds the setup for the next session; the page shows the headline numbers
with the controls under them (reset, play or pause, step, and the weeks simulated
between two redraws), the outcome trends, the collaboration network and morale by
department.

Playing is paced by what the browser shows: a :class:`~cxsim.app.dashboard.player.Player`
steps the workshop, draws the views and waits until the page reports, through a small
invisible element (:class:`WeekShown`), that it displays that week before it steps on.

Served by ``cxsim app``; the scenario file comes in the environment variable
``CXSIM_APP_SCENARIO`` (none: the built-in default organization).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from typing import Any

import ipyvue
import solara
import traitlets

from cxsim.app.dashboard.charts import Frame, draw_frame
from cxsim.app.dashboard.controls import SetupPanel, try_setup
from cxsim.app.dashboard.player import Player, PlayerState
from cxsim.app.workshop import TREND_METRICS, Workshop, WorkshopSetup
from cxsim.config.scenario import Scenario
from cxsim.validation.errors import InputError

__all__ = ["Dashboard", "Page", "SCENARIO_VARIABLE", "WeekShown", "load_setup"]

SCENARIO_VARIABLE = "CXSIM_APP_SCENARIO"
#: Weeks simulated between redraws while playing (the slider in Controls changes it).
RENDER_INTERVAL = 4
#: Largest choice of weeks between redraws offered by the slider.
MAX_RENDER_INTERVAL = 52


@dataclass(frozen=True)
class Opening:
    """What the page opens with: a setup, or the reason there is none."""

    setup: WorkshopSetup | None
    problem: str | None
    path: str


def load_setup(path: str) -> Opening:
    """Read a scenario file for the page; a validation failure becomes its message."""
    try:
        scenario = (
            Scenario.load(path) if path else Scenario.from_dict({"scenario": {"name": "default"}})
        )
    except InputError as exc:
        return Opening(None, str(exc), path)
    return Opening(WorkshopSetup.from_scenario(scenario), None, path)


# The browser reports a week once it has painted it (or at once in a hidden tab, which
# paints nothing but still applies every update, so playing goes on in the background).
_WEEK_SHOWN_TEMPLATE = """
<template>
  <span class="cxsim-week-shown" :data-week="week" style="display: none"></span>
</template>
<script>
module.exports = {
  mounted() {
    this.report();
  },
  updated() {
    this.report();
  },
  methods: {
    report() {
      const week = this.week;
      const send = () => this.shown(week);
      if (document.visibilityState === "hidden") {
        setTimeout(send, 0);
      } else {
        window.requestAnimationFrame(() => setTimeout(send, 0));
      }
    },
  },
};
</script>
"""


class WeekShown(ipyvue.VueTemplate):
    """An invisible element that reports to the server which week the page displays.

    Rendered after the views in the same render pass, it is updated after them; its
    ``mounted`` and ``updated`` hooks send the week back once the browser has painted
    it, and ``callback`` receives it.
    """

    template = traitlets.Unicode(_WEEK_SHOWN_TEMPLATE).tag(sync=True)
    week = traitlets.Int(-1).tag(sync=True)
    callback = traitlets.Any(None)

    def vue_shown(self, data: Any) -> None:
        """Handle the browser's report of the week it displays."""
        try:
            week = int(data)
        except (TypeError, ValueError):
            return
        if self.callback is not None:
            self.callback(week)


def Headline(frame: Frame) -> None:
    """The week, its outcomes per side and, side by side, the difference."""
    labels = list(frame.latest)
    columns = ["outcome", *labels] + (["B - A"] if len(labels) == 2 else [])
    rows = []
    for metric, title in TREND_METRICS.items():
        values = [frame.latest[label].get(metric) for label in labels]
        cells = [_fmt(metric, v) for v in values]
        if len(labels) == 2:
            both = all(v is not None for v in values)
            cells.append(_fmt(metric, values[1] - values[0], signed=True) if both else "-")
        rows.append((metric, title, cells))
    head = "".join(f"<th>{escape(c)}</th>" for c in columns)
    body = "".join(
        f'<tr data-metric="{metric}"><td>{escape(title)}</td>'
        + "".join(f'<td class="value">{c}</td>' for c in cells)
        + "</tr>"
        for metric, title, cells in rows
    )
    with solara.Card(f"Week {frame.week} of {frame.horizon}", margin=0, classes=["cxsim-week"]):
        solara.HTML(
            tag="div",
            unsafe_innerHTML=f'<table class="cxsim-headline" style="width:100%;text-align:right">'
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>",
        )


def _fmt(metric: str, value: float | None, signed: bool = False) -> str:
    if value is None:
        return "-"
    sign = "+" if signed else ""
    if metric == "profit":
        return f"{value:{sign},.0f}"
    return f"{value:{sign}.3f}"


def _view(title: str, frame: Frame, name: str) -> None:
    with solara.Card(title, margin=0):
        solara.Image(frame.images[name], width="100%", classes=[f"cxsim-{name}"])


def use_player(player: Player) -> PlayerState:
    """The player's state, rendering the calling component again whenever it changes."""
    _, set_changes = solara.use_state(0)

    def subscribe() -> Callable[[], None]:
        unsubscribe = player.subscribe(lambda: set_changes(lambda n: n + 1))
        set_changes(lambda n: n + 1)  # what changed between the first render and now
        return unsubscribe

    solara.use_effect(subscribe, [player])
    return player.state()


def Controls(
    state: PlayerState,
    player: Player,
    weeks_per_frame: int,
    on_weeks_per_frame: Callable[[int], None],
    on_reset: Callable[[], None],
) -> None:
    """Reset, play or pause, step, and the weeks simulated between two redraws."""
    with solara.Card("Controls", margin=0):
        with solara.Row(gap="12px"):
            solara.Button(label="Reset", color="primary", on_click=on_reset)
            solara.Button(
                label="❚❚" if state.playing else "▶",
                color="primary",
                on_click=player.toggle,
                disabled=not state.playing and (state.finished or state.error is not None),
            )
            solara.Button(
                label="Step",
                color="primary",
                on_click=player.step,
                disabled=state.playing or state.busy or state.finished or state.error is not None,
            )
        solara.SliderInt(
            label=f"Weeks per redraw: {weeks_per_frame}",
            value=weeks_per_frame,
            on_value=on_weeks_per_frame,
            min=1,
            max=MAX_RENDER_INTERVAL,
        )
        if state.note:
            solara.Warning(state.note, dense=True)
        if state.error:
            solara.Error(state.error, dense=True)


@solara.component
def Stage(
    player: Player,
    weeks_per_frame: int,
    on_weeks_per_frame: Callable[[int], None],
    on_reset: Callable[[], None],
):
    """The headline, controls and views of the latest frame, then the element that reports it.

    Everything that follows the player is drawn here, in the page's main area, in one
    render pass: the controls always act on the player whose frame is on screen, and
    the report of the week shown comes after the views it stands for.
    """
    state = use_player(player)
    frame = state.frame
    with solara.Columns([1, 1]):
        with solara.Column(gap="12px"):
            Headline(frame)
            Controls(state, player, weeks_per_frame, on_weeks_per_frame, on_reset)
        _view("Outcomes week by week", frame, "trends")
    with solara.Columns([1, 1]):
        _view("Collaboration between departments", frame, "network")
        _view("Morale by department", frame, "morale")
    WeekShown.element(week=frame.week, callback=player.shown)


@solara.component
def Dashboard(opening: Opening):
    """The whole dashboard for one opening scenario (or its validation message).

    Each "Apply and reset" or "Reset" starts a session: a new workshop and its player.
    The setup panel, in the sidebar, does not follow the player: it is not drawn again
    while playing. The main area keeps its widgets from one session to the next, so a
    click that follows a reset at once reaches the new session.
    """
    # the setup in force and the session's number, changed together: one render, one workshop
    (setup, session), set_session = solara.use_state((opening.setup, 0))
    weeks_per_frame, set_weeks_per_frame = solara.use_state(RENDER_INTERVAL)
    workshop = solara.use_memo(
        lambda: Workshop(setup) if setup is not None else None, [setup, session]
    )
    player = solara.use_memo(
        lambda: (
            Player(workshop, draw_frame, weeks_per_frame=weeks_per_frame)
            if workshop is not None
            else None
        ),
        [workshop],
    )
    # the page gone or a new session: the player stops for good and lets the workshop go
    solara.use_effect(lambda: player.close if player is not None else None, [player])

    def set_interval() -> None:
        if player is not None:
            player.weeks_per_frame = weeks_per_frame

    solara.use_effect(set_interval, [player, weeks_per_frame])

    def apply(new_setup: WorkshopSetup) -> str | None:
        problem = try_setup(new_setup)
        if problem is None:
            set_session(lambda old: (new_setup, old[1] + 1))
        return problem

    def reset() -> None:
        set_session(lambda old: (old[0], old[1] + 1))

    if workshop is None or player is None:
        with solara.Column(style={"padding": "2em"}):
            solara.HTML(tag="h2", unsafe_innerHTML="cxsim dashboard")
            solara.Error(
                f"The scenario could not be used: {opening.problem}",
                classes=["cxsim-scenario-error"],
            )
            solara.HTML(
                tag="p",
                unsafe_innerHTML="Fix the file (<code>cxsim validate FILE</code> gives the "
                "same message) and reload this page.",
            )
        return
    title = f"cxsim: {workshop.setup.tables['scenario']['name']}"
    solara.Title(title)
    with solara.AppBar():
        solara.AppBarTitle(title)
    with solara.Sidebar(), solara.Card("Setup", margin=0):
        SetupPanel(setup, on_apply=apply).key(f"setup-{session}")
    Stage(player, weeks_per_frame, set_weeks_per_frame, on_reset=reset)


@solara.component
def Page():
    """The page Solara serves."""
    opening = solara.use_memo(lambda: load_setup(os.environ.get(SCENARIO_VARIABLE, "")), [])
    Dashboard(opening)
