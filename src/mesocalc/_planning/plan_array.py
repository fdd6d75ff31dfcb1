"""PlanArray: plans over arrays, one element per area, as plan() returns for array inputs.

Every numeric field holds a read-only numpy array of one :attr:`PlanArray.shape`;
``plans[i]`` is the :class:`Plan` of one element (and a slice a smaller
PlanArray). The arithmetic and the checks are those of a plan of one area: the
same functions of :mod:`mesocalc._quantities.arithmetic` and
:mod:`mesocalc._planning.guardrails` run on the arrays.
"""

from __future__ import annotations

import functools
import weakref
from typing import TYPE_CHECKING, Any, Final, NoReturn

import attrs
import numpy as np

from mesocalc._catalog.entries import Protocol
from mesocalc._catalog.warnings import WarningCode, WarningRecord
from mesocalc._engine import engine as _engine
from mesocalc._planning.migrations import SCHEMA, upgraded
from mesocalc._planning.overrides import Departure
from mesocalc._planning.plan import (
    RESULTS,
    Plan,
    check_stored,
    clinic_protocol,
    dose_per_area,
    results,
)
from mesocalc._planning.stored import catalog_for
from mesocalc._quantities import arithmetic as _core
from mesocalc._quantities import validators as _validators
from mesocalc._quantities.names import Lattice, Technique, Zone
from mesocalc._quantities.parameters import PARAMETERS, RANGED, shown_quantity
from mesocalc._records import codec as _codec
from mesocalc._records.tables import (
    FIELDS,
    cell,
    field_rows,
    html_table,
    markdown_table,
    plural,
    text_table,
)
from mesocalc.exceptions import InputTypeError, InvalidValueError, MesocalcError

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from mesocalc._catalog.catalog import Catalog
    from mesocalc.typing import Quantity

__all__ = ["PlanArray"]

Floats = np.ndarray[Any, np.dtype[np.float64]]
_AREA, _POINTS, _TOTAL = (
    next(f for f in FIELDS if f.name == n) for n in ("area", "points", "total_volume")
)


def _same(a: Any, b: Any) -> bool:
    return a is b or bool(np.array_equal(a, b))


def _near(a: Any, b: Any) -> bool:
    """Areas equal but for the last bit: JSON holds them in cm², the arrays in mm²."""
    return bool(np.shape(a) == np.shape(b) and np.allclose(a, b, rtol=1e-15, atol=0.0))


def _array(parameter: str, key: str | None = None) -> dict[str, Any]:
    return _codec.quantity_field(parameter, arrays=True, key=key)


@_validators.frozen_on_load
@attrs.frozen(kw_only=True, eq=False)
class PlanArray:
    """Plans of one technique on one zone over arrays of areas (and parameters). Immutable.

    Numeric results are array-valued Quantities of one :attr:`shape`; ``points`` is
    an int array. ``plans[i]`` is the :class:`Plan` of element ``i``. Compared element
    by element; not hashable, since its arrays are not.
    """

    technique: Technique = attrs.field(metadata=_codec.name(Technique))
    zone: Zone = attrs.field(metadata=_codec.name(Zone))
    lattice: Lattice = attrs.field(metadata=_codec.name(Lattice))
    points: NDArray[np.int64] = attrs.field(metadata=_codec.whole(arrays=True))
    _area: Floats = attrs.field(alias="area_mm2", metadata=_array("area"))
    _spacing: Floats = attrs.field(alias="spacing_mm", metadata=_array("spacing"))
    _volume_per_point: Floats = attrs.field(
        alias="volume_per_point_ml", metadata=_array("volume_per_point")
    )
    _depth: Floats = attrs.field(alias="depth_mm", metadata=_array("depth"))
    _angle: Floats = attrs.field(alias="angle_deg", metadata=_array("angle"))
    loss_fraction: Floats = attrs.field(metadata=_codec.number(arrays=True))
    _thread_length: Floats | None = attrs.field(
        default=None, alias="thread_length_mm", metadata=_array("thread_length")
    )
    warning_records: tuple[WarningRecord, ...] = attrs.field(
        default=(),
        alias="warnings",
        metadata=_codec.parts(_codec.one_of(WarningRecord), key="warnings"),
    )
    sources: tuple[str, ...] = attrs.field(default=(), metadata=_codec.texts())
    protocol: Protocol | None = attrs.field(
        default=None, metadata=_codec.part(_codec.one_of(Protocol))
    )

    def __attrs_post_init__(self) -> None:
        shape = np.shape(self.points)
        for name in ("area", "spacing", "volume_per_point", "depth", "angle", "thread_length"):
            value = getattr(self, f"_{name}")
            if value is not None and np.shape(value) != shape:
                raise InvalidValueError(
                    name, f"an array of shape {np.shape(value)}", f"shape {shape}"
                )
        if np.shape(self.loss_fraction) != shape:
            raise InvalidValueError(
                "loss_fraction",
                f"an array of shape {np.shape(self.loss_fraction)}",
                f"shape {shape}",
            )

    def __eq__(self, other: object) -> bool:
        if type(other) is not PlanArray:
            return NotImplemented
        return all(
            (_near if f.name == "_area" else _same)(getattr(self, f.name), getattr(other, f.name))
            for f in attrs.fields(PlanArray)
        )

    def __hash__(self) -> NoReturn:
        raise TypeError(
            "a PlanArray is not hashable: its arrays are mutable in numpy's eyes; "
            "hash its plans (plans[i]) or its to_dict() JSON instead"
        )

    @property
    def warnings(self) -> tuple[str, ...]:
        """The warnings as text; :attr:`warning_records` has each as a record."""
        return tuple(r.text for r in self.warning_records)

    @property
    def shape(self) -> tuple[int, ...]:
        """The shape of the arrays, as numpy gives it."""
        return tuple(np.shape(self.points))

    def __len__(self) -> int:
        return len(self.points)

    @property
    def area(self) -> Quantity:
        """The treated areas, in cm²."""
        return shown_quantity("area", self._area)

    @property
    def spacing(self) -> Quantity:
        """Distances between points, in mm."""
        return shown_quantity("spacing", self._spacing)

    @property
    def volume_per_point(self) -> Quantity:
        """Product per point, in mL."""
        return shown_quantity("volume_per_point", self._volume_per_point)

    @property
    def depth(self) -> Quantity:
        """Injection depths, in mm."""
        return shown_quantity("depth", self._depth)

    @property
    def angle(self) -> Quantity:
        """Needle angles, in degrees."""
        return shown_quantity("angle", self._angle)

    @property
    def thread_length(self) -> Quantity | None:
        """Thread lengths for retrograde technique, in mm; None for point techniques."""
        if self._thread_length is None:
            return None
        return shown_quantity("thread_length", self._thread_length)

    def _results(self) -> dict[str, Any]:
        # Depth and angle are often one value broadcast to every element: compute on that.
        found = results(
            self.points,
            self._volume_per_point,
            self.loss_fraction,
            _compact(self._depth),
            _compact(self._angle),
        )
        found["insertion_length"] = np.broadcast_to(found["insertion_length"], self.shape)
        return found

    def _volume(self, part: str) -> NDArray[np.float64]:
        """A volume result as a new array: the caller's to keep, or to change in place.

        The first read computes the three volumes together (the counts cast to float
        once, for all three), hands out the one asked and keeps the other two for their
        first read; later reads compute afresh. No array is handed out twice.
        """
        spare = _spare(self)
        if spare is None:  # the first read of a volume
            parts = ("total", "lost", "delivered")
            found = dict(zip(parts, self._volumes(parts), strict=True))
            found, mine = {k: v for k, v in found.items() if k != part}, found[part]
            _keep(self, found)
            return mine
        kept = spare.pop(part, None)
        return self._volumes((part,))[0] if kept is None else kept

    def _volumes(self, parts: tuple[str, ...]) -> tuple[NDArray[np.float64], ...]:
        vpp, loss = _compact(self._volume_per_point), _compact(self.loss_fraction)
        return _core.volume_arrays(self.points, vpp, loss, parts)

    @property
    def total_volume(self) -> Quantity:
        """Product injected per element, in mL."""
        return shown_quantity("total_volume", self._volume("total"))

    @property
    def expected_loss(self) -> Quantity:
        """Product expected to be lost per element, in mL."""
        return shown_quantity("expected_loss", self._volume("lost"))

    @property
    def delivered_volume(self) -> Quantity:
        """Product expected to stay in the skin per element, in mL."""
        return shown_quantity("delivered_volume", self._volume("delivered"))

    @property
    def dose_per_area(self) -> Quantity:
        """Product injected per area of each element, in mL/cm²."""
        total = self.points * self._volume_per_point
        return shown_quantity(
            "dose_per_area", dose_per_area(total, PARAMETERS["area"].to_shown(self._area))
        )

    @property
    def insertion_length(self) -> Quantity:
        """Needle shaft inserted per element, depth / sin(angle), in mm."""
        return shown_quantity("insertion_length", self._results()["insertion_length"])

    def __getitem__(self, index: Any) -> Plan | PlanArray:
        """The :class:`Plan` of one element, or a PlanArray of a slice."""
        try:
            one = isinstance(self.points[index], np.generic)
        except (IndexError, TypeError, ValueError) as exc:
            raise InputTypeError(
                "index", index, f"an index into plans of shape {self.shape}"
            ) from exc

        def pick(value: Any) -> Any:
            if value is None:
                return None
            out = value[index]
            return out.item() if isinstance(out, np.generic) else _frozen(out)

        fields = {
            "technique": self.technique,
            "zone": self.zone,
            "lattice": self.lattice,
            "points": pick(self.points),
            "loss_fraction": pick(self.loss_fraction),
            "warnings": self._element_warnings(pick) if one else self.warning_records,
            "sources": self.sources,
            "protocol": self.protocol,
            "area_mm2": pick(self._area),
            "spacing_mm": pick(self._spacing),
            "volume_per_point_ml": pick(self._volume_per_point),
            "depth_mm": pick(self._depth),
            "angle_deg": pick(self._angle),
            "thread_length_mm": pick(self._thread_length),
        }
        if one:
            return Plan(**fields)
        return PlanArray(**fields)

    def _element_warnings(self, pick: Any) -> tuple[WarningRecord, ...]:
        """The warnings of one element, as its scalar plan gives them.

        Plans over arrays give one warning for the elements that depart from an "about"
        value; an element gives it only if it departs itself, naming its own value. (A
        clinic protocol's plans, whose ranges need the protocol, keep the shared one.)
        """
        about = WarningCode.ABOUT_VALUE_DEPARTED
        if all(w.code is not about for w in self.warning_records):
            return self.warning_records
        try:
            entry = catalog_for(self.protocol, None).spec(self.technique, self.zone)
        except MesocalcError:
            return self.warning_records
        out: list[WarningRecord] = []
        for w in self.warning_records:
            if w.code is not about or w.parameter not in RANGED:
                out.append(w)
                continue
            r = getattr(entry, w.parameter)
            m = pick(_codec.value_of(self, w.parameter))
            if not r.contains(m):
                out.append(
                    Departure(parameter=w.parameter, magnitude=m, range=r, value=m).warning()
                )
        return tuple(out)

    def _points(self) -> str:
        """The point counts: "40", "4 to 40", or "-" for no areas."""
        return cell(_POINTS, np.asarray(self.points))

    def _shape_text(self) -> str:
        return "x".join(str(n) for n in self.shape) or "0-d"

    def _values(self) -> dict[str, Any]:
        """The fields of :data:`~mesocalc._records.tables.FIELDS` plans over arrays have.

        Each is an array.
        """
        return {
            "technique": self.technique,
            "zone": self.zone,
            "lattice": self.lattice,
            "shape": self._shape_text(),
            "area": self._area,
            "points": np.asarray(self.points),
            "spacing": self._spacing,
            "depth": self._depth,
            "angle": self._angle,
            "thread_length": self._thread_length,
            "volume_per_point": self._volume_per_point,
            "loss_fraction": np.asarray(self.loss_fraction),
            **self._results(),
            "protocol": clinic_protocol(self.protocol),
        }

    def _rows(self) -> list[tuple[str, str]]:
        return field_rows(self._values())

    def table(self) -> str:
        """The plans as a plain-text table of ranges, one row per quantity."""
        return text_table(self._rows(), self.warnings)

    def __repr__(self) -> str:
        what = f"<PlanArray {self.technique.value} on {self.zone.value}, "
        warned = f", {plural(len(self.warnings), 'warning')}" if self.warnings else ""
        if not np.size(self.points):
            return f"{what}no areas (shape {self._shape_text()}){warned}>"
        total = self._results()["total_volume"]
        return (
            f"{what}{self._shape_text()} areas of {cell(_AREA, self._area)}: "
            f"{self._points()} point{'' if self._points() == '1' else 's'}, "
            f"total {cell(_TOTAL, total)}{warned}>"
        )

    def _repr_markdown_(self) -> str:
        return markdown_table(self._rows(), self.warnings)

    def _repr_html_(self) -> str:
        """The table of ranges over the elements (``plans[i]`` has each plan's own)."""
        caption = (
            f"Plans over {self._shape_text()} areas: "
            f"{self.technique.value} on the {self.zone.value}"
        )
        return html_table(self._rows(), self.warnings, caption=caption)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict, as :meth:`Plan.to_dict` with (nested) lists for the arrays."""
        out = _codec.dump(self, SCHEMA)
        found = self._results()
        found["dose_per_area"] = dose_per_area(
            found["total_volume"], PARAMETERS["area"].to_shown(self._area)
        )
        for name, m in found.items():
            out[name] = {"value": np.asarray(m).tolist(), "unit": PARAMETERS[name].json}
        return out

    @classmethod
    def from_dict(cls, data: Any, *, catalog: Catalog | None = None) -> PlanArray:
        """Rebuild plans over arrays from :meth:`to_dict` output (mesocalc 0.1.0's included).

        Every element is checked as plan() checks it, against ``catalog`` (the clinic
        protocol the plans were made with; the shipped catalog by default).

        Raises:
            MesocalcError: naming the value at fault, and its index in an array.
        """
        data = upgraded(data)
        if not isinstance(data.get("points"), list):
            raise InvalidValueError(
                "points",
                data.get("points"),
                "a list of point counts; read one plan with Plan.from_dict",
            )
        body = {k: v for k, v in data.items() if k not in RESULTS}
        plans = _codec.structure(cls, body)
        check_stored(data, plans, catalog=catalog)
        return plans


def _frozen(value: Any) -> Any:
    return np.broadcast_to(value, np.shape(value))  # a read-only view: plans are immutable


# The volumes computed but not yet read of each PlanArray whose volumes were read, by
# its id, while it lives (a weak reference forgets them with the plans).
_SPARE: Final[dict[int, tuple[weakref.ref[PlanArray], dict[str, NDArray[np.float64]]]]] = (
    _engine.table("plan_array.spare")
)


def _spare(plans: PlanArray) -> dict[str, NDArray[np.float64]] | None:
    """The volumes of ``plans`` computed but not yet read; None before the first read."""
    found = _SPARE.get(id(plans))
    return found[1] if found is not None and found[0]() is plans else None


def _keep(plans: PlanArray, volumes: dict[str, NDArray[np.float64]]) -> None:
    key = id(plans)
    _SPARE[key] = (weakref.ref(plans, functools.partial(_forget, key)), volumes)


def _forget(key: int, ref: weakref.ref[PlanArray]) -> None:
    found = _SPARE.get(key)
    if found is not None and found[0] is ref:
        _SPARE.pop(key, None)


def _compact(array: Any) -> Any:
    """``array`` with each broadcast axis (stride 0) cut to length 1: the same values, once."""
    a = np.asarray(array)
    return a[tuple(slice(0, 1) if s == 0 else slice(None) for s in a.strides)]
