"""The score card: one picture per match for link previews (Open Graph, Twitter cards), drawn with Pillow.

Teams, score (or kick-off time), status, competition and date on the teams' colours, 1200×630 PNG. Drawn
on request and cached by any cache for as long as the match's update log says nothing changed (ETag)."""

import io

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.cache import cache_control
from django.views.decorators.http import condition, require_safe
from PIL import Image, ImageDraw, ImageFont

from commentary.domain.selectors import last_seq
from matches.models import Match
from matches.presenters import score

WIDTH, HEIGHT = 1200, 630
INK, MUTED, BACKGROUND = "#ffffff", "#c9d1da", "#101418"


def _version(request, pk: int) -> str | None:
    return f"card-{pk}-{last_seq(match=Match(pk=pk))}" if Match.objects.filter(pk=pk).exists() else None


def _font(size: int):
    return ImageFont.load_default(size=size)  # Pillow's own scalable font: no system font needed


def _colour(value: str, fallback: str) -> str:
    return value if value and value.startswith("#") and len(value) in (4, 7) else fallback


@require_safe
@cache_control(public=True, max_age=60)
@condition(etag_func=_version)
def score_card(request, pk: int) -> HttpResponse:
    match = get_object_or_404(Match.objects.with_teams(), pk=pk)
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH // 2, 18), fill=_colour(match.home_team.primary_colour, "#d0112b"))
    draw.rectangle((WIDTH // 2, 0, WIDTH, 18), fill=_colour(match.away_team.primary_colour, "#1f3b8f"))
    centre = WIDTH // 2
    kickoff = timezone.localtime(match.kickoff)
    middle = score(match) or kickoff.strftime("%H:%M")
    draw.text((centre, 150), str(match.competition), font=_font(40), fill=MUTED, anchor="mm")
    draw.text((300, 315), match.home_team.short_name, font=_font(64), fill=INK, anchor="mm")
    draw.text((900, 315), match.away_team.short_name, font=_font(64), fill=INK, anchor="mm")
    draw.text((centre, 315), middle, font=_font(120), fill=INK, anchor="mm")
    status = match.get_status_display()
    when = date_format(kickoff, "j F Y")
    draw.text((centre, 470), f"{status} · {when}", font=_font(40), fill=MUTED, anchor="mm")
    draw.text((centre, 575), "Diretta", font=_font(36), fill="#d0112b", anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return HttpResponse(buffer.getvalue(), content_type="image/png")
