"""Needles and syringes: the equipment a plan is checked against, with sourced presets.

A needle bounds how deep a technique can reach: the shaft inserted at an angle
to reach a depth is depth / sin(angle) long (MICHEELS16). A syringe's dead space
is product drawn up that never leaves it. The figures behind the presets live in
``equipment.toml``, each with its source key.
"""

from __future__ import annotations

import functools
import math
import tomllib
from typing import Any, Final

import attrs

from mesocalc import _core, _validators
from mesocalc._catalog import default_catalog
from mesocalc._data import read_text
from mesocalc._inputs import read
from mesocalc._units import Dim, magnitude, quantity
from mesocalc.exceptions import CatalogError, InputTypeError, InvalidValueError

__all__ = ["Needle", "Syringe", "draw_up"]

_KINDS: Final = ("conventional", "low-dead-space")


@attrs.frozen(kw_only=True)
class _Preset:
    capacity: float
    dead_space: float
    source: str
    note: str


@attrs.frozen(kw_only=True)
class _Equipment:
    gauges: tuple[int, int]
    gauge_source: str
    presets: dict[tuple[str, float], _Preset]


def _fail(where: str, value: Any, expected: str) -> CatalogError:
    return CatalogError(f"equipment.toml: {where}", value, expected)


def _sources(doc: dict[str, Any], where: str) -> str:
    keys = doc.get("source")
    known = default_catalog().sources
    if not isinstance(keys, list) or not keys or any(k not in known for k in keys):
        raise _fail(f"{where}.source", keys, "a non-empty list of keys from catalog [sources]")
    return ", ".join(keys)


def _parse_equipment(text: str) -> _Equipment:
    doc = tomllib.loads(text)
    if doc.get("format") != 1:
        raise _fail("format", doc.get("format"), "format = 1")
    gauge = doc.get("needle", {}).get("gauge", {})
    low, high = gauge.get("low"), gauge.get("high")
    if not (isinstance(low, int) and isinstance(high, int) and 0 < low <= high):
        raise _fail("needle.gauge", (low, high), "whole numbers 0 < low <= high")
    presets: dict[tuple[str, float], _Preset] = {}
    for kind, sizes in doc.get("syringes", {}).items():
        if kind not in _KINDS:
            raise _fail(f"syringes.{kind}", kind, f"one of {', '.join(_KINDS)}")
        for size, entry in sizes.items():
            where = f"syringes.{kind}.{size}"
            try:
                capacity = read(entry.get("capacity"), "capacity", Dim.VOLUME)
                dead = read(entry.get("dead_space"), "dead_space", Dim.VOLUME)
            except InvalidValueError as exc:
                raise _fail(where, exc.value, exc.expected) from None
            presets[kind, capacity] = _Preset(
                capacity=capacity,
                dead_space=dead,
                source=_sources(entry, where),
                note=str(entry.get("note", "")),
            )
    return _Equipment(
        gauges=(low, high), gauge_source=_sources(gauge, "needle.gauge"), presets=presets
    )


@functools.cache
def _equipment() -> _Equipment:
    """The shipped equipment figures, read and validated once."""
    text = read_text("equipment.toml")
    return _parse_equipment(text)


def _length_mm(value: Any) -> float:
    return read(value, "length", Dim.LENGTH)


def _capacity_ml(value: Any) -> float:
    return read(value, "capacity", Dim.VOLUME)


def _dead_space_ml(value: Any) -> float:
    m = magnitude(value, "dead_space", Dim.VOLUME)
    if m < 0:
        raise InvalidValueError("dead_space", value, "a volume of 0 or more, such as '84 uL'")
    return m


@attrs.frozen(kw_only=True, repr=False)
class Needle:
    """A needle: its gauge (a whole number, 30 for 30G) and its length.

    Examples:
        >>> import mesocalc
        >>> mesocalc.Needle(gauge=30, length="4 mm")
        Needle(gauge=30, length='4 mm')
    """

    gauge: int = attrs.field()
    _length: float = attrs.field(alias="length", converter=_length_mm)

    @gauge.validator
    def _check_gauge(self, attribute: attrs.Attribute[int], value: int) -> None:
        low, high = _equipment().gauges
        _validators.whole(low, high)(self, attribute, value)

    @property
    def length(self) -> Any:
        """The needle's length, in mm."""
        return quantity(self._length, "millimeter")

    @property
    def length_mm(self) -> float:
        """The needle's length as a float in mm, for arithmetic."""
        return self._length

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view."""
        return {"gauge": self.gauge, "length": {"value": self._length, "unit": "mm"}}

    @classmethod
    def from_dict(cls, data: Any) -> Needle:
        """Rebuild a Needle from :meth:`to_dict` output."""
        if not isinstance(data, dict) or not isinstance(data.get("length"), dict):
            raise InputTypeError("needle", data, "a dict from Needle.to_dict()")
        length = data["length"]
        if length.get("unit") != "mm" or not isinstance(length.get("value"), (int, float)):
            raise InvalidValueError("needle.length", length, "{'value': ..., 'unit': 'mm'}")
        gauge: Any = data.get("gauge")
        return cls(gauge=gauge, length=quantity(length["value"], "millimeter"))

    def __repr__(self) -> str:
        return f"Needle(gauge={self.gauge}, length='{self._length:g} mm')"


@attrs.frozen(kw_only=True, repr=False)
class Syringe:
    """A syringe: its graduated capacity and its dead space (product it keeps when emptied).

    ``source`` names the source keys of a preset's figures; it is empty for a syringe
    described by the caller.

    Examples:
        >>> import mesocalc
        >>> mesocalc.Syringe.low_dead_space()
        Syringe(capacity='1 mL', dead_space='2 µL', source='LDSS-WIKI')
        >>> mesocalc.Syringe(capacity="2 mL", dead_space="60 uL").dead_space
        <Quantity(0.06, 'milliliter')>
    """

    _capacity: float = attrs.field(alias="capacity", converter=_capacity_ml)
    _dead_space: float = attrs.field(alias="dead_space", converter=_dead_space_ml)
    source: str = attrs.field(default="", validator=attrs.validators.instance_of(str))

    @property
    def capacity(self) -> Any:
        """The graduated capacity, in mL."""
        return quantity(self._capacity, "milliliter")

    @property
    def dead_space(self) -> Any:
        """Product left in the syringe and needle hub once emptied, in mL."""
        return quantity(self._dead_space, "milliliter")

    @property
    def capacity_ml(self) -> float:
        """The capacity as a float in mL, for arithmetic."""
        return self._capacity

    @property
    def dead_space_ml(self) -> float:
        """The dead space as a float in mL, for arithmetic."""
        return self._dead_space

    @classmethod
    def conventional(cls, capacity: Any = "1 mL") -> Syringe:
        """A conventional syringe of a size with a published dead space: 1, 5 or 10 mL."""
        return cls._preset("conventional", capacity)

    @classmethod
    def low_dead_space(cls, capacity: Any = "1 mL") -> Syringe:
        """A low-dead-space syringe of a size with a published dead space: 1 mL."""
        return cls._preset("low-dead-space", capacity)

    @classmethod
    def _preset(cls, kind: str, capacity: Any) -> Syringe:
        size = read(capacity, "capacity", Dim.VOLUME)
        presets = _equipment().presets
        for (k, c), p in presets.items():
            if k == kind and math.isclose(c, size, rel_tol=1e-9):
                return cls(
                    capacity=quantity(p.capacity, "milliliter"),
                    dead_space=quantity(p.dead_space, "milliliter"),
                    source=p.source,
                )
        sizes = sorted(c for k, c in presets if k == kind)
        raise InvalidValueError(
            "capacity",
            capacity,
            f"a {kind} size with a published dead space: " + ", ".join(f"{c:g} mL" for c in sizes),
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view."""
        return {
            "capacity": {"value": self._capacity, "unit": "mL"},
            "dead_space": {"value": self._dead_space, "unit": "mL"},
            "source": self.source,
        }

    @classmethod
    def from_dict(cls, data: Any) -> Syringe:
        """Rebuild a Syringe from :meth:`to_dict` output."""
        if not isinstance(data, dict):
            raise InputTypeError("syringe", data, "a dict from Syringe.to_dict()")
        values = {}
        for name in ("capacity", "dead_space"):
            entry = data.get(name)
            if not isinstance(entry, dict) or entry.get("unit") != "mL":
                raise InvalidValueError(f"syringe.{name}", entry, "{'value': ..., 'unit': 'mL'}")
            values[name] = quantity(entry.get("value"), "milliliter")
        return cls(**values, source=data.get("source", ""))

    def __repr__(self) -> str:
        dead = (
            f"{self._dead_space * 1000:g} µL"
            if self._dead_space < 1
            else f"{self._dead_space:g} mL"
        )
        capacity = f"{self._capacity:g} mL"
        return f"Syringe(capacity={capacity!r}, dead_space={dead!r}, source={self.source!r})"


def draw_up(total: float, syringe: Syringe) -> tuple[int, float]:
    """Syringes needed for ``total`` mL, and the volume to draw up including dead space.

    Each syringe is filled to at most its capacity and keeps its dead space when
    emptied, so the dead space counts once per syringe: a never-too-little choice.
    """
    count = _core.count_cells(total, syringe.capacity_ml)
    return count, total + count * syringe.dead_space_ml
