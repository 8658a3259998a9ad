from datetime import UTC, datetime, timedelta

from pnyx.posts.history import (
    build_revisions,
    close_reason,
    original_question_ids,
    parse_tags,
    post_states,
    suggested_edit_users,
    voters,
)
from pnyx.posts.licenses import license_for
from pnyx.posts.models import HistoryType, PostHistory

T = datetime(2014, 1, 21, tzinfo=UTC)


def _row(row_id: int, kind: int, guid: str | None, minutes: int, **fields: object) -> PostHistory:
    return PostHistory(
        id=row_id,
        history_type=kind,
        post_id=1,
        revision_guid=guid,
        creation_date=T + timedelta(minutes=minutes),
        **fields,
    )


def test_dump_conventions() -> None:
    text = '{"OriginalQuestionIds":[25, 7],"Voters":[{"Id":17,"DisplayName":"Jon Ericson"}]}'
    assert [v.name for v in voters(text)] == ["Jon Ericson"]
    assert original_question_ids(text) == [25, 7]
    assert voters("not json") == [] and original_question_ids(None) == []
    assert (
        close_reason("104") == "too broad" and close_reason("x") == "" and close_reason("999") == ""
    )
    assert parse_tags("<a><b-c>") == ["a", "b-c"] and parse_tags("|a|b|") == ["a", "b"]
    assert suggested_edit_users("Proposed by 20 approved by 2, 39 edit id of 4") == (20, [2, 39])
    assert suggested_edit_users("Proposed by 20 edit id of 4") == (20, [])


def test_state_replays_close_reopen_and_lock() -> None:
    rows = [
        _row(1, HistoryType.CLOSED, "a", 1, comment="102"),
        _row(2, HistoryType.REOPENED, "b", 2),
        _row(3, HistoryType.CLOSED, "c", 3, comment="101", text='{"OriginalQuestionIds":[9]}'),
        _row(4, HistoryType.LOCKED, "d", 4),
        _row(5, HistoryType.UNLOCKED, "e", 5),
    ]
    state = post_states(rows)[1]
    assert state.closure is not None and state.closure.is_duplicate
    assert state.closure.original_ids == [9]
    assert state.lock is None


def test_revisions_group_by_guid_and_number_content_changes() -> None:
    rows = [
        _row(1, HistoryType.INITIAL_TITLE, "g1", 0, text="Title one"),
        _row(2, HistoryType.INITIAL_BODY, "g1", 0, text="Body one"),
        _row(3, HistoryType.INITIAL_TAGS, "g1", 0, text="<a>"),
        _row(4, HistoryType.EDIT_BODY, "g2", 5, text="Body two", comment="typo"),
        _row(5, HistoryType.CLOSED, "g3", 6, comment="103"),
        _row(6, HistoryType.ROLLBACK_BODY, "g4", 7, text="Body one", comment="Rollback to [g1]"),
        _row(7, HistoryType.EDIT_TAGS, None, 8, text="<a><b>"),
        _row(8, HistoryType.EDIT_TITLE, None, 8, text="Title two"),
    ]
    revisions = build_revisions(rows)
    assert [(r.number, r.kind) for r in revisions] == [
        (1, "initial"),
        (2, "edit"),
        (None, "event"),
        (3, "rollback"),
        (4, "edit"),
    ]
    assert revisions[1].body is not None and revisions[1].body.old == "Body one"
    assert revisions[1].summary == "typo"
    assert revisions[2].events[0].detail == "as unclear what you're asking"
    assert revisions[4].tags is not None and revisions[4].tags.old == "a"
    assert revisions[4].title is not None and revisions[4].title.new == "Title two"


def test_licence_by_date_when_the_dump_names_none() -> None:
    assert license_for(None, datetime(2011, 4, 7, tzinfo=UTC), None).name == "CC BY-SA 2.5"
    assert license_for(None, datetime(2011, 4, 8, tzinfo=UTC), None).name == "CC BY-SA 3.0"
    assert license_for(None, T, datetime(2018, 5, 2, tzinfo=UTC)).name == "CC BY-SA 4.0"
    named = license_for("CC BY-SA 2.5", datetime(2020, 1, 1, tzinfo=UTC), None)
    assert named.url == "https://creativecommons.org/licenses/by-sa/2.5/"
    assert license_for("nonsense", T, None).name == "CC BY-SA 3.0"
