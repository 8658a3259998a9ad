"""Hostile and odd requests against real sites: every one is answered with a 2xx, 3xx or 4xx,
never a 500, and no redirect leaves the host.

The corpus runs through Django's test client (CSRF checks on, as in production) against the
seed site `politics`, the beer dump (`beer`) and a fresh site served on its own host name, so a
case costs milliseconds. Each case is `(method, path, headers)`; `{P}` in the path is the
site's prefix (empty on its own host).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from django.test import Client, override_settings

from .redirect_checks import stays_on_host

OWN_HOST = "corpus.example.org"
BIG = 2**31
HUGE = 2**63


@dataclass(frozen=True)
class Case:
    path: str
    method: str = "GET"
    headers: dict[str, str] = field(default_factory=dict)
    status: int | None = None  # the status expected, when the case has one answer only

    def __str__(self) -> str:
        extra = f" {[(k, v[:40]) for k, v in sorted(self.headers.items())]}" if self.headers else ""
        return f"{self.method} {self.path[:120]}{extra}"


def _paths(*paths: str, status: int | None = None) -> list[Case]:
    return [Case(path, status=status) for path in paths]


TRAVERSAL = _paths(
    "{P}/../../../../etc/passwd",
    "{P}/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "{P}/..%2f..%2f..%2fetc%2fpasswd",
    "{P}/%252e%252e/%252e%252e/etc/passwd",
    "{P}/static/../settings.py",
    "/static/..%2f..%2fpnyx%2fsettings.py",
    "/static/%2e%2e/%2e%2e/pnyx/settings.py",
    "/static/pnyx/..%5c..%5csettings.py",
    "{P}/users/1/..%2f..%2f..",
    "{P}/help/badges/..%2f..%2fsecret_key",
    "{P}/help/badges/../../secret_key",
    "{P}/tags/..%2f../info",
    "{P}/questions/tagged/..",
    "{P}/questions/tagged/.",
    "{P}/tags/../info",
    "{P}/tags/./info",
)
DOUBLE_SLASHES = _paths(
    "{P}//evil.com",
    "{P}//evil.com/x?y=1",
    "{P}///evil.com",
    "{P}/%2F%2Fevil.com",
    "{P}/%5C%5Cevil.com",
    "{P}/%5Cevil.com",
    "{P}/%09/evil.com",
    "//evil.com",
    "///evil.com/",
    "{P}/questions//1",
    "{P}/questions/tagged//",
    "{P}/users//1",
    "{P}/q/1//",
    "{P}//",
    "{P}/%0D%0ASet-Cookie:%20a=b",
    "{P}/questions?x=%0D%0ASet-Cookie:%20a=b",
    "{P}/users/-1?%0D%0ALocation:%20//evil.com",
    "{P}/help/badges?name=//evil.com",
    "{P}/help/badges?name=%5C%5Cevil.com",
    "{P}/help/badges?name=https://evil.com",
)
ENCODED_SLASHES = _paths(
    "{P}/questions/tagged/a%2Fb",
    "{P}/questions/tagged/a%252Fb",
    "{P}/tags/a%2Fb/info",
    "{P}/tags/a%2Fb",
    "{P}/feeds/tag/a%2Fb",
    "{P}/help/badges/a%2Fb",
    "{P}/users/1/a%2Fb",
    "{P}/questions/1/a%2Fb",
    "{P}/questions/1/a%2Fb/2",
)
OVERLONG = _paths(
    "{P}/" + "x" * 10_000,
    "{P}/questions/tagged/" + "a" * 5000,
    "{P}/questions/tagged/" + "+".join(["ale"] * 2000),
    "{P}/tags/" + "a" * 5000 + "/info",
    "{P}/help/badges/" + "b" * 5000,
    "{P}/users/1/" + "n" * 5000,
    "{P}/questions/1/" + "s" * 5000,
    "{P}/questions?tab=" + "x" * 100_000,
    "{P}/questions?" + "&".join(f"p{i}=1" for i in range(2000)),
    "{P}/tags?filter=" + "x" * 100_000,
    "{P}/users?filter=" + "%E2%82%AC" * 10_000,
    "{P}/help/badges?name=" + "n" * 100_000,
    "{P}/questions?page=" + "9" * 5000,
)
BAD_BYTES = _paths(
    "{P}/questions/tagged/%FF%FE",
    "{P}/questions/tagged/%C0%AF",
    "{P}/questions/tagged/%ED%A0%80",
    "{P}/questions/tagged/a%00b",
    "{P}/tags/%00/info",
    "{P}/tags/%FF/info",
    "{P}/help/badges/%00",
    "{P}/help/badges/%FF%FE",
    "{P}/users/1/%00",
    "{P}/questions/1/%FF",
    "{P}/%FF%FE",
    "{P}/%00",
    "/%FF",
    "/%00",
    "{P}/questions?tab=%FF",
    "{P}/questions?tab=%00",
    "{P}/questions?page=%00",
    "{P}/questions?page=%FF",
    "{P}/tags?filter=%00",
    "{P}/tags?filter=%ED%A0%80",
    "{P}/users?filter=%00%01%02",
    "{P}/users?filter=%FF",
    "{P}/help/badges?name=%00",
    "{P}/help/badges?name=%FF",
    "{P}/questions?%FF=%FF",
    "{P}/questions?a=%",
    "{P}/questions?%%%",
)
PARAMETERS = _paths(
    *[
        f"{{P}}/questions?{query}"
        for query in (
            "page=-1",
            "page=0",
            "page=99999999999999999999",
            "page=1e9",
            "page=1.5",
            "page= 2",
            "page=%2B3",
            "page=1&page=2",
            "pagesize=-5",
            "pagesize=1000000",
            "pagesize=abc",
            "tab=<script>",
            "tab=../../",
            "tab=VOTES",
            "sort=%00",
            "filter=noanswers&tab=frequent&page=999",
            "filter=%3Cx%3E",
            "tab[]=x",
        )
    ],
    "{P}/?tab=month&page=-9",
    "{P}/tags?tab=new&page=-1",
    "{P}/tags?tab=name&page=99999999999999999999",
    "{P}/tags?tab=%00",
    "{P}/users?tab=newusers&page=0",
    "{P}/users?tab=xyz&filter=%25%25",
    "{P}/users/-1/community?tab=answers&sort=%00&page=-3",
    "{P}/users/-1/community?tab=questions&sort=newest&page=99999999999",
    "{P}/users/-1/community?tab=activity",
    "{P}/users/-1/community?tab=badges",
    "{P}/users/-1/community?tab=reputation&page=99999999999",
    "{P}/users/-1/community?tab=reputation&page=%00",
    "{P}/help/badges?tab=gold&name=",
    "{P}/help/badges?name=",
    "{P}/help/badges?name=%20",
    "{P}/help/badges?name=../../etc",
    "{P}/help/badges/Teacher?page=-1",
    "{P}/posts/1/revisions?view=%00",
    "{P}/questions/1/x?answertab=%00",
    "{P}/questions/1/x?answertab=votes&page=abc",
)
TAG_NAMES = _paths(
    *[
        f"{{P}}/questions/tagged/{tag}"
        for tag in (
            "c%2B%2B",
            "c++",
            "c%23",
            ".net",
            "ale+lager+stout+beer+wine+cider",
            "a+b+c+d+e+f+g",
            "+",
            "++",
            "%20",
            "%20%20",
            "-",
            "<script>alert(1)</script>",
            "%3Cscript%3E",
            "%F0%9F%8D%BA",
            "%E2%80%AE",
            "%CC%81",
            "UPPER",
            "a%3Fb",
            "a%23b",
            "a;b",
            "'%20OR%201=1--",
        )
    ],
    "{P}/tags/UPPER/info",
    "{P}/tags/%F0%9F%8D%BA/info",
    "{P}/tags/c%2B%2B",
    "{P}/tags/'%20OR%201=1--/info",
    "{P}/feeds/tag/%3Cscript%3E",
    "{P}/feeds/tag/c%2B%2B",
)
IDS = _paths(
    *[
        template.format(id=value)
        for value in (BIG, BIG - 1, HUGE, HUGE - 1, 2**64, -1, -(BIG + 1), -HUGE, 0, 10**30)
        for template in (
            "{{P}}/questions/{id}",
            "{{P}}/questions/{id}/slug",
            "{{P}}/questions/{id}/slug/{id}",
            "{{P}}/questions/1/slug/{id}",
            "{{P}}/q/{id}",
            "{{P}}/q/{id}/{id}",
            "{{P}}/a/{id}",
            "{{P}}/a/{id}/{id}",
            "{{P}}/users/{id}",
            "{{P}}/users/{id}/name",
            "{{P}}/u/{id}",
            "{{P}}/posts/{id}/revisions",
            "{{P}}/posts/{id}/comments",
            "{{P}}/feeds/question/{id}",
            "{{P}}/feeds/user/{id}",
            "{{P}}/sitemap-{id}.xml",
        )
    ]
)
METHODS = [
    Case(path, method=method)
    for method in ("POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "HEAD", "PROPFIND", "FOO")
    for path in ("{P}/", "{P}/questions/1/x", "{P}/posts/1/comments", "{P}/tags", "/", "/-/ping")
]
HEADERS = [
    Case("{P}/questions", headers=headers)
    for headers in (
        {"HTTP_X_BIG": "x" * 100_000},
        {**{f"HTTP_X_H{i}": "v" * 100 for i in range(500)}},
        {"HTTP_COOKIE": "sessionid=" + "x" * 5000},
        {"HTTP_COOKIE": "sessionid=%00%FF; csrftoken=<script>"},
        {"HTTP_COOKIE": "a=b; c; =; ;;;" + "x=" * 2000},
        {"HTTP_ACCEPT_LANGUAGE": "x" * 10_000},
        {"HTTP_ACCEPT_ENCODING": "gzip;q=" + "9" * 1000},
        {"HTTP_IF_MODIFIED_SINCE": "not a date"},
        {"HTTP_IF_NONE_MATCH": '"' + "x" * 5000},
        {"HTTP_RANGE": "bytes=99999999999-"},
        {"HTTP_HX_REQUEST": "true"},
        {"HTTP_X_FORWARDED_PROTO": "https", "HTTP_X_FORWARDED_HOST": "evil.com"},
        {"HTTP_HOST": "testserver:99999999"},  # Django checks the name, not the port
        {"HTTP_REFERER": "javascript:alert(1)"},
        {"HTTP_USER_AGENT": "\x00\xff" * 100},
        {"CONTENT_TYPE": "multipart/form-data; boundary=" + "x" * 10_000},
        {"CONTENT_LENGTH": "-1"},
        {"CONTENT_LENGTH": "99999999999999999999"},
    )
] + [Case("{P}/posts/1/comments", headers={"HTTP_HX_REQUEST": "true"})]
BAD_HOSTS = [
    Case(path, headers={"HTTP_HOST": host}, status=400)
    for host in (
        "evil.com",
        "evil.com:80",
        "testserver.evil.com",
        "a" * 300,
        "bad host",
        "[::1",
        "testserver\r\nX-Injected: 1",
        "%00",
        "testserver@evil.com",
        "testserver:80:80",
        "tëstserver",
        "testserver\x00",
    )
    for path in ("{P}/", "/", "{P}//evil.com")
]
STACK_EXCHANGE = _paths(
    "{P}/questions",
    "{P}/questions/tagged/ale",
    "{P}/tags",
    "{P}/users",
    "{P}/help/badges",
    "{P}/feeds",
    "{P}/sitemap.xml",
    "{P}/robots.txt",
    "/robots.txt",
    "/-/ping",
    "/",
)

CORPUS: list[Case] = [
    *TRAVERSAL,
    *DOUBLE_SLASHES,
    *ENCODED_SLASHES,
    *OVERLONG,
    *BAD_BYTES,
    *PARAMETERS,
    *TAG_NAMES,
    *IDS,
    *METHODS,
    *HEADERS,
    *BAD_HOSTS,
    *STACK_EXCHANGE,
]


def _row_cases(site: Any) -> list[Case]:
    """Requests for the site's own odd rows: the first and last post of each type (tag wikis,
    placeholders...), deleted, closed and locked posts, the first and last users and the one with
    the longest name, tags and badges with characters other than letters and digits."""
    from django.db.models import Max, Min, Q
    from django.db.models.functions import Length

    from pnyx.posts.models import Badge, Post, SiteUser, Tag
    from pnyx.sites.context import activated

    with activated(site):
        ends = Post.objects.values("post_type").annotate(first=Min("id"), last=Max("id"))
        post_ids = {i for row in ends for i in (row["first"], row["last"])}
        for condition in ("deletion_date", "closed_date", "locked_date"):
            found = Post.objects.filter(**{f"{condition}__isnull": False}).first()
            if found is not None:
                post_ids.add(found.id)
        parents = dict(Post.objects.filter(pk__in=post_ids).values_list("id", "parent_id"))
        users = SiteUser.objects.aggregate(first=Min("id"), last=Max("id"))
        longest = SiteUser.objects.order_by(Length("display_name").desc()).first()
        user_ids = {users["first"], users["last"], longest.id if longest else None} - {None}
        plain = Q(name__regex=r"^[a-z0-9-]+$")
        tags = [*Tag.objects.exclude(plain).values_list("name", flat=True)[:5]]
        tags += Tag.objects.order_by(Length("name").desc()).values_list("name", flat=True)[:1]
        badges = Badge.objects.exclude(name__regex=r"^[A-Za-z ]+$").values_list("name", flat=True)
        badge_names = sorted(set(badges[:50]))[:5]
    cases: list[Case] = []
    for post_id in sorted(post_ids):
        parent = parents.get(post_id) or 1
        cases += _paths(
            f"{{P}}/questions/{post_id}",
            f"{{P}}/questions/{post_id}/x",
            f"{{P}}/questions/{parent}/x/{post_id}",
            f"{{P}}/q/{post_id}",
            f"{{P}}/a/{post_id}",
            f"{{P}}/posts/{post_id}/revisions",
            f"{{P}}/posts/{post_id}/comments",
            f"{{P}}/feeds/question/{post_id}",
        )
        cases.append(Case(f"{{P}}/posts/{post_id}/comments", headers={"HTTP_HX_REQUEST": "true"}))
    for user_id in sorted(user_ids):
        cases += [Case(f"{{P}}/users/{user_id}/x?tab={tab}") for tab in USER_TABS]
        cases += _paths(f"{{P}}/users/{user_id}", f"{{P}}/feeds/user/{user_id}")
    for name in tags:
        quoted = quote(name, safe="")
        cases += _paths(
            f"{{P}}/questions/tagged/{quoted}",
            f"{{P}}/tags/{quoted}/info",
            f"{{P}}/feeds/tag/{quoted}",
        )
    cases += _paths(*[f"{{P}}/help/badges/{quote(name, safe='')}" for name in badge_names])
    return cases


USER_TABS = ("summary", "answers", "questions", "badges", "activity")


def _problems(client: Client, prefix: str, host: str, cases: list[Case]) -> Iterator[str]:
    for case in cases:
        path = case.path.replace("{P}", prefix)
        headers: dict[str, Any] = {"HTTP_HOST": host, **case.headers}
        response = client.generic(case.method, path, **headers)
        status = response.status_code
        if case.status is not None and status != case.status:
            yield f"{case}: {status}, expected {case.status}"
        elif not 200 <= status < 500:
            yield f"{case}: {status}"
        elif 300 <= status < 400 and not stays_on_host(response["Location"], host):
            yield f"{case}: redirects off the host, to {response['Location']!r}"


def _run(prefix: str, host: str, cases: list[Case] = CORPUS) -> None:
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    problems = list(_problems(client, prefix, host, cases))
    assert not problems, f"{len(problems)} of {len(cases)} cases:\n" + "\n".join(problems)


def test_the_corpus_is_large() -> None:
    assert len(CORPUS) > 400


def test_the_politics_site(politics) -> None:  # type: ignore[no-untyped-def]
    _run(politics.url_prefix, "testserver", [*CORPUS, *_row_cases(politics)])


def test_the_beer_site(beer) -> None:  # type: ignore[no-untyped-def]
    rows = _row_cases(beer)
    assert len(rows) > 100
    _run(beer.url_prefix, "testserver", [*CORPUS, *rows])


def test_a_site_on_its_own_host(make_site) -> None:  # type: ignore[no-untyped-def]
    make_site(hostnames=[OWN_HOST])
    with override_settings(ALLOWED_HOSTS=[OWN_HOST, "testserver"]):
        _run("", OWN_HOST)


def test_the_prefixed_form_on_a_sites_own_host(make_site) -> None:  # type: ignore[no-untyped-def]
    """The `/NAME/...` form on a site's own host redirects to the bare path: the corpus again,
    through that redirect."""
    site = make_site(hostnames=[OWN_HOST])
    with override_settings(ALLOWED_HOSTS=[OWN_HOST, "testserver"]):
        _run(site.url_prefix, OWN_HOST)
