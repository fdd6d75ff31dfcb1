"""mesocalc: plan mesotherapy injections within published limits, in units that cannot mix.

>>> import mesocalc
>>> mesocalc.plan(technique="classic", zone="face", area="40 cm^2").points
40
"""

import importlib
from typing import TYPE_CHECKING, Any

from mesocalc._catalog import Catalog, load_catalog, parse_catalog, spec
from mesocalc._catalog_entries import (
    Basis,
    Layer,
    Protocol,
    Range,
    SessionCap,
    SkinThickness,
    Spec,
)
from mesocalc._codes import SiteCode
from mesocalc._names import Lattice, Pattern, Side, Technique, Zone
from mesocalc._overrides import Override, OverrideRecord
from mesocalc._plan import Plan
from mesocalc._planner import plan
from mesocalc._warning import WarningCode, WarningRecord
from mesocalc.exceptions import (
    CatalogError,
    DomainError,
    HardLimitError,
    InputTypeError,
    InvalidValueError,
    LimitError,
    MesocalcError,
    MesocalcErrorGroup,
    ParseError,
    SoftLimitError,
    UnitError,
    UnknownNameError,
)

if TYPE_CHECKING:
    from mesocalc._course import Course
    from mesocalc._equipment import Needle, Supply, Syringe
    from mesocalc._frame import plan_frame, plan_partitions
    from mesocalc._injector import Injector
    from mesocalc._layout import Layout, layout
    from mesocalc._placement import Placement
    from mesocalc._plan_array import PlanArray
    from mesocalc._products import Label, Product, product
    from mesocalc._protocol import load_protocol, parse_protocol
    from mesocalc._schemas import json_schema
    from mesocalc._screening import Finding, Patient, Screening, screen
    from mesocalc._screening_rules import Severity
    from mesocalc._session import Session
    from mesocalc._shapes import Circle, Ellipse, Polygon, Rectangle, Shape
    from mesocalc._sites import Site, sites
    from mesocalc._threads import Threads, threads

__version__ = "0.1.0"

# Parts a plan does not need are imported on first use, to keep `import mesocalc` quick.
_LAZY: dict[str, str] = {
    "Circle": "mesocalc._shapes",
    "Ellipse": "mesocalc._shapes",
    "Injector": "mesocalc._injector",
    "Layout": "mesocalc._layout",
    "Polygon": "mesocalc._shapes",
    "Rectangle": "mesocalc._shapes",
    "Shape": "mesocalc._shapes",
    "Threads": "mesocalc._threads",
    "layout": "mesocalc._layout",
    "threads": "mesocalc._threads",
    "Finding": "mesocalc._screening",
    "Needle": "mesocalc._equipment",
    "Placement": "mesocalc._placement",
    "PlanArray": "mesocalc._plan_array",
    "Supply": "mesocalc._equipment",
    "Patient": "mesocalc._screening",
    "Screening": "mesocalc._screening",
    "Severity": "mesocalc._screening_rules",
    "Session": "mesocalc._session",
    "Course": "mesocalc._course",
    "Label": "mesocalc._products",
    "Product": "mesocalc._products",
    "product": "mesocalc._products",
    "Syringe": "mesocalc._equipment",
    "plan_frame": "mesocalc._frame",
    "plan_partitions": "mesocalc._frame",
    "load_protocol": "mesocalc._protocol",
    "parse_protocol": "mesocalc._protocol",
    "json_schema": "mesocalc._schemas",
    "screen": "mesocalc._screening",
    "Site": "mesocalc._sites",
    "sites": "mesocalc._sites",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'mesocalc' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


__all__ = [
    "Basis",
    "Catalog",
    "CatalogError",
    "Circle",
    "Course",
    "DomainError",
    "Ellipse",
    "Finding",
    "HardLimitError",
    "Injector",
    "InputTypeError",
    "InvalidValueError",
    "Label",
    "Lattice",
    "Layer",
    "Layout",
    "LimitError",
    "MesocalcError",
    "MesocalcErrorGroup",
    "Needle",
    "Override",
    "OverrideRecord",
    "ParseError",
    "Patient",
    "Pattern",
    "Placement",
    "Plan",
    "PlanArray",
    "Polygon",
    "Product",
    "Protocol",
    "Range",
    "Rectangle",
    "Screening",
    "Session",
    "SessionCap",
    "Severity",
    "Shape",
    "Side",
    "Site",
    "SiteCode",
    "SkinThickness",
    "SoftLimitError",
    "Spec",
    "Supply",
    "Syringe",
    "Technique",
    "Threads",
    "UnitError",
    "UnknownNameError",
    "WarningCode",
    "WarningRecord",
    "Zone",
    "json_schema",
    "layout",
    "load_catalog",
    "load_protocol",
    "parse_catalog",
    "parse_protocol",
    "plan",
    "plan_frame",
    "plan_partitions",
    "product",
    "screen",
    "sites",
    "spec",
    "threads",
]
