"""The XSS corpus and what proves, in Chromium, that none of it runs.

`payloads()` reads tests/browser/xss_payloads.toml and fills each payload's placeholders with a
call that names it (`pnyxXss(17)`, encoded as the payload needs). A `Submit` puts one payload into
one field, the way a person would, and answers the path of a page that shows it (or None when the
site's rules refused the text: that must be a clean refusal, a `PnyxError` or a 4xx page):

    def submit(payload: str, field: str) -> str | None

`FormSubmitter` (tests/browser/xss_forms.py) does it through the site's forms over HTTP, as a
signed-in person; `DomainSubmitter` here through the domain functions and `pnyx.posts.models`,
around the forms' rules, as an import would. `test_xss.py` runs the checks for the submitters
named in `PNYX_XSS_SUBMITTERS` (see SUBMITTERS there).

`check_pages()` loads pages many at a time, in frames of one harness page (the site's own framing
refusal and `frame-ancestors` are relaxed for this, nothing else), with the site's
Content-Security-Policy or with that header removed, so that the sanitiser alone is proven too.
A payload has run when it called `pnyxXss`, opened a dialog, navigated a frame, opened a window,
or made its styles or markup fetch the `/xss-signal/` path; and every page's DOM is audited for
what could run later (an `on*` attribute waiting for a click, a `javascript:` link, a foreign
script, frame, object, base or style element).
"""

from __future__ import annotations

import base64
import itertools
import math
import re
import tomllib
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

CORPUS = Path(__file__).with_name("xss_payloads.toml")
SIGNAL_PATH = "/xss-signal/"
SIGNAL_RE = re.compile(re.escape(SIGNAL_PATH) + r"(\d+)")
HARNESS_PATH = "/-/xss-harness"
FIELDS = (
    "title",
    "body",
    "answer",
    "comment",
    "tags",
    "edit_summary",
    "display_name",
    "location",
    "website",
    "about_me",
)


@dataclass(frozen=True)
class Payload:
    number: int
    category: str
    text: str
    template: str

    @property
    def signals(self) -> bool:
        """Whether the payload, if it ran, would name itself (its text depends on its number)."""
        return _fill(self.template, 1) != _fill(self.template, 2)


def _fill(template: str, number: int) -> str:
    call = f"pnyxXss({number})"
    values = {
        "{js}": call,
        "{js_dec}": "".join(f"&#{ord(c)};" for c in call),
        "{js_hex}": "".join(f"&#x{ord(c):x};" for c in call),
        "{js_pct}": "".join(f"%{ord(c):02X}" for c in call),
        "{js_uni}": "".join(f"\\u{ord(c):04x}" for c in call),
        "{js_b64}": base64.b64encode(call.encode()).decode(),
        "{html_b64}": base64.b64encode(f"<script>{call}</script>".encode()).decode(),
        "{signal}": f"{SIGNAL_PATH}{number}",
    }
    for placeholder, value in values.items():
        template = template.replace(placeholder, value)
    return template


def payloads() -> list[Payload]:
    corpus = tomllib.loads(CORPUS.read_text(encoding="utf-8"))
    numbered = itertools.count(1)
    return [
        Payload(number, category, _fill(text, number), text)
        for category, section in corpus.items()
        for text, number in zip(section["payloads"], numbered, strict=False)
    ]


class Submit(Protocol):
    def __call__(self, payload: str, field: str) -> str | None: ...


# ---------- Through the domain functions ----------


def _padded(text: str, minimum: int, padding: str) -> str:
    return text if len(text.strip()) >= minimum else f"{text}{padding}"


class DomainSubmitter:
    """Puts payloads into a site through `pnyx.posts.services` (and its models where no service
    exists yet). Each payload gets a user of its own (display name, location, website, about me:
    one user page) and a question of its own (title, body, an answer, comments: one question
    page); tags go on a question of their own when valid; edit summaries are revisions, many on
    one post (one revisions page)."""

    EDITS_PER_POST = 60

    def __init__(self, site: Any) -> None:
        self.site = site
        self._users: dict[str, Any] = {}
        self._questions: dict[str, Any] = {}
        self._edits: list[Any] = []
        self._edit_count = 0
        self._count = itertools.count(1)

    def __call__(self, payload: str, field: str) -> str | None:
        from pnyx.errors import PnyxError
        from pnyx.sites.context import activated

        with activated(self.site):
            try:
                return getattr(self, f"_{field}")(payload)
            except PnyxError:
                return None  # refused by the rules, with a message: what a form would show

    def _path(self, name: str, *args: object) -> str:
        from pnyx.sites.paths import site_path

        return site_path(self.site, name, *args)

    def _user_path(self, user: Any) -> str:
        from pnyx.posts.slugs import slugify_name

        return self._path("user", user.id, slugify_name(user.display_name))

    def _question_path(self, question: Any) -> str:
        from pnyx.posts.slugs import slugify_title

        return self._path("question", question.id, slugify_title(question.title))

    def _user(self, payload: str) -> Any:
        from tests import factories as services

        from pnyx.errors import PnyxError

        if payload not in self._users:
            try:
                self._users[payload] = services.create_user(payload)
            except PnyxError:
                self._users[payload] = services.create_user(f"Payload user {next(self._count)}")
        return self._users[payload]

    def _set_user_field(self, payload: str, name: str) -> str:
        from pnyx.posts.models import SiteUser

        user = self._user(payload)
        SiteUser.objects.filter(pk=user.pk).update(**{name: payload})
        return self._user_path(user)

    def _display_name(self, payload: str) -> str:
        from pnyx.posts import rules

        rules.check_display_name(payload)  # a name the rules refuse is refused here too
        user = self._user(payload)
        # Its name shows on its own page, on the question it asked, and in `@name` replies.
        self._question(payload)
        return self._user_path(user)

    def _location(self, payload: str) -> str:
        return self._set_user_field(payload, "location")

    def _website(self, payload: str) -> str:
        return self._set_user_field(payload, "website_url")

    def _about_me(self, payload: str) -> str:
        return self._set_user_field(payload, "about_me")

    def _question(self, payload: str, title: str | None = None) -> Any:
        from tests import factories as services

        if payload not in self._questions:
            body = _padded(payload, 30, "\n\nPadding so that the body is long enough.")
            author = self._user(payload)
            question = services.ask_question(
                author, title or f"Question holding payload {next(self._count)}", body, ["xss"]
            )
            # An answer and comments by the payload's user, one of them an `@name` reply.
            answer = services.post_answer(question, author, body)
            other = services.create_user(f"Replier {next(self._count)}")
            services.add_comment(
                question, other, f"@{author.display_name.split()[0]} a reply to the asker"
            )
            services.add_comment(answer, author, "A comment of reasonable length.")
            self._questions[payload] = question
        return self._questions[payload]

    def _title(self, payload: str) -> str:
        from pnyx.posts import rules

        # `title` comes first in FIELDS: the payload's question is asked under it.
        title = rules.check_title(_padded(payload, 15, " (title payload)"))
        return self._question_path(self._question(payload, title))

    def _body(self, payload: str) -> str:
        return self._question_path(self._question(payload))

    def _answer(self, payload: str) -> str:
        return self._question_path(self._question(payload))

    def _comment(self, payload: str) -> str:
        from tests import factories as services

        question = self._question(payload)
        services.add_comment(question, self._user(payload), _padded(payload, 15, " (comment)"))
        return self._question_path(question)

    def _tags(self, payload: str) -> str:
        from tests import factories as services

        from pnyx.posts import rules

        tags = rules.check_tags(payload)
        question = services.ask_question(
            self._user(payload), f"Tagged with payload {next(self._count)}", "x" * 40, tags
        )
        return self._question_path(question)

    def _edit_summary(self, payload: str) -> str:
        from tests import factories as services

        from pnyx.posts.models import HistoryType, PostHistory

        if not self._edits or self._edit_count % self.EDITS_PER_POST == 0:
            self._edits.append(
                services.ask_question(
                    self._user(payload),
                    f"Edited again and again {next(self._count)}",
                    "The first version of this body.",
                    ["xss"],
                )
            )
        self._edit_count += 1
        post = self._edits[-1]
        PostHistory.objects.create(
            history_type=HistoryType.EDIT_BODY,
            post=post,
            revision_guid=str(uuid.uuid4()),
            creation_date=post.creation_date,
            user=self._user(payload),
            comment=payload,
            text=_padded(payload, 30, "\n\nPadding so that the body is long enough."),
        )
        return self._path("revisions", post.id)


def list_pages(site: Any) -> list[str]:
    """The site-wide pages that show every payload's title, tags, name or location."""
    from pnyx.posts.models import Post, PostType, SiteUser, Tag
    from pnyx.posts.tag_selectors import TAGS_PER_PAGE
    from pnyx.posts.user_selectors import USERS_PER_PAGE
    from pnyx.sites.context import activated
    from pnyx.sites.paths import site_path

    with activated(site):
        questions = Post.objects.filter(post_type=PostType.QUESTION).count()
        users = SiteUser.objects.count()
        tags = Tag.objects.count()
    pages = [site_path(site, "site_home"), site_path(site, "feed_site")]
    pages += [
        f"{site_path(site, 'questions')}?pagesize=50&page={n}"
        for n in range(1, math.ceil(questions / 50) + 1)
    ]
    pages += [
        f"{site_path(site, 'users')}?page={n}"
        for n in range(1, math.ceil(users / USERS_PER_PAGE) + 1)
    ]
    pages += [
        f"{site_path(site, 'tags')}?page={n}" for n in range(1, math.ceil(tags / TAGS_PER_PAGE) + 1)
    ]
    pages.append(f"{site_path(site, 'tagged', 'xss')}?pagesize=50")
    return pages


# ---------- Loading pages and watching them ----------

LOAD_FRAMES = """async urls => {
  const failed = [];
  await Promise.all(urls.map(url => new Promise(done => {
    const frame = document.createElement("iframe");
    const timer = setTimeout(() => { failed.push(url); done(); }, 15000);
    frame.onload = () => { clearTimeout(timer); done(); };
    frame.src = url;
    document.body.append(frame);
  })));
  return failed;
}"""

# What could still run after the page has loaded: handlers waiting for an event, script URLs
# waiting for a click, and elements that have no business on a Pnyx page.
AUDIT_DOCUMENT = r"""(doc, scope) => {
  const bad = [];
  const own = doc.location.origin + "/static/";
  const urlAttributes = new Set(["href", "src", "action", "formaction", "xlink:href", "data",
    "poster", "background", "codebase", "dynsrc", "lowsrc", "cite", "longdesc", "ping",
    "srcset", "to", "values", "from", "by"]);
  const forbidden = new Set(["iframe", "frame", "frameset", "object", "embed", "applet", "base",
    "style", "portal", "animate", "set", "animatetransform", "animatemotion", "foreignobject",
    "use", "handler", "listener"]);
  const inContentOnly = new Set(["form", "input", "button", "select", "textarea", "svg", "math",
    "script", "noscript", "template", "link", "meta"]);
  const controls = new Set(["form", "input", "button", "select", "textarea"]);
  const say = (el, what) => bad.push(`${el.tagName.toLowerCase()} ${what}`.slice(0, 160));
  // The whole page, or (for the editor, whose own markup has inputs and styles) what it shows
  // of the text: the editing view and the preview.
  const elements = scope ? doc.querySelectorAll(scope.map(s => `${s}, ${s} *`).join(", "))
                         : doc.querySelectorAll("*");
  for (const el of elements) {
    const tag = el.tagName.toLowerCase();
    const content = scope !== null || el.closest(".s-prose, .comment-copy") !== null;
    for (const attribute of el.attributes) {
      const name = attribute.name.toLowerCase();
      const value = attribute.value.replace(/[\u0000-\u0020\u007f-\u009f]/g, "").toLowerCase();
      if (name.startsWith("on") || name === "srcdoc" || (name === "style" && !scope))
        say(el, `[${name}]`);
      else if (name.startsWith("hx-on") || name.startsWith("data-hx-on") ||
               (content && /^(data-)?hx-|^(x-|v-|ng-|:|@)/.test(name))) say(el, `[${name}]`);
      else if (urlAttributes.has(name) && /^(javascript|vbscript|data|livescript):/.test(value))
        say(el, `[${name}=${attribute.value}]`);
    }
    if (forbidden.has(tag)) say(el, "element");
    // (In the editor's view, form controls are its own: the image and link editing popovers.)
    if (content && inContentOnly.has(tag) && !(scope && controls.has(tag)))
      say(el, "element in user content");
    if (tag === "meta" && el.hasAttribute("http-equiv")) say(el, "[http-equiv]");
    if (tag === "script" && !(el.src && el.src.startsWith(own))) say(el, el.src || el.text);
    if (tag === "link" && /stylesheet|import|preload|modulepreload/.test(el.rel) &&
        !el.href.startsWith(own)) say(el, el.href);
  }
  return bad;
}"""
# In one page; and in every frame of the harness at once (one round trip for a whole batch).
AUDIT = f"scope => ({AUDIT_DOCUMENT})(document, scope)"
AUDIT_FRAMES = f"""() => [...document.querySelectorAll("iframe")].map(
  frame => [frame.src, ({AUDIT_DOCUMENT})(frame.contentDocument, null)])"""


@dataclass
class Findings:
    """Everything seen while loading pages; empty lists mean nothing ran or could run."""

    loaded: int = 0
    ran: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    navigations: list[str] = field(default_factory=list)
    windows: list[str] = field(default_factory=list)
    signals: list[str] = field(default_factory=list)
    audit: list[str] = field(default_factory=list)
    unloaded: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    missing_policy: list[str] = field(default_factory=list)

    def problems(self) -> dict[str, list[str]]:
        named = {
            "ran": self.ran,
            "dialogs": self.dialogs,
            "navigations": self.navigations,
            "windows": self.windows,
            "signals": self.signals,
            "audit": self.audit,
            "unloaded": self.unloaded,
            "failed": self.failed,
            "missing_policy": self.missing_policy,
        }
        return {name: items for name, items in named.items() if items}

    def payloads_that_ran(self) -> set[int]:
        return {int(entry.split()[1]) for entry in self.ran} | {
            int(number) for entry in self.signals for number in SIGNAL_RE.findall(entry)[:1]
        }


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _watched_page(
    browser: Any,
    base_url: str,
    pages: list[str],
    findings: Findings,
    *,
    with_policy: bool,
    raw_pages: dict[str, str] | None,
) -> tuple[Any, Any, set[str]]:
    """A browser context and page that record what runs (see the module's docstring), with the
    harness page open. Returns the context, the page and the set of URLs frames may show."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(30_000)
    expected: set[str] = set()

    def ran(source: dict[str, Any], number: object) -> None:
        findings.ran.append(f"payload {number} in {source['frame'].url}")

    context.expose_binding("pnyxXss", ran)

    def route(request_route: Any) -> None:
        request = request_route.request
        url = request.url
        if not url.startswith(base_url):
            request_route.abort()
            return
        path = urlsplit(url).path
        if path.startswith(SIGNAL_PATH):
            findings.signals.append(f"{url} from {request.frame.url if request.frame else '?'}")
            request_route.fulfill(status=404, body="")
            return
        if path == HARNESS_PATH:
            request_route.fulfill(
                status=200, content_type="text/html", body="<!doctype html><title>xss</title>"
            )
            return
        if raw_pages is not None and path in raw_pages:
            request_route.fulfill(status=200, content_type="text/html", body=raw_pages[path])
            return
        if not request.is_navigation_request():
            request_route.continue_()
            return
        response = request_route.fetch()
        if response.status != 200:
            findings.failed.append(f"{url}: {response.status}")
        headers = {
            name: value
            for name, value in response.headers.items()
            if name.lower() not in ("x-frame-options", "content-security-policy")
        }
        policy = response.headers.get("content-security-policy")
        if policy is None or "script-src 'self'" not in policy:
            findings.missing_policy.append(url)
        elif with_policy:
            headers["content-security-policy"] = policy.replace(
                "frame-ancestors 'none'", "frame-ancestors 'self'"
            )
        request_route.fulfill(response=response, headers=headers)

    # Only what needs watching or rewriting is routed (each routed request costs a round trip
    # to this process, and static files are many): the pages under test (their first path
    # segments), the harness, the signal path, and the hosts the corpus names, which are
    # refused at once rather than looked up.
    segments = {path.split("/", 2)[1] for path in pages} | {HARNESS_PATH.split("/", 2)[1]}
    for pattern in (
        *(f"{base_url}/{segment}/**" for segment in sorted(segments)),
        f"**{SIGNAL_PATH}**",
        "**://example.org/**",
        "**://*.example.org/**",
    ):
        context.route(pattern, route)
    page = context.new_page()
    context.on("page", lambda opened: findings.windows.append(opened.url))

    def dialog(d: Any) -> None:
        findings.dialogs.append(f"{d.type}: {d.message}")
        d.dismiss()

    page.on("dialog", dialog)

    def navigated(frame: Any) -> None:
        if frame.url not in expected and frame.url != "about:blank":
            findings.navigations.append(frame.url)

    page.on("framenavigated", navigated)
    harness = base_url + HARNESS_PATH
    expected.add(harness)
    page.goto(harness)
    return context, page, expected


def check_pages(
    browser: Any,
    base_url: str,
    paths: Iterable[str],
    *,
    with_policy: bool,
    batch: int = 32,
    raw_pages: dict[str, str] | None = None,
) -> Findings:
    """Load `paths` (each once) in Chromium and report what ran or could run.

    `with_policy` keeps the site's Content-Security-Policy (less `frame-ancestors`, so that the
    harness may frame the pages); without it the header is removed and only the sanitiser
    stands. `raw_pages` serves given HTML at given paths instead of the site (to test the
    harness itself).
    """
    findings = Findings()
    pages = sorted(set(paths))
    context, page, expected = _watched_page(
        browser, base_url, pages, findings, with_policy=with_policy, raw_pages=raw_pages
    )
    try:
        for chunk in _chunks(pages, batch):
            urls = [base_url + path for path in chunk]
            expected.update(urls)
            findings.unloaded += page.evaluate(LOAD_FRAMES, urls)
            page.wait_for_timeout(150)  # timers, autofocus and animation events
            for url, found in page.evaluate(AUDIT_FRAMES):
                findings.audit += [f"{url}: {bad}" for bad in found]
            findings.loaded += len(urls)
            page.evaluate("document.body.replaceChildren()")
    finally:
        context.close()
    return findings


# Put a text into the editor the way an edit page opens it (the view Pnyx offers: Markdown).
SHOW_IN_EDITOR = """async text => {
  document.querySelector("[data-editor]").stacksEditor.content = text;
  await new Promise(done => setTimeout(done, 30));
}"""
EDITOR_SCOPE = [".editor-stacks .ProseMirror", "[data-editor-preview]"]


def check_editor(
    browser: Any, base_url: str, path: str, texts: list[tuple[int, str]], *, with_policy: bool
) -> Findings:
    """Open the editor page at `path` once and put each text into the editor."""
    findings = Findings()
    context, page, expected = _watched_page(
        browser, base_url, [path], findings, with_policy=with_policy, raw_pages=None
    )
    try:
        url = base_url + path
        expected.add(url)
        findings.unloaded += page.evaluate(LOAD_FRAMES, [url])
        frame = page.frames[1]
        frame.wait_for_function("document.querySelector('[data-editor]').stacksEditor")
        for number, text in texts:
            frame.evaluate(SHOW_IN_EDITOR, text)
            findings.audit += [
                f"payload {number}: {bad}" for bad in frame.evaluate(AUDIT, EDITOR_SCOPE)
            ]
            findings.loaded += 1
        page.wait_for_timeout(150)
    finally:
        context.close()
    return findings


def describe(findings: Findings, limit: int = 25) -> str:
    lines = [f"{findings.loaded} pages loaded"]
    for name, items in findings.problems().items():
        lines.append(f"{name} ({len(items)}):")
        lines += [f"    {item}" for item in items[:limit]]
    return "\n".join(lines)


def submit_all(submit: Submit, corpus: list[Payload]) -> tuple[list[str], list[tuple[int, str]]]:
    """Every payload into every field: the pages to load, and (payload, field) refused."""
    paths: list[str] = []
    refused: list[tuple[int, str]] = []
    for payload in corpus:
        for name in FIELDS:
            path = submit(payload.text, name)
            if path is None:
                refused.append((payload.number, name))
            else:
                paths.append(path)
    return paths, refused
