"""The content version: any write to a site's content, by any path, changes it."""

from __future__ import annotations

from django.db import connections
from tests import factories

from pnyx.posts.models import Comment, Post
from pnyx.sites import content_version


def test_every_write_changes_the_version(site) -> None:  # type: ignore[no-untyped-def]
    seen = [content_version.current(site.db_alias)]

    def changed() -> bool:
        seen.append(content_version.current(site.db_alias))
        return seen[-1] != seen[-2]

    author = factories.create_user("Asker")
    assert changed()
    question = factories.ask_question(
        author, "A question about versions", "A body that is long enough to pass.", ["meta"]
    )
    assert changed()
    comment = factories.add_comment(question, author, "A comment that is long enough.")
    assert changed()
    Post.objects.filter(pk=question.pk).update(title="An edited question title")
    assert changed()
    Comment.objects.filter(pk=comment.pk).delete()
    assert changed()
    with connections[site.db_alias].cursor() as cursor:  # past the ORM, as an importer may write
        cursor.execute("UPDATE users SET reputation = 5 WHERE id = %s", [author.id])
    assert changed()
    Post.objects.filter(pk=question.pk).exists()
    assert not changed(), "a read must leave the version alone"


def test_every_site_table_has_triggers(site) -> None:  # type: ignore[no-untyped-def]
    tables = content_version.site_tables()
    assert {"posts", "comments", "users", "tags", "post_tags", "votes"} <= set(tables)
    connection = connections[site.db_alias]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE t.tgname LIKE 'pnyx_cv_%%'"
            )
        else:
            cursor.execute(
                "SELECT DISTINCT tbl_name FROM sqlite_master "
                "WHERE type = 'trigger' AND name LIKE 'pnyx_cv_%'"
            )
        triggered = {row[0] for row in cursor.fetchall()}
    assert triggered == set(tables)


def test_installing_again_keeps_the_version(site) -> None:  # type: ignore[no-untyped-def]
    factories.create_user("Someone")
    before = content_version.current(site.db_alias)
    content_version.install(site.db_alias)
    assert content_version.current(site.db_alias) == before


def test_databases_never_share_a_version(make_site) -> None:  # type: ignore[no-untyped-def]
    # A page cached for a site's old database (before a dump import switched it, or before the
    # site was deleted and its id given again) must not match the new one's version.
    first, second = make_site(), make_site()
    assert content_version.current(first.db_alias) != content_version.current(second.db_alias)
