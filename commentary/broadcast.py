"""Hand a committed update to the channel layer. Group names are built here and nowhere else."""

import asyncio
import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)


def match_group(match_id: int) -> str:
    return f"match-{match_id}"


def broadcast_update(*, match_id: int, seq: int, frames: dict[str, str]) -> None:
    """Hand one update's frames (one per language) to every process's hub for the match."""
    layer = get_channel_layer()
    if layer is None:
        return
    message = {"type": "match.update", "seq": seq, "frames": frames}
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass
    else:  # called from code running inside an event loop (an async test, a notebook): schedule, don't block
        asyncio.ensure_future(layer.group_send(match_group(match_id), message))
        return
    try:
        async_to_sync(layer.group_send)(match_group(match_id), message)
    except Exception:
        # The update is committed and numbered: fans that miss it get it by replay, so a broken layer must
        # not turn the editor's successful publish into an error.
        logger.exception("broadcast of match %s update %s failed", match_id, seq)
