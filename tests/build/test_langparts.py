"""policyreport.build.langparts: runs of Chinese in a non-Chinese edition get lang="zh-Hans";
everything else is kept byte for byte. Expected strings written by hand."""

from policyreport.build.langparts import mark_chinese_runs

ZH = '<span lang="zh-Hans">'


def test_a_run_of_chinese_in_an_english_page_is_marked():
    html = '<html lang="en"><body><p>skill-based loans (以技定贷), and more</p></body></html>'
    assert mark_chinese_runs(html, "en") == (
        f'<html lang="en"><body><p>skill-based loans ({ZH}以技定贷</span>), and more</p>'
        "</body></html>"
    )


def test_text_already_marked_chinese_is_left_alone_and_english_inside_it_is_not():
    html = '<html lang="en"><p><q lang="zh-Hans">武汉<b>服务</b></q> <i lang="en-GB">外包</i></p>'
    assert mark_chinese_runs(html, "en") == (
        f'<html lang="en"><p><q lang="zh-Hans">武汉<b>服务</b></q> <i lang="en-GB">{ZH}外包</span>'
        "</i></p>"
    )


def test_a_chinese_page_is_returned_as_it_is():
    html = '<html lang="zh-Hans"><p>English words 和中文</p></html>'
    assert mark_chinese_runs(html, "zh-Hans") is html


def test_digits_and_chinese_punctuation_between_han_stay_in_one_run():
    html = "<p>前4个月，增长15.4%。In 2025年 too</p>"
    assert mark_chinese_runs(html, "en") == (
        f"<p>{ZH}前4个月，增长15.4%。</span>In 2025{ZH}年</span> too</p>"
    )


def test_head_style_and_attributes_are_not_touched():
    html = (
        '<html lang="en"><head><title>武汉</title><style>q::before{content:"「"}</style></head>'
        '<body><img alt="武汉" src="x.png"><a title="报告" href="#a">报告</a></body></html>'
    )
    assert mark_chinese_runs(html, "en") == html.replace(
        '<a title="报告" href="#a">报告</a>', f'<a title="报告" href="#a">{ZH}报告</span></a>'
    )


def test_offsets_hold_across_lines_and_character_references():
    html = '<html lang="en">\n<body>\n<p>A &amp; B &#8212; 武汉 &lt;\n&quot;服务&quot;</p>\n</body>'
    assert mark_chinese_runs(html, "en") == (
        f'<html lang="en">\n<body>\n<p>A &amp; B &#8212; {ZH}武汉</span> &lt;\n'
        f"&quot;{ZH}服务</span>&quot;</p>\n</body>"
    )


def test_void_elements_do_not_unbalance_the_language_stack():
    html = '<body lang="en"><p lang="zh">中<br>文<img src="x"></p><p>外</p></body>'
    assert mark_chinese_runs(html, "en") == (
        f'<body lang="en"><p lang="zh">中<br>文<img src="x"></p><p>{ZH}外</span></p></body>'
    )
