"""Path converters for Stack Exchange's URLs."""

from urllib.parse import unquote

from django.urls import register_converter


class SignedIdConverter:
    """A post or user id: the Community user is -1; ten digits at most, so no query overflows."""

    regex = r"-?\d{1,10}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


class TagListConverter:
    """`a+b` or `a b` in /questions/tagged/..., or one tag name in /tags/NAME/info.

    Any stored name makes a link, so that one odd row (a name from before the importer checked
    them) cannot fail a whole page: its `/` and `%` are percent-encoded within the segment, and
    the view then answers 404 for a name the tag rule refuses.
    """

    regex = r"[^/]{0,200}"

    def to_python(self, value: str) -> str:
        return unquote(value)

    def to_url(self, value: str) -> str:
        return value.replace("%", "%25").replace("/", "%2F")


_registered = False


def register() -> None:
    global _registered
    if not _registered:
        register_converter(SignedIdConverter, "id")
        register_converter(TagListConverter, "tags")
        _registered = True
