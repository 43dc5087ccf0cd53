"""Errors cxsim reports to its users."""

from __future__ import annotations

__all__ = ["InputError"]


class InputError(ValueError):
    """Bad input: a scenario, an override or a component that cannot be used.

    The message names the file (when there is one), the dotted path of the offending
    field and what was expected, so a user can fix it without reading a traceback.

    Args:
        path: Dotted path of the field, for example ``customers.count``.
        expected: What a valid value looks like.
        got: What was found instead (omitted when there was nothing).
        file: The file the value came from, if any.
    """

    def __init__(
        self, path: str, expected: str, got: object = ..., file: str | None = None
    ) -> None:
        self.path = path
        self.expected = expected
        self.got = got
        self.file = file
        super().__init__(self._message())

    def _message(self) -> str:
        where = f"{self.file}: " if self.file else ""
        field = f"{self.path}: " if self.path else ""
        got = "" if self.got is ... else f", got {self.got!r}"
        return f"{where}{field}expected {self.expected}{got}"

    def in_file(self, file: str) -> InputError:
        """Return the same error, naming the file it came from."""
        return InputError(self.path, self.expected, self.got, file)
