"""The classification code lists (政府收支分类科目) the C rules compare against.

The lists are data in ``resources/classification/`` (``functional.json``: 支出功能分类
类/款/项; ``economic.json``: 部门/政府预算支出经济分类 款 and their pairing). They are read
once through :func:`load_classification`, which finds the resources both in a source
checkout and in the frozen (PyInstaller) application.
"""

from __future__ import annotations

import functools
import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from core.resources import resource_path

__all__ = [
    "Classification",
    "classification_dir",
    "load_classification",
    "norm_name",
]

logger = logging.getLogger(__name__)

_NAME_TRANS = str.maketrans({"（": "(", "）": ")", "　": "", "“": "", "”": "", '"': ""})
_SPACE = re.compile(r"\s+")
_NUMBERING = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|\d+[、.．]|[(（][一二三四五六七八九十\d]+[)）])"
)


@functools.lru_cache(maxsize=8192)
def norm_name(text: str) -> str:
    """A name compared loosely: no spaces, half-width brackets, no quotes, no 一、 numbering."""
    s = _SPACE.sub("", text or "").translate(_NAME_TRANS)
    return _NUMBERING.sub("", s)


@functools.lru_cache(maxsize=4096)
def _loose(text: str) -> str:
    # 其他对个人和家庭的补助 ≈ 其他对个人和家庭补助: the 的 is printed either way.
    return norm_name(text).replace("的", "")


def classification_dir() -> Path:
    """``resources/classification`` (in the source tree or the frozen application)."""
    return resource_path("classification")


@dataclass(frozen=True)
class Classification:
    """The code lists, indexed for the rules."""

    classes: dict[str, str]  # 类 code → name (the 30 classes)
    codes: dict[str, str]  # 款/项 code → name
    outdated: dict[str, str]  # outdated name (normalised) → code
    generic_items: dict[str, str]  # 项 suffix → name (01 行政运行 …)
    generic_exceptions: frozenset[str]
    dept_classes: dict[str, str]
    dept_items: dict[str, str]
    gov_items: dict[str, str]
    pairing: dict[str, frozenset[str]]
    personnel_classes: frozenset[str]
    public_classes: frozenset[str]
    class_by_name: dict[str, str] = field(default_factory=dict)
    dept_class_by_name: dict[str, str] = field(default_factory=dict)
    dept_item_by_name: dict[str, str] = field(default_factory=dict)
    gov_by_name: dict[str, frozenset[str]] = field(default_factory=dict)

    def function_name(self, code: str) -> str | None:
        """The listed name of a 功能分类 code, or None when the code is not listed."""
        if len(code) == 3:
            return self.classes.get(code)
        name = self.codes.get(code)
        if name is None and len(code) == 7 and code[:5] not in self.generic_exceptions:
            name = self.generic_items.get(code[5:])
        return name

    def class_code(self, name: str) -> str | None:
        """The 类 code of a printed class name (一、一般公共服务支出 → 201)."""
        return self.class_by_name.get(_loose(name))

    def dept_class_code(self, name: str) -> str | None:
        return self.dept_class_by_name.get(_loose(name))

    def dept_item_code(self, name: str) -> str | None:
        return self.dept_item_by_name.get(_loose(name))

    def gov_codes(self, name: str) -> frozenset[str]:
        return self.gov_by_name.get(_loose(name), frozenset())

    def same_name(self, a: str, b: str) -> bool:
        return _loose(a) == _loose(b)


@functools.cache
def load_classification() -> Classification:
    """Read the code lists (once per process)."""
    folder = classification_dir()
    with (folder / "functional.json").open(encoding="utf-8") as fh:
        fn = json.load(fh)
    with (folder / "economic.json").open(encoding="utf-8") as fh:
        ec = json.load(fh)
    gov_by_name: dict[str, set[str]] = {}
    for code, name in ec["government_items"].items():
        gov_by_name.setdefault(_loose(name), set()).add(code)
    c = Classification(
        classes=dict(fn["classes"]),
        codes=dict(fn["codes"]),
        outdated={_loose(k): v for k, v in fn["outdated"].items()},
        generic_items=dict(fn["generic_items"]),
        generic_exceptions=frozenset(fn.get("exceptions_to_generic", [])),
        dept_classes=dict(ec["department_classes"]),
        dept_items=dict(ec["department_items"]),
        gov_items=dict(ec["government_items"]),
        pairing={k: frozenset(v) for k, v in ec["pairing"].items()},
        personnel_classes=frozenset(ec["personnel_classes"]),
        public_classes=frozenset(ec["public_classes"]),
        class_by_name={_loose(v): k for k, v in fn["classes"].items()},
        dept_class_by_name={_loose(v): k for k, v in ec["department_classes"].items()},
        dept_item_by_name={_loose(v): k for k, v in ec["department_items"].items()},
        gov_by_name={k: frozenset(v) for k, v in gov_by_name.items()},
    )
    logger.debug("classification: %d classes, %d codes", len(c.classes), len(c.codes))
    return c
