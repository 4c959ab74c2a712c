"""The document model, amounts, edits and the JSON contract."""

from __future__ import annotations

from decimal import Decimal

import pytest
from conftest import CORPUS, corpus_truth

from core.amounts import format_amount, is_amount_text, parse_amount
from core.catalog import TABLE_KEYS, match_title, spec
from core.contract import ContractError, from_contract, to_contract
from core.edits import (
    CellRef,
    EditError,
    FieldRef,
    IndicatorRef,
    InsertRow,
    RemoveRow,
    SetValue,
    apply_edit,
    apply_edits,
    edit_from_dict,
    edit_to_dict,
)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("4,981.70", Decimal("4981.70")),
        ("340,061.1", Decimal("340061.1")),
        ("", None),
        ("  ", None),
        ("-", Decimal(0)),
        ("0.00", Decimal("0.00")),
        ("１２３．４５", Decimal("123.45")),
        ("1 457.38", Decimal("1457.38")),
    ],
)
def test_parse_amount(text: str, value: Decimal | None) -> None:
    assert parse_amount(text) == value


@pytest.mark.parametrize("text", ["12.3.4", "abc", "1,23.00", "4981.70万元"])
def test_parse_amount_rejects_text(text: str) -> None:
    with pytest.raises(ValueError):
        parse_amount(text)
    assert not is_amount_text(text)


def test_format_amount_rounds_half_up() -> None:
    assert format_amount(Decimal("1.005")) == "1.01"
    assert format_amount(Decimal("1457.375"), thousands=True) == "1,457.38"
    assert format_amount(None) == ""


@pytest.mark.parametrize(
    ("title", "key", "year"),
    [
        ("2024年预算收支总表", "income_expense_summary", 2024),
        ("2023年财政拨款收支总表", "fiscal_grant_summary", 2023),
        ("2024年财政拨款安排“三公”经费支出预算表", "three_public", 2024),
        ("2023年一般公共预算“三公”经费支出预算表", "three_public", 2023),
        ("2023年机关运行经费预算财政拨款情况统计表", "admin_operating", 2023),
        ("表十二 2024年项目支出预算表（本年预算）", "project_expense_current", 2024),
        ("2024年项目支出预算表(上年结转)", "project_expense_carryover", 2024),
        ("2024年(cid:5)算收支总表", "income_expense_summary", 2024),
        (
            "2024年一般公共预算安排基本支出分经济科目表（不含上年结转）（续）",
            "basic_expense_economic",
            2024,
        ),
    ],
)
def test_match_title(title: str, key: str, year: int) -> None:
    m = match_title(title)
    assert m is not None and m.spec.key == key and m.year == year


@pytest.mark.parametrize(
    "text",
    ["详见2024年预算收支总表", "第二部分 2024年部门预算报表", "2024年度部门预算公开", "收入"],
)
def test_match_title_rejects_non_titles(text: str) -> None:
    assert match_title(text) is None


def test_catalog_has_13_tables_in_order() -> None:
    assert len(TABLE_KEYS) == 13
    assert [spec(k).number for k in TABLE_KEYS] == list(range(1, 14))
    assert spec("three_public").label == "表十"
    assert spec("project_expense_carryover").label == "表十三"


def test_contract_round_trip_on_every_truth_file() -> None:
    for path in sorted(CORPUS.glob("*/*.truth.json")):
        kind, seed = path.parent.name, path.name.split(".")[0]
        truth = corpus_truth(kind, seed)
        doc = from_contract(truth)
        out = to_contract(doc)
        assert out["tables"] == truth["tables"], path
        assert out["narrative"] == truth["narrative"], path
        for a, b in zip(out["performance_forms"], truth["performance_forms"], strict=True):
            assert {k: a.get(k) for k in b} == b, path
        again = from_contract(to_contract(doc, provenance=True))
        assert to_contract(again, provenance=True) == to_contract(doc, provenance=True)


def test_contract_rejects_other_json() -> None:
    with pytest.raises(ContractError):
        from_contract({"tables": {}})
    with pytest.raises(ContractError):
        from_contract([1, 2])


def test_edit_and_its_inverse_restore_the_document() -> None:
    doc = from_contract(corpus_truth("lo", "003"))
    before = to_contract(doc, provenance=True)
    ref = CellRef("expense_summary", 1, 2)
    old = doc.tables["expense_summary"].cell(1, 2).value
    edits = [
        SetValue(ref, old, "4618.18"),
        InsertRow("project_expense_current", 2, ("新项目", "1.00")),
        SetValue(
            FieldRef("form", 0, "project_name"), doc.performance_forms[0].value("project_name"), "X"
        ),
        SetValue(
            IndicatorRef("form", 0, 1, "value_annual"),
            doc.performance_forms[0].indicators[1].value_annual.value,
            "≥3次",
        ),
    ]
    apply_edits(doc, edits)
    cell = doc.tables["expense_summary"].cell(1, 2)
    assert cell.value == "4618.18" and cell.printed == old and cell.edited
    assert doc.tables["project_expense_current"].rows[2].texts()[:2] == ["新项目", "1.00"]
    for e in reversed(edits):
        apply_edit(doc, e.inverse())
    assert to_contract(doc, provenance=True) == before
    for e in edits:
        assert edit_from_dict(edit_to_dict(e)) == e


def test_stale_edit_is_refused_and_changes_nothing() -> None:
    doc = from_contract(corpus_truth("lo", "003"))
    before = to_contract(doc, provenance=True)
    good = SetValue(
        CellRef("expense_summary", 0, 2), doc.tables["expense_summary"].cell(0, 2).value, "1"
    )
    stale = SetValue(CellRef("expense_summary", 1, 2), "not the value", "2")
    with pytest.raises(EditError):
        apply_edits(doc, [good, stale])
    assert to_contract(doc, provenance=True) == before
    with pytest.raises(EditError):
        apply_edit(doc, RemoveRow("project_expense_current", 0, ("wrong",)))
    with pytest.raises(EditError):
        apply_edit(doc, SetValue(CellRef("no_such_table", 0, 0), "", "x"))


def test_provenance_json_keeps_everything_the_importer_found() -> None:
    """The project file stores documents as provenance JSON: nothing may be lost."""
    from conftest import imported

    doc = imported("lo", "003")
    data = to_contract(doc, provenance=True)
    again = from_contract(data)
    assert to_contract(again, provenance=True) == data
    form = doc.performance_forms[0]
    back = again.performance_forms[0]
    # Boxes are kept to 0.01 pt.
    assert [b.page for b in back.boxes] == [b.page for b in form.boxes] and form.boxes
    assert all(
        abs(x - y) < 0.01
        for a, b in zip(back.boxes, form.boxes, strict=True)
        for x, y in zip(a.bbox, b.bbox, strict=True)
    )
    assert [(f.label.value, f.period.value, f.annual.value) for f in back.funding] == [
        (f.label.value, f.period.value, f.annual.value) for f in form.funding
    ]
    assert len(again.narrative) == len(doc.narrative) > 0
