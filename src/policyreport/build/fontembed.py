"""Embed the pinned CJK font in a document as a subset of exactly the characters it uses.

The full Noto Sans CJK SC is 16 MB; the subset of one report is a few hundred kB of WOFF2,
base64 in an @font-face, so the HTML renders the same on any machine and WeasyPrint embeds the
same glyphs in the PDF. A character the font lacks fails the build (BuildError) instead of
printing a box or silently falling back to whatever font the reader's machine has.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import unicodedata
from pathlib import Path

from policyreport.errors import BuildError

FAMILY = "Report Sans"
# Bump when the subsetting options change, so cached subsets are rebuilt.
_OPTIONS_VERSION = "2"


def cjk_font_path() -> Path:
    """The pinned Noto Sans CJK SC (policyreport.authoring.fonts: from the mplfonts wheel)."""
    from policyreport.authoring.fonts import cjk_font_path as pinned

    return Path(pinned())


def _needs_glyph(char: str) -> bool:
    # Controls and line/paragraph separators are layout, not glyphs.
    return unicodedata.category(char) not in {"Cc", "Cf", "Zl", "Zp"}


def missing_characters(font_path: Path, characters: str) -> list[str]:
    """Characters of `characters` that the font has no glyph for, sorted."""
    from fontTools.ttLib import TTFont

    with TTFont(font_path, lazy=True) as font:
        cmap = font.getBestCmap()
    return sorted(c for c in set(characters) if _needs_glyph(c) and ord(c) not in cmap)


def _cache_key(font_path: Path, characters: str) -> str:
    import fontTools

    stat = font_path.stat()
    digest = hashlib.sha256()
    for part in (
        str(font_path.resolve()),
        str(stat.st_size),
        str(stat.st_mtime_ns),
        fontTools.version,
        _OPTIONS_VERSION,
        "".join(sorted(set(characters))),
    ):
        digest.update(part.encode("utf-8") + b"\0")
    return digest.hexdigest()


def subset_woff2(font_path: Path, characters: str, cache_dir: Path | None = None) -> bytes:
    """The font reduced to `characters` (plus .notdef), as WOFF2 bytes; deterministic.

    A subset is cached under cache_dir/fonts/ by font file and character set: subsetting the
    16 MB font takes seconds, reusing it nothing.
    """
    from fontTools import subset

    font_path = Path(font_path)
    wanted = "".join(sorted(c for c in set(characters) if _needs_glyph(c)))
    missing = missing_characters(font_path, wanted)
    if missing:
        shown = " ".join(f"{c!r} (U+{ord(c):04X})" for c in missing[:10])
        raise BuildError(
            step="font",
            reason=f"{len(missing)} character(s) have no glyph in {font_path.name}: {shown}",
        )
    cached = None
    if cache_dir is not None:
        cached = Path(cache_dir) / "fonts" / f"{_cache_key(font_path, wanted)}.woff2"
        if cached.is_file():
            return cached.read_bytes()

    options = subset.Options()
    options.flavor = "woff2"
    options.notdef_outline = True
    options.hinting = False  # screens and PDF readers hint themselves; saves a third
    options.recalc_timestamp = False  # keep head.modified: same input, same bytes
    options.name_IDs = ["*"]  # keep the licence and names of the font
    # Proportional widths: English text asks for them (report.css), so that “quotes” and
    # punctuation are not set full-width as in Chinese.
    options.layout_features = [*options.layout_features, "pwid"]
    font = subset.load_font(str(font_path), options)
    try:
        subsetter = subset.Subsetter(options)
        subsetter.populate(text=wanted)
        subsetter.subset(font)
        out = io.BytesIO()
        subset.save_font(font, out, options)
    finally:
        font.close()
    data = out.getvalue()
    if cached is not None:
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_name(f"{cached.name}.{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, cached)
    return data


def font_face_css(woff2: bytes, family: str = FAMILY) -> str:
    encoded = base64.b64encode(woff2).decode("ascii")
    return (
        f'@font-face {{ font-family: "{family}"; font-style: normal; font-weight: 400; '
        f'src: url(data:font/woff2;base64,{encoded}) format("woff2"); }}'
    )
