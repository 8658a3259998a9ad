"""Site content models, one per data dump table.

Relations are declared with `db_constraint=False`: real dumps contain votes and links to deleted
posts, and an import must keep what it can rather than fail; the pages never follow a dangling id.

Ids are assigned by the database for new content and kept from the dump on import (PostgreSQL's
sequences are moved past the imported ids afterwards).

A foreign key whose column starts a composite index has no index of its own (`db_index=False`):
the composite one answers the same lookups, and every index costs writes and imports.
"""

from __future__ import annotations

from django.db import models


class PostType(models.IntegerChoices):
    QUESTION = 1, "Question"
    ANSWER = 2, "Answer"
    ORPHANED_TAG_WIKI = 3, "Orphaned tag wiki"
    TAG_WIKI_EXCERPT = 4, "Tag wiki excerpt"
    TAG_WIKI = 5, "Tag wiki"
    MODERATOR_NOMINATION = 6, "Moderator nomination"
    WIKI_PLACEHOLDER = 7, "Wiki placeholder"
    PRIVILEGE_WIKI = 8, "Privilege wiki"


class VoteType(models.IntegerChoices):
    ACCEPTED = 1, "Accepted by originator"
    UP = 2, "Up vote"
    DOWN = 3, "Down vote"
    OFFENSIVE = 4, "Offensive"
    FAVORITE = 5, "Favorite"
    CLOSE = 6, "Close"
    REOPEN = 7, "Reopen"
    BOUNTY_START = 8, "Bounty start"
    BOUNTY_CLOSE = 9, "Bounty close"
    DELETION = 10, "Deletion"
    UNDELETION = 11, "Undeletion"
    SPAM = 12, "Spam"
    MODERATOR_REVIEW = 15, "Moderator review"
    APPROVE_EDIT_SUGGESTION = 16, "Approve edit suggestion"


class HistoryType(models.IntegerChoices):
    INITIAL_TITLE = 1, "Initial title"
    INITIAL_BODY = 2, "Initial body"
    INITIAL_TAGS = 3, "Initial tags"
    EDIT_TITLE = 4, "Edit title"
    EDIT_BODY = 5, "Edit body"
    EDIT_TAGS = 6, "Edit tags"
    ROLLBACK_TITLE = 7, "Rollback title"
    ROLLBACK_BODY = 8, "Rollback body"
    ROLLBACK_TAGS = 9, "Rollback tags"
    CLOSED = 10, "Post closed"
    REOPENED = 11, "Post reopened"
    DELETED = 12, "Post deleted"
    UNDELETED = 13, "Post undeleted"
    LOCKED = 14, "Post locked"
    UNLOCKED = 15, "Post unlocked"
    COMMUNITY_OWNED = 16, "Community owned"
    MIGRATED = 17, "Post migrated"
    MERGED = 18, "Question merged"
    PROTECTED = 19, "Question protected"
    UNPROTECTED = 20, "Question unprotected"
    DISASSOCIATED = 21, "Post disassociated"
    UNMERGED = 22, "Question unmerged"
    SUGGESTED_EDIT_APPLIED = 24, "Suggested edit applied"
    TWEETED = 25, "Post tweeted"
    DISCUSSION_MOVED_TO_CHAT = 31, "Comment discussion moved to chat"
    NOTICE_ADDED = 33, "Post notice added"
    NOTICE_REMOVED = 34, "Post notice removed"
    MIGRATED_AWAY = 35, "Post migrated away"
    MIGRATED_HERE = 36, "Post migrated here"
    MERGE_SOURCE = 37, "Post merge source"
    MERGE_DESTINATION = 38, "Post merge destination"
    BUMPED = 50, "Bumped by Community user"
    HOT_QUESTION = 52, "Became hot network question"
    REMOVED_FROM_HOT = 53, "Removed from hot network questions"
    CREATED_FROM_WIZARD = 66, "Created from Ask Wizard"


class LinkType(models.IntegerChoices):
    LINKED = 1, "Linked"
    DUPLICATE = 3, "Duplicate"


class BadgeClass(models.IntegerChoices):
    GOLD = 1, "Gold"
    SILVER = 2, "Silver"
    BRONZE = 3, "Bronze"


COMMUNITY_USER_ID = -1


class SiteUser(models.Model):
    """A user of one site (Users.xml). `account_id` ties it to the network account, if any."""

    id = models.AutoField(primary_key=True)
    reputation = models.IntegerField(default=1)
    creation_date = models.DateTimeField()
    display_name = models.CharField(max_length=100)
    last_access_date = models.DateTimeField(null=True, blank=True)
    website_url = models.TextField(null=True, blank=True)
    location = models.TextField(null=True, blank=True)
    about_me = models.TextField(null=True, blank=True)
    views = models.IntegerField(default=0)
    up_votes = models.IntegerField(default=0)
    down_votes = models.IntegerField(default=0)
    account_id = models.IntegerField(null=True, blank=True, db_index=True)
    profile_image_url = models.TextField(null=True, blank=True)
    age = models.IntegerField(null=True, blank=True)
    # Pnyx's own columns, absent from the dump (an import leaves them at their defaults).
    # The Markdown source of `about_me` (HTML, as in the dump) for a profile edited on Pnyx.
    about_me_markdown = models.TextField(null=True, blank=True)
    # Reputation is `max(1, reputation_start + reputation_earned)` once the user has a reputation
    # event: `reputation_start` is what the user had before the first one (the dump's figure
    # for an imported user, 1 for a new one), NULL while there is none; `reputation_earned` is
    # the sum of the events with the daily cap applied (see `pnyx.posts.reputation`).
    reputation_start = models.IntegerField(null=True, blank=True)
    reputation_earned = models.IntegerField(default=0, db_default=0)

    class Meta:
        db_table = "users"
        indexes = [models.Index(fields=["-reputation"], name="users_reputation")]

    def __str__(self) -> str:
        return self.display_name


class Post(models.Model):
    """A question, an answer, a tag wiki or excerpt, or another post type (Posts.xml).

    `body_markdown` is the source (from PostHistory in a dump, which has no Markdown in Posts.xml);
    `body_html` is the rendered, sanitised HTML shown on pages.
    """

    id = models.AutoField(primary_key=True)
    post_type = models.SmallIntegerField(choices=PostType.choices)
    accepted_answer = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="answers",
    )
    creation_date = models.DateTimeField()
    deletion_date = models.DateTimeField(null=True, blank=True)
    score = models.IntegerField(default=0)
    view_count = models.IntegerField(null=True, blank=True)
    body_markdown = models.TextField(null=True, blank=True)
    body_html = models.TextField(default="")
    owner = models.ForeignKey(
        SiteUser,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,  # posts_owner_type serves
        related_name="posts",
    )
    owner_display_name = models.CharField(max_length=100, null=True, blank=True)
    last_editor = models.ForeignKey(
        SiteUser,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    last_editor_display_name = models.CharField(max_length=100, null=True, blank=True)
    last_edit_date = models.DateTimeField(null=True, blank=True)
    last_activity_date = models.DateTimeField()
    title = models.CharField(max_length=300, null=True, blank=True)
    tags = models.CharField(
        max_length=300, default="", blank=True, help_text="Tag names separated by single spaces."
    )
    answer_count = models.IntegerField(null=True, blank=True)
    comment_count = models.IntegerField(default=0)
    favorite_count = models.IntegerField(null=True, blank=True)
    closed_date = models.DateTimeField(null=True, blank=True)
    community_owned_date = models.DateTimeField(null=True, blank=True)
    locked_date = models.DateTimeField(null=True, blank=True)
    content_license = models.CharField(max_length=20, null=True, blank=True)
    # Pnyx's own: changes with every write to the post, its comments or its votes, in the same
    # UPDATE, so that a cached block of the post is known to be stale (see `pnyx.web.fragments`).
    version = models.IntegerField(default=0, db_default=0)

    class Meta:
        db_table = "posts"
        indexes = [
            models.Index(fields=["post_type", "-last_activity_date"], name="posts_type_activity"),
            models.Index(fields=["post_type", "-creation_date"], name="posts_type_created"),
            models.Index(fields=["post_type", "-score"], name="posts_type_score"),
            models.Index(fields=["owner", "post_type"], name="posts_owner_type"),
        ]

    def __str__(self) -> str:
        return self.title or f"post {self.id}"

    @property
    def tag_list(self) -> list[str]:
        return self.tags.split() if self.tags else []

    @property
    def is_question(self) -> bool:
        return self.post_type == PostType.QUESTION

    @property
    def author_name(self) -> str:
        if self.owner_id is not None and self.owner is not None:
            return self.owner.display_name
        return self.owner_display_name or "anonymous"


class Tag(models.Model):
    """A tag (Tags.xml), with the posts that hold its excerpt and wiki."""

    id = models.AutoField(primary_key=True)
    name = models.CharField(max_length=35, unique=True)
    count = models.IntegerField(default=0)
    excerpt_post = models.ForeignKey(
        Post,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    wiki_post = models.ForeignKey(
        Post,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    is_moderator_only = models.BooleanField(null=True, blank=True)
    is_required = models.BooleanField(null=True, blank=True)

    class Meta:
        db_table = "tags"

    def __str__(self) -> str:
        return self.name


class PostTag(models.Model):
    """Which questions carry which tag: the index behind /questions/tagged/..."""

    # post_tags_unique (post, tag) and post_tags_tag (tag, post) serve both columns.
    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, db_constraint=False, db_index=False, related_name="+"
    )
    tag = models.ForeignKey(
        Tag, on_delete=models.CASCADE, db_constraint=False, db_index=False, related_name="+"
    )

    class Meta:
        db_table = "post_tags"
        constraints = [models.UniqueConstraint(fields=["post", "tag"], name="post_tags_unique")]
        indexes = [models.Index(fields=["tag", "post"], name="post_tags_tag")]


class Comment(models.Model):
    """A comment on a post (Comments.xml); `text_html` holds the rendered comment subset."""

    id = models.BigAutoField(primary_key=True)
    post = models.ForeignKey(
        Post,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,  # comments_post_date serves
        related_name="comments",
    )
    score = models.IntegerField(default=0)
    text = models.TextField()
    text_html = models.TextField(default="")
    creation_date = models.DateTimeField()
    user = models.ForeignKey(
        SiteUser,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,  # comments_user_date serves
        related_name="comments",
    )
    user_display_name = models.CharField(max_length=100, null=True, blank=True)
    content_license = models.CharField(max_length=20, null=True, blank=True)

    class Meta:
        db_table = "comments"
        indexes = [
            models.Index(fields=["post", "creation_date"], name="comments_post_date"),
            models.Index(fields=["user", "-creation_date"], name="comments_user_date"),
        ]

    @property
    def author_name(self) -> str:
        if self.user_id is not None and self.user is not None:
            return self.user.display_name
        return self.user_display_name or "anonymous"


class Vote(models.Model):
    """A vote (Votes.xml). `post_id` may name a deleted post, as in real dumps."""

    id = models.BigAutoField(primary_key=True)
    post = models.ForeignKey(
        Post,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,  # votes_post_type serves
        related_name="votes",
    )
    vote_type = models.SmallIntegerField(choices=VoteType.choices)
    user = models.ForeignKey(
        SiteUser,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,  # votes_user_post serves
        related_name="votes",
    )
    creation_date = models.DateTimeField()
    bounty_amount = models.IntegerField(null=True, blank=True)

    class Meta:
        db_table = "votes"
        indexes = [
            models.Index(fields=["post", "vote_type"], name="votes_post_type"),
            # A reader's own votes on the posts of a page.
            models.Index(fields=["user", "post"], name="votes_user_post"),
        ]


class PostHistory(models.Model):
    """One row of a post's history (PostHistory.xml): revisions, closures, locks, migrations."""

    id = models.BigAutoField(primary_key=True)
    history_type = models.SmallIntegerField()
    post = models.ForeignKey(
        Post,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,  # post_history_post_date serves
        related_name="history",
    )
    revision_guid = models.CharField(max_length=36, null=True, blank=True)
    creation_date = models.DateTimeField()
    user = models.ForeignKey(
        SiteUser,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    user_display_name = models.CharField(max_length=100, null=True, blank=True)
    comment = models.TextField(null=True, blank=True)
    text = models.TextField(null=True, blank=True)
    content_license = models.CharField(max_length=20, null=True, blank=True)

    class Meta:
        db_table = "post_history"
        indexes = [models.Index(fields=["post", "creation_date"], name="post_history_post_date")]


class PostLink(models.Model):
    """A link between two posts (PostLinks.xml): linked, or duplicate of."""

    id = models.BigAutoField(primary_key=True)
    creation_date = models.DateTimeField()
    # post_links_post and post_links_related serve both columns.
    post = models.ForeignKey(
        Post,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="links_out",
    )
    related_post = models.ForeignKey(
        Post,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="links_in",
    )
    link_type = models.SmallIntegerField(choices=LinkType.choices)

    class Meta:
        db_table = "post_links"
        indexes = [
            models.Index(fields=["post", "link_type"], name="post_links_post"),
            models.Index(fields=["related_post", "link_type"], name="post_links_related"),
        ]


class Badge(models.Model):
    """A badge awarded to a user (Badges.xml)."""

    id = models.BigAutoField(primary_key=True)
    user = models.ForeignKey(
        SiteUser,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,  # badges_user serves
        related_name="badges",
    )
    name = models.CharField(max_length=50)
    date = models.DateTimeField()
    badge_class = models.SmallIntegerField(choices=BadgeClass.choices)
    tag_based = models.BooleanField(default=False)

    class Meta:
        db_table = "badges"
        indexes = [
            models.Index(fields=["user", "badge_class"], name="badges_user"),
            models.Index(fields=["name"], name="badges_name"),
        ]


class CommentVote(models.Model):
    """An up vote on a comment. Pnyx's own: a dump keeps only each comment's score."""

    id = models.BigAutoField(primary_key=True)
    comment = models.ForeignKey(
        Comment, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    user = models.ForeignKey(
        SiteUser, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    creation_date = models.DateTimeField()

    class Meta:
        db_table = "comment_votes"
        constraints = [
            models.UniqueConstraint(fields=["comment", "user"], name="comment_votes_unique")
        ]
        indexes = [models.Index(fields=["user", "comment"], name="comment_votes_user")]


class ReputationKind(models.IntegerChoices):
    """Why a user's reputation changed; the points of each are in `pnyx.posts.reputation`."""

    UP_VOTE = 1, "upvote"
    DOWN_VOTE = 2, "downvote"
    DOWN_VOTE_CAST = 3, "downvoted an answer"
    ACCEPTED = 4, "answer accepted"
    ACCEPTER = 5, "accepted an answer"
    BOUNTY = 6, "bounty awarded"
    ASSOCIATION_BONUS = 7, "association bonus"
    ADJUSTMENT = 8, "recalculation"


class ReputationEvent(models.Model):
    """One change of one user's reputation. Pnyx's own: a dump keeps only the totals.

    `points` is the change before the daily cap; `voided` marks an event whose post was deleted
    (it stays in the history, worth nothing, and counts again if the post is undeleted). An
    undone vote removes its event.
    """

    id = models.BigAutoField(primary_key=True)
    user = models.ForeignKey(
        SiteUser, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    kind = models.SmallIntegerField(choices=ReputationKind.choices)
    points = models.IntegerField()
    post = models.ForeignKey(
        Post,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,  # reputation_events_post serves
        related_name="+",
    )
    vote_id = models.BigIntegerField(null=True, blank=True)
    day = models.DateField()
    creation_date = models.DateTimeField()
    voided = models.BooleanField(default=False, db_default=False)

    class Meta:
        db_table = "reputation_events"
        indexes = [
            models.Index(fields=["user", "day"], name="reputation_events_user_day"),
            models.Index(fields=["post"], name="reputation_events_post"),
            models.Index(fields=["vote_id"], name="reputation_events_vote"),
        ]


class DumpImport(models.Model):
    """The data dump a site's content was imported from, one row per import.

    The exporter reads it back to write the site in the dump's own shape: the tag form it used
    (`<a><b>` or `|a|b|`) and the attributes Pnyx filled in because the dump lacked them (dumps
    before 2023 name no licence; Pnyx derives it from the date, and an export leaves it out again).
    """

    id = models.BigAutoField(primary_key=True)
    imported_at = models.DateTimeField()
    source = models.TextField(help_text="The dump's file or folder name.")
    tag_form = models.CharField(max_length=10, default="angle", help_text="`angle` or `pipe`.")
    derived = models.JSONField(
        default=dict, help_text="Dump file name -> attributes Pnyx derived, absent from the dump."
    )
    counts = models.JSONField(
        default=dict, help_text="Rows imported, skipped and left dangling, per file."
    )

    class Meta:
        db_table = "dump_imports"
