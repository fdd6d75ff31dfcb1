"""The catalog's TOML reader: validates a parsed document and reports the first fault.

The shipped ``catalog.toml`` and a clinic's protocol (laid over it) are read here, with
the table and key of any fault in the message. Every typed read (a table, its keys, a
number, a unit, a list of sources) is the structuring layer's (``_structuring``), which
the codec and the other file readers share; this module holds the catalog's own rules.
Kept apart from the catalog (``_catalog``), to which it hands a Catalog's fields, so that
the format and its checks can be read and changed on their own; the records it builds
live in ``_catalog_entries``.
"""

from __future__ import annotations

from typing import Any, Final, TypedDict, TypeGuard

import attrs

from mesocalc._catalog.entries import (
    NO_SKIN_FIGURES,
    Basis,
    Contraindication,
    Gauges,
    Layer,
    Protocol,
    Range,
    SessionCap,
    SkinThickness,
    Spec,
)
from mesocalc._quantities import validators as _validators
from mesocalc._quantities.codes import SiteCode, is_concept_id
from mesocalc._quantities.names import Technique, Zone, resolve
from mesocalc._quantities.parameters import PARAMETERS, RANGED
from mesocalc._quantities.units import Dim
from mesocalc._records.structuring import Reader
from mesocalc.exceptions import CatalogError, MesocalcError

__all__ = ["RANGE_KEYS", "CatalogFields", "read_document"]

# The parameters a catalog entry gives ranges for; thread_length only for threads (the
# protocol reader, which changes them, reads this too).
RANGE_KEYS: Final = (*RANGED, "thread_length")
# The keys a range may have.
_RANGE_FIELDS: Final = frozenset(
    {"low", "high", "nominal", "unit", "source", "basis", "note", "low_open", "hard", "about"}
)
# Zone anatomy: published skin thickness per layer, read like ranges.
_THICKNESS: Final = ("epidermis", "dermis", "skin", "subcutis")


class CatalogFields(TypedDict):
    """What a validated document gives a Catalog: its arguments, by name."""

    name: str
    version: str
    sources: dict[str, Any]
    entries: dict[tuple[Technique, Zone], Spec]
    skin: dict[Zone, SkinThickness]
    unpublished: dict[tuple[Technique, Zone], Spec]
    contraindicated: dict[tuple[Technique, Zone], Contraindication]
    caps: dict[Zone, Range]
    sites: dict[Zone, SiteCode]
    zones: tuple[Zone, ...]


class _Reader(Reader):
    """Reads a catalog's ranges, raising CatalogError with the path of any fault."""

    def __init__(self, origin: str) -> None:
        super().__init__(CatalogError, origin)

    def basis(self, doc: dict[str, Any], where: str, expected: str) -> Basis:
        return self.member(Basis, doc.get("basis", "stated"), f"{where}.basis", expected)

    def range(self, doc: Any, parameter: str, where: str, known: set[str]) -> Range:
        doc = self.table(doc, where)
        self.keys(doc, _RANGE_FIELDS, where)
        factor = self._unit_factor(doc, parameter, where)
        low, high, low_open = self._bounds(doc, where)
        nominal = self._nominal(doc, where, low, high, low_open)
        sources = self._range_sources(doc, where, known)
        basis, note, about, hard = self._range_flags(doc, where, sources)
        result = Range(
            parameter=parameter,
            low_magnitude=low * factor,
            high_magnitude=high * factor,
            nominal_magnitude=None if nominal is None else nominal * factor,
            low_open=low_open,
            sources=tuple(sources),
            basis=basis,
            note=note,
            hard=hard,
            about=about,
        )
        if result.nominal_magnitude is not None and not result.contains(result.nominal_magnitude):
            raise self.fail(f"{where}.nominal", nominal, f"a value within {result.describe()}")
        domain = PARAMETERS[parameter].domain
        if not domain.contains(result.high_magnitude):
            raise self.fail(where, (low, high), f"a range within {domain.words}")
        return result

    def _unit_factor(self, doc: dict[str, Any], parameter: str, where: str) -> float:
        """What turns the range's numbers into canonical magnitudes (1 for a fraction)."""
        dim = PARAMETERS[parameter].dim
        if dim is not Dim.FRACTION:
            expected = f"a {dim.label} unit such as 'mm'"
            return self.unit(doc.get("unit"), dim, f"{where}.unit", expected)
        if "unit" in doc:
            raise self.fail(f"{where}.unit", doc["unit"], "no unit for a fraction")
        return 1.0

    def _bounds(self, doc: dict[str, Any], where: str) -> tuple[float, float, bool]:
        """The range's low and high bounds as written, and whether its low bound is open."""
        low, high = (
            self.optional_number(doc, "low", where),
            self.optional_number(doc, "high", where),
        )
        if high is None:
            raise self.fail(f"{where}.high", None, "a high bound")
        low_open = self.flag(doc.get("low_open", low is None), f"{where}.low_open")
        low = 0.0 if low is None else low
        if not 0 <= low <= high:
            raise self.fail(where, (low, high), "0 <= low <= high")
        return low, high, low_open

    def _nominal(
        self, doc: dict[str, Any], where: str, low: float, high: float, low_open: bool
    ) -> float | None:
        """The value a plan uses when given none; by default the middle, or the high bound."""
        if doc.get("nominal") is False:  # no source gives a realistic default
            return None
        nominal = self.optional_number(doc, "nominal", where)
        if nominal is None:
            nominal = high if low_open and low == 0 else (low + high) / 2
        return nominal

    def _range_sources(self, doc: dict[str, Any], where: str, known: set[str]) -> list[str]:
        """The range's source keys: one key or a list, each from [sources]."""
        expected = "a list of keys from [sources]"
        return list(
            self.sources(doc.get("source", []), known, f"{where}.source", expected, one=True)
        )

    def _range_flags(
        self, doc: dict[str, Any], where: str, sources: list[str]
    ) -> tuple[Basis, str, bool, bool]:
        """The range's basis, note, and whether it is "about" and hard, checked together."""
        basis = self.basis(doc, where, "stated, derived, analogue or unsourced")
        note = self.text(doc.get("note", ""), f"{where}.note")
        about = doc.get("about", False)
        if not isinstance(about, bool) or (about and doc.get("hard", False)):
            raise self.fail(f"{where}.about", about, "true or false; an 'about' value is not hard")
        hard = doc.get("hard", False)
        if not isinstance(hard, bool) or (hard and basis is Basis.UNSOURCED):
            raise self.fail(f"{where}.hard", hard, "true or false; a hard limit needs a source")
        if (basis is Basis.UNSOURCED) != (not sources):
            raise self.fail(f"{where}.source", sources, "sources unless basis is 'unsourced'")
        if basis is not Basis.STATED and not _validators.visible(note):
            raise self.fail(f"{where}.note", note, f"a note explaining the {basis} basis")
        return basis, note, about, hard


def _header(read: _Reader, doc: dict[str, Any], origin: str) -> Protocol:
    """The top level's format, and the catalog's name and version."""
    read.keys(doc, {"format", "name", "version", "sources", "techniques", "zones"}, "top level")
    if doc.get("format") != 1:
        raise read.fail("format", doc.get("format"), "format = 1")
    name = read.text(doc.get("name", origin), "name", "a non-blank string", blank=False)
    version = doc.get("version", "unversioned")
    version = read.text(version, "version", "a non-blank string", blank=False)
    return Protocol(name=name, version=version)


def read_document(doc: dict[str, Any], origin: str) -> CatalogFields:
    """Validate a catalog read from TOML into a dict; the fields of its Catalog."""
    read = _Reader(origin)
    protocol = _header(read, doc, origin)
    sources = read.table(doc.get("sources", {}), "sources")
    for key, raw in sources.items():
        entry = read.table(raw, f"sources.{key}")
        read.text(entry.get("citation"), f"sources.{key}.citation", "a citation")
    known = set(sources)
    techniques: dict[Technique, dict[str, Any]] = {}
    for key, entry in read.table(doc.get("techniques", {}), "techniques").items():
        tech = _member(Technique, key, f"techniques.{key}", read)
        techniques[tech] = read.table(entry, f"techniques.{key}")
    entries: dict[tuple[Technique, Zone], Spec] = {}
    unpublished: dict[tuple[Technique, Zone], Spec] = {}
    contraindicated: dict[tuple[Technique, Zone], Contraindication] = {}
    caps: dict[Zone, Range] = {}
    skin: dict[Zone, SkinThickness] = {}
    sites: dict[Zone, SiteCode] = {}
    described: list[Zone] = []
    for zkey, zraw in read.table(doc.get("zones", {}), "zones").items():
        zone = _member(Zone, zkey, f"zones.{zkey}", read)
        if zone in described:  # "eyelids" after "eyelid": one would replace the other
            raise read.fail(f"zones.{zkey}", zkey, f"one table for the {zone.value}, not two")
        described.append(zone)
        zdoc = read.table(zraw, f"zones.{zkey}")
        read.keys(zdoc, {"snomed", "techniques", "depth_cap", *_THICKNESS}, f"zones.{zkey}")
        if "snomed" in zdoc:
            sites[zone] = _site(read, zdoc["snomed"], f"zones.{zkey}.snomed", known)
        if "depth_cap" in zdoc:
            cap = read.range(zdoc["depth_cap"], "depth", f"zones.{zkey}.depth_cap", known)
            caps[zone] = attrs.evolve(cap, hard=True)
        layers: dict[str, Range] = {
            name: read.range(zdoc[name], name, f"zones.{zkey}.{name}", known)
            for name in _THICKNESS
            if name in zdoc
        }
        if layers:
            skin[zone] = SkinThickness(**layers)  # type: ignore[arg-type]
        _zone_uses(read, zone, zkey, zdoc, techniques, known, entries, contraindicated)
    own = {
        tech: _spec(read, tech, Zone.FACE, base, None, known, f"techniques.{tech.value}")
        for tech, base in techniques.items()
    }
    zones = (*Zone, *(z for z in described if z not in Zone.__members__.values()))
    _classify(own, entries, contraindicated, unpublished, caps, skin, zones)
    entries = {k: attrs.evolve(v, protocol=protocol) for k, v in entries.items()}
    unpublished = {k: attrs.evolve(v, protocol=protocol) for k, v in unpublished.items()}
    return CatalogFields(
        name=protocol.name,
        version=protocol.version,
        sources=sources,
        entries=entries,
        skin=skin,
        unpublished=unpublished,
        contraindicated=contraindicated,
        caps=caps,
        sites=sites,
        zones=zones,
    )


def _zone_uses(  # noqa: PLR0917 - private: the tables read_document builds
    read: _Reader,
    zone: Zone,
    zkey: str,
    zdoc: dict[str, Any],
    techniques: dict[Technique, dict[str, Any]],
    known: set[str],
    entries: dict[tuple[Technique, Zone], Spec],
    contraindicated: dict[tuple[Technique, Zone], Contraindication],
) -> None:
    """The techniques a zone's table lists: each an entry, or a contraindication."""
    for tkey, use in read.table(zdoc.get("techniques", {}), f"zones.{zkey}").items():
        where = f"zones.{zkey}.techniques.{tkey}"
        tech = _member(Technique, tkey, where, read)
        if tech not in techniques:
            raise read.fail(where, tkey, "a technique defined under [techniques]")
        if (tech, zone) in entries or (tech, zone) in contraindicated:
            raise read.fail(where, tkey, f"one entry for {tech.value}, not two")
        if isinstance(use, dict) and "contraindicated" in use:
            contraindicated[(tech, zone)] = _contraindication(read, use, where, known)
            continue
        entries[(tech, zone)] = _spec(read, tech, zone, techniques[tech], use, known, where)


def _classify(  # noqa: PLR0917 - private: the tables read_document builds
    own: dict[Technique, Spec],
    entries: dict[tuple[Technique, Zone], Spec],
    contraindicated: dict[tuple[Technique, Zone], Contraindication],
    unpublished: dict[tuple[Technique, Zone], Spec],
    caps: dict[Zone, Range],
    skin: dict[Zone, SkinThickness],
    zones: tuple[Zone, ...],
) -> None:
    """Every pair the zones do not list: unpublished, unless the zone's hard limits rule it out.

    ``own`` holds each technique's own ranges, read once and carried to each zone.
    """
    for zone in zones:
        for tech, template in own.items():
            key = (tech, zone)
            if key in entries or key in contraindicated:
                continue
            entry = attrs.evolve(template, zone=zone)
            why = _beyond_limits(entry, caps.get(zone), skin.get(zone, NO_SKIN_FIGURES))
            if why is None:
                unpublished[key] = entry
            else:
                contraindicated[key] = why


def _contraindication(
    read: _Reader, use: dict[str, Any], where: str, known: set[str]
) -> Contraindication:
    """A ``{ contraindicated = "why", source = [...] }`` entry of a zone."""
    read.keys(use, {"contraindicated", "source"}, where)
    expected = "the reason, with its source"
    reason = read.text(use["contraindicated"], f"{where}.contraindicated", expected, blank=False)
    return Contraindication(reason=reason, sources=_sources(read, use, where, known))


def _beyond_limits(entry: Spec, cap: Range | None, skin: SkinThickness) -> Contraindication | None:
    """Why an unpublished pair can never keep to the zone's hard limits, or None.

    Its shallowest published depth is beyond the zone's depth limit, or (for a technique
    that deposits in the skin) beyond the zone's thickest published skin.
    """
    depth, zone = entry.depth, entry.zone.value

    def beyond(limit: float) -> bool:
        """Whether even the shallowest published depth is deeper than ``limit``."""
        low = depth.low_magnitude
        return low >= limit if depth.low_open else low > limit

    if cap is not None and beyond(cap.high_magnitude):
        return Contraindication(
            reason=f"its shallowest published depth ({depth.describe()}, {depth.source}) is "
            f"beyond the {zone}'s limit of {cap.describe()} for every technique",
            sources=tuple(dict.fromkeys((*depth.sources, *cap.sources))),
        )
    thickest = skin.skin
    if entry.layer is Layer.SKIN and thickest is not None and beyond(thickest.high_magnitude):
        return Contraindication(
            reason=f"its shallowest published depth ({depth.describe()}, {depth.source}) is "
            f"deeper than the thickest published skin of the {zone} "
            f"({thickest.describe()}), and {entry.technique.value} deposits in the skin",
            sources=tuple(dict.fromkeys((*depth.sources, *thickest.sources))),
        )
    return None


def _member(kind: type[Any], key: str, where: str, read: _Reader) -> Any:
    try:
        return resolve(kind, key, where)
    except MesocalcError:
        raise read.fail(where, key, f"a known {kind.__name__.lower()} name") from None


def _spec(  # noqa: PLR0917 - private helper, called once
    read: _Reader,
    tech: Technique,
    zone: Zone,
    base: dict[str, Any],
    use: Any,
    known: set[str],
    where: str,
) -> Spec:
    published = use is not None
    use = read.table(use, where) if published else {}
    read.keys(use, {"source", "session", "published_dose", *RANGE_KEYS}, where)
    read.keys(
        base,
        {"description", "geometry", "layer", "needle", *RANGE_KEYS},
        f"techniques.{tech.value}",
    )
    sources = _sources(read, use, where, known) if published else ()
    ranges: dict[str, Range | None] = {}
    for parameter in RANGE_KEYS:
        if parameter in use:
            ranges[parameter] = read.range(
                use[parameter], parameter, f"{where}.{parameter}", known
            )
        elif parameter in base:
            ranges[parameter] = read.range(
                base[parameter], parameter, f"techniques.{tech.value}.{parameter}", known
            )
        elif parameter in RANGED:
            raise read.fail(f"techniques.{tech.value}.{parameter}", None, "a range")
        else:
            ranges[parameter] = None
    geometry = read.choice(
        base.get("geometry", "point"),
        ("point", "thread"),
        f"techniques.{tech.value}.geometry",
        "'point' or 'thread'",
    )
    if geometry == "thread" and ranges["thread_length"] is None:
        raise read.fail(f"techniques.{tech.value}.thread_length", None, "a range for threads")
    layer, layer_sources, layer_note = _layer(read, base.get("layer"), tech, known)
    needle, gauge = _needle(read, base.get("needle"), f"techniques.{tech.value}.needle", known)
    return Spec(
        technique=tech,
        zone=zone,
        geometry=geometry,
        sources=sources,
        description=read.text(base.get("description", ""), f"techniques.{tech.value}.description"),
        layer=layer,
        layer_sources=layer_sources,
        layer_note=layer_note,
        session=_session(read, use["session"], f"{where}.session", known)
        if "session" in use
        else None,
        published=published,
        needle=needle,
        needle_gauge=gauge,
        published_dose=read.range(
            use["published_dose"], "dose_per_area", f"{where}.published_dose", known
        )
        if "published_dose" in use
        else None,
        **ranges,  # type: ignore[arg-type]
    )


def _needle(
    read: _Reader, doc: Any, where: str, known: set[str]
) -> tuple[Range | None, Gauges | None]:
    """A technique's ``needle = { low, high, unit, gauge = { low, high }, source, ... }``."""
    if doc is None:
        return None, None
    doc = dict(read.table(doc, where))
    raw = doc.pop("gauge", None)
    lengths = read.range(doc, "length", where, known)
    if raw is None:
        return lengths, None
    raw = read.table(raw, f"{where}.gauge")
    read.keys(raw, {"low", "high"}, f"{where}.gauge")
    low, high = raw.get("low"), raw.get("high")
    if not (_gauge(low) and _gauge(high) and low <= high):
        raise read.fail(f"{where}.gauge", raw, "whole G numbers from 10 to 34, low <= high")
    return lengths, Gauges(low=low, high=high)


def _gauge(value: Any) -> TypeGuard[int]:
    """Whether ``value`` is a G number ISO 9626 defines (10G to 34G)."""
    return type(value) is int and 10 <= value <= 34


def _sources(read: _Reader, doc: dict[str, Any], where: str, known: set[str]) -> tuple[str, ...]:
    expected = "a non-empty list of keys from [sources]"
    return read.sources(doc.get("source"), known, f"{where}.source", expected)


def _layer(
    read: _Reader, doc: Any, tech: Technique, known: set[str]
) -> tuple[Layer, tuple[str, ...], str]:
    """A technique's ``layer = { name, source, note }``; omitted, the layer is "any"."""
    where = f"techniques.{tech.value}.layer"
    if doc is None:
        return Layer.ANY, (), ""
    doc = read.table(doc, where)
    read.keys(doc, {"name", "source", "note"}, where)
    layer = read.member(Layer, doc.get("name"), f"{where}.name", "skin, subcutis or any")
    expected = "a note saying why the technique has this layer"
    note = read.text(doc.get("note", ""), f"{where}.note", expected, blank=False)
    return layer, _sources(read, doc, where, known), note


def _site(read: _Reader, doc: Any, where: str, known: set[str]) -> SiteCode:
    """A zone's ``snomed = { code, source, verified, note }``; a bare code is unsourced.

    A code is verified when a source gives it and the catalog does not say otherwise.
    """
    if isinstance(doc, str):
        doc = {"code": doc, "verified": False, "note": "the catalog gives no source for it"}
    doc = read.table(doc, where)
    read.keys(doc, {"code", "source", "verified", "note"}, where)
    code = doc.get("code")
    if not isinstance(code, str) or not is_concept_id(code):
        raise read.fail(f"{where}.code", code, "a SNOMED CT concept id (its check digit too)")
    verified, note = doc.get("verified", True), doc.get("note", "")
    if not isinstance(verified, bool) or not isinstance(note, str):
        raise read.fail(where, (verified, note), "verified = true or false, and a note string")
    if not verified and not _validators.visible(note):
        raise read.fail(f"{where}.note", note, "a note saying why the code is unverified")
    sources = _sources(read, doc, where, known) if verified or "source" in doc else ()
    return SiteCode(code=code, sources=sources, verified=verified, note=note)


def _session(read: _Reader, doc: Any, where: str, known: set[str]) -> SessionCap:
    """A ``session = { points, volume, unit, source, basis, note }`` cap."""
    doc = read.table(doc, where)
    read.keys(doc, {"points", "volume", "unit", "source", "basis", "note", "hard"}, where)
    points = doc.get("points")
    if points is not None:
        points = read.whole(points, f"{where}.points", "a whole number of injections")
        if points < 1:
            raise read.fail(f"{where}.points", points, "at least 1")
    volume = read.optional_number(doc, "volume", where)
    if volume is not None:
        factor = read.unit(
            doc.get("unit"), Dim.VOLUME, f"{where}.unit", "a volume unit such as 'mL'"
        )
        if volume <= 0:
            raise read.fail(f"{where}.volume", volume, "a volume above 0")
        volume *= factor
    if points is None and volume is None:
        raise read.fail(where, doc, "points or volume")
    basis = read.basis(doc, where, "stated, derived or analogue")
    note = doc.get("note", "")
    if basis is Basis.UNSOURCED or not isinstance(note, str):
        raise read.fail(f"{where}.basis", basis.value, "a sourced cap with a note string")
    if basis is not Basis.STATED and not _validators.visible(note):
        raise read.fail(f"{where}.note", note, f"a note explaining the {basis} basis")
    hard = doc.get("hard", basis is Basis.STATED)
    if not isinstance(hard, bool) or (hard and basis is not Basis.STATED):
        raise read.fail(f"{where}.hard", hard, "true or false; only a stated cap is hard")
    return SessionCap(
        max_points=points,
        max_volume_magnitude=volume,
        sources=_sources(read, doc, where, known),
        basis=basis,
        note=note,
        hard=hard,
    )
