"""The user's files: TOML read with errors that name the file, output paths checked.

Output paths are checked before any work starts, so that a run never ends refusing to
write what it computed.
"""

from __future__ import annotations

import os
import stat
import tomllib
from pathlib import Path
from typing import Any

from cxsim.validation.errors import InputError
from cxsim.validation.limits import MAX_FILE_BYTES, MAX_NESTING

__all__ = ["output_directory", "output_file", "parse_toml", "read_toml"]


def read_toml(path: str | Path, kind: str) -> dict[str, Any]:
    """Read a TOML file, or raise :class:`InputError` saying what is wrong with it.

    Only a regular file of at most :data:`~cxsim.validation.limits.MAX_FILE_BYTES` is read (never
    a device such as ``/dev/zero``, a pipe or a folder), and its tables and arrays may
    nest at most :data:`~cxsim.validation.limits.MAX_NESTING` deep.

    Args:
        path: The file.
        kind: What the file should be, in words ("scenario", "experiment").
    """
    path = Path(path)
    try:
        status = path.stat()
    except FileNotFoundError:
        raise InputError("", f"an existing {kind} file", file=str(path)) from None
    except OSError as exc:
        raise InputError("", f"a readable {kind} file ({exc.strerror})", file=str(path)) from None
    if stat.S_ISDIR(status.st_mode):
        raise InputError("", f"a {kind} file, not a directory", file=str(path))
    if not stat.S_ISREG(status.st_mode):
        raise InputError("", f"a {kind} file (this is a device, pipe or socket)", file=str(path))
    if status.st_size > MAX_FILE_BYTES:
        raise InputError(
            "",
            f"a {kind} file of at most {MAX_FILE_BYTES // 2**20} MiB "
            f"(this one has {status.st_size / 2**20:,.0f} MiB)",
            file=str(path),
        )
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
        if len(raw) > MAX_FILE_BYTES:  # it grew since it was measured
            raise InputError(
                "", f"a {kind} file of at most {MAX_FILE_BYTES // 2**20} MiB", file=str(path)
            )
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError("", "a UTF-8 encoded TOML file", file=str(path)) from None
    except OSError as exc:
        raise InputError("", f"a readable {kind} file ({exc.strerror})", file=str(path)) from None
    return parse_toml(text, file=str(path))


def parse_toml(text: str, file: str | None = None, path: str = "") -> dict[str, Any]:
    """Parse TOML text, refusing what is invalid or nested too deeply in one line.

    Args:
        text: The TOML.
        file: The file it came from, for the message.
        path: The option or field it came from, for the message (``--set``).
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(path, f"valid TOML ({exc})", file=file) from None
    except ValueError as exc:  # a number too long to convert, for one
        raise InputError(path, f"valid TOML ({str(exc)[:120]})", file=file) from None
    except RecursionError:
        raise InputError(
            path, f"tables and arrays nested at most {MAX_NESTING} deep", file=file
        ) from None
    if _depth(data) > MAX_NESTING:
        raise InputError(path, f"tables and arrays nested at most {MAX_NESTING} deep", file=file)
    return data


def _depth(value: Any) -> int:
    """How deep tables and arrays nest in ``value`` (iteratively: no recursion limit)."""
    deepest = 0
    pending = [(value, 0)]
    while pending:
        node, depth = pending.pop()
        if isinstance(node, dict):
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        deepest = max(deepest, depth + 1)
        if deepest > MAX_NESTING:
            return deepest
        pending.extend((child, depth + 1) for child in children)
    return deepest


def output_directory(path: str | Path, flag: str, create: bool = True) -> Path:
    """The directory a command writes into; call it before any work.

    Args:
        path: The directory.
        flag: The option that named it, for the message (``--out``).
        create: Whether to make it now; otherwise only check that it could be made.

    Raises:
        InputError: When the path is an existing file, or the directory cannot be made
            or written in.
    """
    out = Path(path)
    if out.exists() and not out.is_dir():
        raise InputError(flag, "a directory (this is an existing file)", str(path))
    existing = next((p for p in (out, *out.parents) if p.exists()), Path("."))
    if not existing.is_dir():
        raise InputError(flag, f"a directory that can be made ({existing} is a file)", str(path))
    if not os.access(existing, os.W_OK | os.X_OK):
        raise InputError(flag, "a directory this user can write in", str(path))
    if create:
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(
                flag, f"a directory that can be made ({exc.strerror})", str(path)
            ) from None
    return out


def output_file(path: str | Path, flag: str, suffixes: tuple[str, ...] = ()) -> Path:
    """A file a command will write, checked before any work.

    Its folder must exist and be writable, it must not be a directory, and it must end
    in one of ``suffixes`` (if given).

    Args:
        path: The file.
        flag: The option that named it, for the message (``--out``).
        suffixes: Allowed endings, such as ``(".csv",)``.

    Raises:
        InputError: For a path that cannot be written.
    """
    target = Path(path)
    if not str(path):
        raise InputError(flag, "a file name", str(path))
    if target.is_dir():
        raise InputError(flag, "a file name, not a directory", str(path))
    if suffixes and target.suffix.lower() not in suffixes:
        raise InputError(flag, "a file ending in " + " or ".join(suffixes), str(path))
    folder = target.parent
    if not folder.is_dir():
        raise InputError(flag, f"a file in an existing directory ({folder})", str(path))
    if not os.access(folder, os.W_OK | os.X_OK) or (
        target.exists() and not os.access(target, os.W_OK)
    ):
        raise InputError(flag, "a file this user can write", str(path))
    return target
