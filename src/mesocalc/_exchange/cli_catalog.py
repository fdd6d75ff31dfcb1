"""The command line's catalog commands: ``spec``, ``zones``, ``techniques``, ``sources``.

What they print, as text or JSON: every limit of a catalog entry with how it binds and
its sources, the zones with their skin and depth limit, where each technique is
published, the sources. Apart from :mod:`mesocalc._exchange.cli`, which parses the command line
and reports errors, since none of this plans anything.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from mesocalc._catalog.catalog import Catalog
from mesocalc._catalog.entries import Layer, Range, Spec
from mesocalc._quantities.names import Technique, Zone

if TYPE_CHECKING:
    import argparse
    from collections.abc import Iterable

__all__ = ["show"]


def _kind(r: Range) -> str:
    """How a range binds: hard (no override), soft (an override passes), about (warns)."""
    return "hard" if r.hard else "about" if r.about else "soft"


def _where(sources: Iterable[str], basis: str) -> str:
    keys = ", ".join(sources) or "UNSOURCED"
    return f"[{keys}]" if basis == "-" else f"[{keys}; {basis}]"


def _limits(entry: Spec, book: Catalog) -> list[tuple[str, str, str, tuple[str, ...], str]]:
    """Every limit of ``entry`` as (name, words, kind, sources, basis), ranges first."""
    zone = entry.zone.value
    rows = [
        (name, r.describe(), _kind(r), r.sources, r.basis.value)
        for name, r in entry.ranges().items()
    ]
    cap = book.cap(entry.zone)
    if cap is not None:
        rows.append(
            (
                "zone depth",
                f"{cap.describe()}, every technique",
                "hard",
                cap.sources,
                cap.basis.value,
            )
        )
    session = entry.session
    if session is None:
        rows.append(("session cap", "none published", "-", (), "-"))
    else:
        parts = []
        if session.max_points is not None:
            parts.append(f"{session.max_points} injections")
        if session.max_volume_magnitude is not None:
            parts.append(f"{session.max_volume_magnitude:g} mL")
        kind = "hard" if session.hard else "soft"
        words = f"at most {' and '.join(parts)} per session"
        rows.append(("session cap", words, kind, session.sources, session.basis.value))
    skin = book.thickness(entry.zone).skin
    layer = entry.layer
    if layer is Layer.ANY:
        rows.append(("skin layer", "any: no layer bounds the depth", "-", (), "-"))
    elif skin is None:
        words = f"{layer.value}: not checked, no published skin thickness for the {zone}"
        rows.append(("skin layer", words, "-", entry.layer_sources, "-"))
    else:
        if layer is Layer.SKIN:
            bound = f"depth at most {skin.high_magnitude:g} mm"
        else:
            bound = f"depth more than {skin.low_magnitude:g} mm"
        words = f"{layer.value}: {bound} (the {zone}'s skin is {skin.describe()})"
        sources = tuple(dict.fromkeys((*entry.layer_sources, *skin.sources)))
        rows.append(("skin layer", words, "hard", sources, skin.basis.value))
    return rows


def _spec_text(entry: Spec, book: Catalog, unpublished: str) -> list[str]:
    """The catalog entry in words: each limit, how it binds, and the sources behind it."""
    head = f"{entry.technique.value} on the {entry.zone.value} ({entry.description})"
    lines = [head]
    if not entry.published:
        lines.append(
            f"  no published use on the {entry.zone.value}: plan it only with {unpublished}"
        )
    rows = _limits(entry, book)
    used: dict[str, None] = dict.fromkeys(entry.sources)
    for name, words, kind, sources, basis in rows:
        where = _where(sources, basis) if sources or basis != "-" else ""
        lines.append(f"  {name:<17} {kind:<5} {words}  {where}".rstrip())
        used.update(dict.fromkeys(sources))
    lines.append(
        "hard: no override passes it; soft: pass --override REASON to depart from it; "
        "about: a departure warns"
    )
    lines.append("sources:")
    for key in used:
        citation = book.sources.get(key, {}).get("citation")
        if citation:
            lines.append(f"  {key:<13} {citation}")
    return lines


def _site(book: Catalog, zone: Zone) -> dict[str, Any] | None:
    """The zone's SNOMED CT code with its sources and whether a source confirms it."""
    site = book.site(zone)
    if site is None:
        return None
    return {"code": site.code, "source": list(site.sources), "verified": site.verified}


def _site_text(book: Catalog, zone: Zone) -> str:
    site = book.site(zone)
    if site is None:
        return "-"
    return site.code if site.verified else f"{site.code}?"


def _zones(book: Catalog) -> list[dict[str, Any]]:
    out = []
    for zone in book.zones:
        thickness = book.thickness(zone)
        cap = book.cap(zone)
        out.append(
            {
                "zone": zone.value,
                "snomed": _site(book, zone),
                "skin": None if thickness.skin is None else thickness.skin.to_dict(),
                "depth_cap": None if cap is None else cap.to_dict(),
                "techniques": book.published(zone),
            }
        )
    return out


def _zones_text(book: Catalog) -> list[str]:
    lines = [f"{'zone':<11} {'SNOMED CT':<10} {'skin':<18} depth limit"]
    for zone in book.zones:
        skin = book.thickness(zone).skin
        cap = book.cap(zone)
        lines.append(
            f"{zone.value:<11} {_site_text(book, zone):<10} "
            f"{'-' if skin is None else skin.describe():<18} "
            f"{'-' if cap is None else cap.describe()}"
        )
    if any(s is not None and not s.verified for s in map(book.site, book.zones)):
        lines.append(
            "?: a SNOMED CT code no source confirms; exports name that site in words only"
        )
    return lines


def _techniques(book: Catalog) -> list[dict[str, Any]]:
    where: dict[str, list[str]] = {t.value: [] for t in Technique}
    for zone in book.zones:
        for name in book.published(zone):
            where[name].append(zone.value)
    return [{"technique": name, "zones": zones} for name, zones in where.items()]


def _sources(book: Catalog) -> dict[str, dict[str, str]]:
    return {key: dict(entry) for key, entry in book.sources.items()}


def show(args: argparse.Namespace, book: Catalog, unpublished: str) -> None:
    """Print what ``spec``, ``zones``, ``techniques`` or ``sources`` asks of ``book``.

    ``unpublished`` says how the command line plans an entry with no published use.
    """
    data: Any
    if args.command == "spec":
        entry = book.spec(args.technique, args.zone)
        data, text = entry.to_dict(), _spec_text(entry, book, unpublished)
    elif args.command == "zones":
        data, text = _zones(book), _zones_text(book)
    elif args.command == "techniques":
        data = _techniques(book)
        text = [f"{t['technique']:<20} {', '.join(t['zones']) or '-'}" for t in data]
    else:
        data = _sources(book)
        text = [f"{key:<13} {entry['citation']}" for key, entry in data.items()]
    print(json.dumps(data, indent=2) if args.json else "\n".join(text))
