"""The technique x zone catalog: loaded from TOML, validated once, read by plan().

The shipped ``catalog.toml`` and a clinic's own protocol file share one format;
``load_catalog`` validates either and reports the first problem with its
location in the file.
"""

from __future__ import annotations

import enum
import functools
import math
import os
from collections.abc import Mapping
from typing import Any, Final, TypeGuard

import attrs

from mesocalc import _cache, _codec, _validators
from mesocalc._codes import SiteCode, is_concept_id
from mesocalc._data import parse_bounded, read_bounded, read_text
from mesocalc._names import Technique, Zone, resolve
from mesocalc._parameters import PARAMETERS, RANGED
from mesocalc._units import UNITS, Dim, quantity
from mesocalc.exceptions import CatalogError, HardLimitError, MesocalcError, UnknownNameError

__all__ = [
    "RANGE_KEYS",
    "Basis",
    "Catalog",
    "Contraindication",
    "Layer",
    "Protocol",
    "Range",
    "SessionCap",
    "SkinThickness",
    "Spec",
    "cite",
    "default_catalog",
    "load_catalog",
    "parse_catalog",
    "parse_document",
    "spec",
]


class Basis(enum.StrEnum):
    """How a range rests on its sources."""

    STATED = "stated"  # the source states these numbers
    DERIVED = "derived"  # arithmetic on stated numbers
    ANALOGUE = "analogue"  # taken from a neighbouring technique or route
    UNSOURCED = "unsourced"  # a team default: plans relying on it warn


# The parameters a catalog entry gives ranges for; thread_length only for threads.
_RANGED: Final = (*RANGED, "thread_length")
RANGE_KEYS: Final = _RANGED  # for the protocol reader, which changes them
# Zone anatomy: published skin thickness per layer, read like ranges.
_THICKNESS: Final = ("epidermis", "dermis", "skin", "subcutis")


def _fmt(x: float) -> str:
    return f"{x:.6g}"


@attrs.frozen(kw_only=True, repr=False)
class Range:
    """A recommended range of one parameter for one technique in one zone.

    ``low`` and ``high`` are Quantities (plain floats for the loss fraction).
    ``low_open`` marks a range whose low bound is excluded: "(0, 1] mm" when a
    source gives only "at most 1 mm", "(4, 13] mm" for "deeper than 4 mm".
    """

    __codec_unit_of__ = "parameter"  # JSON: low, high and nominal in this parameter's unit

    parameter: str = attrs.field(metadata=_codec.text())
    low_magnitude: float = attrs.field(metadata=_codec.number(key="low"))
    high_magnitude: float = attrs.field(metadata=_codec.number(key="high"))
    # None: no source gives a realistic value, so plans must be given one.
    nominal_magnitude: float | None = attrs.field(
        default=None, metadata=_codec.number(key="nominal")
    )
    low_open: bool = attrs.field(default=False, metadata=_codec.flag())
    sources: tuple[str, ...] = attrs.field(default=(), metadata=_codec.texts(key="source"))
    basis: Basis = attrs.field(default=Basis.STATED, metadata=_codec.name(Basis))
    note: str = attrs.field(default="", metadata=_codec.text())
    hard: bool = attrs.field(default=False, metadata=_codec.flag())
    # True: the source gives the value only as "about" it; a departure warns, and needs no
    # override (no source gives a tolerance to refuse beyond).
    about: bool = attrs.field(default=False, metadata=_codec.flag())

    def _out(self, magnitude: float) -> Any:
        p = PARAMETERS[self.parameter]
        return magnitude if p.dim is Dim.FRACTION else quantity(magnitude, p.unit)

    @property
    def low(self) -> Any:
        """The low bound (excluded when ``low_open``)."""
        return self._out(self.low_magnitude)

    @property
    def high(self) -> Any:
        """The high bound (included)."""
        return self._out(self.high_magnitude)

    @property
    def nominal(self) -> Any:
        """The value a plan uses when the caller gives none; None when there is no default."""
        return None if self.nominal_magnitude is None else self._out(self.nominal_magnitude)

    @property
    def source(self) -> str:
        """The source keys as one string, or "UNSOURCED"."""
        return ", ".join(self.sources) if self.sources else "UNSOURCED"

    def contains(self, magnitude: Any) -> Any:
        """Whether canonical magnitudes lie in the range, with a relative tolerance of 1e-9.

        A bool for a float, a bool array for an array (NaN is never inside).
        """
        tol = 1e-9 * max(abs(self.high_magnitude), 1e-12)
        above = (
            magnitude > self.low_magnitude + tol
            if self.low_open
            else magnitude >= self.low_magnitude - tol
        )
        return above & (magnitude <= self.high_magnitude + tol)

    def describe(self) -> str:
        """The range in words with its unit, e.g. ``"1 to 2 mm"`` or ``"at most 1 mm"``."""
        unit = PARAMETERS[self.parameter].shown
        sep = " " if unit else ""
        hi = f"{_fmt(self.high_magnitude)}{sep}{unit}"
        if self.low_open and self.low_magnitude == 0:
            return f"at most {hi}"
        if self.low_open:
            return f"more than {_fmt(self.low_magnitude)}{sep}{unit} and at most {hi}"
        if self.low_magnitude == self.high_magnitude:
            return f"about {hi}" if self.about else hi
        return f"{_fmt(self.low_magnitude)} to {hi}"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view: low, high and nominal in the parameter's unit, with its sources."""
        return _codec.unstructure(self)

    def __repr__(self) -> str:
        """The range in words with its unit: ``Range(depth: 1 to 2 mm, ..., source SEED3)``."""
        words = self.describe()
        parts = [f"{self.parameter}: {words}"]
        if self.nominal_magnitude is not None and self.low_magnitude != self.high_magnitude:
            parts.append(f"nominal {PARAMETERS[self.parameter].show(self.nominal_magnitude, 6)}")
        about = self.about and not words.startswith("about")
        parts += [word for word, on in (("hard", self.hard), ("about", about)) if on]
        parts.append(self.basis.value)
        if self.sources:
            parts.append(f"source {', '.join(self.sources)}")
        return f"Range({', '.join(parts)})"


_RANGE: Final = _codec.part(_codec.one_of(Range))


class Layer(enum.StrEnum):
    """The skin layer a technique deposits product in, which bounds its depth."""

    SKIN = "skin"  # epidermis or dermis: no deeper than the zone's full skin thickness
    SUBCUTIS = "subcutis"  # below the skin: deeper than the zone's thinnest skin
    ANY = "any"  # published depths straddle the dermis and the subcutis: no layer bound


@attrs.frozen(kw_only=True, repr=False)
class SessionCap:
    """A per-session cap for a technique in a zone (see docs/guardrails.md).

    Hard when its source states it for this use; a cap borrowed from elsewhere (an
    analogue, such as another product's label) is soft: an override passes it.
    """

    max_points: int | None = attrs.field(default=None, metadata=_codec.whole())
    max_volume_magnitude: float | None = attrs.field(
        default=None, metadata=_codec.quantity_field("total_volume", key="max_volume")
    )
    sources: tuple[str, ...] = attrs.field(default=(), metadata=_codec.texts(key="source"))
    basis: Basis = attrs.field(default=Basis.STATED, metadata=_codec.name(Basis))
    note: str = attrs.field(default="", metadata=_codec.text())
    # Hard when the source states the cap for this use; an analogue cap is soft.
    hard: bool = attrs.field(default=True, metadata=_codec.flag())

    @property
    def source(self) -> str:
        """The source keys as one string."""
        return ", ".join(self.sources)

    __repr__ = _codec.unit_repr  # max_volume='10 mL', not max_volume_magnitude=10.0


@attrs.frozen(kw_only=True)
class SkinThickness:
    """Published thickness of a zone's skin layers, each a Range in mm (None: no figure)."""

    epidermis: Range | None = None
    dermis: Range | None = None
    skin: Range | None = None
    subcutis: Range | None = None
    # Set when ``skin`` is not the zone's own figure but the thickest any zone publishes
    # (the zone named here), which bounds skin techniques where the zone has none.
    borrowed_from: str | None = None


_NO_FIGURES: Final = SkinThickness()


@attrs.frozen(kw_only=True)
class Protocol:
    """Which catalog a plan followed: its name and version (a clinic's protocol, or mesocalc's).

    Clinic software shows it beside every stored plan, so that a plan can be traced,
    years later, to the protocol that produced it and the limits it was checked against.
    """

    name: str = attrs.field(validator=_validators.non_blank(), metadata=_codec.text())
    version: str = attrs.field(validator=_validators.non_blank(), metadata=_codec.text())

    def __str__(self) -> str:
        return f"{self.name} {self.version}"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict naming its schema (``mesocalc.protocol_id``)."""
        return _codec.dump(self, "mesocalc.protocol_id")

    @classmethod
    def from_dict(cls, data: Any) -> Protocol:
        """Rebuild a protocol's name and version from :meth:`to_dict` output."""
        return _codec.load(cls, data, "mesocalc.protocol_id")


@attrs.frozen(kw_only=True)
class Gauges:
    """The needle gauges the sources name for a technique, as G numbers (30 for 30G).

    ``low`` is the thickest needle (the smallest G number), ``high`` the finest.
    """

    low: int = attrs.field(metadata=_codec.whole())
    high: int = attrs.field(metadata=_codec.whole())

    def contains(self, gauge: int) -> bool:
        """Whether ``gauge`` is one the sources name."""
        return self.low <= gauge <= self.high

    def describe(self) -> str:
        """``"30G to 32G"``, or ``"30G"`` for one gauge."""
        return f"{self.low}G" if self.low == self.high else f"{self.low}G to {self.high}G"


@attrs.frozen(kw_only=True, cache_hash=True)  # plan() looks its warnings up by entry
class Spec:
    """The catalog entry for one technique in one zone: its ranges and sources."""

    technique: Technique = attrs.field(metadata=_codec.name(Technique))
    zone: Zone = attrs.field(metadata=_codec.name(Zone))
    geometry: str = attrs.field(metadata=_codec.text())
    depth: Range = attrs.field(metadata=_RANGE)
    spacing: Range = attrs.field(metadata=_RANGE)
    volume_per_point: Range = attrs.field(metadata=_RANGE)
    angle: Range = attrs.field(metadata=_RANGE)
    loss_fraction: Range = attrs.field(metadata=_RANGE)
    thread_length: Range | None = attrs.field(default=None, metadata=_RANGE)
    sources: tuple[str, ...] = attrs.field(default=(), metadata=_codec.texts(key="source"))
    description: str = attrs.field(default="", metadata=_codec.text())
    layer: Layer = attrs.field(default=Layer.ANY, metadata=_codec.name(Layer))
    layer_sources: tuple[str, ...] = attrs.field(default=(), metadata=_codec.texts())
    layer_note: str = attrs.field(default="", metadata=_codec.text())
    session: SessionCap | None = attrs.field(
        default=None, metadata=_codec.part(_codec.one_of(SessionCap))
    )
    # False: no source publishes this technique on this zone; plans need an override and
    # every parameter, and are checked against the technique's own ranges.
    published: bool = attrs.field(default=True, metadata=_codec.flag())
    # The lengths of the needles the sources name for the technique (None: none named).
    needle: Range | None = attrs.field(default=None, metadata=_RANGE)
    # The gauges of those needles (None: no source names one).
    needle_gauge: Gauges | None = attrs.field(
        default=None, metadata=_codec.part(_codec.one_of(Gauges))
    )
    # The session a source publishes for this use, as a dose per area (None: none with
    # numbers): what a default plan is compared with (docs/catalog.md). Not a limit.
    published_dose: Range | None = attrs.field(default=None, metadata=_RANGE)
    # The catalog or clinic protocol the entry comes from.
    protocol: Protocol | None = attrs.field(
        default=None, metadata=_codec.part(_codec.one_of(Protocol))
    )

    def ranges(self) -> dict[str, Range]:
        """Every range of this entry by parameter name."""
        out = {name: getattr(self, name) for name in RANGED}
        if self.thread_length is not None:
            out["thread_length"] = self.thread_length
        return out

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict naming its schema (``mesocalc.spec``)."""
        return _codec.dump(self, "mesocalc.spec")

    @classmethod
    def from_dict(cls, data: Any) -> Spec:
        """Rebuild a catalog entry from :meth:`to_dict` output."""
        return _codec.load(cls, data, "mesocalc.spec")


@attrs.frozen(kw_only=True)
class Contraindication:
    """Why a technique may never be used on a zone, and per which sources."""

    reason: str
    sources: tuple[str, ...] = ()

    @property
    def source(self) -> str:
        """The source keys as one string."""
        return ", ".join(self.sources)


def _layer_skin(book: Catalog) -> dict[Zone, SkinThickness]:
    """For each zone with no published full skin, its figures with the thickest skin known."""
    known = [(t.skin.high_magnitude, zone) for zone, t in book.skin.items() if t.skin is not None]
    if not known:
        return {}
    _, thickest = max(known, key=lambda pair: pair[0])
    skin = book.skin[thickest].skin
    return {
        zone: attrs.evolve(book.thickness(zone), skin=skin, borrowed_from=thickest.value)
        for zone in book.zones
        if book.thickness(zone).skin is None
    }


@attrs.frozen(kw_only=True)
class Catalog:
    """A validated catalog: for each technique on each zone, one of three states.

    ``entries`` holds the published pairs (a source says the technique is used there);
    ``unpublished`` the pairs no source publishes and nothing makes unsafe (planned
    only with an override and every parameter, on the technique's own ranges);
    ``contraindicated`` the pairs a source rules out, or whose technique cannot keep to
    the zone's hard limits. ``caps`` holds each zone's depth limit, which binds every
    technique there; ``sites`` each zone's SNOMED CT body-site code (see :meth:`site`);
    ``zones`` the shipped zones and any a clinic's protocol adds.
    """

    name: str
    sources: Mapping[str, Mapping[str, str]]
    entries: Mapping[tuple[Technique, Zone], Spec]
    version: str = "unversioned"
    skin: Mapping[Zone, SkinThickness] = attrs.field(factory=dict)
    unpublished: Mapping[tuple[Technique, Zone], Spec] = attrs.field(factory=dict)
    contraindicated: Mapping[tuple[Technique, Zone], Contraindication] = attrs.field(factory=dict)
    caps: Mapping[Zone, Range] = attrs.field(factory=dict)
    sites: Mapping[Zone, SiteCode] = attrs.field(factory=dict)
    zones: tuple[Zone, ...] = tuple(Zone)
    _protocol: Protocol = attrs.field(
        init=False,
        default=attrs.Factory(
            lambda self: Protocol(name=self.name, version=self.version), takes_self=True
        ),
    )
    _layer_skin: Mapping[Zone, SkinThickness] = attrs.field(
        init=False, eq=False, repr=False, default=attrs.Factory(_layer_skin, takes_self=True)
    )

    @staticmethod
    def default() -> Catalog:
        """The catalog shipped with mesocalc, loaded and validated once.

        The one :func:`mesocalc.plan` and :func:`mesocalc.spec` use when given no other.

        Examples:
            >>> import mesocalc
            >>> book = mesocalc.Catalog.default()
            >>> (mesocalc.Technique.CLASSIC, mesocalc.Zone.NECK) in book.entries
            True
        """
        return default_catalog()

    @property
    def protocol(self) -> Protocol:
        """The catalog's name and version, which every plan made with it records."""
        return self._protocol

    def site(self, zone: Zone) -> SiteCode | None:
        """The zone's SNOMED CT body-site code, verified or not, or None when it has none."""
        return self.sites.get(zone)

    def cap(self, zone: Zone) -> Range | None:
        """The zone's hard depth limit, binding every technique there, or None."""
        return self.caps.get(zone)

    def thickness(self, zone: Zone | str) -> SkinThickness:
        """The published skin thickness of ``zone`` (fields None where the catalog has none)."""
        where = zone if type(zone) is Zone else resolve(Zone, zone, "zone")
        return self.skin.get(where, _NO_FIGURES)

    def layer_thickness(self, zone: Zone) -> SkinThickness:
        """The figures that bound a technique's skin layer on ``zone``.

        The zone's own; for a zone with no published full skin, the thickest skin any zone
        publishes stands in (``borrowed_from`` names that zone), so that a technique that
        deposits in the skin is bounded everywhere: papules never reach 5 mm on the scalp.
        """
        return self._layer_skin.get(zone) or self.thickness(zone)

    def published(self, zone: Zone) -> list[str]:
        """The techniques with a published use on ``zone``, by name."""
        return sorted(t.value for (t, z) in self.entries if z is zone)

    def spec(self, technique: Technique | str, zone: Zone | str) -> Spec:
        """The entry for ``technique`` in ``zone``: published or not (``Spec.published``).

        Raises:
            HardLimitError: the technique is contraindicated on that zone, or the
                catalog does not define it.
        """
        tech = resolve(Technique, technique, "technique")
        where = resolve(Zone, zone, "zone")
        key = (tech, where)
        entry = self.entries.get(key) or self.unpublished.get(key)
        if entry is not None:
            return entry
        if where not in self.zones:
            raise UnknownNameError(
                "zone",
                where.value,
                "one of " + ", ".join(repr(z.value) for z in self.zones),
                f"a zone a clinic's protocol adds, not one of the {self.name}'s",
            )
        used = self.published(where)
        expected = (
            f"a technique published on the {where.value} ({', '.join(used) or 'none'}), "
            "or one not published there, with an override"
        )
        why = self.contraindicated.get(key)
        if why is None:
            detail = f"{self.name} does not define {tech.value}"
            source = self.name
        else:
            detail = f"{tech.value} is contraindicated on the {where.value}: {why.reason}"
            source = why.source
        raise HardLimitError(
            "technique",
            tech.value,
            expected,
            f"{detail} (source: {cite(source)}; a hard limit, no override passes it)",
            allowed=", ".join(used),
            source=source,
        )


class _Reader:
    """Walks a parsed TOML document, raising CatalogError with the path of any fault."""

    def __init__(self, origin: str) -> None:
        self.origin = origin

    def fail(self, where: str, value: Any, expected: str) -> CatalogError:
        return CatalogError(f"{self.origin}: {where}", value, expected)

    def table(self, doc: Any, where: str) -> dict[str, Any]:
        if not isinstance(doc, dict):
            raise self.fail(where, doc, "a table")
        return doc

    def number(self, doc: dict[str, Any], key: str, where: str) -> float | None:
        value = doc.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.fail(f"{where}.{key}", value, "a number")
        if not math.isfinite(value):
            raise self.fail(f"{where}.{key}", value, "a finite number")
        return float(value)

    def basis(self, doc: dict[str, Any], where: str, expected: str) -> Basis:
        try:
            return Basis(doc.get("basis", "stated"))
        except ValueError:
            raise self.fail(f"{where}.basis", doc.get("basis"), expected) from None

    def check_keys(self, doc: dict[str, Any], allowed: set[str], where: str) -> None:
        extra = sorted(set(doc) - allowed)
        if extra:
            raise self.fail(where, extra[0], f"one of the keys {', '.join(sorted(allowed))}")

    def range(  # noqa: PLR0912, PLR0915 - one branch per validation rule
        self, doc: Any, parameter: str, where: str, known: set[str]
    ) -> Range:
        doc = self.table(doc, where)
        allowed = {
            "low",
            "high",
            "nominal",
            "unit",
            "source",
            "basis",
            "note",
            "low_open",
            "hard",
            "about",
        }
        self.check_keys(doc, allowed, where)
        dim = PARAMETERS[parameter].dim
        factor = 1.0
        if dim is not Dim.FRACTION:
            unit = doc.get("unit")
            if unit not in UNITS or UNITS[unit][0] is not dim:
                raise self.fail(f"{where}.unit", unit, f"a {dim.label} unit such as 'mm'")
            factor = UNITS[unit][1]
        elif "unit" in doc:
            raise self.fail(f"{where}.unit", doc["unit"], "no unit for a fraction")
        low, high = self.number(doc, "low", where), self.number(doc, "high", where)
        if high is None:
            raise self.fail(f"{where}.high", None, "a high bound")
        low_open = doc.get("low_open", low is None)
        if not isinstance(low_open, bool):
            raise self.fail(f"{where}.low_open", low_open, "true or false")
        low = 0.0 if low is None else low
        if not 0 <= low <= high:
            raise self.fail(where, (low, high), "0 <= low <= high")
        nominal: float | None
        if doc.get("nominal") is False:  # no source gives a realistic default
            nominal = None
        else:
            nominal = self.number(doc, "nominal", where)
            if nominal is None:
                nominal = high if low_open and low == 0 else (low + high) / 2
        sources = doc.get("source", [])
        if isinstance(sources, str):
            sources = [sources]
        if not isinstance(sources, list) or any(s not in known for s in sources):
            raise self.fail(f"{where}.source", sources, "a list of keys from [sources]")
        basis = self.basis(doc, where, "stated, derived, analogue or unsourced")
        note = doc.get("note", "")
        if not isinstance(note, str):
            raise self.fail(f"{where}.note", note, "a string")
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


def _header(read: _Reader, doc: dict[str, Any], origin: str) -> Protocol:
    """The top level's format, and the catalog's name and version."""
    read.check_keys(
        doc, {"format", "name", "version", "sources", "techniques", "zones"}, "top level"
    )
    if doc.get("format") != 1:
        raise read.fail("format", doc.get("format"), "format = 1")
    name = doc.get("name", origin)
    if not isinstance(name, str) or not _validators.visible(name):
        raise read.fail("name", name, "a non-blank string")
    version = doc.get("version", "unversioned")
    if not isinstance(version, str) or not _validators.visible(version):
        raise read.fail("version", version, "a non-blank string")
    return Protocol(name=name, version=version)


def parse_document(doc: dict[str, Any], origin: str) -> Catalog:
    """Validate a catalog read from TOML into a dict (a protocol's, laid over the shipped one)."""
    read = _Reader(origin)
    protocol = _header(read, doc, origin)
    sources = read.table(doc.get("sources", {}), "sources")
    for key, raw in sources.items():
        entry = read.table(raw, f"sources.{key}")
        if not isinstance(entry.get("citation"), str):
            raise read.fail(f"sources.{key}.citation", entry.get("citation"), "a citation")
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
        described.append(zone)
        zdoc = read.table(zraw, f"zones.{zkey}")
        read.check_keys(zdoc, {"snomed", "techniques", "depth_cap", *_THICKNESS}, f"zones.{zkey}")
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
        for tkey, use in read.table(zdoc.get("techniques", {}), f"zones.{zkey}").items():
            where = f"zones.{zkey}.techniques.{tkey}"
            tech = _member(Technique, tkey, where, read)
            if tech not in techniques:
                raise read.fail(where, tkey, "a technique defined under [techniques]")
            if isinstance(use, dict) and "contraindicated" in use:
                contraindicated[(tech, zone)] = _contraindication(read, use, where, known)
                continue
            entries[(tech, zone)] = _spec(read, tech, zone, techniques[tech], use, known, where)
    own = {
        tech: _spec(read, tech, Zone.FACE, base, None, known, f"techniques.{tech.value}")
        for tech, base in techniques.items()
    }
    zones = (*Zone, *(z for z in described if z not in Zone.__members__.values()))
    _classify(own, entries, contraindicated, unpublished, caps, skin, zones)
    entries = {k: attrs.evolve(v, protocol=protocol) for k, v in entries.items()}
    unpublished = {k: attrs.evolve(v, protocol=protocol) for k, v in unpublished.items()}
    return Catalog(
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


def _classify(  # noqa: PLR0917 - private: the tables parse_document builds
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
            why = _beyond_limits(entry, caps.get(zone), skin.get(zone, _NO_FIGURES))
            if why is None:
                unpublished[key] = entry
            else:
                contraindicated[key] = why


def _contraindication(
    read: _Reader, use: dict[str, Any], where: str, known: set[str]
) -> Contraindication:
    """A ``{ contraindicated = "why", source = [...] }`` entry of a zone."""
    read.check_keys(use, {"contraindicated", "source"}, where)
    reason = use["contraindicated"]
    if not isinstance(reason, str) or not _validators.visible(reason):
        raise read.fail(f"{where}.contraindicated", reason, "the reason, with its source")
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
    read.check_keys(use, {"source", "session", "published_dose", *_RANGED}, where)
    read.check_keys(
        base,
        {"description", "geometry", "layer", "needle", *_RANGED},
        f"techniques.{tech.value}",
    )
    sources = use.get("source", []) if published else []
    if published and (
        not isinstance(sources, list) or not sources or any(s not in known for s in sources)
    ):
        raise read.fail(f"{where}.source", sources, "a non-empty list of keys from [sources]")
    ranges: dict[str, Range | None] = {}
    for parameter in _RANGED:
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
    geometry = base.get("geometry", "point")
    if geometry not in ("point", "thread"):
        raise read.fail(f"techniques.{tech.value}.geometry", geometry, "'point' or 'thread'")
    if geometry == "thread" and ranges["thread_length"] is None:
        raise read.fail(f"techniques.{tech.value}.thread_length", None, "a range for threads")
    layer, layer_sources, layer_note = _layer(read, base.get("layer"), tech, known)
    needle, gauge = _needle(read, base.get("needle"), f"techniques.{tech.value}.needle", known)
    return Spec(
        technique=tech,
        zone=zone,
        geometry=geometry,
        sources=tuple(sources),
        description=str(base.get("description", "")),
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
    read.check_keys(raw, {"low", "high"}, f"{where}.gauge")
    low, high = raw.get("low"), raw.get("high")
    if not (_gauge(low) and _gauge(high) and low <= high):
        raise read.fail(f"{where}.gauge", raw, "whole G numbers from 10 to 34, low <= high")
    return lengths, Gauges(low=low, high=high)


def _gauge(value: Any) -> TypeGuard[int]:
    """Whether ``value`` is a G number ISO 9626 defines (10G to 34G)."""
    return type(value) is int and 10 <= value <= 34


def _sources(read: _Reader, doc: dict[str, Any], where: str, known: set[str]) -> tuple[str, ...]:
    sources = doc.get("source")
    if not isinstance(sources, list) or not sources or any(s not in known for s in sources):
        raise read.fail(f"{where}.source", sources, "a non-empty list of keys from [sources]")
    return tuple(sources)


def _layer(
    read: _Reader, doc: Any, tech: Technique, known: set[str]
) -> tuple[Layer, tuple[str, ...], str]:
    """A technique's ``layer = { name, source, note }``; omitted, the layer is "any"."""
    where = f"techniques.{tech.value}.layer"
    if doc is None:
        return Layer.ANY, (), ""
    doc = read.table(doc, where)
    read.check_keys(doc, {"name", "source", "note"}, where)
    try:
        layer = Layer(doc.get("name"))
    except ValueError:
        raise read.fail(f"{where}.name", doc.get("name"), "skin, subcutis or any") from None
    note = doc.get("note", "")
    if not isinstance(note, str) or not _validators.visible(note):
        raise read.fail(f"{where}.note", note, "a note saying why the technique has this layer")
    return layer, _sources(read, doc, where, known), note


def _site(read: _Reader, doc: Any, where: str, known: set[str]) -> SiteCode:
    """A zone's ``snomed = { code, source, verified, note }``; a bare code is unsourced.

    A code is verified when a source gives it and the catalog does not say otherwise.
    """
    if isinstance(doc, str):
        doc = {"code": doc, "verified": False, "note": "the catalog gives no source for it"}
    doc = read.table(doc, where)
    read.check_keys(doc, {"code", "source", "verified", "note"}, where)
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
    read.check_keys(doc, {"points", "volume", "unit", "source", "basis", "note", "hard"}, where)
    points = doc.get("points")
    if points is not None and (isinstance(points, bool) or not isinstance(points, int)):
        raise read.fail(f"{where}.points", points, "a whole number of injections")
    if points is not None and points < 1:
        raise read.fail(f"{where}.points", points, "at least 1")
    volume = read.number(doc, "volume", where)
    if volume is not None:
        unit = doc.get("unit")
        if unit not in UNITS or UNITS[unit][0] is not Dim.VOLUME:
            raise read.fail(f"{where}.unit", unit, "a volume unit such as 'mL'")
        if volume <= 0:
            raise read.fail(f"{where}.volume", volume, "a volume above 0")
        volume *= UNITS[unit][1]
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


def load_catalog(path: str | os.PathLike[str]) -> Catalog:
    """Load and validate a catalog from a TOML file, such as a clinic's own protocol.

    The format is that of the ``catalog.toml`` shipped in the package.

    Raises:
        CatalogError: the file is missing, not a regular file, larger than 1 MB or
            20,000 entries, not TOML, or fails validation; the message names the
            table and key at fault.
    """
    text = read_bounded(path, CatalogError)
    return parse_catalog(text, origin=os.path.basename(path))


def parse_catalog(text: str, *, origin: str = "catalog") -> Catalog:
    """Validate a catalog given as TOML text; see :func:`load_catalog`."""
    if not isinstance(text, str):
        raise CatalogError("text", text, "TOML text")
    return parse_document(parse_bounded(text, origin, CatalogError), origin)


@functools.cache
def default_catalog() -> Catalog:
    """The catalog shipped with mesocalc, loaded and validated once."""
    text = read_text("catalog.toml")
    built = _cache.load("catalog.toml", text, Catalog)  # validated when the wheel was built
    return built if built is not None else parse_catalog(text, origin="mesocalc catalog")


def cite(source: str) -> str:
    """Source keys for a reader, followed by what each seed is.

    ``"SEED3, AMIN"`` becomes ``"SEED3, AMIN (seed 003, an iLive article reviewed
    08.07.2025)"``: the keys stay as they are, for software that matches them.
    """
    known = default_catalog().sources
    shorts = [known.get(key, {}).get("short") for key in source.split(", ")]
    said = "; ".join(s for s in shorts if s)
    return f"{source} ({said})" if said else source


def spec(technique: Technique | str, zone: Zone | str) -> Spec:
    """The catalog entry for a technique in a zone, with every range and its source.

    Examples:
        >>> import mesocalc
        >>> s = mesocalc.spec("classic", "face")
        >>> print(s.depth.low, s.depth.high, s.depth.source)
        1.0 millimeter 2.0 millimeter SEED3
        >>> print(mesocalc.spec("classic", "neck").depth.describe())
        at most 1 mm

    Raises:
        HardLimitError: the technique is not used in that zone.
        UnknownNameError: an unknown technique or zone.
    """
    return default_catalog().spec(technique, zone)
