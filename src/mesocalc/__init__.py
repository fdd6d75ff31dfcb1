"""mesocalc: plan mesotherapy injections within published limits, in units that cannot mix.

>>> import mesocalc
>>> mesocalc.plan(technique="classic", zone="face", area="40 cm^2").points
72
"""

from mesocalc._catalog import (
    Basis,
    Catalog,
    Layer,
    Range,
    SessionCap,
    SkinThickness,
    Spec,
    load_catalog,
    parse_catalog,
    spec,
)
from mesocalc._equipment import Needle, Syringe
from mesocalc._frame import plan_frame
from mesocalc._guardrails import Override, OverrideRecord
from mesocalc._names import Lattice, Technique, Zone
from mesocalc._plan import Plan, plan
from mesocalc._screening import Finding, Patient, Screening, Severity, screen
from mesocalc.exceptions import (
    CatalogError,
    HardLimitError,
    InputTypeError,
    InvalidValueError,
    LimitError,
    MesocalcError,
    ParseError,
    SoftLimitError,
    UnitError,
    UnknownNameError,
)

__version__ = "0.1.0"

__all__ = [
    "Basis",
    "Catalog",
    "CatalogError",
    "Finding",
    "HardLimitError",
    "InputTypeError",
    "InvalidValueError",
    "Lattice",
    "Layer",
    "LimitError",
    "MesocalcError",
    "Needle",
    "Override",
    "OverrideRecord",
    "ParseError",
    "Patient",
    "Plan",
    "Range",
    "Screening",
    "SessionCap",
    "Severity",
    "SkinThickness",
    "SoftLimitError",
    "Spec",
    "Syringe",
    "Technique",
    "UnitError",
    "UnknownNameError",
    "Zone",
    "load_catalog",
    "parse_catalog",
    "plan",
    "plan_frame",
    "screen",
    "spec",
]
