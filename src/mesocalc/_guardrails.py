"""Soft and hard limits, the way smart infusion pumps apply a drug library.

Soft limits are the catalog's recommended ranges: a departure raises
SoftLimitError unless the caller passes an :class:`Override` with a reason, and
then the plan records it. Hard limits refuse whatever is said: the mathematical
domain of each parameter, ranges the catalog marks ``hard`` (seed 003's "no more
than 1 mm"), the skin layer a technique deposits product in, per-session caps,
and a needle too short for the insertion. docs/guardrails.md gives the sources.
"""

from __future__ import annotations

import math
from types import ModuleType
from typing import TYPE_CHECKING, Any, Final

import attrs

from mesocalc import _core, _validators
from mesocalc._catalog import PARAMETERS, Basis, Catalog, Layer, Range, SkinThickness, Spec
from mesocalc._inputs import check
from mesocalc._units import Dim, magnitude, quantity
from mesocalc.exceptions import HardLimitError, InputTypeError, SoftLimitError

if TYPE_CHECKING:
    from mesocalc._plan import Plan

__all__ = ["Guard", "Override", "OverrideRecord", "extra_fields", "extra_to_dict"]

# The mathematical domain of each clinical parameter: outside it, no plan exists.
_DOMAIN: Final[dict[str, tuple[str, float, float, bool]]] = {
    # parameter: (words, low, high, high included); the low bound of depth and angle is open.
    "depth": ("more than 0 mm", 0.0, math.inf, False),
    "angle": ("more than 0° and at most 90°", 0.0, 90.0, True),
    "loss_fraction": ("at least 0 and less than 1", 0.0, 1.0, False),
}
_DOMAIN_SOURCE: Final = "geometry (mathematical domain)"
_SHOWN: Final = {"millimeter": "mm", "milliliter": "mL", "degree": "deg", "": ""}


@attrs.frozen(kw_only=True)
class Override:
    """A clinician's decision to depart from recommended ranges, with the reason why.

    It lets soft limits pass (each departure is recorded in ``plan.overrides``); it
    never lets a hard limit pass. ``by`` names who decided (optional, never blank).

    Examples:
        >>> import mesocalc
        >>> mesocalc.Override(reason="  ")
        Traceback (most recent call last):
        ...
        mesocalc.exceptions.InvalidValueError: reason: got '  '; expected a non-blank ...
    """

    reason: str = attrs.field(validator=_validators.non_blank())
    by: str | None = attrs.field(default=None, validator=_validators.optional_non_blank())


@attrs.frozen(kw_only=True)
class OverrideRecord:
    """One recorded departure from a recommended range.

    ``value`` is a Quantity (a float for the loss fraction); ``allowed`` is the
    recommended range in words and ``source`` its source keys.
    """

    parameter: str
    _value: float = attrs.field(alias="value_magnitude")
    allowed: str
    source: str
    reason: str
    by: str | None = None

    @property
    def value(self) -> Any:
        """The value used, in the parameter's unit (mm, mL, degrees; a float for fractions)."""
        unit = PARAMETERS[self.parameter][1]
        return quantity(self._value, unit) if unit else self._value

    def describe(self) -> str:
        """One line for warnings and tables."""
        who = f" by {self.by}" if self.by else ""
        unit = _SHOWN[PARAMETERS[self.parameter][1]]
        return (
            f"{self.parameter} {self._value:.6g}{' ' + unit if unit else ''} is outside the "
            f"recommended {self.allowed} ({self.source}): overridden{who}: {self.reason}"
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view, the value in the unit the plan shows."""
        return {
            "parameter": self.parameter,
            "value": {"value": self._value, "unit": _SHOWN[PARAMETERS[self.parameter][1]]},
            "allowed": self.allowed,
            "source": self.source,
            "reason": self.reason,
            "by": self.by,
        }

    @classmethod
    def from_dict(cls, data: Any) -> OverrideRecord:
        """Rebuild a record from :meth:`to_dict` output."""
        if not isinstance(data, dict) or data.get("parameter") not in PARAMETERS:
            raise InputTypeError("overrides", data, "a dict from OverrideRecord.to_dict()")
        value = data.get("value")
        if not isinstance(value, dict) or not isinstance(value.get("value"), (int, float)):
            raise InputTypeError("overrides.value", value, "{'value': ..., 'unit': ...}")
        reason: Any = data.get("reason")
        checked = Override(reason=reason, by=data.get("by"))  # the checks made at planning
        return cls(
            parameter=data["parameter"],
            value_magnitude=float(value["value"]),
            allowed=str(data.get("allowed", "")),
            source=str(data.get("source", "")),
            reason=checked.reason,
            by=checked.by,
        )


def _equipment() -> ModuleType:
    """Needles and syringes, imported when a plan first uses them (start-up time)."""
    from mesocalc import _equipment  # noqa: PLC0415 - kept out of `import mesocalc`

    return _equipment


_DIMS: Final = {
    "spacing": Dim.LENGTH,
    "volume_per_point": Dim.VOLUME,
    "depth": Dim.LENGTH,
    "angle": Dim.ANGLE,
    "loss_fraction": Dim.FRACTION,
}


def _shown(m: float, parameter: str) -> str:
    unit = _SHOWN[PARAMETERS[parameter][1]]
    return f"{m:.6g} {unit}".strip()


@attrs.define
class Guard:
    """The guardrails of one plan() call: chooses each value, then checks the whole plan.

    Soft departures are collected, not raised at once, so that a hard violation
    anywhere in the request is reported first: no override would help with it.
    """

    entry: Spec
    skin: SkinThickness
    override: Override | None
    departures: list[tuple[str, float, Range, Any]] = attrs.field(factory=list)

    @classmethod
    def start(cls, entry: Spec, catalog: Catalog, override: Any) -> Guard:
        """Guard a plan of ``entry`` (found in ``catalog``), with an optional override."""
        if override is not None and not isinstance(override, Override):
            raise InputTypeError(
                "override", override, "None or mesocalc.Override(reason=..., by=...)"
            )
        return cls(entry, catalog.thickness(entry.zone), override)

    def choose(self, value: Any, parameter: str, r: Range) -> float:
        """The caller's value checked against hard limits and the range, or the nominal."""
        if value is None:
            return r.nominal_magnitude
        dim = _DIMS[parameter]
        m = magnitude(value, parameter, dim)
        if parameter in _DOMAIN:
            words, low, high, closed = _DOMAIN[parameter]
            above = m >= low if parameter == "loss_fraction" else m > low
            if not (above and (m <= high if closed else m < high)):
                raise HardLimitError(
                    parameter,
                    value,
                    words,
                    f"source: {_DOMAIN_SOURCE}",
                    allowed=words,
                    source=_DOMAIN_SOURCE,
                )
        check(m, value, parameter, dim)
        if not r.contains(m):
            where = (
                f"{r.describe()} for {self.entry.technique.value} on the {self.entry.zone.value}"
            )
            if r.hard:
                raise HardLimitError(
                    parameter,
                    value,
                    where,
                    f"source: {r.source}; a hard limit, no override passes it",
                    allowed=r.describe(),
                    source=r.source,
                )
            self.departures.append((parameter, m, r, value))
        return m

    def finish(
        self,
        *,
        points: int,
        depth: float,
        angle: float,
        volume_per_point: float,
        needle: Any,
        syringe: Any,
    ) -> dict[str, Any]:
        """Check the whole plan against hard limits, then the soft departures.

        Returns the Plan fields the guardrails fill: ``warnings`` to add, the
        override records, the equipment and what follows from it.

        Raises:
            HardLimitError: the depth leaves the technique's skin layer, a session
                cap is exceeded, or the needle is too short.
            SoftLimitError: a departure from a recommended range without an override.
        """
        if needle is not None or syringe is not None:
            self._check_equipment(needle, syringe)
        warnings = self.check_layer(depth)
        total = points * volume_per_point
        warnings += self.check_session(points, total)
        insertion = _core.insertion_length(depth, angle)
        if needle is not None and needle.length_mm < insertion * (1 - 1e-9):
            raise HardLimitError(
                "needle",
                needle,
                f"a needle at least {insertion:.3g} mm long",
                f"{_shown(depth, 'depth')} at {_shown(angle, 'angle')} inserts "
                f"{insertion:.3g} mm of shaft (depth / sin(angle), source: MICHEELS16)",
                allowed=f"at least {insertion:.3g} mm",
                source="MICHEELS16",
            )
        records = self.records()
        warnings += [r.describe() for r in records]
        count, drawn = (None, None) if syringe is None else _equipment().draw_up(total, syringe)
        return {
            "warnings": warnings,
            "overrides": records,
            "needle": needle,
            "syringe": syringe,
            "syringes": count,
            "insertion_length_mm": insertion,
            "draw_up_volume_ml": drawn,
        }

    @staticmethod
    def _check_equipment(needle: Any, syringe: Any) -> None:
        equipment = _equipment()
        if needle is not None and not isinstance(needle, equipment.Needle):
            raise InputTypeError(
                "needle", needle, "None or mesocalc.Needle(gauge=..., length=...)"
            )
        if syringe is not None and not isinstance(syringe, equipment.Syringe):
            raise InputTypeError("syringe", syringe, "None or mesocalc.Syringe(...)")

    def records(self) -> tuple[OverrideRecord, ...]:
        if self.departures and self.override is None:
            parameter, _, r, value = self.departures[0]
            raise SoftLimitError(
                parameter,
                value,
                f"{r.describe()} for {self.entry.technique.value} on the {self.entry.zone.value}",
                f"source: {r.source}",
                allowed=r.describe(),
                source=r.source,
            )
        return tuple(
            OverrideRecord(
                parameter=parameter,
                value_magnitude=m,
                allowed=r.describe(),
                source=r.source,
                reason=self.override.reason,
                by=self.override.by,
            )
            for parameter, m, r, _ in self.departures
            if self.override is not None
        )

    def check_layer(self, depth: float) -> list[str]:
        """Refuse a depth that leaves the technique's layer; warn where none can be checked."""
        entry, skin = self.entry, self.skin.skin
        layer = entry.layer
        if layer is Layer.ANY:
            return [
                f"depth is not bounded by a skin layer for {entry.technique.value}: "
                f"{entry.layer_note or 'the catalog names no layer'}"
            ]
        if skin is None:
            return [
                f"depth is not checked against the {layer.value} layer: the catalog has "
                f"no published skin thickness for the {entry.zone.value}"
            ]
        where = f"{entry.technique.value} on the {entry.zone.value}"
        source = ", ".join(dict.fromkeys((*entry.layer_sources, *skin.sources)))
        if layer is Layer.SKIN and depth > skin.high_magnitude * (1 + 1e-9):
            allowed = f"at most {skin.high_magnitude:g} mm"
            raise HardLimitError(
                "depth",
                _shown(depth, "depth"),
                f"{allowed} for {where}, the thickest published skin there",
                f"source: {source}; deeper leaves the skin {entry.technique.value} is "
                "defined in; a hard limit, no override passes it",
                allowed=allowed,
                source=source,
            )
        if layer is Layer.SUBCUTIS and depth <= skin.low_magnitude * (1 + 1e-9):
            allowed = f"more than {skin.low_magnitude:g} mm"
            raise HardLimitError(
                "depth",
                _shown(depth, "depth"),
                f"{allowed} for {where}, below the thinnest published skin there",
                f"source: {source}; shallower stays in the skin, not the subcutis "
                f"{entry.technique.value} is defined in; a hard limit, no override passes it",
                allowed=allowed,
                source=source,
            )
        return []

    def check_session(self, points: int, total: float) -> list[str]:
        cap = self.entry.session
        if cap is None:
            return []
        where = f"per session of {self.entry.technique.value} on the {self.entry.zone.value}"
        if cap.max_points is not None and points > cap.max_points:
            allowed = f"at most {cap.max_points} injections"
            raise HardLimitError(
                "points",
                points,
                f"{allowed} {where}",
                f"source: {cap.source}; a smaller area or a wider spacing; a hard limit",
                allowed=allowed,
                source=cap.source,
            )
        vmax = cap.max_volume_magnitude
        if vmax is not None and total > vmax * (1 + 1e-9):
            allowed = f"at most {vmax:g} mL"
            raise HardLimitError(
                "total_volume",
                _shown(total, "volume_per_point"),
                f"{allowed} {where}",
                f"source: {cap.source}; a hard limit",
                allowed=allowed,
                source=cap.source,
            )
        if cap.basis is not Basis.STATED:
            return [
                f"session cap ({cap.max_points} injections, {vmax:g} mL) is "
                f"{cap.basis.value}: {cap.note}"
            ]
        return []


def extra_to_dict(plan: Plan) -> dict[str, Any]:
    """The guardrail and equipment fields of ``plan`` for :meth:`Plan.to_dict`."""
    out: dict[str, Any] = {"overrides": [r.to_dict() for r in plan.overrides]}
    if plan.needle is not None:
        out["needle"] = plan.needle.to_dict()
    if plan.syringe is not None:
        out["syringe"] = plan.syringe.to_dict()
        out["syringes"] = plan.syringes
    return out


def extra_fields(data: dict[str, Any]) -> dict[str, Any]:
    """Plan keyword arguments rebuilt from :func:`extra_to_dict` output."""
    out: dict[str, Any] = {
        "overrides": tuple(OverrideRecord.from_dict(r) for r in data.get("overrides", ()))
    }
    if "needle" in data:
        out["needle"] = _equipment().Needle.from_dict(data["needle"])
    if "syringe" in data:
        out["syringe"] = _equipment().Syringe.from_dict(data["syringe"])
        count = data.get("syringes")
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise InputTypeError("syringes", count, "a positive integer")
        out["syringes"] = count
    return out
