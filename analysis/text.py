"""The one escaping path for text that comes from the data.

Labels, names, publishers, quotes and notes are written by people, and a page must show
them as text whatever they hold: ``<img onerror=...>`` or ``[x](javascript:...)`` in a cell
is printed, never run. Every function that puts data on a page (Markdown prose, HTML
tables, links, CSV downloads) goes through this module, so there is one place to check.
"""

import html
import re
import urllib.parse
from collections.abc import Callable
from typing import TypeVar

# CommonMark lets any ASCII punctuation be escaped with a backslash; these are the ones that
# start emphasis, links, images, code, headings, lists, tables or raw HTML.
# ":" too: the notebook exporter turns a bare http(s) address into a link, and "\:" stops it.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>:@])")
# A cell that is only a number is read as that number by a spreadsheet, never as a formula.
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
T = TypeVar("T")
LINK_SCHEMES = ("http", "https")


def html_text(value: object) -> str:
    """``value`` as HTML text: markup characters become entities.

    >>> html_text('<img src=x onerror="alert(1)">')
    '&lt;img src=x onerror=&quot;alert(1)&quot;&gt;'
    """
    return html.escape("" if value is None else str(value), quote=True)


def md_text(value: object) -> str:
    """``value`` as Markdown text: no HTML, no emphasis, no link, whatever it holds.

    ``&``, ``<`` and ``>`` become entities (Markdown renderers pass raw HTML through); quote
    marks stay as they are, since prose is never an attribute and an entity's ``#`` would be
    escaped below and print as ``&#x27;``. Markdown punctuation is backslash-escaped, so
    ``[x](javascript:y)`` stays those characters.

    >>> md_text("Macron's <b>")
    "Macron's &lt;b&gt;"
    >>> md_text("[x](javascript:alert(1)) <b>")
    '\\\\[x\\\\]\\\\(javascript\\\\:alert\\\\(1\\\\)\\\\) &lt;b&gt;'
    """
    return _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape("" if value is None else str(value), quote=False))


def safe_url(url: object) -> str | None:
    """``url`` if it is an absolute http(s) address, else None (``javascript:``, ``data:``, relative...).

    >>> safe_url("https://example.org/a?b=1"), safe_url(" JavaScript:alert(1)"), safe_url("//evil")
    ('https://example.org/a?b=1', None, None)
    """
    if not isinstance(url, str):
        return None
    parts = urllib.parse.urlsplit(url.strip())
    if parts.scheme.lower() in LINK_SCHEMES and parts.netloc and url.strip() == url:
        return url
    return None


def link(text: object, url: object, escape: Callable[[object], str] = html_text, title: object = None) -> str:
    """An HTML link to ``url`` showing ``text``; only the text when the address is not http(s).

    ``escape`` escapes the text for where it goes: :func:`html_text` in HTML, :func:`md_text`
    inside Markdown prose (raw HTML links keep Markdown from reading the address).

    >>> link("AP", "https://apnews.com/x")
    '<a href="https://apnews.com/x" rel="noopener">AP</a>'
    >>> link("AP", "javascript:alert(1)")
    'AP'
    """
    shown = escape(text)
    address = safe_url(url)
    if address is None:
        return shown
    extra = f' title="{html_text(title)}"' if title else ""
    return f'<a href="{html_text(address)}" rel="noopener"{extra}>{shown}</a>'


def csv_cell(value: T) -> T | str:
    """A CSV cell that a spreadsheet cannot run: the OWASP rule for formula-leading text.

    Text that starts with ``= + - @``, a tab or a carriage return gets a leading single quote.
    A cell that is only a number (``-70.0``) is left alone: a spreadsheet reads it as that
    number, and a formula needs more than digits after the sign.

    >>> [csv_cell(v) for v in ["=HYPERLINK(1)", "-70.0", "+1", "-2+3", "@SUM(A1)", "plain", 12]]
    ["'=HYPERLINK(1)", '-70.0', '+1', "'-2+3", "'@SUM(A1)", 'plain', 12]
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value
