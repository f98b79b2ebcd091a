"""Pages of the analysis, under /evaluations/<slug>/analysis/."""

from django.urls import path

from analysis import coding_views, edit_views, views

app_name = "analysis"

urlpatterns = [
    path("<slug:slug>/analysis/matrix/edit/", edit_views.matrix_edit_page, name="matrix_edit"),
    path("<slug:slug>/analysis/codebook/", edit_views.codebook_page, name="codebook"),
    path("<slug:slug>/analysis/coding/", coding_views.coding_page, name="coding"),
    path("<slug:slug>/analysis/", views.matrix_page, name="matrix"),
    path("<slug:slug>/analysis/tallies/", views.tallies_page, name="tallies"),
    path("<slug:slug>/analysis/excerpts/", views.excerpts_page, name="excerpts"),
]

from analysis import grid_views  # noqa: E402  (the criteria grid, a module of its own)

urlpatterns += [
    path("<slug:slug>/analysis/grid/", grid_views.grid_page, name="grid"),
]
