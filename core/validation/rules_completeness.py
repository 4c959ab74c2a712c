"""C — completeness and format (完整性与格式): the parts a disclosure must have, the code
lists (``resources/classification``), units and draft residue.

Counties use local codes and name variants, so a code or name not on the list is a
warning, never an error.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

from core.catalog import TABLE_KEYS, TABLES, spec, split_title
from core.validation.classification import norm_name
from core.validation.context import CODE_TABLES, Context
from core.validation.engine import Report, rule
from core.validation.findings import Location
from core.validation.labels import table_name, table_short
from core.validation.structure import CodeTable

logger = logging.getLogger(__name__)


@rule(
    "C01a",
    "C",
    "error",
    "13张报表齐全",
    "部门预算公开必须包括收支总表至项目支出表共13张报表（财预〔2016〕143号），没有数据的表也要公开并说明。",
)
def all_tables_present(ctx: Context) -> Iterator[Report]:
    if not ctx.doc.tables:
        yield Report("文件中没有找到任何预算报表", (Location(),))
        return
    for s in TABLES:
        if s.key not in ctx.doc.tables:
            yield Report(f"缺少{table_name(s.key)}", (Location(table=s.key),))


@rule(
    "C01b",
    "C",
    "warning",
    "报表按规定顺序排列",
    "13张报表应按表一至表十三的顺序排列，便于对照。",
)
def tables_in_order(ctx: Context) -> Iterator[Report]:
    order = [k for k in ctx.doc.table_order if k in TABLE_KEYS]
    numbers = [spec(k).number for k in order]
    for a, b, ka, kb in zip(numbers, numbers[1:], order, order[1:], strict=False):
        if b < a:
            yield Report(
                f"{table_name(kb)} 排在 {table_name(ka)} 之后，顺序不对",
                (Location(table=kb),),
            )


@rule(
    "C01c",
    "C",
    "warning",
    "表名写明预算年度",
    "每张表的标题应写明预算年度（如“2024年预算收支总表”）。",
)
def titles_with_year(ctx: Context) -> Iterator[Report]:
    for key, t in ctx.doc.tables.items():
        if t.title and split_title(t.title)[1] is None:
            yield Report(f"{table_name(key)} 标题「{t.title}」没有年度", (Location(table=key),))


def _unit_ok(unit: str) -> bool:
    u = re.sub(r"\s+|单位[:：]?", "", unit)
    return not u or u.startswith("万")


@rule(
    "C02a",
    "C",
    "error",
    "金额单位为万元",
    "预算公开报表的金额单位是万元；单位写成元会让所有数字错一万倍。",
)
def unit_is_wan(ctx: Context) -> Iterator[Report]:
    if not _unit_ok(ctx.doc.unit):
        yield Report(f"文件的金额单位是「{ctx.doc.unit}」，应为万元", (Location(),))
    for key, t in ctx.doc.tables.items():
        if t.unit and not _unit_ok(t.unit):
            yield Report(f"{table_name(key)} 单位为「{t.unit}」，应为万元", (Location(table=key),))


@rule(
    "C02b",
    "C",
    "warning",
    "每张表写明部门名称",
    "每张表的表头应有“部门名称：…”一行。",
)
def department_line(ctx: Context) -> Iterator[Report]:
    tables = ctx.doc.tables
    if not any(t.department for t in tables.values()):
        return  # the input does not carry the header lines at all
    for key, t in tables.items():
        if not t.department:
            yield Report(f"{table_name(key)} 没有“部门名称”行", (Location(table=key),))


@rule(
    "C03",
    "C",
    "warning",
    "空表注明“本表无数据”",
    "没有数据的表也要公开，并在表下注明“本表无数据”（最好说明原因）。",
)
def empty_tables_noted(ctx: Context) -> Iterator[Report]:
    for key, v in ctx.views.items():
        t = v.table
        if v.has_amounts or t.no_data or "无数据" in t.note or v.bad:
            continue
        yield Report(f"{table_name(key)} 没有数据，但没有注明“本表无数据”", (Location(table=key),))


def _blocks(ctx: Context) -> Iterator[tuple[str, CodeTable]]:
    for key in CODE_TABLES:
        for ct in ctx.code_tables.get(key, []):
            yield key, ct


@rule(
    "C04a",
    "C",
    "error",
    "功能科目公开到项（7位编码）",
    "一般公共预算支出应按功能分类公开到项级科目；没有下级的科目必须是7位的项。",
)
def codes_to_item_level(ctx: Context) -> Iterator[Report]:
    for key, ct in _blocks(ctx):
        v = ct.view
        if not v.has_amounts:
            continue
        for r, code in ct.odd_codes:
            yield Report(
                f"{table_short(key)} 科目编码「{code}」不是3、5或7位", (v.loc(r, ct.code_col),)
            )
        for row in ct.rows:
            if row.level == 7 or ct.children(row):
                continue
            if all((v.a(row.idx, c) or 0) == 0 for c in ct.amount_cols):
                continue
            yield Report(
                f"{table_short(key)} {row.code} {row.name} 只列到{'类' if row.level == 3 else '款'}级，"
                "没有细化到项（7位编码）",
                (v.loc(row.idx, ct.code_col),),
            )


@rule(
    "C04b",
    "C",
    "error",
    "项、款列在其上级科目之下",
    "每个项（7位）都应有其所属的款（5位）行，每个款都应有其所属的类（3位）行。",
)
def codes_have_parents(ctx: Context) -> Iterator[Report]:
    for key, ct in _blocks(ctx):
        v = ct.view
        orphans: dict[str, list[int]] = {}
        for row in ct.rows:
            if row.level == 3:
                continue
            parent = row.code[: row.level - 2]
            if not ct.has(parent):
                orphans.setdefault(parent, []).append(row.idx)
        for parent, rows in orphans.items():
            codes = "、".join(v.t(r, ct.code_col) for r in rows)
            yield Report(
                f"{table_short(key)} {codes} 缺少上级科目 {parent}",
                tuple(v.loc(r, ct.code_col) for r in rows),
            )


@rule(
    "C05a",
    "C",
    "warning",
    "科目编码与名称对应",
    "功能科目的编码和名称应与当年政府收支分类科目一致。",
)
def code_names_match(ctx: Context) -> Iterator[Report]:
    cls = ctx.cls
    for key, ct in _blocks(ctx):
        v = ct.view
        for row in ct.rows:
            listed = cls.function_name(row.code)
            if listed is None or not row.name or cls.same_name(listed, row.name):
                continue
            if cls.outdated.get(norm_name(row.name).replace("的", "")):
                continue  # reported by C05b
            yield Report(
                f"{table_short(key)} 科目 {row.code} 名称为「{row.name}」，分类科目中为「{listed}」",
                (v.loc(row.idx, ct.name_col),),
            )


@rule(
    "C05b",
    "C",
    "warning",
    "不使用已废止的科目名称",
    "医疗卫生与计划生育支出、文化体育与传媒支出、国土海洋气象等支出等是旧科目名称，应改用现行名称。",
)
def outdated_names(ctx: Context) -> Iterator[Report]:
    cls = ctx.cls
    for key, ct in _blocks(ctx):
        v = ct.view
        for row in ct.rows:
            code = cls.outdated.get(norm_name(row.name).replace("的", ""))
            if code is not None:
                yield Report(
                    f"{table_short(key)} {row.code}「{row.name}」是旧科目名称，现行名称为"
                    f"「{cls.function_name(code) or cls.classes.get(code, '')}」",
                    (v.loc(row.idx, ct.name_col),),
                )
    for lay in (ctx.summary, ctx.fiscal):
        if lay is None:
            continue
        for r, lab, _ in lay.class_rows:
            code = cls.outdated.get(lab.replace("的", ""))
            if code is not None:
                yield Report(
                    f"{table_short(lay.view.key)}「{lab}」是旧科目名称，现行名称为「{cls.classes.get(code, '')}」",
                    (lay.view.loc(r, "支出项目"),),
                )


@rule(
    "C05c",
    "C",
    "warning",
    "科目编码在分类科目表中",
    "不在分类科目表中的编码可能是地方自设科目，也可能是录错，请核对。",
)
def unknown_codes(ctx: Context) -> Iterator[Report]:
    cls = ctx.cls
    seen: set[str] = set()
    for key, ct in _blocks(ctx):
        v = ct.view
        for row in ct.rows:
            if cls.function_name(row.code) is not None:
                continue
            if row.level == 7 and norm_name(row.name).startswith("其他"):
                continue  # xx99 其他…支出 of a listed 款
            if row.level == 7 and cls.generic_items.get(row.code[5:]) == norm_name(row.name):
                continue
            if row.code in seen:
                continue
            seen.add(row.code)
            yield Report(
                f"{table_short(key)} 科目编码 {row.code}「{row.name}」不在分类科目表中（地方科目请忽略）",
                (v.loc(row.idx, ct.code_col),),
            )


@rule(
    "C06a",
    "C",
    "warning",
    "基本支出经济分类公开到款",
    "基本支出应按经济分类公开到款级科目：每个有金额的类下面要列出款。",
)
def econ_to_kuan(ctx: Context) -> Iterator[Report]:
    lay = ctx.econ
    if lay is None:
        return
    v = lay.view
    for cat in lay.categories:
        if not cat.items and v.z(cat.idx, "合计") != 0:
            yield Report(
                f"经济科目表「{cat.name}」{v.t(cat.idx, '合计')} 万元没有列出其下的款",
                (v.loc(cat.idx, "部门预算支出经济科目名称"),),
            )


@rule(
    "C06b",
    "C",
    "warning",
    "部门经济科目与政府经济科目对应正确",
    "每个部门预算经济科目（款）应对应规定的政府预算经济科目（机关为50x，事业单位为505）。",
)
def econ_pairing(ctx: Context) -> Iterator[Report]:
    lay = ctx.econ
    if lay is None:
        return
    cls = ctx.cls
    v = lay.view
    for item in lay.items:
        if not item.code or not item.gov:
            continue
        allowed = cls.pairing.get(item.code)
        got = cls.gov_codes(item.gov)
        if allowed is None or not got:
            continue
        if not got & allowed:
            names = "、".join(cls.gov_items[c] for c in sorted(allowed) if c in cls.gov_items)
            yield Report(
                f"经济科目表「{item.name}」对应的政府经济科目为「{item.gov}」，应为{names}之一",
                (v.loc(item.idx, "政府预算支出经济科目名称"),),
            )


@rule(
    "C06c",
    "C",
    "warning",
    "经济科目名称在分类科目表中",
    "部门和政府预算经济科目的名称应与分类科目一致；不在表中的名称可能写错。",
)
def econ_names_known(ctx: Context) -> Iterator[Report]:
    lay = ctx.econ
    if lay is None:
        return
    cls = ctx.cls
    v = lay.view
    for item in lay.items:
        if item.name and item.code is None:
            yield Report(
                f"经济科目表「{item.name}」不在部门预算支出经济分类中",
                (v.loc(item.idx, "部门预算支出经济科目名称"),),
            )
        if item.gov and not cls.gov_codes(item.gov) and cls.dept_class_code(item.gov) is None:
            yield Report(
                f"经济科目表「{item.gov}」不在政府预算支出经济分类中",
                (v.loc(item.idx, "政府预算支出经济科目名称"),),
            )


def _part1(ctx: Context) -> list[int]:
    return [i for i, s in enumerate(ctx.doc.narrative) if "第一部分" in s.part or "概况" in s.part]


@rule(
    "C07a",
    "C",
    "warning",
    "第一部分写明部门职责和机构设置",
    "第一部分概况应说明部门职责和机构设置情况（纳入预算的单位）。",
)
def part_one(ctx: Context) -> Iterator[Report]:
    if not ctx.doc.narrative:
        return
    idx = _part1(ctx)
    texts = {
        "职责": any("职责" in ctx.doc.narrative[i].heading for i in idx),
        "机构设置": any("机构" in ctx.doc.narrative[i].heading for i in idx),
    }
    for what, present in texts.items():
        if not present:
            yield Report(f"第一部分概况没有“{what}”一节", (Location(),))
    for i in idx:
        s = ctx.doc.narrative[i]
        if "机构" in s.heading and not s.text.value.strip():
            following = [
                j
                for j in idx
                if j > i
                and ctx.doc.narrative[j].heading
                and not re.match(r"^[一二三四五六七八九十]+、", ctx.doc.narrative[j].heading)
            ]
            if not following:
                yield Report(
                    "第一部分“机构设置情况”没有内容",
                    (Location(section=s.heading, section_index=i, start=0, end=0),),
                )


_TOPIC_WORDS = {
    "overview": "部门预算收支变动情况",
    "income": "收入预算情况",
    "expense": "支出预算情况",
    "fiscal": "财政拨款收支情况",
    "gpb": "一般公共预算支出情况",
    "basic": "一般公共预算基本支出情况",
    "three_public": "“三公”经费",
    "admin": "机关运行经费",
    "procurement": "政府采购情况",
    "performance": "绩效管理情况",
    "assets": "国有资产占有使用情况",
}


@rule(
    "C07b",
    "C",
    "warning",
    "第三部分各节齐全",
    "情况说明应包括收支、收入、支出、财政拨款、一般公共预算、基本支出、“三公”经费、机关运行经费、"
    "政府采购、绩效、国有资产等各节（各地标题不同，按标题用词识别）。",
)
def part_three_sections(ctx: Context) -> Iterator[Report]:
    part3 = ctx.narrative.part3()
    if not part3:
        if ctx.doc.narrative:
            yield Report("没有找到第三部分情况说明", (Location(),))
        return
    topics = {s.topic for s in part3}
    for topic, words in _TOPIC_WORDS.items():
        if topic not in topics:
            yield Report(f"第三部分情况说明中没有找到“{words}”一节", (Location(),))


@rule(
    "C07c",
    "C",
    "warning",
    "第三部分各节有内容",
    "情况说明的每一节都应有文字（没有相关事项的写明“无”及原因）。",
)
def part_three_nonempty(ctx: Context) -> Iterator[Report]:
    part3 = ctx.narrative.part3()
    for s in part3:
        if s.top != s.index or s.text.strip():
            continue
        subs = [x for x in part3 if x.top == s.index and x.index != s.index and x.text.strip()]
        if not subs:
            yield Report(
                f"情况说明「{s.heading}」没有内容",
                (Location(section=s.heading, section_index=s.index, start=0, end=0),),
            )


@rule(
    "C08",
    "C",
    "warning",
    "第四部分名词解释",
    "部门预算公开应附名词解释（第四部分）。",
)
def glossary_present(ctx: Context) -> Iterator[Report]:
    if ctx.doc.narrative and not ctx.doc.glossary:
        yield Report("没有第四部分名词解释", (Location(),))


_DRAFT = re.compile(r"仅供内部|内部审核|内部资料|征求意见稿|草稿|审核稿|修改稿|批注")


@rule(
    "C09",
    "C",
    "warning",
    "没有水印、批注等审核痕迹",
    "“仅供内部审核”之类的水印、批注和底色是审核稿的痕迹，不应出现在公开文件中。",
)
def draft_residue(ctx: Context) -> Iterator[Report]:
    for text in dict.fromkeys(ctx.doc.artifacts):
        yield Report(f"页面上有水印或审核痕迹「{text}」", (Location(),))
    if ctx.doc.artifacts:
        return
    for sec in ctx.narrative.part3():
        m = _DRAFT.search(sec.text)
        if m:
            yield Report(
                f"情况说明「{sec.heading}」含审核稿字样「{m.group(0)}」",
                (
                    Location(
                        section=sec.heading, section_index=sec.index, start=m.start(), end=m.end()
                    ),
                ),
            )


@rule(
    "C10",
    "C",
    "info",
    "行政运行科目不列项目支出",
    "行政运行（xx01）反映基本支出，列有项目支出时请确认是否应归入一般行政管理事务等科目。",
)
def admin_run_no_project(ctx: Context) -> Iterator[Report]:
    for key in ("expense_summary", "general_budget_expense"):
        ct = ctx.code_table(key)
        if ct is None:
            continue
        v = ct.view
        for row in ct.rows:
            if row.level == 7 and row.code.endswith("01") and "行政运行" in row.name:
                x = v.z(row.idx, "项目支出")
                if x != 0:
                    yield Report(
                        f"{table_short(key)} {row.code} 行政运行列有项目支出 {v.t(row.idx, '项目支出')} 万元",
                        (v.loc(row.idx, "项目支出"),),
                    )
