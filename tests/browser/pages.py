"""The main pages the browser tests visit: each is checked by axe and photographed.

`needs` names the data fixtures the page shows (looked up by name, so a page of the imported
beer dump pulls in the `beer` import only when that page is tested).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MainPage:
    name: str
    path: str
    needs: tuple[str, ...] = ("politics",)


QUESTION_26794 = (
    "/politics/questions/26794/why-did-vladimir-putin-order-a-pullout-from-syria-in-late-2017"
)

BEER_QUESTION = "/beer/questions/518/do-cans-change-the-taste-of-beer"

MAIN_PAGES = [
    MainPage("network-home", "/", ("politics", "beer")),
    MainPage("site-home", "/politics/"),
    MainPage("question", QUESTION_26794),
    MainPage("user", "/politics/users/15860/xrorox"),
    MainPage("not-found", "/politics/questions/999999999"),
    # Accounts (allauth's pages in Pnyx's frame), on a site and at the network root.
    MainPage("login", "/politics/users/login?next=/politics/questions"),
    MainPage("signup", "/politics/users/signup"),
    MainPage("password-reset", "/politics/users/account/password/reset/"),
    MainPage("network-login", "/users/login", ()),
    # The imported beer.stackexchange.com dump: real lists, tag wikis, badges and long threads.
    MainPage("beer-home", "/beer/", ("beer",)),
    MainPage("beer-tagged", "/beer/questions/tagged/taste?tab=score", ("beer",)),
    MainPage("beer-question", BEER_QUESTION, ("beer",)),
    MainPage("beer-biggest-thread", "/beer/q/791", ("beer",)),
    MainPage("beer-closed-duplicate", "/beer/q/47", ("beer",)),
    MainPage("beer-closed", "/beer/q/119", ("beer",)),
    MainPage("beer-revisions", "/beer/posts/518/revisions", ("beer",)),
    MainPage("beer-user", "/beer/users/112", ("beer",)),
    MainPage("beer-user-activity", "/beer/users/112/mdma?tab=activity", ("beer",)),
    MainPage("beer-user-reputation", "/beer/users/112/mdma?tab=reputation", ("beer",)),
    MainPage("beer-tags", "/beer/tags", ("beer",)),
    MainPage("beer-tag-info", "/beer/tags/taste/info", ("beer",)),
    MainPage("beer-users", "/beer/users", ("beer",)),
    MainPage("beer-badges", "/beer/help/badges", ("beer",)),
    MainPage("beer-badge", "/beer/help/badges/Nice%20Answer", ("beer",)),
    # The post editor, on a page that exists only in the tests (conftest.editor_page).
    MainPage("editor", "/politics/-/test/editor", ("politics", "editor_page")),
    MainPage("beer-search", "/beer/search?q=taste+bottle", ("beer",)),
    MainPage(
        "beer-search-tags", "/beer/search?q=%5Bhops%5D+or+%5Bipa%5D+score:1&tab=score", ("beer",)
    ),
    MainPage(
        "beer-similar", "/beer/search/similar?title=does+beer+taste+better+from+a+bottle", ("beer",)
    ),
    MainPage("beer-duplicates", "/beer/search/duplicates/518", ("beer",)),
]
