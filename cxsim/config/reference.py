"""Reference tables of every parameter, for ``cxsim parameters`` and ``docs/ODD.md``.

The tables are generated from the declarations, so the documentation cannot drift
from the code: a test checks that ``docs/ODD.md`` holds the current tables.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from cxsim.components.registry import registered
from cxsim.core.parameters import ModelParameters
from cxsim.validation.declare import describe

__all__ = ["component_tables", "model_tables"]


def _format(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k} {v:g}" for k, v in value.items())
    if isinstance(value, bool):
        return str(value).lower()
    return f"{value:g}" if isinstance(value, float) else str(value)


def _table(cls: type, prefix: str) -> list[str]:
    lines = [
        "| parameter | default | unit | valid | meaning | source |",
        "|---|---|---|---|---|---|",
    ]
    for spec in describe(cls):
        default = _format(spec.default)
        if spec.plausible is not None:
            default += f"; plausibly {spec.plausible}"
        lines.append(
            f"| `{prefix}{spec.name}` | {default} | {spec.unit} | "
            f"{spec.expected} | {spec.help} | {spec.source} |"
        )
    return lines


def model_tables() -> str:
    """Markdown tables of the model constants, one per scenario section."""
    lines: list[str] = []
    defaults = ModelParameters()
    for f in dataclasses.fields(defaults):
        cls = type(getattr(defaults, f.name))
        summary = (cls.__doc__ or "").strip().splitlines()[0]
        lines += [f"#### `[{f.name}]`", "", summary, ""]
        lines += _table(cls, f"{f.name}.")
        lines.append("")
    return "\n".join(lines)


def component_tables(kinds: tuple[tuple[str, str], ...]) -> str:
    """Markdown tables of the registered components' parameters.

    Args:
        kinds: (component kind, scenario section) pairs, e.g. ("structure", "structure").
    """
    lines: list[str] = []
    for kind, section in kinds:
        listed = section.startswith("[[")  # a list of tables: no dotted prefix
        for name, cls in registered(kind).items():
            heading = f'{section} type = "{name}"' if listed else f'{section}.type = "{name}"'
            lines += [f"#### `{heading}`", "", cls.summary(), ""]
            lines += _table(cls, "" if listed else f"{section}.")
            lines.append("")
    return "\n".join(lines)


def plain_listing() -> str:
    """The model constants as plain text lines, by section."""
    lines: list[str] = []
    defaults = ModelParameters()
    for f in dataclasses.fields(defaults):
        lines.append(f"[{f.name}]")
        for spec in describe(type(getattr(defaults, f.name))):
            lines.append(f"  {spec.name} = {_format(spec.default)}  {spec.unit}  - {spec.help}")
            if spec.plausible is not None:
                lines.append(f"      plausibly {spec.plausible} ({spec.source})")
        lines.append("")
    return "\n".join(lines)


COMPONENT_KINDS = (
    ("structure", "structure"),
    ("incentives", "incentives"),
    ("intervention", "[[interventions]]"),
)
SECTIONS = {"parameters": model_tables, "components": lambda: component_tables(COMPONENT_KINDS)}


def refreshed(text: str) -> str:
    """Return a Markdown text with its generated sections replaced by current tables.

    A generated section lies between ``<!-- NAME:start -->`` and ``<!-- NAME:end -->``
    for NAME in ``parameters`` and ``components``.
    """
    for name, render in SECTIONS.items():
        start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
        if start in text and end in text:
            head, rest = text.split(start, 1)
            _, tail = rest.split(end, 1)
            text = f"{head}{start}\n{render()}{end}{tail}"
    return text


if __name__ == "__main__":  # python -m cxsim.config.reference docs/ODD.md
    import sys
    from pathlib import Path

    for name in sys.argv[1:]:
        path = Path(name)
        path.write_text(refreshed(path.read_text(encoding="utf-8")), encoding="utf-8")
