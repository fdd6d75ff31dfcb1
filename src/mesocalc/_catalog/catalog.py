"""The technique x zone catalog: loaded from TOML, validated once, read by plan().

The shipped ``catalog.toml`` and a clinic's own protocol file share one format;
``load_catalog`` validates either and reports the first problem with its
location in the file. The records an entry is made of live in ``_catalog_entries``,
the reader that validates a document in ``_catalog_reader``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import attrs

from mesocalc._catalog.entries import (
    NO_SKIN_FIGURES,
    Contraindication,
    Protocol,
    Range,
    SkinThickness,
    Spec,
)
from mesocalc._catalog.reader import read_document
from mesocalc._engine import built as _cache
from mesocalc._engine import engine as _engine
from mesocalc._engine.files import parse_bounded, read_bounded, read_text
from mesocalc._quantities.codes import SiteCode
from mesocalc._quantities.names import Technique, Zone, resolve
from mesocalc.exceptions import CatalogError, HardLimitError, InputTypeError, UnknownNameError

__all__ = [
    "Catalog",
    "cite",
    "default_catalog",
    "load_catalog",
    "parse_catalog",
    "parse_document",
    "spec",
]


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
        return self.skin.get(where, NO_SKIN_FIGURES)

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


def parse_document(doc: dict[str, Any], origin: str) -> Catalog:
    """Validate a catalog read from TOML into a dict (a protocol's, laid over the shipped one)."""
    return Catalog(**read_document(doc, origin))


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


@_engine.cached()
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


def spec(technique: Technique | str, zone: Zone | str, *, catalog: Catalog | None = None) -> Spec:
    """The catalog entry for a technique in a zone, with every range and its source.

    ``catalog`` is a clinic's catalog or protocol (:func:`load_protocol`), as for
    :func:`plan`; the shipped catalog by default.

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
        InputTypeError: ``catalog`` is not a mesocalc.Catalog.
    """
    if catalog is None:
        return default_catalog().spec(technique, zone)
    if not isinstance(catalog, Catalog):
        raise InputTypeError("catalog", catalog, "None or a mesocalc.Catalog (load_catalog)")
    return catalog.spec(technique, zone)
