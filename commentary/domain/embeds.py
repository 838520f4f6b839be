"""Posts and clips from other sites, shown only when the reader asks.

A link in an entry's text to a video or a post on YouTube, X, Instagram, TikTok or Bluesky gets a card under
the text: the site's name and a button. Nothing is fetched from that site until the reader clicks (no
thumbnail, no script: the page's own static/js/entries.js then puts the site's player in a frame). The frames
those sites serve are the only ones the Content-Security-Policy allows (settings.EMBED_FRAME_SOURCES).
Any other link stays a plain link.
"""

import html
import re
from dataclasses import dataclass

HREF = re.compile(r'<a href="([^"]+)"')


@dataclass(frozen=True)
class Embed:
    provider: str  # the site's name, shown on the card
    url: str  # the link as the editor gave it
    src: str  # what the frame loads, after the click


# (name, pattern of the link, the frame's address made from its groups)
PROVIDERS = [
    (
        "YouTube",
        re.compile(
            r"^https://(?:www\.|m\.)?(?:youtube\.com/(?:watch\?(?:.*&)?v=|shorts/)|youtu\.be/)([\w-]{11})"
        ),
        "https://www.youtube-nocookie.com/embed/{0}",
    ),
    (
        "X",
        re.compile(r"^https://(?:www\.)?(?:x|twitter)\.com/\w{1,15}/status/(\d{1,20})"),
        "https://platform.twitter.com/embed/Tweet.html?id={0}&dnt=true",
    ),
    (
        "Instagram",
        re.compile(r"^https://(?:www\.)?instagram\.com/(p|reel)/([\w-]{5,40})"),
        "https://www.instagram.com/{0}/{1}/embed/",
    ),
    (
        "TikTok",
        re.compile(r"^https://(?:www\.)?tiktok\.com/@[\w.]{1,40}/video/(\d{1,25})"),
        "https://www.tiktok.com/embed/v2/{0}",
    ),
    (
        "Bluesky",
        re.compile(r"^https://bsky\.app/profile/([\w.:-]{3,253})/post/([\w]{5,20})"),
        "https://embed.bsky.app/embed/{0}/app.bsky.feed.post/{1}",
    ),
]


def embeds_of(text_html: str) -> list[Embed]:
    """The cards for the links of an entry's (sanitised) text, in order, each link once."""
    found, seen = [], set()
    for href in HREF.findall(text_html or ""):
        url = html.unescape(href)
        for name, pattern, frame in PROVIDERS:
            matched = pattern.match(url)
            if matched and url not in seen:
                seen.add(url)
                found.append(Embed(provider=name, url=url, src=frame.format(*matched.groups())))
                break
    return found
