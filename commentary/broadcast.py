"""Hand a committed update to the channel layer. Group names are built here and nowhere else."""

import asyncio
import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)


def match_group(match_id: int) -> str:
    return f"match-{match_id}"


def broadcast_update(*, match_id: int, seq: int, html: str) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass
    else:  # called from code running inside an event loop (an async test, a notebook): schedule, don't block
        asyncio.ensure_future(
            layer.group_send(match_group(match_id), {"type": "match.update", "seq": seq, "html": html})
        )
        return
    try:
        async_to_sync(layer.group_send)(
            match_group(match_id), {"type": "match.update", "seq": seq, "html": html}
        )
    except Exception:
        # The update is committed and numbered: fans that miss it get it by replay, so a broken layer must
        # not turn the editor's successful publish into an error.
        logger.exception("broadcast of match %s update %s failed", match_id, seq)
