"""The table importer on layouts the corpus does not have (other typesetters).

Each case is a real PDF drawn by tests/synth.py and read back through the importer.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from synth import Style, TableSpecSynth, build

from core.importer.grid import find_grids
from core.importer.pages import Glyph, PageContent, Segment, read_pages
from core.importer.tables import find_tables

SUMMARY_HEADER = [
    [("收入", 2), ("支出", 4)],
    [
        ("项目", 1),
        ("2024年", 1),
        ("项目", 1),
        ("2024年合计", 1),
        ("当年预算安排", 1),
        ("上年结转安排", 1),
    ],
]
SUMMARY_ROWS = [
    ["一、一般公共预算", "1,457.38", "一、一般公共服务支出", "1,341.58", "1,341.58", ""],
    ["二、政府性基金预算", "", "二、外交支出", "", "", ""],
    ["", "", "八、社会保障和就业支出", "115.80", "115.80", ""],
    ["本年收入合计", "1,457.38", "本年支出合计", "1,457.38", "1,457.38", ""],
]
EXPENSE_HEADER = [
    [("科目编码", 1), ("科目名称", 1), ("合计", 1), ("基本支出", 1), ("项目支出", 1)],
]
PROJECT_HEADER = [
    [
        ("项目名称", 1),
        ("合计", 1),
        ("一般公共预算", 1),
        ("政府性基金预算", 1),
        ("国有资本经营预算", 1),
        ("财政专户管理资金", 1),
        ("单位资金", 1),
    ],
]


def _read(path: Path):
    return find_tables(read_pages(path, workers=1))


def _summary(rules: str, **kw) -> TableSpecSynth:
    return TableSpecSynth(
        "2024年预算收支总表",
        [120, 60, 130, 60, 60, 60],
        SUMMARY_HEADER,
        SUMMARY_ROWS,
        rules=rules,
        **kw,
    )


@pytest.mark.parametrize("rules", ["full", "rects", "horizontal", "outer", "threeline"])
@pytest.mark.parametrize("rotate", [False, True], ids=["portrait", "rotate90"])
def test_rule_styles_and_rotated_pages(tmp_path: Path, rules: str, rotate: bool) -> None:
    path = build(
        tmp_path / "t.pdf",
        [_summary(rules, label="表一")],
        Style(rotate=rotate, fake_bold=True, watermark="仅供内部审核"),
    )
    found = _read(path)
    table = found.tables["income_expense_summary"]
    assert [r.texts() for r in table.rows] == SUMMARY_ROWS
    assert table.title == "2024年预算收支总表"
    assert table.label == "表一"
    assert (table.department, table.unit) == ("某县财政局", "万元")
    assert found.year == 2024


def test_rotated_page_coordinates_are_the_displayed_ones(tmp_path: Path) -> None:
    path = build(tmp_path / "t.pdf", [_summary("full")], Style(rotate=True))
    page = read_pages(path, workers=1)[1]
    assert page.rotation == 90 and page.width > page.height
    assert find_grids(page)


def test_wrapped_unit_line_and_label_on_its_own_line(tmp_path: Path) -> None:
    t = TableSpecSynth(
        "2024年预算支出总表",
        [70, 180, 70, 70, 70],
        EXPENSE_HEADER,
        [
            ["合计", "", "100.00", "60.00", "40.00"],
            ["201", "一般公共服务支出", "100.00", "60.00", "40.00"],
        ],
        label="预算公开表3",
        unit_wrapped=True,
    )
    table = _read(build(tmp_path / "t.pdf", [t])).tables["expense_summary"]
    assert table.unit == "万元"
    assert table.label == "预算公开表3"
    assert table.rows[1].texts() == ["201", "一般公共服务支出", "100.00", "60.00", "40.00"]


@pytest.mark.parametrize("repeat_header", [False, True])
@pytest.mark.parametrize("continued_title", [False, True])
def test_table_continued_over_pages(
    tmp_path: Path, repeat_header: bool, continued_title: bool
) -> None:
    page1 = [
        ["合计", "", "300.00", "200.00", "100.00"],
        ["201", "一般公共服务支出", "250.00", "150.00", "100.00"],
    ]
    page2 = [
        ["20101", "人大事务", "250.00", "150.00", "100.00"],
        ["208", "社会保障和就业支出", "50.00", "50.00", ""],
    ]
    t = TableSpecSynth(
        "2024年预算支出总表",
        [70, 180, 70, 70, 70],
        EXPENSE_HEADER,
        [],
        pages=[page1, page2],
        repeat_header=repeat_header,
        continued_title=continued_title,
    )
    found = _read(build(tmp_path / "t.pdf", [t]))
    table = found.tables["expense_summary"]
    assert [r.texts() for r in table.rows] == page1 + page2
    assert table.pages == [2, 3]


def test_row_split_over_a_page_break_is_joined(tmp_path: Path) -> None:
    page1 = [
        ["合计", "30.00", "30.00", "", "", "", ""],
        ["办公设备购置及信息化", "30.00", "30.00", "", "", "", ""],
    ]
    page2 = [["运维经费"], ["业务培训", "", "", "", "", "", ""]]
    page2[1] = ["业务培训", "5.00", "5.00", "", "", "", ""]
    t = TableSpecSynth(
        "2024年项目支出预算表（本年预算）",
        [170, 55, 60, 60, 60, 60, 55],
        PROJECT_HEADER,
        [],
        pages=[page1, page2],
    )
    table = _read(build(tmp_path / "t.pdf", [t])).tables["project_expense_current"]
    names = [r.texts()[0] for r in table.rows]
    assert names == ["合计", "办公设备购置及信息化运维经费", "业务培训"]


def test_wrapped_names_in_a_three_line_table_stay_in_their_row(tmp_path: Path) -> None:
    rows = [
        ["合计", "30.00", "30.00", "", "", "", ""],
        ["办公设备购置", "25.00", "25.00", "", "", "", ""],
        ["及信息化运维", "", "", "", "", "", ""],
        ["业务培训", "5.00", "5.00", "", "", "", ""],
    ]
    t = TableSpecSynth(
        "2024年项目支出预算表（本年预算）",
        [130, 45, 65, 70, 80, 80, 50],
        PROJECT_HEADER,
        rows,
        rules="threeline",
    )
    table = _read(build(tmp_path / "t.pdf", [t])).tables["project_expense_current"]
    assert [r.texts()[:3] for r in table.rows] == [
        ["合计", "30.00", "30.00"],
        ["办公设备购置及信息化运维", "25.00", "25.00"],
        ["业务培训", "5.00", "5.00"],
    ]


def test_empty_table_with_its_note(tmp_path: Path) -> None:
    header = [[("收入科目编码", 1), ("科目名称", 1), ("政府性基金收入预算", 1)]]
    t = TableSpecSynth(
        "2024年政府性基金预算收入表",
        [100, 200, 120],
        header,
        [["合计", "", ""]],
        note="注：本表无数据",
    )
    table = _read(build(tmp_path / "t.pdf", [t])).tables["gov_fund_income"]
    assert table.no_data
    assert [r.texts() for r in table.rows] == [["合计", "", ""]]


def test_title_with_unmapped_glyph_is_recognised() -> None:
    """A font without a Unicode map for 预: the text layer says (cid:5)."""
    title = ["2", "0", "2", "4", "年", "(cid:5)", "算", "支", "出", "总", "表"]
    glyphs = [Glyph(t, 200 + 14 * i, 60, 214 + 14 * i, 74, 14) for i, t in enumerate(title)]
    glyphs += [Glyph(t, 60 + 9 * i, 90, 69 + 9 * i, 99, 9) for i, t in enumerate("单位：万元")]
    header = ["科目编码", "科目名称", "合计", "基本支出", "项目支出"]
    body = ["201", "一般公共服务支出", "10.00", "6.00", "4.00"]
    xs = [60, 140, 300, 370, 440, 510]
    for r, texts in enumerate([header, body]):
        for c, text in enumerate(texts):
            for k, ch in enumerate(text):
                x = xs[c] + 3 + 9 * k
                glyphs.append(Glyph(ch, x, 113 + 20 * r, x + 9, 122 + 20 * r, 9))
    segs = [Segment("h", 110 + 20 * r, 60, 510) for r in range(3)]
    segs += [Segment("v", x, 110, 150) for x in xs]
    page = PageContent(1, 595, 842, 0, glyphs, segs)
    table = find_tables([page]).tables["expense_summary"]
    assert table.rows[0].texts() == body


def test_title_and_unit_rows_inside_the_grid(tmp_path: Path) -> None:
    t = TableSpecSynth(
        "2024年预算支出总表",
        [70, 180, 70, 70, 70],
        EXPENSE_HEADER,
        [
            ["合计", "", "100.00", "60.00", "40.00"],
            ["201", "一般公共服务支出", "100.00", "60.00", "40.00"],
        ],
        title_in_grid=True,
    )
    table = _read(build(tmp_path / "t.pdf", [t])).tables["expense_summary"]
    assert table.title == "2024年预算支出总表"
    assert (table.department, table.unit) == ("某县财政局", "万元")
    assert [r.texts() for r in table.rows] == [
        ["合计", "", "100.00", "60.00", "40.00"],
        ["201", "一般公共服务支出", "100.00", "60.00", "40.00"],
    ]


def test_unfamiliar_title_wording_is_confirmed_by_the_header(tmp_path: Path) -> None:
    good = TableSpecSynth(
        "2024年一般公共预算基本支出经济科目表",
        [130, 130, 70, 70, 70],
        [
            [
                ("部门预算支出经济科目名称", 1),
                ("政府预算支出经济科目名称", 1),
                ("合计", 1),
                ("人员经费", 1),
                ("公用经费", 1),
            ]
        ],
        [["合计", "", "10.00", "8.00", "2.00"]],
    )
    # Similar wording, but the header is not an expense table's: not taken as one.
    bad = TableSpecSynth(
        "2024年一般公共预算拨款收支总表", [120, 60, 130, 60, 60, 60], SUMMARY_HEADER, SUMMARY_ROWS
    )
    found = _read(build(tmp_path / "t.pdf", [good, bad]))
    assert found.tables["basic_expense_economic"].rows[0].texts() == [
        "合计",
        "",
        "10.00",
        "8.00",
        "2.00",
    ]
    assert "general_budget_expense" not in found.tables


def test_running_header_on_table_pages_does_not_break_continuation(tmp_path: Path) -> None:
    page1 = [["合计", "", "300.00", "200.00", "100.00"]]
    page2 = [["201", "一般公共服务支出", "300.00", "200.00", "100.00"]]
    tables = [
        TableSpecSynth(
            "2024年预算支出总表", [70, 180, 70, 70, 70], EXPENSE_HEADER, [], pages=[page1, page2]
        ),
        TableSpecSynth(
            "2024年一般公共预算支出预算表", [70, 180, 70, 70, 70], EXPENSE_HEADER, page1 + page2
        ),
    ]
    narrative = [f"第{i}页说明文字。" for i in range(12)]
    found = _read(
        build(
            tmp_path / "t.pdf",
            tables,
            Style(running_header="某县财政局2024年部门预算"),
            narrative=narrative,
        )
    )
    assert [r.texts() for r in found.tables["expense_summary"].rows] == page1 + page2
    assert found.tables["expense_summary"].department == "某县财政局"


def test_columns_printed_in_another_order(tmp_path: Path) -> None:
    header = [
        [
            ("科目编码", 1),
            ("科目名称", 1),
            ("合计", 1),
            ("上年结转", 1),
            ("一般公共预算", 1),
            ("政府性基金", 1),
            ("单位资金", 1),
        ]
    ]
    rows = [
        ["合计", "", "12.00", "2.00", "10.00", "", ""],
        ["201", "一般公共服务支出", "12.00", "2.00", "10.00", "", ""],
    ]
    t = TableSpecSynth("2024年预算收入总表", [55, 150, 60, 60, 70, 60, 60], header, rows)
    table = _read(build(tmp_path / "t.pdf", [t])).tables["income_summary"]
    # canonical: 科目编码 科目名称 合计 一般公共预算 政府性基金 国有资本经营预算 财政专户管理资金 单位资金 上年结转
    assert table.rows[1].texts() == [
        "201",
        "一般公共服务支出",
        "12.00",
        "10.00",
        "",
        "",
        "",
        "",
        "2.00",
    ]
