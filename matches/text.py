"""Text that crosses a boundary (the database, XML, HTML, a header) carries no control characters."""

import re

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def strip_control(text: str) -> str:
    """NUL, escape sequences and the like: PostgreSQL refuses NUL, XML 1.0 refuses them all, and they have no
    place in a name or a blog. Tabs and line breaks stay."""
    return CONTROL_CHARACTERS.sub("", text)
