"""Reading the user's TOML files, with errors that name the file."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from cxsim.errors import InputError

__all__ = ["read_toml"]


def read_toml(path: str | Path, kind: str) -> dict[str, Any]:
    """Read a TOML file, or raise :class:`InputError` saying what is wrong with it.

    Args:
        path: The file.
        kind: What the file should be, in words ("scenario", "experiment").
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("", f"an existing {kind} file", file=str(path)) from None
    except UnicodeDecodeError:
        raise InputError("", "a UTF-8 encoded TOML file", file=str(path)) from None
    except OSError as exc:
        raise InputError("", f"a readable {kind} file ({exc.strerror})", file=str(path)) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError("", f"valid TOML ({exc})", file=str(path)) from None
