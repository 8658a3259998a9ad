import re

import pytest

QUESTION = (
    "/politics/questions/26794/why-did-vladimir-putin-order-a-pullout-from-syria-in-late-2017"
)


@pytest.fixture
def page(client, politics) -> str:  # type: ignore[no-untyped-def]
    response = client.get(QUESTION)
    assert response.status_code == 200
    return response.content.decode()


def test_thread_shows_question_answer_and_all_eleven_comments_in_order(page: str) -> None:
    assert "Why did Vladimir Putin order a pullout from Syria in late 2017?" in page
    comments = re.findall(r'<li class="comment" id="comment-\d+">', page)
    assert len(comments) == 11
    order = [
        "Some Russian troops",
        "not the first declared",
        "The first pullout was",
        "send back",
        "True, I knew why",
        "Surely, that has to do",
        "As an addendum",
        "Well, in fact Daesh",
        "True, but you could not",
        "Moreover, there are",
        "Yeah, Irak and Iran",
        "Iran is particularly against",
    ]
    positions = [page.find(text) for text in order]
    assert -1 not in positions, [t for t, p in zip(order, positions, strict=True) if p == -1]
    assert positions == sorted(positions)


def test_markdown_links_quote_and_times(page: str) -> None:
    assert "<strong>will</strong>" in page
    assert "<blockquote>" in page and "Tartus and Hmeymim" in page
    assert (
        'href="/politics/questions/26186/putins-2016-announcement-withdrawal-of-russian-troops-from-syria"'
        in page
    )
    assert 'href="/politics/a/26216/15897"' in page
    assert re.search(
        r'<time datetime="2017-12-11T16:40:00\+00:00" title="2017-12-11 16:40:00Z">', page
    )


def test_every_mention_links_to_the_user_replied_to(page: str) -> None:
    mentions = re.findall(r'<a class="mention" href="([^"]+)"[^>]*>@(\w+)</a>', page)
    assert len(mentions) == 6
    for href, name in mentions:
        assert href.endswith(f"/{name.lower()}")
    assert ("/politics/users/15860/xrorox", "xrorox") in mentions
    assert ("/politics/users/8917/mustaccio", "mustaccio") in mentions
    assert ("/politics/users/15897/evargalo", "Evargalo") in mentions


def test_short_links_and_wrong_slugs_redirect(client, politics) -> None:  # type: ignore[no-untyped-def]
    for path in (
        "/politics/q/26794",
        "/politics/questions/26794",
        "/politics/questions/26794/wrong-slug",
        "/politics/q/26794/15897",
    ):
        response = client.get(path)
        assert response.status_code == 301, path
        assert response["Location"] == QUESTION
    response = client.get("/politics/a/26797/15897")
    assert response.status_code == 302
    assert response["Location"] == QUESTION + "#26797"


def test_missing_post_offers_the_original_url(client, politics) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/politics/questions/26186/putins-2016-announcement")
    assert response.status_code == 404
    body = response.content.decode()
    assert "not on this site" in body
    assert (
        'href="https://politics.stackexchange.com/questions/26186/putins-2016-announcement"' in body
    )
    response = client.get("/politics/a/26216/15897")
    assert response.status_code == 404
    assert "https://politics.stackexchange.com/a/26216/15897" in response.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/nosuchsite/questions/1",
        "/politics/questions/abc",
        "/politics/questions/99999999999999",
        "/politics/users/9999999",
        "/politics/users/abc/x",
        "/politics/a/xyz",
        "/politics/questions/tagged/%3Cscript%3E",
    ],
)
def test_bad_ids_are_404_not_500(client, politics, path: str) -> None:  # type: ignore[no-untyped-def]
    assert client.get(path).status_code == 404
