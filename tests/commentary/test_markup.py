"""What an editor types becomes safe HTML with links, and comes back as typed in the edit dialog."""

import pytest

from commentary.domain.markup import clean_text, text_source


def a(href: str, words: str | None = None) -> str:
    return f'<a href="{href}" rel="noopener noreferrer nofollow">{words or href}</a>'


@pytest.mark.parametrize(
    "typed, html",
    [
        (
            "Il gol: https://www.youtube.com/watch?v=abc123. Rivedetelo!",
            f"Il gol: {a('https://www.youtube.com/watch?v=abc123')}. Rivedetelo!",
        ),
        (
            "[la sintesi](https://example.com/v) e http://x.it/a_b, poi",
            f"{a('https://example.com/v', 'la sintesi')} e {a('http://x.it/a_b')}, poi",
        ),
        ("**Gol!** di *testa*", "<strong>Gol!</strong> di <em>testa</em>"),
        ("scrivici a [noi](mailto:a@b.it)", "scrivici a [noi](mailto:a@b.it)"),  # http(s) only
        ("[clicca](javascript:alert(1))", "[clicca](javascript:alert(1))"),
        ('<a href="javascript:alert(2)">x</a> www.sito.it', "x www.sito.it"),
        (
            "https://ok.it/?a=1&b=2",
            a("https://ok.it/?a=1&amp;b=2"),
        ),
    ],
)
def test_typed_text_becomes_safe_html_with_links_and_comes_back_as_typed(typed, html):
    assert clean_text(typed) == html
    assert clean_text(text_source(html)) == html  # saved unchanged from the edit dialog: the same HTML
