"""The registry's pages, under /registry/ (the import, under /registry/import/, has its own)."""

from django.urls import path

from stakeholders.views import groups, merges, organisations, people, places

app_name = "stakeholders"

urlpatterns = [
    path("", people.people_page, name="people"),
    path("people/new/", people.person_create_page, name="person_create"),
    path("people/<int:pk>/", people.person_page, name="person"),
    path("people/<int:pk>/edit/", people.person_edit_page, name="person_edit"),
    path(
        "people/<int:pk>/affiliations/new/",
        people.affiliation_create_page,
        name="affiliation_create",
    ),
    path(
        "people/<int:pk>/affiliations/<int:affiliation>/",
        people.affiliation_edit_page,
        name="affiliation_edit",
    ),
    path(
        "people/<int:pk>/affiliations/<int:affiliation>/end/",
        people.affiliation_end_page,
        name="affiliation_end",
    ),
    path("duplicates/", merges.duplicates_page, name="duplicates"),
    path("duplicates/not-the-same/", merges.not_duplicate_page, name="not_duplicate"),
    path("merge/", merges.merge_page, name="merge"),
    path("merges/<int:pk>/undo/", merges.merge_undo_page, name="merge_undo"),
    path("organisations/", organisations.organisations_page, name="organisations"),
    path("organisations/new/", organisations.organisation_create_page, name="organisation_create"),
    path("organisations/<int:pk>/", organisations.organisation_edit_page, name="organisation_edit"),
    path("offices/", places.offices_page, name="offices"),
    path("offices/new/", places.office_create_page, name="office_create"),
    path("offices/<int:pk>/", places.office_edit_page, name="office_edit"),
    path("countries/", places.countries_page, name="countries"),
    path("countries/<str:code>/", places.country_edit_page, name="country_edit"),
    path("groups/", groups.groups_page, name="groups"),
    path("groups/<int:pk>/", groups.group_edit_page, name="group_edit"),
    path("groups/<int:pk>/move/", groups.group_move_page, name="group_move"),
    path("groups/<int:pk>/delete/", groups.group_delete_page, name="group_delete"),
]
