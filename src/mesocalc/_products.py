"""Products: what is injected, and the facts its label states (caps, dose, grid, courses).

``mesocalc.product("deoxycholic acid")`` reads the label facts shipped in
``products.toml``, each with its source; a clinic may describe its own product with
``mesocalc.Product(name=..., concentration=...)``. A label's caps per treatment are
hard limits on a session's totals.
"""

from __future__ import annotations

import datetime
import functools
import tomllib
from typing import TYPE_CHECKING, Any, Final

import attrs

from mesocalc import _codec, _validators
from mesocalc._catalog import default_catalog
from mesocalc._data import read_text
from mesocalc._inputs import read
from mesocalc._names import Technique, Zone, resolve
from mesocalc._units import quantity
from mesocalc.exceptions import CatalogError, InputTypeError, UnknownNameError

if TYPE_CHECKING:
    from mesocalc.typing import Quantity

__all__ = ["Label", "Product", "product"]


def _concentration(value: Any) -> float | None:
    return None if value is None else read(value, "concentration")


@attrs.frozen(kw_only=True, repr=False)
class Label:
    """What a product's label states for its use, with the label's source keys."""

    technique: Technique = attrs.field(metadata=_codec.name(Technique))
    zone: Zone = attrs.field(metadata=_codec.name(Zone))
    _volume_per_injection: float = attrs.field(
        alias="volume_per_injection_ml",
        metadata=_codec.quantity_field("volume_per_point", key="volume_per_injection"),
    )
    _grid: float = attrs.field(
        alias="grid_mm", metadata=_codec.quantity_field("spacing", key="grid")
    )
    max_injections: int = attrs.field(metadata=_codec.whole())
    _max_volume: float = attrs.field(
        alias="max_volume_ml", metadata=_codec.quantity_field("total_volume", key="max_volume")
    )
    max_treatments: int = attrs.field(metadata=_codec.whole())
    min_interval_months: int = attrs.field(metadata=_codec.whole())
    sources: tuple[str, ...] = attrs.field(metadata=_codec.texts(key="source"))
    note: str = attrs.field(default="", metadata=_codec.text())

    @property
    def volume_per_injection(self) -> Quantity:
        """The volume of one injection, in mL."""
        return quantity(self._volume_per_injection, "milliliter")

    @property
    def grid(self) -> Quantity:
        """The distance between injections, in mm."""
        return quantity(self._grid, "millimeter")

    @property
    def max_volume(self) -> Quantity:
        """The most product per treatment, in mL."""
        return quantity(self._max_volume, "milliliter")

    @property
    def max_volume_ml(self) -> float:
        """The most product per treatment as a float in mL."""
        return self._max_volume

    @property
    def source(self) -> str:
        """The source keys as one string."""
        return ", ".join(self.sources)

    __repr__ = _codec.unit_repr  # grid='10 mm', not _grid=10.0


@attrs.frozen(kw_only=True, repr=False)
class Product:
    """A product: its name, concentration, lot and expiry, and its label's facts when known.

    Examples:
        >>> import mesocalc
        >>> p = mesocalc.product("deoxycholic acid", lot="B123", expires="2027-03-31")
        >>> print(p.concentration, p.label.max_injections, p.label.source, sep=", ")
        10.0 milligram / milliliter, 50, KYB
    """

    name: str = attrs.field(validator=_validators.non_blank(), metadata=_codec.text())
    _concentration: float | None = attrs.field(
        default=None,
        alias="concentration",
        converter=_concentration,
        metadata=_codec.quantity_field("concentration", given=True),
    )
    lot: str | None = attrs.field(
        default=None, validator=_validators.optional_non_blank(), metadata=_codec.text()
    )
    expires: datetime.date | None = attrs.field(
        default=None,
        converter=_validators.iso_date,
        validator=_validators.date(),
        metadata=_codec.date(),
    )
    label: Label | None = attrs.field(default=None, metadata=_codec.part(_codec.one_of(Label)))

    @property
    def concentration(self) -> Quantity | None:
        """Active ingredient per volume, in mg/mL, or None when not given."""
        return (
            None
            if self._concentration is None
            else quantity(self._concentration, "milligram / milliliter")
        )

    @property
    def concentration_mg_ml(self) -> float | None:
        """The concentration as a float in mg/mL, or None."""
        return self._concentration

    __repr__ = _codec.unit_repr  # concentration='10 mg/mL', not _concentration=10.0

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict naming its schema (``mesocalc.product``)."""
        return _codec.dump(self, "mesocalc.product")

    @classmethod
    def from_dict(cls, data: Any) -> Product:
        """Rebuild a Product from :meth:`to_dict` output, checked as a new one is."""
        return _codec.load(cls, data, "mesocalc.product")


_KEYS: Final = {
    "aliases", "technique", "zone", "concentration", "volume_per_injection", "grid",
    "max_injections", "max_volume", "max_treatments", "min_interval_months", "source", "note",
}  # fmt: skip


def _fail(where: str, value: Any, expected: str) -> CatalogError:
    return CatalogError(f"products.toml: {where}", value, expected)


def _quantity(doc: dict[str, Any], key: str, parameter: str, where: str) -> float:
    entry = doc.get(key)
    if not isinstance(entry, dict) or set(entry) != {"value", "unit"}:
        raise _fail(f"{where}.{key}", entry, "{ value = ..., unit = ... }")
    return read(f"{entry['value']!r} {entry['unit']}", parameter, label=f"{where}.{key}")


def _whole(doc: dict[str, Any], key: str, where: str) -> int:
    value = doc.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise _fail(f"{where}.{key}", value, "a whole number, 1 or more")
    return value


@functools.cache
def _products() -> dict[str, Product]:
    """The shipped products by folded name and alias, read and validated once."""
    doc = tomllib.loads(read_text("products.toml"))
    if doc.get("format") != 1:
        raise _fail("format", doc.get("format"), "format = 1")
    known = default_catalog().sources
    out: dict[str, Product] = {}
    for name, entry in doc.get("products", {}).items():
        where = f"products.{name}"
        if not isinstance(entry, dict) or set(entry) - _KEYS:
            raise _fail(
                where,
                sorted(set(entry) - _KEYS) if isinstance(entry, dict) else entry,
                "the keys of a label",
            )
        sources = entry.get("source")
        if not isinstance(sources, list) or not sources or any(k not in known for k in sources):
            raise _fail(
                f"{where}.source", sources, "a non-empty list of keys from catalog [sources]"
            )
        label = Label(
            technique=resolve(Technique, entry.get("technique"), f"{where}.technique"),
            zone=resolve(Zone, entry.get("zone"), f"{where}.zone"),
            volume_per_injection_ml=_quantity(
                entry, "volume_per_injection", "volume_per_point", where
            ),
            grid_mm=_quantity(entry, "grid", "spacing", where),
            max_injections=_whole(entry, "max_injections", where),
            max_volume_ml=_quantity(entry, "max_volume", "total_volume", where),
            max_treatments=_whole(entry, "max_treatments", where),
            min_interval_months=_whole(entry, "min_interval_months", where),
            sources=tuple(sources),
            note=str(entry.get("note", "")),
        )
        concentration = entry.get("concentration")
        made = Product(
            name=name,
            concentration=None
            if concentration is None
            else f"{concentration['value']!r} {concentration['unit']}",
            label=label,
        )
        for alias in [name, *entry.get("aliases", [])]:
            out[alias.casefold()] = made
    return out


def product(name: str, *, lot: str | None = None, expires: Any = None) -> Product:
    """The product ``name`` with its label's facts, from the products mesocalc ships.

    Raises:
        UnknownNameError: mesocalc has no label for ``name``.
    """
    if not isinstance(name, str):
        raise InputTypeError("name", name, "a product name such as 'deoxycholic acid'")
    found = _products().get(name.strip().casefold())
    if found is None:
        names = sorted({p.name for p in _products().values()})
        raise UnknownNameError("name", name, f"one of {', '.join(repr(n) for n in names)}")
    return Product(
        name=found.name,
        concentration=found.concentration,
        lot=lot,
        expires=expires,
        label=found.label,
    )
