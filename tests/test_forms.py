"""Performance forms (项目支出绩效目标表 / 部门整体支出绩效目标表).

Two kinds of tests:

- the corpus: every clean PDF is scored against its truth with the corpus's own scorer
  (forms F1, project name and 年度资金总额 accuracy, indicator accuracy);
- layouts the corpus does not have, drawn with reportlab as real PDFs and read back
  through ``read_pages`` → ``parse_forms``: 万元 forms, 中期 halves, forms without a title
  line, a form running over two pages without a repeated header, an A/B/C 项目分类 block
  with check boxes, indicators whose 三级 names only the 年度 half prints, a title and
  unit printed inside the grid, label and value sharing a cell, a columnar 项目资金 block,
  halves named by a row above the header (年度 first), two forms on one page, and an
  overall form.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import CLEAN, CLEAN_IDS, corpus_truth, imported, load_scorer
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from core.contract import to_contract
from core.importer.forms import parse_forms
from core.importer.pages import read_pages
from core.model import PerformanceForm

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))


# --- the corpus ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def scorer():
    return load_scorer()


@pytest.mark.parametrize(("kind", "seed"), CLEAN, ids=CLEAN_IDS)
def test_corpus_forms_score(kind: str, seed: str, scorer) -> None:
    out = to_contract(imported(kind, seed))
    truth = corpus_truth(kind, seed)
    res = scorer.score_forms(truth["performance_forms"], out["performance_forms"])
    assert res["f1"] == 1.0, (res["truth"], res["out"], res["matched"])
    assert res["fields"]["project_name"] == 1.0
    assert res["fields"]["annual_total"] == 1.0
    assert res["fields"]["period_total"] == 1.0
    assert res["indicator_accuracy"] >= 0.99, (res["indicators_correct"], res["indicators_truth"])
    assert out["overall_forms"] == truth["overall_forms"] == []


@pytest.mark.parametrize(("kind", "seed"), CLEAN, ids=CLEAN_IDS)
def test_corpus_form_fields_match_the_truth(kind: str, seed: str, scorer) -> None:
    """All contract fields (not only the scored ones) and the pages."""
    out = to_contract(imported(kind, seed))["performance_forms"]
    truth = corpus_truth(kind, seed)["performance_forms"]
    n = scorer.norm
    assert len(out) == len(truth)
    for o, t in zip(out, truth, strict=True):
        assert o["page"] == t["page"]
        for name in (
            "title",
            "project_name",
            "department",
            "implementer",
            "attribute",
            "period",
            "funds_unit",
            "period_total",
            "annual_total",
            "goal_period",
            "goal_annual",
        ):
            assert n(o[name]) == n(t[name]), (t["page"], name)
        got = [[n(i[k]) for k in sorted(i) if k != "level3_annual"] for i in o["indicators"]]
        want = [[n(i[k]) for k in sorted(i)] for i in t["indicators"]]
        assert got == want, t["page"]


@pytest.mark.parametrize(
    ("kind", "seed"), [("lo", "003"), ("chrome", "001")], ids=["lo/003", "chrome/001"]
)
def test_corpus_forms_keep_their_sources(kind: str, seed: str) -> None:
    doc = imported(kind, seed)
    for form in doc.performance_forms:
        assert form.boxes and {b.page for b in form.boxes} == set(form.pages)
        for name, f in form.fields.items():
            if f.value.strip():
                assert f.source is not None and f.source.page in form.pages, name
                assert _inside(
                    f.source.bbox, next(b for b in form.boxes if b.page == f.source.page).bbox
                )
        for ind in form.indicators:
            for name in ("level1", "level2", "level3", "value_period", "value_annual"):
                f = ind.get(name)
                if f.value.strip():
                    assert f.source is not None, name


def _inside(inner, outer, tol: float = 2.0) -> bool:
    return (
        inner[0] >= outer[0] - tol
        and inner[1] >= outer[1] - tol
        and inner[2] <= outer[2] + tol
        and inner[3] <= outer[3] + tol
    )


def test_corpus_form_split_over_pages_and_its_footer() -> None:
    """chrome/003's third form: top part on one page, indicators and footer on the next."""
    form = imported("chrome", "003").performance_forms[2]
    assert form.pages == [22, 23]
    assert form.value("handler") == "邵凌"
    assert form.value("phone") == "13905075107"
    assert form.value("date") == "20231102165135"
    assert len(form.indicators) == 21
    assert [ln.label.value for ln in form.funding][0] == "安排资金总额："
    assert form.value("period_local") == "2,510,000"
    assert form.value("annual_local") == "1,170,000"


def test_corpus_row_cut_by_a_page_break_is_one_indicator() -> None:
    """lo/003: LibreOffice splits a row over the page break (``…的满`` / ``意度``)."""
    form = imported("lo", "003").performance_forms[2]
    last = form.indicators[-2:]
    assert [i.level3_annual.value for i in last] == [
        "劳务派遣人员的满意度",
        "印制及使用人员的满意度",
    ]
    assert len(form.indicators) == 21


# --- drawing synthetic forms ------------------------------------------------------------

Entry = str | tuple  # "text" | (text, colspan) | (text, colspan, rowspan)


@dataclass
class GridSpec:
    widths: list[float]
    rows: list[list[Entry]]
    size: float = 8.0
    min_height: float = 15.0


@dataclass
class Line:
    text: str
    size: float = 9.0
    center: bool = False


@dataclass
class Page:
    items: list[GridSpec | Line] = field(default_factory=list)
    header: str = ""  # a running header line


def _place(spec: GridSpec) -> list[tuple[int, int, int, int, str]]:
    """(row, col, rowspan, colspan, text) of every cell, HTML-table style."""
    taken: set[tuple[int, int]] = set()
    out = []
    for r, row in enumerate(spec.rows):
        c = 0
        for entry in row:
            text, cs, rs = (entry, 1, 1) if isinstance(entry, str) else (list(entry) + [1, 1])[:3]
            while (r, c) in taken:
                c += 1
            for dr in range(rs):
                for dc in range(cs):
                    taken.add((r + dr, c + dc))
            out.append((r, c, rs, cs, text))
            c += cs
    return out


def _wrap(text: str, width: float, size: float) -> list[str]:
    per = max(1, int((width - 4) // size))
    return [text[i : i + per] for i in range(0, len(text), per)] or [""]


def _draw_grid(cv: canvas.Canvas, spec: GridSpec, x0: float, top: float, height: float) -> float:
    cells = _place(spec)
    n_rows = len(spec.rows)
    xs = [x0]
    for w in spec.widths:
        xs.append(xs[-1] + w)
    heights = [spec.min_height] * n_rows
    for r, c, rs, cs, text in cells:
        if rs == 1:
            lines = _wrap(text, xs[c + cs] - xs[c], spec.size)
            heights[r] = max(heights[r], len(lines) * (spec.size + 2) + 5)
    ys = [top]
    for h in heights:
        ys.append(ys[-1] + h)
    cv.setFont(FONT, spec.size)
    for r, c, rs, cs, text in cells:
        x, y = xs[c], ys[r]
        w, h = xs[c + cs] - x, ys[r + rs] - y
        cv.rect(x, height - y - h, w, h, stroke=1, fill=0)
        for k, ln in enumerate(_wrap(text, w, spec.size)):
            cv.drawString(x + 2, height - (y + 3 + (k + 1) * (spec.size + 2) - 2), ln)
    return ys[-1]


def build(path: Path, pages: list[Page]) -> Path:
    cv = canvas.Canvas(str(path), pagesize=A4)
    width, height = A4
    for k, page in enumerate(pages):
        if k:
            cv.showPage()
        if page.header:
            cv.setFont(FONT, 8)
            cv.drawCentredString(width / 2, height - 28, page.header)
        y = 50.0
        for item in page.items:
            if isinstance(item, Line):
                cv.setFont(FONT, item.size)
                if item.center:
                    cv.drawCentredString(width / 2, height - y - item.size, item.text)
                else:
                    cv.drawString(50, height - y - item.size, item.text)
                y += item.size + 8
            else:
                y = _draw_grid(cv, item, 50, y, height) + 6
        cv.setFont(FONT, 8)
        cv.drawCentredString(width / 2, 20, f"- {k + 1} -")
    cv.save()
    return path


def _read(path: Path) -> tuple[list[PerformanceForm], list]:
    return parse_forms(read_pages(path, workers=1))


W8 = [70, 60, 60, 60, 55, 60, 60, 70]  # 8 columns, 495 pt


def _top(name: str, unit: str = "元", period_label: str = "实施期资金总额：") -> list[list[Entry]]:
    return [
        ["项目名称", (name, 7)],
        ["主管部门及代码", ("201-某县财政局", 3), "实施单位", ("某县财政局", 3)],
        ["项目属性", ("经常性项目", 3), "项目期", ("3年", 3)],
        [
            (f"项目资金（{unit}）", 1, 4),
            (period_label, 2),
            "300,000",
            ("年度资金总额：", 2),
            ("100,000", 2),
        ],
        [("其中：中央财政资金", 2), "0", ("其中：中央财政资金", 2), ("0", 2)],
        [("市县（区）财政资金", 2), "300,000", ("市县（区）财政资金", 2), ("100,000", 2)],
        [("其他资金", 2), "", ("其他资金", 2), ("", 2)],
        ["项目概况", ("为保障某项工作设立。", 7)],
        ["立项依据", ("县政府常务会议纪要。", 7)],
        ["项目设立必要性", ("工作需要。", 7)],
        ["保证项目实施的制度、措施", ("财务管理制度。", 7)],
        ["项目实施计划", ("全年分季度实施。", 7)],
    ]


def _goals(period: str = "实施期目标") -> list[list[Entry]]:
    return [
        [("总体目标", 1, 2), (period, 4), ("年度目标", 3)],
        [("三年内完成全部任务。", 4), ("年内完成三分之一。", 3)],
    ]


HEADER8: list[Entry] = [
    "一级指标",
    "二级指标",
    "三级指标",
    "指标值",
    "二级指标",
    "三级指标",
    "指标值",
]


def _indicator_rows() -> list[list[Entry]]:
    return [
        [("绩效指标", 1, 7), *HEADER8],
        [
            ("产出指标", 1, 3),
            ("数量指标", 1, 2),
            "培训人次",
            "≥300人次",
            ("数量指标", 1, 2),
            "培训人次",
            "≥100人次",
        ],
        ["培训课程（会议）", "12期", "培训课程", "4期"],
        ["质量指标", "合格率", "≥95%", "质量指标", "合格率", "≥95%"],
        [
            ("效益指标", 1, 2),
            "社会效益指标",
            "保障保障能力",
            "达到",
            "社会效益指标",
            "保障保障能力",
            "达到",
        ],
        ["生态效益指标", "", "", "生态效益指标", "", ""],
        [
            "满意度指标",
            "服务对象满意度指标",
            "参训人员满意度",
            "≥90%",
            "服务对象满意度指标",
            "参训人员满意度",
            "≥90%",
        ],
    ]


FOOTER = Line("负责人：张三    经办人：李四    联系电话：0358-1234567    填报日期：2024年1月5日")

EXPECTED_INDICATORS = [
    ("产出指标", "数量指标", "培训人次", "≥300人次", "≥100人次"),
    ("产出指标", "数量指标", "培训课程（会议）", "12期", "4期"),
    ("产出指标", "质量指标", "合格率", "≥95%", "≥95%"),
    ("效益指标", "社会效益指标", "保障保障能力", "达到", "达到"),
    ("效益指标", "生态效益指标", "", "", ""),
    ("满意度指标", "服务对象满意度指标", "参训人员满意度", "≥90%", "≥90%"),
]


def _triples(form: PerformanceForm) -> list[tuple[str, ...]]:
    return [
        (i.level1.value, i.level2.value, i.level3.value, i.value_period.value, i.value_annual.value)
        for i in form.indicators
    ]


# --- synthetic layouts --------------------------------------------------------------------


def test_wan_yuan_form_with_zhongqi_halves(tmp_path: Path) -> None:
    rows = (
        _top("干部培训经费", unit="万元", period_label="中期资金总额：")
        + _goals("中期目标")
        + _indicator_rows()
    )
    pdf = build(
        tmp_path / "f.pdf",
        [
            Page(
                [
                    Line("某县县级预算部门（单位）项目支出绩效目标申报表", 14, center=True),
                    Line("（2024年度）", 10, center=True),
                    GridSpec(W8, rows),
                    FOOTER,
                ]
            )
        ],
    )
    forms, overall = _read(pdf)
    assert overall == []
    [f] = forms
    assert f.value("title") == "某县县级预算部门（单位）项目支出绩效目标申报表"
    assert f.value("project_name") == "干部培训经费"
    assert f.value("funds_unit") == "万元"
    assert (f.value("period_total"), f.value("annual_total")) == ("300,000", "100,000")
    assert (f.value("period_central"), f.value("annual_local")) == ("0", "100,000")
    assert f.value("goal_period") == "三年内完成全部任务。"
    assert f.value("goal_annual") == "年内完成三分之一。"
    assert f.value("department") == "201-某县财政局"
    assert f.value("implementer") == "某县财政局"
    assert (f.value("attribute"), f.value("period")) == ("经常性项目", "3年")
    assert f.value("measures") == "财务管理制度。"
    assert (f.value("leader"), f.value("handler")) == ("张三", "李四")
    assert (f.value("phone"), f.value("date")) == ("0358-1234567", "2024年1月5日")
    assert _triples(f) == EXPECTED_INDICATORS
    assert f.indicators[1].level3_annual.value == "培训课程"  # the 年度 half's own (short) name
    assert f.funding[0].total and f.funding[0].label.value == "中期资金总额："
    assert [ln.label.value for ln in f.funding[1:]] == [
        "其中：中央财政资金",
        "市县（区）财政资金",
        "其他资金",
    ]


def test_form_without_a_title_line(tmp_path: Path) -> None:
    rows = _top("无标题项目") + _goals() + _indicator_rows()
    pdf = build(tmp_path / "f.pdf", [Page([GridSpec(W8, rows), FOOTER], header="某县财政局")])
    [f] = _read(pdf)[0]
    assert f.value("title") == ""
    assert f.value("project_name") == "无标题项目"
    assert f.value("annual_total") == "100,000"
    assert _triples(f) == EXPECTED_INDICATORS


def test_form_over_two_pages_without_repeated_header(tmp_path: Path) -> None:
    """The indicator block breaks between rows; the 一级 and 绩效指标 cells are split by the
    page break (printed blank on page 2); the footer is on page 2."""
    first = [
        [("绩效指标", 1, 3), *HEADER8],
        [
            ("产出指标", 1, 2),
            ("数量指标", 1, 2),
            "培训人次",
            "≥300人次",
            ("数量指标", 1, 2),
            "培训人次",
            "≥100人次",
        ],
        ["培训课程（会议）", "12期", "培训课程", "4期"],
    ]
    second = [
        [("", 1, 4), "", "质量指标", "合格率", "≥95%", "质量指标", "合格率", "≥95%"],
        [
            ("效益指标", 1, 2),
            "社会效益指标",
            "保障保障能力",
            "达到",
            "社会效益指标",
            "保障保障能力",
            "达到",
        ],
        ["生态效益指标", "", "", "生态效益指标", "", ""],
        [
            "满意度指标",
            "服务对象满意度指标",
            "参训人员满意度",
            "≥90%",
            "服务对象满意度指标",
            "参训人员满意度",
            "≥90%",
        ],
    ]
    pdf = build(
        tmp_path / "f.pdf",
        [
            Page(
                [
                    Line("某县项目支出绩效目标表", 14, center=True),
                    GridSpec(W8, _top("跨页项目") + _goals() + first),
                ]
            ),
            Page([GridSpec(W8, second), FOOTER]),
        ],
    )
    [f] = _read(pdf)[0]
    assert f.pages == [1, 2]
    assert _triples(f) == EXPECTED_INDICATORS
    assert f.value("handler") == "李四"
    assert [b.page for b in f.boxes] == [1, 2]


def test_category_block_with_check_boxes(tmp_path: Path) -> None:
    rows = _top("分类项目")
    rows[3:3] = [
        [
            ("项目分类", 1, 3),
            "A类项目",
            ("□政府工作报告承诺的实事 □市考核办对我县年度目标责任考核任务", 6),
        ],
        ["B类项目", ("√法律、法规要求安排的支出 □中央、省和市有关政策要求的刚性配套资金", 6)],
        [
            "C类项目",
            ("□县委、县政府各种决定、决议和纪要确定的项目 ■部门围绕自身事业发展规划安排的项目", 6),
        ],
    ]
    rows += _goals() + _indicator_rows()
    pdf = build(
        tmp_path / "f.pdf",
        [
            Page(
                [
                    Line("项目支出绩效目标申报表", 14, center=True),
                    GridSpec(W8, rows, size=7.0),
                    FOOTER,
                ]
            )
        ],
    )
    [f] = _read(pdf)[0]
    assert f.value("category") == (
        "B类项目：法律、法规要求安排的支出；C类项目：部门围绕自身事业发展规划安排的项目"
    )
    assert f.value("annual_total") == "100,000"
    assert _triples(f) == EXPECTED_INDICATORS


def test_only_the_annual_half_prints_level3(tmp_path: Path) -> None:
    rows = (
        _top("年度指标项目")
        + _goals()
        + [
            [("绩效指标", 1, 5), *HEADER8],
            [("产出指标", 1, 2), "数量指标", "", "", "数量指标", "服务次数", "≥5次"],
            ["时效指标", "", "", "时效指标", "完成时间", "12月底前"],
            [("效益指标", 1, 1), "经济效益指标", "", "", "经济效益指标", "", ""],
            ["满意度指标", "服务对象满意度指标", "", "", "服务对象满意度指标", "满意度", "≥95%"],
        ]
    )
    pdf = build(tmp_path / "f.pdf", [Page([GridSpec(W8, rows), FOOTER])])
    [f] = _read(pdf)[0]
    assert _triples(f) == [
        ("产出指标", "数量指标", "服务次数", "", "≥5次"),
        ("产出指标", "时效指标", "完成时间", "", "12月底前"),
        ("效益指标", "经济效益指标", "", "", ""),
        ("满意度指标", "服务对象满意度指标", "满意度", "", "≥95%"),
    ]


def test_title_and_unit_inside_the_grid_and_labels_sharing_cells(tmp_path: Path) -> None:
    """An Excel export: title and 单位 as merged rows, ``label：value`` in one cell."""
    rows = [
        [("某县项目支出绩效目标表", 8)],
        [("单位：元", 8)],
        ["项目名称", ("共享单元格项目", 7)],
        [("主管部门及代码：201-某县财政局", 4), ("实施单位：某县财政局", 4)],
        ["项目属性", ("一次性项目", 3), "项目期", ("1年", 3)],
        [("项目资金", 1, 2), ("实施期资金总额：50,000", 3), ("年度资金总额：50,000", 4)],
        [("其中：单位自筹：0", 3), ("其中：单位自筹：0", 4)],
        *_goals(),
        *_indicator_rows(),
    ]
    pdf = build(tmp_path / "f.pdf", [Page([GridSpec(W8, rows), FOOTER])])
    [f] = _read(pdf)[0]
    assert f.value("title") == "某县项目支出绩效目标表"
    assert f.value("funds_unit") == "元"
    assert f.value("department") == "201-某县财政局"
    assert f.value("implementer") == "某县财政局"
    assert (f.value("period_total"), f.value("annual_total")) == ("50,000", "50,000")
    assert (f.value("period_self"), f.value("annual_self")) == ("0", "0")
    assert _triples(f) == EXPECTED_INDICATORS


def test_columnar_funds_block_and_halves_named_above_the_header(tmp_path: Path) -> None:
    """资金 as columns (资金来源 | 实施期资金 | 年度资金), and the 年度 half printed first,
    the halves named by a row above the indicator header."""
    w = [75, 60, 60, 60, 60, 60, 60, 60]
    rows = [
        ["项目名称", ("列式资金项目", 7)],
        ["主管部门及代码", ("201-某县财政局", 3), "实施单位", ("某县财政局", 3)],
        [("项目资金（万元）", 1, 3), ("资金来源", 3), ("实施期资金", 2), ("年度资金", 2)],
        [("资金总额", 3), ("90.00", 2), ("30.00", 2)],
        [("其中：中央财政资金", 3), ("90.00", 2), ("30.00", 2)],
        [("绩效指标", 1, 4), ("一级指标", 1, 2), ("年度指标", 3), ("实施期指标", 3)],
        ["二级指标", "三级指标", "指标值", "二级指标", "三级指标", "指标值"],
        ["产出指标", "数量指标", "年度人数", "100人", "数量指标", "三年人数", "300人"],
        ["满意度指标", "满意度指标", "满意度", "≥90%", "满意度指标", "满意度", "≥95%"],
    ]
    pdf = build(
        tmp_path / "f.pdf",
        [Page([Line("项目支出绩效目标表", 14, center=True), GridSpec(w, rows), FOOTER])],
    )
    [f] = _read(pdf)[0]
    assert f.value("funds_unit") == "万元"
    assert (f.value("period_total"), f.value("annual_total")) == ("90.00", "30.00")
    assert (f.value("period_central"), f.value("annual_central")) == ("90.00", "30.00")
    assert _triples(f) == [
        ("产出指标", "数量指标", "三年人数", "300人", "100人"),
        ("满意度指标", "满意度指标", "满意度", "≥95%", "≥90%"),
    ]
    assert f.indicators[0].level3_annual.value == "年度人数"


def test_two_forms_on_one_page(tmp_path: Path) -> None:
    small = [
        ["项目名称", ("第一个项目", 7)],
        ["主管部门及代码", ("201-某县财政局", 3), "实施单位", ("某县财政局", 3)],
        [("项目资金（元）", 1, 1), ("年度资金总额：", 2), ("1,000", 5)],
        [("绩效指标", 1, 2), *HEADER8],
        ["产出指标", "数量指标", "次数", "1次", "数量指标", "次数", "1次"],
    ]
    second = [list(r) for r in small]
    second[0] = ["项目名称", ("第二个项目", 7)]
    second[2] = [("项目资金（元）", 1, 1), ("年度资金总额：", 2), ("2,000", 5)]
    pdf = build(
        tmp_path / "f.pdf",
        [
            Page(
                [
                    Line("项目支出绩效目标表", 12, center=True),
                    GridSpec(W8, small),
                    FOOTER,
                    Line("项目支出绩效目标表", 12, center=True),
                    GridSpec(W8, second),
                    FOOTER,
                ]
            )
        ],
    )
    forms, _ = _read(pdf)
    assert [f.value("project_name") for f in forms] == ["第一个项目", "第二个项目"]
    assert [f.value("annual_total") for f in forms] == ["1,000", "2,000"]
    assert [f.value("period_total") for f in forms] == ["", ""]
    assert [len(f.indicators) for f in forms] == [1, 1]


def test_overall_form(tmp_path: Path) -> None:
    w = [90, 80, 80, 80, 80, 85]
    rows = [
        ["部门（单位）名称", ("某县财政局", 5)],
        [("部门基本信息", 1, 1), "编制数", "25", "在职人数", ("23", 2)],
        ["部门职责", ("负责全县财政收支管理。", 5)],
        ["部门战略目标", ("建立现代财政制度。", 5)],
        [("年度预算情况（万元）", 1, 2), "按来源", "财政拨款", "957.23", "其他资金", "0"],
        ["按投向", "基本支出", "355.05", "项目支出", "602.17"],
        [("核心职能/重点任务", 1, 1), ("预算编制与执行管理，保障重点支出。", 5)],
        ["年度绩效目标", ("全年预算执行率达到95%以上。", 5)],
        [("年度绩效指标", 1, 3), "一级指标", "二级指标", ("三级指标", 2), "指标值"],
        [("产出指标", 1, 2), "数量指标", ("审核项目数", 2), "≥100个"],
        ["时效指标", ("预算批复及时率", 2), "100%"],
    ]
    pdf = build(
        tmp_path / "f.pdf",
        [
            Page(
                [
                    Line("部门（单位）整体支出绩效目标表", 14, center=True),
                    GridSpec(w, rows),
                    FOOTER,
                ]
            )
        ],
    )
    projects, overall = _read(pdf)
    assert projects == []
    [o] = overall
    assert o.value("title") == "部门（单位）整体支出绩效目标表"
    assert o.value("department") == "某县财政局"
    assert o.value("basic_info") == "编制数 25 在职人数 23"
    assert o.value("duties") == "负责全县财政收支管理。"
    assert o.value("strategy") == "建立现代财政制度。"
    assert o.value("budget_by_source") == "财政拨款 957.23 其他资金 0"
    assert o.value("budget_by_direction") == "基本支出 355.05 项目支出 602.17"
    assert {k: v.value for k, v in o.budget_lines.items()} == {
        "财政拨款": "957.23",
        "其他资金": "0",
        "基本支出": "355.05",
        "项目支出": "602.17",
    }
    assert o.value("tasks") == "预算编制与执行管理，保障重点支出。"
    assert o.value("goal_annual") == "全年预算执行率达到95%以上。"
    assert [
        (i.level1.value, i.level2.value, i.level3.value, i.value_annual.value) for i in o.indicators
    ] == [
        ("产出指标", "数量指标", "审核项目数", "≥100个"),
        ("产出指标", "时效指标", "预算批复及时率", "100%"),
    ]
    assert all(i.value_period.value == "" for i in o.indicators)
    data = to_contract_overall(o)
    assert data["indicators"][0] == {
        "level1": "产出指标",
        "level2": "数量指标",
        "level3": "审核项目数",
        "value_annual": "≥100个",
    }


def to_contract_overall(o) -> dict:
    from core.model import Disclosure

    return to_contract(Disclosure(overall_forms=[o]))["overall_forms"][0]


def test_project_expense_table_is_not_a_form(tmp_path: Path) -> None:
    """The 项目支出预算表 has a 项目名称 column but is a table, not a form."""
    rows = [
        [("项目名称", 1, 2), ("合计", 1, 2), ("财政拨款", 3)],
        ["一般公共预算", "政府性基金预算", "国有资本经营预算"],
        ["培训经费", "10.00", "10.00", "", ""],
    ]
    pdf = build(
        tmp_path / "t.pdf",
        [
            Page(
                [
                    Line("2024年项目支出预算表", 14, center=True),
                    GridSpec([150, 80, 90, 90, 90], rows),
                ]
            )
        ],
    )
    assert _read(pdf) == ([], [])


def test_spaced_labels_amounts_with_units_and_a_wrapped_footer(tmp_path: Path) -> None:
    """Word-style ``项 目 名 称`` labels, ``100.00万元`` amounts, 指标值（实施期）/（年度）
    headers and a footer printed on two lines."""
    rows = [
        ["项 目 名 称", ("空格标签项目", 7)],
        ["主管部门及代码", ("201-某县财政局", 3), "实 施 单 位", ("某县财政局", 3)],
        [
            ("项目资金", 1, 2),
            ("实施期资金总额", 2),
            "300.00万元",
            ("年度资金总额", 2),
            ("100.00万元", 2),
        ],
        [("其中：财政拨款", 2), "300.00万元", ("其中：财政拨款", 2), ("100.00万元", 2)],
        [
            ("绩效指标", 1, 2),
            "一级指标",
            "二级指标",
            "三级指标",
            "指标值（实施期）",
            "二级指标",
            "三级指标",
            "指标值（年度）",
        ],
        ["产出指标", "数量指标", "人数", "30人", "数量指标", "人数", "10人"],
    ]
    pdf = build(
        tmp_path / "f.pdf",
        [
            Page(
                [
                    Line("项目支出绩效目标表", 14, center=True),
                    GridSpec(W8, rows),
                    Line("负责人：张三    经办人：李四"),
                    Line("联系电话：0358-1234567    填报日期：2024年1月5日"),
                ]
            )
        ],
    )
    [f] = _read(pdf)[0]
    assert f.value("project_name") == "空格标签项目"
    assert f.value("implementer") == "某县财政局"
    assert (f.value("period_total"), f.value("annual_total")) == ("300.00万元", "100.00万元")
    assert _triples(f) == [("产出指标", "数量指标", "人数", "30人", "10人")]
    assert (f.value("leader"), f.value("handler")) == ("张三", "李四")
    assert (f.value("phone"), f.value("date")) == ("0358-1234567", "2024年1月5日")


def test_halves_named_only_by_their_value_headers(tmp_path: Path) -> None:
    """年度 half first, told apart only by 年度指标值/实施期指标值: each 二级/三级 column
    belongs to the half of the 指标值 that closes its group."""
    rows = [
        ["项目名称", ("倒序项目", 7)],
        ["主管部门及代码", ("201-某县财政局", 3), "实施单位", ("某县财政局", 3)],
        [("项目资金（元）", 1, 1), ("年度资金总额：", 2), ("5,000", 5)],
        [
            ("绩效指标", 1, 2),
            "一级指标",
            "二级指标",
            "三级指标",
            "年度指标值",
            "二级指标",
            "三级指标",
            "实施期指标值",
        ],
        ["产出指标", "数量指标", "年度次数", "1次", "质量指标", "三年次数", "3次"],
    ]
    pdf = build(tmp_path / "f.pdf", [Page([GridSpec(W8, rows), FOOTER])])
    [f] = _read(pdf)[0]
    assert _triples(f) == [("产出指标", "质量指标", "三年次数", "3次", "1次")]
    assert f.indicators[0].level3_annual.value == "年度次数"
    assert (f.value("period_total"), f.value("annual_total")) == ("", "5,000")


def test_super_label_column_multirow_text_and_a_form_in_two_grids(tmp_path: Path) -> None:
    """A 基本信息 column spanning the label rows, 项目概况 printed over two rows, and the
    indicator block drawn as a second grid under the first."""
    w = [40, 80, 100, 90, 90, 95]
    top = [
        [("基本信息", 1, 4), "项目名称", ("两段式项目", 4)],
        ["主管部门及代码", "201-某县财政局", "实施单位", ("某县财政局", 2)],
        [("项目概况", 1, 2), ("第一行概况。", 4)],
        [("第二行概况。", 4)],
        [("项目资金（元）", 2), "年度资金总额", ("8,000", 3)],
    ]
    indicators = [
        ["一级指标", "二级指标", "三级指标", "指标值", "二级指标", "三级指标", "指标值"],
        ["产出指标", "数量指标", "次数", "2次", "数量指标", "次数", "1次"],
    ]
    pdf = build(
        tmp_path / "f.pdf",
        [
            Page(
                [
                    Line("项目支出绩效目标表", 14, center=True),
                    GridSpec(w, top),
                    GridSpec([70, 70, 75, 70, 70, 75, 65], indicators),
                    FOOTER,
                ]
            )
        ],
    )
    [f] = _read(pdf)[0]
    assert f.value("project_name") == "两段式项目"
    assert f.value("department") == "201-某县财政局"
    assert f.value("overview") == "第一行概况。第二行概况。"
    assert (f.value("funds_unit"), f.value("annual_total")) == ("元", "8,000")
    assert _triples(f) == [("产出指标", "数量指标", "次数", "2次", "1次")]
    assert f.value("handler") == "李四"
