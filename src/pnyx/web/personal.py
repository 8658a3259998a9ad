"""The parts of a question page that are the reader's own, built as strings.

A question page is the same for everyone but for a few controls: the vote buttons with the
reader's votes, the accept and bookmark buttons, the edit and delete links they may use, the up
vote and delete buttons of comments, and the comment and answer forms. These are built here from
the page's `Viewer`, once per request and cheaply (plain string building: no template, no URL
reversing), and put into the shared, cached blocks of the page (`pnyx.web.fragments`); the
templates use the same functions (`pnyx_viewer` tags), so the page looks alike either way.

Every dynamic value is an integer or goes through `escape`.
"""

from __future__ import annotations

import functools
import re
import secrets
import string
from dataclasses import dataclass

from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.urls import get_script_prefix
from django.utils.html import escape

from pnyx.posts import privileges, rules
from pnyx.posts.models import Post
from pnyx.web.viewer import Viewer

POST_KIND = {1: "question", 2: "answer"}


@dataclass(frozen=True)
class PostFacts:
    """What the personal parts need to know of a post (from the page's version query)."""

    id: int
    post_type: int
    score: int
    owner_id: int | None
    deleted: bool
    community_wiki: bool
    favorite_count: int = 0


@dataclass
class Personal:
    viewer: Viewer
    prefix: str  # the site's script prefix, ending in "/"
    csrf_input: str  # the hidden CSRF field (empty for a reader who is not signed in)
    request: HttpRequest | None = None
    accepted_answer_id: int | None = None

    @functools.cached_property
    def login(self) -> str:
        """The log-in page, coming back here (only anonymous readers' parts need it)."""
        from pnyx.web.errors import login_url

        if self.request is None:
            return "/users/login"
        return login_url(self.request, back=self.request.get_full_path())

    def url(self, path: str) -> str:
        return self.prefix + path

    # The vote column.

    def vote_cell(self, post: PostFacts) -> str:
        viewer = self.viewer
        kind = POST_KIND.get(post.post_type, "post")
        score = (
            f'<span class="score" title="score"><span class="visually-hidden">Score </span>'
            f"{post.score}</span>"
        )
        if viewer.signed_in and not post.deleted:
            vote = viewer.state.votes.get(post.id)
            action = self.url(f"posts/{post.id}/vote")
            up, down = vote == "up", vote == "down"
            buttons = (
                f'<form class="vote-form" method="post" action="{action}" hx-post="{action}" '
                f'hx-target="#vote-{post.id}" hx-swap="outerHTML">{self.csrf_input}'
                f'<button type="submit" class="vote-button vote-up{" voted" if up else ""}" '
                f'name="vote" value="{"none" if up else "up"}" '
                f'aria-pressed="{"true" if up else "false"}" title="'
                f'{"Take back your up vote" if up else f"This {kind} is useful"}">'
                '<span aria-hidden="true">▲</span><span class="visually-hidden">Up vote</span>'
                f"</button>{score}"
                f'<button type="submit" class="vote-button vote-down{" voted" if down else ""}" '
                f'name="vote" value="{"none" if down else "down"}" '
                f'aria-pressed="{"true" if down else "false"}" title="'
                f'{"Take back your down vote" if down else f"This {kind} is not useful"}">'
                '<span aria-hidden="true">▼</span><span class="visually-hidden">Down vote</span>'
                "</button></form>"
            )
        else:
            login = escape(self.login)
            buttons = (
                f'<a class="vote-button vote-up" href="{login}" title="Log in to vote" '
                'rel="nofollow"><span aria-hidden="true">▲</span><span class="visually-hidden">'
                f"Up vote (log in first)</span></a>{score}"
                f'<a class="vote-button vote-down" href="{login}" title="Log in to vote" '
                'rel="nofollow"><span aria-hidden="true">▼</span><span class="visually-hidden">'
                "Down vote (log in first)</span></a>"
            )
        extra = ""
        if post.post_type == 2:
            extra = self._accept(post)
        elif viewer.signed_in and not post.deleted:
            extra = self._bookmark(post)
        return f'<div class="votecell" id="vote-{post.id}">{buttons}{extra}</div>'

    def _accept(self, post: PostFacts) -> str:
        accepted = post.id == self.accepted_answer_id
        if self.viewer.signed_in and self.viewer.can_accept() and not post.deleted:
            action = self.url(f"posts/{post.id}/accept")
            label = "Accepted answer (take back)" if accepted else "Accept this answer"
            title = (
                "Take back your acceptance"
                if accepted
                else "Accept this answer: it solved your problem"
            )
            return (
                f'<form class="accept-form" method="post" action="{action}" hx-post="{action}" '
                f'hx-swap="none">{self.csrf_input}<button type="submit" class="accept-button'
                f'{" accepted" if accepted else ""}" name="accept" value="{0 if accepted else 1}" '
                f'aria-pressed="{"true" if accepted else "false"}" title="{title}">'
                '<span aria-hidden="true">✓</span>'
                f'<span class="visually-hidden">{label}</span></button></form>'
            )
        if accepted:
            return (
                '<span class="accepted-mark" title="accepted answer"><span aria-hidden="true">✓'
                '</span><span class="visually-hidden">Accepted answer</span></span>'
            )
        return ""

    def _bookmark(self, post: PostFacts) -> str:
        marked = post.id in self.viewer.state.bookmarks
        action = self.url(f"posts/{post.id}/bookmark")
        count = (
            f'<span class="bookmark-count" title="bookmarks">{post.favorite_count}</span>'
            if post.favorite_count
            else ""
        )
        return (
            f'<form class="bookmark-form" method="post" action="{action}" hx-post="{action}" '
            f'hx-target="#vote-{post.id}" hx-swap="outerHTML">{self.csrf_input}'
            f'<button type="submit" class="bookmark-button{" bookmarked" if marked else ""}" '
            f'name="bookmark" value="{0 if marked else 1}" '
            f'aria-pressed="{"true" if marked else "false"}" '
            f'title="{"Remove your bookmark" if marked else "Bookmark this question"}">'
            '<span aria-hidden="true">★</span><span class="visually-hidden">Bookmark</span>'
            f"</button>{count}</form>"
        )

    # The post menu: edit and delete, for those who may.

    def menu_items(self, post: PostFacts) -> str:
        viewer = self.viewer
        if viewer.user is None or post.deleted:
            return ""
        kind = POST_KIND.get(post.post_type, "post")
        own = viewer.user_id == post.owner_id
        items = []
        if (
            own
            or (post.community_wiki and viewer.has(privileges.EDIT_COMMUNITY_WIKI))
            or viewer.has(privileges.EDIT_FREELY)
        ):
            items.append(
                f'<li><a href="{self.url(f"posts/{post.id}/edit")}" '
                'title="revise and improve this post">Edit</a></li>'
            )
        if own or viewer.has(privileges.TRUSTED_USER):
            items.append(
                '<li><details class="confirm"><summary>Delete</summary><form method="post" '
                f'action="{self.url(f"posts/{post.id}/delete")}">{self.csrf_input}'
                f"<p>Delete this {kind}? It can be undeleted later.</p>"
                '<button type="submit" class="button button-danger">Delete</button>'
                "</form></details></li>"
            )
        return "".join(items)

    def undelete_form(self, post: PostFacts) -> str:
        viewer = self.viewer
        if viewer.user is None or not (
            viewer.user_id == post.owner_id or viewer.has(privileges.TRUSTED_USER)
        ):
            return ""
        return (
            f'<form method="post" action="{self.url(f"posts/{post.id}/undelete")}">'
            f'{self.csrf_input}<button type="submit" class="button">Undelete</button></form>'
        )

    # Comments.

    def comment_controls(self, comment_id: int, author_id: int | None, score: int) -> str:
        """Before a comment's text: its score, and for a signed-in reader other than its author
        the up vote button."""
        viewer = self.viewer
        own = author_id is not None and author_id == viewer.user_id
        if viewer.signed_in and not own:
            voted = comment_id in viewer.state.comment_votes
            action = self.url(f"posts/comments/{comment_id}/vote")
            return (
                f'<form class="comment-vote" method="post" action="{action}" hx-post="{action}" '
                f'hx-swap="outerHTML">{self.csrf_input}<span class="comment-score" '
                f'title="comment score">{score or ""}</span><button type="submit" '
                f'class="comment-vote-button{" voted" if voted else ""}" name="up" '
                f'value="{0 if voted else 1}" aria-pressed="{"true" if voted else "false"}" '
                f'title="{"Take back your up vote" if voted else "This comment adds something useful"}">'
                '<span aria-hidden="true">▲</span><span class="visually-hidden">Up vote comment'
                "</span></button></form>"
            )
        if score:
            return f'<span class="comment-score" title="comment score">{score}</span>'
        return ""

    def comment_delete(self, comment_id: int, author_id: int | None, post_id: int) -> str:
        viewer = self.viewer
        if viewer.user_id is None or author_id != viewer.user_id:
            return ""
        action = self.url(f"posts/comments/{comment_id}/delete")
        return (
            f'<form class="comment-delete" method="post" action="{action}" hx-post="{action}" '
            f'hx-target="#comments-{post_id}" hx-swap="outerHTML">{self.csrf_input}'
            '<button type="submit" class="link-button" title="Delete this comment">Delete'
            "</button></form>"
        )

    def comment_compose(self, post: PostFacts, *, question_owner_id: int | None) -> str:
        viewer = self.viewer
        if post.deleted:
            return ""
        user = viewer.user
        user_id = viewer.user_id
        may = viewer.signed_in and (
            user is None  # joins on the first comment; the action decides
            or user_id == post.owner_id
            or (post.post_type == 2 and user_id == question_owner_id)
            or viewer.has(privileges.COMMENT_EVERYWHERE)
        )
        if may:
            action = self.url(f"posts/{post.id}/comments")
            mentions = self.url(f"posts/{post.id}/mentions")
            return (
                '<details class="comment-compose"><summary>Add a comment</summary>'
                f'<form class="comment-form" method="post" action="{action}" hx-post="{action}" '
                f'hx-target="#comments-{post.id}" hx-swap="outerHTML">{self.csrf_input}'
                f'<label for="comment-text-{post.id}">Comment</label>'
                f'<textarea id="comment-text-{post.id}" name="text" rows="3" '
                f'minlength="{rules.COMMENT_MIN}" maxlength="{rules.COMMENT_MAX}" required '
                f'aria-describedby="comment-help-{post.id}" data-mentions="{mentions}"></textarea>'
                f'<p class="form-help" id="comment-help-{post.id}">{rules.COMMENT_MIN} to '
                f"{rules.COMMENT_MAX} characters. Use comments to ask for clarification or "
                "suggest improvements; reply to someone with <code>@name</code>. Comment "
                "formatting: <code>*italic*</code>, <code>**bold**</code>, <code>`code`</code>, "
                "<code>[link](https://example.com)</code>.</p>"
                '<button type="submit" class="button">Add comment</button></form></details>'
            )
        if user is not None:
            needed = privileges.reputation_needed(privileges.COMMENT_EVERYWHERE, viewer.site)
            return (
                f'<p class="comment-privilege muted">Commenting on others\' posts needs {needed} '
                "reputation; you can always comment on your own posts.</p>"
            )
        if not viewer.signed_in:
            return (
                f'<p class="comment-login"><a href="{escape(self.login)}" rel="nofollow">'
                "Log in to comment</a></p>"
            )
        return ""


def facts(post: Post) -> PostFacts:
    return PostFacts(
        id=post.pk,
        post_type=post.post_type,
        score=post.score,
        owner_id=post.owner_id,
        deleted=post.deletion_date is not None,
        community_wiki=post.community_owned_date is not None,
        favorite_count=post.favorite_count or 0,
    )


CSRF_CHARS = string.ascii_letters + string.digits
CSRF_INDEX = {c: i for i, c in enumerate(CSRF_CHARS)}


def _masked(secret: str) -> str:
    """The secret masked as Django's `get_token` masks it (a random mask, then each character
    moved on by the mask's), with the mask's randomness drawn in one call rather than one per
    character. `tests/web/test_fragments.py` posts with it through Django's CSRF check."""
    n = len(CSRF_CHARS)
    mask = "".join(CSRF_CHARS[b % n] for b in secrets.token_bytes(len(secret)))
    cipher = "".join(
        CSRF_CHARS[(CSRF_INDEX[x] + CSRF_INDEX[y]) % n] for x, y in zip(secret, mask, strict=True)
    )
    return mask + cipher


def request_token(request: HttpRequest) -> str:
    """The CSRF token for this request's forms, masked once per request."""
    token: str | None = getattr(request, "_pnyx_csrf", None)
    if token is None:
        secret = request.META.get("CSRF_COOKIE")
        if secret and len(secret) == 32 and all(c in CSRF_INDEX for c in secret):
            request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True  # as get_token: keep it stored
            token = _masked(secret)
        else:
            token = get_token(request)
        request._pnyx_csrf = token  # type: ignore[attr-defined]
    return token


def personal_for(
    request: HttpRequest, viewer: Viewer, *, accepted_answer_id: int | None = None
) -> Personal:
    """The reader's parts of this request's page. The CSRF token is asked for only when the
    reader is signed in, so that anonymous pages stay shareable (see `pnyx.web.pagecache`)."""
    csrf = ""
    if viewer.signed_in:
        token = request_token(request)
        csrf = f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
    return Personal(
        viewer=viewer,
        prefix=get_script_prefix(),
        csrf_input=csrf,
        request=request,
        accepted_answer_id=accepted_answer_id,
    )


# Blocks rendered once for everyone carry markers where the reader's parts go; `fill` puts this
# request's parts in their place. A marker names the part and, for comments, the comment's id,
# author and score.

MARKER_RE = re.compile(r"<!--p:(\w+)(?::(\d*):(\d*)(?::(-?\d*))?)?-->")


class Markers(Personal):
    """Renders the markers instead of the parts (used when a shared block is rendered)."""

    def __init__(self) -> None:
        pass

    def vote_cell(self, post: PostFacts) -> str:
        return "<!--p:vote-->"

    def menu_items(self, post: PostFacts) -> str:
        return "<!--p:menu-->"

    def undelete_form(self, post: PostFacts) -> str:
        return "<!--p:undelete-->"

    def comment_controls(self, comment_id: int, author_id: int | None, score: int) -> str:
        return f"<!--p:cc:{comment_id}:{author_id if author_id is not None else ''}:{score}-->"

    def comment_delete(self, comment_id: int, author_id: int | None, post_id: int) -> str:
        return f"<!--p:cd:{comment_id}:{author_id if author_id is not None else ''}-->"

    def comment_compose(self, post: PostFacts, *, question_owner_id: int | None) -> str:
        return "<!--p:compose-->"


Slot = tuple[str, int, int | None, int]  # where a part goes: kind, comment id, author id, score
Parsed = tuple[str | Slot, ...]


def parse(block: str) -> Parsed:
    """`block` cut at its markers, once, when it is rendered: filling it per request is then a
    walk over the pieces, not a search."""
    pieces: list[str | Slot] = []
    position = 0
    for match in MARKER_RE.finditer(block):
        pieces.append(block[position : match.start()])
        kind, comment, author, score = match.groups()
        pieces.append(
            (
                kind,
                int(comment) if comment else 0,
                int(author) if author else None,
                int(score) if score else 0,
            )
        )
        position = match.end()
    pieces.append(block[position:])
    return tuple(pieces)


def fill(block: Parsed | str, personal: Personal, post: PostFacts) -> str:
    """The block with this reader's parts for `post` where its markers were."""
    if isinstance(block, str):
        block = parse(block)
    out: list[str] = []
    for piece in block:
        if isinstance(piece, str):
            out.append(piece)
            continue
        kind, comment_id, author_id, score = piece
        if kind == "cc":
            out.append(personal.comment_controls(comment_id, author_id, score))
        elif kind == "cd":
            out.append(personal.comment_delete(comment_id, author_id, post.id))
        elif kind == "vote":
            out.append(personal.vote_cell(post))
        elif kind == "menu":
            out.append(personal.menu_items(post))
        elif kind == "undelete":
            out.append(personal.undelete_form(post))
        elif kind == "compose":
            out.append(
                personal.comment_compose(post, question_owner_id=personal.viewer.question_owner_id)
            )
    return "".join(out)


# The top bar's corner: who is signed in, or how to sign in; the same as accounts/topbar.html
# shows on other pages.


def badge_counts(counts: object) -> str:
    """As pnyx/badge_counts.html."""
    parts = []
    for name in ("gold", "silver", "bronze"):
        n = int(getattr(counts, name, 0) or 0)
        if n:
            parts.append(
                f'<span class="badge-count {name}" title="{n} {name} badge{"s" if n != 1 else ""}">'
                f'<span class="badge-dot" aria-hidden="true">●</span>{n}'
                f'<span class="visually-hidden"> {name}</span></span>'
                + (" " if name != "bronze" else "")
            )
    inner = "".join(parts) or '<span class="muted">none</span>'
    return f'<span class="badge-counts">{inner}</span>'


@functools.cache
def _account_url(prefix: str, name: str) -> str:
    from django.urls import reverse

    return reverse(name)


def corner(personal: Personal, *, full_path: str) -> str:
    """The top bar's corner of a site page that is not an account page."""
    from urllib.parse import quote

    from pnyx.posts.slugs import slugify_name

    def reverse(name: str) -> str:
        return _account_url(personal.prefix, name)

    viewer = personal.viewer
    member = viewer.user
    back = escape(full_path)
    if member is not None:
        counts = getattr(member, "badge_counts", None)
        total = int(getattr(counts, "total", 0) or 0)
        profile = personal.url(f"users/{member.pk}/{slugify_name(member.display_name)}")
        inner = (
            f'<a class="topbar-user" href="{profile}"><span class="visually-hidden">Your '
            f"profile: </span>{escape(member.display_name)}</a>"
            f'<span class="rep" title="reputation">{member.reputation:,}'
            '<span class="visually-hidden"> reputation</span></span>'
            + (badge_counts(counts) if total else "")
            + _logout(personal, back)
        )
    elif viewer.signed_in:
        inner = (
            f'<form class="inline-form" method="post" action="{reverse("join_site")}">'
            f'{personal.csrf_input}<input type="hidden" name="next" value="{back}">'
            '<button type="submit" class="primary">Join this community</button></form>'
            + _logout(personal, back)
        )
    else:
        next_part = "?next=" + quote(full_path, safe="/")
        inner = (
            f'<a class="button" href="{reverse("account_login")}{escape(next_part)}">Log in</a>'
            f'<a class="button primary" href="{reverse("account_signup")}{escape(next_part)}">'
            "Sign up</a>"
        )
    return f'<div class="topbar-account">{inner}</div>'


def _logout(personal: Personal, back: str) -> str:
    action = _account_url(personal.prefix, "account_logout")
    return (
        f'<form class="inline-form" method="post" action="{action}">'
        f'{personal.csrf_input}<input type="hidden" name="next" value="{back}">'
        '<button type="submit">Log out</button></form>'
    )
