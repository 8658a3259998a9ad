import pytest


def test_network_home_lists_sites(client, politics) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/")
    assert response.status_code == 200
    assert 'href="/politics/"' in response.content.decode()


def test_site_home_lists_the_question_with_counts_and_tags(client, politics) -> None:  # type: ignore[no-untyped-def]
    body = client.get("/politics/").content.decode()
    assert "Why did Vladimir Putin order a pullout from Syria in late 2017?" in body
    assert "<strong>1</strong> answer" in body
    assert 'href="/politics/questions/tagged/syria"' in body


@pytest.mark.parametrize(
    "query",
    [
        "?tab=newest",
        "?tab=score",
        "?tab=bogus",
        "?page=-1",
        "?pagesize=10000",
        "?page=abc&pagesize=x",
    ],
)
def test_list_parameters_never_fail(client, politics, query: str) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/politics/questions" + query)
    assert response.status_code == 200
    assert "Why did Vladimir Putin" in response.content.decode()


def test_tagged_list(client, politics) -> None:  # type: ignore[no-untyped-def]
    assert (
        "Why did Vladimir Putin" in client.get("/politics/questions/tagged/syria").content.decode()
    )
    assert (
        "Why did Vladimir Putin"
        in client.get("/politics/questions/tagged/syria+russia").content.decode()
    )
    assert (
        "Why did Vladimir Putin"
        not in client.get("/politics/questions/tagged/beer").content.decode()
    )


def test_user_page_shows_name_reputation_posts_and_comments(client, politics) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/politics/users/15860/xrorox")
    body = response.content.decode()
    assert response.status_code == 200
    assert "<h1>xrorox</h1>" in body
    assert "1520" in body
    assert "Why did Vladimir Putin" in body
    assert "As an addendum, Daesh lost" in body
    assert client.get("/politics/users/15860").status_code == 301
    assert client.get("/politics/users/15860/wrong")["Location"] == "/politics/users/15860/xrorox"


def test_site_is_reached_by_host_name(client, make_site) -> None:  # type: ignore[no-untyped-def]
    from django.test import override_settings

    make_site("hosted", title="Hosted", hostnames=["hosted.example.org"])
    with override_settings(ALLOWED_HOSTS=["hosted.example.org", "testserver"]):
        response = client.get("/", HTTP_HOST="hosted.example.org")
        assert response.status_code == 200
        assert "Hosted" in response.content.decode()
        prefixed = client.get("/hosted/questions?tab=newest", HTTP_HOST="hosted.example.org")
        assert prefixed.status_code == 301
        assert prefixed["Location"] == "/questions?tab=newest"
