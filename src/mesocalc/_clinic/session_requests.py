"""Reading a session's areas: each area's plan() keywords checked, then planned.

Kept apart from the Session (``_session``): how a list of requests becomes plans (the
keywords each area may give, the label's own grid and volume for the label's use, the
errors of every area named by its index) is one concept; the session only sums the plans.
"""

from __future__ import annotations

import inspect
from typing import Any

from mesocalc._catalog.catalog import Catalog
from mesocalc._clinic import session_checks as _session_checks
from mesocalc._clinic.products import Product
from mesocalc._planning.plan import Plan
from mesocalc._planning.planner import plan
from mesocalc._quantities.names import Side, Technique, Zone, resolve
from mesocalc.exceptions import (
    InputTypeError,
    InvalidValueError,
    MesocalcError,
    MesocalcErrorGroup,
)

__all__ = ["plan_areas"]

_MAX_AREAS = _session_checks.MAX_AREAS
_PARAMETERS = inspect.signature(plan).parameters
_PLAN_KEYWORDS = frozenset(_PARAMETERS) - {"catalog"}  # the session's, for every area
_REQUIRED = ("technique", "zone", "area")  # a site stands for the zone and the area


def _wrong_keywords(request: dict[Any, Any]) -> tuple[str, str] | None:
    """What is wrong with an area's keywords, before plan() sees them (None: nothing)."""
    unknown = sorted(str(k) for k in request if k not in _PLAN_KEYWORDS)
    if unknown:
        return "plan() keywords and side", f"unknown: {', '.join(unknown)}"
    missing = [
        k for k in _REQUIRED if k not in request and (k == "technique" or "site" not in request)
    ]
    if missing:
        expected = f"{', '.join(_REQUIRED)} (or a site for zone and area) in every area"
        return expected, f"missing: {', '.join(missing)}"
    return None


def _label_defaults(request: dict[str, Any], product: Product | None) -> dict[str, Any]:
    """An area of the label's own use takes the label's grid and volume per injection.

    The label is the source that states them for that use (the deoxycholic acid label's
    0.2 mL on a 1 cm grid, KYB); whatever the area gives itself is kept.
    """
    label = None if product is None else product.label
    if label is None:
        return request
    try:
        same = (
            resolve(Technique, request["technique"], "technique") is label.technique
            and resolve(Zone, request["zone"], "zone") is label.zone
        )
    except MesocalcError:
        return request  # plan() names the wrong name
    if not same:
        return request
    defaults: dict[str, Any] = {}
    if not {"spacing", "points"} & request.keys():
        defaults["spacing"] = label.grid
    if not {"volume_per_point", "total_volume", "dose_per_area"} & request.keys():
        defaults["volume_per_point"] = label.volume_per_injection
    return {**defaults, **request}


def plan_areas(
    areas: list[Any], *, product: Product | None, catalog: Catalog | None
) -> tuple[list[Plan], list[Side | None]]:
    """The plan and the side of each area of ``areas``, or every area's error at once."""
    if not isinstance(areas, list) or not areas:
        raise InputTypeError("areas", areas, "a non-empty list of plan() keyword arguments")
    if len(areas) > _MAX_AREAS:
        raise InvalidValueError("areas", len(areas), f"at most {_MAX_AREAS} areas in a session")
    plans: list[Plan] = []
    sides: list[Side | None] = []
    errors: list[MesocalcError] = []
    for i, request in enumerate(areas):
        if not isinstance(request, dict):
            errors.append(InputTypeError(f"areas[{i}]", request, "plan() keyword arguments"))
            continue
        request = dict(request)  # noqa: PLW2901 - the caller's dict stays as it was
        side = request.get("side") if "site" in request else request.pop("side", None)
        wrong = _wrong_keywords(request)
        if wrong:
            errors.append(InputTypeError(f"areas[{i}]", sorted(request, key=str), *wrong))
            continue
        try:
            sides.append(None if side is None else resolve(Side, side, "side"))
            plans.append(plan(**_label_defaults(request, product), catalog=catalog))
        except MesocalcError as exc:
            fields = {**exc._fields(), "parameter": f"areas[{i}].{exc.parameter}"}
            errors.append(type(exc)(**fields))
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise MesocalcErrorGroup(f"{len(errors)} areas of the session are wrong", errors)
    return plans, sides
