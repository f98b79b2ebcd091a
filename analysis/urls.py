"""Pages of the analysis, under /evaluations/<slug>/analysis/."""

from django.urls import path

from analysis import views

app_name = "analysis"

urlpatterns = [
    path("<slug:slug>/analysis/", views.matrix_page, name="matrix"),
    path("<slug:slug>/analysis/tallies/", views.tallies_page, name="tallies"),
]

from analysis import grid_views  # noqa: E402  (the criteria grid, a module of its own)

urlpatterns += [
    path("<slug:slug>/analysis/grid/", grid_views.grid_page, name="grid"),
]
