from pnyx.render.diff import inline_diff, side_by_side, tag_diff


def test_inline_marks_words_within_changed_lines_and_escapes_everything() -> None:
    old = "Keep <b>this</b> line.\nChange one word here.\nDrop me."
    new = "Keep <b>this</b> line.\nChange two words here.\n"
    html = inline_diff(old, new)
    assert html.startswith("Keep &lt;b&gt;this&lt;/b&gt; line.\n")
    assert "<del>one word</del><ins>two words</ins>" in html
    assert "<del>Drop me.</del>" in html
    assert "<b>" not in html


def test_unrelated_blocks_are_replaced_whole_not_word_by_word() -> None:
    html = inline_diff("alpha beta gamma", "completely different sentence")
    assert html == "<del>alpha beta gamma</del><ins>completely different sentence</ins>"


def test_side_by_side_pairs_lines() -> None:
    rows = side_by_side("same\nold line\ngone", "same\nnew line\nadded\nmore")
    assert [r.kind for r in rows] == ["equal", "changed", "changed", "added"]
    assert rows[0].old == rows[0].new == "same"
    assert rows[1].old == "<del>old</del> line" and rows[1].new == "<ins>new</ins> line"
    assert rows[3].old is None and rows[3].new == "<ins>more</ins>"


def test_tag_diff() -> None:
    changes = tag_diff("ale lager", "ale stout")
    assert [(c.name, c.kind) for c in changes] == [
        ("ale", "kept"),
        ("stout", "added"),
        ("lager", "removed"),
    ]
    assert [c.kind for c in tag_diff(None, "ale")] == ["kept"]
