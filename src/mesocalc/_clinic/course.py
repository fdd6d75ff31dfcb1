"""Course: sessions repeated over weeks, checked against a label's course and seed 003's interval.

A course composes sessions. A product label's number of treatments and minimum interval
(deoxycholic acid: at most 6, at least a month apart, KYB) are hard limits; seed 003's
7-10 days between sessions is a recommendation, and an interval outside it warns.

Screening is per session: each session carries the patient as answered on its date
(medications and conditions change over weeks) and screens them itself; a course
gathers their warnings, and :meth:`Course.lay_out` gives one patient to every session.
"""

from __future__ import annotations

import calendar
import datetime
import itertools
import tomllib
from typing import TYPE_CHECKING, Any

import attrs

from mesocalc._catalog.catalog import cite, default_catalog
from mesocalc._catalog.warnings import WarningCode, WarningRecord, record
from mesocalc._clinic.products import product_key
from mesocalc._clinic.record import RecordedSession, TreatmentRecord
from mesocalc._clinic.session import Session
from mesocalc._engine import engine as _engine
from mesocalc._engine.files import read_text
from mesocalc._quantities.units import BIOLOGICAL_UNIT, quantity
from mesocalc._records import codec as _codec
from mesocalc._records.structuring import Reader
from mesocalc._records.tables import html_table, markdown_table, plural, shown, text_table
from mesocalc.exceptions import CatalogError, HardLimitError, InputTypeError, InvalidValueError

if TYPE_CHECKING:
    from mesocalc._catalog.catalog import Catalog
    from mesocalc._clinic.products import Label, Product
    from mesocalc._clinic.screening import Screening
    from mesocalc._planning.plan import Plan
    from mesocalc.typing import Quantity

__all__ = ["Course", "add_months"]


@attrs.frozen
class _Interval:
    low: int
    high: int
    source: str
    note: str


@_engine.cached()
def _interval() -> _Interval:
    """Seed 003's interval between sessions, read from course.toml once."""
    doc = tomllib.loads(read_text("course.toml"))
    entry = doc.get("interval")
    if doc.get("format") != 1 or not isinstance(entry, dict) or entry.get("unit") != "d":
        raise CatalogError(
            "course.toml: interval", entry, "{ low, high, unit = 'd', source, note }"
        )
    low, high, sources = entry.get("low"), entry.get("high"), entry.get("source")
    known = default_catalog().sources
    if not (isinstance(low, int) and isinstance(high, int) and 0 < low <= high):
        raise CatalogError("course.toml: interval", (low, high), "whole days, 0 < low <= high")
    sources = Reader(CatalogError, "course.toml").sources(
        sources, known, "interval.source", "keys of catalog [sources]"
    )
    return _Interval(low, high, ", ".join(sources), str(entry.get("note", "")))


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` moved ``months`` calendar months on, kept within the month (31 Jan + 1: 28 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    if not datetime.MINYEAR <= year <= datetime.MAXYEAR:
        raise InvalidValueError(
            "months",
            months,
            f"a number of months that keeps {day.isoformat()} within the years "
            f"{datetime.MINYEAR}-{datetime.MAXYEAR}, all a date holds",
        )
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def _later(day: datetime.date, *, months: int = 0, days: int = 0) -> datetime.date | None:
    """``day`` moved on, or None when that is past the last date a ``datetime.date`` holds."""
    try:
        return add_months(day, months) + datetime.timedelta(days=days)
    except (InvalidValueError, OverflowError):
        return None


def _session(value: Any) -> Any:
    """A record's session (its parts, ``record.session``) as the Session it records."""
    if isinstance(value, RecordedSession):
        return Session(**attrs.asdict(value, recurse=False))
    return value


def _sessions(value: Any) -> tuple[Session, ...]:
    if not isinstance(value, (list, tuple)) or not value:
        raise InputTypeError("sessions", value, "a non-empty list of mesocalc.Session")
    value = [_session(s) for s in value]
    for i, s in enumerate(value):
        if not isinstance(s, Session):
            raise InputTypeError(f"sessions[{i}]", s, "a mesocalc.Session")
        if s.date is None:
            raise InvalidValueError(
                f"sessions[{i}].date", None, "a date: a course orders its sessions"
            )
        if i and s.date <= value[i - 1].date:
            raise InvalidValueError(
                f"sessions[{i}].date",
                s.date.isoformat(),
                f"a date after {value[i - 1].date.isoformat()}",
            )
    return tuple(value)


def _check_span(start: datetime.date, count: int, every: int) -> None:
    """``count`` sessions ``every`` days apart from ``start`` end by the last date there is."""
    end = datetime.date.max
    if start.toordinal() + (count - 1) * every <= end.toordinal():
        return
    name, value = (
        ("every", every) if start.toordinal() + every > end.toordinal() else ("count", count)
    )
    raise InvalidValueError(
        name,
        value,
        f"{count} sessions {every} days apart from {start.isoformat()} that end by "
        f"{end.isoformat()}, the last date a datetime.date holds",
    )


def _records(value: Any) -> tuple[TreatmentRecord, ...] | None:
    if value is None:
        return None
    if not isinstance(value, (list, tuple)) or not value:
        raise InputTypeError("records", value, "None or a non-empty list of TreatmentRecord")
    for i, r in enumerate(value):
        if not isinstance(r, TreatmentRecord):
            raise InputTypeError(f"records[{i}]", r, "a mesocalc.TreatmentRecord")
    return tuple(value)


@attrs.frozen(kw_only=True, repr=False)
class Course:
    """Sessions of one course, in date order; a product label's course limits hold over them.

    Examples:
        >>> import mesocalc
        >>> face = mesocalc.plan(technique="classic", zone="face", area="200 cm^2")
        >>> course = mesocalc.Course.lay_out([face], first="2026-12-01", count=4, every=7)
        >>> [s.date.isoformat() for s in course.sessions][-1], course.next_due.isoformat()
        ('2026-12-22', '2026-12-29')
    """

    sessions: tuple[Session, ...] = attrs.field(
        converter=_sessions, metadata=_codec.payloads(lambda: Session)
    )
    # What each session was given, when the course is of records (Course.from_records).
    records: tuple[TreatmentRecord, ...] | None = attrs.field(
        default=None, converter=_records, metadata=_codec.payloads(lambda: TreatmentRecord)
    )

    def __attrs_post_init__(self) -> None:
        if self.records is not None:
            for i, (s, r) in enumerate(zip(self.sessions, self.records, strict=False)):
                if r.session != RecordedSession.of(s):
                    raise InvalidValueError(
                        f"records[{i}].session", s.date, f"the course's sessions[{i}]"
                    )
            if len(self.records) != len(self.sessions):
                raise InvalidValueError(
                    "records", len(self.records), f"one per session, {len(self.sessions)}"
                )
        # One product whatever the case or spacing of its name ("Deoxycholic Acid ").
        by_product: dict[str, list[tuple[int, Session, Product]]] = {}
        for i, s in enumerate(self.sessions):
            if s.product is not None:
                by_product.setdefault(product_key(s.product.name), []).append((i, s, s.product))
        for each in by_product.values():
            labelled = [(i, p.label) for i, _, p in each if p.label is not None]
            if labelled:
                self._check_course(each, labelled)

    @staticmethod
    def _check_course(
        each: list[tuple[int, Session, Product]], labelled: list[tuple[int, Label]]
    ) -> None:
        """The label's course over every session of one product."""
        first, label = labelled[0]
        name = each[0][2].name
        for i, other in labelled[1:]:
            if other != label:
                raise InvalidValueError(
                    f"sessions[{i}].product.label",
                    other.source,
                    f"the label of sessions[{first}]: one product, one label over a course",
                )
        sessions = [s for _, s, _ in each]
        source = f"source: {cite(label.source)}; the label's course, a hard limit"
        if len(sessions) > label.max_treatments:
            allowed = f"at most {label.max_treatments} treatments"
            raise HardLimitError(
                "sessions", len(sessions), f"{allowed} of {name}", source,
                allowed=allowed, source=label.source,
            )  # fmt: skip
        for before, after in itertools.pairwise(sessions):
            assert before.date is not None
            assert after.date is not None
            earliest = _later(before.date, months=label.min_interval_months)
            if earliest is None or after.date < earliest:
                months = label.min_interval_months
                allowed = f"at least {months} month(s) after {before.date.isoformat()}"
                raise HardLimitError(
                    "date", after.date.isoformat(), f"{allowed} for {name}", source,
                    allowed=allowed, source=label.source,
                )  # fmt: skip

    @classmethod
    def from_records(cls, records: list[TreatmentRecord]) -> Course:
        """The course of the sessions ``records`` record, in date order.

        Its :meth:`cumulative` sums what each record says was given, not what was planned;
        the label's course limits hold over the sessions as for any course. (The per
        treatment caps of a label bind each record's given totals already, ADR 0020.)
        """
        checked = _records(records)
        if checked is None:
            raise InputTypeError("records", records, "a non-empty list of TreatmentRecord")
        return cls(sessions=[r.session for r in checked], records=checked)

    @classmethod
    def lay_out(
        cls,
        plans: list[Plan],
        *,
        first: Any,
        count: int,
        every: int,
        product: Any = None,
        syringe: Any = None,
        sides: Any = None,
        patient: Any = None,
        override: Any = None,
    ) -> Course:
        """A course of ``count`` sessions of ``plans``, ``every`` days apart from ``first``.

        ``product``, ``syringe``, ``sides``, ``patient`` and ``override`` (for the
        catalog's per-session caps, summed over the areas) are those of every session
        (see :class:`Session`): each session screens the patient, and an absolute finding
        refuses the course. To screen a patient anew before a later session, build
        that session with the new answers and the course from the sessions.
        """
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise InvalidValueError("count", count, "a whole number of sessions, 1 or more")
        if isinstance(every, bool) or not isinstance(every, int) or every < 1:
            raise InvalidValueError("every", every, "a whole number of days, 1 or more")
        try:
            start = Session(plans=plans, sides=sides, date=first, override=override).date
        except InvalidValueError as exc:
            if exc.parameter != "date":
                raise
            raise type(exc)(**{**exc._fields(), "parameter": "first"}) from None
        if start is None:
            raise InvalidValueError(
                "first", None, "the first session's date: a datetime.date or an ISO date"
            )
        _check_span(start, count, every)
        return cls(
            sessions=[
                Session(
                    plans=plans,
                    sides=sides,
                    date=start + datetime.timedelta(days=i * every),
                    product=product,
                    syringe=syringe,
                    patient=patient,
                    override=override,
                )
                for i in range(count)
            ]
        )

    @property
    def warnings(self) -> tuple[str, ...]:
        """The warnings as text; :attr:`warning_records` has each as a record."""
        return tuple(str(w) for w in self.warning_records)

    @property
    def warning_records(self) -> tuple[WarningRecord, ...]:
        """Intervals outside seed 003's 7-10 days (for sessions no label governs)."""
        rule = _interval()
        out = []
        for before, after in itertools.pairwise(self.sessions):
            if after.product is not None and after.product.label is not None:
                continue
            assert before.date is not None
            assert after.date is not None
            days = (after.date - before.date).days
            if not rule.low <= days <= rule.high:
                text = (
                    f"{days} days from {before.date.isoformat()} to {after.date.isoformat()}: "
                    f"outside the recommended {rule.low}-{rule.high} days ({cite(rule.source)})"
                    + (f"; {rule.note}" if rule.note else "")
                )
                out.append(
                    record(
                        WarningCode.INTERVAL_OUTSIDE, text, parameter="date", sources=rule.source
                    )
                )
        return tuple(out)

    @property
    def screenings(self) -> tuple[Screening | None, ...]:
        """Each session's screening (None for a session without a patient), in date order."""
        return tuple(s.screening for s in self.sessions)

    @property
    def next_due(self) -> datetime.date:
        """The earliest date the next session may be given.

        Raises:
            InvalidValueError: that date is past 9999-12-31, the last a date holds.
        """
        due = self._next_due()
        if due is None:
            last = self.sessions[-1].date
            assert last is not None
            raise InvalidValueError(
                "date",
                last.isoformat(),
                f"a last session whose next is due by {datetime.date.max.isoformat()}, "
                "the last date a datetime.date holds",
            )
        return due

    def _next_due(self) -> datetime.date | None:
        """The next date due, or None past the last date a ``datetime.date`` holds."""
        last = self.sessions[-1]
        assert last.date is not None
        if last.product is not None and last.product.label is not None:
            return _later(last.date, months=last.product.label.min_interval_months)
        return _later(last.date, days=_interval().low)

    def _next_due_text(self) -> str:
        due = self._next_due()
        return f"after {datetime.date.max.isoformat()}" if due is None else due.isoformat()

    def cumulative(self) -> dict[str, tuple[Quantity, Quantity | None]]:
        """Per zone: the volume injected and the active dose given over the whole course.

        Planned amounts; for a course of records (:meth:`from_records`), given ones.
        """
        totals: dict[str, list[Any]] = {}  # zone: [volume, active dose or None, its unit]
        for k, s in enumerate(self.sessions):
            active = None if s.product is None else s.product.active
            given = None if self.records is None else self.records[k].areas
            for j, p in enumerate(s.plans):
                volume = (
                    p.points * _codec.value_of(p, "volume_per_point")
                    if given is None
                    else given[j].volume_ml
                )
                entry = totals.setdefault(
                    p.zone.value, [0.0, 0.0, None if active is None else active[1]]
                )
                entry[0] += volume
                if active is None or entry[1] is None or active[1] != entry[2]:
                    entry[1] = None  # unknown, or doses in mg and in U: no total
                else:
                    entry[1] += volume * active[0]
        return {
            zone: (
                quantity(v, "milliliter"),
                None if dose is None else quantity(dose, unit),
            )
            for zone, (v, dose, unit) in totals.items()
        }

    def rows(self) -> list[tuple[str, str]]:
        """One row per session, then the totals per zone and the next date due."""
        rows = []
        for i, s in enumerate(self.sessions):
            assert s.date is not None
            rows.append(
                (
                    f"{i + 1}. {s.date.isoformat()}",
                    f"{plural(len(s.plans), 'area')}, {plural(s.points, 'point')}, "
                    f"{shown('total_volume', s.total_volume.magnitude)}",
                )
            )
        for zone, (volume, dose) in self.cumulative().items():
            given = shown("total_volume", volume.magnitude)
            if dose is not None:
                symbol = "U" if str(dose.units) == BIOLOGICAL_UNIT else "mg"
                given += f", {dose.magnitude:.4g} {symbol}"
            rows.append((f"{zone}, over the course", given))
        rows.append(("next_due", self._next_due_text()))
        return rows

    def _all_warnings(self) -> tuple[str, ...]:
        """The course's warnings, then its sessions' (each once): what a table shows."""
        return tuple(
            dict.fromkeys([*self.warnings, *(w for s in self.sessions for w in s.warnings)])
        )

    def table(self) -> str:
        """The course as a plain-text table: its sessions, totals per zone and warnings."""
        return text_table(self.rows(), self._all_warnings())

    def _repr_markdown_(self) -> str:
        return markdown_table(self.rows(), self._all_warnings())

    def _repr_html_(self) -> str:
        """One row per session, the totals per zone, the next date due and the warnings."""
        return html_table(self.rows(), self._all_warnings(), caption=self._title())

    def _title(self) -> str:
        first, last = self.sessions[0].date, self.sessions[-1].date
        assert first is not None
        assert last is not None
        span = first.isoformat() if first == last else f"{first.isoformat()} to {last.isoformat()}"
        return f"Course of {plural(len(self.sessions), 'session')}, {span}"

    def __repr__(self) -> str:
        return f"<{self._title()}: next due {self._next_due_text()}>"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict naming its schema (``mesocalc.course``); each session whole."""
        return _codec.dump(self, "mesocalc.course")

    @classmethod
    def from_dict(cls, data: Any, *, catalog: Catalog | None = None) -> Course:
        """Rebuild a course from :meth:`to_dict` output, each session checked as it is read.

        ``catalog`` is the clinic protocol the plans were made with (see
        :meth:`Plan.from_dict`); the shipped catalog by default.
        """
        return _codec.load(cls, data, "mesocalc.course", {"catalog": catalog})
