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

MAIN_PAGES = [
    MainPage("network-home", "/"),
    MainPage("site-home", "/politics/"),
    MainPage("questions", "/politics/questions?tab=newest"),
    MainPage("tagged", "/politics/questions/tagged/syria"),
    MainPage("question", QUESTION_26794),
    MainPage("user", "/politics/users/15860/xrorox"),
    MainPage("user-activity", "/politics/users/15860/xrorox?tab=activity"),
    MainPage("tags", "/politics/tags"),
    MainPage("tag-info", "/politics/tags/syria/info"),
    MainPage("users", "/politics/users"),
    MainPage("badges", "/politics/help/badges"),
    MainPage("not-found", "/politics/questions/999999999"),
]
