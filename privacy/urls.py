"""The privacy pages: a person's data and erasure (under /registry/people/<id>/), and an
evaluation's retention (under /evaluations/<slug>/)."""

from django.urls import path

from privacy.views import people, retention

app_name = "privacy"

urlpatterns = [
    path("registry/people/<int:pk>/data/", people.person_data_page, name="person_data"),
    path(
        "registry/people/<int:pk>/data/download/",
        people.person_data_download,
        name="person_data_download",
    ),
    path("registry/people/<int:pk>/erase/", people.person_erase_page, name="person_erase"),
    path("evaluations/<slug:slug>/retention/", retention.retention_page, name="retention"),
]
