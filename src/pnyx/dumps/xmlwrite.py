"""Writing the dump's XML: its header, attribute escaping and date format.

Kept free of Django so that tools (the synthetic dump generator) can write dumps too.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

HEADER = '\ufeff<?xml version="1.0" encoding="utf-8"?>\r\n'
EOL = "\r\n"

_NEEDS_ESCAPE = re.compile('[&<>"\n\r\t\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]')
_ESCAPES = {
    ord("&"): "&amp;",
    ord("<"): "&lt;",
    ord(">"): "&gt;",
    ord('"'): "&quot;",
    ord("\n"): "&#xA;",
    ord("\r"): "&#xD;",
    ord("\t"): "&#x9;",
    # Characters XML 1.0 cannot carry at all are dropped.
    **{code: None for code in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)]},
    0xFFFE: None,
    0xFFFF: None,
}


def escape_attribute(text: str) -> str:
    """Escape a value for a double-quoted attribute, keeping newlines as `&#xA;` like the dump."""
    if _NEEDS_ESCAPE.search(text) is None:
        return text
    return text.translate(_ESCAPES)


def format_date(value: object) -> str:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}"
