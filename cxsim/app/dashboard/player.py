"""Play, pause and step a workshop, paced by what the page has shown.

While playing, a :class:`Player` steps its workshop a few weeks, draws what the page
shows for the week reached (a :class:`~cxsim.app.dashboard.charts.Frame`), hands it to the
page and then waits until the browser reports that it displays that week before
stepping again. A busy machine therefore slows the weeks down instead of letting the
model run ahead of what the user sees: every redraw is shown, in order.

Stepping and drawing run in one worker thread per player, never in the thread that
handles the page's events. The wait for the browser is bounded: it re-checks a few
times a second whether playing is still on (a pause or a closed page ends it at once),
and a page that shows nothing for ``patience`` seconds (lost connection, frozen
browser) stops the playing with a note, so no thread is left waiting forever.

Nothing here needs Solara; the page (:mod:`cxsim.app.dashboard.page`) connects a player to
its widgets.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from cxsim.app.dashboard.charts import Frame
from cxsim.app.workshop import Workshop

__all__ = ["PATIENCE", "Player", "PlayerState"]

logger = logging.getLogger(__name__)

#: Seconds the player waits for the page to show a week before it stops playing.
PATIENCE = 60.0
#: Seconds between checks, while waiting, that playing is still on.
POLL = 0.25


@dataclass(frozen=True)
class PlayerState:
    """What the controls show.

    Attributes:
        frame: The latest frame drawn (the page shows it, or is about to).
        playing: Whether play is on.
        busy: Whether the worker is stepping, drawing or waiting for the page.
        awaiting: The week the worker waits for the page to show, or ``None``.
        note: Why playing stopped on its own (the page stopped answering), or ``None``.
        error: The error that stopped the session's stepping, or ``None``.
    """

    frame: Frame
    playing: bool
    busy: bool
    awaiting: int | None = None
    note: str | None = None
    error: str | None = None

    @property
    def finished(self) -> bool:
        """Whether the session reached its horizon."""
        return self.frame.week >= self.frame.horizon


class Player:
    """Steps a workshop while playing, a frame at a time, each shown before the next.

    Args:
        workshop: The session's workshop; from now on only the player's worker steps it,
            and :meth:`close` releases it.
        draw: Draws the frame of the workshop's current week.
        on_change: A first listener (see :meth:`subscribe`), or ``None``.
        weeks_per_frame: Weeks simulated between two frames (the render interval).
        patience: Seconds to wait for the page to show a frame before playing stops
            (default :data:`PATIENCE`).
        poll: Seconds between checks that playing is still on while waiting.
    """

    def __init__(
        self,
        workshop: Workshop,
        draw: Callable[[Workshop], Frame],
        on_change: Callable[[], None] | None = None,
        weeks_per_frame: int = 4,
        patience: float | None = None,
        poll: float = POLL,
    ) -> None:
        self.workshop = workshop
        self.draw = draw
        self._listeners: list[Callable[[], None]] = [] if on_change is None else [on_change]
        self.patience = PATIENCE if patience is None else patience
        self.poll = poll
        self._cond = threading.Condition()
        self._weeks_per_frame = 1
        self.weeks_per_frame = weeks_per_frame
        self._frame = draw(workshop)
        self._shown = -1
        self._playing = False
        self._pending_step = False
        self._awaiting: int | None = None
        self._worker: threading.Thread | None = None
        self._closed = False
        self._released = False
        self._note: str | None = None
        self._error: str | None = None

    def subscribe(self, listener: Callable[[], None]) -> Callable[[], None]:
        """Call ``listener``, without arguments, whenever :meth:`state` changes.

        Listeners run in the worker thread or in the thread that called :meth:`play`,
        :meth:`pause` or :meth:`step`, never while the player holds its lock, and no
        more once the player is closed.

        Returns:
            A function that unsubscribes the listener.
        """
        with self._cond:
            self._listeners = [*self._listeners, listener]

        def unsubscribe() -> None:
            with self._cond:
                self._listeners = [f for f in self._listeners if f is not listener]

        return unsubscribe

    @property
    def weeks_per_frame(self) -> int:
        """Weeks simulated between two frames; a change applies from the next frame."""
        return self._weeks_per_frame

    @weeks_per_frame.setter
    def weeks_per_frame(self, weeks: int) -> None:
        if int(weeks) < 1:
            raise ValueError(f"weeks_per_frame: expected an integer >= 1, got {weeks!r}")
        self._weeks_per_frame = int(weeks)

    def state(self) -> PlayerState:
        """A consistent snapshot of what the controls show."""
        with self._cond:
            return PlayerState(
                frame=self._frame,
                playing=self._playing,
                busy=self._worker is not None,
                awaiting=self._awaiting,
                note=self._note,
                error=self._error,
            )

    @property
    def thread(self) -> threading.Thread | None:
        """The worker thread while one runs, else ``None``."""
        with self._cond:
            return self._worker

    def play(self) -> None:
        """Start playing; nothing happens at the horizon, after an error or when closed."""
        with self._cond:
            if self._playing or self._closed or self._error or self._finished():
                return
            self._playing = True
            self._note = None
            self._start_worker()
        self._changed()

    def pause(self) -> None:
        """Stop playing after the frame in hand; a wait for the page ends at once."""
        with self._cond:
            if not self._playing:
                return
            self._playing = False
            self._cond.notify_all()
        self._changed()

    def toggle(self) -> None:
        """Play when paused, pause when playing."""
        if self.state().playing:
            self.pause()
        else:
            self.play()

    def step(self) -> None:
        """Advance one frame (``weeks_per_frame`` weeks) in the worker, when paused."""
        with self._cond:
            if self._playing or self._closed or self._error or self._finished():
                return
            if self._worker is not None:  # a frame is in hand already
                return
            self._pending_step = True
            self._note = None
            self._start_worker()
        self._changed()

    def shown(self, week: int) -> None:
        """Record that the page displays ``week`` (called from the browser's report)."""
        with self._cond:
            if week > self._shown:
                self._shown = week
                self._cond.notify_all()

    def close(self) -> None:
        """Stop for good: the page is gone or a new session replaced this one.

        Does not wait for the worker: it ends after the step or drawing in hand, tells
        nobody about it, and then lets the workshop go (see
        :meth:`~cxsim.app.workshop.Workshop.release`); an idle player lets it go at once.
        """
        with self._cond:
            self._closed = True
            self._playing = False
            self._pending_step = False
            idle = self._worker is None
            self._cond.notify_all()
        if idle:
            self._release()

    def _release(self) -> None:
        with self._cond:
            if self._released:
                return
            self._released = True
        self.workshop.release()

    def _finished(self) -> bool:
        return self._frame.week >= self._frame.horizon

    def _start_worker(self) -> None:
        if self._worker is None:
            self._worker = threading.Thread(target=self._work, name="cxsim-player", daemon=True)
            self._worker.start()

    def _changed(self) -> None:
        with self._cond:
            listeners = [] if self._closed else self._listeners
        for listener in listeners:
            try:
                listener()
            except Exception:  # the page may be going away; the player must go on
                logger.exception("the dashboard could not be updated")

    def _work(self) -> None:
        """The worker: a frame per turn while playing or a step is asked for.

        It leaves in the same critical section in which it finds nothing more to do, so
        a :meth:`play` that comes just then starts a new worker instead of being lost.
        """
        closed = False
        try:
            while True:
                with self._cond:
                    if self._closed or not (self._playing or self._pending_step):
                        closed = self._leave()
                        break
                    self._pending_step = False
                    weeks = self._weeks_per_frame
                frame = self._advance(weeks)
                with self._cond:
                    if self._closed:
                        closed = self._leave()
                        break
                    self._frame = frame
                    if frame.week >= frame.horizon:
                        self._playing = False
                    waiting = self._playing
                    self._awaiting = frame.week if waiting else None
                self._changed()
                if waiting:
                    self._await_shown(frame.week)
        except Exception as exc:
            logger.exception("the workshop could not be stepped")
            with self._cond:
                self._error = f"error in step: {exc}"
                self._playing = False
                self._pending_step = False
                closed = self._leave()
        if closed:
            self._release()
        else:
            self._changed()

    def _leave(self) -> bool:
        """Mark the worker gone (the lock held); whether the player is closed."""
        self._worker = None
        self._awaiting = None
        return self._closed

    def _advance(self, weeks: int) -> Frame:
        workshop = self.workshop
        for _ in range(max(0, min(weeks, workshop.horizon - workshop.week))):
            workshop.step()
        return self.draw(workshop)

    def _await_shown(self, week: int) -> None:
        """Wait until the page shows ``week``, playing stops or patience runs out."""
        deadline = time.monotonic() + self.patience
        with self._cond:
            while self._shown < week and self._playing and not self._closed:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    self._playing = False
                    self._note = (
                        f"Paused: the page had not shown week {week} after "
                        f"{self.patience:g} s (connection lost or browser busy)."
                    )
                    logger.warning("%s", self._note)
                    break
                self._cond.wait(min(self.poll, remaining))
            self._awaiting = None
