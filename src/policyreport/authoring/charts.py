"""One chart style and a few generic chart builders (after the FT Visual Vocabulary and Our
World in Data): the title states the message, values are labelled directly, units sit on the
axis in the chart's language, and a source line closes every chart.

Honesty rules, enforced here rather than left to each notebook:
- a figure that is a bound or an approximation (超, 余, 约, 不超过, a range) is never drawn
  like an exact value: its bar is hatched and its label carries the qualifier (超 / more than);
- a derived (implied) figure is drawn hollow with a dashed outline and labelled 推算 / implied;
- a legend explains every mark that appears.

Output is byte-identical from run to run (`save`): text is drawn as paths with the project's
CJK font, SVG ids are salted with a fixed string, and dates and software versions are left out
of the file metadata. A glyph missing from the font is an error, not a tofu box.
"""

from __future__ import annotations

import io
import os
import re
import unicodedata
import warnings
from collections.abc import Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

from policyreport import paths
from policyreport.authoring.fmt import (
    axis_unit,
    check_lang,
    format_figure,
    format_number,
    format_period,
    unit_words,
)
from policyreport.data.records import Figure
from policyreport.errors import BuildError

#: Okabe & Ito (2008), the colour-blind-safe palette.
OKABE_ITO = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "sky_blue": "#56B4E9",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "black": "#000000",
}
PALETTE = list(OKABE_ITO.values())
INK = "#222222"
MUTED = "#5f5f5f"
GRID = "#d9d9d9"

HASHSALT = "policyreport"
DPI = 200
WIDTH_IN = 6.4
TITLE_SIZE = 12.5
SOURCE_SIZE = 7.5

GLYPH_WARNING = r"Glyph \d+ .*missing from font"

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")

# How each kind of figure is marked. Keys: "exact", "lower", "upper", "approx", "range",
# "derived"; see `_mark`.
_HATCH = {"lower": "///", "upper": "\\\\\\", "approx": "...", "range": "///"}

LEGEND_WORDS = {
    "zh": {
        "exact": "报道值",
        "lower": "下限（实际值更大）",
        "upper": "上限（实际值更小）",
        "approx": "约数",
        "range": "区间",
        "derived": "推算值",
    },
    "en": {
        "exact": "reported",
        "lower": "lower bound (actual value higher)",
        "upper": "upper bound (actual value lower)",
        "approx": "approximate",
        "range": "range",
        "derived": "implied (computed)",
    },
}
IMPLIED = {"zh": "（推算）", "en": " (implied)"}


# --- style -------------------------------------------------------------------------------


def style_rc(family: str) -> dict:
    """The rcParams of the house style."""
    from cycler import cycler

    return {
        "font.family": [family],
        "font.size": 9.5,
        "text.parse_math": False,  # "US$1–US$3" must not turn into math
        "text.color": INK,
        "axes.prop_cycle": cycler(color=PALETTE),
        "axes.edgecolor": MUTED,
        "axes.labelcolor": MUTED,
        "axes.labelsize": 8.5,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": False,
        "axes.titlesize": TITLE_SIZE,
        "axes.unicode_minus": True,  # U+2212 is in the font
        "grid.color": GRID,
        "grid.linewidth": 0.6,
        "xtick.color": MUTED,
        "ytick.color": MUTED,
        "xtick.labelsize": 8.5,
        "ytick.labelsize": 9,
        "legend.frameon": False,
        "legend.fontsize": 8,
        "hatch.linewidth": 0.8,
        "figure.dpi": 100,
        "figure.facecolor": "white",
        "savefig.facecolor": "white",
        "savefig.dpi": DPI,
        "svg.fonttype": "path",
        "svg.hashsalt": HASHSALT,
        "path.simplify": True,
    }


def _install_glyph_error() -> None:
    warnings.filterwarnings("error", message=GLYPH_WARNING, category=UserWarning)


@contextmanager
def glyph_errors(what: str = "chart"):
    """Within the block, a glyph missing from the font raises BuildError (whatever warning
    filters are active outside it)."""
    try:
        with warnings.catch_warnings():
            _install_glyph_error()
            yield
    except UserWarning as warning:
        if re.search(GLYPH_WARNING, str(warning)):
            raise BuildError(step=what, reason=f"{warning} Use characters the font has.") from None
        raise


@contextmanager
def _drawing(what: str):
    """glyph_errors, and a figure half built when an error struck is closed, not leaked."""
    import matplotlib.pyplot as plt

    before = set(plt.get_fignums())
    try:
        with glyph_errors(what):
            yield
    except BaseException:
        for number in set(plt.get_fignums()) - before:
            plt.close(number)
        raise


_applied: str | None = None


def apply_style() -> str:
    """Register the CJK font, make it the font of all chart text, set the house style and
    make missing glyphs an error. Returns the font family name. Safe to call repeatedly."""
    global _applied
    import matplotlib as mpl

    from policyreport.authoring.fonts import register_cjk_font

    family = register_cjk_font()
    mpl.rcParams.update(style_rc(family))
    _install_glyph_error()
    _applied = family
    return family


def _ensure_style() -> None:
    if _applied is None:
        apply_style()


# --- text helpers ------------------------------------------------------------------------


def _width(ch: str) -> float:
    return 2.0 if unicodedata.east_asian_width(ch) in ("W", "F") else 1.0


#: Characters that may not begin a line (Chinese line-breaking rule): they stay on the line
#: before, slightly over the width.
_NO_LINE_START = set("、，。；：！？）》」』”’%,.;:!?)")


def wrap(text: str, units: float) -> str:
    """Wrap mixed Chinese/Latin text to about `units` half-em widths per line (Chinese
    breaks between characters, Latin at spaces, never before closing punctuation)."""
    lines, line, width = [], "", 0.0
    # A number keeps the Chinese unit after it (33.3亿美元 is not split), a Latin word its
    # letters; anything else breaks between characters.
    tokens = re.findall(
        r"[0-9][0-9.,%]*[\u4e00-\u9fff]{0,3}|[A-Za-z0-9_$%.,:;'’()\-–/]+\s*|\s+|.", text
    )
    for token in tokens:
        w = sum(_width(ch) for ch in token)
        visible = sum(_width(ch) for ch in token.rstrip())
        if (
            line
            and width + visible > units
            and not token.isspace()
            and token[0] not in _NO_LINE_START
        ):
            lines.append(line.rstrip())
            line, width = "", 0.0
        if not line and token.isspace():
            continue
        line += token
        width += w
    if line.strip():
        lines.append(line.rstrip())
    return "\n".join(lines)


def _units_per_line(fontsize: float, width_in: float = WIDTH_IN) -> float:
    return width_in * 72 * 0.93 / (fontsize * 0.5)


def _frame(fig, title: str, source: str, lang: str) -> None:
    if not title or not title.strip():
        raise ValueError("a chart needs a title that states its message")
    if not source or not source.strip():
        raise ValueError("a chart needs a source line")
    fig.suptitle(
        wrap(title, _units_per_line(TITLE_SIZE)),
        x=0.01,
        ha="left",
        fontsize=TITLE_SIZE,
        color=INK,
        linespacing=1.3,
    )
    fig.supxlabel(
        wrap(source, _units_per_line(SOURCE_SIZE)),
        x=0.01,
        ha="left",
        fontsize=SOURCE_SIZE,
        color=MUTED,
        linespacing=1.3,
    )


# --- marks -------------------------------------------------------------------------------


def mark_of(fig: Figure) -> tuple[str, bool]:
    """(how the value is bounded, whether it is derived): bound is one of exact, lower,
    upper, approx, range."""
    bound = {
        "exact": "exact",
        "at_least": "lower",
        "more_than": "lower",
        "at_most": "upper",
        "approx": "approx",
        "nearly": "approx",
        "range": "range",
    }.get(fig.qualifier)
    if bound is None:
        raise ValueError(f"figure {fig.id!r}: unknown qualifier {fig.qualifier!r}")
    return bound, fig.ref == "derived"


def _bar_style(bound: str, derived: bool, color: str) -> dict:
    from matplotlib.colors import to_rgba

    style = {"edgecolor": color, "linewidth": 1.0, "facecolor": color, "hatch": None}
    if bound in ("lower", "upper", "approx"):
        style.update(facecolor=to_rgba(color, 0.28), hatch=_HATCH[bound])
    if derived:
        style.update(facecolor="white", linestyle=(0, (3, 2)))
    return style


def _legend(fig, used: list[tuple[str, bool]], lang: str, color: str) -> None:
    """Explain every mark in use; a chart of reported exact values only needs no legend."""
    from matplotlib.patches import Patch

    bounds = {bound for bound, _ in used}
    reported_exact = any(bound == "exact" and not derived for bound, derived in used)
    entries = ["exact"] if reported_exact else []
    entries += [b for b in ("lower", "upper", "approx", "range") if b in bounds]
    if any(derived for _, derived in used):
        entries.append("derived")
    if entries in ([], ["exact"]):
        return
    handles = [
        Patch(
            label=LEGEND_WORDS[lang][entry],
            **(
                _bar_style("exact", True, color)
                if entry == "derived"
                else _bar_style("lower" if entry == "range" else entry, False, color)
            ),
        )
        for entry in entries
    ]
    ax = fig.axes[0]
    ax.legend(
        handles=handles,
        loc="lower left",
        bbox_to_anchor=(0, 1.01),
        ncols=min(3, len(handles)),
        borderaxespad=0.2,
        handlelength=1.6,
    )


def _value_label(fig: Figure, lang: str, stacked: bool = False) -> str:
    """The formatted value, tagged 推算 / implied when derived (on a second line if
    stacked, to keep column labels narrow)."""
    text = format_figure(fig, lang)
    if fig.ref != "derived":
        return text
    return text + "\n" + IMPLIED[lang].strip() if stacked else text + IMPLIED[lang]


def _common_unit(figures: Sequence[Figure]) -> str:
    """The unit of the value axis: every figure must be measured in it (a per-person amount
    in yuan counts as yuan: the unit's `axis` in the vocabulary); each value label keeps its own unit."""
    units = {unit_words(fig.unit).axis or fig.unit for fig in figures}
    if len(units) != 1:
        raise ValueError(f"one chart, one unit: these figures mix {', '.join(sorted(units))}")
    return units.pop()


def _check_inputs(figures: Sequence[Figure], labels: Sequence[str] | None) -> None:
    if not figures:
        raise ValueError("a chart needs at least one figure")
    if labels is not None and len(labels) != len(figures):
        raise ValueError(f"{len(labels)} labels for {len(figures)} figures")
    for fig in figures:
        if not isinstance(fig, Figure):
            raise TypeError(f"charts draw Figures (ds.figure(id)), not {type(fig).__name__}")


def _fit_labels(fig, ax, texts, axis: str) -> None:
    """Widen the axes so that every direct label fits inside them: the value axis (`axis`)
    upwards, the other one on both sides."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    inverse = ax.transData.inverted()
    boxes = []
    for text in texts:
        box = text.get_window_extent(renderer)
        (x0, y0), (x1, y1) = inverse.transform([(box.x0, box.y0), (box.x1, box.y1)])
        boxes.append((x0, x1, y0, y1))
    (x_low, x_high), (y_low, y_high) = ax.get_xlim(), ax.get_ylim()
    if axis == "x":
        ax.set_xlim(x_low, max(x_high, max(b[1] for b in boxes) * 1.02))
        return
    ax.set_ylim(y_low, max(y_high, max(b[3] for b in boxes) * 1.02))
    ax.set_xlim(min(x_low, min(b[0] for b in boxes)), max(x_high, max(b[1] for b in boxes)))


def _tick_formatter(lang: str):
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda x, _pos: format_number(x, lang))


# --- builders ----------------------------------------------------------------------------


def _whole_ticks_for_counts(axis, figures, scale) -> None:
    """Whole-number ticks when every value on the axis is whole (works, firms, days):
    a tick at 17.5 works would suggest a precision the data never had."""
    from matplotlib.ticker import MaxNLocator

    values = [v / scale.divisor for f in figures for v in (f.value, f.value_high) if v is not None]
    if values and all(float(v).is_integer() for v in values):
        axis.set_major_locator(MaxNLocator(integer=True, steps=[1, 2, 5, 10]))


def hbar(
    figures: Sequence[Figure],
    labels: Sequence[str],
    title: str,
    lang: str,
    source: str,
    *,
    color: str = OKABE_ITO["blue"],
):
    """Horizontal bars, one per figure, top to bottom in the given order, each labelled with
    its formatted value; bounds and approximations hatched, derived figures hollow."""
    import matplotlib.pyplot as plt

    check_lang(lang)
    _check_inputs(figures, labels)
    _ensure_style()
    unit = _common_unit(figures)
    scale = axis_unit([f.value_high or f.value for f in figures], unit, lang)
    with _drawing("chart " + title):
        fig, ax = plt.subplots(figsize=(WIDTH_IN, 1.5 + 0.42 * len(figures)), layout="constrained")
        _frame(fig, title, source, lang)
        used, texts = [], []
        for y, figure in enumerate(figures):
            bound, derived = mark_of(figure)
            used.append((bound, derived))
            low = figure.value / scale.divisor
            bar = ax.barh(y, low, height=0.62, **_bar_style(bound, derived, color))[0]
            bar.set_gid(f"bar-{figure.id}")
            end = low
            if bound == "range" and figure.value_high is not None:
                high = figure.value_high / scale.divisor
                ext = ax.barh(
                    y, high - low, left=low, height=0.62, **_bar_style("lower", derived, color)
                )[0]
                ext.set_gid(f"bar-{figure.id}-range")
                end = high
            texts.append(
                ax.annotate(
                    _value_label(figure, lang),
                    (end, y),
                    xytext=(4, 0),
                    textcoords="offset points",
                    va="center",
                    ha="left",
                    fontsize=8.5,
                    color=INK,
                )
            )
        ax.set_yticks(range(len(figures)), [wrap(label, 28) for label in labels])
        ax.invert_yaxis()
        ax.tick_params(axis="y", length=0)
        ax.spines["left"].set_visible(False)
        ax.xaxis.grid(True)
        ax.set_axisbelow(True)
        ax.xaxis.set_major_formatter(_tick_formatter(lang))
        _whole_ticks_for_counts(ax.xaxis, figures, scale)
        ax.set_xlabel(scale.label)
        ax.set_xlim(0, None)
        _legend(fig, used, lang, color)
        _fit_labels(fig, ax, texts, "x")
    return fig


def series(
    points: Sequence[Figure],
    title: str,
    lang: str,
    source: str,
    *,
    labels: Sequence[str] | None = None,
    kind: str = "column",
    color: str = OKABE_ITO["blue"],
):
    """A level over time, one point per figure in the given order, x labels from the
    figures' periods unless given. When every period is a single year the x axis is a time
    axis (2020, 2024, 2025 leave a gap for 2021-2023), otherwise the points are evenly spaced. Reported points are solid; implied (derived) points are
    hollow with a dashed outline (kind="column") or a hollow marker on a dashed segment
    (kind="line"), and labelled 推算 / implied."""
    import matplotlib.pyplot as plt

    check_lang(lang)
    _check_inputs(points, labels)
    if kind not in ("column", "line"):
        raise ValueError(f"kind must be 'column' or 'line', not {kind!r}")
    _ensure_style()
    unit = _common_unit(points)
    scale = axis_unit([f.value_high or f.value for f in points], unit, lang)
    ticks = list(labels) if labels is not None else [format_period(p.period, lang) for p in points]
    years = [int(p.period) if re.fullmatch(r"\d{4}", p.period) else None for p in points]
    # Points that are single years sit on a time axis, so a gap of years shows as a gap.
    by_year = all(year is not None for year in years) and len(set(years)) == len(years)
    with _drawing("chart " + title):
        fig, ax = plt.subplots(figsize=(WIDTH_IN, 3.9), layout="constrained")
        _frame(fig, title, source, lang)
        xs = years if by_year else list(range(len(points)))
        ys = [p.value / scale.divisor for p in points]
        used, texts = [], []
        for x, y, point in zip(xs, ys, points, strict=True):
            bound, derived = mark_of(point)
            used.append((bound, derived))
            if kind == "column":
                artist = ax.bar(x, y, width=0.6, **_bar_style(bound, derived, color))[0]
            else:
                (artist,) = ax.plot(
                    [x],
                    [y],
                    marker="o",
                    markersize=7,
                    markeredgewidth=1.5,
                    color=color,
                    markerfacecolor="white" if derived else color,
                    linestyle="none",
                    zorder=3,
                )
            artist.set_gid(f"point-{point.id}")
            texts.append(
                ax.annotate(
                    _value_label(point, lang, stacked=True),
                    (x, y),
                    xytext=(0, 4 if kind == "column" else 8),
                    textcoords="offset points",
                    ha="center",
                    va="bottom",
                    fontsize=8,
                    linespacing=1.15,
                    color=INK,
                )
            )
        if kind == "line":
            for i in range(len(points) - 1):
                dashed = points[i].ref == "derived" or points[i + 1].ref == "derived"
                ax.plot(
                    xs[i : i + 2],
                    ys[i : i + 2],
                    color=color,
                    linewidth=1.8,
                    linestyle=(0, (3, 2)) if dashed else "solid",
                    zorder=2,
                )
        ax.set_xticks(xs, ticks)
        ax.tick_params(axis="x", length=0)
        ax.yaxis.grid(True)
        ax.set_axisbelow(True)
        ax.yaxis.set_major_formatter(_tick_formatter(lang))
        _whole_ticks_for_counts(ax.yaxis, points, scale)
        ax.set_ylabel(scale.label)
        ax.set_ylim(0, None)
        if kind == "line":
            ax.set_xlim(min(xs) - 0.5, max(xs) + 0.5)
        _legend(fig, used, lang, color)
        _fit_labels(fig, ax, texts, "y")
    return fig


# --- output ------------------------------------------------------------------------------


def save(
    fig,
    name: str,
    lang: str,
    figures_dir: str | Path | None = None,
    *,
    dpi: int = DPI,
    close: bool = True,
) -> bytes:
    """Write <figures_dir>/<lang>/<name>.svg and .png, byte-identical on every run, and
    return the SVG bytes. figures_dir defaults to the project's figures/; a relative one is
    relative to the project root. The figure is closed unless close=False (so that a
    notebook does not show it a second time)."""
    import matplotlib as mpl
    import matplotlib.pyplot as plt

    check_lang(lang)
    if not _NAME.match(name):
        raise ValueError(f"chart name {name!r}: use letters, digits, - and _")
    out = _out_dir(lang, figures_dir)
    out.mkdir(parents=True, exist_ok=True)
    rc = {"svg.hashsalt": HASHSALT, "svg.fonttype": "path", "svg.id": None}
    try:
        with mpl.rc_context(rc), glyph_errors(f"chart {lang}/{name}"):
            svg = io.BytesIO()
            fig.savefig(svg, format="svg", metadata={"Date": None})
            png = io.BytesIO()
            fig.savefig(png, format="png", dpi=dpi, metadata={"Software": None})
    finally:
        if close:
            plt.close(fig)
    data = svg.getvalue()
    _write_if_changed(out / f"{name}.svg", data)
    _write_if_changed(out / f"{name}.png", png.getvalue())
    return data


def _out_dir(lang: str, figures_dir: str | Path | None) -> Path:
    base = Path(figures_dir) if figures_dir is not None else paths.FIGURES
    if not base.is_absolute():
        base = paths.ROOT / base
    return base / lang


def saved_png(name: str, lang: str, figures_dir: str | Path | None = None) -> bytes:
    """The PNG that save() wrote beside the SVG (the report offers it for download)."""
    return (_out_dir(check_lang(lang), figures_dir) / f"{name}.png").read_bytes()


def _write_if_changed(path: Path, data: bytes) -> None:
    """Write via a temporary file and rename, so an interrupted run never leaves half a chart."""
    if path.exists() and path.read_bytes() == data:
        return
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


SOURCE_WORDS = {
    "zh": {
        "source": "资料来源：{name}",
        "figures": "数据编号：{ids}",
        "implied": "推算值由policyreport计算",
        "sep": "；",
        "list": "、",
    },
    "en": {
        "source": "Source: {name}",
        "figures": "figures {ids}",
        "implied": "implied values computed by policyreport",
        "sep": "; ",
        "list": ", ",
    },
}


def source_line(name: str, figures: Sequence[Figure], lang: str, labels: Mapping[str, str]) -> str:
    """'Source: <name>; figures F13, D2; implied values computed by policyreport' (the last
    part only when a figure is derived), in the chart's language. `labels`: id -> the label
    readers know the figure by in the appendices (Dataset.labels); ids stay internal."""
    words = SOURCE_WORDS[check_lang(lang)]
    shown = list(dict.fromkeys(labels[fig.id] for fig in figures))
    parts = [words["source"].format(name=name)]
    if shown:
        parts.append(words["figures"].format(ids=words["list"].join(shown)))
    if any(fig.ref == "derived" for fig in figures):
        parts.append(words["implied"])
    return words["sep"].join(parts)
