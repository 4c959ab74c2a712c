"""The indicator block (绩效指标) of a performance form: 一级 › 二级 › 三级 with 指标值.

The block starts at its header row (一级指标 | 二级指标 | 三级指标 | 指标值, the project form
repeating 二级/三级/指标值 for the 年度 half). Each header cell defines a column role by its
label; body cells are given the role of the header cell they overlap most, so merged or
split columns, an extra empty column and a continuation grid on the next page (with or
without a repeated header) all read the same. The halves are told apart by their labels
(实施期/中期 vs 年度, in the header cell or in a cell above it) and otherwise by order: the
first 二级/三级/指标值 group is the 实施期 half, the second the 年度 half.

Every printed row becomes an :class:`~core.model.Indicator`, a 二级 row whose 三级 is blank
included. 一级/二级 are carried down over merged cells (and over cells left blank below a
merged cell split by a page break). ``level3`` is the 实施期 side's 三级 name, or the 年度
side's where the 实施期 side is blank; the 年度 side's own name is kept in
``level3_annual``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from core.importer.form_labels import INDICATOR_HEADER, half_of, norm
from core.importer.form_rows import FormRow, cell_field, overlap
from core.importer.grid import GridCell
from core.model import Field, Indicator

__all__ = ["IndicatorReader", "header_roles", "is_header_row"]


@dataclass(slots=True)
class Role:
    name: str  # level1 | level2 | level3 | value
    half: str  # period | annual | "" (both)
    x0: float
    x1: float


_HEADER_CACHE: dict[str, str | None] = {}


def _header_kind(text: str) -> str | None:
    if text in _HEADER_CACHE:
        return _HEADER_CACHE[text]
    t = norm(text)
    kind = None
    if t and len(t) <= 16:
        kind = next((k for k, pat in INDICATOR_HEADER.items() if pat.fullmatch(t)), None)
    if len(_HEADER_CACHE) > 20000:
        _HEADER_CACHE.clear()
    _HEADER_CACHE[text] = kind
    return kind


def is_header_row(row: FormRow) -> bool:
    kinds = [_header_kind(c.text) for c in row.cells if row.own(c)]
    found = {k for k in kinds if k}
    return (
        len([k for k in kinds if k]) >= 3
        and "value" in found
        and bool(found & {"level2", "level3"})
    )


def header_roles(row: FormRow, above: FormRow | None, single_half: str) -> list[Role]:
    """Column roles from a header row (and the row above it, for 实施期/年度 super-labels).

    A header cell's half is what its own label or a label above it says (实施期/中期 or
    年度). Otherwise a 指标值 column goes by order (first 实施期, second 年度; a lone one is
    *single_half*), and a 二级/三级 column belongs to the half of the 指标值 column that
    closes its group (the first one to its right).
    """
    # Header cells of the row, those spanning down from the row above included (一级指标
    # printed over a two-row header).
    cells = [(c, k) for c in row.cells if (k := _header_kind(c.text))]
    explicit: dict[int, str] = {}
    for c, k in cells:
        if k == "level1":
            continue
        half = half_of(c.text)
        if not half and above is not None:
            for a in above.cells:
                if (
                    overlap(a.x0, a.x1, c.x0, c.x1) > 0.6
                    and a.x1 - a.x0 >= (c.x1 - c.x0) * 0.9
                    and (half := half_of(a.text))
                ):
                    break
        if half:
            explicit[id(c)] = half
    values = [c for c, k in cells if k == "value"]
    value_half: dict[int, str] = {}
    for i, c in enumerate(values):
        if id(c) in explicit:
            value_half[id(c)] = explicit[id(c)]
        elif len(values) >= 2:
            value_half[id(c)] = "period" if i == 0 else "annual"
        else:
            value_half[id(c)] = single_half
    roles: list[Role] = []
    for c, k in cells:
        if k == "level1":
            half = ""
        elif k == "value":
            half = value_half[id(c)]
        elif id(c) in explicit:
            half = explicit[id(c)]
        else:
            closing = next((v for v in values if v.x0 >= c.x0), values[-1] if values else None)
            half = value_half[id(closing)] if closing is not None else ""
        roles.append(Role(k, half, c.x0, c.x1))
    return roles


@dataclass
class IndicatorReader:
    """Reads body rows once a header row gave the column roles."""

    single_half: str = "annual"
    roles: list[Role] = field(default_factory=list)
    header_x0: float = 0.0
    header_width: float = 0.0
    indicators: list[Indicator] = field(default_factory=list)
    _last: Indicator | None = None
    _last_row: FormRow | None = None
    _last_fields: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    _roles_at: dict[tuple[float, float], Role | None] = field(default_factory=dict)

    @property
    def active(self) -> bool:
        return bool(self.roles)

    def start(self, row: FormRow, above: FormRow | None) -> None:
        self.roles = header_roles(row, above, self.single_half)
        self._roles_at = {}
        self.header_x0 = row.grid.xs[0]
        self.header_width = row.grid.xs[-1] - row.grid.xs[0]

    def stop(self) -> None:
        self.roles = []

    def _shift(self, row: FormRow) -> float:
        """Offset of a continuation grid drawn at another x (same width) than the header's."""
        width = row.grid.xs[-1] - row.grid.xs[0]
        if self.header_width and abs(width - self.header_width) <= 0.03 * self.header_width:
            return row.grid.xs[0] - self.header_x0
        return 0.0

    def read(self, row: FormRow) -> Indicator | None:
        """The indicator printed in *row* (None for a row with nothing of its own)."""
        dx = self._shift(row)
        got: dict[tuple[str, str], tuple[GridCell, bool]] = {}
        for c in row.cells:
            best = self._role_of(c.x0 - dx, c.x1 - dx)
            if best is None:
                continue
            key = (best.name, best.half)
            if key not in got:
                got[key] = (c, row.own(c))
        if not any(own and c.text.strip() for c, own in got.values()):
            return None
        if self._continues_last(row, got):
            return None

        def pick(name: str, half: str) -> tuple[GridCell | None, bool]:
            for key in ((name, half), (name, "")):
                if key in got:
                    return got[key]
            return None, False

        page = row.page
        ind = Indicator()
        l1, _ = pick("level1", "")
        ind.level1 = cell_field(l1, page)
        l2p, _ = pick("level2", "period")
        l2a, _ = pick("level2", "annual")
        l2 = l2p if l2p is not None and l2p.text.strip() else l2a
        ind.level2 = cell_field(l2, page)
        l3p, _ = pick("level3", "period")
        l3a, _ = pick("level3", "annual")
        ind.level3_annual = cell_field(l3a, page)
        ind.level3 = cell_field(l3p if l3p is not None and l3p.text.strip() else l3a, page)
        vp, _ = pick("value", "period")
        va, _ = pick("value", "annual")
        if vp is va:  # one shared value column
            vp = None if self.single_half == "annual" else vp
            va = va if self.single_half == "annual" else None
        ind.value_period = cell_field(vp, page)
        ind.value_annual = cell_field(va, page)
        prev = self._last
        if prev is not None:
            if not ind.level1.value.strip():
                ind.level1 = _copy(prev.level1)
            if not ind.level2.value.strip() and ind.level1.value == prev.level1.value:
                ind.level2 = _copy(prev.level2)
        self._last = ind
        self._last_row = row
        self._last_fields = {
            ("level3", "period"): ["level3"] if l3p is not None and l3p.text.strip() else [],
            ("level3", "annual"): ["level3_annual"]
            + ([] if l3p is not None and l3p.text.strip() else ["level3"]),
            ("value", "period"): ["value_period"],
            ("value", "annual"): ["value_annual"],
        }
        self.indicators.append(ind)
        return ind

    def _role_of(self, x0: float, x1: float) -> Role | None:
        """The role of the header column a cell spanning x0..x1 overlaps most."""
        key = (round(x0, 1), round(x1, 1))
        if key in self._roles_at:
            return self._roles_at[key]
        best, best_ov = None, 0.5
        for role in self.roles:
            ov = overlap(x0, x1, role.x0, role.x1)
            if ov > best_ov:
                best, best_ov = role, ov
        self._roles_at[key] = best
        return best

    def _continues_last(self, row: FormRow, got: dict) -> bool:
        """The first row of a grid continued on the next page that only finishes the texts
        of the row cut by the page break (``劳务派遣人员的满`` / ``意度``): added to it."""
        prev, last = self._last, self._last_row
        if prev is None or last is None or row.grid is last.grid or row.page == last.page:
            return False
        own = {k for k, (c, o) in got.items() if o and c.text.strip()}
        if any(k[0] in ("level1", "level2") for k in own):
            return False
        filled = {
            k
            for k, names in self._last_fields.items()
            if names and all(prev.get(n).value.strip() for n in names[:1])
        }
        if not own or not own <= filled or own == filled:
            return False
        for k in own:
            cell = got[k][0]
            for n in self._last_fields[k]:
                f = prev.get(n)
                f.printed += cell.text
                f.value += cell.text
        self._last_row = row
        return True


def _copy(f: Field) -> Field:
    return Field(f.printed, f.value, f.source)
