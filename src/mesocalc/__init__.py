"""mesocalc: plan mesotherapy injections within published limits, in units that cannot mix.

>>> import mesocalc
>>> mesocalc.plan(technique="classic", zone="face", area="40 cm^2").points
40
"""

import importlib
from typing import TYPE_CHECKING, Any

from mesocalc._catalog.catalog import Catalog, load_catalog, parse_catalog, spec
from mesocalc._catalog.entries import (
    Basis,
    Layer,
    Protocol,
    Range,
    SessionCap,
    SkinThickness,
    Spec,
)
from mesocalc._catalog.warnings import WarningCode, WarningRecord
from mesocalc._planning.overrides import Override, OverrideRecord
from mesocalc._planning.plan import Plan
from mesocalc._planning.planner import plan
from mesocalc._quantities.codes import SiteCode
from mesocalc._quantities.names import Lattice, Pattern, Sex, Side, Technique, Zone
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
    from mesocalc._catalog.protocol import load_protocol, parse_protocol
    from mesocalc._clinic.course import Course
    from mesocalc._clinic.products import Label, Product, product
    from mesocalc._clinic.record import Reconciliation, TreatmentRecord, recall
    from mesocalc._clinic.screening import Finding, Patient, Screening, screen
    from mesocalc._clinic.screening_rules import Severity
    from mesocalc._clinic.session import Session
    from mesocalc._clinic.vials import (
        AdverseEvent,
        Amendment,
        Deviation,
        Draw,
        EventKind,
        EventSeverity,
        Given,
        Vial,
    )
    from mesocalc._exchange.frame import plan_frame, plan_partitions
    from mesocalc._geometry.anatomy import Anatomy
    from mesocalc._geometry.chart import Chart
    from mesocalc._geometry.injector import Injector
    from mesocalc._geometry.landmarks import Landmark, landmark, landmark_points, landmarks
    from mesocalc._geometry.layout import Layout, layout
    from mesocalc._geometry.placement import Placement
    from mesocalc._geometry.shapes import Circle, Ellipse, Polygon, Rectangle, Shape
    from mesocalc._geometry.templates import KeepOut, Site, sites
    from mesocalc._geometry.threads import Threads, threads
    from mesocalc._planning.equipment import Needle, Supply, Syringe
    from mesocalc._planning.plan_array import PlanArray
    from mesocalc._records.schemas import json_schema

__version__ = "0.1.0"

# Parts a plan does not need are imported on first use, to keep `import mesocalc` quick.
_LAZY: dict[str, str] = {
    "Chart": "mesocalc._geometry.chart",
    "Circle": "mesocalc._geometry.shapes",
    "Ellipse": "mesocalc._geometry.shapes",
    "Injector": "mesocalc._geometry.injector",
    "Layout": "mesocalc._geometry.layout",
    "Polygon": "mesocalc._geometry.shapes",
    "Rectangle": "mesocalc._geometry.shapes",
    "Shape": "mesocalc._geometry.shapes",
    "Threads": "mesocalc._geometry.threads",
    "layout": "mesocalc._geometry.layout",
    "threads": "mesocalc._geometry.threads",
    "Finding": "mesocalc._clinic.screening",
    "Needle": "mesocalc._planning.equipment",
    "Placement": "mesocalc._geometry.placement",
    "PlanArray": "mesocalc._planning.plan_array",
    "Supply": "mesocalc._planning.equipment",
    "Patient": "mesocalc._clinic.screening",
    "Screening": "mesocalc._clinic.screening",
    "Severity": "mesocalc._clinic.screening_rules",
    "Session": "mesocalc._clinic.session",
    "Course": "mesocalc._clinic.course",
    "TreatmentRecord": "mesocalc._clinic.record",
    "Reconciliation": "mesocalc._clinic.record",
    "recall": "mesocalc._clinic.record",
    "AdverseEvent": "mesocalc._clinic.vials",
    "Amendment": "mesocalc._clinic.vials",
    "Deviation": "mesocalc._clinic.vials",
    "Draw": "mesocalc._clinic.vials",
    "EventKind": "mesocalc._clinic.vials",
    "EventSeverity": "mesocalc._clinic.vials",
    "Given": "mesocalc._clinic.vials",
    "Vial": "mesocalc._clinic.vials",
    "Label": "mesocalc._clinic.products",
    "Product": "mesocalc._clinic.products",
    "product": "mesocalc._clinic.products",
    "Syringe": "mesocalc._planning.equipment",
    "plan_frame": "mesocalc._exchange.frame",
    "plan_partitions": "mesocalc._exchange.frame",
    "load_protocol": "mesocalc._catalog.protocol",
    "parse_protocol": "mesocalc._catalog.protocol",
    "json_schema": "mesocalc._records.schemas",
    "screen": "mesocalc._clinic.screening",
    "Site": "mesocalc._geometry.templates",
    "Anatomy": "mesocalc._geometry.anatomy",
    "KeepOut": "mesocalc._geometry.templates",
    "sites": "mesocalc._geometry.templates",
    "Landmark": "mesocalc._geometry.landmarks",
    "landmark": "mesocalc._geometry.landmarks",
    "landmark_points": "mesocalc._geometry.landmarks",
    "landmarks": "mesocalc._geometry.landmarks",
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
    "AdverseEvent",
    "Amendment",
    "Anatomy",
    "Basis",
    "Catalog",
    "CatalogError",
    "Chart",
    "Circle",
    "Course",
    "Deviation",
    "DomainError",
    "Draw",
    "Ellipse",
    "EventKind",
    "EventSeverity",
    "Finding",
    "Given",
    "HardLimitError",
    "Injector",
    "InputTypeError",
    "InvalidValueError",
    "KeepOut",
    "Label",
    "Landmark",
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
    "Reconciliation",
    "Rectangle",
    "Screening",
    "Session",
    "SessionCap",
    "Severity",
    "Sex",
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
    "TreatmentRecord",
    "UnitError",
    "UnknownNameError",
    "Vial",
    "WarningCode",
    "WarningRecord",
    "Zone",
    "json_schema",
    "landmark",
    "landmark_points",
    "landmarks",
    "layout",
    "load_catalog",
    "load_protocol",
    "parse_catalog",
    "parse_protocol",
    "plan",
    "plan_frame",
    "plan_partitions",
    "product",
    "recall",
    "screen",
    "sites",
    "spec",
    "threads",
]
