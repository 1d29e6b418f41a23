"""The one CJK font of the project: Noto Sans CJK SC, shipped inside the pinned `mplfonts`
wheel, so charts, HTML and PDF render the same glyphs on every machine and no system font is
assumed. Charts draw their text as paths with it; the report build subsets the same file."""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path

from policyreport.errors import BuildError

#: The package that ships the font and the file inside it.
FONT_PACKAGE = "mplfonts"
FONT_FILE = "fonts/NotoSansCJKsc-Regular.otf"


@cache
def cjk_font_path() -> Path:
    """Absolute path of NotoSansCJKsc-Regular.otf inside the installed mplfonts package.

    The package is located without importing it (mplfonts imports matplotlib on import)."""
    spec = importlib.util.find_spec(FONT_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise BuildError(
            step="font",
            reason=f"the package {FONT_PACKAGE!r} is not installed; run `make venv`",
        )
    for location in spec.submodule_search_locations:
        path = Path(location) / FONT_FILE
        if path.is_file():
            return path.resolve()
    raise BuildError(
        step="font",
        reason=f"{FONT_FILE} is missing from the installed {FONT_PACKAGE} package",
    )


@cache
def register_cjk_font() -> str:
    """Register the font with matplotlib (once per process) and return its family name."""
    from matplotlib import font_manager

    path = cjk_font_path()
    if not any(Path(entry.fname) == path for entry in font_manager.fontManager.ttflist):
        font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()
