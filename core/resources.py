"""Resources (资源文件): fonts, code lists, icons and translations shipped with the program.

Everything under the repository's ``resources/`` folder is reached through
:func:`resource_path`, which works both from a source checkout and from the PyInstaller
bundle (where the files are unpacked under ``sys._MEIPASS``). The installer must copy the
folder as ``resources/`` next to the frozen program's modules.

    from core.resources import resource_path
    font = resource_path("fonts", "wqy-microhei.ttc")
"""

from __future__ import annotations

import sys
from pathlib import Path

__all__ = ["RESOURCES_DIR", "resource_path", "resources_dir"]

# The source checkout's resources/ (core/ is one level below the repository root).
RESOURCES_DIR = Path(__file__).resolve().parent.parent / "resources"


def resources_dir() -> Path:
    """The folder holding the resources: the bundle's when frozen, else the checkout's."""
    bundle = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and bundle:
        return Path(bundle) / "resources"
    return RESOURCES_DIR


def resource_path(*parts: str) -> Path:
    """The path of a resource, e.g. ``resource_path("fonts", "wqy-microhei.ttc")``.

    The path is returned whether or not the file exists; callers that need it raise
    their own error (a missing resource is an installation fault, not bad input).
    """
    return resources_dir().joinpath(*parts)
