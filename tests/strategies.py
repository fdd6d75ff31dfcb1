"""Hypothesis strategies for mesocalc, kept in one place.

Builders take keyword knobs (a technique, a zone, ``units="random"``) so that tests
state what they vary and nothing else. The strategies for valid plan requests live in
:mod:`mesocalc.testing.strategies`, for clinic software to use too; this module adds the
ones for invalid input, overrides, equipment, arrays and shapes.
"""

from __future__ import annotations

import datetime
import math
from typing import Any, Final

import attrs
import numpy as np
from hypothesis import assume, event
from hypothesis import strategies as st

import mesocalc
from mesocalc._catalog.catalog import default_catalog
from mesocalc._catalog.entries import Range, Spec
from mesocalc._quantities import validators as _validators
from mesocalc._quantities.parameters import PARAMETERS, RANGED
from mesocalc._quantities.units import Dim, quantity
from mesocalc.testing.strategies import (
    UNIT_CHOICES,
    areas,
    entries,
    expressed,
    in_range,
    plan_requests,
)

__all__ = [  # the shared strategies, re-exported for the tests, and this module's own
    "INVISIBLE",
    "UNIT_CHOICES",
    "anatomies",
    "any_requests",
    "areas",
    "array_requests",
    "bare_numbers",
    "command_lines",
    "contraindicated_pairs",
    "courses",
    "derived_requests",
    "entries",
    "expressed",
    "fitting_needle",
    "frame_rows",
    "garbage_strings",
    "geometries",
    "hostile_files",
    "hostile_geometries",
    "hostile_plan_keywords",
    "hostile_quantities",
    "hostile_text",
    "in_range",
    "injectors",
    "invisible_text",
    "needles",
    "nested_lists",
    "not_catalogs",
    "overrides",
    "patients",
    "plan_requests",
    "plans_of_every_kind",
    "records",
    "required",
    "sessions",
    "shaped_requests",
    "shapes",
    "spacings_mm",
    "star_polygons",
    "syringes",
    "translated",
    "unpublished_pairs",
    "unpublished_requests",
]


def contraindicated_pairs() -> st.SearchStrategy[tuple[mesocalc.Technique, mesocalc.Zone]]:
    """Technique x zone pairs the catalog rules out."""
    return st.sampled_from(sorted(default_catalog().contraindicated))


def unpublished_pairs() -> st.SearchStrategy[tuple[mesocalc.Technique, mesocalc.Zone]]:
    """Technique x zone pairs no source publishes and nothing rules out."""
    return st.sampled_from(sorted(default_catalog().unpublished))


@st.composite
def unpublished_requests(draw: st.DrawFn) -> dict[str, Any]:
    """plan() keyword arguments for a use no source publishes: every parameter, an override.

    Within the technique's own ranges; the zone's hard limits may still refuse one.
    """
    entry = default_catalog().unpublished[draw(unpublished_pairs())]
    request = draw(plan_requests(entry=entry, units="canonical"))
    for name in RANGED:
        if name not in request:
            request[name] = draw(
                expressed(draw(in_range(entry.ranges()[name])), PARAMETERS[name].dim)
            )
    return {**request, "override": draw(overrides())}


def required(entry: Spec) -> dict[str, Any]:
    """A value for every range of ``entry`` that has no default (no source gives one).

    The range's low bound, or its high bound when the low one is 0 or excluded.
    """
    out: dict[str, Any] = {}
    for name, r in entry.ranges().items():
        if r.nominal_magnitude is None:
            m = r.high_magnitude if r.low_open or r.low_magnitude == 0 else r.low_magnitude
            out[name] = f"{m!r} {PARAMETERS[name].json}"
    return out


def bare_numbers() -> st.SearchStrategy[Any]:
    """Numbers without a unit: never accepted for a dimensioned input."""
    return st.one_of(
        st.integers(min_value=-(10**6), max_value=10**6),
        st.floats(allow_nan=True, allow_infinity=True),
    )


def garbage_strings() -> st.SearchStrategy[str]:
    """Strings that are not one number followed by one known unit."""
    return st.one_of(
        st.sampled_from(
            [
                "",
                "mm",
                "1.5 ML",
                "30 G",
                "nan mL",
                "inf mm",
                "1,500 mm",
                "2**99999999 cm^2",
                "(" * 200 + "1 mm" + ")" * 200,
                "1 mm 2 mm",
                "1e9999 mm",
                "x" * 200_000,
                "one mm",
                "1 parsec",
            ]
        ),
        st.text(alphabet="()*^+-/eE.,0123456789 abcmLgG%°µ", max_size=40).filter(_not_valid),
    )


def _not_valid(text: str) -> bool:
    """Whether ``text`` is not a value of any dimension ("2mm2" is an area, not a length)."""
    for dim in Dim:
        try:
            mesocalc._quantities.units.parse_string(text, "x", dim)
        except mesocalc.MesocalcError:
            continue
        return False
    return True


# --- guardrails (issue 4) ---------------------------------------------------------------------


def overrides() -> st.SearchStrategy[mesocalc.Override]:
    """Overrides with a visible reason, with or without a name."""
    visible = st.text(min_size=1, max_size=30).filter(_validators.visible)
    return st.builds(mesocalc.Override, reason=visible, by=st.none() | visible)


def _wide(r: Range, name: str) -> st.SearchStrategy[float]:
    """Magnitudes inside, around and beyond a range, and outside the parameter's domain."""
    if name == "angle":
        return st.one_of(in_range(r), st.floats(min_value=-10.0, max_value=120.0))
    if name == "loss_fraction":
        return st.one_of(in_range(r), st.floats(min_value=-0.2, max_value=1.2))
    high = max(r.high_magnitude, 1e-3)
    beyond = st.floats(min_value=high * 1e-2, max_value=high * 3)
    # Weighted towards plannable values: a non-positive one ends the request at once.
    return st.one_of(in_range(r), beyond, in_range(r), beyond, st.sampled_from([0.0, -high]))


@st.composite
def any_requests(draw: st.DrawFn, *, entry: Spec | None = None) -> dict[str, Any]:
    """Keyword arguments for mesocalc.plan() across the whole catalog, in range or not."""
    entry = entry or draw(entries())
    kwargs: dict[str, Any] = {
        "technique": entry.technique,
        "zone": entry.zone,
        "area": draw(expressed(draw(areas(max_mm2=2e4)), Dim.AREA)),
        **required(entry),  # a range no source gives a default for must be given
    }
    for name, r in entry.ranges().items():
        if name == "thread_length" or not draw(st.booleans()):
            continue
        kwargs[name] = draw(expressed(draw(_wide(r, name)), PARAMETERS[name].dim))
    if draw(st.booleans()):
        kwargs["override"] = draw(overrides())
    if draw(st.booleans()):
        kwargs["needle"] = draw(needles())
    if draw(st.booleans()):
        kwargs["syringe"] = draw(syringes())
    return kwargs


def needles() -> st.SearchStrategy[mesocalc.Needle]:
    """Needles of the gauges ISO 9626 defines, from 0.5 mm to 20 mm long."""
    return st.builds(
        mesocalc.Needle,
        gauge=st.integers(min_value=10, max_value=34),
        length=st.floats(min_value=0.5, max_value=20.0).map(lambda m: f"{m!r} mm"),
    )


def fitting_needle(draw: st.DrawFn, entry: Spec, reach: float) -> mesocalc.Needle:
    """A needle the catalog names for the entry's technique, at least ``reach`` mm long.

    Its length and gauge lie in the technique's needle ranges (any length and gauge where
    the catalog names none); a reach beyond the longest named needle is not drawn.
    """
    lengths, gauges = entry.needle, entry.needle_gauge
    low, high = (reach, reach + 10.0) if lengths is None else (reach, lengths.high_magnitude)
    if lengths is not None:
        low = max(low, lengths.low_magnitude)
    assume(low <= high)
    length = draw(st.floats(low, high))
    gauge = draw(st.integers(25, 34) if gauges is None else st.integers(gauges.low, gauges.high))
    return mesocalc.Needle(gauge=gauge, length=f"{length!r} mm")


def syringes() -> st.SearchStrategy[mesocalc.Syringe]:
    """The sourced presets and syringes of arbitrary capacity and dead space."""
    return st.one_of(
        st.sampled_from(["1 mL", "5 mL", "10 mL"]).map(mesocalc.Syringe.conventional),
        st.just(mesocalc.Syringe.low_dead_space()),
        st.builds(
            mesocalc.Syringe,
            capacity=st.floats(min_value=0.1, max_value=60.0).map(lambda m: f"{m!r} mL"),
            dead_space=st.floats(min_value=0.0, max_value=200.0).map(lambda m: f"{m!r} uL"),
        ),
    )


MEDICATIONS = ["aspirin", "ASPIRIN", "Vitamin E", "St John's Wort", "fish oils", "ginkgo",
               "evening primrose", "garlic", "ginger", "feverfew", "ginseng", "ibuprofen",
               "Advil", "alcohol", "metformin", "vitamin D"]  # fmt: skip


# Every question of the general rules answered "no" or "none": a patient screened and clear.
NOTHING_TO_REPORT: dict[str, Any] = {
    "pregnant": False,
    "breastfeeding": False,
    "clotting_disorder": False,
    "capillary_fragility": False,
    "hypertension_stage": 0,
    "skin_infection_at_site": False,
    "allergies": (),
    "recent_medications": {},
}
# The deoxycholic acid label's questions (KYB-ISI), answered "no".
LABEL_NOTHING_TO_REPORT: dict[str, Any] = {
    "dysphagia": False,
    "thyromegaly": False,
    "cervical_lymphadenopathy": False,
}


def answered(**answers: Any) -> mesocalc.Patient:
    """A patient who answered every question: ``answers``, and "no" or "none" to the rest."""
    return mesocalc.Patient(**{**NOTHING_TO_REPORT, **LABEL_NOTHING_TO_REPORT, **answers})


def _maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """An answer, or None (not asked)."""
    return st.none() | strategy


def patients() -> st.SearchStrategy[mesocalc.Patient]:
    """Patients with any combination of answers (None: not asked), allergies and medications."""
    # Anticoagulants and antiplatelets (with and without a published window, brand names,
    # doses and misspellings).
    bleeding = ["warfarin", "Coumadin", "apixaban", "Xarelto", "enoxaparin", "clopidogrel",
                "Plavix", "prasugrel", "ticagrelor", "Warfarin 5 mg", "warfarine", "LMWH",
                "Aspirin 81 mg", "Nurofen", "naproxen"]  # fmt: skip
    flag = _maybe(st.booleans())
    return st.builds(
        mesocalc.Patient,
        pregnant=flag,
        breastfeeding=flag,
        clotting_disorder=flag,
        capillary_fragility=flag,
        hypertension_stage=_maybe(st.integers(min_value=0, max_value=3)),
        skin_infection_at_site=flag,
        allergies=_maybe(
            st.lists(
                st.sampled_from(["lidocaine", "procaine", "latex", "HA", "hyaluronan"]),
                max_size=2,
            ).map(tuple)
        ),
        recent_medications=_maybe(
            st.dictionaries(
                st.sampled_from([*MEDICATIONS, *bleeding]),
                st.floats(min_value=0, max_value=30),
                max_size=4,
            )
        ),
        dysphagia=flag,
        thyromegaly=flag,
        cervical_lymphadenopathy=flag,
        keloid_history=flag,
        age=_maybe(st.integers(min_value=0, max_value=150)),
    )


# --- arrays (issue 5) ---------------------------------------------------------------------


def _as_array(draw: st.DrawFn, mags: list[float], dim: Dim, form: str) -> tuple[Any, list[Any]]:
    """``mags`` as one array input and as the scalar input of each element."""
    if dim is Dim.FRACTION:
        return (np.array(mags) if form == "quantity" else list(mags)), list(mags)
    text, name, factor = draw(st.sampled_from(UNIT_CHOICES[dim]))
    if form == "strings":
        strings = [f"{m / factor!r} {text}" for m in mags]
        return strings, strings
    values = np.array(mags) / factor
    return quantity(values, name), [quantity(float(v), name) for v in values]


@st.composite
def array_requests(
    draw: st.DrawFn, *, entry: Spec | None = None, max_size: int = 6
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """plan() keyword arguments with array inputs, and the scalar request of each element.

    The area is always an array (of strings or a Quantity); every other parameter is
    unset, a scalar shared by all elements, or an array of the same length.
    """
    entry = entry or draw(entries())
    n = draw(st.integers(min_value=1, max_value=max_size))
    lattice = "square" if entry.geometry == "thread" else draw(st.sampled_from(["square", "hex"]))
    kwargs: dict[str, Any] = {"technique": entry.technique, "zone": entry.zone, "lattice": lattice}
    scalars = [dict(kwargs) for _ in range(n)]
    form = draw(st.sampled_from(["strings", "quantity"]))
    kwargs["area"], each = _as_array(
        draw, draw(st.lists(areas(entry=entry), min_size=n, max_size=n)), Dim.AREA, form
    )
    for i, value in enumerate(each):
        scalars[i]["area"] = value
    for name in RANGED:
        r, dim = entry.ranges()[name], PARAMETERS[name].dim
        modes = (
            ["unset", "scalar", "array"]
            if r.nominal_magnitude is not None
            else ["scalar", "array"]
        )
        mode = draw(st.sampled_from(modes))
        if mode == "scalar":
            kwargs[name] = draw(expressed(draw(in_range(r)), dim))
            for s in scalars:
                s[name] = kwargs[name]
        elif mode == "array":
            mags = draw(st.lists(in_range(r), min_size=n, max_size=n))
            form = draw(st.sampled_from(["strings", "quantity"]))
            kwargs[name], each = _as_array(draw, mags, dim, form)
            for i, value in enumerate(each):
                scalars[i][name] = value
    return kwargs, scalars


# Shapes (issue 3). Sizes are in mm and kept to what a layout handles quickly in a test.


def spacings_mm(*, low: float = 2.0, high: float = 20.0) -> st.SearchStrategy[float]:
    """Lattice spacings in mm."""
    return st.floats(min_value=low, max_value=high, allow_nan=False)


@st.composite
def star_polygons(
    draw: st.DrawFn, *, low: float = 5.0, high: float = 80.0, centre: tuple[float, float] = (0, 0)
) -> mesocalc.Polygon:
    """Simple polygons: vertices at increasing angles round ``centre``, random radii in mm.

    Every such polygon is star-shaped about its centre, hence simple, convex or not.
    """
    n = draw(st.integers(min_value=3, max_value=9))
    # Angles spread over the whole turn, each sector narrower than half a turn, so the
    # centre is strictly inside and no three vertices are collinear through it.
    gaps = draw(st.lists(st.floats(0.2, 1.0), min_size=n, max_size=n))
    total = sum(gaps)
    angles = [2 * math.pi * sum(gaps[:i]) / total for i in range(n)]
    if max(gaps) / total >= 0.5:
        angles = [2 * math.pi * i / n for i in range(n)]
    radii = draw(st.lists(st.floats(low, high), min_size=n, max_size=n))
    cx, cy = centre
    return mesocalc.Polygon(
        quantity(
            [
                [cx + r * math.cos(a), cy + r * math.sin(a)]
                for r, a in zip(radii, angles, strict=True)
            ],
            "millimeter",
        )
    )


@st.composite
def shapes(draw: st.DrawFn, *, low: float = 5.0, high: float = 80.0) -> mesocalc.Shape:
    """Any mesocalc shape with sizes from ``low`` to ``high`` mm, in random length units."""
    size = st.floats(min_value=low, max_value=high, allow_nan=False)
    kind = draw(st.sampled_from(["rectangle", "circle", "ellipse", "polygon"]))
    if kind == "polygon":
        return draw(star_polygons(low=low / 2, high=high / 2))
    length = size.flatmap(lambda m: expressed(m, Dim.LENGTH))
    if kind == "circle":
        return mesocalc.Circle(draw(length))
    cls = mesocalc.Rectangle if kind == "rectangle" else mesocalc.Ellipse
    return cls(draw(length), draw(length))


def translated(shape: mesocalc.Shape, dx: float, dy: float) -> mesocalc.Polygon:
    """``shape`` as a polygon moved by (dx, dy) mm."""
    from mesocalc._geometry.shapes import polygon_of  # noqa: PLC0415 - test helper

    poly = polygon_of(shape)
    shell = [[x + dx, y + dy] for x, y in poly.exterior.coords[:-1]]
    holes = [quantity([[x + dx, y + dy] for x, y in r.coords[:-1]], "mm") for r in poly.interiors]
    return mesocalc.Polygon(quantity(shell, "millimeter"), holes=holes)


def injectors() -> st.SearchStrategy[mesocalc.Injector]:
    """Heads of 1 to 18 needles in any valid grid."""
    return st.integers(min_value=1, max_value=18).flatmap(
        lambda n: st.sampled_from([d for d in range(1, n + 1) if n % d == 0]).map(
            lambda rows: mesocalc.Injector(needles=n, rows=rows)
        )
    )


def toml_scalars() -> st.SearchStrategy[str]:
    """TOML values, as text, of every kind a session file might hold by mistake."""
    return st.one_of(
        st.sampled_from(
            [
                '"classic"',
                '"face"',
                '"40 cm^2"',
                '"2 mm"',
                '"0.05 mL"',
                '"deoxycholic acid"',
                '"left"',
                '"right"',
            ]
        ),
        st.sampled_from(["1e400", "-0", "nan", "inf", "true", "[]", "{}", "1979-05-27", "[1, 2]"]),
        st.integers(min_value=-(10**20), max_value=10**20).map(str),
        garbage_strings().map(lambda s: '"' + s.replace("\\", "\\\\").replace('"', "'") + '"'),
    )


def _toml_tables() -> st.SearchStrategy[str]:
    """Inline tables a session file holds (a product, an override, a needle), right or wrong."""
    return st.sampled_from(
        [
            '{ name = "hyaluronic acid", lot = "A1", expires = 2027-01-31 }',
            '{ name = "deoxycholic acid", concentration = "5 mg/mL" }',
            '{ name = "x", label = "kybella" }',
            '{ name = "x", label = "nothing" }',
            '{ lot = "A1" }',
            '{ nmae = "x" }',
            '{ reason = "thick skin", by = "Dr Rossi" }',
            '{ reason = " " }',
            '{ by = "Dr Rossi" }',
            '{ resaon = "x" }',
            '{ gauge = 30, length = "4 mm" }',
            '{ gauge = "30G" }',
            '{ gauge = 99, length = "4 mm" }',
            "{ gauge = 30, length = 4 }",
            "{ a = { b = [1, { c = 2 }] } }",
        ]
    )


@st.composite
def session_files(draw: st.DrawFn) -> str:
    """Session files: the right keys with wrong values, wrong keys, or no TOML at all."""
    top = [
        "product", "lot", "expires", "date", "syringe", "colour", "concentration", "label",
        "needle", "override",
    ]  # fmt: skip
    keys = [
        "technique", "zone", "area", "spacing", "volume_per_point", "depth", "points", "side", "x",
        "override", "needle", "dpeth",
    ]  # fmt: skip
    values = st.one_of(toml_scalars(), _toml_tables())
    lines = [f"{k} = {draw(values)}" for k in draw(st.sets(st.sampled_from(top)))]
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        lines.append("[[areas]]")
        lines += [f"{k} = {draw(values)}" for k in draw(st.sets(st.sampled_from(keys)))]
    text = "\n".join(lines)
    return draw(st.one_of(st.just(text), st.text(max_size=40), st.just(text[: len(text) // 2])))


# --- sessions and their export (issue 11) ------------------------------------------------


def _visible(max_size: int) -> st.SearchStrategy[str]:
    return st.text(min_size=1, max_size=max_size).filter(_validators.visible)


# --- strengths and dilutions (issue 18) --------------------------------------------------------

_MG_PER_ML: Final = {"mg/mL": 1.0, "g/L": 1.0, "ug/uL": 1.0, "mg/cc": 1.0, "ug/mL": 1e-3}
_U_PER_ML: Final = {"U/mL": 1.0, "U/ml": 1.0, "U/cc": 1.0, "U/uL": 1e3, "U/µL": 1e3, "U/L": 1e-3}


def strengths(
    *, low: float = 0.01, high: float = 100.0, biological: bool | None = None
) -> st.SearchStrategy[str]:
    """Product strengths as strings, in mg/mL or in biological units per mL, any spelling.

    The magnitude per mL lies in [low, high]; ``biological`` picks one kind (None: both).
    """
    tables = {False: [_MG_PER_ML], True: [_U_PER_ML], None: [_MG_PER_ML, _U_PER_ML]}[biological]
    return st.sampled_from(tables).flatmap(
        lambda table: st.tuples(st.floats(low, high), st.sampled_from(sorted(table))).map(
            lambda cu: f"{cu[0] / table[cu[1]]!r} {cu[1]}"
        )
    )


def amounts() -> st.SearchStrategy[str]:
    """A vial's active: a mass or biological units, as strings."""
    mass = st.floats(0.1, 100.0).map(lambda m: f"{m!r} mg")
    units = st.floats(1.0, 1000.0).map(lambda u: f"{u!r} U")
    return mass | units


def diluents() -> st.SearchStrategy[Any]:
    """Diluent volumes: one volume string, or a list of 1 to 4 of them."""
    one = st.floats(0.1, 20.0).map(lambda v: f"{v!r} mL")
    return one | st.lists(one, min_size=1, max_size=4)


@st.composite
def sessions(draw: st.DrawFn, *, max_areas: int = 4) -> mesocalc.Session:
    """Dated sessions of catalog areas, with sides, needles, a clinic's own product, a patient.

    The product has no label (so no label caps), a lot and a concentration or not, and
    an expiry, if any, on or after the session's date. A needle, when an area has one,
    is long enough for the area's insertion.
    """
    plans = []
    for request in draw(
        st.lists(plan_requests(units="canonical"), min_size=1, max_size=max_areas)
    ):
        p = mesocalc.plan(**request)
        if draw(st.booleans()):
            entry = mesocalc.spec(p.technique, p.zone)
            needle = fitting_needle(draw, entry, p.insertion_length.to("mm").magnitude)
            p = mesocalc.plan(**request, needle=needle)
        plans.append(p)
    date = draw(st.dates(datetime.date(2020, 1, 1), datetime.date(2040, 12, 31)))
    product = mesocalc.Product(
        name=draw(_visible(40)),
        concentration=draw(st.none() | strengths()),
        lot=draw(st.none() | _visible(20)),
        expires=draw(st.none() | st.dates(date, datetime.date(2045, 12, 31))),
    )
    sides = draw(
        st.lists(
            st.sampled_from([None, "left", "right"]), min_size=len(plans), max_size=len(plans)
        )
    )
    patient = draw(st.none() | patients())
    if patient is not None and mesocalc.screen(patient, product=(product.name,)).absolute:
        patient = None  # an absolute finding refuses the session
    try:
        return mesocalc.Session(
            plans=plans, sides=sides, date=date, product=product, patient=patient
        )
    except mesocalc.SoftLimitError:  # areas on one zone over the catalog's summed session cap
        return mesocalc.Session(
            plans=plans,
            sides=sides,
            date=date,
            product=product,
            patient=patient,
            override=mesocalc.Override(reason="a generated session over the summed cap"),
        )


@st.composite
def courses(draw: st.DrawFn, *, max_areas: int = 2) -> mesocalc.Course:
    """Courses laid out from a drawn session: 1 to 4 sessions, 1 to 30 days apart.

    The product keeps no expiry (a later session would be past it); a syringe or not.
    """
    first = draw(sessions(max_areas=max_areas))
    assert first.product is not None
    product = mesocalc.Product(
        name=first.product.name, concentration=first.product.concentration, lot=first.product.lot
    )
    return mesocalc.Course.lay_out(
        list(first.plans),
        first=first.date,
        count=draw(st.integers(min_value=1, max_value=4)),
        every=draw(st.integers(min_value=1, max_value=30)),
        product=product,
        syringe=draw(st.none() | syringes()),
        sides=list(first.sides) or None,
        patient=first.patient,
        override=first.override,
    )


# --- plans on shapes, with every part (issue 11) ------------------------------------------


@st.composite
def shaped_requests(draw: st.DrawFn, *, high: float = 60.0) -> dict[str, Any]:
    """plan() keyword arguments on a shape, with the parts only such plans have.

    A catalog entry's request, within its ranges, on a shape of 10 to ``high`` mm, with
    a margin or not, threads in a pattern (retrograde) or a head (point techniques), a
    needle long enough for the insertion, a syringe, and an override with a volume per
    point beyond the range. The planner may still refuse one: a margin that leaves no
    room for a point, a session cap.
    """
    entry = draw(entries())
    request = draw(plan_requests(entry=entry, units="canonical"))
    request["area"] = draw(shapes(low=10.0, high=high))
    if draw(st.booleans()):
        request["margin"] = f"{draw(st.floats(0.0, 5.0))!r} mm"
    if entry.geometry == "thread":
        request["pattern"] = draw(st.sampled_from(["parallel", "crosshatch", "fan"]))
    elif draw(st.booleans()):
        head = draw(injectors())
        request["injector"] = head
        request["lattice"] = "square"
    if draw(st.booleans()):
        request["override"] = draw(overrides())
        high_vpp = entry.volume_per_point.high_magnitude
        request["volume_per_point"] = f"{draw(st.floats(high_vpp, high_vpp * 2))!r} mL"
    if draw(st.booleans()):
        request["syringe"] = draw(syringes())
    if draw(st.booleans()):
        try:
            reach = mesocalc.plan(**request).insertion_length.to("mm").magnitude
        except mesocalc.MesocalcError:
            reach = 20.0
        request["needle"] = fitting_needle(draw, entry, reach)
    return request


# --- the command line (issue 11) -------------------------------------------------------------

_CLI_COMMANDS = ("plan", "session", "spec", "zones", "techniques", "sources")
_CLI_FLAGS = (
    "--technique", "--zone", "--area", "--spacing", "--volume-per-point", "--total-volume",
    "--points", "--dose-per-area", "--depth", "--angle", "--loss-fraction", "--lattice",
    "--needle-gauge", "--needle-length", "--syringe", "--low-dead-space", "--override", "--by",
    "--json", "--json", "--version", "-h", "--", "-", "--dep", "--d", "--area=",
)  # fmt: skip
_CLI_VALUES = (
    "classic", "nappage", "retrograde", "infiltration", "Point_by Point", "clasic", "face",
    "eyelid", "scalp", "submental", "periorbital", "40 cm^2", "100 cm^2", "2 mm", "2.2 mm",
    "0.5", "50 %", "50", "nan", "-1", "30", "30G", "9G", "1 mL", "2 mL", "hex", "hexagonal",
    "200", "0", "-5", "99999999999999999999", "thick skin", " ", "", ".", "/", "0.2 mL/cm^2",
)  # fmt: skip


def _cli_values() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(_CLI_VALUES),
        garbage_strings().filter(lambda s: len(s) < 1000),
        st.text(max_size=20),
    )


@st.composite
def command_lines(draw: st.DrawFn) -> list[str]:
    """Argument lists for ``mesocalc``: often a plan to which wrong flags and values are added.

    Known flags, the values clinicians type, garbage strings and arbitrary text, in any
    order, so that both argparse and the planner see hostile input.
    """
    if draw(st.booleans()):
        words = ["plan", "--technique", draw(_cli_values()), "--zone", draw(_cli_values())]
        words += ["--area", draw(_cli_values())]
    else:
        words = [draw(st.one_of(st.sampled_from(_CLI_COMMANDS), st.text(max_size=12)))]
    for _ in range(draw(st.integers(min_value=0, max_value=6))):
        words.append(draw(st.one_of(st.sampled_from(_CLI_FLAGS), st.text(max_size=12))))
        if draw(st.booleans()):
            words.append(draw(_cli_values()))
    return words


# --- clinic protocols (issue 11) ------------------------------------------------------------


@st.composite
def protocol_files(draw: st.DrawFn) -> str:
    """Protocol files: a header, then changes to real catalog tables with any values."""
    header = ["format = 1", 'name = "Clinic"', 'version = "1"']
    lines = [h for h in header if draw(st.integers(0, 9)) > 0]
    tables = [
        "[zones.face.techniques.classic]",
        "[zones.eyelid.techniques.classic]",
        "[zones.eyelid]",
        "[zones.hands.techniques.nappage]",
        "[zones.eyelid.techniques.nappage]",
        "[techniques.classic]",
        "[sources]",
        "[zones.nowhere]",
    ]
    keys = ["source", "depth", "spacing", "session", "depth_cap", "layer", "CLINIC", "nominal"]
    values = st.one_of(
        toml_scalars(),
        st.sampled_from(
            [
                '{ low = 1, high = 1.5, unit = "mm", source = ["SEED3"] }',
                '{ high = 0.5, unit = "mm", source = ["SEED3"], hard = true }',
                '{ nominal = 0.8, source = ["SEED3"] }',
                '{ points = 10, source = ["SEED3"] }',
                '["SEED3"]',
                '{ citation = "x" }',
            ]
        ),
    )
    for table in draw(st.lists(st.sampled_from(tables), max_size=3, unique=True)):
        lines.append(table)
        lines += [f"{k} = {draw(values)}" for k in draw(st.sets(st.sampled_from(keys)))]
    return "\n".join(lines) + "\n"


# --- notebooks and geometries (issue 12) ---------------------------------------------------

# Array shapes a notebook may be shown: 0-d, empty, one element, 2-D, empty 2-D, 3-D.
ARRAY_SHAPES: tuple[tuple[int, ...], ...] = ((), (0,), (1,), (2, 3), (3, 0), (1, 2, 2))
PLAN_KINDS = ("scalar", "equipment", "any", "arrays", "nd", "shaped", "threads", "injector")


def _planned(request: dict[str, Any]) -> mesocalc.Plan | mesocalc.PlanArray:
    """plan(**request); a refusal (a request drawn out of range, a layout too small) is skipped."""
    try:
        planned: mesocalc.Plan | mesocalc.PlanArray = mesocalc.plan(**request)
    except mesocalc.MesocalcError:
        assume(False)
        raise  # unreachable: assume(False) rejects the example
    return planned


@st.composite
def plans_of_every_kind(
    draw: st.DrawFn, *, kinds: tuple[str, ...] = PLAN_KINDS
) -> mesocalc.Plan | mesocalc.PlanArray:
    """Plans of each kind a notebook shows: of one area (with equipment, with overrides),
    over arrays of any shape (0-d, empty, 2-D), on a shape, of threads, with a head.
    """
    kind = draw(st.sampled_from(kinds))
    event(f"plan kind: {kind}")
    if kind == "scalar":
        return _planned(draw(plan_requests()))
    if kind == "equipment":
        request = draw(plan_requests(units="canonical"))
        plain = _planned(request)
        assert isinstance(plain, mesocalc.Plan)
        entry = mesocalc.spec(plain.technique, plain.zone)
        needle = fitting_needle(draw, entry, plain.insertion_length.to("mm").magnitude)
        return _planned({**request, "needle": needle, "syringe": draw(syringes())})
    if kind == "any":  # in range or not, with an override: the plans that record overrides
        return _planned(draw(any_requests()))
    if kind == "arrays":
        return _planned(draw(array_requests())[0])
    entry = draw(entries())
    if kind == "nd":
        dims = draw(st.sampled_from(ARRAY_SHAPES))
        area = draw(areas(entry=entry)) / 100.0
        request = {"technique": entry.technique, "zone": entry.zone, **required(entry)}
        return _planned({**request, "area": quantity(np.full(dims, area), "centimeter ** 2")})
    request = {"technique": "classic", "zone": "face", "area": draw(shapes(low=20.0, high=80.0))}
    if draw(st.booleans()):
        request["margin"] = f"{draw(st.floats(0.0, 5.0))!r} mm"
    if kind == "threads":
        pattern = draw(st.sampled_from(["parallel", "crosshatch", "fan"]))
        request.update(technique="retrograde", volume_per_point="0.3 mL", pattern=pattern)
    elif kind == "injector":
        request.update(injector=draw(injectors()), lattice="square")
    return _planned(request)


def _rings(draw: st.DrawFn, *, low: float, high: float) -> list[list[tuple[float, float]]]:
    """An outline (a star polygon's vertices) and maybe a hole, as plain numbers."""
    import shapely  # noqa: PLC0415

    outline = draw(star_polygons(low=low, high=high))
    rings = [[(float(x), float(y)) for x, y in outline.vertices.magnitude]]
    # A square hole about the centre, well inside the star's nearest edge.
    r = shapely.Polygon(rings[0]).exterior.distance(shapely.Point(0.0, 0.0)) / 2.0
    if r > 0.1 and draw(st.booleans()):
        rings.append([(-r, -r), (r, -r), (r, r), (-r, r)])
    return rings


@st.composite
def geometries(draw: st.DrawFn) -> tuple[Any, str, float]:
    """Valid polygons as shapely objects, ``__geo_interface__`` objects or GeoJSON dicts,
    with their unit and its size in mm: (geometry, unit, mm per unit).
    """
    import shapely  # noqa: PLC0415 - the test extra installs it; mesocalc imports it on use

    unit, factor = draw(st.sampled_from([("mm", 1.0), ("cm", 10.0), ("m", 1000.0)]))
    rings = _rings(draw, low=8.0, high=60.0)
    rings = [[(x / factor, y / factor) for x, y in ring] for ring in rings]
    closed = [[*ring, ring[0]] for ring in rings]
    form = draw(st.sampled_from(["shapely", "multi", "interface", "dict", "arrays"]))
    if form in ("shapely", "multi"):
        polygon = shapely.Polygon(rings[0], rings[1:])
        return (shapely.MultiPolygon([polygon]) if form == "multi" else polygon), unit, factor
    if form == "arrays":
        return {"type": "Polygon", "coordinates": [np.array(r) for r in rings]}, unit, factor
    data = {"type": "Polygon", "coordinates": [[list(p) for p in r] for r in closed]}
    return (_GeoObject(data) if form == "interface" else data), unit, factor


class _GeoObject:
    """Some other library's geometry: nothing but ``__geo_interface__``."""

    def __init__(self, data: Any) -> None:
        self.__geo_interface__ = data


def _junk() -> st.SearchStrategy[Any]:
    """What a GeoJSON dict's values may hold by mistake: nested lists, text, None, numbers."""
    leaves = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(10**400), max_value=10**400),
        st.floats(allow_nan=True, allow_infinity=True),
        st.text(max_size=8),
        st.just(np.float64("nan")),
        st.just(np.int8(3)),
    )
    return st.recursive(
        leaves,
        lambda inner: st.one_of(
            st.lists(inner, max_size=5),
            st.tuples(inner, inner),
            st.dictionaries(st.text(max_size=5), inner, max_size=3),
        ),
        max_leaves=30,
    )


@st.composite
def _shapely_junk(draw: st.DrawFn) -> Any:
    """shapely geometries that are not one valid outline: crossed, flat, empty, 3-D, parts."""
    import shapely  # noqa: PLC0415

    coords = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)
    points = draw(st.lists(st.tuples(coords, coords), min_size=3, max_size=8))
    polygon = shapely.Polygon(points)  # may cross itself or enclose nothing
    return draw(
        st.sampled_from(
            [
                polygon,
                shapely.Polygon(),
                shapely.MultiPolygon(),
                shapely.Point(points[0]),
                shapely.LineString(points),
                shapely.GeometryCollection([polygon]),
                shapely.MultiPolygon([shapely.box(0, 0, 1, 1), shapely.box(5, 5, 6, 6)]),
                shapely.Polygon([(x, y, 1.0) for x, y in points]),
                shapely.box(0, 0, 1e-12, 1e-12),
            ]
        )
    )


@st.composite
def hostile_geometries(draw: st.DrawFn) -> tuple[Any, Any]:
    """(geometry, unit) pairs that are wrong in every way a caller can get them wrong."""
    kind = st.one_of(
        st.sampled_from(["Polygon", "MultiPolygon", "Point", "Feature", "LineString", ""]),
        st.text(max_size=12),
        _junk(),
    )
    ring = st.lists(
        st.one_of(st.tuples(_junk(), _junk()), st.lists(st.floats(), max_size=4), _junk()),
        max_size=6,
    )
    geometry = draw(
        st.one_of(
            _junk(),
            st.fixed_dictionaries(
                {"type": kind, "coordinates": st.one_of(_junk(), st.lists(ring))}
            ),
            st.fixed_dictionaries({"type": kind}),
            st.lists(ring, max_size=3).map(
                lambda c: _GeoObject({"type": "Polygon", "coordinates": c})
            ),
            _junk().map(_GeoObject),
            _shapely_junk(),
            geometries().map(lambda g: g[0]),
        )
    )
    wrong_unit = st.one_of(
        st.sampled_from(["", "kg", "cm^2", "mL", "parsec", "MM"]),
        st.none(),
        bare_numbers(),
        st.text(max_size=6),
    )
    # Most units are right, so that the geometry itself is read (and found wrong).
    right_unit = st.sampled_from(["mm", "cm", " m ", "µm"])
    unit = draw(right_unit if draw(st.sampled_from([True, True, True, False])) else wrong_unit)
    return geometry, unit


# --- DataFrames of requests (issue 12) -------------------------------------------------------

FRAME_OPTIONAL = (
    *RANGED,
    "lattice",
    "override",
    "override_by",
    "needle_gauge",
    "needle_length",
    "syringe",
    "low_dead_space",
)


def _cell(draw: st.DrawFn, magnitude: float, dim: Dim) -> Any:
    """A canonical magnitude as a clinic's table holds it: text in a random unit."""
    if dim is Dim.FRACTION:
        return magnitude
    text, _, factor = draw(st.sampled_from(UNIT_CHOICES[dim]))
    return f"{magnitude / factor!r} {text}"


def _frame_names(draw: st.DrawFn, entry: Spec) -> tuple[Any, Any]:
    """The technique and zone cells of a row: mostly the entry's, sometimes wrong or empty."""
    kind = draw(st.integers(min_value=0, max_value=19))  # Hypothesis favours 0: a good row
    if kind == 19:
        technique, zone = draw(st.one_of(unpublished_pairs(), contraindicated_pairs()))
        return technique.value, zone.value
    if kind == 18:
        return draw(st.sampled_from(["clasic", None, math.nan])), entry.zone.value
    if kind == 17:
        return entry.technique.value, draw(st.sampled_from(["nowhere", None]))
    return entry.technique.value, entry.zone.value


@st.composite
def frame_rows(draw: st.DrawFn, *, max_rows: int = 5) -> list[dict[str, Any]]:
    """Rows of a clinic's table for plan_frame(), good and bad mixed; None is an empty cell.

    Every row has the same keys (the table's columns), values as a table holds them:
    text with units, numbers for the loss fraction, a gauge, True or False. Bad rows have
    an unknown, unpublished or empty name, an area that does not read or is empty, values
    beyond a catalog range or a domain, or more points than a session allows. Override,
    needle and syringe cells are always valid ones (the example tests cover bad ones).
    """
    columns = draw(st.sets(st.sampled_from(FRAME_OPTIONAL)))
    pool = draw(st.lists(entries(), min_size=1, max_size=2))  # rows of a few kinds: groups
    rows = []
    for _ in range(draw(st.integers(min_value=1, max_value=max_rows))):
        entry = draw(st.sampled_from(pool))
        row: dict[str, Any] = dict.fromkeys(("technique", "zone", "area", *sorted(columns)))
        row["technique"], row["zone"] = _frame_names(draw, entry)
        if draw(st.integers(min_value=0, max_value=9)) < 9:
            row["area"] = _cell(draw, draw(areas(max_mm2=2e4)), Dim.AREA)
        else:
            row["area"] = draw(st.sampled_from(["40 cm", None, "-1 cm^2", "0 mm^2", "x", 40.0]))
        for name in RANGED:
            if name in columns and draw(st.booleans()):
                r = entry.ranges()[name]
                wide = st.one_of(in_range(r), in_range(r), _wide(r, name))
                row[name] = _cell(draw, draw(wide), PARAMETERS[name].dim)
        if "lattice" in columns:
            row["lattice"] = draw(st.sampled_from([None, "square", "hex", "Hex", "hexx"]))
        if "override" in columns and draw(st.booleans()):
            row["override"] = draw(_visible(20))
            if "override_by" in columns and draw(st.booleans()):
                row["override_by"] = draw(_visible(20))
        if {"needle_gauge", "needle_length"} <= columns and draw(st.booleans()):
            row["needle_gauge"] = draw(st.sampled_from([27, 30, 32, "30G", "32 G"]))
            row["needle_length"] = _cell(draw, draw(st.floats(1.0, 20.0)), Dim.LENGTH)
        if "low_dead_space" in columns:
            row["low_dead_space"] = draw(st.sampled_from([None, False, True]))
        if "syringe" in columns:
            sizes = ["1 mL"] if row.get("low_dead_space") else ["1 mL", "5 mL", "10 mL", "10 cc"]
            row["syringe"] = draw(st.sampled_from([None, *sizes]))
        rows.append(row)
    return rows


# --- stored plans, checked again (issue 13) -------------------------------------------------


@st.composite
def derived_requests(draw: st.DrawFn) -> dict[str, Any]:
    """plan() keyword arguments that fix the spacing by ``points`` and the volume per point
    by ``total_volume`` or ``dose_per_area``, in range or not, on a shape or not.
    """
    request = draw(any_requests())
    if draw(st.booleans()):
        request.pop("spacing", None)
        request["points"] = draw(st.integers(min_value=1, max_value=2_000))
    which = draw(st.sampled_from(["volume_per_point", "total_volume", "dose_per_area"]))
    if which == "total_volume":
        request.pop("volume_per_point", None)
        request["total_volume"] = f"{draw(st.floats(0.01, 20.0))!r} mL"
    elif which == "dose_per_area":
        request.pop("volume_per_point", None)
        request["dose_per_area"] = f"{draw(st.floats(0.001, 0.5))!r} mL/cm^2"
    on_shape = "points" in request and request["technique"] is mesocalc.Technique.CLASSIC
    if on_shape and draw(st.booleans()):
        request["area"] = draw(shapes(low=20.0, high=80.0))
        request["points"] = min(request["points"], 200)
    return request


# --- hostile inputs (issue 13) ---------------------------------------------------------------

# Characters that show nothing: zero-width spaces and joiners, bidi marks, the BOM,
# control characters and spaces of every kind.
INVISIBLE = (
    "\u200b\u200c\u200d\u2060\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    "\u2066\u2067\u2068\u2069\ufeff\x00\x07\t\n\r \u00a0\u2003\u3000\u2028"
)


def invisible_text() -> st.SearchStrategy[str]:
    """Non-empty strings that a reader sees as blank."""
    return st.text(alphabet=INVISIBLE, min_size=1, max_size=12)


def hostile_text() -> st.SearchStrategy[str]:
    """Any text: unicode of every category, controls, invisible runs, very long strings."""
    return st.one_of(
        st.text(max_size=40),
        invisible_text(),
        st.text(alphabet=st.characters(codec="utf-8"), max_size=20),
        st.text(alphabet=st.characters(categories=["Cc", "Cf", "Zs", "Mn"]), max_size=10),
        st.just("x" * 100_000),
    )


def _nested(depth: int, leaf: Any) -> Any:
    for _ in range(depth):
        leaf = [leaf]
    return leaf


def nested_lists() -> st.SearchStrategy[Any]:
    """A value inside lists nested too deep for numpy (33) or for recursion (100,000)."""
    return st.builds(
        _nested,
        st.sampled_from([33, 40, 64, 1_000, 100_000]),
        st.sampled_from(["1 cm^2", "2 mm", 1.0, None]),
    )


@st.composite
def hostile_quantities(draw: st.DrawFn, dim: Dim) -> Any:
    """Values of a dimension's shape that are no measurement: huge, tiny, NaN, nested."""
    unit = {Dim.FRACTION: "dimensionless"}.get(dim, dim.canonical)
    symbols = {
        Dim.FRACTION: "%",
        Dim.CONCENTRATION: "mg/mL",
        Dim.DOSE: "mL/cm^2",
        Dim.BIOLOGICAL_CONCENTRATION: "U/mL",
        Dim.BIOLOGICAL: "U",
        Dim.MASS: "mg",
    }
    symbol = symbols.get(dim) or UNIT_CHOICES[dim][0][0]
    huge = draw(st.integers(min_value=10**309, max_value=10**400))
    tiny = draw(st.sampled_from([1e-320, 5e-324, 1e-310, 1e-15, 2.2e-308]))
    try:
        huge_ones = [quantity(huge, unit), quantity(-huge, unit), [quantity(huge, unit)]]
    except OverflowError:  # pint converts some compound units' magnitudes to float
        huge_ones = [f"{'9' * 20}e999 {symbol}"]
    # Tiny values are below the floor of a positive quantity; a fraction may be 0, and
    # a tiny one computes as 0 does, so it is valid.
    tiny_ones = [
        quantity(tiny, unit),
        f"{tiny!r} {symbol}",
        f"1e-400 {symbol}",
        np.array([tiny, 1.0]) * quantity(1.0, unit),
    ]
    values = [
        *huge_ones,
        *(tiny_ones if dim is not Dim.FRACTION else []),
        quantity(float("nan"), unit),
        f"{'9' * 20}e999 {symbol}",
        object(),
        True,
        b"1 mm",
        {},
    ]
    # An index, not the values: hypothesis hashes what it samples, and a Quantity of
    # 10**400 cannot be hashed.
    pick = st.integers(min_value=0, max_value=len(values) - 1).map(values.__getitem__)
    return draw(pick | nested_lists() | garbage_strings())


def not_catalogs() -> st.SearchStrategy[Any]:
    """Values that are not a Catalog, truthy and falsy alike."""
    return st.one_of(
        st.sampled_from([0, {}, [], "", (), False, True, 1, "catalog", b"", 0.0, object()]),
        st.dictionaries(st.text(max_size=4), st.integers(), max_size=3),
        st.text(max_size=10),
        st.integers(),
    )


def _hostile_names() -> st.SearchStrategy[Any]:
    return st.one_of(hostile_text(), st.integers(), st.none(), nested_lists(), st.just(object()))


def _hostile_of(kind: Any) -> st.SearchStrategy[Any]:
    """Values that are not instances of ``kind`` (an Override, a Needle, ...)."""
    return st.one_of(
        hostile_text(), st.integers(), st.just(object()), st.dictionaries(st.text(), st.text())
    ).filter(lambda v: not isinstance(v, kind))


@st.composite
def hostile_plan_keywords(draw: st.DrawFn) -> tuple[str, Any]:
    """One plan() keyword and a value of it that no plan has."""
    quantities = {
        "area": Dim.AREA,
        "spacing": Dim.LENGTH,
        "volume_per_point": Dim.VOLUME,
        "depth": Dim.LENGTH,
        "angle": Dim.ANGLE,
        "loss_fraction": Dim.FRACTION,
        "total_volume": Dim.VOLUME,
        "dose_per_area": Dim.DOSE,
    }
    name = draw(
        st.sampled_from(
            [
                *quantities,
                *("technique", "zone", "lattice", "pattern", "catalog", "override"),
                *("needle", "syringe", "injector", "points"),
            ]
        )
    )
    if name in quantities:
        return name, draw(hostile_quantities(quantities[name]))
    if name == "catalog":
        return name, draw(not_catalogs())
    if name in ("technique", "zone", "lattice", "pattern"):
        return name, draw(_hostile_names().filter(lambda v: v is not None))
    if name == "points":
        return name, draw(
            st.one_of(
                st.integers(min_value=2**53 + 1),
                st.integers(max_value=0),
                st.floats(),
                st.booleans(),
                hostile_text(),
                nested_lists(),
            )
        )
    kinds = {
        "override": mesocalc.Override,
        "needle": mesocalc.Needle,
        "syringe": mesocalc.Syringe,
        "injector": mesocalc.Injector,
    }
    return name, draw(_hostile_of(kinds[name]))


def hostile_files() -> st.SearchStrategy[bytes]:
    """File contents a loader may be given: random bytes, text, TOML-ish text."""
    return st.one_of(
        st.binary(max_size=200),
        hostile_text().map(lambda t: t.encode("utf-8", "surrogatepass")),
        toml_scalars().map(lambda v: f"x = {v}\n".encode()),
        st.just(b"x = " + b"[" * 5_000 + b"]" * 5_000),
        st.just(b"x" + b".x" * 300_000 + b" = 1"),
        st.just(b"x = [" + b"1," * 30_000 + b"]"),
        st.just("".join(f"[zones.z{i}]\n" for i in range(30_000)).encode()),
    )


def extreme_dates() -> st.SearchStrategy[datetime.date]:
    """Dates of any year, often within weeks of the first or last a ``datetime.date`` holds."""
    return st.one_of(
        st.dates(min_value=datetime.date(9999, 11, 1)),
        st.dates(max_value=datetime.date(1, 2, 28)),
        st.dates(),
    )


@st.composite
def anatomies(draw: st.DrawFn, low: float = 0.6, high: float = 1.6) -> Any:
    """Patients: each measurement absent (the reference's) or ``low`` to ``high`` times it.

    The factors span children's faces to the largest adults'; units vary.
    """
    ref = mesocalc.Anatomy.reference()
    fields: dict[str, Any] = {}
    for name in ("face_height", "face_width", "stature", "hip_width"):
        if draw(st.booleans()):
            factor = draw(st.floats(low, high))
            mm = getattr(ref, name).to("mm").magnitude * factor
            unit = draw(st.sampled_from(["mm", "cm", "m"]))
            fields[name] = quantity(mm, "millimeter").to(unit)
    sex = draw(st.sampled_from([None, "female", "male"]))
    age = draw(st.none() | st.integers(0, 130))
    return mesocalc.Anatomy(**fields, sex=sex, age=age)


# --- treatment records (issue 21) -------------------------------------------------------------

_LOTS: Final = st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", min_size=1, max_size=12)


@st.composite
def records(draw: st.DrawFn, *, max_areas: int = 3) -> mesocalc.TreatmentRecord:
    """Records of drawn sessions: areas stopped early, a second lot split in, amendments.

    Only fewer points are given (the planned volume per point, depth and needle), so no
    hard limit binds; the times carry drawn UTC offsets.
    """
    session = draw(sessions(max_areas=max_areas))
    assert session.product is not None
    session = attrs.evolve(
        session,
        product=attrs.evolve(session.product, lot=None),  # the lots are the record's vials
        syringe=draw(st.none() | syringes()),
    )
    assert session.date is not None
    first, second = draw(st.lists(_LOTS, min_size=2, max_size=2, unique=True))
    product = mesocalc.Product(name="a generated product", lot=first)
    zone = datetime.timezone(datetime.timedelta(minutes=draw(st.integers(-720, 840))))
    at = datetime.datetime.combine(session.date, datetime.time(12), zone)
    record = session.record(by="generated", at=at, vials=[mesocalc.Vial(product=product)])
    record = record.vial(mesocalc.Product(name="a generated product", lot=second))
    for _ in range(draw(st.integers(0, 3))):
        i = draw(st.integers(0, len(session.plans) - 1))
        plan = session.plans[i]
        points = draw(st.integers(1, plan.points))
        volume = points * plan.volume_per_point.to("mL").magnitude
        split = draw(st.floats(0.0, 1.0))
        lots = record.lots
        draws = {lots[-1]: f"{volume * split!r} mL", lots[-2]: f"{volume * (1 - split)!r} mL"}
        draws = {k: v for k, v in draws.items() if not v.startswith("0.0 ")}
        if draw(st.booleans()) or len(draws) < 2:
            record = record.given(i, points=points, lot=lots[0], reason="stopped early")
        else:
            record = record.given(i, points=points, draws=draws, reason="a second vial")
    if draw(st.booleans()):
        record = record.finalise()
        for k in range(draw(st.integers(0, 2))):
            later = at + datetime.timedelta(days=k + 1)
            if draw(st.booleans()):
                record = record.amend(by="clinic", at=later, reason="a late note", note="seen")
            else:
                i = draw(st.integers(0, len(session.plans) - 1))
                points = draw(st.integers(1, session.plans[i].points))
                record = record.amend(
                    by="clinic", at=later, reason="recounted", area=i, points=points, lot=first
                )
    return record
