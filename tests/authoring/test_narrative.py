import base64
import re

import pytest

from policyreport.authoring import narrative
from policyreport.authoring.narrative import (
    Html,
    figure_html,
    heading,
    note,
    numbers_outside_refs,
    paragraph,
    render,
    table,
)
from policyreport.data.records import Figure

EXEC = Figure(
    id="wh_exec_2025",
    ref="fact",
    value=9210000000,
    unit="USD",
    period="2025",
    subject_en="Contract execution value",
    subject_zh="合同执行额",
)
YOY = Figure(id="wh_exec_2025_yoy", ref="fact", value=15.4, unit="percent", period="2025")
BASE = Figure(id="wh_exec_2020", ref="derived", value=3332000000.0, unit="USD", period="2020")
RATE = Figure(id="usd_cny", ref="assumption", value=7.18, unit="CNY_per_USD", kind="other")


def test_paragraph_links_every_figure():
    html = paragraph(
        "{exec:period}，武汉服务外包合同执行额达{exec}，同比{yoy:growth}。",
        "zh",
        exec=EXEC,
        yoy=YOY,
    )
    assert html == (
        '<p data-report="paragraph">'
        '<a class="ref" href="#fact-wh_exec_2025" data-fact="wh_exec_2025">2025年</a>'
        "，武汉服务外包合同执行额达"
        '<a class="ref" href="#fact-wh_exec_2025" data-fact="wh_exec_2025">92.1亿美元</a>'
        "，同比"
        '<a class="ref" href="#fact-wh_exec_2025_yoy" data-fact="wh_exec_2025_yoy">增长15.4%</a>'
        "。</p>"
    )
    assert isinstance(html, Html)
    assert numbers_outside_refs(html) == []


def test_derived_and_assumption_refs():
    html = paragraph("{base} at {rate}", "en", base=BASE, rate=RATE)
    assert 'href="#derived-wh_exec_2020" data-derived="wh_exec_2020">US$3.33 billion<' in html
    assert 'href="#assumption-usd_cny" data-assumption="usd_cny">CNY 7.18 per US dollar<' in html


def test_text_outside_placeholders_is_escaped():
    html = paragraph("R&D <b>{exec:subject}</b> {exec}", "en", exec=EXEC)
    assert "R&amp;D &lt;b&gt;Contract execution value&lt;/b&gt;" in html
    assert render("{x}", "en", x="<i>") == "&lt;i&gt;"
    assert render("{x}", "en", x=Html("<i>ok</i>")) == "<i>ok</i>"


def test_numbers_must_come_from_figures():
    with pytest.raises(TypeError, match="Figures"):
        paragraph("{n} firms", "en", n=300)
    with pytest.raises(KeyError):
        paragraph("{missing}", "en")
    with pytest.raises(ValueError, match="style"):
        paragraph("{exec:fancy}", "en", exec=EXEC)
    with pytest.raises(ValueError, match="name a figure"):
        paragraph("{}", "en")


def test_numbers_outside_refs_finds_typed_numbers_only():
    html = paragraph("{exec}, up from 79.8 in 2024", "en", exec=EXEC)
    assert numbers_outside_refs(html) == ["79.8", "2024"]
    markup = (
        '<p>前<a class="ref" href="#fact-a" data-fact="a">4</a>个月'
        '<img alt="5 bars" src="data:image/svg+xml;base64,MTIz"><script>var x = 6;</script>'
        '<a href="#fig-7">see</a> 8</p>'
    )
    assert numbers_outside_refs(markup) == ["8"]
    # text on either side of a reference is not glued together
    assert numbers_outside_refs('1<a class="ref">x</a>2') == ["1", "2"]
    # Chinese numerals count too (the project's scanner)
    assert numbers_outside_refs("<p>三项工程的贷款余额同比增长</p>") == ["三项"]
    assert numbers_outside_refs("<p>进一步扩大</p>") == []


def test_plain_render_for_alt_text():
    assert render("{exec} in {exec:period}", "en", link=False, exec=EXEC) == (
        "US$9.21 billion in 2025"
    )


def test_heading_and_note():
    assert heading("Wuhan goes global", 2) == (
        '<h2 data-report="heading" id="wuhan-goes-global">Wuhan goes global</h2>'
    )
    zh = heading("武汉服务", 3)
    assert re.fullmatch(r'<h3 data-report="heading" id="h-[0-9a-f]{10}">武汉服务</h3>', zh)
    assert heading("武汉服务", 3) == zh  # deterministic
    assert heading("x", 2, id="chapter") == '<h2 data-report="heading" id="chapter">x</h2>'
    with pytest.raises(ValueError):
        heading("x", 4)
    html = note("{exec} is contract value, not exports.", "en", exec=EXEC)
    assert html.startswith('<aside data-report="note" class="note"><a class="ref"')


def test_figure_html():
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"/>'
    html = figure_html(svg, "exec", "Execution value", alt='Bars: "exec" & more')
    match = re.fullmatch(
        r'<figure data-report="figure" id="fig-exec"><img src="data:image/svg\+xml;base64,'
        r'([A-Za-z0-9+/=]+)" alt="Bars: &quot;exec&quot; &amp; more">'
        r"<figcaption>Execution value</figcaption></figure>",
        html,
    )
    assert match and base64.b64decode(match.group(1)) == svg
    assert figure_html(svg, "fig-exec", "c", "a") == figure_html(svg, "exec", "c", "a")
    with pytest.raises(ValueError, match="alt"):
        figure_html(svg, "exec", "caption", alt="")
    with pytest.raises(ValueError, match="id"):
        figure_html(svg, "bad id", "caption", alt="a")


def test_table():
    html = table(
        [["执行额", EXEC, (EXEC, "period")], ["汇率", RATE, None]],
        columns=["指标", "数值", "时期"],
        id="overview",
        caption="概况",
        lang="zh",
    )
    assert html.startswith('<figure data-report="table" id="tab-overview"><table><thead>')
    assert '<th scope="row">执行额</th><td><a class="ref" href="#fact-wh_exec_2025"' in html
    assert ">2025年</a></td>" in html
    assert html.endswith("<figcaption>概况</figcaption></figure>")
    assert numbers_outside_refs(html) == []
    with pytest.raises(TypeError):
        table([["a", 3]], ["x", "y"], "t", "c", "en")
    with pytest.raises(ValueError, match="cells"):
        table([["a"]], ["x", "y"], "t", "c", "en")


def test_nothing_is_displayed_outside_ipython(capsys):
    paragraph("{exec}", "en", exec=EXEC)
    assert capsys.readouterr().out == ""


def test_emit_displays_text_html_in_a_kernel(monkeypatch):
    pytest.importorskip("IPython")
    import IPython
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython, "get_ipython", lambda: object())
    monkeypatch.setattr(IPython.display, "display", lambda obj: shown.append(obj))
    html = narrative.emit('<p data-report="paragraph">x</p>')
    assert [obj._repr_html_() for obj in shown] == [html]
