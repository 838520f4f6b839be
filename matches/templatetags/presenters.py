"""matches/presenters.py for templates: `{% load presenters %}`, then `{{ match|result_line }}` and so on."""

from django import template

from matches import presenters

register = template.Library()

register.filter("result_line", presenters.result_line)
register.filter("teams_line", presenters.teams_line)


@register.filter
def full_teams_line(match) -> str:
    return presenters.teams_line(match, full_names=True)


register.filter("score", presenters.score)
register.filter("score_line", presenters.score_line)
register.filter("decision", presenters.decision)
register.filter("aggregate_line", presenters.aggregate_line)
register.filter("page_title", presenters.page_title)
register.filter("half_time_line", presenters.half_time_line)


@register.filter
def minute_label(minute: int | None, added: int = 0) -> str:
    return presenters.minute_label(minute, added or 0)
