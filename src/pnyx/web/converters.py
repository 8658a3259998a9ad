"""Path converters for Stack Exchange's URLs."""

from django.urls import register_converter


class SignedIdConverter:
    """A post or user id: the Community user is -1; ten digits at most, so no query overflows."""

    regex = r"-?\d{1,10}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


class TagListConverter:
    """`a+b` or `a b` in /questions/tagged/...; the characters tags may contain, nothing else."""

    regex = r"[^/]{1,200}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


_registered = False


def register() -> None:
    global _registered
    if not _registered:
        register_converter(SignedIdConverter, "id")
        register_converter(TagListConverter, "tags")
        _registered = True
