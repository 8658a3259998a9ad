"""Privileges: what reputation each action takes, on each stage of a site.

Stack Exchange publishes three tables of thresholds: for private betas, for public betas (and
sites without their own design) and for graduated sites. A site chooses one
(`Site.privilege_level`, set by `pnyx site create --privileges` and `pnyx site privileges`); every
action that needs a privilege asks `check_privilege`, so the rule and its message live here.

Only privileges that stand for something a Pnyx user can do today, or that moderation will add,
are listed; chat, meta, elections and advertising have no counterpart.
"""

from __future__ import annotations

from dataclasses import dataclass

from pnyx.errors import PrivilegeRequired, ValidationError
from pnyx.network.models import PrivilegeLevel, Site
from pnyx.posts.models import SiteUser

LEVELS = tuple(level.value for level in PrivilegeLevel)


@dataclass(frozen=True)
class Privilege:
    key: str
    name: str
    allows: str
    # Reputation needed on a private beta, a public beta and a graduated site.
    private_beta: int
    public_beta: int
    graduated: int
    # An action phrase for refusals: "Voting up requires 15 reputation".
    action: str = ""
    # False for privileges that the moderation tools will use, listed so users see what comes.
    enforced: bool = True

    def threshold(self, level: str) -> int:
        if level == PrivilegeLevel.PRIVATE_BETA:
            return self.private_beta
        if level == PrivilegeLevel.PUBLIC_BETA:
            return self.public_beta
        return self.graduated


CREATE_POSTS = "create_posts"
VOTE_UP = "vote_up"
COMMENT_EVERYWHERE = "comment_everywhere"
EDIT_COMMUNITY_WIKI = "edit_community_wiki"
VOTE_DOWN = "vote_down"
CREATE_TAGS = "create_tags"
FLAG_POSTS = "flag_posts"
VIEW_CLOSE_VOTES = "view_close_votes"
ACCESS_REVIEW_QUEUES = "access_review_queues"
ESTABLISHED_USER = "established_user"
EDIT_FREELY = "edit_freely"
CLOSE_AND_REOPEN = "close_and_reopen"
MODERATOR_TOOLS = "moderator_tools"
PROTECT_QUESTIONS = "protect_questions"
TRUSTED_USER = "trusted_user"

PRIVILEGES: tuple[Privilege, ...] = (
    Privilege(
        CREATE_POSTS,
        "Create posts",
        "Ask a question or contribute an answer.",
        1,
        1,
        1,
        action="Posting",
    ),
    Privilege(
        VOTE_UP,
        "Vote up",
        "Indicate when questions, answers and comments are useful.",
        1,
        15,
        15,
        action="Voting up",
    ),
    Privilege(
        FLAG_POSTS,
        "Flag posts",
        "Bring content to the attention of the community.",
        15,
        15,
        15,
        enforced=False,
    ),
    Privilege(
        COMMENT_EVERYWHERE,
        "Comment everywhere",
        "Leave comments on other people's posts (you can always comment on your own posts "
        "and on answers to your questions).",
        1,
        50,
        50,
        action="Commenting on others' posts",
    ),
    Privilege(
        EDIT_COMMUNITY_WIKI,
        "Edit community wiki",
        "Collaborate on the editing and improvement of community wiki posts.",
        1,
        100,
        100,
        action="Editing community wiki posts",
    ),
    Privilege(
        VOTE_DOWN,
        "Vote down",
        "Indicate when questions and answers are not useful (down-voting an answer costs you "
        "1 reputation).",
        1,
        125,
        125,
        action="Voting down",
    ),
    Privilege(
        CREATE_TAGS,
        "Create tags",
        "Add new tags to the site.",
        1,
        150,
        300,
        action="Creating new tags",
    ),
    Privilege(
        VIEW_CLOSE_VOTES,
        "View close votes",
        "View and cast close and reopen votes on your own questions.",
        1,
        250,
        250,
        enforced=False,
    ),
    Privilege(
        ACCESS_REVIEW_QUEUES,
        "Access review queues",
        "Review first posts and late answers.",
        350,
        350,
        500,
        enforced=False,
    ),
    Privilege(
        ESTABLISHED_USER,
        "Established user",
        "You've been around for a while; see vote counts.",
        100,
        750,
        1000,
        enforced=False,
    ),
    Privilege(
        EDIT_FREELY,
        "Edit questions and answers",
        "Edit any question or answer; your edits apply at once.",
        500,
        1000,
        2000,
        action="Editing other people's posts",
    ),
    Privilege(
        CLOSE_AND_REOPEN,
        "Cast close and reopen votes",
        "Help decide whether posts are off-topic or duplicates.",
        1,
        500,
        3000,
        enforced=False,
    ),
    Privilege(
        MODERATOR_TOOLS,
        "Access to moderator tools",
        "Access reports, delete questions, review reviews.",
        1000,
        2000,
        10000,
        enforced=False,
    ),
    Privilege(
        PROTECT_QUESTIONS,
        "Protect questions",
        "Mark questions as protected.",
        1750,
        3500,
        15000,
        enforced=False,
    ),
    Privilege(
        TRUSTED_USER,
        "Trusted user",
        "Delete and undelete other people's questions and answers.",
        2000,
        4000,
        20000,
        action="Deleting or undeleting other people's posts",
    ),
)
BY_KEY = {privilege.key: privilege for privilege in PRIVILEGES}


def check_level(level: str) -> str:
    """A privilege level name, or a clear refusal."""
    if level not in LEVELS:
        raise ValidationError(
            f"privilege level {level!r} is not one of {', '.join(LEVELS)}", code="bad_parameter"
        )
    return level


def reputation_needed(key: str, site: Site) -> int:
    return BY_KEY[key].threshold(site.privilege_level)


def has_privilege(user: SiteUser | None, key: str, site: Site) -> bool:
    return user is not None and user.reputation >= reputation_needed(key, site)


def check_privilege(user: SiteUser, key: str, site: Site) -> None:
    """Refuse, saying what reputation it takes, an action above `user`'s privileges."""
    needed = reputation_needed(key, site)
    if user.reputation < needed:
        privilege = BY_KEY[key]
        raise PrivilegeRequired(
            f"{privilege.action or privilege.name} requires {needed} reputation on this site; "
            f"you have {user.reputation}.",
            privilege=key,
            reputation=needed,
        )


@dataclass(frozen=True)
class PrivilegeRow:
    privilege: Privilege
    reputation: int
    earned: bool | None  # None for a reader who is not a member


def privilege_table(site: Site, user: SiteUser | None) -> list[PrivilegeRow]:
    """Every privilege at the site's level, lowest first, and whether `user` has it."""
    rows = [
        PrivilegeRow(
            privilege,
            privilege.threshold(site.privilege_level),
            None if user is None else user.reputation >= privilege.threshold(site.privilege_level),
        )
        for privilege in PRIVILEGES
    ]
    return sorted(rows, key=lambda row: row.reputation)
