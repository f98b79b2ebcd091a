"""The respondent's form, mounted under /r/ (the team's pages have urls.py)."""

from django.urls import path

from questionnaires.views import respondent as views
from questionnaires.views import respondent_steps as steps

app_name = "respondent"

urlpatterns = [
    path("<str:token>/", views.start, name="start"),
    path("<str:token>/page/<int:number>/", views.page, name="page"),
    path("<str:token>/page/<int:number>/autosave/", views.autosave, name="autosave"),
    path("<str:token>/review/", views.review, name="review"),
    path("<str:token>/done/", views.done, name="done"),
    path("<str:token>/decline/", views.decline, name="decline"),
    path("<str:token>/consent/", steps.consent, name="consent"),
    path("<str:token>/correction/", steps.correction_ask, name="correction"),
]
