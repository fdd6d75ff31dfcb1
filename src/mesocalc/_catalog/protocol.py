"""A clinic's protocol: the shipped catalog, narrowed by what the clinic's own file changes.

A clinic writes only what its protocol changes, in the catalog's own format: its
sources, narrower ranges, a nominal value, a session cap, a technique it uses on a
zone with its own source. The file is laid over the shipped catalog and the result
is read by the catalog's own reader, so one validator serves both. A protocol may
narrow what the catalog allows, never widen it: a hard limit stays at least as
tight, a contraindication stays, and so does a technique's skin layer and a zone's
published skin thickness (which bound every depth there).
"""

from __future__ import annotations

import copy
import os
import tomllib
from pathlib import Path
from typing import Any, Final

from mesocalc._catalog.catalog import Catalog, default_catalog, parse_document
from mesocalc._catalog.entries import Range, SessionCap, Spec
from mesocalc._catalog.reader import RANGE_KEYS
from mesocalc._engine import engine as _engine
from mesocalc._engine.files import MAX_FILE_BYTES, parse_bounded, read_bounded, read_text
from mesocalc._quantities.names import Technique, Zone, added_zone, shipped_zone_named
from mesocalc._records.structuring import Reader
from mesocalc.exceptions import CatalogError, MesocalcError

__all__ = ["MAX_PROTOCOL_BYTES", "load_protocol", "parse_protocol"]

# A software bound, not a clinical one, shared with every file mesocalc reads (see
# _data.read_bounded): a protocol holding only changes is far smaller than the catalog.
MAX_PROTOCOL_BYTES: Final = MAX_FILE_BYTES

_TOP: Final = frozenset({"format", "name", "version", "sources", "techniques", "zones"})
_ZONE_KEYS: Final = frozenset({"techniques", "depth_cap", "snomed"})
_USE_KEYS: Final = frozenset({"source", "session", "contraindicated", *RANGE_KEYS})


def load_protocol(path: str | os.PathLike[str]) -> Catalog:
    """Read a clinic's protocol file and lay it over the shipped catalog.

    The file is TOML in the catalog's format, with a top-level ``name``,
    ``version`` and ``format = 1``, holding only what the protocol changes (see
    docs/protocols.md). The result plans like the shipped catalog
    (``plan(..., catalog=protocol)``) and every plan records ``protocol.protocol``.

    Raises:
        CatalogError: the file is missing, not a regular file, larger than 1 MB or
            20,000 entries, not TOML, fails the catalog's
            validation, or widens a hard limit or removes a contraindication; the
            message names the entry at fault.
    """
    text = read_bounded(path, CatalogError, what="a TOML protocol file")
    return parse_protocol(text, origin=Path(path).name)


def parse_protocol(text: str, *, origin: str = "protocol") -> Catalog:
    """Lay a protocol given as TOML text over the shipped catalog; see :func:`load_protocol`."""
    doc = parse_bounded(text, origin, CatalogError)
    _check_top(doc, origin)
    merged = _overlay(_shipped(), doc, origin)
    book = parse_document(merged, origin)
    _never_wider(default_catalog(), book, origin)
    return book


@_engine.cached()
def _shipped_document() -> dict[str, Any]:
    return tomllib.loads(read_text("catalog.toml"))


def _shipped() -> dict[str, Any]:
    return copy.deepcopy(_shipped_document())


def _fail(origin: str, where: str, value: Any, expected: str) -> CatalogError:
    return CatalogError(f"{origin}: {where}", value, expected)


def _table(value: Any, origin: str, where: str) -> dict[str, Any]:
    return Reader(CatalogError, origin).table(value, where)


def _check_top(doc: dict[str, Any], origin: str) -> None:
    read = Reader(CatalogError, origin)
    read.keys(doc, _TOP, "top level")
    for key in ("name", "version"):
        expected = f"the protocol's {key}, a non-blank string"
        if len(read.text(doc.get(key), key, expected, blank=False)) > 200:
            raise _fail(origin, key, doc[key], expected)
    if doc.get("format") != 1:
        raise _fail(origin, "format", doc.get("format"), "format = 1")


def _overlay(base: dict[str, Any], doc: dict[str, Any], origin: str) -> dict[str, Any]:
    """The shipped catalog's document with the protocol's changes laid over it."""
    base["name"], base["version"] = doc["name"], doc["version"]
    by_key = Reader(CatalogError, origin, keys_in_table=False)  # names the key's own path
    sources = base.setdefault("sources", {})
    for key, entry in _table(doc.get("sources", {}), origin, "sources").items():
        if key in sources and sources[key] != entry:
            raise _fail(
                origin, f"sources.{key}", entry, "a new source key: the catalog's own is kept"
            )
        sources[key] = entry
    techniques = base.setdefault("techniques", {})
    for key, entry in _table(doc.get("techniques", {}), origin, "techniques").items():
        where = f"techniques.{key}"
        if key not in techniques:
            raise _fail(origin, where, key, "a technique of the shipped catalog")
        changes = _table(entry, origin, where)
        by_key.keys(changes, RANGE_KEYS, where, "only ranges: " + ", ".join(RANGE_KEYS))
        _merge_ranges(techniques[key], changes)
    zones = base.setdefault("zones", {})
    for key, entry in _table(doc.get("zones", {}), origin, "zones").items():
        where = f"zones.{key}"
        changes = _table(entry, origin, where)
        if key not in zones:
            _not_shipped(key, origin, where)
            zones[key] = _new_zone(key, changes, origin, where)
            continue
        _overlay_zone(zones[key], changes, techniques, origin, where)
    return base


def _not_shipped(key: str, origin: str, where: str) -> None:
    """Refuse a new zone named like a shipped one or its alias ("periorbital", "Eyelid").

    The catalog's reader reads such a name as the shipped zone, so the protocol's skin
    thickness and code would replace the shipped zone's: a limit widened under a name.
    """
    shipped = shipped_zone_named(key) if isinstance(key, str) else None
    if shipped is not None:
        raise _fail(
            origin,
            where,
            key,
            f"a zone the catalog does not ship: {key!r} names the shipped zone "
            f"{shipped.value!r}, whose skin thickness and code are kept; change it under "
            f"[zones.{shipped.value}] (techniques, depth_cap)",
        )


def _new_zone(key: str, changes: dict[str, Any], origin: str, where: str) -> dict[str, Any]:
    """A zone the protocol adds: its SNOMED CT code, its published skin thickness, its uses.

    The thickness bounds every depth there (a skin technique stays within it, a
    subcutaneous one goes below it), so a zone without it is no zone to plan on.
    """
    missing = [k for k in ("snomed", "skin", "techniques") if k not in changes]
    if missing:
        raise _fail(
            origin,
            where,
            key,
            f"a new zone with its snomed code, skin thickness and techniques "
            f"(missing: {', '.join(missing)}); the shipped zones are "
            + ", ".join(z.value for z in Zone),
        )
    try:
        added_zone(key)
    except MesocalcError as exc:
        raise _fail(origin, where, key, exc.expected) from None
    return changes


def _overlay_zone(
    zone: dict[str, Any],
    changes: dict[str, Any],
    techniques: dict[str, Any],
    origin: str,
    where: str,
) -> None:
    """Lay a zone's changes over the zone; a use's partial range changes the one in force."""
    by_key = Reader(CatalogError, origin, keys_in_table=False)  # names the key's own path
    expected = "techniques, depth_cap or snomed (a zone's published skin thickness is kept)"
    by_key.keys(changes, _ZONE_KEYS, where, expected)
    if "snomed" in changes:
        if "snomed" in zone:
            raise _fail(origin, f"{where}.snomed", changes["snomed"], "no code: the zone has one")
        zone["snomed"] = changes["snomed"]
    if "depth_cap" in changes:
        cap = zone.setdefault("depth_cap", {})
        _merge_range(cap, _table(changes["depth_cap"], origin, f"{where}.depth_cap"))
    uses = zone.setdefault("techniques", {})
    for key, raw in _table(changes.get("techniques", {}), origin, f"{where}.techniques").items():
        here = f"{where}.techniques.{key}"
        use = _table(raw, origin, here)
        by_key.keys(use, _USE_KEYS, here, "source, session or ranges")
        old = uses.get(key)
        if isinstance(old, dict) and "contraindicated" in old and use != old:
            raise _fail(
                origin,
                here,
                key,
                f"no change: the catalog contraindicates it ({old['contraindicated']})",
            )
        if "contraindicated" in use:
            uses[key] = use  # a contraindication the protocol adds
            continue
        if old is None:
            old = uses[key] = {}  # a new use, with the protocol's own source
        for name, value in use.items():
            if name in RANGE_KEYS and isinstance(value, dict):
                # The range in force: the zone's own, else the technique's, in its unit.
                own = techniques.get(key, {}) if isinstance(techniques.get(key), dict) else {}
                current = old.get(name, own.get(name))
                merged = copy.deepcopy(current) if isinstance(current, dict) else {}
                _merge_range(merged, value)
                old[name] = merged
            else:
                old[name] = value


def _merge_ranges(table: dict[str, Any], changes: dict[str, Any]) -> None:
    for name, value in changes.items():
        old = table.get(name)
        if isinstance(value, dict) and isinstance(old, dict):
            _merge_range(old, value)
        else:
            table[name] = value


def _merge_range(old: dict[str, Any], new: dict[str, Any]) -> None:
    """A range the protocol changes: its keys over the old ones, or whole with its own unit.

    A range that states a unit is the protocol's whole range, with its sources; one
    without (a nominal value, a narrower bound, a note) changes only those keys of the
    catalog's range, in its unit, and adds its sources to the catalog's.
    """
    if "unit" in new or not old:
        old.clear()
        old.update(new)
        return
    sources = old.get("source", [])
    added = new.get("source", [])
    if isinstance(sources, list) and isinstance(added, list):
        new = {**new, "source": [*sources, *(k for k in added if k not in sources)]}
    old.update(new)


def _never_wider(shipped: Catalog, book: Catalog, origin: str) -> None:
    """Refuse a protocol that widens a hard limit or lifts a contraindication.

    A zone's depth cap is checked first: a wider cap would lift the contraindications
    that follow from it, and the cap is what the protocol changed.
    """
    for zone, cap in shipped.caps.items():
        _not_wider(cap, book.caps.get(zone), origin, f"zones.{zone.value}.depth_cap")
    _zones_kept(shipped, book, origin)
    for key, why in shipped.contraindicated.items():
        if key not in book.contraindicated:
            tech, zone = key
            raise _fail(
                origin,
                f"zones.{zone.value}.techniques.{tech.value}",
                tech.value,
                f"no use: the catalog contraindicates it ({why.reason})",
            )
    for tech in Technique:
        for zone in Zone:
            key = (tech, zone)
            before = shipped.entries.get(key) or shipped.unpublished.get(key)
            after = book.entries.get(key) or book.unpublished.get(key)
            if before is None or after is None:
                continue
            where = f"zones.{zone.value}.techniques.{tech.value}"
            if book.entries.get(key) is None and shipped.entries.get(key) is not None:
                raise _fail(origin, where, tech.value, "the catalog's published use, kept")
            _entry_not_wider(before, after, origin, where)


def _zones_kept(shipped: Catalog, book: Catalog, origin: str) -> None:
    """Every shipped zone keeps its skin thickness and code; no added zone takes that code."""
    for zone, thickness in shipped.skin.items():
        if book.skin.get(zone) != thickness:
            raise _fail(
                origin, f"zones.{zone.value}", zone.value, "its published skin thickness, kept"
            )
    for zone, site in shipped.sites.items():
        if book.sites.get(zone) != site:
            raise _fail(origin, f"zones.{zone.value}.snomed", zone.value, "its code, kept")
    codes = {site.code: zone for zone, site in shipped.sites.items()}
    for zone, site in book.sites.items():
        named = codes.get(site.code)
        if zone not in shipped.sites and named is not None:  # its records would name that zone
            raise _fail(
                origin,
                f"zones.{zone.value}.snomed",
                site.code,
                f"a code of its own: {site.code} is the shipped {named.value}'s",
            )


def _entry_not_wider(before: Spec, after: Spec, origin: str, where: str) -> None:
    for name, r in before.ranges().items():
        if r.hard:
            _not_wider(r, after.ranges().get(name), origin, f"{where}.{name}")
    if after.layer is not before.layer:
        raise _fail(origin, f"{where}.layer", after.layer.value, f"{before.layer.value}, kept")
    cap = before.session
    if cap is not None and cap.hard:
        _cap_not_wider(cap, after.session, origin, f"{where}.session")


def _not_wider(r: Range, new: Range | None, origin: str, where: str) -> None:
    if new is None or not new.hard:
        raise _fail(origin, where, None, f"a hard limit within {r.describe()}, kept hard")
    tol = 1e-9 * max(abs(r.high_magnitude), 1e-12)
    same_low = abs(new.low_magnitude - r.low_magnitude) <= tol
    lower = new.low_magnitude < r.low_magnitude - tol or (
        same_low and r.low_open and not new.low_open  # takes in the excluded bound
    )
    if new.high_magnitude > r.high_magnitude + tol or lower:
        raise _fail(
            origin,
            where,
            new.describe(),
            f"within {r.describe()}: a protocol may narrow a hard limit, never widen it",
        )


def _cap_not_wider(cap: SessionCap, new: SessionCap | None, origin: str, where: str) -> None:
    wider = (
        new is None
        or not new.hard
        or (cap.max_points is not None and (new.max_points or 10**18) > cap.max_points)
        or (
            cap.max_volume_magnitude is not None
            and (new.max_volume_magnitude or float("inf")) > cap.max_volume_magnitude * (1 + 1e-9)
        )
    )
    if wider:
        raise _fail(
            origin, where, None, "the catalog's hard session cap or a tighter one, kept hard"
        )
