"""A site's URLs, following Stack Exchange's scheme."""

from django.urls import path

from pnyx.web.converters import register
from pnyx.web.views import questions, users

register()

urlpatterns = [
    path("", questions.site_home, name="site_home"),
    path("questions", questions.question_list, name="questions"),
    path("questions/tagged/<tags:tags>", questions.tagged, name="tagged"),
    path("questions/<id:question_id>", questions.question_redirect, name="question_short"),
    path("questions/<id:question_id>/", questions.question_redirect),
    path("questions/<id:question_id>/<str:slug>", questions.question_page, name="question"),
    path("q/<id:question_id>", questions.question_redirect, name="q"),
    path("q/<id:question_id>/<id:user_id>", questions.question_redirect),
    path("a/<id:answer_id>", questions.answer_redirect, name="a"),
    path("a/<id:answer_id>/<id:user_id>", questions.answer_redirect, name="answer_share"),
    path("users/<id:user_id>", users.user_redirect),
    path("users/<id:user_id>/", users.user_redirect),
    path("users/<id:user_id>/<str:slug>", users.user_page, name="user"),
    path("u/<id:user_id>", users.user_redirect, name="u"),
]

handler404 = "pnyx.web.views.errors.not_found"
