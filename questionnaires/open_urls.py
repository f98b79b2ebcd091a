"""The open links' public address, mounted under /o/ (questionnaires.views.open_entry)."""

from django.urls import path

from questionnaires.views import open_entry

app_name = "open_link"

urlpatterns = [
    path("<str:token>/", open_entry.entry, name="entry"),
]
