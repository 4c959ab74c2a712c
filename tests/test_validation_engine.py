"""The rule engine, its catalog, the rounding and blank-cell policy, the findings JSON and
the ``check`` command."""

from __future__ import annotations

import copy
import json
import logging
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import CORPUS, ROOT, corpus_truth

from core.catalog import spec
from core.contract import from_contract
from core.validation import engine
from core.validation.arithmetic import Outcome, compare, compare_sum
from core.validation.catalog import catalog_markdown, rule_counts
from core.validation.classification import classification_dir, load_classification
from core.validation.engine import FAMILIES, Rule, all_rules, run_checks
from core.validation.findings import SEVERITIES, Finding, Location
from core.validation.labels import describe_location

ES = "expense_summary"


def _doc(seed: str = "003", edit=None):
    d = copy.deepcopy(corpus_truth("chrome", seed))
    if edit:
        edit(d)
    return from_contract(d)


def _set(d: dict, table: str, row: int, column: str, value: str) -> None:
    d["tables"][table]["rows"][row]["cells"][spec(table).columns.index(column)] = value


# -- catalog ---------------------------------------------------------------------------


def test_catalog_has_at_least_60_rules_in_five_families() -> None:
    rules = all_rules()
    counts = rule_counts()
    assert len(rules) >= 60
    assert set(counts) == set(FAMILIES) and all(n >= 5 for n in counts.values())
    assert len({r.id for r in rules}) == len(rules)
    for r in rules:
        assert r.id[0] == r.family and r.severity in SEVERITIES
        assert r.title.strip() and r.rationale.strip()


def test_docs_rules_md_is_up_to_date() -> None:
    path = ROOT / "docs" / "rules.md"
    assert path.read_text(encoding="utf-8") == catalog_markdown(), (
        "regenerate: python -m core.validation.catalog --markdown > docs/rules.md"
    )


def test_bad_rule_ids_are_refused() -> None:
    with pytest.raises(ValueError):
        engine.rule("X1", "X", "error", "t", "r")
    with pytest.raises(ValueError):
        engine.rule("T99", "X", "error", "t", "r")
    with pytest.raises(ValueError):
        engine.rule("T01a", "T", "error", "t", "r")(lambda ctx: iter(()))  # registered already


def test_classification_lists() -> None:
    assert (classification_dir() / "functional.json").is_file()
    assert (classification_dir() / "economic.json").is_file()
    cls = load_classification()
    assert len(cls.classes) == 30
    assert cls.class_code("一、一般公共服务支出") == "201"
    assert cls.class_code("三十、抗疫特别国债安排的支出") == "234"
    assert cls.function_name("2013101") == "行政运行"  # generic 项 of a listed 款
    assert cls.function_name("2080501") == "行政单位离退休"  # not the generic name
    assert cls.dept_item_code("维修(护)费") == "30213"
    assert "50501" in cls.pairing["30101"]


# -- engine ----------------------------------------------------------------------------


def test_findings_sorted_by_severity_then_rule() -> None:
    findings = run_checks(_doc("000"))
    ranks = [SEVERITIES.index(f.severity) for f in findings]
    assert ranks == sorted(ranks)
    assert {f.severity for f in findings} == set(SEVERITIES)


def test_a_crashing_rule_is_logged_not_raised(monkeypatch, caplog) -> None:
    def broken(ctx):
        raise RuntimeError("boom")
        yield  # pragma: no cover

    monkeypatch.setitem(engine._REGISTRY, "C99", Rule("C99", "C", "info", "t", "r", broken))
    with caplog.at_level(logging.ERROR, logger="core.validation.engine"):
        findings = run_checks(_doc(), rules=["C99", "T04"])
    assert all(f.rule == "T04" for f in findings)
    assert "C99" in caplog.text
    with pytest.raises(RuntimeError):
        run_checks(_doc(), rules=["C99"], strict=True)


def test_empty_document_runs() -> None:
    from core.model import Disclosure

    findings = run_checks(Disclosure(), strict=True)
    assert [f.rule for f in findings if f.severity == "error"] == ["C01a"]


# -- rounding and blanks -----------------------------------------------------------------


def test_rounding_tolerance_is_half_a_cent_per_term() -> None:
    assert compare(Decimal("957.23"), Decimal("957.22"), 2) is Outcome.ROUNDING
    assert compare(Decimal("957.23"), Decimal("957.21"), 2) is Outcome.DIFFERENT
    assert compare_sum(Decimal("1.00"), [Decimal("0.33"), Decimal("0.33"), Decimal("0.33")]) is (
        Outcome.ROUNDING
    )
    assert compare_sum(Decimal("1.00"), [Decimal("0.50"), Decimal("0.50")]) is Outcome.EQUAL


def test_rounding_difference_is_info_under_the_same_rule() -> None:
    # 003 prints 合计 4981.70 = 基本 1722.90 + 项目 3258.79 (= 4981.69): a rounding info.
    findings = run_checks(_doc(), rules=["T04"])
    row0 = [f for f in findings if f.locations[0] == Location(table=ES, row=0, column="合计")]
    assert [f.severity for f in row0] == ["info"]
    assert "舍入" in row0[0].message

    def worse(d: dict) -> None:
        _set(d, ES, 0, "合计", "4981.72")

    findings = run_checks(_doc(edit=worse), rules=["T04"])
    first = [f.locations[0] for f in findings if f.severity == "error"]
    assert first == [Location(table=ES, row=0, column="合计")]


def test_blank_is_zero_only_where_the_row_proves_it() -> None:
    # 2013102 prints 基本支出 blank, 合计 = 项目支出: proved zero, so 20131's 基本支出
    # (1372.98 = 1275.46 + blank + 97.52) checks. Break the row's own total and the blank
    # becomes unknown: T04 reports the row, T01b no longer guesses at 基本支出.
    def unproved(d: dict) -> None:
        _set(d, ES, 4, "项目支出", "3200.00")

    t01b = run_checks(_doc(edit=unproved), rules=["T01b"])
    cols = {loc.column for f in t01b for loc in f.locations[:1] if loc.row == 2}
    assert "项目支出" in cols and "基本支出" not in cols
    t04 = run_checks(_doc(edit=unproved), rules=["T04"])
    assert any(f.severity == "error" and f.locations[0].row == 4 for f in t04)


def test_local_codes_are_warnings_not_errors() -> None:
    def local(d: dict) -> None:
        for t in ("income_summary", ES, "general_budget_expense"):
            _set(d, t, 18, "科目编码", "2210288")
            _set(d, t, 18, "科目名称", "本地住房补贴")

    findings = run_checks(_doc(edit=local))
    c05 = [f for f in findings if f.rule.startswith("C05")]
    assert c05 and all(f.severity == "warning" for f in c05)
    assert not [f for f in findings if f.severity == "error" and "2210288" in f.message]


# -- narrative spans ---------------------------------------------------------------------


def test_narrative_finding_points_at_the_printed_figure() -> None:
    def edit(d: dict) -> None:
        sec = next(s for s in d["narrative"] if s["heading"].startswith("三、"))
        sec["text"] = sec["text"].replace("基本支出1722.9万元", "基本支出1700.9万元")

    doc = _doc(edit=edit)
    (f,) = [f for f in run_checks(doc, rules=["N04a"]) if f.severity == "error"]
    span = f.locations[0]
    sec = doc.narrative[span.section_index]
    assert sec.heading == span.section
    assert sec.text.value[span.start : span.end] == "1700.9万元"
    assert f.locations[1] == Location(table=ES, row=0, column="基本支出")
    assert "1722.90" in f.message and "1700.9" in f.message


def test_percentages_are_recomputed() -> None:
    def edit(d: dict) -> None:
        sec = next(s for s in d["narrative"] if s["heading"].startswith("三、"))
        sec["text"] = sec["text"].replace("占34.58%", "占34.68%")

    doc = _doc(edit=edit)
    (f,) = run_checks(doc, rules=["N04b"])
    loc = f.locations[0]
    assert doc.narrative[loc.section_index].text.value[loc.start : loc.end].startswith("34.68")
    assert "34.58%" in f.message


# -- findings JSON -----------------------------------------------------------------------


def test_findings_json_shapes() -> None:
    table = Location(table=ES, row=3, column="合计")
    form = Location(form=1, field="annual_total")
    overall = Location(form=0, field="budget_lines[财政拨款]", overall=True)
    text = Location(section="三、支出预算情况说明", section_index=6, start=3, end=9)
    assert table.to_dict() == {"table": ES, "row": 3, "column": "合计"}
    # A project form also names the scorer's pseudo table "performance_form".
    assert form.to_dict() == {
        "form": 1,
        "field": "annual_total",
        "table": "performance_form",
        "row": 1,
    }
    assert overall.to_dict() == {"form": 0, "field": "budget_lines[财政拨款]", "overall": True}
    assert text.to_dict() == {
        "section": "三、支出预算情况说明",
        "section_index": 6,
        "start": 3,
        "end": 9,
    }
    for loc in (table, form, overall, text):
        assert Location.from_dict(loc.to_dict()) == loc
    f = Finding("T04", "error", "m", (table, form))
    assert Finding.from_dict(json.loads(json.dumps(f.to_dict()))) == f


def test_locations_in_words() -> None:
    assert (
        describe_location(Location(table=ES, row=4, column="合计"))
        == "表三 预算支出总表 第5行 合计"
    )
    assert describe_location(
        Location(form=1, field="annual_total"), form_names=["a", "领导调研费"]
    ) == ("项目支出绩效目标表 #2「领导调研费」 年度资金总额")
    assert "第3条指标 年度指标值" in describe_location(
        Location(form=0, field="indicators[2].value_annual")
    )


# -- the check command ---------------------------------------------------------------------


def _main(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "main.py", *args], capture_output=True, text=True, cwd=ROOT
    )


def test_check_command_json_and_text(tmp_path: Path) -> None:
    out = tmp_path / "findings.json"
    proc = _main("check", str(CORPUS / "errors" / "003.truth.json"), "--json", str(out))
    assert proc.returncode == 0, proc.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert isinstance(data, list) and data
    assert all(set(d) == {"rule", "severity", "message", "locations"} for d in data)
    assert "【错误】" in proc.stdout and "T04 支出表：合计 = 基本支出 + 项目支出" in proc.stdout
    assert "位置：表三 预算支出总表 第3行 合计" in proc.stdout


def test_check_command_exit_status(tmp_path: Path) -> None:
    clean = _main("check", str(CORPUS / "chrome" / "003.truth.json"), "--min-severity", "error")
    assert clean.returncode == 0 and "【警告】" not in clean.stdout
    missing = _main("check", str(tmp_path / "nope.json"))
    assert missing.returncode == 2 and "找不到文件" in missing.stderr
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema": "something-else"}', encoding="utf-8")
    proc = _main("check", str(bad))
    assert proc.returncode == 2 and "budget-disclosure/1" in proc.stderr


def test_check_command_on_a_project_file(tmp_path: Path) -> None:
    """A project file (.bwproj) is checked as its current document."""
    from core.store import Project

    truth = corpus_truth("errors", "003")
    proj = tmp_path / "dept.bwproj"
    with Project.create(proj, CORPUS / "errors" / "003.pdf", from_contract(truth)):
        pass
    out = tmp_path / "f.json"
    proc = _main("check", str(proj), "--json", str(out))
    assert proc.returncode == 0, proc.stderr
    rules = {
        d["rule"] for d in json.loads(out.read_text(encoding="utf-8")) if d["severity"] == "error"
    }
    assert {"T01b", "T02", "T04", "P02"} <= rules
