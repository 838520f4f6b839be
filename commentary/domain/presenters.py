"""How the commentary's facts are said, once: goal notes and scorer lines, for every output.

Built on matches/presenters.py (minutes, scores, result lines), which every caller may use directly.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from commentary.models import Entry

# A goal's note, and what it stands for (an <abbr> title); a plain goal has none.
GOAL_NOTES = {
    Entry.Kind.PENALTY_GOAL: (gettext_lazy("rig."), gettext_lazy("su rigore")),
    Entry.Kind.OWN_GOAL: (gettext_lazy("aut."), gettext_lazy("autogol")),
}


def goal_note(goal: Entry) -> str:
    """ "rig." for a penalty, "aut." for an own goal, else empty."""
    return str(GOAL_NOTES[goal.kind][0]) if goal.kind in GOAL_NOTES else ""


def goal_note_title(goal: Entry) -> str:
    return str(GOAL_NOTES[goal.kind][1]) if goal.kind in GOAL_NOTES else ""


def scorer_line(goal: Entry) -> str:
    """ "Leão 3′", "Koopmeiners 42′ rig."."""
    name = goal.player.display_name if goal.player else ""
    return " ".join(part for part in (name, goal.minute_label, goal_note(goal)) if part)


def scorers_line(goals: list[Entry]) -> str:
    """Every goal in the order scored: "Leão 3′, Koopmeiners 42′ rig."."""
    return ", ".join(scorer_line(goal) for goal in sorted(goals, key=lambda e: e.pk))


KICK_OUTCOMES = {
    Entry.Kind.PENALTY_GOAL: gettext_lazy("segnato"),
    Entry.Kind.PENALTY_SAVED: gettext_lazy("parato"),
    Entry.Kind.PENALTY_MISSED: gettext_lazy("fuori"),
}


def kick_line(kick: Entry) -> str:
    """A shoot-out kick: "Mbappé: segnato", "Coman: parato", "Tchouaméni: fuori"."""
    name = kick.player.display_name if kick.player else _("Rigore")
    return f"{name}: {KICK_OUTCOMES[kick.kind]}"
