"""Tables of (quantity, value) rows, as aligned text, Markdown and HTML, for every record.

Plans, plans over arrays, sessions and courses each list their rows; this module renders
them, and shows a magnitude as the tables do ("1.44 mL"). Apart from the records so that
each is rendered the same way and none holds a renderer of its own.

:data:`FIELDS` is the one list of a plan's fields, in the order a person reads them:
a :class:`Plan` and a :class:`PlanArray` render their rows from it (one value, or the
span of an array's values), and data frames take each column's kind from it. A
quantity's unit is the parameter table's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, Final, Literal, NamedTuple

from mesocalc._engine import engine as _engine
from mesocalc._quantities.parameters import PARAMETERS

__all__ = [
    "FIELDS",
    "KINDS",
    "Field",
    "cell",
    "field_rows",
    "html_table",
    "markdown_table",
    "plural",
    "shown",
    "svg_map",
    "text_table",
]

Kind = Literal["name", "count", "quantity", "fraction", "text"]


class Field(NamedTuple):
    """One field of a plan: its name, the kind of its value, and whether tables list it.

    A ``"quantity"`` is a magnitude in its parameter's canonical unit, shown in the
    parameter's shown unit; a ``"name"`` is an enum member, shown by its value; a
    ``"count"`` a whole number, a ``"fraction"`` a bare number, ``"text"`` text as it is.
    """

    name: str
    kind: Kind
    table: bool = True  # the dose per area is in JSON and data frames, not in tables


FIELDS: Final = (
    Field("technique", "name"),
    Field("zone", "name"),
    Field("lattice", "name"),
    Field("shape", "text"),  # plans over arrays: the arrays' shape
    Field("area", "quantity"),
    Field("points", "count"),
    Field("spacing", "quantity"),
    Field("depth", "quantity"),
    Field("angle", "quantity"),
    Field("thread_length", "quantity"),
    Field("volume_per_point", "quantity"),
    Field("loss_fraction", "fraction"),
    Field("total_volume", "quantity"),
    Field("expected_loss", "quantity"),
    Field("delivered_volume", "quantity"),
    Field("margin", "quantity"),
    Field("total_thread_length", "quantity"),
    Field("insertion_length", "quantity"),
    Field("dose_per_area", "quantity", table=False),
    Field("draw_up_volume", "quantity"),
    Field("syringes", "count"),
    Field("needles", "count"),
    Field("shots", "count"),
    Field("protocol", "text"),  # a clinic's protocol; the shipped catalog goes unsaid
)
KINDS: Final = {f.name: f.kind for f in FIELDS}


def shown(name: str, m: Any) -> str:
    """A magnitude of parameter ``name`` as the tables show it ("1.44 mL")."""
    return PARAMETERS[name].show(m)


def _one(field: Field, value: Any) -> str:
    if field.kind == "quantity":
        return shown(field.name, value)
    if field.kind == "name":
        return str(value.value)
    if field.kind == "fraction":
        return f"{value:g}"
    return str(value)  # a count, or text


def cell(field: Field, value: Any) -> str:
    """A field's value as tables show it; an array as the span of its values ("4 to 40").

    An array of no values is "-".
    """
    if not hasattr(value, "ndim"):
        return _one(field, value)
    if not value.size:
        return "-"
    low, high = value.min().item(), value.max().item()
    if low == high:
        return _one(field, low)
    if field.kind == "quantity":
        return f"{shown(field.name, low).split()[0]} to {shown(field.name, high)}"
    return f"{_one(field, low)} to {_one(field, high)}"


def field_rows(values: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The (field, value) rows of a plan's table, in :data:`FIELDS` order; None is left out."""
    return [
        (f.name, cell(f, values[f.name]))
        for f in FIELDS
        if f.table and values.get(f.name) is not None
    ]


def text_table(rows: list[tuple[str, str]], warnings: tuple[str, ...]) -> str:
    """Rows of (quantity, value) as aligned text, then one line per warning."""
    width = max(len(k) for k, _ in rows)
    lines = [f"{k:<{width}}  {v}" for k, v in rows]
    return "\n".join(lines + [f"warning: {w}" for w in warnings])


def _cell(text: str) -> str:
    """Text for one Markdown table cell: one line, no ``|`` to split it, no HTML to render.

    Notebooks render HTML inside Markdown, and a clinic's protocol name or a warning
    is text, not markup.
    """
    import html  # noqa: PLC0415 - only rendering needs it, and its import costs start-up

    flat = " ".join(text.split()).replace("\\", "\\\\").replace("|", "\\|")
    return html.escape(flat, quote=False)


def markdown_table(rows: list[tuple[str, str]], warnings: tuple[str, ...]) -> str:
    """Rows of (quantity, value) and the warnings as a Markdown table, for notebooks."""
    lines = ["| quantity | value |", "|---|---|"]
    lines += [f"| {_cell(k)} | {_cell(v)} |" for k, v in rows]
    lines += [f"| warning | {_cell(w)} |" for w in warnings]
    return "\n".join(lines)


_LEFT: Final = ' style="text-align: left"'  # notebooks right-align cells; words read left
# Characters no HTML or XML document may hold (control characters, U+FFFE, U+FFFF): a
# replacement character stands in for them, so that the output always parses.
_NOT_XML: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def html_table(
    rows: list[tuple[str, str]], warnings: tuple[str, ...], *, caption: str, after: str = ""
) -> str:
    """Rows, then the warnings, as a small HTML table for notebooks; every text escaped.

    ``after`` is markup placed below the table (a plan's injection map), trusted as is.
    """
    import html  # noqa: PLC0415 - as in _cell

    def esc(text: str) -> str:
        return html.escape(_NOT_XML.sub("\ufffd", text))

    body = [f"<tr><th{_LEFT}>{esc(k)}</th><td{_LEFT}>{esc(v)}</td></tr>" for k, v in rows]
    body += [f"<tr><th{_LEFT}>warning</th><td{_LEFT}>{esc(w)}</td></tr>" for w in warnings]
    return (
        f'<div class="mesocalc"><table><caption{_LEFT}>{esc(caption)}</caption>'
        f"<thead><tr><th{_LEFT}>quantity</th><th{_LEFT}>value</th></tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>{after}</div>"
    )


# A notebook draws a plan's injection map inline up to this many points (or threads);
# beyond it the SVG would weigh megabytes, and plan.plot() draws it on request.
MAP_MAX: Final = 2_000


def svg_map(count: int, what: str, plot: Callable[[Any], Any]) -> str:
    """A drawing of ``count`` points (or threads) as inline SVG, for a notebook's HTML.

    ``plot(ax)`` draws it on a matplotlib Axes. "" without matplotlib; a sentence in
    place of the map beyond :data:`MAP_MAX`.
    """
    if count > MAP_MAX:
        return (
            f"<p>The injection map of {count} {what} is left out here "
            "(too large to inline); plan.plot() draws it.</p>"
        )
    try:
        Figure = _engine.imported("matplotlib.figure").Figure  # noqa: N806 - a class
    except ModuleNotFoundError:
        return ""
    import io  # noqa: PLC0415 - only drawing needs it

    figure = Figure(figsize=(6.0, 4.0), layout="constrained")  # no pyplot: nothing kept
    plot(figure.subplots())
    out = io.StringIO()
    figure.savefig(out, format="svg", metadata={"Date": None})
    svg = out.getvalue()
    return svg[svg.index("<svg") :]  # inline: no XML declaration or DOCTYPE


def plural(count: int, noun: str) -> str:
    """``"1 warning"``, ``"3 warnings"``."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
