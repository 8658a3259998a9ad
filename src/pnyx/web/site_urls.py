"""A site's URLs, following Stack Exchange's scheme."""

from django.urls import path

from pnyx.accounts.urls import account_urlpatterns, site_account_urlpatterns
from pnyx.search import views as search
from pnyx.web.converters import register
from pnyx.web.views import (
    asking,
    badges,
    commenting,
    crawlers,
    editing,
    feeds,
    help,
    preview,
    questions,
    tags,
    thread,
    users,
    voting,
)
from pnyx.web.views.revisions import revisions as revisions_page

register()

urlpatterns = [
    path("", questions.site_home, name="site_home"),
    path("questions", questions.question_list, name="questions"),
    path("questions/ask", asking.ask, name="ask"),
    path("questions/tagged/<tags:tags>", questions.tagged, name="tagged"),
    path("questions/<id:question_id>/answer/submit", asking.answer, name="answer_submit"),
    path("questions/<id:question_id>", questions.question_redirect, name="question_short"),
    path("questions/<id:question_id>/", questions.question_redirect),
    path("questions/<id:question_id>/<str:slug>", thread.question_page, name="question"),
    path(
        "questions/<id:question_id>/<str:slug>/<id:answer_id>",
        questions.answer_permalink,
        name="answer_permalink",
    ),
    path("q/<id:question_id>", questions.question_redirect, name="q"),
    path("q/<id:question_id>/<id:user_id>", questions.question_redirect),
    path("a/<id:answer_id>", questions.answer_redirect, name="a"),
    path("a/<id:answer_id>/<id:user_id>", questions.answer_redirect, name="answer_share"),
    path("users/<id:user_id>", users.user_redirect),
    path("users/<id:user_id>/", users.user_redirect),
    path("users/<id:user_id>/<str:slug>", users.user_page, name="user"),
    path("u/<id:user_id>", users.user_redirect, name="u"),
    path("posts/<id:post_id>/revisions", revisions_page, name="revisions"),
    path("posts/<id:post_id>/comments", questions.comments, name="post_comments"),
    path("posts/preview", preview.post_preview, name="post_preview"),
    path("posts/<id:post_id>/mentions", commenting.mention_candidates, name="mention_candidates"),
    path("posts/<id:post_id>/edit", editing.edit, name="post_edit"),
    path("posts/<id:post_id>/rollback", editing.rollback, name="post_rollback"),
    path("posts/<id:post_id>/delete", editing.delete, name="post_delete"),
    path("posts/<id:post_id>/undelete", editing.undelete, name="post_undelete"),
    path("posts/<id:post_id>/vote", voting.vote, name="post_vote"),
    path("posts/<id:post_id>/accept", voting.accept, name="post_accept"),
    path("posts/<id:post_id>/bookmark", voting.bookmark, name="post_bookmark"),
    path("posts/comments/<id:comment_id>/vote", voting.comment_vote, name="comment_vote"),
    path("posts/comments/<id:comment_id>/delete", commenting.delete, name="comment_delete"),
    path("users", users.user_list, name="users"),
    path("tags", tags.tag_list, name="tags"),
    path("tags/<tags:tag>/info", tags.tag_page, name="tag_info"),
    path("tags/<tags:tag>", tags.tag_redirect, name="tag"),
    path("help/privileges", help.privilege_list, name="privileges"),
    path("help/badges", badges.badge_list, name="badges"),
    path("help/badges/<path:name>", badges.badge_page, name="badge"),
    path("feeds", feeds.site_feed, name="feed_site"),
    path("feeds/tag/<tags:tag>", feeds.tag_feed, name="feed_tag"),
    path("feeds/question/<id:question_id>", feeds.question_feed, name="feed_question"),
    path("feeds/user/<id:user_id>", feeds.user_feed, name="feed_user"),
    path("sitemap.xml", crawlers.sitemap, name="sitemap"),
    path("sitemap-<int:number>.xml", crawlers.sitemap_page, name="sitemap_page"),
    path("robots.txt", crawlers.site_robots, name="robots"),
    # Sign-up, log-in, the account pages, joining the site and editing one's profile.
    *account_urlpatterns,
    *site_account_urlpatterns,
    path("search", search.search, name="search"),
    path("search/similar", search.similar, name="similar_questions"),
    path("search/duplicates/<id:question_id>", search.duplicates, name="duplicate_candidates"),
]

handler404 = "pnyx.web.views.errors.not_found"
