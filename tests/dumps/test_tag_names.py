"""Tag names in a dump go through the one tag rule: Stack Exchange's names (symbols, other
scripts) are kept and their pages work; a name Stack Exchange would not allow stops the import
with the file and line, since no page could link to it."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from pnyx.cli import main
from pnyx.dumps.importer import ImportRequest, import_dump
from pnyx.network.models import Site
from pnyx.posts.models import Post, Tag
from pnyx.sites.context import activated
from pnyx.sites.services import delete_site

from .conftest import MINIMAL_POSTS

REAL_TAGS = ["c++", "c#", ".net", "asp.net-mvc", "регулярные-выражения", "文字化け"]


def _posts_with_tags(names: list[str], form: str = "angle") -> list[str]:
    text = "".join(f"&lt;{n}&gt;" for n in names) if form == "angle" else f"|{'|'.join(names)}|"
    return [MINIMAL_POSTS[0].replace("&lt;stout&gt;&lt;colour&gt;", text), MINIMAL_POSTS[1]]


def _tags_rows(names: list[str]) -> list[str]:
    return [f'Id="{i}" TagName="{n}" Count="1"' for i, n in enumerate(names, 1)]


@pytest.fixture
def imported(make_dump: Callable[..., Path]) -> Any:
    sites: list[Any] = []

    def factory(files: dict[str, list[str]]) -> Any:
        site = import_dump(
            ImportRequest(make_dump(files), site_name=f"g{uuid.uuid4().hex[:8]}")
        ).site
        sites.append(site)
        return site

    yield factory
    for site in sites:
        delete_site(Site.objects.get(pk=site.pk))


def test_stack_exchange_tag_names_are_kept_and_their_pages_work(imported: Any, client: Any) -> None:
    site = imported(
        {"Posts.xml": _posts_with_tags(REAL_TAGS[:5]), "Tags.xml": _tags_rows(REAL_TAGS)}
    )
    with activated(site):
        assert Post.objects.get(pk=1).tag_list == REAL_TAGS[:5]
        assert set(Tag.objects.values_list("name", flat=True)) == set(REAL_TAGS)
    question = client.get(f"{site.url_prefix}/questions/1/x", follow=True)
    assert question.status_code == 200
    page = question.content.decode()
    for name in REAL_TAGS[:5]:
        link = f"{site.url_prefix}/questions/tagged/{quote(name, safe='+.')}"
        assert f'href="{link}"' in page, name
        listing = client.get(link)
        assert listing.status_code == 200, name
        assert "Why is stout so dark in colour?" in listing.content.decode()
        assert (
            client.get(f"{site.url_prefix}/tags/{quote(name, safe='+.')}/info").status_code == 200
        )
    assert client.get(f"{site.url_prefix}/tags?tab=new").status_code == 200


BAD_TAGS = [
    pytest.param("Posts.xml", "a/b", "Posts.xml, line 3: Tags holds the tag 'a/b'", id="slash"),
    pytest.param("Posts.xml", "Stout", "Posts.xml, line 3: Tags holds the tag 'Stout'", id="upper"),
    pytest.param("Posts.xml", "-dash", "Posts.xml, line 3: Tags holds the tag '-dash'", id="dash"),
    pytest.param("Tags.xml", "a/b", "Tags.xml, line 5: TagName 'a/b' is not a tag name", id="tags"),
    pytest.param("Tags.xml", "", "Tags.xml, line 5: TagName '' is not a tag name", id="empty"),
]


@pytest.mark.parametrize("jobs", ["1", "2"], ids=["one-process", "lanes"])
@pytest.mark.parametrize(("file", "name", "message"), BAD_TAGS)
def test_a_tag_stack_exchange_would_not_allow_stops_the_import(
    make_dump: Callable[..., Path], capsys: Any, file: str, name: str, message: str, jobs: str
) -> None:
    if file == "Posts.xml":
        files = {"Posts.xml": _posts_with_tags(["stout", name])}
    else:
        files = {"Tags.xml": [*_tags_rows(["stout", "colour"]), f'Id="9" TagName="{name}"']}
    site = f"bad{uuid.uuid4().hex[:8]}"
    status = main(["import", str(make_dump(files)), "--site", site, "--quiet", "--jobs", jobs])
    error = capsys.readouterr().err
    assert status == 2
    assert error.startswith("pnyx: error: ") and message in error, error
    assert "lowercase letters, digits" in error
    assert not Site.objects.filter(name=site).exists()
