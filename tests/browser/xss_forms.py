"""Putting the XSS corpus into a site through its web forms, as a signed-in person would.

`FormSubmitter` is a `Submit` (see tests/browser/xss.py) that works over HTTP with Django's test
client, CSRF checks enforced: every POST carries the token read from the hidden input of the form
it came from, and each form is fetched from the page that shows it. Per payload it signs up an
account (the payload as display name), asks a question (title and body), answers it, comments
on it, and edits its profile (display name, location, website, about me). A replier answers
each asker whose name is a payload with an `@name` comment; a tagger asks with the payload as
tags; an editor edits one post again and again with the payload as edit summary (60 revisions
per post, one revisions page).

A form that refuses a text must do so cleanly: a 4xx (or allauth's 200) page that says why in an
alert or beside the field, and nothing written. Each refusal is recorded (`refusals`), and each
text a form took is looked up in the database (`stored`), so a form that silently drops what it
was sent fails the test instead of passing it.

Only what stands between a test and hundreds of sign-ups is changed, for the time of the
submission (`form_environment()`; `submit_through_forms` puts a whole corpus in): a fast password hasher instead of Argon2, the
sign-up and log-in rate limits raised, the 15 seconds between two comments by one person waived,
and e-mail (the sign-up's confirmation) kept in memory.
"""

from __future__ import annotations

import contextlib
import itertools
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

from tests.constants import ACCOUNT_PASSWORD

PADDING = "\n\nPadding so that the body is long enough."
VOID_ELEMENTS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)
PROFILE_COLUMNS = ("display_name", "location", "website_url", "about_me_markdown")
SKIPPED_INPUTS = frozenset({"submit", "button", "image", "reset", "file"})


def padded(text: str, minimum: int, padding: str) -> str:
    return text if len(text.strip()) >= minimum else f"{text}{padding}"


def _words(text: str | None) -> str:
    return " ".join((text or "").split())


@dataclass
class Form:
    action: str
    fields: dict[str, str] = field(default_factory=dict)


class PageParser(HTMLParser):
    """The forms of a page (action and the values they would send), the messages it shows in
    alerts and beside fields (with the fields those are about), and the signed-in user's link."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.messages: list[str] = []
        self.field_messages: dict[str, str] = {}  # field name -> what is said beside it
        self.own_profile: str | None = None
        self._form: Form | None = None
        self._textarea: str | None = None
        self._text: list[str] = []
        self._stack: list[tuple[str, bool]] = []  # open elements, and whether each is a message
        self._about: str | None = None  # the field the message being read is about

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        classes = attributes.get("class", "").split()
        if tag == "form":
            self._form = Form(urlsplit(attributes.get("action", "")).path)
            self.forms.append(self._form)
        elif tag == "input" and self._form is not None and attributes.get("name"):
            kind = attributes.get("type", "text").lower()
            if kind not in SKIPPED_INPUTS and (
                kind not in ("checkbox", "radio") or "checked" in attributes
            ):
                self._form.fields[attributes["name"]] = attributes.get("value", "")
        elif tag == "textarea" and self._form is not None and attributes.get("name"):
            self._textarea = attributes["name"]
            self._form.fields[self._textarea] = ""
        elif tag == "a" and "topbar-user" in classes:
            self.own_profile = urlsplit(attributes.get("href", "")).path
        if tag not in VOID_ELEMENTS:
            message = attributes.get("role") == "alert" or bool(
                {"errorlist", "form-error"} & set(classes)
            )
            if message and not any(m for _, m in self._stack):
                self._text = []
                # Django's field errors: <ul class="errorlist" id="id_NAME_error">
                error_id = attributes.get("id", "")
                self._about = (
                    error_id[3 : -len("_error")]
                    if error_id.startswith("id_") and error_id.endswith("_error")
                    else None
                )
            self._stack.append((tag, message))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        while self._stack:
            name, message = self._stack.pop()
            if message and not any(m for _, m in self._stack):
                text = _words("".join(self._text))
                if text:
                    self.messages.append(text)
                    if self._about:
                        self.field_messages[self._about] = text
            if name == tag:
                break

    def handle_data(self, data: str) -> None:
        if self._textarea is not None and self._form is not None:
            self._form.fields[self._textarea] += data
        if any(m for _, m in self._stack):
            self._text.append(data)


def parse(response: Any) -> PageParser:
    parser = PageParser()
    parser.feed(response.content.decode())
    parser.close()
    return parser


def form_at(page: PageParser, action: str) -> Form:
    for form in page.forms:
        if form.action == action:
            return form
    raise AssertionError(
        f"no form posting to {action} on the page: {[f.action for f in page.forms]}"
    )


@dataclass(frozen=True)
class Refusal:
    field: str
    status: int
    message: str
    payload: str


@dataclass
class Member:
    client: Any
    display_name: str
    email: str
    profile: str = ""  # the path of the site user's page, once a member of the site


class RefusedByForm(Exception):
    def __init__(self, status: int, message: str, page: PageParser) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.page = page


class FormSubmitter:
    """Submits each payload through the site's forms (see the module's docstring)."""

    EDITS_PER_POST = 60

    def __init__(self, site: Any, label: str = "") -> None:
        self.site = site
        self.label = label  # tells apart the names of submitters that work side by side
        self.refusals: list[Refusal] = []
        self.signup_refusals: list[Refusal] = []  # display names the sign-up form refused
        self.stored: Counter[str] = Counter()
        self.requests = 0
        self._members: dict[str, Member] = {}
        self._questions: dict[str, str] = {}  # payload -> question path
        # payload -> its question page as the asker saw it (with the comment form)
        self._threads: dict[str, PageParser] = {}
        self._tag_form: Form | None = None  # the tagger's ask form, shown again after a refusal
        self._profiles: dict[str, dict[str, str | None]] = {}
        self._helpers: dict[str, Member] = {}
        self._edited: str | None = None  # the path of the post being edited
        self._edit_count = 0
        self._numbers = itertools.count(1)

    def _next(self) -> str:
        return f"{self.label}{next(self._numbers)}"

    # ---------- Submit ----------

    def __call__(self, payload: str, field: str) -> str | None:
        return getattr(self, f"_{field}")(payload)

    # ---------- HTTP ----------

    def _path(self, name: str, *args: object) -> str:
        from pnyx.sites.paths import site_path

        return site_path(self.site, name, *args)

    def _get(self, member: Member, path: str) -> PageParser:
        self.requests += 1
        response = member.client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        return parse(response)

    def _send(self, member: Member, form: Form, data: dict[str, str]) -> str:
        """POST the form with `data` typed in; the address it redirects to, or RefusedByForm
        (after checking that the refusal says why)."""
        self.requests += 1
        response = member.client.post(form.action, {**form.fields, **data})
        if response.status_code in (301, 302, 303):
            return str(response["Location"])
        page = parse(response)
        assert response.status_code == 200 or 400 <= response.status_code < 500, (
            form.action,
            response.status_code,
        )
        assert page.messages, f"{form.action} refused ({response.status_code}) without a message"
        assert form_at(page, form.action), "the refused form is shown again"
        raise RefusedByForm(response.status_code, page.messages[0], page)

    def _refused(self, field: str, payload: str, refusal: RefusedByForm) -> None:
        self.refusals.append(Refusal(field, refusal.status, refusal.message, payload))

    def _rows_in(self, table: str, member: Member) -> int:
        """The rows of `table` that `member` wrote (their account, for `Account`)."""
        from pnyx.accounts.models import Account
        from pnyx.posts import models
        from pnyx.sites.context import activated

        if table == "Account":
            return Account.objects.filter(email=member.email).count()
        with activated(self.site):
            account = Account.objects.get(email=member.email)
            users = models.SiteUser.objects.filter(account_id=account.id).values("id")
            by = "owner_id" if table == "Post" else "user_id"
            return int(getattr(models, table).objects.filter(**{f"{by}__in": users}).count())

    @contextlib.contextmanager
    def _nothing_written_if_refused(self, table: str, member: Member) -> Iterator[None]:
        """On a refusal, check that `member` has no new row in `table`, where the form writes
        (by the member: other submitters may be writing at the same time)."""
        before = self._rows_in(table, member)
        try:
            yield
        except RefusedByForm:
            assert self._rows_in(table, member) == before, f"a refused form wrote to {table}"
            raise

    def _row(self, model: str, pk: int, *names: str) -> tuple[Any, ...]:
        from pnyx.posts import models
        from pnyx.sites.context import activated

        with activated(self.site):
            row = getattr(models, model).objects.filter(pk=pk).values_list(*names).first()
        assert row is not None, (model, pk)
        return tuple(row)

    def _check_stored(self, field: str, payload: str, *values: str | None) -> None:
        """Count the field as stored when the payload (spaces collapsed) is in what was saved."""
        if any(_words(payload) in _words(value) for value in values):
            self.stored[field] += 1
        else:
            raise AssertionError(f"{field}: the form took {payload!r} but stored {values!r}")

    # ---------- People ----------

    def _sign_up(self, display_name: str, fallback: str) -> tuple[Member, RefusedByForm | None]:
        """A new account through the sign-up form, signed in; if the form refuses the display
        name, the refusal and an account under `fallback`."""
        from django.test import Client

        email = f"payload{self._next()}@example.org"
        member = Member(Client(enforce_csrf_checks=True), display_name, email)
        signup = self._path("account_signup")
        form = form_at(self._get(member, signup), signup)
        data = {"display_name": display_name, "email": email, "password1": ACCOUNT_PASSWORD}
        refused = None
        try:
            with self._nothing_written_if_refused("Account", member):
                self._send(member, form, data)
        except RefusedByForm as exc:
            refused = exc
            member.display_name = fallback
            self._send(member, form_at(exc.page, signup), {**data, "display_name": fallback})
        return member, refused

    def _helper(self, role: str, reputation: int) -> Member:
        """A member with the reputation to do what the role needs, joined through the top bar's
        form; the reputation is given through the database, as the participation tests do."""
        from pnyx.posts.models import SiteUser
        from pnyx.sites.context import activated

        if role not in self._helpers:
            name = f"The {role}{self.label}"
            member, _ = self._sign_up(name, name)
            home = self._path("site_home")
            join = form_at(self._get(member, home), self._path("join_site"))
            back = urlsplit(self._send(member, join, {})).path
            member.profile = self._get(member, back).own_profile or ""
            with activated(self.site):
                SiteUser.objects.filter(pk=_user_id(member.profile)).update(reputation=reputation)
            self._helpers[role] = member
            if role == "tagger":  # creates the tag every payload's question is asked under
                ask = self._path("ask")
                data = {
                    "title": f"The first question under the xss tag {self._next()}",
                    "body": "A question that makes the tag, long enough.",
                    "tags": "xss",
                }
                self._send(member, form_at(self._get(member, ask), ask), data)
        return self._helpers[role]

    def _member(self, payload: str) -> Member:
        if payload not in self._members:
            fallback = f"Payload user {self._next()}"
            member, refused = self._sign_up(payload, fallback)
            self._members[payload] = member
            if refused is not None:
                self.signup_refusals.append(
                    Refusal("display_name", refused.status, refused.message, payload)
                )
        return self._members[payload]

    # ---------- Questions, answers, comments ----------

    def _question(self, payload: str) -> str:
        """The payload's question, asked (with the payload as body; as title when the form
        takes it), answered and commented on; its path."""
        if payload in self._questions:
            return self._questions[payload]
        self._helper("tagger", 2000)  # the `xss` tag exists before anyone asks
        member = self._member(payload)
        ask = self._path("ask")
        page = self._get(member, ask)
        body = padded(payload, 30, PADDING)
        title = padded(payload, 15, " (title payload)")
        data = {"title": title, "body": body, "tags": "xss"}
        try:
            with self._nothing_written_if_refused("Post", member):
                location = self._send(member, form_at(page, ask), data)
            title_taken = True
        except RefusedByForm as exc:
            self._refused("title", payload, exc)
            title = f"Question holding payload {self._next()}"
            location = self._send(member, form_at(exc.page, ask), {**data, "title": title})
            title_taken = False
        path = urlsplit(location).path
        question_id = _question_id(path)
        stored_title, stored_body = self._row("Post", question_id, "title", "body_markdown")
        if title_taken:
            self._check_stored("title", payload, stored_title)
        self._check_stored("body", payload, stored_body)
        self._questions[payload] = path
        # The asker answers (an answer shows its author's name and card too).
        thread = self._get(member, path)
        member.profile = thread.own_profile or ""
        answer = self._path("answer_submit", question_id)
        location = self._send(member, form_at(thread, answer), {"body": body})
        answer_id = int(location.rsplit("#", 1)[1])
        self._check_stored("answer", payload, *self._row("Post", answer_id, "body_markdown"))
        if member.display_name == payload:
            # Someone replies to the asker by name: the `@name` rule links the payload's name.
            replier = self._helper("replier", 100)
            comments = self._path("post_comments", question_id)
            reply = f"@{member.display_name.split()[0]} a reply to the asker"
            self._send(replier, form_at(self._get(replier, path), comments), {"text": reply})
        self._threads[payload] = thread
        return path

    def _title(self, payload: str) -> str | None:
        path = self._question(payload)
        refused = any(r.field == "title" and r.payload == payload for r in self.refusals)
        return None if refused else path

    def _body(self, payload: str) -> str:
        return self._question(payload)

    def _answer(self, payload: str) -> str:
        return self._question(payload)

    def _comment(self, payload: str) -> str | None:
        from pnyx.posts.models import Comment
        from pnyx.sites.context import activated

        path = self._question(payload)
        member = self._member(payload)
        comments = self._path("post_comments", _question_id(path))
        form = form_at(self._threads[payload], comments)
        text = padded(payload, 15, " (comment)")
        try:
            with self._nothing_written_if_refused("Comment", member):
                location = self._send(member, form, {"text": text})
        except RefusedByForm as exc:
            self._refused("comment", payload, exc)
            return None
        comment_id = int(location.rsplit("#comment-", 1)[1])
        with activated(self.site):
            stored = Comment.objects.get(pk=comment_id).text
        self._check_stored("comment", payload, stored)
        return path

    def _tags(self, payload: str) -> str | None:
        tagger = self._helper("tagger", 2000)
        ask = self._path("ask")
        form = self._tag_form or form_at(self._get(tagger, ask), ask)
        self._tag_form = None
        data = {
            "title": f"Tagged with payload {self._next()}",
            "body": "A question whose tags are the payload, long enough.",
            "tags": payload,
        }
        try:
            with self._nothing_written_if_refused("Post", tagger):
                location = self._send(tagger, form, data)
        except RefusedByForm as exc:
            self._refused("tags", payload, exc)
            self._tag_form = form_at(exc.page, ask)
            return None
        self.stored["tags"] += 1
        return urlsplit(location).path

    # ---------- Edits ----------

    def _edit_summary(self, payload: str) -> str | None:
        from pnyx.posts.models import HistoryType, PostHistory
        from pnyx.sites.context import activated

        editor = self._helper("editor", 1)
        if self._edited is None or self._edit_count % self.EDITS_PER_POST == 0:
            ask = self._path("ask")
            data = {
                "title": f"Edited again and again {self._next()}",
                "body": "The first version of this body, long enough.",
                "tags": "xss",
            }
            self._edited = urlsplit(
                self._send(editor, form_at(self._get(editor, ask), ask), data)
            ).path
        self._edit_count += 1
        post_id = _question_id(self._edited)
        edit = self._path("post_edit", post_id)
        form = form_at(self._get(editor, edit), edit)
        body = f"Revision {self._edit_count} of this body: each edit changes it."
        try:
            with self._nothing_written_if_refused("PostHistory", editor):
                self._send(editor, form, {"body": body, "summary": payload})
        except RefusedByForm as exc:
            self._refused("edit_summary", payload, exc)
            return None
        with activated(self.site):
            summary = (
                PostHistory.objects.filter(post_id=post_id, history_type=HistoryType.EDIT_BODY)
                .order_by("-id")
                .values_list("comment", flat=True)
                .first()
            )
        self._check_stored("edit_summary", payload, summary)
        return self._path("revisions", post_id)

    # ---------- Profiles ----------

    PROFILE_FIELDS = {
        "display_name": "display_name",
        "location": "location",
        "website": "website_url",
        "about_me": "about_me",
    }

    def _profile(self, payload: str) -> dict[str, str | None]:
        """The payload in all four profile fields at once; the fields the form refuses are sent
        again as they were. Answers each field's page, or None where refused."""
        if payload in self._profiles:
            return self._profiles[payload]
        self._question(payload)  # the name shows on a question, an answer and in a reply
        member = self._member(payload)
        user_id = _user_id(member.profile)
        edit = self._path("edit_profile", user_id)
        form = form_at(self._get(member, edit), edit)
        data = {name: payload for name in self.PROFILE_FIELDS.values()}
        pages: dict[str, str | None] = {}
        try:
            before = self._row("SiteUser", user_id, *PROFILE_COLUMNS)
            location = self._send(member, form, data)
        except RefusedByForm as exc:
            assert self._row("SiteUser", user_id, *PROFILE_COLUMNS) == before, "a refusal saved"
            at_fault = exc.page.field_messages
            assert at_fault, "the profile form says which fields are at fault"
            for ours, name in self.PROFILE_FIELDS.items():
                if name in at_fault:
                    self.refusals.append(Refusal(ours, exc.status, at_fault[name], payload))
                    pages[ours] = None
                    data[name] = form.fields.get(name, "")
            location = self._send(member, form_at(exc.page, edit), data)
        path = urlsplit(location).path
        stored = dict(
            zip(
                ("display_name", "location", "website", "about_me"),
                self._row("SiteUser", user_id, *PROFILE_COLUMNS),
                strict=True,
            )
        )
        for ours in self.PROFILE_FIELDS:
            if ours not in pages:
                self._check_stored(ours, payload, stored[ours])
                pages[ours] = path
        self._profiles[payload] = pages
        return pages

    def _display_name(self, payload: str) -> str | None:
        return self._profile(payload)["display_name"]

    def _location(self, payload: str) -> str | None:
        return self._profile(payload)["location"]

    def _website(self, payload: str) -> str | None:
        return self._profile(payload)["website"]

    def _about_me(self, payload: str) -> str | None:
        return self._profile(payload)["about_me"]


def _question_id(path: str) -> int:
    match = re.search(r"/questions/(\d+)", path)
    assert match, path
    return int(match.group(1))


def _user_id(path: str) -> int:
    match = re.search(r"/users/(\d+)", path)
    assert match, path
    return int(match.group(1))


@contextlib.contextmanager
def form_environment() -> Iterator[None]:
    """What stays changed while the corpus goes in (see the module's docstring)."""
    from django.conf import settings
    from django.test import override_settings

    from pnyx.posts.actions import comments

    limits = dict(settings.ACCOUNT_RATE_LIMITS)
    limits.update(signup="10000/m/ip", login="10000/m/ip")
    interval = comments.COMMENT_INTERVAL
    comments.COMMENT_INTERVAL = timedelta(0)
    try:
        with override_settings(
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
            ACCOUNT_RATE_LIMITS=limits,
        ):
            yield
    finally:
        comments.COMMENT_INTERVAL = interval


@dataclass
class FormResults:
    """What `submit_through_forms` did, over all its submitters."""

    paths: list[str]
    refused: list[tuple[int, str]]
    stored: Counter[str]
    refusals: list[Refusal]
    signup_refusals: list[Refusal]
    requests: int


def submit_through_forms(site: Any, corpus: list[Any], *, workers: int = 2) -> FormResults:
    """Every payload of `corpus` into every field through the forms, by `workers` submitters
    side by side, each in a thread of its own with its own people and share of the corpus (the
    server's time is largely the database's, which threads overlap)."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    from .xss import submit_all

    submitters = [FormSubmitter(site, f"{chr(ord('a') + n)}-") for n in range(workers)]

    def run(n: int) -> tuple[list[str], list[tuple[int, str]]]:
        try:
            return submit_all(submitters[n], corpus[n::workers])
        finally:
            connections.close_all()  # this thread's own connections

    with form_environment():
        submitters[0]._helper("tagger", 2000)  # the `xss` tag, before anyone asks under it
        with ThreadPoolExecutor(max_workers=workers) as pool:
            done = list(pool.map(run, range(workers)))
    return FormResults(
        paths=[path for paths, _ in done for path in paths],
        refused=[item for _, refused in done for item in refused],
        stored=sum((s.stored for s in submitters), Counter()),
        refusals=[r for s in submitters for r in s.refusals],
        signup_refusals=[r for s in submitters for r in s.signup_refusals],
        requests=sum(s.requests for s in submitters),
    )
