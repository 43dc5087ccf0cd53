"""The player without a browser: pacing by the weeks the page reports it has shown."""

from __future__ import annotations

import threading
import time

import pytest

from cxsim.app.dashboard.charts import Frame
from cxsim.app.dashboard.player import Player, PlayerState
from cxsim.app.workshop import Workshop, WorkshopSetup
from tests.conftest import small

WAIT = 30.0  # seconds; generous for a loaded machine, never reached when all is well


def quick_frame(workshop: Workshop) -> Frame:
    """A frame without pictures: these tests are about pacing, not drawing."""
    return Frame(workshop.week, workshop.horizon, workshop.latest(), {})


class Page:
    """Stands in for the browser: records every frame handed over, optionally shows it."""

    def __init__(self, weeks: int = 20, show: bool = False, **options) -> None:
        self.workshop = Workshop(WorkshopSetup.from_scenario(small(weeks=weeks), seed=1))
        self.show = show
        self.frames: list[int] = []
        self.changes = 0
        self.cond = threading.Condition()
        self.player = Player(self.workshop, quick_frame, self.changed, **options)
        self.frames.append(self.player.state().frame.week)

    def changed(self) -> None:
        state = self.player.state()
        with self.cond:
            self.changes += 1
            if not self.frames or self.frames[-1] != state.frame.week:
                self.frames.append(state.frame.week)
            self.cond.notify_all()
        if self.show:  # as the browser does once it has painted the week
            self.player.shown(state.frame.week)

    def until(self, condition, timeout: float = WAIT) -> PlayerState:
        deadline = time.monotonic() + timeout
        with self.cond:
            while not condition(state := self.player.state()):
                remaining = deadline - time.monotonic()
                assert remaining > 0, f"still {state} after {timeout} s"
                self.cond.wait(min(remaining, 0.1))
        return state

    def finish(self) -> None:
        """Wait for the worker to end (it must, whatever the test did)."""
        thread = self.player.thread
        if thread is not None:
            thread.join(WAIT)
            assert not thread.is_alive()


def test_play_does_not_step_past_a_week_the_page_has_not_shown():
    page = Page(patience=0.5)
    page.player.play()
    state = page.until(lambda s: not s.busy)
    page.finish()
    assert page.workshop.week == 4
    assert page.frames == [0, 4]
    assert not state.playing
    assert state.note == (
        "Paused: the page had not shown week 4 after 0.5 s (connection lost or browser busy)."
    )


def test_each_week_shown_lets_the_next_weeks_run_to_the_horizon():
    page = Page(weeks=10, show=True)
    page.player.shown(0)
    page.player.play()
    state = page.until(lambda s: not s.busy)
    page.finish()
    assert page.frames == [0, 4, 8, 10]  # every frame, a render interval apart, then the end
    assert state.finished and not state.playing
    assert state.note is None and state.error is None
    page.player.play()  # at the horizon there is nothing left to play
    assert not page.player.state().playing


def test_pause_while_waiting_for_the_page_ends_the_loop():
    page = Page()  # the default patience: only the pause can end the wait
    page.player.play()
    page.until(lambda s: s.awaiting == 4)
    page.player.pause()
    page.finish()
    state = page.player.state()
    assert page.workshop.week == 4
    assert not state.playing and not state.busy and state.note is None


def test_closing_while_waiting_ends_the_loop_without_a_word():
    page = Page()
    page.player.play()
    page.until(lambda s: s.awaiting == 4)
    changes = page.changes
    page.player.close()
    page.finish()
    assert page.workshop.week == 4
    assert page.changes == changes  # nobody is told: the page is gone
    page.player.play()
    page.player.step()
    assert page.player.thread is None


def test_a_late_report_still_lets_playing_go_on():
    page = Page()
    page.player.play()
    page.until(lambda s: s.awaiting == 4)
    page.player.shown(4)
    page.until(lambda s: s.awaiting == 8)
    page.player.pause()
    page.finish()
    assert page.frames == [0, 4, 8]


def test_step_draws_one_frame_and_waits_for_nobody():
    page = Page()
    page.player.weeks_per_frame = 3
    page.player.step()
    state = page.until(lambda s: not s.busy)
    assert page.workshop.week == 3 and state.frame.week == 3
    assert not state.playing and state.awaiting is None


def test_error_while_stepping_stops_playing_and_is_reported():
    page = Page(show=True)
    calls = []

    def draw(workshop: Workshop) -> Frame:
        calls.append(workshop.week)
        if len(calls) > 1:
            raise RuntimeError("no ink")
        return quick_frame(workshop)

    page.player.draw = draw
    page.player.play()
    state = page.until(lambda s: not s.busy)
    assert state.error == "error in step: no ink"
    assert not state.playing
    page.player.play()
    assert not page.player.state().playing


def test_weeks_per_frame_must_be_a_whole_number_of_weeks():
    page = Page()
    with pytest.raises(ValueError, match="expected an integer >= 1, got 0"):
        page.player.weeks_per_frame = 0


def released(page: Page) -> list[int]:
    """Record the weeks at which the player lets the workshop go."""
    calls: list[int] = []
    release = page.workshop.release

    def recorded() -> None:
        calls.append(page.workshop.week)
        release()

    page.workshop.release = recorded
    return calls


def test_closing_an_idle_player_lets_the_workshop_go_at_once():
    page = Page()
    calls = released(page)
    page.player.close()
    page.player.close()
    assert calls == [0]


def test_closing_while_stepping_lets_the_workshop_go_once_the_step_is_done():
    page = Page()
    calls = released(page)
    entered, leave = threading.Event(), threading.Event()

    def slow_draw(workshop: Workshop) -> Frame:
        entered.set()
        assert leave.wait(WAIT)
        return quick_frame(workshop)

    page.player.draw = slow_draw
    page.player.step()
    assert entered.wait(WAIT)
    page.player.close()
    assert calls == []  # the worker still draws from it
    leave.set()
    page.finish()
    assert calls == [4]
    assert page.player.state().frame.week == 0  # a closed player publishes nothing more


@pytest.mark.parametrize("attempt", range(5))
def test_play_pressed_as_a_step_ends_still_plays_to_the_horizon(attempt):
    page = Page(weeks=12, show=True)
    page.player.step()
    page.player.play()  # the worker may be finishing its step just now
    state = page.until(lambda s: not s.busy)
    page.finish()
    assert state.finished and not state.playing
    assert page.frames == [0, 4, 8, 12]
