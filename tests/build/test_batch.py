"""Variants: -m values and their product, the spec's [[variant]] entries, each variant
published in its own folder with an index, the main report and figures/ untouched, runs that
variants share executed once, bad -m values refused before any kernel starts."""

import json

import pytest
from bs4 import BeautifulSoup
from tiny_project import build, make_data, snapshot

from policyreport import paths
from policyreport.build import execute
from policyreport.build.batch import Variant, parse_matrix, variant_name
from policyreport.errors import ParameterError


def test_one_variant_per_value():
    assert parse_matrix(["usd_cny=6.8,7.0,7.2"]) == [
        Variant("usd_cny=6.8", {"usd_cny": 6.8}),
        Variant("usd_cny=7.0", {"usd_cny": 7.0}),
        Variant("usd_cny=7.2", {"usd_cny": 7.2}),
    ]


def test_several_m_make_the_product_in_the_order_given():
    variants = parse_matrix(["rate=7,8", "mode=low,high"])
    assert [v.parameters for v in variants] == [
        {"rate": 7, "mode": "low"},
        {"rate": 7, "mode": "high"},
        {"rate": 8, "mode": "low"},
        {"rate": 8, "mode": "high"},
    ]
    assert [v.name for v in variants] == [
        "rate=7_mode=low",
        "rate=7_mode=high",
        "rate=8_mode=low",
        "rate=8_mode=high",
    ]


def test_variant_names_are_folder_names():
    assert variant_name({"path": "a/b c", "flag": True}) == "path=a-b-c_flag=true"


@pytest.mark.parametrize(
    ("texts", "message"),
    [
        (["usd_cny"], "parameter 'usd_cny': expected name=value"),
        (["usd_cny=7,,8"], "parameter 'usd_cny': expected -m NAME=V1,V2,… with no empty value"),
        (["rate=7", "rate=8"], "parameter 'rate': expected one -m per parameter"),
    ],
)
def test_malformed_m(texts, message):
    with pytest.raises(ParameterError) as caught:
        parse_matrix(texts)
    assert str(caught.value).startswith(message)


@pytest.fixture(scope="module")
def variants_built(tmp_path_factory):
    base = tmp_path_factory.mktemp("variants")
    data = make_data(base / "data")
    out = base / "out"
    (out / "tiny" / "notebooks").mkdir(parents=True)
    (out / "tiny.en.html").write_text("<p>the main report, built before</p>")
    (out / "tiny" / "notebooks" / "reads_exec.en.ipynb").write_text('{"main": true}')
    main_before = snapshot(out)
    figures = paths.ROOT / "figures"
    figures_before = sorted(p.as_posix() for p in figures.rglob("*")) if figures.is_dir() else []
    result = build(data, out, base / "cache", matrix=["usd_cny=6.8,7.2"])
    figures_after = sorted(p.as_posix() for p in figures.rglob("*")) if figures.is_dir() else []
    return out, result, main_before, figures_before == figures_after, data, base


@pytest.mark.slow
def test_each_variant_in_its_own_folder(variants_built):
    out, result, main_before, figures_untouched, _, _ = variants_built
    files = snapshot(out)
    variant_files = [n for n in files if n.startswith("tiny/variants/") or n == "tiny/index.html"]
    assert sorted(variant_files) == [
        "tiny/index.html",
        "tiny/variants/usd_cny=6.8/notebooks/reads_exec.en.ipynb",
        "tiny/variants/usd_cny=6.8/notebooks/reads_yoy.en.ipynb",
        "tiny/variants/usd_cny=6.8/tiny.en.html",
        "tiny/variants/usd_cny=6.8/tiny.en.pdf",
        "tiny/variants/usd_cny=6.8/variant.json",
        "tiny/variants/usd_cny=7.2/notebooks/reads_exec.en.ipynb",
        "tiny/variants/usd_cny=7.2/notebooks/reads_yoy.en.ipynb",
        "tiny/variants/usd_cny=7.2/tiny.en.html",
        "tiny/variants/usd_cny=7.2/tiny.en.pdf",
        "tiny/variants/usd_cny=7.2/variant.json",
    ]
    # the main report is exactly as it was, and figures/ too
    assert {k: v for k, v in files.items() if k not in variant_files} == main_before
    assert figures_untouched
    assert json.loads(files["tiny/variants/usd_cny=6.8/variant.json"]) == {"usd_cny": 6.8}
    # reads_yoy does not take the rate: one run serves both variants
    assert (result.executed, result.cached) == (3, 1)


@pytest.mark.slow
def test_each_variant_computes_with_its_own_value(variants_built):
    out = variants_built[0]
    for value in ("6.8", "7.2"):
        html = (out / "tiny" / "variants" / f"usd_cny={value}" / "tiny.en.html").read_text()
        soup = BeautifulSoup(html, "html.parser")
        link = soup.select_one('main a[data-assumption="usd_cny"]')
        assert link.get_text() == f"CNY {value} per US dollar"


@pytest.mark.slow
def test_the_index_lists_every_variant_with_parameters_and_links(variants_built):
    out = variants_built[0]
    soup = BeautifulSoup((out / "tiny" / "index.html").read_text(), "html.parser")
    rows = [[td.get_text() for td in tr.select("td")] for tr in soup.select("tbody tr")]
    assert rows == [
        ["usd_cny=6.8", "usd_cny = 6.8", "en HTML · en PDF"],
        ["usd_cny=7.2", "usd_cny = 7.2", "en HTML · en PDF"],
    ]
    links = [a["href"] for a in soup.select("tbody a")]
    assert links[:2] == ["variants/usd_cny=6.8/tiny.en.html", "variants/usd_cny=6.8/tiny.en.pdf"]
    for link in links:
        assert (out / "tiny" / link).is_file()


@pytest.mark.slow
def test_spec_variants_join_the_index(variants_built):
    out, _, _, _, data, base = variants_built
    result = build(data, out, base / "cache", variants=True)  # [[variant]] name = "rate-7"
    # usd_cny = 7.0: reads_exec runs, reads_yoy comes from the cache
    assert (result.executed, result.cached) == (1, 1)
    soup = BeautifulSoup((out / "tiny" / "index.html").read_text(), "html.parser")
    assert [tr.select("td")[0].get_text() for tr in soup.select("tbody tr")] == [
        "rate-7",
        "usd_cny=6.8",
        "usd_cny=7.2",
    ]


@pytest.mark.parametrize(
    ("matrix", "message"),
    [
        (["no_such_parameter=1,2"], "parameter 'no_such_parameter'"),
        (["usd_cny=high,low"], "parameter 'usd_cny': expected a number; found 'high'"),
        (["lang=zh,en"], "parameter 'lang': expected --lang"),
    ],
)
def test_bad_m_values_fail_before_any_kernel(tmp_path, monkeypatch, matrix, message):
    def no_kernel(*args, **kwargs):
        raise AssertionError("a kernel started before the parameters were checked")

    monkeypatch.setattr(execute, "run_job", no_kernel)
    data = make_data(tmp_path / "data")
    out = tmp_path / "out"
    with pytest.raises(ParameterError) as caught:
        build(data, out, tmp_path / "cache", matrix=matrix)
    assert str(caught.value).startswith(message)
    assert not out.exists()
