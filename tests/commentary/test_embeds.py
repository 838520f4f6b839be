"""Posts and clips from other sites: a card that loads nothing until the reader clicks."""

import pytest
from django.conf import settings
from django.urls import reverse

from commentary.domain.embeds import PROVIDERS, embeds_of
from commentary.domain.markup import clean_text
from tests.conftest import publish

CASES = [
    ("https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=10", "YouTube", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
    ("https://youtu.be/dQw4w9WgXcQ", "YouTube", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
    ("https://x.com/acmilan/status/1761234567890123456", "X", "https://platform.twitter.com/embed/Tweet.html?id=1761234567890123456&dnt=true"),
    ("https://www.instagram.com/p/C3xYz12AbCd/", "Instagram", "https://www.instagram.com/p/C3xYz12AbCd/embed/"),
    ("https://www.tiktok.com/@seriea/video/7339876543210987654", "TikTok", "https://www.tiktok.com/embed/v2/7339876543210987654"),
    ("https://bsky.app/profile/seriea.bsky.social/post/3kmabc123xy", "Bluesky", "https://embed.bsky.app/embed/seriea.bsky.social/app.bsky.feed.post/3kmabc123xy"),
]  # fmt: skip


@pytest.mark.parametrize(("url", "provider", "src"), CASES)
def test_a_link_to_a_post_or_a_clip_becomes_a_card(url, provider, src):
    (embed,) = embeds_of(clean_text(f"Guardate qui: {url} che gol"))
    assert (embed.provider, embed.src, embed.url) == (provider, src, url)


def test_other_links_stay_links_and_every_frame_is_allowed_by_the_policy():
    assert embeds_of(clean_text("https://www.acmilan.com/it/news e [video](https://vimeo.com/123)")) == []
    assert embeds_of(clean_text("http://youtu.be/dQw4w9WgXcQ")) == []  # not https: no frame
    for _name, _pattern, frame in PROVIDERS:
        assert any(frame.startswith(source + "/") for source in settings.EMBED_FRAME_SOURCES), frame
        assert settings.SECURE_CSP["frame-src"] == settings.EMBED_FRAME_SOURCES


@pytest.mark.django_db
def test_the_page_shows_a_card_and_no_frame_until_the_click(client, match):
    publish(match=match, text="Il gol da un'altra angolazione: https://youtu.be/dQw4w9WgXcQ")
    response = client.get(reverse("match-detail", args=[match.pk]))
    page = response.content.decode()
    assert 'data-embed-src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"' in page
    assert "Carica da YouTube" in page and "<iframe" not in page
    assert "frame-src https://www.youtube-nocookie.com" in response["Content-Security-Policy"]
