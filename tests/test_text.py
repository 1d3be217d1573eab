"""The one escaping path: data shown as text in Markdown and HTML, links only to http(s)."""

import html

import nbconvert.filters.markdown as markdown
import pytest

from analysis.story import credit, source_label
from analysis.text import csv_cell, html_text, link, md_text, safe_url

PAYLOADS = [
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    "<script>alert(1)</script>",
    "![i](https://evil.example/x.png)",
    "<https://evil.example>",
    "**bold** _em_ `code` # heading",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_markdown_prose_shows_data_as_text(payload):
    rendered = markdown.markdown2html("Put forward by " + md_text(payload) + ".")
    assert "<img" not in rendered and "<script" not in rendered and "<a " not in rendered
    assert "<strong>" not in rendered and "<em>" not in rendered and "<code>" not in rendered
    assert payload.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") in rendered.replace("&quot;", '"')


def test_markdown_prose_shows_quote_marks_as_themselves():
    """An apostrophe is not an entity in prose: its '#' would be escaped and print as '&#x27;'."""
    words = """Mathilde Panot, after Macron's "confidential" briefing & more"""
    rendered = markdown.markdown2html("Put forward by " + md_text(words) + ".")
    assert words in html.unescape(rendered)


@pytest.mark.parametrize("url", ["javascript:alert(1)", " JAVASCRIPT:alert(1)", "data:text/html,x", "//evil", "x.html"])
def test_links_only_to_http_addresses(url):
    assert safe_url(url) is None
    assert link("name", url) == "name"


def test_a_link_escapes_its_text_and_address():
    assert (
        link("<b>", 'https://e.org/?a="x"') == '<a href="https://e.org/?a=&quot;x&quot;" rel="noopener">&lt;b&gt;</a>'
    )


def test_credit_names_the_outlet_kind_and_whom_it_relays():
    row = {
        "publisher": "<i>Kyiv Post</i>",
        "url": "javascript:x",
        "outlet_type": "aggregator_or_mirror",
        "relays": "AP",
    }
    assert credit(row, escape=html_text) == "&lt;i&gt;Kyiv Post&lt;/i&gt;, aggregator or mirror site, relaying AP"


def test_csv_cells_that_start_like_formulas_are_quoted_and_numbers_kept():
    assert [csv_cell(v) for v in ["=1+1", "+1+1", "-1+1", "@A1", "\tx", "\rx"]] == [
        "'=1+1",
        "'+1+1",
        "'-1+1",
        "'@A1",
        "'\tx",
        "'\rx",
    ]
    assert [csv_cell(v) for v in ["-70.0", "+3", "-1e5", "text", -4, None]] == ["-70.0", "+3", "-1e5", "text", -4, None]


def test_source_label_is_plain_text_for_the_escaping_functions():
    import pandas as pd

    sources = pd.DataFrame({"source_id": ["s"], "publisher": ["<b>P</b>"], "author": [pd.NA]})
    assert source_label(sources, "s") == "<b>P</b>"  # escaped where it is shown, once
