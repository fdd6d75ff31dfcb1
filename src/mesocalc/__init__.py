"""mesocalc: plan mesotherapy injections within published limits, in units that cannot mix.

>>> import mesocalc
>>> mesocalc.plan(technique="classic", zone="face", area="40 cm^2").points
72
"""

from mesocalc._catalog import Basis, Catalog, Range, Spec, load_catalog, parse_catalog, spec
from mesocalc._injector import Injector
from mesocalc._layout import Layout, layout
from mesocalc._names import Lattice, Pattern, Technique, Zone
from mesocalc._plan import Plan, plan
from mesocalc._shapes import Circle, Ellipse, Polygon, Rectangle, Shape
from mesocalc._threads import Threads, threads
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
    "Circle",
    "Ellipse",
    "HardLimitError",
    "Injector",
    "InputTypeError",
    "InvalidValueError",
    "Lattice",
    "Layout",
    "LimitError",
    "MesocalcError",
    "ParseError",
    "Pattern",
    "Plan",
    "Polygon",
    "Range",
    "Rectangle",
    "Shape",
    "SoftLimitError",
    "Spec",
    "Technique",
    "Threads",
    "UnitError",
    "UnknownNameError",
    "Zone",
    "layout",
    "load_catalog",
    "parse_catalog",
    "plan",
    "spec",
    "threads",
]
