"""Where a browser would go when it follows a `Location` header, for the redirect tests."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

# Browsers drop ASCII tabs and newlines anywhere in a URL and leading/trailing C0 controls and
# spaces, and read a backslash as a slash in http(s) URLs (the WHATWG URL standard).
_DROPPED = re.compile(r"[\t\n\r]")


def browser_target(location: str, host: str, path: str = "/some/page") -> str:
    """The host a browser on `http://host/path` reaches when redirected to `location`."""
    cleaned = _DROPPED.sub("", location).strip(
        "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c"
        "\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18"
        "\x19\x1a\x1b\x1c\x1d\x1e\x1f "
    )
    cleaned = cleaned.replace("\\", "/")
    return urlsplit(urljoin(f"http://{host}{path}", cleaned)).netloc


def stays_on_host(location: str, host: str) -> bool:
    return browser_target(location, host) == host
