"""The small markup an editor types, and back.

An entry's text is stored as the safe HTML fans receive. `clean_text` makes it from what the editor typed
(**bold**, *italic*, [words](https://…), a bare https://… address, or the tags <b>, <i>, <a href>; links go
to http(s) addresses only); `text_source` gives the editor's markup back for the edit dialog, so nobody edits
raw HTML, and saving it unchanged stores the same HTML.
"""

import html
import re

import nh3

from matches.text import strip_control

ALLOWED_TAGS = {"b", "strong", "i", "em", "a", "br"}
ALLOWED_TAG_START = re.compile(r"<(?!/?(?:" + "|".join(sorted(ALLOWED_TAGS)) + r")[\s/>])", re.IGNORECASE)
BOLD = re.compile(r"\*\*(.+?)\*\*")
ITALIC = re.compile(r"(?<![*\w])\*(?!\s)(.+?)(?<!\s)\*(?![*\w])")
LINK = re.compile(r"\[([^\]\n]+)\]\((https?://[^)\s]+)\)")
# A bare address, not one already inside a link (its href, or its words); a full stop or a comma after it
# ends the sentence, not the address
BARE_URL = re.compile(r"(?<![\w\"'=>/(\[])(https?://[^\s<>\"'()\[\]]*[^\s<>\"'()\[\].,;:!?])")


def clean_text(text: str) -> str:
    """The editor's text as safe HTML (nh3). Any "<" that opens no allowed tag is text, not markup: an editor
    who types "<script>" shows fans the word, and "<3" stays a heart."""
    text = BOLD.sub(r"<strong>\1</strong>", strip_control(text).strip())
    text = ITALIC.sub(r"<em>\1</em>", text)
    text = LINK.sub(lambda m: f'<a href="{html.escape(m[2])}">{m[1]}</a>', text)
    text = BARE_URL.sub(lambda m: f'<a href="{html.escape(m[1])}">{html.escape(m[1])}</a>', text)
    text = ALLOWED_TAG_START.sub("&lt;", text)
    text = nh3.clean(
        text,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https"},
        link_rel="noopener noreferrer nofollow",
    )
    text = NO_ADDRESS.sub(r"\1", text)
    return SAME_TAGS.sub(lambda m: f"<{m[1]}{'strong' if m[2].lower() == 'b' else 'em'}>", text)


SAME_TAGS = re.compile(r"<(/?)(b|i)>", re.IGNORECASE)  # one way to say each: <strong>, <em>
NO_ADDRESS = re.compile(r"<a(?: rel=\"[^\"]*\")?>(.*?)</a>", re.S)  # a link left without an address


SOURCE = [
    (re.compile(r"<strong>(.*?)</strong>", re.S), r"**\1**"),
    (re.compile(r"<em>(.*?)</em>", re.S), r"*\1*"),
    (re.compile(r'<a href="([^"]*)"[^>]*>\1</a>', re.S), r"\1"),  # a bare address stays bare
    (re.compile(r'<a href="([^"]*)"[^>]*>(.*?)</a>', re.S), r"[\2](\1)"),
    (re.compile(r"<br\s*/?>"), "\n"),
    (re.compile(r"<a(?: [^>]*)?>(.*?)</a>", re.S), r"\1"),  # a link nh3 left without an address: its words
]


def text_source(stored: str) -> str:
    """The markup an editor would type to get `stored` (HTML made by clean_text)."""
    for pattern, markup in SOURCE:
        stored = pattern.sub(markup, stored)
    return html.unescape(stored)
