"""Pages of the analysis, under /evaluations/<slug>/analysis/."""

from django.urls import path

from analysis import views

app_name = "analysis"

urlpatterns = [
    path("<slug:slug>/analysis/", views.matrix_page, name="matrix"),
    path("<slug:slug>/analysis/tallies/", views.tallies_page, name="tallies"),
]
