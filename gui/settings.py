"""Settings (设置): every remembered setting declared once, with its type and default.

Stored with QSettings in INI format (``BudgetWorkbench/workbench.ini`` in the user's
config folder, or the path given — tests pass one under ``tmp_path``). The file carries a
format version so a later release can migrate or drop old values.

    settings = Settings()                  # the user's file
    settings = Settings(tmp_path / "s.ini")
    settings.value(WINDOW_GEOMETRY)
    settings.set_value(PDF_ZOOM, 1.5)
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

logger = logging.getLogger(__name__)

ORGANIZATION = "BudgetWorkbench"
APPLICATION = "workbench"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class Setting:
    key: str
    type: type
    default: Any


WINDOW_GEOMETRY = Setting("window/geometry", QByteArray, QByteArray())
WINDOW_STATE = Setting("window/state", QByteArray, QByteArray())
SPLITTER_MAIN = Setting("window/splitter_main", QByteArray, QByteArray())  # PDF | right
SPLITTER_RIGHT = Setting("window/splitter_right", QByteArray, QByteArray())  # nav | editor
SPLITTER_BOTTOM = Setting("window/splitter_bottom", QByteArray, QByteArray())  # top | findings
PDF_ZOOM = Setting("pdf/zoom", float, 1.0)
PDF_FIT_WIDTH = Setting("pdf/fit_width", bool, True)
FINDINGS_SEVERITIES = Setting("findings/severities", str, "error,warning,info")
LAST_DIRECTORY = Setting("files/last_directory", str, "")

ALL_SETTINGS: tuple[Setting, ...] = (
    WINDOW_GEOMETRY,
    WINDOW_STATE,
    SPLITTER_MAIN,
    SPLITTER_RIGHT,
    SPLITTER_BOTTOM,
    PDF_ZOOM,
    PDF_FIT_WIDTH,
    FINDINGS_SEVERITIES,
    LAST_DIRECTORY,
)


class Settings:
    """Typed access to the declared settings."""

    def __init__(self, path: str | Path | None = None) -> None:
        if path is None:
            self._qs = QSettings(
                QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION
            )
        else:
            self._qs = QSettings(str(path), QSettings.Format.IniFormat)
        version = self._qs.value("format_version")
        if version is not None and _to_int(version) != FORMAT_VERSION:
            # An unknown layout of another release: start from the defaults.
            logger.info("settings format %s != %s: reset", version, FORMAT_VERSION)
            self._qs.clear()
        self._qs.setValue("format_version", FORMAT_VERSION)

    @property
    def path(self) -> str:
        return self._qs.fileName()

    def value(self, setting: Setting) -> Any:
        raw = self._qs.value(setting.key)
        if raw is None:
            return setting.default
        try:
            if setting.type is bool:
                if isinstance(raw, str):
                    return raw.strip().lower() in ("true", "1", "yes")
                return bool(raw)
            if setting.type is QByteArray:
                return raw if isinstance(raw, QByteArray) else setting.default
            return setting.type(raw)
        except (TypeError, ValueError):
            logger.warning("setting %s has a bad value %r: default used", setting.key, raw)
            return setting.default

    def set_value(self, setting: Setting, value: Any) -> None:
        if setting not in ALL_SETTINGS:
            raise KeyError(setting.key)
        self._qs.setValue(setting.key, value)

    def sync(self) -> None:
        self._qs.sync()


def _to_int(v: Any) -> int | None:
    try:
        return int(v)
    except (TypeError, ValueError):
        return None
