"""Findings (检查结果): what a rule reports, and where.

A :class:`Finding` has a stable rule id, a severity, a Chinese message with the figures
involved, and :class:`Location` s — a table cell, a form field, or a character span of a
narrative section. ``to_dict`` gives the findings JSON of DESIGN.md §4.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["FORM_TABLE_ALIAS", "SEVERITIES", "Finding", "Location", "Severity"]

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")
FORM_TABLE_ALIAS = "performance_form"


@dataclass(frozen=True, slots=True)
class Location:
    """Where a finding points. Exactly one of the three shapes is used:

    - table cell: ``table`` (key), ``row`` (0-based body row, or None for the whole
      table), ``column`` (canonical column name, or None for the whole row);
    - form field: ``form`` (0-based index into performance_forms, or into overall_forms
      when ``overall``), ``field`` (a FORM_FIELDS name, or ``indicators[i].value_annual``);
    - narrative: ``section`` (heading as printed), ``section_index`` (index into
      Disclosure.narrative), ``start``/``end`` (character span in the section's text).
    """

    table: str | None = None
    row: int | None = None
    column: str | None = None
    form: int | None = None
    field: str | None = None
    overall: bool = False
    section: str | None = None
    section_index: int | None = None
    start: int | None = None
    end: int | None = None

    def to_dict(self) -> dict[str, Any]:
        if self.table is not None:
            return {"table": self.table, "row": self.row, "column": self.column}
        if self.form is not None:
            d: dict[str, Any] = {"form": self.form, "field": self.field}
            if self.overall:
                d["overall"] = True
            else:
                # The corpus scorer (score_checks.py) names a project form as the pseudo
                # table "performance_form" with the form's index as its row.
                d["table"] = FORM_TABLE_ALIAS
                d["row"] = self.form
            return d
        if self.section is not None or self.section_index is not None:
            return {
                "section": self.section,
                "section_index": self.section_index,
                "start": self.start,
                "end": self.end,
            }
        return {}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Location:
        if d.get("form") is not None:
            return cls(form=d["form"], field=d.get("field"), overall=bool(d.get("overall")))
        return cls(
            table=d.get("table"),
            row=d.get("row"),
            column=d.get("column"),
            form=d.get("form"),
            field=d.get("field"),
            overall=bool(d.get("overall")),
            section=d.get("section"),
            section_index=d.get("section_index"),
            start=d.get("start"),
            end=d.get("end"),
        )


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str  # stable id, e.g. "T04"
    severity: Severity
    message: str  # Chinese, with the figures on both sides and the difference
    locations: tuple[Location, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "locations": [loc.to_dict() for loc in self.locations],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Finding:
        return cls(
            rule=str(d["rule"]),
            severity=d["severity"],
            message=str(d.get("message", "")),
            locations=tuple(Location.from_dict(x) for x in d.get("locations") or []),
        )
