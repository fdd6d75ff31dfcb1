"""Site templates: each named site's outline in one chart frame, scaled to a patient.

A plan over "the cheek" needs a cheek to lay points on. ``templates.toml`` draws every
site of ``sites.toml`` for a reference adult, in millimetres, in one of four views (face
front and profile, body front and back; docs/sites.md states their origins and axes),
and the zones where injections must not go (keep-outs). The drawings are the team's:
face outlines are placed from published face measurements (basis "derived"), body
outlines have no source (basis "unsourced"). An :class:`Anatomy` scales a view about its
origin; a paired site is drawn on the patient's right and mirrored for the left.

:class:`Site`, the public site, is defined here: the catalog's record (a layer below,
which may not import geometry) with the site's outline and keep-outs added
(docs/adr/0016-site-geometry.md).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

import attrs
import numpy as np

from mesocalc._catalog.catalog import default_catalog
from mesocalc._catalog.entries import Basis
from mesocalc._catalog.sites import SiteRecord, side_of, site_records
from mesocalc._engine import engine as _engine
from mesocalc._engine.files import read_text
from mesocalc._geometry.anatomy import (
    MEASURES,
    MEDIAPIPE,
    Anatomy,
    parse_reference,
    templates_document,
)
from mesocalc._geometry.shapes import Polygon, Shape, polygon_of
from mesocalc._quantities.names import Side, folded
from mesocalc._quantities.units import Dim, quantity
from mesocalc._records.structuring import Reader
from mesocalc.exceptions import (
    CatalogError,
    InputTypeError,
    InvalidValueError,
    MesocalcError,
)

__all__ = [
    "MEDIAPIPE",
    "Anatomy",
    "KeepOut",
    "Site",
    "View",
    "cut",
    "keep_out",
    "keep_out_products",
    "outline",
    "sites",
    "view_of",
]

_READ: Final = Reader(CatalogError, "templates.toml", keys_in_table=False)
_VIEW_KEYS: Final = frozenset({"origin", "x", "scale_x", "scale_y"})
_OUTLINE_KEYS: Final = frozenset({"view", "vertices", "holes", "basis", "note"})
_MM: Final = Dim.LENGTH.canonical  # the unit of every length here, as the table keeps it
_KEEP_KEYS: Final = frozenset(
    {"sites", "products", "side", "vertices", "reason", "source", "basis", "note"}
)


@attrs.frozen(kw_only=True)
class View:
    """One view of the chart frame: where its origin is, which way x points, what scales it."""

    name: str
    origin: str
    x: str
    scale_x: str
    scale_y: str


@attrs.frozen(kw_only=True)
class _Outline:
    view: View
    vertices: tuple[tuple[float, float], ...]
    holes: tuple[tuple[tuple[float, float], ...], ...]
    basis: Basis
    note: str


@attrs.frozen(kw_only=True, repr=False)
class KeepOut:
    """A region where injections must not go, with why and on whose word.

    Attributes:
        name: the zone's name in the templates (``"mandible-band"``).
        shape: the region, a Polygon in the chart frame.
        reason: what the region is and why nothing goes there.
        source: the source keys that say so (empty when unsourced).
        basis: "derived" where the geometry is drawn from a source's words,
            "unsourced" where no source gives it.
        note: how the drawing was made.
    """

    name: str
    shape: Polygon
    reason: str
    source: tuple[str, ...]
    basis: Basis
    note: str = ""

    def __repr__(self) -> str:
        return f"<KeepOut {self.name}: {self.reason} ({', '.join(self.source) or 'unsourced'})>"


@attrs.frozen(kw_only=True)
class _KeepOutData:
    name: str
    sites: tuple[str, ...]
    products: frozenset[str]
    side: Side | None
    vertices: tuple[tuple[float, float], ...]
    reason: str
    source: tuple[str, ...]
    basis: Basis
    note: str


@attrs.frozen(kw_only=True)
class _Data:
    reference: Mapping[str, float]
    views: Mapping[str, View]
    outlines: Mapping[str, _Outline]
    keep_outs: tuple[_KeepOutData, ...]


@_engine.cached()
def _data() -> _Data:
    return parse_templates(read_text("templates.toml"))


def parse_templates(text: str) -> _Data:
    """The templates of a ``templates.toml`` text, checked against the sites and sources.

    Raises:
        CatalogError: a malformed file, an unknown key, view, site or source, a site
            without an outline, vertices that are not pairs of numbers.
    """
    doc = templates_document(text)
    _READ.keys(doc, {"reference", "views", "outlines", "keep_out"}, "")
    known = default_catalog().sources
    reference = parse_reference(doc.get("reference"), known)
    views = {
        name: _view(name, _READ.table(v, f"views.{name}"))
        for name, v in _READ.table(doc.get("views"), "views").items()
    }
    names = {s.name for s in _sites()}
    raw = _READ.table(doc.get("outlines"), "outlines")
    outlines = {name: _outline(name, entry, views, names) for name, entry in raw.items()}
    if set(outlines) != names:
        missing = sorted(names - set(outlines))
        raise CatalogError("outlines", missing, "an outline for every site of sites.toml")
    keeps = tuple(
        _keep(name, entry, names, known)
        for name, entry in _READ.table(doc.get("keep_out", {}), "keep_out").items()
    )
    return _Data(reference=reference, views=views, outlines=outlines, keep_outs=keeps)


def _sites() -> tuple[SiteRecord, ...]:
    return site_records()


def _view(name: str, entry: dict[str, Any]) -> View:
    where = f"views.{name}"
    _READ.keys(entry, _VIEW_KEYS, where)
    texts = {
        k: _READ.text(entry.get(k), f"{where}.{k}", "a sentence", blank=False) for k in _VIEW_KEYS
    }
    for key in ("scale_x", "scale_y"):
        _READ.choice(texts[key], MEASURES, f"{where}.{key}", f"one of {', '.join(MEASURES)}")
    return View(name=name, **texts)


def _pairs(raw: Any, where: str) -> tuple[tuple[float, float], ...]:
    if not isinstance(raw, list) or len(raw) < 3:
        raise CatalogError(where, raw, "a list of at least 3 [x, y] pairs in mm")
    out = []
    for i, pair in enumerate(raw):
        if not isinstance(pair, list) or len(pair) != 2:
            raise CatalogError(f"{where}[{i}]", pair, "an [x, y] pair in mm")
        out.append(
            (
                _READ.number(pair[0], f"{where}[{i}][0]", "a number of mm"),
                _READ.number(pair[1], f"{where}[{i}][1]", "a number of mm"),
            )
        )
    return tuple(out)


def _outline(name: str, entry: Any, views: Mapping[str, View], names: set[str]) -> _Outline:
    where = f"outlines.{name}"
    entry = _READ.table(entry, where)
    _READ.keys(entry, _OUTLINE_KEYS, where)
    if name not in names:
        raise CatalogError(where, name, "a site of sites.toml")
    view = _READ.choice(entry.get("view"), views, f"{where}.view", f"one of {', '.join(views)}")
    holes = entry.get("holes", [])
    if not isinstance(holes, list):
        raise CatalogError(f"{where}.holes", holes, "a list of vertex lists")
    return _Outline(
        view=views[view],
        vertices=_pairs(entry.get("vertices"), f"{where}.vertices"),
        holes=tuple(_pairs(h, f"{where}.holes[{i}]") for i, h in enumerate(holes)),
        basis=_READ.member(Basis, entry.get("basis"), f"{where}.basis"),
        note=_READ.text(entry.get("note", ""), f"{where}.note", "a sentence"),
    )


def _keep(name: str, entry: Any, names: set[str], known: Mapping[str, Any]) -> _KeepOutData:
    where = f"keep_out.{name}"
    entry = _READ.table(entry, where)
    _READ.keys(entry, _KEEP_KEYS, where)
    sites = _READ.texts(entry.get("sites"), f"{where}.sites", "a list of site names")
    if not sites or not set(sites) <= names:
        raise CatalogError(f"{where}.sites", list(sites), "a list of sites of sites.toml")
    products = _READ.texts(entry.get("products", []), f"{where}.products", "product names")
    side = entry.get("side")
    basis = _READ.member(Basis, entry.get("basis"), f"{where}.basis")
    source = _READ.sources(entry.get("source"), known, f"{where}.source", "source keys", one=True)
    if not source and basis is not Basis.UNSOURCED:
        raise CatalogError(f"{where}.source", [], "source keys, or basis 'unsourced'")
    return _KeepOutData(
        name=name,
        sites=sites,
        products=frozenset(map(folded, products)),
        side=None if side is None else _READ.member(Side, side, f"{where}.side"),
        vertices=_pairs(entry.get("vertices"), f"{where}.vertices"),
        reason=_READ.text(entry.get("reason"), f"{where}.reason", "a sentence", blank=False),
        source=source,
        basis=basis,
        note=_READ.text(entry.get("note", ""), f"{where}.note", "a sentence"),
    )


def view_of(site: SiteRecord) -> View:
    """The view of the chart frame ``site`` is drawn in."""
    return _data().outlines[site.name].view


def _transform(
    xy: Sequence[tuple[float, float]], view: View, anatomy: Anatomy | None, mirror: bool
) -> np.ndarray[Any, np.dtype[np.float64]]:
    data = _data()
    a = anatomy or Anatomy()
    sx = a.measure(view.scale_x) / data.reference[view.scale_x]
    sy = a.measure(view.scale_y) / data.reference[view.scale_y]
    out: np.ndarray[Any, np.dtype[np.float64]] = np.array(xy, dtype=float)
    out = out * np.array([-sx if mirror else sx, sy])
    return out[::-1] if mirror else out  # mirrored, the ring keeps its direction


def _anatomy(anatomy: Any) -> Anatomy | None:
    if anatomy is None or isinstance(anatomy, Anatomy):
        return anatomy
    raise InputTypeError(
        "anatomy", anatomy, "a mesocalc.Anatomy or None", f"got a {type(anatomy).__name__}"
    )


def outline(site: SiteRecord, side: Any = None, anatomy: Any = None) -> Polygon:
    """``site``'s template outline for ``side``, scaled to ``anatomy``, in the chart frame.

    Raises:
        InvalidValueError: naming ``side`` (see :func:`side_of`).
        InputTypeError: naming ``anatomy``.
    """
    found = side_of(site, side, both=False)
    anatomy = _anatomy(anatomy)
    drawn = _data().outlines[site.name]
    mirror = found is Side.LEFT
    shell = _transform(drawn.vertices, drawn.view, anatomy, mirror)
    holes = [_transform(h, drawn.view, anatomy, mirror) for h in drawn.holes]
    return Polygon(quantity(shell, _MM), holes=[quantity(h, _MM) for h in holes])


def _product_name(product: Any) -> str | None:
    if product is None:
        return None
    name = getattr(product, "name", product)
    if not isinstance(name, str):
        raise InputTypeError(
            "product",
            product,
            "a product's name or a mesocalc.Product",
            f"got a {type(product).__name__}",
        )
    return folded(name)


def keep_out(
    site: SiteRecord, product: Any = None, side: Any = None, anatomy: Any = None
) -> tuple[KeepOut, ...]:
    """The keep-out zones of ``site`` (for ``product``), scaled to ``anatomy``.

    Zones held for every product come always; a product's own (deoxycholic acid's band
    below the mandible) only when ``product`` names it. For a paired site without a
    side, the zones of both sides come.

    Raises:
        InvalidValueError: naming ``side`` (a side on a midline site).
        InputTypeError: naming ``product`` or ``anatomy``.
    """
    name = _product_name(product)
    anatomy = _anatomy(anatomy)
    found = None if side is None else side_of(site, side)
    data = _data()
    out: list[KeepOut] = []
    for zone in data.keep_outs:
        if site.name not in zone.sites or (zone.products and name not in zone.products):
            continue
        view = data.outlines[site.name].view
        sides: tuple[bool, ...] = (False,)
        if zone.side is not None:  # drawn for the right: mirrored for the left; both unless one
            sides = (
                (False,)
                if found is Side.RIGHT
                else (True,)
                if found is Side.LEFT
                else (False, True)
            )
        for mirror in sides:
            xy = _transform(zone.vertices, view, anatomy, mirror)
            out.append(
                KeepOut(
                    name=zone.name,
                    shape=Polygon(quantity(xy, _MM)),
                    reason=zone.reason,
                    source=zone.source,
                    basis=zone.basis,
                    note=zone.note,
                )
            )
    return tuple(out)


def keep_out_products(site: SiteRecord) -> tuple[str, ...]:
    """The products with keep-out zones of their own on ``site``, by name."""
    return tuple(
        sorted({p for z in _data().keep_outs if site.name in z.sites for p in z.products})
    )


def cut(shape: Shape, zones: Sequence[KeepOut], parameter: str = "area") -> Polygon | None:
    """``shape`` less the keep-out ``zones``; None when nothing is cut.

    Raises:
        InvalidValueError: naming ``parameter`` when nothing is left, or the rest falls
            in several pieces (a plan lays out one piece).
    """
    geometry = polygon_of(shape)
    rest = geometry
    for zone in zones:
        rest = rest.difference(polygon_of(zone.shape))
    if rest.equals(geometry):
        return None
    names = ", ".join(dict.fromkeys(z.name for z in zones))
    if rest.is_empty or rest.area <= 0:
        raise InvalidValueError(
            parameter, f"{shape!r}", "an area outside the keep-out zones", f"{names} cover it all"
        )
    if rest.geom_type == "MultiPolygon":
        parts = sorted(rest.geoms, key=lambda g: g.area, reverse=True)
        if parts[1].area > 1e-6 * parts[0].area:
            raise InvalidValueError(
                parameter,
                f"{shape!r}",
                "an area that stays in one piece outside the keep-out zones",
                f"{names} cut it in {len(parts)} pieces: plan each piece",
            )
        rest = parts[0]
    try:
        return Polygon.from_shapely(rest, unit=Dim.LENGTH.symbol)
    except MesocalcError as exc:  # pragma: no cover - a difference of valid polygons is valid
        raise InvalidValueError(parameter, f"{shape!r}", "an area outside the keep-outs") from exc


@attrs.frozen(kw_only=True)
class Site(SiteRecord):
    """A named site: its zone (and so its limits), its sides, code, outline and keep-outs.

    The catalog's record (name, zone, paired, code, no_code, aliases) with the geometry
    added here, a layer above it: the catalog may not import geometry
    (docs/adr/0016-site-geometry.md).

    Examples:
        >>> import mesocalc
        >>> cheek = mesocalc.Site.named("malar")
        >>> print(cheek.name, cheek.zone.value, cheek.paired, cheek.code.code)
        cheek face True 60819002
        >>> mesocalc.Site.named("periorbital").zone.value
        'eyelid'
    """

    @classmethod
    def named(cls, name: Any) -> Site:
        """The site called ``name`` (case, spaces and hyphens aside), or one of its aliases.

        Raises:
            UnknownNameError: no site has that name; the nearest names are suggested.
            InputTypeError: ``name`` is not a string.
        """
        return _public_index()[SiteRecord.named(name).name]

    def outline(self, side: Any = None, anatomy: Any = None) -> Polygon:
        """The site's template outline, a Polygon in the chart frame (docs/sites.md).

        ``side`` is "left" or "right" for a paired site (the right is drawn, the left
        mirrored) and None for a midline one; ``anatomy`` (a :class:`mesocalc.Anatomy`)
        scales it from the reference adult. Needs shapely (``mesocalc[shapes]``).

        Raises:
            InvalidValueError: naming ``side``: a side on a midline site, none on a paired
                one, or "both" (one outline is one side).
            InputTypeError: naming ``anatomy``.

        Examples:
            >>> import mesocalc
            >>> left = mesocalc.Site.named("cheek").outline(side="left")
            >>> print(f"{left.area:.3g~P}")
            12.1 cm²
        """
        return outline(self, side, anatomy)

    def keep_out(
        self, product: Any = None, *, side: Any = None, anatomy: Any = None
    ) -> tuple[KeepOut, ...]:
        """Where on this site injections must not go, for ``product`` (a name or Product).

        Each region has ``.shape`` (a Polygon in the chart frame), ``.reason``,
        ``.source`` (source keys) and ``.basis``. Deoxycholic acid keeps out of the band
        below the mandible on the submental and jawline sites (KYB-BAND, KYB-ISI); the
        periorbital site keeps out of the orbit for every product (unsourced geometry).

        Examples:
            >>> import mesocalc
            >>> [k.name for k in mesocalc.Site.named("submental").keep_out("deoxycholic acid")]
            ['mandible-band', 'above-mandible']
            >>> mesocalc.Site.named("submental").keep_out()
            ()
        """
        return keep_out(self, product, side, anatomy)


def sites() -> tuple[Site, ...]:
    """Every site mesocalc knows, in the order of ``sites.toml`` (head to foot).

    Examples:
        >>> import mesocalc
        >>> [s.name for s in mesocalc.sites()][:3]
        ['forehead', 'glabella', 'temple']
    """
    return tuple(_public_index()[r.name] for r in site_records())


@_engine.cached()
def _public_index() -> dict[str, Site]:
    fields = [f.name for f in attrs.fields(SiteRecord)]
    return {r.name: Site(**{f: getattr(r, f) for f in fields}) for r in site_records()}
