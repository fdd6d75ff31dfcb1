"""Named landmarks on the site templates: points a published protocol injects on.

Some protocols place their points on landmarks, not over an area (BAP: five bolus points
per side, on the zygomatic prominence, nasal ala, tragus, chin and mandibular angle
regions). ``landmarks.toml`` places each on one site's template, in the chart frame;
no source gives coordinates, so every position is the team's (basis "derived"). A
landmark moves with its site's outline: scaled by the patient's :class:`Anatomy` about
the view's origin and mirrored for the left side, so it stays inside the outline.
"""

from __future__ import annotations

import difflib
import math
import tomllib
from collections.abc import Sequence
from typing import Any, Final

import attrs
import numpy as np

from mesocalc._catalog.entries import Basis
from mesocalc._catalog.sites import side_of, site_of
from mesocalc._engine import engine as _engine
from mesocalc._engine.files import read_text
from mesocalc._geometry import templates as _templates
from mesocalc._geometry.templates import Site
from mesocalc._quantities.names import Side, folded
from mesocalc._quantities.units import Dim, quantity
from mesocalc._records.structuring import Reader
from mesocalc.exceptions import (
    CatalogError,
    InputTypeError,
    InvalidValueError,
    MesocalcError,
    UnknownNameError,
)
from mesocalc.typing import Quantity

__all__ = ["Landmark", "check_stored", "landmark", "landmark_points", "landmarks"]

_KEYS: Final = frozenset({"site", "xy", "basis", "note"})
_MM: Final = Dim.LENGTH.canonical  # the unit of every length here, as the table keeps it


@attrs.frozen(kw_only=True)
class Landmark:
    """A named point on a site's template, drawn on the patient's right (basis "derived").

    Examples:
        >>> import mesocalc
        >>> zy = mesocalc.landmark("zygomatic prominence")
        >>> print(zy.name, zy.site, zy.basis.value)
        zygomatic-prominence cheek derived
        >>> print(zy.position(side="left"))
        [48.0 -40.0] millimeter
    """

    name: str
    site: str
    xy: tuple[float, float]
    basis: Basis
    note: str

    def position(self, *, side: Side | str, anatomy: Any = None) -> Quantity:
        """The landmark on ``side``, scaled to ``anatomy``, as (x, y) in mm in the chart frame.

        Raises:
            InvalidValueError: naming ``side`` (not "left" or "right").
            InputTypeError: naming ``anatomy``.
        """
        found = side_of(Site.named(self.site), side, both=False)
        if anatomy is not None and not isinstance(anatomy, _templates.Anatomy):
            raise InputTypeError(
                "anatomy", anatomy, "a mesocalc.Anatomy or None", f"got a {type(anatomy).__name__}"
            )
        a = anatomy or _templates.Anatomy()
        ref = _templates.Anatomy()
        view = _templates.view_of(Site.named(self.site))
        sx = a.measure(view.scale_x) / ref.measure(view.scale_x)
        sy = a.measure(view.scale_y) / ref.measure(view.scale_y)
        x = self.xy[0] * sx * (-1.0 if found is Side.LEFT else 1.0)
        return quantity(np.array([x, self.xy[1] * sy]), _MM)


@_engine.cached()
def _shipped() -> dict[str, Landmark]:
    return parse_landmarks(read_text("landmarks.toml"))


def parse_landmarks(text: str, origin: str = "landmarks.toml") -> dict[str, Landmark]:
    """The landmarks of a landmarks.toml text, each entry's keys and values checked.

    That each lies inside its site's outline, for any anatomy, is a test's: reading them
    needs no shapely.

    Raises:
        CatalogError: naming the entry at fault (an unknown key, a position not two
            numbers, a basis other than "derived").
        UnknownNameError: an unknown site.
    """
    read = Reader(CatalogError, origin)
    table = read.table(tomllib.loads(text).get("landmarks"), "landmarks")
    found: dict[str, Landmark] = {}
    for name, raw in table.items():
        where = f"landmarks.{name}"
        entry = read.table(raw, where)
        read.keys(entry, _KEYS, where)
        site = site_of(read.text(entry.get("site"), f"{where}.site", "a site's name"))
        xy = entry.get("xy")
        if not (
            isinstance(xy, list)
            and len(xy) == 2
            and all(isinstance(v, int | float) and not isinstance(v, bool) for v in xy)
        ):
            raise read.fail(f"{where}.xy", xy, "[x, y] in mm, two numbers")
        if read.text(entry.get("basis"), f"{where}.basis") != Basis.DERIVED.value:
            raise read.fail(
                f"{where}.basis", entry.get("basis"), "'derived': the team's placement"
            )
        mark = Landmark(
            name=name,
            site=site.name,
            xy=(float(xy[0]), float(xy[1])),
            basis=Basis.DERIVED,
            note=read.text(entry.get("note"), f"{where}.note", "a sentence", blank=False),
        )
        found[name] = mark
    return found


def landmarks(site: Site | str | None = None) -> tuple[Landmark, ...]:
    """The landmarks mesocalc knows, or those on ``site``.

    Raises:
        UnknownNameError: an unknown site.
    """
    marks = tuple(_shipped().values())
    if site is None:
        return marks
    name = site_of(site).name
    return tuple(m for m in marks if m.site == name)


def landmark(name: str, *, parameter: str = "landmark") -> Landmark:
    """The landmark called ``name`` (any case, spaces or hyphens).

    Raises:
        UnknownNameError: naming ``parameter``, with the nearest names.
        InputTypeError: ``name`` is not a string.
    """
    if not isinstance(name, str):
        raise InputTypeError(parameter, name, "a landmark's name, a string")
    known = _shipped()
    by_key = {folded(k): v for k, v in known.items()}
    if folded(name) in by_key:
        return by_key[folded(name)]
    near = tuple(difflib.get_close_matches(name, list(known), n=2))
    raise UnknownNameError(parameter, name, "one of " + ", ".join(known), suggestions=near)


def landmark_points(
    site: Site | str,
    side: Side | str,
    names: Sequence[str],
    anatomy: Any = None,
) -> Quantity:
    """The named landmarks of ``site`` on ``side``, scaled to ``anatomy``: an (N, 2) array, mm.

    The points are in the order named, so a chart numbers them so.

    Examples:
        >>> import mesocalc
        >>> xy = mesocalc.landmark_points("jawline", "right", ["mandibular angle", "chin"])
        >>> print(xy)
        [[-46.0 -91.0] [-18.0 -112.0]] millimeter

    Raises:
        UnknownNameError: an unknown site or landmark (naming ``site`` or
            ``landmarks[i]``, the nearest names suggested).
        InvalidValueError: naming ``landmarks`` (none, not a list, or one named twice),
            ``landmarks[i]`` (on another site) or ``side`` (not "left" or "right" on a
            paired site; any side on a midline site).
    """
    named = site_of(site)
    if isinstance(names, (str, bytes, bytearray)) or not isinstance(names, Sequence) or not names:
        raise InvalidValueError(
            "landmarks", names, "a non-empty list of landmark names, such as ['chin']"
        )
    side_of(named, side, both=False)
    marks: list[Landmark] = []
    for i, name in enumerate(names):
        mark = landmark(name, parameter=f"landmarks[{i}]")
        if mark.site != named.name:
            on = ", ".join(m.name for m in landmarks(named.name)) or "none"
            raise InvalidValueError(
                f"landmarks[{i}]",
                name,
                f"a landmark on the {named.name} ({on})",
                f"it lies on the {mark.site}",
            )
        if mark in marks:
            raise InvalidValueError(
                f"landmarks[{i}]", name, "each landmark once", "one point per landmark"
            )
        marks.append(mark)
    xy = [m.position(side=side, anatomy=anatomy).magnitude for m in marks]
    return quantity(np.array(xy, dtype=float).reshape(-1, 2), _MM)


def check_stored(placement: Any, location: Any, spacing_mm: float, area_mm2: float) -> None:
    """Refuse a stored plan's landmarks that plan() could not have placed.

    The anatomy that placed the points is not stored, but the points imply it: each is
    its landmark scaled along the view's two measurements (and mirrored for the left).
    So the names must be the site's landmarks as plan() writes them, each once; one
    scale must place every point, on the stored side; the stored outline must be the
    template at that scale (less a product's keep-out zones); the area, its area; and
    the spacing, the least distance between the points (or any, for one point).

    Raises:
        InvalidValueError: naming ``placement.landmarks[i]``,
            ``placement.landmark_points[i]``, ``placement.shape``, ``location.site``,
            ``location.side``, ``area`` or ``spacing``.
    """
    from mesocalc._geometry.shapes import least_distance  # noqa: PLC0415 - shapes on first use

    site = None if location is None else location.site
    if site is None:
        raise InvalidValueError(
            "location.site", None, "the site whose landmarks the points are on"
        )
    named = Site.named(site)
    try:
        side = side_of(named, location.side, both=False)
    except InvalidValueError as exc:
        raise InvalidValueError("location.side", exc.value, exc.expected, exc.detail) from None
    if side is None:  # a midline site: it has no landmarks
        raise InvalidValueError("location.site", site, "a paired site, whose landmarks these are")
    marks = _stored_marks(placement.landmarks, site)
    xy = placement.landmark_points.to(_MM).magnitude
    anatomy = _implied(marks, xy, side, named)
    for i, mark in enumerate(marks):
        expected = mark.position(side=side, anatomy=anatomy).magnitude
        if not np.allclose(xy[i], expected, rtol=1e-9, atol=1e-9):
            raise InvalidValueError(
                f"placement.landmark_points[{i}]",
                [float(v) for v in xy[i]],
                f"the {mark.name} at the scale of the other points, {expected.round(6).tolist()}",
            )
    _check_outline(placement.shape, named, side, anatomy, area_mm2)
    least = least_distance(tuple(map(tuple, xy)))
    if least is not None and not math.isclose(least, spacing_mm, rel_tol=1e-9):
        raise InvalidValueError(
            "spacing",
            f"{quantity(spacing_mm, _MM):.6g~P}",
            f"the least distance between the landmark points, {quantity(least, _MM):.6g~P}",
        )


def _stored_marks(names: tuple[str, ...], site: str) -> list[Landmark]:
    """The stored names' landmarks: the site's, each once, spelled as plan() writes them."""
    marks: list[Landmark] = []
    for i, name in enumerate(names):
        mark = landmark(name, parameter=f"placement.landmarks[{i}]")
        if mark.site != site or mark in marks or name != mark.name:
            raise InvalidValueError(
                f"placement.landmarks[{i}]",
                name,
                f"a landmark of the {site}, each once, as plan() writes it",
                f"it lies on the {mark.site}"
                if mark.site != site
                else "named twice"
                if mark in marks
                else f"plan() writes {mark.name!r}",
            )
        marks.append(mark)
    return marks


def _implied(marks: list[Landmark], xy: Any, side: Side, named: Site) -> Any:
    """The anatomy whose scale places the first point where it is stored."""
    view = _templates.view_of(named)
    ref = _templates.Anatomy()
    mirror = -1.0 if side is Side.LEFT else 1.0
    (rx, ry), (x, y) = marks[0].xy, xy[0]
    sx, sy = x / (rx * mirror), y / ry
    scales = {view.scale_x: sx, view.scale_y: sy}
    if not (sx > 0 and sy > 0 and (view.scale_x != view.scale_y or math.isclose(sx, sy))):
        raise InvalidValueError(
            "placement.landmark_points[0]",
            [float(x), float(y)],
            f"the {marks[0].name} on the {side.value} side, at a scale of the template",
        )
    try:
        return _templates.Anatomy(
            **{n: quantity(ref.measure(n) * k, _MM) for n, k in scales.items()}
        )
    except MesocalcError as exc:
        raise InvalidValueError(
            "placement.landmark_points", xy.tolist(), "points of a human face", str(exc)
        ) from None


def _check_outline(shape: Any, named: Site, side: Side, anatomy: Any, area_mm2: float) -> None:
    """The stored outline is the template at the points' scale, or it less keep-out zones."""
    from mesocalc._geometry.shapes import polygon_of, shapely_module  # noqa: PLC0415 - as above

    template = _templates.outline(named, side, anatomy)
    drawn = [template]
    for product in _templates.keep_out_products(named):
        try:
            cut = _templates.cut(template, _templates.keep_out(named, product, side, anatomy))
        except InvalidValueError:  # the product's zones cover the site: no plan there
            continue
        drawn += [] if cut is None else [cut]
    same = shapely_module().equals_exact
    stored = polygon_of(shape)
    if not any(same(stored, polygon_of(d), tolerance=1e-6) for d in drawn):
        raise InvalidValueError(
            "placement.shape",
            shape,
            f"the {named.name}'s template at the scale of the landmark points "
            "(less a product's keep-out zones)",
        )
    if not math.isclose(area_mm2, shape._area_mm2(), rel_tol=1e-9):
        raise InvalidValueError("area", area_mm2 / 100.0, "the stored outline's area, cm²")
