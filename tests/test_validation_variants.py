"""Documents of this kind that are not in the corpus: the rules go by structure and labels.

Each variant rewrites a corpus truth file the way other counties and years print the same
content — other income labels, classes without 一、 numbering and only the non-empty ones,
codes with spaces, economic rows with their codes, a 合计 row instead of the department's
name, thousands separators, numbered “三公” items, other narrative wording — and checks
that the error findings stay exactly the real defects of the original, and that the
injected errors of errors/003 are still all caught without false alarms.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any

import pytest
from conftest import corpus_truth
from test_validation_corpus import REAL_DEFECTS, _key, score

from core.catalog import spec
from core.contract import from_contract
from core.validation.engine import run_checks

Doc = dict[str, Any]


def _col(table: str, name: str) -> int:
    return spec(table).columns.index(name)


def income_labels(d: Doc) -> None:
    """收支总表: 一般公共预算拨款收入 …, 收入合计, classes without numbering."""
    names = {
        "一、一般公共预算": "一般公共预算拨款收入",
        "二、政府性基金预算": "政府性基金预算拨款收入",
        "三、国有资本经营预算": "国有资本经营预算拨款收入",
        "四、财政专户管理资金": "财政专户管理资金收入",
        "五、单位资金": "单位资金收入",
        "本年收入合计": "收入合计",
    }
    for row in d["tables"]["income_expense_summary"]["rows"]:
        c = row["cells"]
        c[0] = names.get(c[0], c[0])
        c[2] = re.sub(r"^[一二三四五六七八九十]+、", "", c[2]).replace("本年支出合计", "支出合计")


def codes_with_spaces(d: Doc) -> None:
    for key in ("income_summary", "expense_summary", "general_budget_expense"):
        for row in d["tables"][key]["rows"]:
            code = row["cells"][0]
            if code.isdigit() and len(code) > 3:
                row["cells"][0] = " ".join(
                    [code[:3], *[code[i : i + 2] for i in range(3, len(code), 2)]]
                )


ECON_CODES = {
    "工资福利支出": "301",
    "商品和服务支出": "302",
    "对个人和家庭的补助": "303",
    "资本性支出": "310",
    "基本工资": "30101",
    "办公费": "30201",
    "退休费": "30302",
}


def econ_codes(d: Doc) -> None:
    """经济科目表 with its codes printed before the names (301工资福利支出 …)."""
    for row in d["tables"]["basic_expense_economic"]["rows"]:
        name = row["cells"][0]
        if name in ECON_CODES and (len(ECON_CODES[name]) == 3) == (row["cells"][1] == ""):
            row["cells"][0] = ECON_CODES[name] + name


def total_rows_named_heji(d: Doc) -> None:
    """项目支出表 and 机关运行经费表 start with a 合计 row."""
    rows = d["tables"]["project_expense_current"]["rows"]
    if (
        rows
        and rows[0]["cells"][0] == d["department"]
        and len(rows) > 1
        and rows[1]["cells"][0] == d["department"]
    ):
        rows[0]["cells"][0] = "合计"
    d["tables"]["admin_operating"]["rows"][0]["cells"][0] = "合计"


def thousands(d: Doc) -> None:
    for key, t in d["tables"].items():
        amounts = [i for i, c in enumerate(spec(key).columns) if c in spec(key).amount_columns]
        for row in t["rows"]:
            for i in amounts:
                v = row["cells"][i]
                if re.fullmatch(r"\d{4,}\.\d\d", v):
                    whole, frac = v.split(".")
                    row["cells"][i] = f"{int(whole):,}.{frac}"


def three_public_numbered(d: Doc) -> None:
    names = {
        "因公出国（境）费": "1、因公出国（境）费",
        "公务接待费": "2、公务接待费",
        "公务用车购置及运行费": "3、公务用车购置及运行费",
        "①公务用车购置费": "其中：公务用车购置费",
        "②公务用车运行维护费": "公务用车运行费",
    }
    for row in d["tables"]["three_public"]["rows"]:
        row["cells"][0] = names.get(row["cells"][0], row["cells"][0])


WORDING = [
    (r"预算收入总计", "收入预算总计"),
    (r"比上年增加", "较上年增加"),
    (r"比上年减少", "较上年减少"),
    (r"，其中：基本支出", "。其中，基本支出"),
    (r"万元，占(\d)", r"万元，占支出预算的\1"),
    (r"公用经费(\d[\d.,]*)万元", r"公用经费为\1万元"),
    (r"与(20\d\d)年预算数相同", r"与\1年持平"),
]


def wording(d: Doc) -> None:
    for sec in d["narrative"]:
        if "第三部分" not in sec["part"]:
            continue
        for pat, rep in WORDING:
            sec["text"] = re.sub(pat, rep, sec["text"])


def label_prefix(d: Doc) -> None:
    for n, t in enumerate(d["tables"].values(), start=1):
        t["title"] = f"预算公开表{n} {t['title']}"


VARIANTS: dict[str, Callable[[Doc], None]] = {
    "income_labels": income_labels,
    "codes_with_spaces": codes_with_spaces,
    "econ_codes": econ_codes,
    "total_rows_named_heji": total_rows_named_heji,
    "thousands": thousands,
    "three_public_numbered": three_public_numbered,
    "wording": wording,
    "label_prefix": label_prefix,
}


def all_variants(d: Doc) -> None:
    for v in VARIANTS.values():
        v(d)


@pytest.mark.parametrize("seed", ["000", "001", "003"])
@pytest.mark.parametrize("variant", [*VARIANTS, "all"])
def test_variant_keeps_the_real_defects_only(seed: str, variant: str) -> None:
    d = copy.deepcopy(corpus_truth("chrome", seed))
    (all_variants if variant == "all" else VARIANTS[variant])(d)
    errors = [f for f in run_checks(from_contract(d), strict=True) if f.severity == "error"]
    keys = sorted((_key(f) for f in errors), key=str)
    assert keys == sorted(REAL_DEFECTS[seed], key=str), [f.message for f in errors]


def test_variants_still_catch_the_injected_errors(tmp_path) -> None:
    d = copy.deepcopy(corpus_truth("errors", "003"))
    all_variants(d)
    recall, false_alarms, report = score(run_checks(from_contract(d)), d, tmp_path)
    assert (recall, false_alarms) == (1.0, 0), report


def test_wording_variant_still_reads_the_narrative() -> None:
    """The reworded narrative is still attributed: a wrong figure in it is found."""
    d = copy.deepcopy(corpus_truth("chrome", "000"))
    wording(d)
    sec = next(
        s for s in d["narrative"] if s["heading"].startswith("一、") and "第三部分" in s["part"]
    )
    assert "收入预算总计957.23万元" in sec["text"]
    sec["text"] = sec["text"].replace("收入预算总计957.23万元", "收入预算总计975.23万元")
    rules = {f.rule for f in run_checks(from_contract(d)) if f.severity == "error"}
    assert "N01a" in rules


def _carryover_003() -> Doc:
    """003 with 10.00 万元 of 上年结转 (一般公共预算) spent on a carried-over project under
    2013102: every table that shows carry-over money updated consistently."""
    d = copy.deepcopy(corpus_truth("chrome", "003"))
    t = d["tables"]

    def put(key: str, row: int, **cols: str) -> None:
        for c, v in cols.items():
            t[key]["rows"][row]["cells"][_col(key, c)] = v

    put("income_expense_summary", 0, **{"支出合计": "4628.17", "上年结转安排": "10.00"})
    put("income_expense_summary", 30, **{"支出合计": "4991.70", "上年结转安排": "10.00"})
    put("income_expense_summary", 31, **{"收入金额": "10.00"})
    put(
        "income_expense_summary",
        32,
        **{"收入金额": "4991.70", "支出合计": "4991.70", "上年结转安排": "10.00"},
    )
    for r, total in ((0, "4991.70"), (1, "4628.17"), (2, "4628.17"), (4, "3253.60")):
        put("income_summary", r, **{"合计": total, "上年结转": "10.00"})
    for r, total, proj in (
        (0, "4991.70", "3268.79"),
        (1, "4628.17", "3255.19"),
        (2, "4628.17", "3255.19"),
        (4, "3253.60", "3253.60"),
    ):
        put("expense_summary", r, **{"合计": total, "项目支出": proj})
    put("fiscal_grant_summary", 0, **{"小计": "4628.17", "一般公共预算": "4628.17"})
    put("fiscal_grant_summary", 30, **{"小计": "4991.70", "一般公共预算": "4991.70"})
    put("fiscal_grant_summary", 31, **{"收入金额": "10.00"})
    put("fiscal_grant_summary", 32, **{"收入金额": "10.00"})
    put(
        "fiscal_grant_summary",
        35,
        **{"收入金额": "4991.70", "小计": "4991.70", "一般公共预算": "4991.70"},
    )
    t["project_expense_carryover"]["rows"] = [
        {"cells": ["机要设备更新（上年结转）", "10.00", "10.00", "", ""], "page": 16}
    ]
    t["project_expense_carryover"]["no_data"] = False
    d["narrative"] = [s for s in d["narrative"] if "第三部分" not in s["part"]]
    return d


def test_carryover_document_is_consistent() -> None:
    """上年结转 money: the 一般公共预算 tables (不含上年结转) no longer equal the totals,
    and the checks that compare them must know it."""
    errors = [
        f for f in run_checks(from_contract(_carryover_003()), strict=True) if f.severity == "error"
    ]
    keys = sorted((_key(f) for f in errors), key=str)
    expected = sorted((k for k in REAL_DEFECTS["003"] if k[0] == "P01a"), key=str)
    assert keys == expected, [f.message for f in errors]


def test_carryover_document_still_catches_a_wrong_total() -> None:
    d = _carryover_003()
    d["tables"]["project_expense_carryover"]["rows"][0]["cells"][1] = "12.00"
    d["tables"]["project_expense_carryover"]["rows"][0]["cells"][2] = "12.00"
    rules = {f.rule for f in run_checks(from_contract(d)) if f.severity == "error"}
    assert "X07" in rules


def _unit_funds_003() -> Doc:
    """003 with 20.00 万元 of 单位资金 for one more project: not all money is 一般公共预算."""
    d = copy.deepcopy(corpus_truth("chrome", "003"))
    t = d["tables"]

    def put(key: str, row: int, **cols: str) -> None:
        for c, v in cols.items():
            t[key]["rows"][row]["cells"][_col(key, c)] = v

    put("income_expense_summary", 4, **{"收入金额": "20.00"})
    put("income_expense_summary", 0, **{"支出合计": "4638.17", "当年预算安排": "4638.17"})
    for r in (30, 32):
        put(
            "income_expense_summary",
            r,
            **{"收入金额": "5001.70", "支出合计": "5001.70", "当年预算安排": "5001.70"},
        )
    for r, total in ((0, "5001.70"), (1, "4638.17"), (2, "4638.17"), (4, "3263.60")):
        put("income_summary", r, **{"合计": total, "单位资金": "20.00"})
    for r, total, proj in (
        (0, "5001.70", "3278.79"),
        (1, "4638.17", "3265.19"),
        (2, "4638.17", "3265.19"),
        (4, "3263.60", "3263.60"),
    ):
        put("expense_summary", r, **{"合计": total, "项目支出": proj})
    t["project_expense_current"]["rows"].append(
        {"cells": ["档案数字化（单位资金）", "20.00", "", "", "", "", "20.00"], "page": 15}
    )
    d["narrative"] = [s for s in d["narrative"] if "第三部分" not in s["part"]]
    return d


def test_unit_funds_document_is_consistent() -> None:
    errors = [
        f
        for f in run_checks(from_contract(_unit_funds_003()), strict=True)
        if f.severity == "error"
    ]
    keys = sorted((_key(f) for f in errors), key=str)
    expected = sorted(
        [k for k in REAL_DEFECTS["003"] if k[0] == "P01a"]
        + [("P01a", "project_expense_current", 18)],  # the new project has no form either
        key=str,
    )
    assert keys == expected, [f.message for f in errors]
