"""Showing text that comes from data: never interpreted as Markdown or HTML."""

import re

_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def plain(text: object) -> str:
    """Backslash-escape Markdown so that a label from a file is displayed exactly as written."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", str(text))
