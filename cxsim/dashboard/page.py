"""The dashboard page: Mesa's SolaraViz around a :class:`~cxsim.workshop.Workshop`.

SolaraViz brings step, play and reset, the play and render intervals and the week
counter; cxsim adds the setup controls in the sidebar and four views: the headline
numbers, the outcome trends, the collaboration network and morale by department.

Served by ``cxsim app``; the scenario file comes in the environment variable
``CXSIM_APP_SCENARIO`` (none: the built-in default organization).
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass
from html import escape

import solara

# Mesa 3.3's ComponentsView trips Solara's hook check at import; harmless, and not ours.
warnings.filterwarnings(
    "ignore",
    message=r".*ComponentsView: `use_state` found despite early return",
    category=UserWarning,
)
from mesa.visualization import SolaraViz  # noqa: E402

from cxsim.dashboard.charts import collaboration_figure, morale_figure, trends_figure  # noqa: E402
from cxsim.dashboard.controls import SetupPanel, try_setup  # noqa: E402
from cxsim.errors import InputError  # noqa: E402
from cxsim.scenario import Scenario  # noqa: E402
from cxsim.workshop import TREND_METRICS, Workshop, WorkshopSetup  # noqa: E402

__all__ = ["Page", "SCENARIO_VARIABLE", "load_setup"]

SCENARIO_VARIABLE = "CXSIM_APP_SCENARIO"
#: Weeks simulated between redraws while playing (the slider in Controls changes it).
RENDER_INTERVAL = 4
#: Pause between steps while playing, in milliseconds.
PLAY_INTERVAL = 20


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


def Headline(model: Workshop):
    """This week's outcomes per side and, side by side, the difference."""
    latest = model.latest()
    labels = list(latest)
    columns = ["outcome", *labels] + (["B - A"] if len(labels) == 2 else [])
    rows = []
    for metric, title in TREND_METRICS.items():
        values = [latest[label].get(metric) for label in labels]
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
    with solara.Card(f"Week {model.week} of {model.horizon}", margin=0):
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


def Trends(model: Workshop):
    """Trust, repurchase, morale, churn and profit over the weeks."""
    return solara.FigureMatplotlib(trends_figure(model), format="png")


def Network(model: Workshop):
    """The department collaboration network."""
    return solara.FigureMatplotlib(collaboration_figure(model), format="png")


def Morale(model: Workshop):
    """Morale per department."""
    return solara.FigureMatplotlib(morale_figure(model), format="png")


VIEWS = [(Headline, 0), (Trends, 0), (Network, 0), (Morale, 0)]


@solara.component
def Dashboard(opening: Opening):
    """The whole dashboard for one opening scenario (or its validation message)."""
    setup, set_setup = solara.use_state(opening.setup)
    session, set_session = solara.use_state(0)
    current = solara.use_memo(list, [])  # the page's workshop, released when replaced
    workshop = solara.use_memo(
        lambda: Workshop(setup, current) if setup is not None else None, [setup, session]
    )

    def apply(new_setup: WorkshopSetup) -> str | None:
        problem = try_setup(new_setup)
        if problem is None:
            set_setup(new_setup)
            set_session(session + 1)
        return problem

    if workshop is None:
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
    SolaraViz(
        workshop,
        components=VIEWS,
        model_params={"setup": setup, "session": current},
        name=title,
        play_interval=PLAY_INTERVAL,
        render_interval=RENDER_INTERVAL,
    ).key(f"session-{session}")
    with solara.Sidebar(), solara.Card("Setup", margin=0):
        SetupPanel(setup, on_apply=apply).key(f"setup-{session}")


@solara.component
def Page():
    """The page Solara serves."""
    opening = solara.use_memo(lambda: load_setup(os.environ.get(SCENARIO_VARIABLE, "")), [])
    Dashboard(opening)
