from matplotlib.figure import Figure

from cxsim.app.dashboard.charts import collaboration_figure, morale_figure, trends_figure
from cxsim.app.workshop import Policy, Workshop, WorkshopSetup
from tests.conftest import small


def workshop(weeks: int = 5, compare: bool = True) -> Workshop:
    setup = WorkshopSetup.from_scenario(small(), seed=2)
    if compare:
        setup = setup.with_changes(compare=Policy("cross_functional", "team_recognition"))
    w = Workshop(setup)
    for _ in range(weeks):
        w.step()
    return w


def test_trends_plot_one_line_per_side_with_the_weeks_so_far():
    figure = trends_figure(workshop(weeks=5))
    assert isinstance(figure, Figure)
    trust = figure.axes[0]
    assert trust.get_title() == "Customer trust"
    assert len(trust.lines) == 2
    assert list(trust.lines[0].get_xdata()) == [1, 2, 3, 4, 5]


def test_trends_draw_before_the_first_week():
    figure = trends_figure(workshop(weeks=0, compare=False))
    assert len(figure.axes[0].lines) == 0
    figure.canvas.draw()


def test_network_edges_widen_with_handoffs():
    w = workshop(weeks=6)
    figure = collaboration_figure(w)
    assert len(figure.axes) == 2  # one map per side
    n = len(w.department_names)
    edges = [line for line in figure.axes[0].lines]
    assert len(edges) == n * (n - 1) // 2
    widths = [e.get_linewidth() for e in edges]
    assert max(widths) > min(widths)


def test_morale_bars_per_department_and_side():
    w = workshop(weeks=3)
    figure = morale_figure(w)
    bars = figure.axes[0].patches
    assert len(bars) == 2 * len(w.department_names)
