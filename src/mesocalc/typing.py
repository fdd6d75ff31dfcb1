"""Type aliases for annotating code that calls mesocalc.

``Quantity`` is pint's Quantity; results of mesocalc are Quantities of pint's
application registry. ``QuantityLike`` is what a dimensioned input accepts: a
Quantity or a string such as ``"40 cm^2"``. pint is imported only by type checkers
here, so importing this module costs nothing at run time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeAlias

__all__ = ["Quantity", "QuantityLike"]

if TYPE_CHECKING:
    import pint

    Quantity: TypeAlias = pint.Quantity[Any]
    QuantityLike: TypeAlias = "pint.Quantity[Any] | str"
else:
    Quantity = Any
    QuantityLike = Any
