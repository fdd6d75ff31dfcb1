"""Tables of (quantity, value) rows, as aligned text, Markdown and HTML, for every record.

Plans, plans over arrays, sessions and courses each list their rows; this module renders
them, and shows a magnitude as the tables do ("1.44 mL"). Apart from the records so that
each is rendered the same way and none holds a renderer of its own.
"""

from __future__ import annotations

import re
from typing import Any, Final

from mesocalc._parameters import PARAMETERS

__all__ = ["html_table", "markdown_table", "plural", "shown", "text_table"]


def shown(name: str, m: Any) -> str:
    """A magnitude of parameter ``name`` as the tables show it ("1.44 mL")."""
    return PARAMETERS[name].show(m)


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


def plural(count: int, noun: str) -> str:
    """``"1 warning"``, ``"3 warnings"``."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
