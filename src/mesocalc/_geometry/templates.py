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

import math
import tomllib
from collections.abc import Mapping, Sequence
from typing import Any, Final

import attrs
import numpy as np

from mesocalc._catalog.catalog import default_catalog
from mesocalc._catalog.entries import Basis
from mesocalc._catalog.sites import SiteRecord, side_of, site_records
from mesocalc._engine import engine as _engine
from mesocalc._engine.files import read_text
from mesocalc._geometry.shapes import Polygon, Shape, polygon_of
from mesocalc._quantities.inputs import read
from mesocalc._quantities.names import Sex, Side, folded, resolve
from mesocalc._quantities.parameters import PARAMETERS
from mesocalc._quantities.units import Dim, quantity, unit_factor
from mesocalc._records.structuring import Reader
from mesocalc.exceptions import (
    CatalogError,
    InputTypeError,
    InvalidValueError,
    MesocalcError,
    UnknownNameError,
)

__all__ = [
    "Anatomy",
    "KeepOut",
    "Site",
    "View",
    "cut",
    "keep_out",
    "outline",
    "sites",
    "view_of",
]

_READ: Final = Reader(CatalogError, "templates.toml", keys_in_table=False)
_MEASURES: Final = ("face_height", "face_width", "stature", "hip_width")
_VIEW_KEYS: Final = frozenset({"origin", "x", "scale_x", "scale_y"})
_OUTLINE_KEYS: Final = frozenset({"view", "vertices", "holes", "basis", "note"})
_KEEP_KEYS: Final = frozenset(
    {"sites", "products", "side", "vertices", "reason", "source", "basis", "note"}
)
_REF_KEYS: Final = frozenset({"low", "high", "measure", "source", "note"})

# MediaPipe face mesh indices (468 points) that stand for Farkas's landmarks: the team's
# reading of the mesh, basis "derived" (the mesh names no anatomical points, MP-3799).
MEDIAPIPE: Final[Mapping[str, int]] = {
    "nasion": 168,  # between the eyes, on the nasal bridge
    "menton": 152,  # the lowest point of the chin
    "zygion_right": 234,  # the face's right edge at the cheekbones
    "zygion_left": 454,  # the face's left edge at the cheekbones
}
_SCHEMES: Final = ("mediapipe",)
_MM: Final = Dim.LENGTH.canonical  # the unit of every length here, as the table keeps it
_MAX_AGE: Final = 130.0  # years: above any human's, a bound on typing errors


def _face_height(value: Any) -> float | None:
    return None if value is None else read(value, "face_height")


def _face_width(value: Any) -> float | None:
    return None if value is None else read(value, "face_width")


def _stature(value: Any) -> float | None:
    return None if value is None else read(value, "stature")


def _hip_width(value: Any) -> float | None:
    return None if value is None else read(value, "hip_width")


def _age(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InputTypeError(
            "age", value, "an age in years, a number such as 45", f"got a {type(value).__name__}"
        )
    m = float(value)
    if not (math.isfinite(m) and 0.0 <= m <= _MAX_AGE):
        raise InvalidValueError("age", value, "an age in years from 0 to 130, such as 45")
    return m


def _sex(value: Any) -> Sex | None:
    return None if value is None else resolve(Sex, value, "sex")


@attrs.frozen(kw_only=True, repr=False)
class Anatomy:
    """A patient's measurements, each optional: the reference adult fills in the rest.

    Lengths a clinician can take with a ruler or calipers, as lengths (``"12 cm"``):

    * ``face_height``: nasion (n, between the eyes) to menton (me, the chin's lowest point).
    * ``face_width``: zygion to zygion (zy-zy), across the cheekbones.
    * ``stature``: standing height.
    * ``hip_width``: the widest breadth across the hips.

    ``sex`` and ``age`` (years) are stored for the skin limits of a group; they do not
    scale an outline. A value outside any human's range is an error naming the field.

    Examples:
        >>> import mesocalc
        >>> a = mesocalc.Anatomy(face_height="11 cm", sex="female", age=42)
        >>> print(a.face_height, a.sex.value, a.age)
        110.0 millimeter female 42.0
    """

    _face_height: float | None = attrs.field(
        default=None, converter=_face_height, alias="face_height"
    )
    _face_width: float | None = attrs.field(
        default=None, converter=_face_width, alias="face_width"
    )
    _stature: float | None = attrs.field(default=None, converter=_stature, alias="stature")
    _hip_width: float | None = attrs.field(default=None, converter=_hip_width, alias="hip_width")
    sex: Sex | None = attrs.field(default=None, converter=_sex)
    age: float | None = attrs.field(default=None, converter=_age)

    @property
    def face_height(self) -> Any:
        """Nasion to menton, in mm, or None when not given."""
        return _mm(self._face_height)

    @property
    def face_width(self) -> Any:
        """Zygion to zygion, in mm, or None when not given."""
        return _mm(self._face_width)

    @property
    def stature(self) -> Any:
        """Standing height, in mm, or None when not given."""
        return _mm(self._stature)

    @property
    def hip_width(self) -> Any:
        """The breadth across the hips, in mm, or None when not given."""
        return _mm(self._hip_width)

    def __repr__(self) -> str:
        given = [
            f"{n}={PARAMETERS[n].show(getattr(self, '_' + n), 6)}"
            for n in _MEASURES
            if getattr(self, "_" + n) is not None
        ]
        if self.sex is not None:
            given.append(f"sex={self.sex.value}")
        if self.age is not None:
            given.append(f"age={self.age:g}")
        return f"Anatomy({', '.join(given)})"

    def measure(self, name: str) -> float:
        """Measurement ``name`` in mm: the patient's, or the reference adult's."""
        given = getattr(self, f"_{name}")
        return float(given) if given is not None else _data().reference[name]

    @classmethod
    def reference(cls) -> Anatomy:
        """The reference adult the templates are drawn for, every length filled in."""
        ref = _data().reference
        return cls(**{n: quantity(ref[n], _MM) for n in _MEASURES})

    @classmethod
    def from_landmarks(
        cls, points: Any, scheme: str = "mediapipe", *, unit: str, **fields: Any
    ) -> Anatomy:
        """The face's measurements from a face tracker's landmark coordinates.

        ``points`` is a sequence indexed by landmark number (MediaPipe face mesh: 468 or
        478 rows of (x, y) or (x, y, z)) or a mapping of landmark number to coordinates,
        in ``unit`` (MediaPipe's metric canonical face is in cm; image-normalised
        coordinates are not lengths). face_height is the distance from landmark 168
        (nasion) to 152 (menton); face_width from 234 to 454 (the zygia). That reading
        of the mesh is the team's (basis "derived"); mediapipe itself is not needed.
        Other fields (``sex``, ``age``, ``stature``...) pass through.

        Raises:
            InvalidValueError: naming ``points`` when a landmark is missing or not a
                finite point, ``scheme`` or ``unit`` when unknown; the measurements'
                own errors name face_height or face_width.
        """
        for name, value in fields.items():
            if name in ("face_height", "face_width"):
                raise InvalidValueError(
                    name, value, "no value: the landmarks give it", "given twice"
                )
            if name not in ("stature", "hip_width", "sex", "age"):
                raise InputTypeError(
                    name, value, "one of Anatomy's fields: stature, hip_width, sex, age"
                )
        if scheme not in _SCHEMES:
            raise UnknownNameError("scheme", scheme, "'mediapipe'", suggestions=("mediapipe",))
        factor = unit_factor(unit, "unit", Dim.LENGTH)
        found = {name: _landmark(points, index) for name, index in MEDIAPIPE.items()}
        missing = sorted(MEDIAPIPE[n] for n, p in found.items() if p is None)
        if missing:
            raise InvalidValueError(
                "points",
                _summary(points),
                "MediaPipe face mesh landmarks, with 152, 168, 234 and 454 among them",
                f"missing or not a finite point: {', '.join(map(str, missing))}",
            )
        at = {n: np.asarray(p, dtype=float) * factor for n, p in found.items()}
        height = float(np.linalg.norm(at["nasion"] - at["menton"]))
        width = float(np.linalg.norm(at["zygion_left"] - at["zygion_right"]))
        return cls(
            face_height=quantity(height, _MM),
            face_width=quantity(width, _MM),
            **fields,
        )


def _mm(m: float | None) -> Any:
    return None if m is None else quantity(m, _MM)


def _summary(points: Any) -> str:
    size = len(points) if isinstance(points, (Sequence, Mapping, np.ndarray)) else "?"
    return f"{type(points).__name__} of {size} landmarks"


def _landmark(points: Any, index: int) -> tuple[float, ...] | None:
    """Landmark ``index`` of ``points`` as 2 or 3 finite floats, or None when absent."""
    if isinstance(points, (str, bytes)) or not isinstance(points, (Mapping, Sequence, np.ndarray)):
        raise InputTypeError(
            "points",
            _summary(points),
            "a sequence or mapping of landmark coordinates",
            f"got a {type(points).__name__}",
        )
    try:
        if isinstance(points, Mapping):
            raw = points.get(index)
        else:
            raw = points[index] if index < len(points) else None
        if raw is None or isinstance(raw, (str, bytes)):
            return None
        xy = tuple(float(v) for v in raw)
    except (TypeError, ValueError, OverflowError):
        return None
    if len(xy) not in (2, 3) or not all(math.isfinite(v) for v in xy):
        return None
    return xy


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
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError("templates.toml", "...", "a TOML file", str(exc)) from None
    _READ.keys(doc, {"reference", "views", "outlines", "keep_out"}, "")
    known = default_catalog().sources
    reference = _reference(_READ.table(doc.get("reference"), "reference"), known)
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


def _reference(doc: dict[str, Any], known: Mapping[str, Any]) -> dict[str, float]:
    mids: dict[str, float] = {}
    for key, raw in doc.items():
        where = f"reference.{key}"
        entry = _READ.table(raw, where, "a table of low, high, measure, source, note")
        _READ.keys(entry, _REF_KEYS, where)
        low = _READ.number(entry.get("low"), f"{where}.low", "a length in mm")
        high = _READ.number(entry.get("high"), f"{where}.high", "a length in mm")
        if not 0 < low <= high:
            raise CatalogError(f"{where}.high", high, f"a number of mm of at least low, {low:g}")
        _READ.text(entry.get("measure"), f"{where}.measure", "what is measured", blank=False)
        _READ.sources(entry.get("source", []), known, f"{where}.source", "source keys", one=True)
        _READ.text(entry.get("note", ""), f"{where}.note", "a sentence")
        mids[key] = (low + high) / 2.0  # the midpoint of the source's two groups: derived
    if "nasal_height" in mids and "lower_face_height" in mids:
        mids["face_height"] = mids.pop("nasal_height") + mids.pop("lower_face_height")
    if set(mids) != set(_MEASURES):
        raise CatalogError("reference", sorted(mids), f"the measurements {', '.join(_MEASURES)}")
    return mids


def _view(name: str, entry: dict[str, Any]) -> View:
    where = f"views.{name}"
    _READ.keys(entry, _VIEW_KEYS, where)
    texts = {
        k: _READ.text(entry.get(k), f"{where}.{k}", "a sentence", blank=False) for k in _VIEW_KEYS
    }
    for key in ("scale_x", "scale_y"):
        _READ.choice(texts[key], _MEASURES, f"{where}.{key}", f"one of {', '.join(_MEASURES)}")
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
