"""The TOML files the command line reads: a session and a patient's answers.

Each is read into the objects the library plans or screens with, its errors naming the key.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from typing import Any

from mesocalc._catalog.catalog import Catalog
from mesocalc._engine.files import parse_bounded, read_bounded
from mesocalc._planning.equipment import Needle, Syringe
from mesocalc._planning.overrides import Override
from mesocalc._planning.planner import plan
from mesocalc._quantities.parameters import PARAMETERS
from mesocalc._records.structuring import Reader
from mesocalc.exceptions import (
    InputTypeError,
    InvalidValueError,
    MesocalcError,
    SoftLimitError,
    UnknownNameError,
)

# A session file's words for what the Python API's errors say in Python.
_IN_TOML = (
    (
        "to plan it anyway, pass override=Override(reason=...) and give",
        'to plan it anyway, give the area an override = { reason = "...", by = "..." } table, '
        "and give it",
    ),
    (
        "None or mesocalc.Override(reason=..., by=...)",
        'a table: override = { reason = "...", by = "..." }',
    ),
    (
        "None or mesocalc.Needle(gauge=..., length=...)",
        'a table: needle = { gauge = 30, length = "4 mm" }',
    ),
    ("None or mesocalc.Syringe(...)", 'a capacity in mL at the top, such as syringe = "1 mL"'),
)
_OVERRIDE_TABLE = (
    'to depart from it, give the area an override = { reason = "...", by = "..." } table '
    "(or the whole session one, at the top)"
)


def _for_session(error: MesocalcError) -> MesocalcError:
    """A session file's error keeps its key path and says what to write in the file."""
    fields = error._fields()
    for python, toml in _IN_TOML:
        fields["expected"] = fields["expected"].replace(python, toml)
        fields["detail"] = fields["detail"].replace(python, toml)
    if isinstance(error, SoftLimitError) and "override = {" not in fields["detail"]:
        detail = fields["detail"]
        fields["detail"] = f"{detail}; {_OVERRIDE_TABLE}" if detail else _OVERRIDE_TABLE
    return type(error)(**fields)


_SESSION_KEYS = (
    "areas", "concentration", "date", "expires", "label", "lot", "needle", "override",
    "patient", "product", "syringe",
)  # fmt: skip
_PRODUCT_KEYS = ("name", "concentration", "lot", "expires", "label")
_LOOSE_PRODUCT_KEYS = ("concentration", "lot", "expires", "label")  # beside product = "NAME"
# The tables an area (or the whole session) may hold: their keys, those required, and what
# an error says one is.
_TABLES: dict[str, tuple[tuple[str, ...], tuple[str, ...], str]] = {
    "override": (
        ("reason", "by"),
        ("reason",),
        'a table: override = { reason = "...", by = "..." }',
    ),
    "needle": (
        ("gauge", "length"),
        ("gauge", "length"),
        'a table: needle = { gauge = 30, length = "4 mm" }',
    ),
}


def _session(path: str, catalog: Catalog | None = None) -> Any:
    """The session a TOML file describes (see ``python -m mesocalc session --help``)."""
    from mesocalc._clinic.session import Session  # noqa: PLC0415 - loaded on first use (start-up)

    text = read_bounded(path, InputTypeError, parameter="file")
    doc = parse_bounded(text, "file", InputTypeError)
    for key in doc:  # a misspelt key is a name to suggest a near one for
        if key not in _SESSION_KEYS:
            raise _unknown("file", key, _SESSION_KEYS)
    chosen = _session_product(doc)
    volume = doc.get("syringe")
    if isinstance(volume, (int, float)) and not isinstance(volume, bool):
        # the file's syringe is documented in mL: its unit is stated
        volume = f"{volume!r} {PARAMETERS['capacity'].json}"
    try:
        syringe = None if volume is None else Syringe.conventional(volume)
    except MesocalcError as exc:
        fields = {**exc._fields(), "parameter": "syringe", "value": doc["syringe"]}
        raise type(exc)(**fields) from None
    areas: Any = _session_areas(doc)
    patient = None if "patient" not in doc else _patient(doc["patient"])
    return Session.from_requests(
        areas,
        date=doc.get("date"),
        syringe=syringe,
        product=chosen,
        catalog=catalog,
        patient=patient,
    )


def _session_areas(doc: dict[str, Any]) -> Any:
    """The file's areas, each with its override and needle (or the session's) made."""
    import inspect  # noqa: PLC0415 - loaded on first use (start-up)

    areas = doc.get("areas")
    if not isinstance(areas, list):
        return areas  # Session.from_requests names it
    known = sorted({*inspect.signature(plan).parameters, "side"} - {"catalog"})
    shared = {key: _table(doc[key], key) for key in _TABLES if key in doc}
    out: list[Any] = []
    for i, area in enumerate(areas):
        if not isinstance(area, dict):
            out.append(area)
            continue
        for key in area:
            if key not in known:
                raise _unknown(f"areas[{i}].{key}", key, known)
        made = {key: _table(area[key], f"areas[{i}].{key}") for key in _TABLES if key in area}
        out.append({**area, **shared, **made})
    return out


def _table(value: Any, where: str) -> Any:
    """An override or needle table (``where`` ends in its key) as the object it describes."""
    key = where.rpartition(".")[2]
    fields, required, expected = _TABLES[key]
    if not isinstance(value, dict):
        raise InputTypeError(where, value, expected)
    for field in value:
        if field not in fields:
            raise _unknown(f"{where}.{field}", field, fields)
    for field in required:
        if field not in value:
            raise InvalidValueError(f"{where}.{field}", None, expected)
    kind = Override if key == "override" else Needle
    try:
        return kind(**value)
    except MesocalcError as exc:
        raise type(exc)(**{**exc._fields(), "parameter": f"{where}.{exc.parameter}"}) from None


def _session_product(doc: dict[str, Any]) -> Any:
    """The product of ``product = "NAME"`` (with its keys beside it) or of a product table."""
    given = doc.get("product")
    loose = [k for k in _LOOSE_PRODUCT_KEYS if k in doc]
    if given is None and loose:
        raise InvalidValueError(
            loose[0],
            doc[loose[0]],
            f'a product for it: product = "NAME" beside {loose[0]}, or a product table',
        )
    if given is None:
        return None
    if isinstance(given, dict):
        if loose:
            raise InvalidValueError(
                loose[0], doc[loose[0]], f"product.{loose[0]}, inside the product table"
            )
        for key in given:
            if key not in _PRODUCT_KEYS:
                raise _unknown(f"product.{key}", key, _PRODUCT_KEYS)
        if "name" not in given:
            raise InvalidValueError(
                "product.name", None, 'the product\'s name, such as name = "hyaluronic acid"'
            )
        fields, prefix = given, "product."
    elif isinstance(given, str):
        fields, prefix = {"name": given, **{k: doc[k] for k in loose}}, ""
    else:
        raise InputTypeError(
            "product",
            given,
            'a product\'s name, such as product = "hyaluronic acid", or a table: '
            'product = { name = "...", concentration = "...", lot = "...", expires = ... }',
        )
    try:
        return _product_of(fields)
    except MesocalcError as exc:
        name = exc.parameter
        name = f"{prefix}{name}" if prefix else ("product" if name == "name" else name)
        raise type(exc)(**{**exc._fields(), "parameter": name}) from None


def _product_of(fields: dict[str, Any]) -> Any:
    """A product by its name: a shipped one with its label, or any other as the file says.

    ``label`` names a shipped product whose label the product carries.
    """
    from mesocalc._clinic.products import Product, product  # noqa: PLC0415 - loaded on first use

    name = fields["name"]
    try:
        shipped = product(name)
    except UnknownNameError:
        shipped = None
    label = None if shipped is None else shipped.label
    if "label" in fields:
        try:
            label = product(fields["label"]).label
        except MesocalcError as exc:
            raise type(exc)(**{**exc._fields(), "parameter": "label"}) from None
    concentration = fields.get("concentration")
    if concentration is None and shipped is not None:
        concentration = shipped.concentration
    return Product(
        name=name if shipped is None else shipped.name,
        concentration=concentration,
        lot=fields.get("lot"),
        expires=fields.get("expires"),
        label=label,
    )


_SCREEN_KEYS = ("patient", "product")


def _unknown(parameter: str, key: str, known: Sequence[str]) -> UnknownNameError:
    near = tuple(difflib.get_close_matches(key, known, n=1))
    return UnknownNameError(parameter, key, f"one of {', '.join(known)}", suggestions=near)


def _screening(path: str, product: list[str] | None) -> Any:
    """The screening of the patient a TOML file describes (``mesocalc screen --help``)."""
    from mesocalc._clinic.screening import screen  # noqa: PLC0415 - loaded on first use (start-up)

    text = read_bounded(path, InputTypeError, parameter="file")
    doc = parse_bounded(text, "file", InputTypeError)
    for key in doc:
        if key not in _SCREEN_KEYS:
            raise _unknown("file", key, _SCREEN_KEYS)
    patient = _patient(doc.get("patient"))
    return screen(patient, product=doc.get("product") if product is None else product)


def _patient(answers: Any) -> Any:
    """The Patient of a file's ``[patient]`` table; an error names ``patient.<field>``."""
    import attrs  # noqa: PLC0415 - loaded on first use (start-up)

    from mesocalc._clinic.screening import Patient  # noqa: PLC0415

    expected = "a [patient] table of Patient's fields, such as pregnant = false"
    answers = Reader(InputTypeError).table(answers, "patient", expected)
    fields = [f.name for f in attrs.fields(Patient)]
    for key in answers:
        if key not in fields and key != "lactating":
            raise _unknown(f"patient.{key}", key, fields)
    try:
        return Patient(**answers)
    except MesocalcError as exc:
        raise type(exc)(**{**exc._fields(), "parameter": f"patient.{exc.parameter}"}) from None
