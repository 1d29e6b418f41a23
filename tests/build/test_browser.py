"""The exported HTML in a real browser: Debian's Chromium, headless, driven by Playwright, opens
each report.<lang>.html of a real build from disk (file://) and checks what only a browser
shows: nothing is fetched from the network, no console error, the embedded font is loaded and
draws all the text (no system-font fallback), the charts decode, a number link and the contents
jump to their targets, no text spills out of a table cell, the page is not blank, and on a
phone the page does not scroll sideways.

Nothing here is skipped: CI installs Chromium (.ci/run) and Playwright (requirements.lock), so a
missing browser is a failure that names what to install."""

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PIL import Image

from policyreport import paths
from policyreport.build.spec import load_spec

pytestmark = pytest.mark.slow

SPEC = load_spec(paths.REPORT / "report.toml")
CHROMIUM = Path("/usr/bin/chromium")  # Debian's package `chromium`; Playwright cannot download
# Headless as root on a closed network: without the background-networking flags Chromium
# tries to reach its own services. The resolver rule is a second guard: a request the route
# handler below let through would resolve nowhere.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND",
]
DESKTOP = {"viewport": {"width": 1024, "height": 768}}
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
LOCAL_SCHEMES = ("file:", "data:")


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.is_file():
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's `chromium` package "
            "(apt-get install chromium; .ci/run installs it when missing)",
            pytrace=False,
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        pytest.fail(
            f"playwright is not importable ({error}): `make venv` installs the version pinned "
            "in requirements.lock",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@dataclass
class Visit:
    """A report opened in a fresh browser context, with what the page asked for and said."""

    page: object
    requests: list[str] = field(default_factory=list)  # every request the page made
    routed: list[str] = field(default_factory=list)  # every request the route handler saw
    blocked: list[str] = field(default_factory=list)  # the non-local ones, aborted
    errors: list[str] = field(default_factory=list)  # console errors, exceptions, failed loads


def open_report(browser, html: Path, **context_options) -> Visit:
    context = browser.new_context(**context_options)
    page = context.new_page()
    visit = Visit(page)

    def route(route):
        url = route.request.url
        visit.routed.append(url)
        if url.startswith(LOCAL_SCHEMES):
            route.continue_()
        else:
            visit.blocked.append(url)
            route.abort("blockedbyclient")

    context.route("**/*", route)
    page.on("request", lambda request: visit.requests.append(request.url))
    page.on("console", lambda m: m.type == "error" and visit.errors.append(f"console: {m.text}"))
    page.on("pageerror", lambda error: visit.errors.append(f"uncaught: {error}"))
    page.on(
        "requestfailed",
        lambda request: visit.errors.append(f"failed: {request.url[:80]} {request.failure}"),
    )
    page.goto(html.as_uri(), wait_until="load")
    # Fonts and images are loaded and decoded before anything is measured.
    page.evaluate(
        """async () => {
            await document.fonts.ready;
            await Promise.all([...document.images].map(img => img.decode().catch(() => null)));
        }"""
    )
    return visit


def report_html(built_report, lang: str) -> Path:
    path = built_report[0] / f"{SPEC.name}.{lang}.html"
    assert path.is_file(), path
    return path


@pytest.fixture(scope="module", params=SPEC.languages)
def desktop(request, browser, built_report):
    visit = open_report(browser, report_html(built_report, request.param), **DESKTOP)
    yield visit
    visit.page.context.close()


def test_nothing_is_fetched_from_the_network(desktop):
    assert desktop.routed, "the route handler saw no request: it is not recording"
    assert desktop.routed[0].startswith("file:"), desktop.routed[0]
    assert desktop.blocked == []
    outside = [url[:100] for url in desktop.requests if not url.startswith(LOCAL_SCHEMES)]
    assert outside == []


def test_no_console_error(desktop):
    assert desktop.errors == []


def test_the_embedded_font_is_loaded_and_used(desktop):
    page = desktop.page
    faces = page.evaluate(
        "() => [...document.fonts].map(f => [f.family.replace(/[\"']/g, ''), f.status])"
    )
    assert ["Report Sans", "loaded"] in faces, faces
    chinese = page.evaluate(
        r"""() => {
            const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
            for (let node; (node = walker.nextNode()); ) {
                const run = node.nodeValue.match(/\p{Script=Han}{4,}/u);
                if (run) return run[0];
            }
            return null;
        }"""
    )
    assert chinese, "no run of Chinese text in the page"
    assert page.evaluate("text => document.fonts.check('16px \"Report Sans\"', text)", chinese), (
        chinese
    )
    # document.fonts.check() is true for any family that needs no loading, even an unknown
    # one; what the renderer really drew each text with comes from the DevTools protocol.
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1})["root"]
    drawn, system = 0, {}
    for node_id, text in text_elements(root):
        for font in cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node_id})["fonts"]:
            if font["isCustomFont"]:
                drawn += font["glyphCount"]
            else:
                system.setdefault(font["familyName"], []).append(text[:40])
    cdp.detach()
    assert drawn > 1000, drawn
    assert system == {}, f"text drawn with a system font instead of Report Sans: {system}"


def text_elements(node):
    """(nodeId, text) of every element in the body with text of its own."""
    children = node.get("children", [])
    if node.get("nodeType") == 1 and node.get("nodeName") not in {"HEAD", "STYLE", "TITLE"}:
        text = " ".join(
            child["nodeValue"].strip()
            for child in children
            if child.get("nodeType") == 3 and child["nodeValue"].strip()
        )
        if text:
            yield node["nodeId"], text
    for child in children:
        yield from text_elements(child)


def test_every_chart_decodes(desktop):
    images = desktop.page.evaluate(
        """() => [...document.images].map(img => ({
            alt: img.alt,
            natural: img.naturalWidth,
            shown: img.getBoundingClientRect().width,
            chart: !!img.closest('main figure[data-report="figure"]'),
        }))"""
    )
    assert sum(image["chart"] for image in images) >= 1, images
    broken = [image for image in images if image["natural"] <= 0 or image["shown"] <= 0]
    assert broken == []


def test_every_contents_link_has_a_target(desktop):
    links = desktop.page.evaluate(
        """() => [...document.querySelectorAll('nav.toc a')].map(a => ({
            href: a.getAttribute('href'),
            found: a.hash.length > 1 && !!document.getElementById(a.hash.slice(1)),
        }))"""
    )
    assert len(links) >= len(SPEC.notebooks), links
    assert [link["href"] for link in links if not link["found"]] == []


def test_no_text_spills_out_of_a_table_cell(desktop):
    spilled = desktop.page.evaluate(SPILLS)
    if spilled:
        pytest.fail("\n".join(listed("text wider than its table cell:", spilled)), pytrace=False)


def test_full_page_screenshot_is_not_blank(desktop, tmp_path):
    shot = tmp_path / "report.png"
    desktop.page.screenshot(path=shot, full_page=True)
    with Image.open(shot) as image:
        width, height = image.size
        gray = image.convert("L")
        histogram = gray.histogram()
    assert width == DESKTOP["viewport"]["width"]
    assert height > 3 * DESKTOP["viewport"]["height"], height  # the whole report, not a screen
    ink = sum(histogram[:200])  # clearly darker than the white page
    assert ink > 0.005 * width * height, (ink, width, height)


@pytest.mark.parametrize("lang", SPEC.languages)
def test_a_number_link_jumps_to_its_appendix_row(browser, built_report, lang):
    visit = open_report(browser, report_html(built_report, lang), **DESKTOP)
    try:
        page = visit.page
        link = page.locator("main p a.ref").first
        href = link.get_attribute("href")
        assert href and href.startswith("#"), href
        link.click()
        page.wait_for_function("href => location.hash === href", arg=href, timeout=5000)
        target = page.evaluate(
            """id => {
                const el = document.getElementById(id);
                if (!el) return null;
                const box = el.getBoundingClientRect();
                return {
                    tag: el.tagName,
                    appendix: !!el.closest('.appendix'),
                    target: el.matches(':target'),
                    visible: box.height > 0 && box.top >= -1 && box.top < innerHeight
                        && box.bottom > 0,
                };
            }""",
            href[1:],
        )
        assert target == {"tag": "TR", "appendix": True, "target": True, "visible": True}
        assert page.evaluate("() => scrollY") > 0
        assert visit.errors == []
    finally:
        visit.page.context.close()


# Which elements reach past the right edge of the layout viewport, by their box or by the text
# they hold (an unbreakable string overflows its box without widening it), leaving out those
# inside a table or figure; and which tables do without a horizontally scrolling box that fits.
OVERFLOW = """() => {
    const width = document.documentElement.clientWidth;
    const range = document.createRange();
    const reach = el => {
        let right = el.getBoundingClientRect().right;
        for (const node of el.childNodes) {
            if (node.nodeType !== Node.TEXT_NODE || !node.nodeValue.trim()) continue;
            range.selectNodeContents(node);
            right = Math.max(right, range.getBoundingClientRect().right);
        }
        return right;
    };
    const past = el => reach(el) > width + 1;
    const describe = el => {
        const parts = [];
        for (let x = el; x && x !== document.body && parts.length < 4; x = x.parentElement) {
            parts.unshift(x.tagName.toLowerCase() + (x.id ? '#' + x.id : '')
                + (x.classList.length ? '.' + [...x.classList].join('.') : ''));
        }
        const left = el.getBoundingClientRect().left;
        return `${parts.join(' > ')} [${Math.round(left)}..${Math.round(reach(el))}px] `
            + JSON.stringify((el.textContent || '').trim().slice(0, 60));
    };
    const outside = [...document.body.querySelectorAll('*')].filter(el =>
        !el.closest('table, figure') && past(el) && ![...el.children].some(past));
    const scrolls = el => {
        for (let x = el.parentElement; x && x !== document.body; x = x.parentElement) {
            if (/auto|scroll/.test(getComputedStyle(x).overflowX) && !past(x)) return true;
        }
        return false;
    };
    const tables = [...document.querySelectorAll('table')].filter(t =>
        (past(t) || [...t.querySelectorAll('*')].some(past)) && !scrolls(t));
    return {
        clientWidth: width,
        innerWidth: innerWidth,
        scrollWidth: document.documentElement.scrollWidth,
        outside: outside.map(describe),
        tables: tables.map(describe),
    };
}"""


# Table cells whose text reaches out of the cell's own box: a column too narrow for its words.
SPILLS = """() => {
    const range = document.createRange();
    const spills = cell => {
        const box = cell.getBoundingClientRect();
        const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
        for (let node; (node = walker.nextNode()); ) {
            if (!node.nodeValue.trim()) continue;
            range.selectNodeContents(node);
            for (const line of range.getClientRects()) {
                if (line.right > box.right + 1 || line.left < box.left - 1) return true;
            }
        }
        return false;
    };
    return [...document.querySelectorAll('th, td')].filter(spills).map(cell => {
        const table = cell.closest('table');
        const where = table.closest('[id]');
        return `${where ? '#' + where.id + ' ' : ''}table.${[...table.classList].join('.')} `
            + `column ${cell.cellIndex + 1} (${Math.round(cell.getBoundingClientRect().width)}px): `
            + JSON.stringify(cell.textContent.trim().slice(0, 40));
    });
}"""


def listed(title: str, lines: list[str], most: int = 6) -> list[str]:
    more = [f"  … and {len(lines) - most} more"] if len(lines) > most else []
    return [title] + [f"  {line}" for line in lines[:most]] + more


@pytest.mark.parametrize("lang", SPEC.languages)
def test_a_phone_does_not_scroll_sideways(browser, built_report, lang):
    visit = open_report(browser, report_html(built_report, lang), **PHONE)
    try:
        layout = visit.page.evaluate(OVERFLOW)
        spilled = visit.page.evaluate(SPILLS)
        assert visit.errors == []
    finally:
        visit.page.context.close()
    phone = PHONE["viewport"]["width"]
    problems = []
    if layout["clientWidth"] != phone:
        problems.append(f"layout viewport {layout['clientWidth']}px, not the phone's {phone}px")
    if layout["outside"]:
        problems += listed("wider than the screen, outside any table or figure:", layout["outside"])
    if layout["tables"]:
        problems += listed(
            "tables wider than the screen, not in a scrolling box:", layout["tables"]
        )
    if spilled:
        problems += listed("text wider than its table cell:", spilled)
    if layout["scrollWidth"] > phone + 1 or layout["innerWidth"] > phone + 1:
        problems.append(
            f"the page is {layout['scrollWidth']}px wide (innerWidth {layout['innerWidth']}px) "
            f"on a {phone}px screen"
        )
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


def test_the_route_handler_blocks_a_remote_request(browser, tmp_path):
    """The guard itself: a page that asks for remote files gets them recorded and aborted."""
    page = tmp_path / "remote.html"
    page.write_text(
        '<!DOCTYPE html><link rel="stylesheet" href="https://example.invalid/x.css">'
        '<img src="http://example.invalid/x.png" alt="">',
        "utf-8",
    )
    visit = open_report(browser, page, **DESKTOP)
    visit.page.context.close()
    assert sorted(visit.blocked) == [
        "http://example.invalid/x.png",
        "https://example.invalid/x.css",
    ]
    assert any("failed: http://example.invalid/x.png" in error for error in visit.errors)


def test_phone_check_sees_a_wide_element(browser, tmp_path):
    """The phone check itself: an unbreakable checksum outside a table is reported."""
    page = tmp_path / "wide.html"
    page.write_text(
        '<!DOCTYPE html><meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<p>{'a' * 200}</p>",
        "utf-8",
    )
    visit = open_report(browser, page, **PHONE)
    try:
        layout = visit.page.evaluate(OVERFLOW)
    finally:
        visit.page.context.close()
    assert layout["clientWidth"] == PHONE["viewport"]["width"]
    assert len(layout["outside"]) == 1 and re.match(r"p \[", layout["outside"][0])
    assert layout["scrollWidth"] > PHONE["viewport"]["width"]


# --- the reader's apparatus (policyreport.build.apparatus) -----------------------------------


def _tip(page, selector: str) -> str:
    """What the ::after box of a number link shows, as the browser computed it."""
    return page.evaluate(
        "sel => getComputedStyle(document.querySelector(sel), '::after').content", selector
    )


@pytest.mark.parametrize("lang", SPEC.languages)
def test_pointing_at_or_focusing_a_number_shows_its_source(browser, built_report, lang):
    visit = open_report(browser, report_html(built_report, lang), **DESKTOP)
    try:
        page = visit.page
        numbers = page.locator("main p a.ref[data-tip]")
        assert numbers.count() >= 20, numbers.count()
        first, second = numbers.nth(0), numbers.nth(1)
        first_id, second_id = first.get_attribute("id"), second.get_attribute("id")
        assert _tip(page, f"#{first_id}") == "none"  # nothing shown until pointed at
        first.hover()
        shown = _tip(page, f"#{first_id}")
        # the quote of the appendix row the number links to, verbatim, is in what is shown
        row = first.get_attribute("href")
        quote = page.locator(f"{row} q").first.text_content()
        assert quote and quote in shown, (quote, shown)
        assert first.get_attribute("data-tip").split("\n")[0] in shown
        page.mouse.move(0, 0)
        second.focus()
        assert _tip(page, f"#{second_id}") != "none"
        assert second.get_attribute("data-tip").split("\n")[0] in _tip(page, f"#{second_id}")
        assert visit.errors == []
    finally:
        visit.page.context.close()


@pytest.mark.parametrize("lang", SPEC.languages)
def test_every_back_link_lands_on_a_citation(browser, built_report, lang):
    visit = open_report(browser, report_html(built_report, lang), **DESKTOP)
    try:
        page = visit.page
        landings = page.evaluate(
            """() => [...document.querySelectorAll('.appendix a.back')].map(a => {
                const el = document.getElementById(a.hash.slice(1));
                return {
                    row: a.closest('tr').id,
                    citation: !!el && el.matches('main a.ref'),
                    to_row: !!el && el.getAttribute('href') === '#' + a.closest('tr').id,
                };
            })"""
        )
        assert len(landings) >= 50, len(landings)
        wrong = [x["row"] for x in landings if not (x["citation"] and x["to_row"])]
        assert wrong == []
        back = page.locator(".appendix a.back").nth(5)
        href = back.get_attribute("href")
        back.click()
        page.wait_for_function("href => location.hash === href", arg=href, timeout=5000)
        landed = page.evaluate(
            """id => {
                const el = document.getElementById(id);
                const box = el.getBoundingClientRect();
                return {target: el.matches(':target'), main: !!el.closest('main'),
                        visible: box.top >= -1 && box.bottom <= innerHeight + 1};
            }""",
            href[1:],
        )
        assert landed == {"target": True, "main": True, "visible": True}
    finally:
        visit.page.context.close()


@pytest.mark.parametrize("lang", SPEC.languages)
def test_the_language_link_opens_the_other_edition(browser, built_report, lang):
    visit = open_report(browser, report_html(built_report, lang), **DESKTOP)
    try:
        page = visit.page
        links = page.locator("header nav.editions a")
        assert links.count() == len(SPEC.languages) - 1
        links.first.click()
        page.wait_for_load_state("load")
        other = [x for x in SPEC.languages if x != lang][0]
        assert page.url.endswith(f"{SPEC.name}.{other}.html"), page.url
        assert page.evaluate("() => document.documentElement.lang").startswith(other)
        assert page.locator("header nav.editions a").first.get_attribute("href") == (
            f"{SPEC.name}.{lang}.html"
        )
        assert visit.blocked == []
    finally:
        visit.page.context.close()


@pytest.mark.parametrize("lang", SPEC.languages)
def test_data_and_charts_download_from_the_page(browser, built_report, lang):
    visit = open_report(browser, report_html(built_report, lang), **DESKTOP)
    try:
        files = visit.page.evaluate(
            """() => [...document.querySelectorAll('a[download]')].map(a => [
                a.getAttribute('download'), a.getAttribute('href').split(',')[0]])"""
        )
        charts = visit.page.locator('main figure[data-report="figure"]').count()
    finally:
        visit.page.context.close()
    kinds = {name.rsplit(".", 1)[1] for name, _ in files}
    assert kinds == {"csv", "svg", "png"}
    assert {name for name, _ in files} >= {"facts.csv", "derived.csv", "assumptions.csv"}
    assert sum(name.endswith(".svg") for name, _ in files) == charts
    assert sum(name.endswith(".png") for name, _ in files) == charts
    assert all(head.startswith("data:") and head.endswith(";base64") for _, head in files)


# On a phone: no justified paragraph (CJK lines open gaps), a chart never narrower than the
# width at which its 7.5 pt source line reads (36rem: about 9 px), and a box that scrolls
# sideways shows a cue (shadows drawn by background gradients).
PHONE_LAYOUT = """() => {
    const scrolls = el => el.scrollWidth > el.clientWidth + 1;
    return {
        justified: [...document.querySelectorAll('main p')]
            .filter(p => getComputedStyle(p).textAlign === 'justify').length,
        charts: [...document.querySelectorAll('main figure[data-report="figure"] img')]
            .map(img => Math.round(img.getBoundingClientRect().width)),
        uncued: [...document.querySelectorAll('main figure')]
            .filter(f => scrolls(f) && !/gradient/.test(getComputedStyle(f).backgroundImage))
            .map(f => f.id),
        scrolling: [...document.querySelectorAll('main figure')].filter(scrolls).length,
    };
}"""


@pytest.mark.parametrize("lang", SPEC.languages)
def test_a_phone_reads_ragged_right_with_readable_charts_and_scroll_cues(
    browser, built_report, lang
):
    visit = open_report(browser, report_html(built_report, lang), **PHONE)
    try:
        layout = visit.page.evaluate(PHONE_LAYOUT)
    finally:
        visit.page.context.close()
    assert layout["justified"] == 0
    assert layout["charts"] and min(layout["charts"]) >= 36 * 16, layout["charts"]
    assert layout["scrolling"] >= len(layout["charts"])
    assert layout["uncued"] == []
