from django import template
from django.templatetags.static import static
from django.utils.html import format_html

from commentary.domain import presenters
from commentary.domain.embeds import embeds_of

register = template.Library()


@register.simple_tag
def icon(name: str, css: str = "") -> str:
    """An icon of static/img/icons.svg, decorative: the text next to it says the same."""
    if not name:
        return ""
    return format_html(
        '<svg class="icon {}" aria-hidden="true" focusable="false"><use href="{}#{}"></use></svg>',
        css,
        static("img/icons.svg"),
        name,
    )


register.filter("goal_note", presenters.goal_note)
register.filter("goal_note_title", presenters.goal_note_title)
register.filter("scorer_line", presenters.scorer_line)
register.filter("kick_line", presenters.kick_line)
register.filter("embeds", embeds_of)
