"""The history's pages: the evaluation's Activity, and the History of a person, an interview,
an instrument version and a distribution (each next to the page it is about)."""

from django.urls import path

from history.views import pages

app_name = "history"

urlpatterns = [
    path("evaluations/<slug:slug>/activity/", pages.activity_page, name="activity"),
    path(
        "evaluations/<slug:slug>/interviews/<int:pk>/history/",
        pages.interview_history_page,
        name="interview",
    ),
    path(
        "evaluations/<slug:slug>/distributions/<int:pk>/history/",
        pages.distribution_history_page,
        name="distribution",
    ),
    path(
        "evaluations/<slug:slug>/instruments/<slug:key>/v<int:number>/history/",
        pages.version_history_page,
        name="version",
    ),
    path("registry/people/<int:pk>/history/", pages.person_history_page, name="person"),
]
