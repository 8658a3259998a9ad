from pnyx.demo.seed import SEED_FILE, load_politics, parse_seed
from pnyx.posts.models import Comment, Post, SiteUser
from pnyx.sites.context import activated


def test_seed_parses_into_the_threads_parts() -> None:
    thread = parse_seed(SEED_FILE.read_text())
    assert thread.title == "Why did Vladimir Putin order a pullout from Syria in late 2017?"
    assert len(thread.question_comments) == 5
    assert len(thread.answer_comments) == 6
    assert "\n\n> Here [in Syria]" in thread.answer
    assert thread.question_comments[2].startswith("@mustaccio")


def test_loading_twice_creates_nothing_new(politics) -> None:  # type: ignore[no-untyped-def]
    site, created = load_politics()
    assert not created
    with activated(site):
        assert Post.objects.count() == 2
        assert Comment.objects.count() == 11
        assert SiteUser.objects.count() == 4
