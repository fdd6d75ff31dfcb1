"""The patient's measurements (:class:`Anatomy`) and the reference adult they default to.

Why a module of its own: a patient's lengths, read from a clinician's ruler or a face
tracker's landmarks, are one concept; the templates only scale their outlines by them.
The reference adult is the ``[reference]`` table of ``templates.toml``; it is read here
(and checked the same way when the templates read the whole file), so that the templates
sit above this module and not the other way round.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping, Sequence
from typing import Any, Final

import attrs
import numpy as np

from mesocalc._catalog.catalog import default_catalog
from mesocalc._engine import engine as _engine
from mesocalc._engine.files import read_text
from mesocalc._quantities.inputs import read
from mesocalc._quantities.names import Sex, resolve
from mesocalc._quantities.parameters import PARAMETERS
from mesocalc._quantities.units import Dim, quantity, unit_factor
from mesocalc._records.structuring import Reader
from mesocalc.exceptions import (
    CatalogError,
    InputTypeError,
    InvalidValueError,
    UnknownNameError,
)

__all__ = ["MEASURES", "MEDIAPIPE", "Anatomy", "parse_reference", "templates_document"]

_READ: Final = Reader(CatalogError, "templates.toml", keys_in_table=False)
MEASURES: Final = ("face_height", "face_width", "stature", "hip_width")
_REF_KEYS: Final = frozenset({"low", "high", "measure", "source", "note"})

# MediaPipe face mesh indices (468 points) that stand for Farkas's landmarks: the team's
# reading of the mesh, basis "derived" (the mesh names no anatomical points, MP-3799).
MEDIAPIPE: Final[Mapping[str, int]] = {
    "nasion": 168,  # between the eyes, on the nasal bridge
    "menton": 152,  # the lowest point of the chin
    "zygion_right": 234,  # the face's right edge at the cheekbones
    "zygion_left": 454,  # the face's left edge at the cheekbones
}
_SCHEMES: Final = ("mediapipe",)
_MM: Final = Dim.LENGTH.canonical  # the unit of every length here, as the table keeps it
_MAX_AGE: Final = 130.0  # years: above any human's, a bound on typing errors


def _face_height(value: Any) -> float | None:
    return None if value is None else read(value, "face_height")


def _face_width(value: Any) -> float | None:
    return None if value is None else read(value, "face_width")


def _stature(value: Any) -> float | None:
    return None if value is None else read(value, "stature")


def _hip_width(value: Any) -> float | None:
    return None if value is None else read(value, "hip_width")


def _age(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InputTypeError(
            "age", value, "an age in years, a number such as 45", f"got a {type(value).__name__}"
        )
    m = float(value)
    if not (math.isfinite(m) and 0.0 <= m <= _MAX_AGE):
        raise InvalidValueError("age", value, "an age in years from 0 to 130, such as 45")
    return m


def _sex(value: Any) -> Sex | None:
    return None if value is None else resolve(Sex, value, "sex")


@attrs.frozen(kw_only=True, repr=False)
class Anatomy:
    """A patient's measurements, each optional: the reference adult fills in the rest.

    Lengths a clinician can take with a ruler or calipers, as lengths (``"12 cm"``):

    * ``face_height``: nasion (n, between the eyes) to menton (me, the chin's lowest point).
    * ``face_width``: zygion to zygion (zy-zy), across the cheekbones.
    * ``stature``: standing height.
    * ``hip_width``: the widest breadth across the hips.

    ``sex`` and ``age`` (years) are stored for the skin limits of a group; they do not
    scale an outline. A value outside any human's range is an error naming the field.

    Examples:
        >>> import mesocalc
        >>> a = mesocalc.Anatomy(face_height="11 cm", sex="female", age=42)
        >>> print(a.face_height, a.sex.value, a.age)
        110.0 millimeter female 42.0
    """

    _face_height: float | None = attrs.field(
        default=None, converter=_face_height, alias="face_height"
    )
    _face_width: float | None = attrs.field(
        default=None, converter=_face_width, alias="face_width"
    )
    _stature: float | None = attrs.field(default=None, converter=_stature, alias="stature")
    _hip_width: float | None = attrs.field(default=None, converter=_hip_width, alias="hip_width")
    sex: Sex | None = attrs.field(default=None, converter=_sex)
    age: float | None = attrs.field(default=None, converter=_age)

    @property
    def face_height(self) -> Any:
        """Nasion to menton, in mm, or None when not given."""
        return _mm(self._face_height)

    @property
    def face_width(self) -> Any:
        """Zygion to zygion, in mm, or None when not given."""
        return _mm(self._face_width)

    @property
    def stature(self) -> Any:
        """Standing height, in mm, or None when not given."""
        return _mm(self._stature)

    @property
    def hip_width(self) -> Any:
        """The breadth across the hips, in mm, or None when not given."""
        return _mm(self._hip_width)

    def __repr__(self) -> str:
        given = [
            f"{n}={PARAMETERS[n].show(getattr(self, '_' + n), 6)}"
            for n in MEASURES
            if getattr(self, "_" + n) is not None
        ]
        if self.sex is not None:
            given.append(f"sex={self.sex.value}")
        if self.age is not None:
            given.append(f"age={self.age:g}")
        return f"Anatomy({', '.join(given)})"

    def measure(self, name: str) -> float:
        """Measurement ``name`` in mm: the patient's, or the reference adult's."""
        given = getattr(self, f"_{name}")
        return float(given) if given is not None else _reference_adult()[name]

    @classmethod
    def reference(cls) -> Anatomy:
        """The reference adult the templates are drawn for, every length filled in."""
        ref = _reference_adult()
        return cls(**{n: quantity(ref[n], _MM) for n in MEASURES})

    @classmethod
    def from_landmarks(
        cls, points: Any, scheme: str = "mediapipe", *, unit: str, **fields: Any
    ) -> Anatomy:
        """The face's measurements from a face tracker's landmark coordinates.

        ``points`` is a sequence indexed by landmark number (MediaPipe face mesh: 468 or
        478 rows of (x, y) or (x, y, z)) or a mapping of landmark number to coordinates,
        in ``unit`` (MediaPipe's metric canonical face is in cm; image-normalised
        coordinates are not lengths). face_height is the distance from landmark 168
        (nasion) to 152 (menton); face_width from 234 to 454 (the zygia). That reading
        of the mesh is the team's (basis "derived"); mediapipe itself is not needed.
        Other fields (``sex``, ``age``, ``stature``...) pass through.

        Raises:
            InvalidValueError: naming ``points`` when a landmark is missing or not a
                finite point, ``scheme`` or ``unit`` when unknown; the measurements'
                own errors name face_height or face_width.
        """
        for name, value in fields.items():
            if name in ("face_height", "face_width"):
                raise InvalidValueError(
                    name, value, "no value: the landmarks give it", "given twice"
                )
            if name not in ("stature", "hip_width", "sex", "age"):
                raise InputTypeError(
                    name, value, "one of Anatomy's fields: stature, hip_width, sex, age"
                )
        if scheme not in _SCHEMES:
            raise UnknownNameError("scheme", scheme, "'mediapipe'", suggestions=("mediapipe",))
        factor = unit_factor(unit, "unit", Dim.LENGTH)
        found = {name: _landmark(points, index) for name, index in MEDIAPIPE.items()}
        missing = sorted(MEDIAPIPE[n] for n, p in found.items() if p is None)
        if missing:
            raise InvalidValueError(
                "points",
                _summary(points),
                "MediaPipe face mesh landmarks, with 152, 168, 234 and 454 among them",
                f"missing or not a finite point: {', '.join(map(str, missing))}",
            )
        at = {n: np.asarray(p, dtype=float) * factor for n, p in found.items()}
        height = float(np.linalg.norm(at["nasion"] - at["menton"]))
        width = float(np.linalg.norm(at["zygion_left"] - at["zygion_right"]))
        return cls(
            face_height=quantity(height, _MM),
            face_width=quantity(width, _MM),
            **fields,
        )


def _mm(m: float | None) -> Any:
    return None if m is None else quantity(m, _MM)


def _summary(points: Any) -> str:
    size = len(points) if isinstance(points, (Sequence, Mapping, np.ndarray)) else "?"
    return f"{type(points).__name__} of {size} landmarks"


def _landmark(points: Any, index: int) -> tuple[float, ...] | None:
    """Landmark ``index`` of ``points`` as 2 or 3 finite floats, or None when absent."""
    if isinstance(points, (str, bytes)) or not isinstance(points, (Mapping, Sequence, np.ndarray)):
        raise InputTypeError(
            "points",
            _summary(points),
            "a sequence or mapping of landmark coordinates",
            f"got a {type(points).__name__}",
        )
    try:
        if isinstance(points, Mapping):
            raw = points.get(index)
        else:
            raw = points[index] if index < len(points) else None
        if raw is None or isinstance(raw, (str, bytes)):
            return None
        xy = tuple(float(v) for v in raw)
    except (TypeError, ValueError, OverflowError):
        return None
    if len(xy) not in (2, 3) or not all(math.isfinite(v) for v in xy):
        return None
    return xy


@_engine.cached()
def _reference_adult() -> Mapping[str, float]:
    """The reference adult's lengths in mm, from ``templates.toml``'s ``[reference]``."""
    doc = templates_document(read_text("templates.toml"))
    return parse_reference(doc.get("reference"), default_catalog().sources)


def templates_document(text: str) -> dict[str, Any]:
    """The TOML document of a ``templates.toml`` text (the templates read it too)."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError("templates.toml", "...", "a TOML file", str(exc)) from None


def parse_reference(table: Any, known: Mapping[str, Any]) -> dict[str, float]:
    """The reference adult of a ``[reference]`` table: each length's source midpoint."""
    doc = _READ.table(table, "reference")
    mids: dict[str, float] = {}
    for key, raw in doc.items():
        where = f"reference.{key}"
        entry = _READ.table(raw, where, "a table of low, high, measure, source, note")
        _READ.keys(entry, _REF_KEYS, where)
        low = _READ.number(entry.get("low"), f"{where}.low", "a length in mm")
        high = _READ.number(entry.get("high"), f"{where}.high", "a length in mm")
        if not 0 < low <= high:
            raise CatalogError(f"{where}.high", high, f"a number of mm of at least low, {low:g}")
        _READ.text(entry.get("measure"), f"{where}.measure", "what is measured", blank=False)
        _READ.sources(entry.get("source", []), known, f"{where}.source", "source keys", one=True)
        _READ.text(entry.get("note", ""), f"{where}.note", "a sentence")
        mids[key] = (low + high) / 2.0  # the midpoint of the source's two groups: derived
    if "nasal_height" in mids and "lower_face_height" in mids:
        mids["face_height"] = mids.pop("nasal_height") + mids.pop("lower_face_height")
    if set(mids) != set(MEASURES):
        raise CatalogError("reference", sorted(mids), f"the measurements {', '.join(MEASURES)}")
    return mids
