"""Errors cxsim reports to its users."""

from __future__ import annotations

__all__ = ["InputError", "one_line", "shown"]

#: The longest value an error message quotes; longer ones are cut with an ellipsis.
SHOWN_LENGTH = 80


def shown(value: object) -> str:
    """A value as an error message may quote it: plain data only, and never long.

    Numbers, strings, booleans, None, and lists and tables of them (as read from TOML)
    are quoted, cut to :data:`SHOWN_LENGTH` characters. Anything else is named by its
    type only, so a message never prints the contents of an arbitrary object (an
    attribute a scenario names by import path could be ``os.environ``, secrets and all).
    """
    if not _plain(value):
        return f"an object of type {type(value).__name__}"
    text = repr(value)
    return text if len(text) <= SHOWN_LENGTH else text[:SHOWN_LENGTH] + "..."


def _plain(value: object, depth: int = 0) -> bool:
    if value is None or isinstance(value, bool | int | float | str):
        return True
    if depth > 3 or not isinstance(value, list | tuple | dict):
        return False
    items = list(value.items()) if isinstance(value, dict) else [(None, v) for v in value]
    return len(items) <= 50 and all(_plain(k, depth + 1) and _plain(v, depth + 1) for k, v in items)


def one_line(text: object) -> str:
    """Text as one printable line.

    Control characters (a newline, a terminal escape) are shown as escapes, so that
    nothing a file or a store holds can break a message in two or drive the terminal.
    """
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(text))


class InputError(ValueError):
    """Bad input: a scenario, an override or a component that cannot be used.

    The message names the file (when there is one), the dotted path of the offending
    field and what was expected, so a user can fix it without reading a traceback.

    Args:
        path: Dotted path of the field, for example ``customers.count``.
        expected: What a valid value looks like.
        got: What was found instead (omitted when there was nothing); quoted as
            :func:`shown` allows.
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
        got = "" if self.got is ... else f", got {shown(self.got)}"
        return f"{where}{field}expected {self.expected}{got}"

    def __reduce__(self):
        # a worker process's error reaches the parent whole (pickle rebuilds it from these)
        return (InputError, (self.path, self.expected, self.got, self.file))

    def in_file(self, file: str) -> InputError:
        """Return the same error, naming the file it came from."""
        return InputError(self.path, self.expected, self.got, file)
