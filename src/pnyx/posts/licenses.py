"""Which Creative Commons licence a post is under, for the attribution line on every post.

Dumps from 2023 on name it (`ContentLicense`); older ones do not, and then it follows from the
date the content was created or last edited, as Stack Exchange dated its licence changes
(se-dump-schema.md §10.7).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

# The first day each version applied.
VERSION_STARTS = (
    (datetime(2018, 5, 2, tzinfo=UTC), "4.0"),
    (datetime(2011, 4, 8, tzinfo=UTC), "3.0"),
)
OLDEST_VERSION = "2.5"
KNOWN_VERSIONS = {"2.5", "3.0", "4.0"}


@dataclass(frozen=True)
class License:
    name: str
    url: str


def license_version(content_license: str | None, created: datetime, edited: datetime | None) -> str:
    """The CC BY-SA version: the stored one when it names a known version, else by date."""
    if content_license:
        version = content_license.rsplit(" ", 1)[-1]
        if content_license.startswith("CC BY-SA") and version in KNOWN_VERSIONS:
            return version
    when = edited or created
    for start, version in VERSION_STARTS:
        if when >= start:
            return version
    return OLDEST_VERSION


def license_for(content_license: str | None, created: datetime, edited: datetime | None) -> License:
    version = license_version(content_license, created, edited)
    return License(
        name=f"CC BY-SA {version}",
        url=f"https://creativecommons.org/licenses/by-sa/{version}/",
    )
