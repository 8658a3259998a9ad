from pnyx.render.comments import render_comment
from pnyx.render.mentions import Participant, conversation, resolve_mention, split_mentions

XROROX = Participant(1, "xrorox")
MUSTACCIO = Participant(2, "mustaccio")
JOHN_SMITH = Participant(3, "John Smith")
JOHN_DOE = Participant(4, "John Doe")


def url(p: Participant) -> str:
    return f"/s/users/{p.user_id}/x"


def test_prefix_of_three_characters_case_insensitive_spaces_removed() -> None:
    people = [XROROX, MUSTACCIO, JOHN_SMITH]
    assert resolve_mention("xro", people) == XROROX
    assert resolve_mention("XROROX", people) == XROROX
    assert resolve_mention("JohnSm", people) == JOHN_SMITH
    assert resolve_mention("xr", people) is None
    assert resolve_mention("nobody", people) is None


def test_most_recent_commenter_wins_then_author() -> None:
    author = JOHN_SMITH
    earlier = [JOHN_DOE, MUSTACCIO]
    people = conversation(author, earlier)
    assert people == [MUSTACCIO, JOHN_DOE, JOHN_SMITH]
    assert resolve_mention("John", people) == JOHN_DOE
    people = conversation(JOHN_DOE, [JOHN_SMITH])
    assert resolve_mention("John", people) == JOHN_SMITH


def test_trailing_punctuation_is_not_part_of_the_name() -> None:
    assert [m for _, m in split_mentions("@xrorox : hi") if m] == ["xrorox"]
    assert [m for _, m in split_mentions("thanks @mustaccio, yes") if m] == ["mustaccio"]
    assert [m for _, m in split_mentions("mail me at a@b.org") if m] == []


def test_rendered_comment_links_mentions_but_not_inside_code_or_links() -> None:
    html = render_comment(
        '@xrorox : "send back" `@mustaccio` [@mustaccio](https://example.org) @unknown',
        [XROROX, MUSTACCIO],
        url,
    )
    assert '<a class="mention" href="/s/users/1/x"' in html
    assert "<code>@mustaccio</code>" in html
    assert html.count('class="mention"') == 1
    assert "@unknown" in html


def test_comment_subset_has_no_block_elements() -> None:
    html = render_comment("# not a heading\n\n> not a quote **bold** _it_", [], url)
    assert "<h1>" not in html and "<blockquote>" not in html
    assert "<strong>bold</strong>" in html and "<em>it</em>" in html
