"""The validator on the corpus: real defects of the published originals, injected errors.

- On the clean corpus (truth JSON and, through the importer, the PDFs) the only
  error-severity findings are the real defects listed in :data:`REAL_DEFECTS`, each with
  the reason it is one.
- On errors/003 (truth JSON and PDF) ``score_checks.py`` gives recall 1.0 and no false
  alarms.
- On injected-error documents of our own (:data:`OWN_CASES`, made by editing the truth
  files, at least one error per rule family) the same bars hold.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import CLEAN, CLEAN_IDS, CORPUS, SCORE_CHECKS, corpus_truth, imported

from core.catalog import spec
from core.contract import from_contract
from core.model import Disclosure
from core.validation.engine import run_checks
from core.validation.findings import Finding

PC, AO = "project_expense_current", "admin_operating"

# Error findings the rules make on the published originals, and why each is a real defect.
# Key: (rule, table, row) of the finding's first table location.
REAL_DEFECTS: dict[str, dict[tuple[str, str | None, int | None], str]] = {
    "000": {
        ("P01a", PC, 7): "项目「文件资料印制费」20.00 万元没有绩效目标表：16 个项目只附 15 张表，"
        "情况说明却称公开项目绩效目标 16 个",
    },
    "001": {
        (
            "P01a",
            PC,
            2,
        ): "项目「安可替代工程建设费」370.00 万元没有绩效目标表（名称相近的表也没有）",
        ("P01a", PC, 10): "项目「资料版面制作等费用」8.00 万元没有绩效目标表",
        ("P01a", PC, 26): "项目「2024年临时工工资」4.32 万元没有绩效目标表",
        ("N10a", PC, None): "情况说明十称纳入绩效目标管理的二级项目 33 个，项目支出表三个单位共列 "
        "15 + 10 + 7 = 32 个项目",
    },
    "003": {
        **{
            (
                "P01a",
                PC,
                r,
            ): "18 个项目只公开了 3 张绩效目标表（errors/003 的 known_issues 也列出了）"
            for r in (1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17)
        },
        ("N08b", AO, 0): "情况说明八：比 2022 年 343.22 万元减少，本年 317.87 万元，"
        "343.22 − 317.87 = 25.35，印成了 23.35（下降 7.39% 是按 25.35 算的）",
    },
}


def _key(f: Finding) -> tuple[str, str | None, int | None]:
    loc = next((x for x in f.locations if x.table is not None), None)
    return (f.rule, loc.table if loc else None, loc.row if loc else None)


def _errors(doc: Disclosure) -> list[Finding]:
    return [f for f in run_checks(doc, strict=True) if f.severity == "error"]


@pytest.mark.parametrize(("kind", "seed"), CLEAN, ids=CLEAN_IDS)
def test_clean_truth_has_only_real_defects(kind: str, seed: str) -> None:
    errors = _errors(from_contract(corpus_truth(kind, seed)))
    keys = [_key(f) for f in errors]
    assert sorted(keys, key=str) == sorted(REAL_DEFECTS[seed], key=str), [f.message for f in errors]


@pytest.mark.slow
@pytest.mark.parametrize(("kind", "seed"), CLEAN, ids=CLEAN_IDS)
def test_clean_pdf_has_only_real_defects(kind: str, seed: str) -> None:
    """Through the importer: the same findings as on the truth."""
    errors = _errors(imported(kind, seed))
    keys = [_key(f) for f in errors]
    assert sorted(keys, key=str) == sorted(REAL_DEFECTS[seed], key=str), [f.message for f in errors]


def score(findings: list[Finding], truth: dict[str, Any], tmp_path: Path) -> tuple[float, int, str]:
    """Run shared/corpus/score_checks.py; (recall, false alarms, its report)."""
    fpath = tmp_path / "findings.json"
    tpath = tmp_path / "truth.json"
    fpath.write_text(
        json.dumps([f.to_dict() for f in findings], ensure_ascii=False), encoding="utf-8"
    )
    tpath.write_text(json.dumps(truth, ensure_ascii=False), encoding="utf-8")
    out = subprocess.run(
        [sys.executable, str(SCORE_CHECKS), str(fpath), str(tpath)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    last = out.strip().splitlines()[-1]
    fields = dict(part.split("=") for part in last.split())
    return float(fields["recall"]), int(fields["false_alarms"]), out


def test_errors_003_truth(tmp_path: Path) -> None:
    truth = corpus_truth("errors", "003")
    recall, false_alarms, report = score(run_checks(from_contract(truth)), truth, tmp_path)
    assert (recall, false_alarms) == (1.0, 0), report


@pytest.mark.slow
def test_errors_003_pdf(tmp_path: Path) -> None:
    truth = corpus_truth("errors", "003")
    recall, false_alarms, report = score(run_checks(imported("errors", "003")), truth, tmp_path)
    assert (recall, false_alarms) == (1.0, 0), report


def test_check_command_on_errors_pdf(tmp_path: Path) -> None:
    """The command line on the PDF itself: exit 0, findings JSON the scorer accepts."""
    out = tmp_path / "f.json"
    proc = subprocess.run(
        [
            sys.executable,
            "main.py",
            "check",
            str(CORPUS / "errors" / "003.pdf"),
            "--json",
            str(out),
        ],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert proc.returncode == 0, proc.stderr
    findings = [Finding.from_dict(d) for d in json.loads(out.read_text(encoding="utf-8"))]
    recall, false_alarms, report = score(findings, corpus_truth("errors", "003"), tmp_path)
    assert (recall, false_alarms) == (1.0, 0), report


# -- our own injected errors -------------------------------------------------------------


def _set(d: dict, table: str, row: int, columns: tuple[str, ...], value: str) -> dict:
    """Set cells; returns the injected_errors entry (without id/also_at)."""
    cols = spec(table).columns
    was = d["tables"][table]["rows"][row]["cells"][cols.index(columns[0])]
    for c in columns:
        d["tables"][table]["rows"][row]["cells"][cols.index(c)] = value
    return {"table": table, "row": row, "column": columns[0], "was": was, "now": value}


def _text(d: dict, heading: str, old: str, new: str) -> None:
    for sec in d["narrative"]:
        if sec["heading"].startswith(heading) and old in sec["text"]:
            sec["text"] = sec["text"].replace(old, new, 1)
            return
    raise AssertionError(f"{old!r} not under {heading!r}")


def _case_000() -> dict:
    d = copy.deepcopy(corpus_truth("chrome", "000"))
    errs = []

    def add(entry: dict, breaks: str, *also: tuple[str, int | None]) -> None:
        entry.update(
            id=len(errs) + 1, breaks=breaks, also_at=[{"table": t, "row": r} for t, r in also]
        )
        errs.append(entry)

    ES, GB, EC, TP = (
        "expense_summary",
        "general_budget_expense",
        "basic_expense_economic",
        "three_public",
    )
    add(
        _set(d, ES, 13, ("合计", "基本支出"), "9.51"),
        "T: 项 changed, its 款 20805 no longer sums",
        (ES, 12),
    )
    add(
        _set(d, PC, 5, ("合计", "一般公共预算"), "8.50"),
        "T: project changed, unit subtotal breaks",
        (PC, 1),
    )
    add(
        _set(d, GB, 22, ("合计", "基本支出"), "4.53"),
        "X: 一般公共预算支出表 ≠ 支出总表 for 2101103",
        (GB, 19),
    )
    add(_set(d, EC, 0, ("合计",), "356.05") | {"column": "合计"}, "X: 经济科目表合计 ≠ 基本支出")
    d["tables"][EC]["rows"][0]["cells"][3] = "318.88"
    _text(d, "三、", "基本支出355.05万元", "基本支出365.05万元")
    add(
        {"table": ES, "row": 0, "column": "基本支出"},
        "N: narrative 基本支出 365.05 ≠ 支出总表 355.05",
    )
    _text(d, "七、", "公务用车购置及运行费4.00万元", "公务用车购置及运行费5.00万元")
    add({"table": TP, "row": 2, "column": "合计"}, "N: narrative 公务用车购置及运行费 5.00 ≠ 4.00")
    d["performance_forms"][9]["annual_total"] = "8,000"
    add(
        {"table": "performance_form", "row": 9, "column": "annual_total"},
        "P: 年度资金总额 8,000 元 ≠ 8.00 万元",
        (PC, 3),
    )
    d["performance_forms"][1]["project_name"] = "2024年会务费"
    add(
        {"table": "performance_form", "row": None, "was": "2024年会议费"},
        "P: project 2024年会议费 has no form of that name",
        (PC, 6),
    )
    del d["tables"][ES]["rows"][19]  # the 21011 款 row: its 项 are left without a parent
    add({"table": ES, "row": 19}, "C: 项 2101101 without its 款 21011", ("income_summary", 19))
    d["tables"]["gov_fund_expense"]["unit"] = "元"
    add({"table": "gov_fund_expense", "row": None}, "C: table unit 元")
    d["injected_errors"] = errs
    d["known_issues"] = [{"table": PC, "row": 7, "rule": "form_missing"}]
    return d


def _case_001() -> dict:
    d = copy.deepcopy(corpus_truth("chrome", "001"))
    errs = []

    def add(entry: dict, breaks: str, *also: tuple[str, int | None]) -> None:
        entry.update(
            id=len(errs) + 1, breaks=breaks, also_at=[{"table": t, "row": r} for t, r in also]
        )
        errs.append(entry)

    TP, IES, ES = "three_public", "income_expense_summary", "expense_summary"
    add(
        _set(d, TP, 4, ("合计", "一般公共预算"), "14.40"),
        "T: ② ≠, 公务用车购置及运行费 breaks",
        (TP, 2),
    )
    add(
        _set(d, AO, 3, ("合计", "一般公共预算"), "10.85"),
        "T: unit row changed, 部门合计 breaks",
        (AO, 0),
    )
    add(
        _set(d, PC, 30, ("合计", "一般公共预算"), "391.41"),
        "T: project changed, unit subtotal breaks",
        (PC, 28),
    )
    add(
        _set(d, IES, 19, ("支出合计", "当年预算安排"), "41.24"),
        "X: 收支总表 住房保障 ≠ 支出总表 221",
    )
    _text(d, "六、", "公用经费55.48万元", "公用经费56.48万元")
    add({"table": "basic_expense_economic", "row": 0}, "N: narrative 公用经费 56.48 ≠ 55.48")
    add(
        _set(d, ES, 20, ("科目名称",), "医疗卫生与计划生育支出"),
        "C: outdated class name",
    )
    d["injected_errors"] = errs
    d["known_issues"] = [{"table": PC, "row": r, "rule": "form_missing"} for r in (2, 10, 26)] + [
        {"table": PC, "row": None, "rule": "N10a project count 33 vs 32"}
    ]
    return d


def _case_003() -> dict:
    d = copy.deepcopy(corpus_truth("chrome", "003"))
    errs = []

    def add(entry: dict, breaks: str, *also: tuple[str, int | None]) -> None:
        entry.update(
            id=len(errs) + 1, breaks=breaks, also_at=[{"table": t, "row": r} for t, r in also]
        )
        errs.append(entry)

    IS, FG = "income_summary", "fiscal_grant_summary"
    add(
        _set(d, IS, 11, ("合计", "一般公共预算"), "57.80"),
        "T: 项 changed, 款 21011 breaks",
        (IS, 10),
    )
    add(
        _set(d, FG, 12, ("小计", "一般公共预算"), "13.00"),
        "X: 财政拨款 农林水 ≠ 一般公共预算支出表 213",
    )
    _text(d, "二、", "占100.00%", "占99.00%")
    add({"table": IS, "row": 0}, "N: share 99.00% ≠ 100%")
    d["performance_forms"][2]["annual_total"] = "1,710,000"
    add(
        {"table": "performance_form", "row": 2, "column": "annual_total"},
        "P: 年度资金总额 ≠ 117.00 万元",
        (PC, 2),
    )
    del d["tables"]["three_public"]
    add({"table": "three_public", "row": None}, "C: table missing")
    d["injected_errors"] = errs
    d["known_issues"] = corpus_truth("errors", "003")["known_issues"] + [
        {"table": AO, "row": 0, "rule": "N08b narrative change 23.35 should be 25.35"}
    ]
    return d


OWN_CASES = {"000": _case_000, "001": _case_001, "003": _case_003}


@pytest.mark.parametrize("seed", sorted(OWN_CASES))
def test_own_injected_errors(seed: str, tmp_path: Path) -> None:
    truth = OWN_CASES[seed]()
    families = {e["breaks"][0] for e in truth["injected_errors"]}
    assert families >= {"T", "X", "N", "C"} or seed != "000"
    recall, false_alarms, report = score(run_checks(from_contract(truth)), truth, tmp_path)
    assert (recall, false_alarms) == (1.0, 0), report


def test_own_cases_cover_every_family() -> None:
    families = {e["breaks"][0] for make in OWN_CASES.values() for e in make()["injected_errors"]}
    assert families == {"T", "X", "N", "P", "C"}
