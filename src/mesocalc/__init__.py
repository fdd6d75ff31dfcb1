"""mesocalc: plan mesotherapy injections within published limits, in units that cannot mix.

>>> import mesocalc
>>> mesocalc.plan(technique="classic", zone="face", area="40 cm^2").points
72
"""

import importlib
from typing import TYPE_CHECKING, Any

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
from mesocalc._guardrails import Override, OverrideRecord
from mesocalc._names import Lattice, Technique, Zone
from mesocalc._plan import Plan, plan
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

if TYPE_CHECKING:
    from mesocalc._equipment import Needle, Syringe
    from mesocalc._frame import plan_frame
    from mesocalc._screening import Finding, Patient, Screening, Severity, screen

__version__ = "0.1.0"

# Parts a plan does not need are imported on first use, to keep `import mesocalc` quick.
_LAZY: dict[str, str] = {
    "Finding": "mesocalc._screening",
    "Needle": "mesocalc._equipment",
    "Patient": "mesocalc._screening",
    "Screening": "mesocalc._screening",
    "Severity": "mesocalc._screening",
    "Syringe": "mesocalc._equipment",
    "plan_frame": "mesocalc._frame",
    "screen": "mesocalc._screening",
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
