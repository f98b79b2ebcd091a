"""The registry's pages, under /registry/ (the import, under /registry/import/, has its own)."""

from django.urls import path

from stakeholders import views

app_name = "stakeholders"

urlpatterns = [
    path("", views.people_page, name="people"),
    path("people/new/", views.person_create_page, name="person_create"),
    path("people/<int:pk>/", views.person_page, name="person"),
    path("people/<int:pk>/edit/", views.person_edit_page, name="person_edit"),
    path(
        "people/<int:pk>/affiliations/new/",
        views.affiliation_create_page,
        name="affiliation_create",
    ),
    path(
        "people/<int:pk>/affiliations/<int:affiliation>/",
        views.affiliation_edit_page,
        name="affiliation_edit",
    ),
    path(
        "people/<int:pk>/affiliations/<int:affiliation>/end/",
        views.affiliation_end_page,
        name="affiliation_end",
    ),
    path("duplicates/", views.duplicates_page, name="duplicates"),
    path("duplicates/not-the-same/", views.not_duplicate_page, name="not_duplicate"),
    path("merge/", views.merge_page, name="merge"),
    path("merges/<int:pk>/undo/", views.merge_undo_page, name="merge_undo"),
    path("organisations/", views.organisations_page, name="organisations"),
    path("organisations/new/", views.organisation_create_page, name="organisation_create"),
    path("organisations/<int:pk>/", views.organisation_edit_page, name="organisation_edit"),
    path("offices/", views.offices_page, name="offices"),
    path("offices/new/", views.office_create_page, name="office_create"),
    path("offices/<int:pk>/", views.office_edit_page, name="office_edit"),
    path("countries/", views.countries_page, name="countries"),
    path("countries/<str:code>/", views.country_edit_page, name="country_edit"),
    path("groups/", views.groups_page, name="groups"),
    path("groups/<int:pk>/", views.group_edit_page, name="group_edit"),
    path("groups/<int:pk>/move/", views.group_move_page, name="group_move"),
    path("groups/<int:pk>/delete/", views.group_delete_page, name="group_delete"),
]
