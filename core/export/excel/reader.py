"""Excel workbook → edits (从Excel导入).

    from core.export.excel import read_workbook
    edits = read_workbook("corrected.xlsx", doc)   # list of SetValue, nothing applied
    project.apply(edits, kind="excel_import")       # or the GUI's undo macro

Reads a workbook written by :mod:`.writer` — possibly edited and re-saved by Excel or
WPS — and returns the differences from *doc*'s current values as ordinary
:class:`~core.edits.SetValue` edits. The caller applies them as one step.

Nothing is returned unless the whole workbook reads cleanly: every problem (a file that
is not an xlsx, a sheet renamed or missing, text in an amount cell, a formula, an extra
or deleted row, a workbook of another document) is collected and raised as one
:class:`~core.errors.ExcelImportError` naming each sheet and cell.

Amounts are compared as :class:`~decimal.Decimal`, so ``1457.4`` and ``1,457.40`` are the
same value and produce no edit; a changed amount is written in the cell's printed
convention (two decimals, thousands separators when the original had them). Numbers come
back from the file as binary doubles: ``Decimal(repr(x))`` is exact for what the writer
wrote, and a value Excel re-computed (``1457.3799999999999``) is rounded to the nearest
cent when it lies within 10⁻⁶ of it. A value with real extra decimals (``12.345``) is
kept as it is, for the checks to report.
"""

from __future__ import annotations

import json
import logging
import math
import warnings
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from xml.etree import ElementTree

from openpyxl import load_workbook
from openpyxl.cell.read_only import ReadOnlyCell
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet.cell_range import CellRange

from core.amounts import DASHES, format_amount, normalize_amount_text, parse_amount
from core.catalog import spec
from core.edits import CellRef, Edit, FieldRef, GlossaryRef, IndicatorRef, SectionRef, SetValue
from core.errors import ExcelImportError
from core.model import FORM_FIELDS, OVERALL_FIELDS, Disclosure

from .layout import (
    FORMAT,
    ID_HEADER,
    META_SHEET,
    NOTE_ID,
    SheetInfo,
    document_fingerprint,
    document_shape,
    form_addresses,
    indicator_columns,
    safe_text,
)

__all__ = ["ExcelProblem", "read_workbook"]

logger = logging.getLogger(__name__)

# How many problems the error message lists.
SHOWN_PROBLEMS = 20
_CENT = Decimal("0.01")
_NOISE = Decimal("0.000001")


@dataclass(frozen=True, slots=True)
class ExcelProblem:
    """One problem of a workbook: where (sheet, cell) and what, in Chinese and English."""

    sheet: str
    cell: str
    zh: str
    en: str

    def __str__(self) -> str:
        where = f"{self.sheet}!{self.cell}" if self.cell else self.sheet
        return f"{where}：{self.zh}"

    def english(self) -> str:
        where = f"{self.sheet}!{self.cell}" if self.cell else self.sheet
        return f"{where}: {self.en}"


def _fail(zh: str, en: str, problems: tuple[ExcelProblem, ...] = ()) -> ExcelImportError:
    return ExcelImportError(zh, en, problems)


def read_workbook(path: str | Path, doc: Disclosure) -> list[Edit]:
    """The edits that make *doc* show what the workbook *path* shows (not applied)."""
    p = Path(path)
    book = _open(p)
    try:
        sheets = _read_meta(book, doc, p)
        problems: list[ExcelProblem] = []
        edits: list[Edit] = []
        for info in sheets:
            if info.name not in book.sheetnames:
                problems.append(
                    ExcelProblem(
                        info.name,
                        "",
                        f"找不到工作表“{info.name}”（被改名或删除了？请保持工作表名称不变）",
                        f"sheet {info.name!r} is missing (renamed or deleted?)",
                    )
                )
                continue
            _SheetReader(book[info.name], info, doc, problems, edits).read()
    finally:
        book.close()
    if problems:
        n = len(problems)
        lines = "\n".join(f"  {p}" for p in problems[:SHOWN_PROBLEMS])
        more = f"\n  … 另有 {n - SHOWN_PROBLEMS} 个问题" if n > SHOWN_PROBLEMS else ""
        raise _fail(
            f"无法从 Excel 导入“{p.name}”，没有做任何修改。发现 {n} 个问题：\n{lines}{more}",
            f"cannot import {p.name}; nothing was changed ({n} problem(s)): "
            + "; ".join(x.english() for x in problems[:5]),
            tuple(problems),
        )
    logger.info("read %s: %d edit(s)", p, len(edits))
    return edits


# --- opening ---------------------------------------------------------------------------------


def _open(p: Path) -> Workbook:
    if not p.is_file():
        raise _fail(f"找不到文件：{p}", f"file not found: {p}")
    if not zipfile.is_zipfile(p):
        raise _fail(
            f"“{p.name}”不是 Excel 工作簿（.xlsx）文件。旧的 .xls 或 .et 文件请先在 Excel/WPS 中"
            "另存为 .xlsx。",
            f"{p.name} is not an .xlsx workbook",
        )
    try:
        with warnings.catch_warnings():
            # Excel and WPS write extensions openpyxl does not know (it warns and skips
            # them); none of them carries a value this reader needs.
            warnings.simplefilter("ignore")
            # Read-only mode: a normal load rebuilds every merged range's borders, which
            # takes seconds for a document with 30 forms. Merged ranges are read from
            # the sheet's XML instead (_Grid).
            return load_workbook(p, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged package
        logger.debug("cannot open %s", p, exc_info=True)
        raise _fail(
            f"无法读取 Excel 工作簿“{p.name}”：文件已损坏或不是 .xlsx 格式（{exc}）",
            f"cannot read the workbook {p.name}: {exc}",
        ) from exc


def _read_meta(book: Workbook, doc: Disclosure, p: Path) -> list[SheetInfo]:
    if META_SHEET not in book.sheetnames:
        raise _fail(
            f"“{p.name}”不是由预算公开工作台导出的工作簿（缺少隐藏的 {META_SHEET} 工作表），"
            "无法导入。请先用“导出Excel”导出，在导出的工作簿中修改后再导入。",
            f"{p.name} was not exported by the workbench (no {META_SHEET} sheet)",
        )
    ws = book[META_SHEET]
    values: dict[str, str] = {}
    sheets: list[SheetInfo] = []
    in_map = False
    for row in ws.iter_rows(min_row=1, max_col=6, values_only=True):
        if not any(v not in (None, "") for v in row):
            continue
        key = str(row[0] or "")
        if key == "sheet":
            in_map = True
            continue
        if not in_map:
            values[key] = "" if row[1] is None else str(row[1])
            continue
        try:
            sheets.append(
                SheetInfo(
                    name=str(row[0]),
                    kind=str(row[1] or ""),
                    target=str(row[2] or ""),
                    first_row=int(row[3]),
                    id_column=int(row[4]),
                    columns=int(row[5]),
                )
            )
        except (TypeError, ValueError) as exc:
            raise _fail(
                f"“{p.name}”的 {META_SHEET} 工作表已损坏，无法导入。",
                f"the {META_SHEET} sheet of {p.name} is damaged",
            ) from exc
    if values.get("format") != FORMAT:
        raise _fail(
            f"“{p.name}”的格式版本（{values.get('format') or '未知'}）不是本程序能读取的"
            f"（{FORMAT}），请重新导出。",
            f"unsupported workbook format {values.get('format')!r}",
        )
    year = "" if doc.year is None else str(doc.year)
    if values.get("department", "") != doc.department or values.get("year", "") != year:
        raise _fail(
            f"“{p.name}”是另一份文件导出的（{values.get('department') or '未知部门'} "
            f"{values.get('year') or '未知'}年），不是当前文件（{doc.department or '未知部门'} "
            f"{year or '未知'}年），没有导入。",
            f"{p.name} belongs to another document "
            f"({values.get('department')!r} {values.get('year')}), not this one",
        )
    try:
        shape = json.loads(values.get("shape", ""))
    except ValueError:
        shape = None
    if shape != json.loads(json.dumps(document_shape(doc))):
        raise _fail(
            f"导出“{p.name}”之后，当前文件增删过表格行或绩效指标，工作簿已过时。"
            "请重新导出Excel，在新的工作簿中修改后再导入。",
            f"the document gained or lost rows or indicators since {p.name} was exported",
        )
    if values.get("fingerprint") != document_fingerprint(doc):
        raise _fail(
            f"“{p.name}”不是从当前文件导出的（部门和年度相同，但原始内容不同，可能是另一次"
            "导入的 PDF），没有导入。",
            f"{p.name} was exported from another import of this department's disclosure",
        )
    return sheets


# --- reading cells -----------------------------------------------------------------------------


class _BadCell(Exception):
    def __init__(self, zh: str, en: str) -> None:
        super().__init__(zh)
        self.zh = zh
        self.en = en


def _number(x: object) -> Decimal:
    """A number from a cell as an exact Decimal, binary noise removed (module doc)."""
    if isinstance(x, bool):
        raise _BadCell("是逻辑值（TRUE/FALSE），不是金额", "a boolean, not an amount")
    if isinstance(x, int):
        return Decimal(x)
    if isinstance(x, Decimal):
        return x
    f = float(x)  # type: ignore[arg-type]
    if not math.isfinite(f):
        raise _BadCell("不是有效的数字", "not a finite number")
    d = Decimal(repr(f))
    cents = d.quantize(_CENT, rounding=ROUND_HALF_UP)
    if abs(d - cents) <= _NOISE:
        return cents
    return d.quantize(_NOISE, rounding=ROUND_HALF_UP).normalize()


def _number_text(x: object) -> str:
    """A number typed into a text cell, as text (``2010301``, ``3.5``)."""
    if isinstance(x, bool):
        return "TRUE" if x else "FALSE"
    if isinstance(x, int):
        return str(x)
    f = float(x)  # type: ignore[arg-type]
    if math.isfinite(f) and f == int(f) and abs(f) < 1e15:
        return str(int(f))
    return repr(f)


def _date_text(x: date | datetime | time) -> str:
    if isinstance(x, datetime):
        if (x.hour, x.minute, x.second) == (0, 0, 0):
            return f"{x.year}年{x.month}月{x.day}日"
        return x.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(x, date):
        return f"{x.year}年{x.month}月{x.day}日"
    return x.strftime("%H:%M:%S")


def _text(s: str) -> str:
    return s.replace("\r\n", "\n").replace("\r", "\n").strip()


def _places(d: Decimal) -> int:
    exp = d.normalize().as_tuple().exponent
    return max(2, -exp) if isinstance(exp, int) and exp < 0 else 2


class _Grid:
    """The cells of a read-only worksheet, read once: values by (row, column), and the
    merged ranges (a covered cell reads the range's top-left cell)."""

    def __init__(self, ws: ReadOnlyWorksheet) -> None:
        self.cells: dict[tuple[int, int], ReadOnlyCell] = {}
        # The <dimension> a program wrote may be wrong; read every row that is there.
        ws.reset_dimensions()
        for row in ws.iter_rows():
            for cell in row:
                r, c = getattr(cell, "row", None), getattr(cell, "column", None)
                if r is not None and c is not None:
                    self.cells[(r, c)] = cell
        self.max_row = max((r for r, _ in self.cells), default=0)
        self.merged: dict[tuple[int, int], tuple[int, int]] = {}
        for ref in _merged_refs(ws):
            rng = CellRange(ref)
            top = (rng.min_row, rng.min_col)
            for r in range(rng.min_row, rng.max_row + 1):
                for c in range(rng.min_col, rng.max_col + 1):
                    if (r, c) != top:
                        self.merged[(r, c)] = top

    def cell(self, row: int, column: int) -> ReadOnlyCell | None:
        """The cell shown at (row, column): a merged range's top-left cell."""
        return self.cells.get(self.merged.get((row, column), (row, column)))

    def value(self, row: int, column: int) -> object:
        """The value stored in this very cell (no merge lookup)."""
        cell = self.cells.get((row, column))
        return None if cell is None else cell.value


def _merged_refs(ws: ReadOnlyWorksheet) -> list[str]:
    """The ``<mergeCell ref="A1:C1"/>`` ranges of a sheet, from its XML."""
    refs: list[str] = []
    # WORKAROUND: openpyxl's read-only worksheets do not parse merged cells; its
    # _get_source() opens the sheet's XML part in the package (openpyxl is pinned).
    with ws._get_source() as src:
        for _event, el in ElementTree.iterparse(src):
            if el.tag.rsplit("}", 1)[-1] == "mergeCell" and (ref := el.get("ref")):
                refs.append(ref)
            el.clear()
    return refs


class _SheetReader:
    def __init__(
        self,
        ws: ReadOnlyWorksheet,
        info: SheetInfo,
        doc: Disclosure,
        problems: list[ExcelProblem],
        edits: list[Edit],
    ) -> None:
        self.title = ws.title
        self.grid = _Grid(ws)
        self.info = info
        self.doc = doc
        self.problems = problems
        self.edits = edits

    # -- helpers

    def problem(self, row: int, column: int | None, zh: str, en: str) -> None:
        cell = f"{get_column_letter(column)}{row}" if column else f"{row}:{row}"
        self.problems.append(ExcelProblem(self.title, cell, zh, en))

    def raw(self, row: int, column: int) -> object:
        """The value shown in a cell; _BadCell for a formula or an error value."""
        cell = self.grid.cell(row, column)
        if cell is None:
            return None
        value = cell.value
        if cell.data_type == "f" or (
            value is not None
            and not isinstance(value, str | int | float | Decimal | bool | date | datetime | time)
        ):
            shown = value if isinstance(value, str) else getattr(value, "text", "")
            raise _BadCell(
                f"是公式（{shown}），只能填写数值或文字，不能用公式",
                f"a formula ({shown}); only values can be imported",
            )
        if cell.data_type == "e":
            raise _BadCell(f"是错误值 {value}", f"an error value {value}")
        return value

    def has_content(self, row: int) -> bool:
        for c in range(1, self.info.columns + 1):
            if (row, c) in self.grid.merged:
                continue
            v = self.grid.value(row, c)
            if v is not None and (not isinstance(v, str) or v.strip()):
                return True
        return False

    def text_at(self, row: int, column: int) -> str | None:
        """The text of a cell, or None after reporting a problem."""
        try:
            v = self.raw(row, column)
        except _BadCell as exc:
            self.problem(row, column, exc.zh, exc.en)
            return None
        if v is None:
            return ""
        if isinstance(v, str):
            return _text(v)
        if isinstance(v, date | datetime | time):
            return _date_text(v)
        return _number_text(v)

    def set_text(self, ref: object, current: str, row: int, column: int) -> None:
        text = self.text_at(row, column)
        if text is None:
            return
        if text != _text(safe_text(current)):
            self.edits.append(SetValue(ref, current, text))  # type: ignore[arg-type]

    def check_id_column(self) -> bool:
        col = self.info.id_column
        for r in range(1, self.info.first_row):
            if self.grid.value(r, col) == ID_HEADER:
                return True
        self.problem(
            self.info.first_row - 1,
            col,
            f"隐藏的“{ID_HEADER}”列不在原来的位置：工作表中插入或删除了列。请不要增删列。",
            "the hidden row-number column moved: columns were inserted or deleted",
        )
        return False

    # -- sheets

    def read(self) -> None:
        if not self.check_id_column():
            return
        if self.info.kind == "table":
            self.read_table()
        elif self.info.kind in ("forms", "overall", "narrative"):
            self.read_addressed()
        else:
            logger.warning("unknown sheet kind %r in _meta", self.info.kind)

    def read_table(self) -> None:
        key = self.info.target
        table = self.doc.tables.get(key)
        if table is None:
            self.problem(1, 1, "当前文件中没有这张表", f"the document has no table {key}")
            return
        s = spec(key)
        amounts = set(s.amount_indices())
        thousands = [
            any("," in r.cells[j].value for r in table.rows if j < len(r.cells))
            for j in range(len(s.columns))
        ]
        n_rows = len(table.rows)
        seen: dict[int, int] = {}
        for r in range(self.info.first_row, self.grid.max_row + 1):
            rid = self.grid.value(r, self.info.id_column)
            if rid == NOTE_ID:
                continue
            if rid is None or (isinstance(rid, str) and not rid.strip()):
                if self.has_content(r):
                    self.problem(
                        r,
                        None,
                        f"第{r}行是多出来的行：表格只有 {n_rows} 行，不能在 Excel 中增加行"
                        "（需要补充的行请在工作台中插入）",
                        f"row {r} is an extra row; the table has {n_rows} rows",
                    )
                continue
            index = _row_number(rid)
            if index is None or not 1 <= index <= n_rows:
                self.problem(
                    r,
                    self.info.id_column,
                    f"隐藏的行号“{rid}”不对：请不要修改“{ID_HEADER}”列",
                    f"bad row number {rid!r} in the hidden column",
                )
                continue
            if index in seen:
                self.problem(
                    r,
                    None,
                    f"第{r}行与第{seen[index]}行是同一行（复制了整行？），不能导入",
                    f"rows {seen[index]} and {r} are copies of the same table row",
                )
                continue
            seen[index] = r
            row = table.rows[index - 1]
            for j in range(len(s.columns)):
                current = row.cells[j].value if j < len(row.cells) else ""
                ref = CellRef(key, index - 1, j)
                if j in amounts:
                    self.set_amount(ref, current, r, j + 1, thousands[j])
                else:
                    self.set_text(ref, current, r, j + 1)
        missing = [i for i in range(1, n_rows + 1) if i not in seen]
        if missing:
            shown = "、".join(str(i) for i in missing[:10]) + ("…" if len(missing) > 10 else "")
            self.problem(
                self.info.first_row,
                None,
                f"表格的第 {shown} 行被删除了：不能在 Excel 中删除行（不需要的值请清空）",
                f"table rows {missing[:10]} were deleted",
            )

    def set_amount(
        self, ref: CellRef, current: str, row: int, column: int, thousands: bool
    ) -> None:
        try:
            value = self.raw(row, column)
        except _BadCell as exc:
            self.problem(row, column, exc.zh, exc.en)
            return
        try:
            new = _amount_text(value, current, thousands)
        except _BadCell as exc:
            self.problem(row, column, exc.zh, exc.en)
            return
        if new is not None:
            self.edits.append(SetValue(ref, current, new))

    def read_addressed(self) -> None:
        kind = self.info.kind
        expected: list[str] = []
        if kind == "forms":
            for i, f in enumerate(self.doc.performance_forms):
                expected += form_addresses("form", i, len(f.indicators))
        elif kind == "overall":
            for i, o in enumerate(self.doc.overall_forms):
                expected += form_addresses("overall", i, len(o.indicators))
        else:
            expected = [f"section/{i}" for i in range(len(self.doc.narrative))]
            expected += [f"glossary/{i}" for i in range(len(self.doc.glossary))]
        wanted = set(expected)
        seen: dict[str, int] = {}
        for r in range(self.info.first_row, self.grid.max_row + 1):
            address = self.grid.value(r, self.info.id_column)
            if address is None or (isinstance(address, str) and not address.strip()):
                if self.has_content(r):
                    self.problem(
                        r,
                        None,
                        f"第{r}行是多出来的行：不能在 Excel 中增加行或指标"
                        "（需要补充的请在工作台中添加）",
                        f"row {r} is an extra row",
                    )
                continue
            address = str(address).strip()
            if address.startswith("#"):
                continue
            if address not in wanted:
                self.problem(
                    r,
                    self.info.id_column,
                    f"隐藏的行号“{address}”不对：请不要修改“{ID_HEADER}”列",
                    f"bad row address {address!r} in the hidden column",
                )
                continue
            if address in seen:
                self.problem(
                    r,
                    None,
                    f"第{r}行与第{seen[address]}行是同一行（复制了整行？），不能导入",
                    f"rows {seen[address]} and {r} are copies of the same row",
                )
                continue
            seen[address] = r
            self.read_address(address, r)
        missing = [a for a in expected if a not in seen]
        if missing:
            self.problem(
                self.info.first_row,
                None,
                f"有 {len(missing)} 行被删除了（如 {missing[0]}）：不能在 Excel 中删除行",
                f"{len(missing)} row(s) were deleted (e.g. {missing[0]})",
            )

    def read_address(self, address: str, r: int) -> None:
        parts = address.split("/")
        doc = self.doc
        if parts[0] == "section":
            i = int(parts[1])
            self.set_text(SectionRef(i), doc.narrative[i].text.value, r, 3)
            return
        if parts[0] == "glossary":
            i = int(parts[1])
            self.set_text(GlossaryRef(i), doc.glossary[i].value, r, 3)
            return
        owner = parts[0]
        index = int(parts[1])
        form = doc.performance_forms[index] if owner == "form" else doc.overall_forms[index]
        if parts[2] == "ind":
            i = int(parts[3])
            ind = form.indicators[i]
            for c, (name, _) in enumerate(indicator_columns(owner), start=2):
                self.set_text(IndicatorRef(owner, index, i, name), ind.get(name).value, r, c)  # type: ignore[arg-type]
            return
        name = parts[2]
        assert name in (FORM_FIELDS if owner == "form" else OVERALL_FIELDS)
        self.set_text(FieldRef(owner, index, name), form.value(name), r, 2)  # type: ignore[arg-type]


def _row_number(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _is_dash(text: str) -> bool:
    return normalize_amount_text(text) in DASHES


def _amount_text(value: object, current: str, thousands_default: bool) -> str | None:
    """The new text of an amount cell, or None when it shows the current value."""
    if isinstance(value, date | datetime | time):
        raise _BadCell("是日期，不是金额", "a date, not an amount")
    cur = _text(safe_text(current))
    try:
        cur_amount = None if _is_dash(cur) else parse_amount(cur)
    except ValueError:
        cur_amount = None
    thousands = ("," in cur) if cur_amount is not None else thousands_default
    if value is None or (isinstance(value, str) and not value.strip()):
        return "" if cur else None
    if isinstance(value, str):
        text = _text(value)
        if text == cur:
            return None
        if _is_dash(text):
            return text
        try:
            amount = parse_amount(text)
        except ValueError:
            raise _BadCell(f"“{text}”不是金额", f"{text!r} is not an amount") from None
        assert amount is not None
    else:
        amount = _number(value)
    if cur_amount is not None and amount == cur_amount:
        return None
    return format_amount(amount, thousands=thousands, places=_places(amount))
