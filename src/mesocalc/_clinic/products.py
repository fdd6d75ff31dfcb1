"""Products: what is injected, and the facts its label states (caps, dose, grid, courses).

``mesocalc.product("deoxycholic acid")`` reads the label facts shipped in
``products.toml``, each with its source; a clinic may describe its own product with
``mesocalc.Product(name=..., concentration=...)``. A label's caps per treatment are
hard limits on a session's totals.

A strength is a mass per volume ("10 mg/mL") or biological units per volume
("20 U/mL", a toxin's units; ADR 0010). A vial of powder is made up with
:meth:`Product.reconstituted`, and a solution thinned with :meth:`Product.diluted`.
"""

from __future__ import annotations

import datetime
import tomllib
from typing import TYPE_CHECKING, Any, Final, NamedTuple

import attrs

from mesocalc._catalog.catalog import default_catalog
from mesocalc._clinic.gs1 import gtin_error, read_gs1
from mesocalc._engine import engine as _engine
from mesocalc._engine import files as _data
from mesocalc._engine.files import read_text
from mesocalc._quantities import validators as _validators
from mesocalc._quantities.inputs import check, read
from mesocalc._quantities.magnitudes import magnitude_in
from mesocalc._quantities.names import Technique, Zone, folded, resolve
from mesocalc._quantities.parameters import PARAMETERS
from mesocalc._quantities.units import BIOLOGICAL_UNIT, Dim, quantity
from mesocalc._records import codec as _codec
from mesocalc._records.structuring import Reader
from mesocalc.exceptions import CatalogError, InputTypeError, InvalidValueError, UnknownNameError

if TYPE_CHECKING:
    from mesocalc.typing import Quantity

__all__ = ["Label", "Product", "product", "product_key", "shipped_name"]


class _Strength(NamedTuple):
    """A product's strength: its magnitude per mL and the parameter whose unit it is in."""

    per_ml: float  # mg/mL or U/mL
    parameter: str  # "concentration" (mg/mL) or "biological_concentration" (U/mL)


# By the dimension of a strength: its parameter, the active's pint unit and symbol, and
# the parameter and dimension of an amount of that active.
_CONCENTRATIONS: Final = (Dim.CONCENTRATION, Dim.BIOLOGICAL_CONCENTRATION)
_AMOUNTS: Final = (Dim.MASS, Dim.BIOLOGICAL)
_ACTIVE: Final = {
    "concentration": ("milligram", "mg"),
    "biological_concentration": (BIOLOGICAL_UNIT, "U"),
}
_MAX_DILUENTS: Final = 100  # a software bound on the diluents of one preparation


def _gtin(inst: Any, attr: attrs.Attribute[Any], value: Any) -> None:
    error = None if value is None else gtin_error(value)
    if error is not None:
        raise error


def _concentration(value: Any) -> _Strength | None:
    if value is None:
        return None
    if type(value) is _Strength:  # a strength made by reconstituted() or diluted()
        shown = PARAMETERS[value.parameter].show(value.per_ml)  # "1e+15 U/mL", as computed
        return _Strength(check(value.per_ml, shown, value.parameter, "concentration"), *value[1:])
    m, dim = magnitude_in(value, "concentration", _CONCENTRATIONS)
    parameter = "concentration" if dim is Dim.CONCENTRATION else "biological_concentration"
    return _Strength(check(m, value, parameter, "concentration"), parameter)


def _volumes(value: Any, parameter: str) -> float:
    """The total of one volume, or of a non-empty list of them, each positive."""
    if isinstance(value, (list, tuple)):
        if not value or len(value) > _MAX_DILUENTS:
            raise InputTypeError(
                parameter,
                value,
                f"a volume such as '5 mL', or a list of 1 to {_MAX_DILUENTS} of them",
            )
        return sum(read(v, "diluent", label=f"{parameter}[{i}]") for i, v in enumerate(value))
    return read(value, "diluent", label=parameter)


_MAX_COUNT: Final = 1_000_000  # a software bound on a label's counts, not a clinical one


class _Positive:
    """A positive, finite magnitude (a stored ``NaN`` or ``0 mm`` grid is no label's)."""

    __slots__ = ("key", "unit")

    def __init__(self, key: str, unit: str) -> None:
        self.key, self.unit = key, unit

    def __call__(self, inst: Any, attr: Any, value: Any) -> None:
        expected = f"a number of {self.unit} greater than 0"
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise InputTypeError(self.key, value, expected)
        if not 0 < value < float("inf"):  # NaN fails too
            raise InvalidValueError(self.key, f"{value!r} {self.unit}", expected)


def _count(inst: Any, attr: Any, value: Any) -> None:
    expected = f"a whole number from 1 to {_MAX_COUNT}"
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputTypeError(attr.name, value, expected)
    if not 1 <= value <= _MAX_COUNT:
        raise InvalidValueError(attr.name, value, expected)


def _key(text: Any) -> bool:
    return isinstance(text, str) and _validators.visible(text) and _validators.storable(text)


def _sources(inst: Any, attr: Any, value: Any) -> None:
    if not isinstance(value, tuple) or not value or not all(_key(k) for k in value):
        raise InvalidValueError(
            "source", list(value) if isinstance(value, tuple) else value, "source keys, 1 or more"
        )


def _member(kind: type[Technique | Zone]) -> Any:
    def check(inst: Any, attr: Any, value: Any) -> None:
        if not isinstance(value, kind):
            raise InputTypeError(attr.name, value, f"a mesocalc.{kind.__name__}")

    return check


# The label's figures a product named like a shipped one must share with the shipped label.
_FIGURES: Final = (
    "technique", "zone", "volume_per_injection", "grid", "max_injections", "max_volume",
    "max_treatments", "min_interval_months",
)  # fmt: skip


@attrs.frozen(kw_only=True, repr=False)
class Label:
    """What a product's label states for its use, with the label's source keys."""

    technique: Technique = attrs.field(
        validator=_member(Technique), metadata=_codec.name(Technique)
    )
    zone: Zone = attrs.field(validator=_member(Zone), metadata=_codec.name(Zone))
    _volume_per_injection: float = attrs.field(
        alias="volume_per_injection_ml",
        validator=_Positive("volume_per_injection", PARAMETERS["volume_per_point"].shown),
        metadata=_codec.quantity_field("volume_per_point", key="volume_per_injection"),
    )
    _grid: float = attrs.field(
        alias="grid_mm",
        validator=_Positive("grid", PARAMETERS["spacing"].shown),
        metadata=_codec.quantity_field("spacing", key="grid"),
    )
    max_injections: int = attrs.field(validator=_count, metadata=_codec.whole())
    _max_volume: float = attrs.field(
        alias="max_volume_ml",
        validator=_Positive("max_volume", PARAMETERS["total_volume"].shown),
        metadata=_codec.quantity_field("total_volume", key="max_volume"),
    )
    max_treatments: int = attrs.field(validator=_count, metadata=_codec.whole())
    min_interval_months: int = attrs.field(validator=_count, metadata=_codec.whole())
    sources: tuple[str, ...] = attrs.field(validator=_sources, metadata=_codec.texts(key="source"))
    note: str = attrs.field(default="", validator=_validators.text(), metadata=_codec.text())

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


def _label(inst: Any, attr: Any, value: Any) -> None:
    if value is not None and not isinstance(value, Label):
        raise InputTypeError(
            "label", value, "None or a mesocalc.Label (a shipped product carries its own)"
        )


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
    _concentration: _Strength | None = attrs.field(
        default=None,
        alias="concentration",
        converter=_concentration,
        metadata=_codec.quantity_of("concentration", "biological_concentration"),
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
    label: Label | None = attrs.field(
        default=None, validator=_label, metadata=_codec.part(_codec.one_of(Label))
    )

    gtin: str | None = attrs.field(default=None, validator=_gtin, metadata=_codec.text())

    @classmethod
    def from_gs1(
        cls,
        text: str,
        *,
        name: str,
        concentration: Any = None,
        label: Label | None = None,
    ) -> Product:
        """The product in a box whose GS1 barcode reads ``text``: its GTIN, lot and expiry.

        ``text`` is what a scanner sends or what is printed under the barcode: a GS1
        element string, with parentheses (``"(01)09501101530003(17)270331(10)AB12"``) or
        without them and with FNC1 separators, or a GS1 Digital Link URI. A barcode
        names no product: ``name`` (and ``concentration``, ``label``) say which one the
        GTIN is, as the clinic's stock list does; a name of a shipped label carries that
        label, as :func:`product` does. Needs the optional extra ``mesocalc[scan]``.

        Examples:
            >>> import mesocalc
            >>> box = mesocalc.Product.from_gs1(
            ...     "(01)09501101530003(17)270331(10)AB12", name="hyaluronic acid"
            ... )
            >>> print(box.gtin, box.lot, box.expires)
            09501101530003 AB12 2027-03-31

        Raises:
            MesocalcError: a string that is no GS1 element string or Digital Link URI,
                a GTIN with a wrong check digit, an expiry that is no date, or an
                application identifier other than (01), (10), (17) and (21); the error
                names the field.
        """
        scanned = read_gs1(text)
        return cls(
            name=name,
            concentration=concentration,
            lot=scanned.lot,
            expires=scanned.expires,
            label=label,
            gtin=scanned.gtin,
        )

    def __attrs_post_init__(self) -> None:
        """A product named like a shipped one carries the shipped label, never another."""
        shipped = _shipped_labels().get(folded(self.name))
        if shipped is None or self.label is shipped:
            return
        if self.label is not None:
            for name in _FIGURES:
                given, own = getattr(self.label, name), getattr(shipped, name)
                if given != own:
                    raise InvalidValueError(
                        f"label.{name}",
                        given,
                        f"{own}, as the label of {shipped_name(self.name)} states "
                        f"({shipped.source}): a product named like a shipped one carries "
                        "its label, and a stored or given label is never trusted over it",
                    )
        object.__setattr__(self, "label", shipped)  # frozen: set once, as constructed

    @property
    def concentration(self) -> Quantity | None:
        """Active ingredient per volume, or None when not given.

        In mg/mL for a mass per volume; in ``biological_unit / milliliter`` for biological
        units ("20 U/mL"), a unit mesocalc defines in pint's application registry the
        first time it is needed (ADR 0010).
        """
        c = self._concentration
        return None if c is None else quantity(c.per_ml, PARAMETERS[c.parameter].shown_unit)

    @property
    def concentration_mg_ml(self) -> float | None:
        """The concentration as a float in mg/mL; None when not given or in biological units."""
        c = self._concentration
        return None if c is None or c.parameter != "concentration" else c.per_ml

    @property
    def active(self) -> tuple[float, str, str] | None:
        """The active per mL, its pint unit and its symbol, as ``(20.0, "biological_unit", "U")``.

        None when the concentration is not given. A session's active dose is its volume
        in mL times the first item, in the unit of the second.
        """
        c = self._concentration
        return None if c is None else (c.per_ml, *_ACTIVE[c.parameter])

    @classmethod
    def reconstituted(
        cls,
        *,
        name: str,
        amount: Any,
        diluent: Any,
        lot: str | None = None,
        expires: Any = None,
    ) -> Product:
        """A vial of powder, ``amount`` of active, made up with ``diluent``: a new Product.

        The concentration is the amount over the total diluent volume: 100 U made up
        with 5 mL of saline is 20 U/mL. The powder's own volume is neglected.

        Args:
            name: the product's name.
            amount: the vial's active, a mass (``"20 mg"``) or biological units
                (``"100 U"``).
            diluent: the volume added (``"5 mL"``), or a list of volumes (saline, then
                another solution), each greater than zero.
            lot: the lot number, as :class:`Product`'s.
            expires: the expiry date, as :class:`Product`'s.

        What this is not: mesocalc computes concentrations only. It makes no claim that a
        product may be reconstituted with a given diluent or volume, or how long the
        solution keeps: that is for the product's label.

        Examples:
            >>> import mesocalc
            >>> toxin = mesocalc.Product.reconstituted(
            ...     name="botulinum toxin A", amount="100 U", diluent="5 mL"
            ... )
            >>> print(toxin.concentration)
            20.0 biological_unit / milliliter

        Raises:
            MesocalcError: an amount or a diluent volume of the wrong unit, a bare number,
                zero, negative or not a measurement; the parameter names which.
        """
        m, dim = magnitude_in(amount, "amount", _AMOUNTS)
        check(m, amount, "amount" if dim is Dim.MASS else "biological_amount", "amount")
        volume = _volumes(diluent, "diluent")
        parameter = "concentration" if dim is Dim.MASS else "biological_concentration"
        strength = _Strength(m / volume, parameter)
        return cls(name=name, concentration=strength, lot=lot, expires=expires)

    def diluted(self, *, volume: Any, diluent: Any, name: str | None = None) -> Product:
        """``volume`` of this product mixed with ``diluent``: the same active, thinner.

        The concentration becomes ``concentration * volume / (volume + diluent)``, so the
        amount of active in the syringe is the same. The lot, expiry and label are kept (a
        label's caps still bind the volumes injected).

        A mixture of two products holds each product's active at its own diluted
        concentration: 1 mL of A with 1 mL of B is ``A.diluted(volume="1 mL",
        diluent="1 mL")`` for A's active and the same call on B for B's; a Product holds
        one active, and a session is planned with the one whose dose is followed.

        What mixing is not: mesocalc computes concentrations only. It makes no claim that
        two products are compatible, that a mixture is stable or keeps, or that a label
        allows its product to be diluted.

        Args:
            volume: the volume of this product taken (``"1 mL"``).
            diluent: the volume added (``"1 mL"``), or a list of volumes.
            name: the name of the preparation; this product's by default.

        Raises:
            MesocalcError: a product without a concentration; a volume or diluent of
                the wrong unit, a bare number, zero, negative or not a measurement.
        """
        c = self._concentration
        if c is None:
            raise InvalidValueError(
                "concentration",
                None,
                "a product with a concentration, such as Product(name=..., concentration="
                "'10 mg/mL')",
                f"{self.name} has no concentration to dilute",
            )
        taken = read(volume, "diluent", label="volume")
        added = _volumes(diluent, "diluent")
        strength = _Strength(c.per_ml * taken / (taken + added), c.parameter)
        return attrs.evolve(self, name=self.name if name is None else name, concentration=strength)

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


class _Shipped(NamedTuple):
    """A shipped product's facts: its name, concentration (as text) and label."""

    name: str
    concentration: str | None
    label: Label


@_engine.cached()
def _shipped() -> dict[str, _Shipped]:
    """The shipped products by folded name and alias, read and validated once.

    Read from the package's own file (``_data.read_text``): every Product is held to
    these labels, whatever a caller does with this module's ``read_text``.
    """
    return _read(_data.read_text("products.toml"))


@_engine.cached()
def _products() -> dict[str, Product]:
    """The shipped products as Products, by folded name and alias (one Product each)."""
    made: dict[str, Product] = {}
    out: dict[str, Product] = {}
    for key, facts in _read(read_text("products.toml")).items():
        if facts.name not in made:
            made[facts.name] = Product(
                name=facts.name, concentration=facts.concentration, label=facts.label
            )
        out[key] = made[facts.name]
    return out


def _read(text: str) -> dict[str, _Shipped]:
    """products.toml, every label validated: the shipped facts by folded name and alias."""
    doc = tomllib.loads(text)
    if doc.get("format") != 1:
        raise _fail("format", doc.get("format"), "format = 1")
    known = default_catalog().sources
    out: dict[str, _Shipped] = {}
    for name, entry in doc.get("products", {}).items():
        where = f"products.{name}"
        if not isinstance(entry, dict) or set(entry) - _KEYS:
            raise _fail(
                where,
                sorted(set(entry) - _KEYS) if isinstance(entry, dict) else entry,
                "the keys of a label",
            )
        expected = "a non-empty list of keys from catalog [sources]"
        sources = Reader(CatalogError, "products.toml").sources(
            entry.get("source"), known, f"{where}.source", expected
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
        made = _Shipped(
            name,
            None
            if concentration is None
            else f"{concentration['value']!r} {concentration['unit']}",
            label,
        )
        for alias in [name, *entry.get("aliases", [])]:
            out[folded(alias)] = made
    return out


@_engine.cached()
def _shipped_labels() -> dict[str, Label]:
    """The shipped labels by folded product name and alias."""
    return {key: made.label for key, made in _shipped().items()}


def shipped_name(name: str) -> str:
    """The shipped product ``name`` names ("Kybella": "deoxycholic acid"), else ``name``."""
    made = _shipped().get(folded(name))
    return name if made is None else made.name


def product_key(name: str) -> str:
    """What names of one product share: case, spaces and a shipped product's aliases aside."""
    return folded(shipped_name(name))


def product(name: str, *, lot: str | None = None, expires: Any = None) -> Product:
    """The product ``name`` with its label's facts, from the products mesocalc ships.

    Raises:
        UnknownNameError: mesocalc has no label for ``name``.
    """
    if not isinstance(name, str):
        raise InputTypeError("name", name, "a product name such as 'deoxycholic acid'")
    found = _shipped().get(folded(name)) if len(name) <= 200 else None
    if found is None:
        names = sorted({p.name for p in _shipped().values()})
        raise UnknownNameError("name", name, f"one of {', '.join(repr(n) for n in names)}")
    return Product(
        name=found.name,
        concentration=found.concentration,
        lot=lot,
        expires=expires,
        label=found.label,
    )
