"""The versions that page caches are keyed by: every write through the domain moves them on,
after its commit; a post's own version moves with the post."""

from __future__ import annotations

from django.db import connections, transaction
from django.utils import timezone
from tests import factories

from pnyx.posts import actions
from pnyx.posts.models import Post
from pnyx.sites import content_version

BODY = "A body that is long enough to pass."


def test_writes_move_the_versions_after_their_commit(site) -> None:  # type: ignore[no-untyped-def]
    author = factories.create_user("Asker")
    voter = factories.create_user("Voter", reputation=100)
    start = content_version.current(site.db_alias)
    with transaction.atomic(using=site.db_alias):
        question = factories.ask_question(author, "A question about versions", BODY, ["meta"])
        assert content_version.current(site.db_alias) == start, "not before the commit"
    asked = content_version.current(site.db_alias)
    assert asked.lists > start.lists and asked.all > start.all and asked.epoch == start.epoch
    factories.add_comment(question, author, "A comment that is long enough.")
    commented = content_version.current(site.db_alias)
    assert commented.all > asked.all and commented.lists == asked.lists  # lists show no comments
    actions.check_vote(actor=voter, post_id=question.pk, vote="up")
    voted = content_version.current(site.db_alias)
    assert voted.lists > commented.lists
    Post.objects.filter(pk=question.pk).exists()
    assert content_version.current(site.db_alias) == voted, "a read leaves them alone"


def test_a_post_version_moves_with_its_post_comments_and_votes(site) -> None:  # type: ignore[no-untyped-def]
    author = factories.create_user("Asker")
    voter = factories.create_user("Voter", reputation=100)
    question = factories.ask_question(
        author, "A question about versions", BODY, ["meta"], at=timezone.now()
    )
    answer = factories.post_answer(question, author, BODY)

    def version(post: Post) -> int:
        return Post.objects.get(pk=post.pk).version

    before = (version(question), version(answer))
    factories.add_comment(answer, author, "A comment that is long enough.")
    assert (version(question), version(answer)) == (before[0], before[1] + 1)
    actions.check_vote(actor=voter, post_id=question.pk, vote="up")
    assert version(question) == before[0] + 1


def test_installing_again_keeps_the_versions_and_removes_old_triggers(site) -> None:  # type: ignore[no-untyped-def]
    factories.create_user("Someone")
    before = content_version.current(site.db_alias)
    content_version.install(site.db_alias)
    assert content_version.current(site.db_alias) == before
    connection = connections[site.db_alias]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'pnyx_cv_%%'")
        else:
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
                "AND name LIKE 'pnyx_cv_%'"
            )
        assert cursor.fetchone()[0] == 0


def test_databases_never_share_versions(make_site) -> None:  # type: ignore[no-untyped-def]
    # A page cached for a site's old database (before a dump import switched it, or before the
    # site was deleted and its id given again) must not match the new one's versions.
    first, second = make_site(), make_site()
    assert content_version.current(first.db_alias) != content_version.current(second.db_alias)


def test_on_sqlite_a_write_and_its_versions_are_one_transaction(site) -> None:  # type: ignore[no-untyped-def]
    """SQLite's write transactions take turns on one lock: the versions move as the write's
    last statement rather than in a second turn after it."""
    from django.test.utils import CaptureQueriesContext

    if connections[site.db_alias].vendor != "sqlite":
        import pytest

        pytest.skip("PostgreSQL moves them after the commit, in a transaction of their own")
    author = factories.create_user("Asker")
    voter = factories.create_user("Voter", reputation=100)
    question = factories.ask_question(author, "A question about versions", BODY, ["meta"])
    start = content_version.current(site.db_alias)
    with CaptureQueriesContext(connections[site.db_alias]) as captured:
        actions.check_vote(actor=voter, post_id=question.pk, vote="up")
    statements = [q["sql"].split()[0].upper() for q in captured.captured_queries]
    assert statements.count("BEGIN") == 1 and statements.count("COMMIT") == 1, statements
    bump = next(i for i, q in enumerate(captured.captured_queries) if "pnyx_versions" in q["sql"])
    assert bump < statements.index("COMMIT")
    voted = content_version.current(site.db_alias)
    assert voted.lists == start.lists + 1 and voted.all == start.all + 1


def test_a_failing_in_transaction_handler_undoes_the_write(site, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import pytest

    from pnyx import events

    author = factories.create_user("Asker")
    voter = factories.create_user("Voter", reputation=100)
    question = factories.ask_question(author, "A question about versions", BODY, ["meta"])
    start = content_version.current(site.db_alias)

    def fail(site, batch):  # type: ignore[no-untyped-def]
        raise RuntimeError("the handler failed")

    monkeypatch.setattr(
        events, "_in_transaction_handlers", [*events._in_transaction_handlers, fail]
    )
    with pytest.raises(RuntimeError):
        actions.check_vote(actor=voter, post_id=question.pk, vote="up")
    assert Post.objects.get(pk=question.pk).score == 0
    assert content_version.current(site.db_alias) == start
