"""The golden numbers: requests written as JSON data, and every number their results report.

``tests/data/make_numbers.py`` writes the requests of :data:`REQUESTS` and the numbers
:func:`numbers` reads from each result into ``tests/data/numbers-<catalog version>.json``;
``tests/test_numbers.py`` builds each request of that file again, reads its numbers and
compares them with :func:`differences`. A request is plain JSON (see :func:`build`), so the
file says what was asked as well as what came out.

Every number is read through the public API (a Quantity as its magnitude and the name of
its unit, as it comes out), so that a change of the planning core's inside leaves them be.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

import mesocalc
from mesocalc import Plan, PlanArray

# JSON: what the file holds.
Json = Any

DATA = Path(__file__).parent / "data"

REL = 1e-12  # floats compare to 12 significant digits
ABS = 1e-12  # in the number's own unit: a coordinate of 0 mm may come out as 1e-17 mm


# --- requests ---------------------------------------------------------------------------


def _shape(spec: dict[str, Any]) -> Any:
    ((kind, args),) = spec.items()
    if kind == "rectangle":
        return mesocalc.Rectangle(*args)
    if kind == "circle":
        return mesocalc.Circle(*args)
    if kind == "ellipse":
        return mesocalc.Ellipse(*args)
    if kind == "polygon":
        return mesocalc.Polygon([tuple(v) for v in args])
    raise ValueError(f"no such area: {kind}")


def _quantity(spec: dict[str, Any]) -> Any:
    """``{"quantity": [magnitudes], "unit": u}``: a Quantity array."""
    import pint  # noqa: PLC0415 - pint only for the requests that give a Quantity

    registry = pint.get_application_registry()  # type: ignore[no-untyped-call]
    return registry.Quantity(np.asarray(spec["quantity"]), spec["unit"])


def _syringe(spec: dict[str, Any]) -> mesocalc.Syringe:
    if "conventional" in spec:
        return mesocalc.Syringe.conventional(spec["conventional"])
    if "low_dead_space" in spec:
        return mesocalc.Syringe.low_dead_space(spec["low_dead_space"])
    return mesocalc.Syringe(**spec)


def _product(spec: dict[str, Any]) -> mesocalc.Product:
    if "label" in spec:
        return mesocalc.product(spec["label"])
    if "reconstituted" in spec:
        return mesocalc.Product.reconstituted(**spec["reconstituted"])
    return mesocalc.Product(**spec)


def _catalog(name: str) -> mesocalc.Catalog:
    """A clinic's protocol of tests/data, by file name."""
    return mesocalc.load_protocol(DATA / name)


_ARGS: dict[str, Callable[[Any], Any]] = {
    "override": lambda v: mesocalc.Override(**v if isinstance(v, dict) else {"reason": v}),
    "needle": lambda v: mesocalc.Needle(**v),
    "syringe": _syringe,
    "injector": lambda v: mesocalc.Injector(**v),
    "catalog": _catalog,
    "anatomy": lambda v: mesocalc.Anatomy(**v),
}


def plan_args(args: dict[str, Any]) -> dict[str, Any]:
    """plan()'s keyword arguments from their JSON form.

    ``override`` is a reason (or Override's fields), ``needle`` and ``injector`` their
    fields, ``syringe`` ``{"conventional": capacity}``, ``{"low_dead_space": capacity}`` or
    Syringe's fields; ``catalog`` the file name of a clinic's protocol in tests/data;
    ``area`` a string, ``{"rectangle": [w, h]}``, ``{"circle": [r]}``,
    ``{"ellipse": [w, h]}``, ``{"polygon": [[x, y], ...]}`` or a list of strings. Any
    value ``{"quantity": [...], "unit": u}`` is a Quantity array; other values pass as
    they are (a list of strings is an array of them).
    """
    out: dict[str, Any] = {}
    for name, value in args.items():
        if name in _ARGS:
            out[name] = _ARGS[name](value)
        elif isinstance(value, dict) and "quantity" in value:
            out[name] = _quantity(value)
        elif name == "area" and isinstance(value, dict):
            out[name] = _shape(value)
        else:
            out[name] = value
    return out


def _plans(specs: list[dict[str, Any]]) -> list[Plan]:
    plans = []
    for args in specs:
        p = mesocalc.plan(**plan_args(args))
        assert isinstance(p, Plan)
        plans.append(p)
    return plans


def _session_args(request: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in ("sides", "date"):
        if name in request:
            out[name] = request[name]
    if "product" in request:
        out["product"] = _product(request["product"])
    if "syringe" in request:
        out["syringe"] = _syringe(request["syringe"])
    return out


def _frame(request: dict[str, Any]) -> Any:
    import pandas as pd  # noqa: PLC0415 - the pandas extra, for the frame requests alone

    rows: list[dict[str, Any]] = request["frame"]  # cells as a clinic's table has them
    columns = list(dict.fromkeys(k for row in rows for k in row))
    table = pd.DataFrame({c: [row.get(c) for row in rows] for c in columns})
    catalog = request.get("catalog")
    return mesocalc.plan_frame(
        table,
        errors=request.get("errors", "raise"),
        catalog=None if catalog is None else _catalog(catalog),
    )


def _stored(request: dict[str, Any]) -> Any:
    made = mesocalc.plan(**plan_args(request["stored"]))
    data = json.loads(json.dumps(made.to_dict()))
    return type(made).from_dict(data)


def _legacy(request: dict[str, Any]) -> Any:
    stored = json.loads((DATA / "plans-0.1.0.json").read_text("utf-8"))
    data = stored[request["legacy"]]["json"]
    kind = PlanArray if isinstance(data["points"], list) else Plan
    return kind.from_dict(data)


def _session(request: dict[str, Any]) -> Any:
    return mesocalc.Session(plans=_plans(request["session"]), **_session_args(request))


def _session_requests(request: dict[str, Any]) -> Any:
    areas = [plan_args(a) for a in request["session_requests"]]
    return mesocalc.Session.from_requests(areas, **_session_args(request))


def _course(request: dict[str, Any]) -> Any:
    return mesocalc.Course.lay_out(
        _plans(request["course"]),
        first=request["first"],
        count=request["count"],
        every=request["every"],
        **_session_args(request),
    )


# Each kind of request, by the key that holds its plans.
_KINDS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "plan": lambda request: mesocalc.plan(**plan_args(request["plan"])),
    "stored": _stored,
    "legacy": _legacy,
    "frame": _frame,
    "session": _session,
    "session_requests": _session_requests,
    "course": _course,
}


def build(request: dict[str, Any]) -> Any:
    """The result of one request, or the MesocalcError it raises.

    ``{"plan": {...}}`` is plan() with those arguments (:func:`plan_args`);
    ``{"session": [{...}, ...]}`` a Session of those plans, with ``sides``, ``date``,
    ``product`` (``{"label": name}``, ``{"reconstituted": {...}}`` or Product's fields)
    and ``syringe`` beside it; ``{"session_requests": [...]}`` Session.from_requests;
    ``{"course": [{...}, ...]}`` Course.lay_out with ``first``, ``count``, ``every`` and
    the session's keys; ``{"stored": {...}}`` the plan (or plans over arrays) of those
    arguments written to JSON text and read back with ``from_dict``; ``{"legacy": name}``
    the plan of that name in tests/data/plans-0.1.0.json, read with ``from_dict``;
    ``{"frame": [{...}, ...]}`` plan_frame of a table of those rows, cells as plan_frame
    reads them (``errors``, ``catalog`` beside it).
    """
    (kind,) = (k for k in request if k in _KINDS)
    try:
        return _KINDS[kind](request)
    except mesocalc.MesocalcError as error:
        return error


# --- numbers ----------------------------------------------------------------------------


def _q(value: Any) -> Json:
    """A Quantity as [magnitude (a list for arrays), unit]; None stays None."""
    if value is None:
        return None
    magnitude = value.magnitude
    as_json = magnitude.tolist() if isinstance(magnitude, np.ndarray) else float(magnitude)
    return [as_json, f"{value.units:D}"]  # pint's default format, whatever a user set


def _name(value: Any) -> Json:
    return None if value is None else str(value.value)


def _warnings(records: Any) -> Json:
    return [[r.code.value, r.parameter, r.area] for r in records]


def _overrides(records: Any) -> Json:
    out = []
    for r in records:
        value = r.value
        out.append([r.parameter, float(value) if isinstance(value, float) else _q(value)])
    return out


def _layout(p: Plan) -> Json:
    layout = p.layout
    if layout is None:
        return None
    if isinstance(layout, mesocalc.Threads):
        return {
            "threads": len(layout.lengths),
            "lengths": _q(layout.lengths),
            "segments": _q(layout.segments),
            "entries": _q(layout.entries),
            "total_length": _q(layout.total_length),
            "thread_length": _q(layout.thread_length),
            "spacing": _q(layout.spacing),
            "margin": _q(layout.margin),
        }
    return {
        "points": len(layout.points),
        "coordinates": _q(layout.points),
        "indices": np.asarray(layout.indices).tolist(),
        "spacing": _q(layout.spacing),
        "margin": _q(layout.margin),
    }


def plan_numbers(p: Plan) -> dict[str, Json]:
    """Everything a Plan reports, but its words."""
    protocol = p.protocol
    return {
        "technique": _name(p.technique),
        "zone": _name(p.zone),
        "lattice": _name(p.lattice),
        "points": int(p.points),
        "area": _q(p.area),
        "spacing": _q(p.spacing),
        "volume_per_point": _q(p.volume_per_point),
        "depth": _q(p.depth),
        "angle": _q(p.angle),
        "loss_fraction": float(p.loss_fraction),
        "thread_length": _q(p.thread_length),
        "total_volume": _q(p.total_volume),
        "expected_loss": _q(p.expected_loss),
        "delivered_volume": _q(p.delivered_volume),
        "dose_per_area": _q(p.dose_per_area),
        "insertion_length": _q(p.insertion_length),
        "syringes": p.syringes,
        "draw_up_volume": _q(p.draw_up_volume),
        "margin": _q(p.margin),
        "total_thread_length": _q(p.total_thread_length),
        "volume_per_cm": _q(p.volume_per_cm),
        "pattern": _name(p.pattern),
        "shots": p.shots,
        "needles": p.needles,
        "volume_per_needle_per_shot": _q(p.volume_per_needle_per_shot),
        "layout": _layout(p),
        "warnings": _warnings(p.warning_records),
        "overrides": _overrides(p.overrides),
        "sources": list(p.sources),
        "protocol": None if protocol is None else [protocol.name, protocol.version],
    }


def array_numbers(p: PlanArray) -> dict[str, Json]:
    """Everything a PlanArray reports, but its words."""
    protocol = p.protocol
    return {
        "technique": _name(p.technique),
        "zone": _name(p.zone),
        "lattice": _name(p.lattice),
        "shape": list(p.shape),
        "points": np.asarray(p.points).tolist(),
        "area": _q(p.area),
        "spacing": _q(p.spacing),
        "volume_per_point": _q(p.volume_per_point),
        "depth": _q(p.depth),
        "angle": _q(p.angle),
        "loss_fraction": np.asarray(p.loss_fraction).tolist(),
        "thread_length": _q(p.thread_length),
        "total_volume": _q(p.total_volume),
        "expected_loss": _q(p.expected_loss),
        "delivered_volume": _q(p.delivered_volume),
        "dose_per_area": _q(p.dose_per_area),
        "insertion_length": _q(p.insertion_length),
        "warnings": _warnings(p.warning_records),
        "sources": list(p.sources),
        "protocol": None if protocol is None else [protocol.name, protocol.version],
    }


def session_numbers(s: mesocalc.Session) -> dict[str, Json]:
    """Everything a Session reports, but its words: its totals, doses and each plan."""
    per_point = s.active_dose_per_point
    return {
        "date": None if s.date is None else s.date.isoformat(),
        "sides": [_name(side) for side in s.sides],
        "points": int(s.points),
        "total_volume": _q(s.total_volume),
        "expected_loss": _q(s.expected_loss),
        "delivered_volume": _q(s.delivered_volume),
        "syringes": s.syringes,
        "draw_up_volume": _q(s.draw_up_volume),
        "active_dose": _q(s.active_dose),
        "active_dose_per_area": _q(s.active_dose_per_area),
        "active_dose_per_point": None if per_point is None else [_q(d) for d in per_point],
        "warnings": _warnings(s.warning_records),
        "overrides": _overrides(s.overrides),
        "plans": [plan_numbers(p) for p in s.plans],
    }


def course_numbers(c: mesocalc.Course) -> dict[str, Json]:
    """Everything a Course reports, but its words: each session, the totals, the next date."""
    return {
        "sessions": [session_numbers(s) for s in c.sessions],
        "next_due": c.next_due.isoformat(),
        "cumulative": {
            zone: [_q(volume), _q(dose)] for zone, (volume, dose) in c.cumulative().items()
        },
        "warnings": _warnings(c.warning_records),
    }


def frame_numbers(frame: Any) -> dict[str, Json]:
    """plan_frame's table, column by column (missing values as None), but for its words."""
    import pandas as pd  # noqa: PLC0415 - the pandas extra, for the frame requests alone

    out: dict[str, Json] = {}
    for name in frame.columns:
        if name in ("warnings", "error"):
            continue  # words
        column = frame[name]
        unit = None
        if str(column.dtype).startswith("pint["):
            unit = f"{column.pint.units:D}"
            column = column.pint.magnitude
        values: list[Json] = []
        for v in column.tolist():
            if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
                values.append(None)
            elif isinstance(v, (bool, np.bool_)):
                values.append(bool(v))
            elif isinstance(v, (int, np.integer)):
                values.append(int(v))
            elif isinstance(v, (float, np.floating)):
                values.append(float(v))
            else:
                values.append(str(v))
        out[name] = {"unit": unit, "values": values} if unit else values
    return out


def error_numbers(error: BaseException) -> dict[str, Json]:
    """A refusal: its class, parameter and index (and each error of a group)."""
    out: dict[str, Json] = {
        "error": type(error).__name__,
        "parameter": getattr(error, "parameter", None),
    }
    index = getattr(error, "index", None)
    if index is not None:
        out["index"] = list(index) if isinstance(index, tuple) else index
    if isinstance(error, mesocalc.MesocalcErrorGroup):
        out["errors"] = [error_numbers(e) for e in error.exceptions]
    return out


def numbers(result: Any) -> dict[str, Json]:
    """The numbers of what :func:`build` gave."""
    if isinstance(result, mesocalc.MesocalcError):
        return error_numbers(result)
    if isinstance(result, Plan):
        return plan_numbers(result)
    if isinstance(result, PlanArray):
        return array_numbers(result)
    if isinstance(result, mesocalc.Session):
        return session_numbers(result)
    if isinstance(result, mesocalc.Course):
        return course_numbers(result)
    if any(c.__name__ == "DataFrame" for c in type(result).__mro__):  # pandas, if loaded
        return {"frame": frame_numbers(result)}
    raise TypeError(f"no numbers for a {type(result).__name__}")


def _same(expected: Json, actual: Json) -> bool:
    """Two JSON scalars: floats within REL (or ABS), anything else of the same type and equal."""
    if type(actual) is not type(expected):
        return False
    if isinstance(expected, float):
        return math.isclose(actual, expected, rel_tol=REL, abs_tol=ABS)
    return bool(actual == expected)


def differences(expected: Json, actual: Json, path: str = "") -> list[str]:
    """Where ``actual`` departs from ``expected``, each as "field: was ..., now ..."."""
    where = path or "(top)"
    if expected is None or isinstance(expected, (bool, int, float, str)):
        return [] if _same(expected, actual) else [f"{where}: was {expected!r}, now {actual!r}"]
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return [f"{where}: was {_short(expected)}, now {_short(actual)}"]
        out: list[str] = []
        for i, (e, a) in enumerate(zip(expected, actual, strict=True)):
            out += differences(e, a, f"{path}[{i}]")
        return out
    if isinstance(expected, dict):
        if not isinstance(actual, dict) or sorted(actual) != sorted(expected):
            keys = sorted(actual) if isinstance(actual, dict) else actual
            return [f"{where}: keys were {sorted(expected)}, now {keys}"]
        out = []
        for key in expected:
            out += differences(expected[key], actual[key], f"{path}.{key}" if path else key)
        return out
    raise TypeError(f"{where}: no comparison for a {type(expected).__name__}")


def _short(value: Json) -> str:
    text = repr(value)
    return text if len(text) <= 80 else f"{text[:77]}..."


# --- the fixed requests -----------------------------------------------------------------

DEFAULT_AREA = "10 cm^2"  # over which every published pair is planned with its defaults

BECAUSE = "the published protocol's own numbers"
FACE = {"technique": "classic", "zone": "face", "area": "40 cm^2"}


def default_requests() -> dict[str, dict[str, Any]]:
    """The default plan of every pair the shipped catalog publishes, unpublishes or refuses."""
    book = mesocalc.Catalog.default()
    out: dict[str, dict[str, Any]] = {}
    for kind, pairs in (
        ("default", book.entries),
        ("unpublished", book.unpublished),
        ("contraindicated", book.contraindicated),
    ):
        for technique, zone in sorted(pairs, key=lambda tz: (tz[0].value, tz[1].value)):
            args = {"technique": technique.value, "zone": zone.value, "area": DEFAULT_AREA}
            out[f"{kind}/{technique.value}/{zone.value}"] = {"plan": args}
    return out


EXPLICIT: dict[str, dict[str, Any]] = {
    # Each keyword of plan(), alone and together.
    "spacing": {**FACE, "spacing": "7 mm"},
    "spacing_cm": {**FACE, "spacing": "0.8 cm"},
    "volume_per_point": {**FACE, "volume_per_point": "0.02 mL"},
    "volume_per_point_ul": {**FACE, "volume_per_point": "25 uL"},
    "depth": {**FACE, "depth": "1.2 mm"},
    "angle": {**FACE, "angle": "50 deg"},
    "angle_radian": {**FACE, "angle": "0.9 rad"},
    "loss_fraction": {**FACE, "loss_fraction": 0.1},
    "loss_fraction_percent": {**FACE, "loss_fraction": "15 %"},
    "hex": {**FACE, "lattice": "hex"},
    "hex_spacing": {**FACE, "lattice": "hex", "spacing": "6 mm", "volume_per_point": "0.015 mL"},
    "all_parameters": {
        **FACE,
        "spacing": "7 mm",
        "volume_per_point": "0.02 mL",
        "depth": "1.8 mm",
        "angle": "45 deg",
        "loss_fraction": 0.05,
    },
    "points": {**FACE, "points": 60},
    "points_refused": {**FACE, "points": 30},
    "points_volume": {**FACE, "points": 50, "volume_per_point": "0.015 mL"},
    "total_volume": {**FACE, "total_volume": "0.6 mL"},
    "total_volume_spacing": {**FACE, "total_volume": "0.8 mL", "spacing": "8 mm"},
    "dose_per_area": {**FACE, "dose_per_area": "0.015 mL/cm^2"},
    "nappage_scalp": {
        "technique": "nappage",
        "zone": "scalp",
        "area": "24 cm^2",
        "loss_fraction": 0.3,
    },
    "papular_scalp_hex": {
        "technique": "papular",
        "zone": "scalp",
        "area": "30 cm^2",
        "lattice": "hex",
    },
    "infiltration_abdomen": {
        "technique": "infiltration",
        "zone": "abdomen",
        "area": "100 cm^2",
        "volume_per_point": "0.1 mL",
    },
    "intra_epidermal": {
        "technique": "intra-epidermal",
        "zone": "face",
        "area": "20 cm^2",
        "depth": "0.05 mm",
        "volume_per_point": "0.005 mL",
    },
    "point_by_point_back": {"technique": "point-by-point", "zone": "back", "area": "50 cm^2"},
    "submental_cap": {"technique": "infiltration", "zone": "submental", "area": "40 cm^2"},
    "submental_cap_overridden": {
        "technique": "infiltration",
        "zone": "submental",
        "area": "60 cm^2",
        "override": "a larger neck",
    },
    "retrograde": {
        "technique": "retrograde",
        "zone": "face",
        "area": "40 cm^2",
        "volume_per_point": "0.05 mL",
    },
    # Departures: overridden, refused, and refused for good.
    "override_depth": {**FACE, "depth": "2.2 mm", "override": "deeper dermis on this patient"},
    "override_several": {
        **FACE,
        "spacing": "12 mm",
        "volume_per_point": "0.04 mL",
        "override": {"reason": "the clinic's protocol", "by": "Dr A"},
    },
    "override_unused": {**FACE, "override": "not needed"},
    "override_unpublished_pair": {
        "technique": "point-by-point",
        "zone": "abdomen",
        "area": "50 cm^2",
        "spacing": "20 mm",
        "volume_per_point": "0.1 mL",
        "depth": "4 mm",
        "angle": "90 deg",
        "loss_fraction": 0,
        "override": "a clinic's own use",
    },
    "refused_soft": {**FACE, "spacing": "4 mm"},
    "refused_hard": {"technique": "classic", "zone": "eyelid", "area": "4 cm^2", "depth": "2 mm"},
    "refused_domain": {**FACE, "loss_fraction": 1.5},
    "refused_unit": {**FACE, "spacing": "7 mL"},
    "refused_parse": {**FACE, "area": "forty cm^2"},
    "refused_name": {**FACE, "zone": "chin"},
    "refused_unpublished": {"technique": "point-by-point", "zone": "abdomen", "area": "50 cm^2"},
    "refused_cap": {"technique": "infiltration", "zone": "submental", "area": "60 cm^2"},
    # Named sites: a side, a template scaled to an anatomy, keep-outs cut for a product.
    "site_cheek_template": {"technique": "classic", "site": "cheek", "side": "left"},
    "site_cheek_both": {
        "technique": "classic",
        "site": "cheek",
        "side": "both",
        "area": "24 cm^2",
    },
    "site_cheek_anatomy": {
        "technique": "classic",
        "site": "cheek",
        "side": "right",
        "anatomy": {"face_height": "110 mm", "face_width": "125 mm"},
    },
    "site_periorbital": {"technique": "classic", "site": "periorbital", "side": "left"},
    # Points on landmarks (BAP): their least distance is the spacing, beyond the range.
    "site_cheek_landmarks": {
        "technique": "classic",
        "site": "cheek",
        "side": "left",
        "landmarks": ["zygomatic prominence", "nasal ala", "tragus"],
        "anatomy": {"face_height": "120 mm", "face_width": "140 mm"},
        "override": "BAP places its points on landmarks",
    },
    "site_jawline_landmark": {
        "technique": "classic",
        "site": "jawline",
        "side": "right",
        "landmarks": ["chin"],
    },
    "site_submental_kyb": {
        "technique": "infiltration",
        "site": "submental",
        "product": "deoxycholic acid",
        "volume_per_point": "0.2 mL",
    },
    "refused_site_side": {
        "technique": "classic",
        "site": "chin",
        "side": "left",
        "area": "6 cm^2",
    },
    "refused_site_zone": {
        "technique": "classic",
        "zone": "face",
        "site": "periorbital",
        "side": "left",
    },
    "refused_zone_cap": {
        "technique": "classic",
        "zone": "neck",
        "area": "40 cm^2",
        "depth": "1.2 mm",
    },
    # Equipment.
    "needle": {**FACE, "needle": {"gauge": 30, "length": "4 mm"}},
    "needle_overridden": {
        **FACE,
        "needle": {"gauge": 27, "length": "13 mm"},
        "override": "the needle in stock",
    },
    "needle_refused": {**FACE, "needle": {"gauge": 27, "length": "13 mm"}},
    "needle_too_short": {
        "technique": "infiltration",
        "zone": "abdomen",
        "area": "50 cm^2",
        "needle": {"gauge": 30, "length": "4 mm"},
    },
    "syringe_conventional": {**FACE, "syringe": {"conventional": "1 mL"}},
    "syringe_low_dead_space": {
        "technique": "classic",
        "zone": "face",
        "area": "200 cm^2",
        "volume_per_point": "0.02 mL",
        "syringe": {"low_dead_space": "1 mL"},
    },
    "syringe_5ml": {
        "technique": "infiltration",
        "zone": "abdomen",
        "area": "150 cm^2",
        "syringe": {"conventional": "5 mL"},
    },
    "injector": {**FACE, "injector": {"needles": 9}},
    "injector_pitch": {**FACE, "injector": {"needles": 5, "pitch": "6 mm"}},
    "injector_refused_spacing": {
        **FACE,
        "injector": {"needles": 5, "pitch": "6 mm"},
        "spacing": "8 mm",
    },
    # Shapes, with and without margins, and retrograde patterns.
    "rectangle": {"technique": "classic", "zone": "face", "area": {"rectangle": ["6 cm", "4 cm"]}},
    "rectangle_margin": {
        "technique": "classic",
        "zone": "face",
        "area": {"rectangle": ["6 cm", "4 cm"]},
        "margin": "5 mm",
    },
    "circle_hex": {
        "technique": "classic",
        "zone": "face",
        "area": {"circle": ["2 cm"]},
        "lattice": "hex",
        "spacing": "6 mm",
    },
    "ellipse_points": {
        "technique": "classic",
        "zone": "face",
        "area": {"ellipse": ["6 cm", "4 cm"]},
        "points": 19,
        "volume_per_point": "50 uL",
        "override": BECAUSE,
    },
    "polygon_margin": {
        "technique": "classic",
        "zone": "face",
        "area": {
            "polygon": [
                ["-6 cm", "0.5 cm"],
                ["-3 cm", "0 cm"],
                ["3 cm", "0 cm"],
                ["6 cm", "0.5 cm"],
                ["5.5 cm", "3.5 cm"],
                ["3 cm", "5 cm"],
                ["-3 cm", "5 cm"],
                ["-5.5 cm", "3.5 cm"],
            ]
        },
        "margin": "4 mm",
    },
    "polygon_total_volume": {
        "technique": "classic",
        "zone": "face",
        "area": {"polygon": [["0 cm", "0 cm"], ["4 cm", "0 cm"], ["0 cm", "3 cm"]]},
        "total_volume": "0.1 mL",
    },
    "rectangle_injector": {
        "technique": "classic",
        "zone": "face",
        "area": {"rectangle": ["6 cm", "4 cm"]},
        "margin": "5 mm",
        "injector": {"needles": 9},
    },
    "rectangle_syringe_needle": {
        "technique": "classic",
        "zone": "face",
        "area": {"rectangle": ["8 cm", "5 cm"]},
        "needle": {"gauge": 32, "length": "4 mm"},
        "syringe": {"conventional": "1 mL"},
    },
    "retrograde_parallel": {
        "technique": "retrograde",
        "zone": "face",
        "area": {"rectangle": ["6 cm", "4 cm"]},
        "volume_per_point": "0.05 mL",
        "pattern": "parallel",
    },
    "retrograde_crosshatch_margin": {
        "technique": "retrograde",
        "zone": "face",
        "area": {"rectangle": ["6 cm", "4 cm"]},
        "volume_per_point": "0.05 mL",
        "pattern": "crosshatch",
        "margin": "3 mm",
    },
    "retrograde_fan_circle": {
        "technique": "retrograde",
        "zone": "face",
        "area": {"circle": ["3 cm"]},
        "volume_per_point": "0.05 mL",
        "pattern": "fan",
    },
    "retrograde_hands": {
        "technique": "retrograde",
        "zone": "hands",
        "area": {"rectangle": ["10 cm", "8 cm"]},
        "volume_per_point": "0.1 mL",
        "pattern": "fan",
        "margin": "1 cm",
    },
}

KYB_SIDE = {
    "technique": "infiltration",
    "zone": "submental",
    "area": "25 cm^2",
    "volume_per_point": "0.2 mL",
}
WU15_SIDE = {
    "technique": "classic",
    "zone": "face",
    "area": "100 cm^2",
    "total_volume": "1 mL",
    "override": BECAUSE,
}
TOXIN = {"name": "botulinum toxin A", "concentration": "20 U/mL"}

# The requests of docs/protocols.md, as it writes them.
PROTOCOLS: dict[str, dict[str, Any]] = {
    "SEED3_face": {"plan": {**FACE, "spacing": "1 cm", "volume_per_point": "0.03 mL"}},
    "AMIN_full_face": {
        "plan": {
            "technique": "classic",
            "zone": "face",
            "area": "250 cm^2",
            "points": 250,
            "total_volume": "2.5 mL",
        }
    },
    "AMIN_VYC12L_default_full_face": {
        "plan": {"technique": "classic", "zone": "face", "area": "200 cm^2"}
    },
    # VYC12L: micro-depots 0.5-1.0 cm apart, 0.01-0.05 mL, about 2 mL per full face; neck.
    "VYC12L_full_face": {
        "plan": {
            "technique": "classic",
            "zone": "face",
            "area": "200 cm^2",
            "spacing": "1 cm",
            "total_volume": "2 mL",
        }
    },
    "VYC12L_neck": {
        "plan": {
            "technique": "classic",
            "zone": "neck",
            "area": "50 cm^2",
            "spacing": "0.5 cm",
            "volume_per_point": "0.01 mL",
        }
    },
    "WU15_syringe": {
        "plan": {
            "technique": "classic",
            "zone": "face",
            "area": "100 cm^2",
            "points": 100,
            "total_volume": "1 mL",
            "syringe": {"conventional": "1 mL"},
        }
    },
    "WU15_microbotox_100": {
        "session": [{**WU15_SIDE, "points": 100}] * 2,
        "sides": ["left", "right"],
        "product": TOXIN,
    },
    "WU15_microbotox_120": {
        "session": [{**WU15_SIDE, "points": 120}] * 2,
        "sides": ["left", "right"],
        "product": TOXIN,
    },
    "WU15_microbotox_from_a_vial": {
        "session": [{**WU15_SIDE, "points": 100}],
        "product": {
            "reconstituted": {"name": "botulinum toxin A", "amount": "100 U", "diluent": "5 mL"}
        },
    },
    "HK19_points": {
        "plan": {
            "technique": "classic",
            "zone": "face",
            "area": "20 cm^2",
            "points": 20,
            "volume_per_point": "50 uL",
            "override": BECAUSE,
        }
    },
    "HK19_cheek": {
        "plan": {
            "technique": "classic",
            "zone": "face",
            "area": {"ellipse": ["6 cm", "4 cm"]},
            "points": 20,
            "volume_per_point": "50 uL",
            "override": BECAUSE,
        }
    },
    "JOVE_PRP_refused": {
        "plan": {
            "technique": "papular",
            "zone": "scalp",
            "area": "24 cm^2",
            "dose_per_area": "0.2 mL/cm^2",
        }
    },
    "JOVE_PRP": {
        "plan": {
            "technique": "papular",
            "zone": "scalp",
            "area": "24 cm^2",
            "dose_per_area": "0.2 mL/cm^2",
            "override": BECAUSE,
        }
    },
    "LEGIA23": {
        "plan": {
            "technique": "papular",
            "zone": "scalp",
            "area": {"rectangle": ["6 cm", "4 cm"]},
            "total_volume": "1 mL",
        }
    },
    "RITTES03": {
        "plan": {
            "technique": "infiltration",
            "zone": "abdomen",
            "area": "80 cm^2",
            "total_volume": "5 mL",
        }
    },
    "KYB_label_session": {
        "session": [KYB_SIDE, KYB_SIDE],
        "product": {"label": "deoxycholic acid"},
    },
    "KYB_label_refused": {
        "session": [KYB_SIDE, KYB_SIDE, KYB_SIDE],
        "product": {"label": "deoxycholic acid"},
    },
    "KYB_from_requests": {
        "session_requests": [{**KYB_SIDE, "side": "left"}, {**KYB_SIDE, "side": "right"}],
        "product": {"label": "deoxycholic acid"},
    },
    "KYB_bare_requests": {
        "session_requests": [{k: v for k, v in KYB_SIDE.items() if k != "volume_per_point"}] * 2,
        "product": {"label": "deoxycholic acid"},
    },
    "KYB_requests_refused": {
        "session_requests": [{**KYB_SIDE, "depth": "0 mm"}, {**KYB_SIDE, "zone": "chin"}],
    },
    "SEED3_weekly_course": {
        "course": [{"technique": "classic", "zone": "face", "area": "200 cm^2"}],
        "first": "2026-12-01",
        "count": 8,
        "every": 7,
    },
    "KYB_monthly_course": {
        "course": [KYB_SIDE, KYB_SIDE],
        "first": "2026-12-01",
        "count": 6,
        "every": 31,
        "product": {"label": "deoxycholic acid"},
    },
}

SESSIONS: dict[str, dict[str, Any]] = {
    "face_and_neck_syringe": {
        "session": [
            {"technique": "classic", "zone": "face", "area": "200 cm^2"},
            {"technique": "classic", "zone": "neck", "area": "100 cm^2"},
        ],
        "syringe": {"conventional": "1 mL"},
        "date": "2026-12-04",
    },
    "hands_both_sides": {
        "session": [{"technique": "classic", "zone": "hands", "area": "80 cm^2"}] * 2,
        "sides": ["left", "right"],
    },
    "mixed_techniques_product": {
        "session": [
            {"technique": "nappage", "zone": "scalp", "area": "24 cm^2"},
            {"technique": "papular", "zone": "scalp", "area": "24 cm^2", "loss_fraction": 0.2},
        ],
        "product": {"name": "dutasteride", "concentration": "0.1 mg/mL"},
    },
    "course_irregular_intervals": {
        "course": [{"technique": "classic", "zone": "face", "area": "40 cm^2"}],
        "first": "2026-12-01",
        "count": 3,
        "every": 14,
        "product": {"name": "hyaluronic acid", "concentration": "10 mg/mL"},
    },
    "course_refused_too_many": {
        "course": [KYB_SIDE],
        "first": "2026-12-01",
        "count": 7,
        "every": 31,
        "product": {"label": "deoxycholic acid"},
    },
}

ARRAYS: dict[str, dict[str, Any]] = {
    "areas_strings": {
        "technique": "classic",
        "zone": "face",
        "area": ["4 cm^2", "40 cm^2", "49 cm^2", "123.4 cm^2", "0.5 cm^2"],
    },
    "areas_quantity_hex_loss": {
        "technique": "nappage",
        "zone": "scalp",
        "area": {"quantity": [1.0, 2.5, 24.0, 100.0, 399.9], "unit": "cm^2"},
        "lattice": "hex",
        "loss_fraction": 0.25,
    },
    "broadcast_parameters": {
        "technique": "classic",
        "zone": "face",
        "area": {"quantity": [[10.0], [40.0]], "unit": "cm^2"},
        "spacing": {"quantity": [5.0, 7.5, 10.0], "unit": "mm"},
        "volume_per_point": "0.02 mL",
        "depth": ["1 mm", "1.5 mm", "2 mm"],
        "angle": "60 deg",
        "loss_fraction": [0.0, 0.1, 0.2],
    },
    "retrograde_arrays": {
        "technique": "retrograde",
        "zone": "hands",
        "area": ["50 cm^2", "100 cm^2", "150 cm^2"],
        "volume_per_point": "0.1 mL",
    },
    "infiltration_body": {
        "technique": "infiltration",
        "zone": "thighs",
        "area": {"quantity": [20.0, 80.0, 200.0, 400.0], "unit": "cm^2"},
    },
    "refused_element": {
        "technique": "classic",
        "zone": "face",
        "area": ["4 cm^2", "40 cm^2"],
        "depth": ["1 mm", "3 mm"],
    },
}

# Explicit plans also read back from their JSON (Plan.from_dict plans them again).
STORED = (
    "all_parameters",
    "override_several",
    "override_unpublished_pair",
    "needle_overridden",
    "syringe_low_dead_space",
    "injector",
    "rectangle_injector",
    "polygon_margin",
    "ellipse_points",
    "retrograde_crosshatch_margin",
)

# The plans mesocalc 0.1.0 stored, read today (their numbers planned again from the JSON).
LEGACY = (
    "classic_face",
    "nappage_scalp_hex",
    "override_needle_syringe",
    "loss_override",
    "rectangle_injector",
    "retrograde_crosshatch",
    "injector_estimate",
    "array",
)

CLINIC_FILE = "clinic-protocol.toml"

# Plans checked against a clinic's protocol (catalog=).
CLINIC: dict[str, dict[str, Any]] = {
    "classic_face": {"plan": {**FACE, "catalog": CLINIC_FILE}},
    "classic_face_depth_refused": {"plan": {**FACE, "depth": "1.8 mm", "catalog": CLINIC_FILE}},
    "classic_face_session_cap": {
        "plan": {**FACE, "area": "250 cm^2", "spacing": "8 mm", "catalog": CLINIC_FILE}
    },
    "nappage_hands": {
        "plan": {
            "technique": "nappage",
            "zone": "hands",
            "area": "60 cm^2",
            "catalog": CLINIC_FILE,
        }
    },
    "classic_face_arrays": {
        "plan": {**FACE, "area": ["10 cm^2", "40 cm^2", "90 cm^2"], "catalog": CLINIC_FILE}
    },
}

ROWS: list[dict[str, Any]] = [
    {"technique": "classic", "zone": "face", "area": "40 cm^2", "depth": "1 mm"},
    {"technique": "nappage", "zone": "scalp", "area": "24 cm^2"},
    {"technique": "classic", "zone": "face", "area": "4 cm^2", "spacing": "5 mm"},
    {"technique": "classic", "zone": "face", "area": "60 cm^2", "lattice": "hex"},
    {"technique": "infiltration", "zone": "abdomen", "area": "80 cm^2", "loss_fraction": 0.1},
    {"technique": "retrograde", "zone": "face", "area": "20 cm^2", "volume_per_point": "0.05 mL"},
]
ODD_ROWS: list[dict[str, Any]] = [
    {**FACE, "syringe": "1 mL"},
    {**FACE, "syringe": "1 mL", "low_dead_space": True},
    {**FACE, "depth": "2.2 mm", "override": "deeper dermis", "override_by": "Dr A"},
    {**FACE, "needle_gauge": "32G", "needle_length": "4 mm"},
    {**FACE, "area": "-1 cm^2"},
    {**FACE, "spacing": "7 mL"},
    {"technique": "classic", "zone": "eyelid", "area": "4 cm^2", "depth": "2 mm"},
]

# Tables planned by plan_frame.
FRAMES: dict[str, dict[str, Any]] = {
    "clean": {"frame": ROWS},
    "collected": {"frame": ROWS + ODD_ROWS, "errors": "collect"},
    "raised": {"frame": ROWS + ODD_ROWS},
    "clinic": {"frame": ROWS[:3], "errors": "collect", "catalog": CLINIC_FILE},
}


def requests() -> dict[str, dict[str, Any]]:
    """Every request of the golden file, by name."""
    out = default_requests()
    out |= {f"explicit/{name}": {"plan": args} for name, args in EXPLICIT.items()}
    out |= {f"protocol/{name}": request for name, request in PROTOCOLS.items()}
    out |= {f"session/{name}": request for name, request in SESSIONS.items()}
    out |= {f"array/{name}": {"plan": args} for name, args in ARRAYS.items()}
    out |= {f"stored/{name}": {"stored": EXPLICIT[name]} for name in STORED}
    out["stored/array/broadcast_parameters"] = {"stored": ARRAYS["broadcast_parameters"]}
    out |= {f"legacy/{name}": {"legacy": name} for name in LEGACY}
    out |= {f"clinic/{name}": request for name, request in CLINIC.items()}
    out |= {f"frame/{name}": request for name, request in FRAMES.items()}
    return out
