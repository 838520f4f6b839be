"""Work done later, by `manage.py db_worker` (Django's tasks framework, queued in the database)."""

from django.contrib.auth import get_user_model
from django.tasks import task

from commentary.domain import services


@task
def publish_scheduled(entry_pk: int, editor_pk: int | None) -> bool:
    """Publish a scheduled draft when its time comes. Exactly once whatever runs it (two workers, a task run
    again after a restart, the catch-up): services.draft_publish_due locks the draft and publishes it only
    while it is still scheduled and due. Tells whether this run published it."""
    editor = get_user_model().objects.filter(pk=editor_pk).first() if editor_pk else None
    return services.draft_publish_due(entry_pk=entry_pk, editor=editor) is not None


@task
def ratings_refresh(match_id: int) -> None:
    """The readers' averages of a match moved: one update for every vote since the last refresh."""
    from commentary.domain.ratings import refresh

    refresh(match_id=match_id)
