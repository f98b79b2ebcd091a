"""The stakeholder group pages: the controlled list, adding, editing, reordering, deleting."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.errors import ValidationProblem, form_add_problem
from evaluations.permissions import ensure_registry
from stakeholders.forms.registry import GroupForm
from stakeholders.models import StakeholderGroup
from stakeholders.selectors.groups import group_list
from stakeholders.services.groups import group_create, group_delete, group_move, group_update
from stakeholders.views.base import form_page, registry_view, render_registry


@registry_view()
def groups_page(request: HttpRequest) -> HttpResponse:
    form = GroupForm(request.POST or None)
    if request.method == "POST":
        ensure_registry(request.user, manage=True)
        if form.is_valid():
            try:
                group = group_create(by=request.user, **form.cleaned_data)
            except ValidationProblem as problem:
                form_add_problem(form, problem)
            else:
                messages.success(request, _("%(name)s added.") % {"name": group.name})
                return redirect("stakeholders:groups")
    return render_registry(
        request,
        "groups.html",
        {"groups": group_list(user=request.user), "form": form},
        status=400 if request.method == "POST" else 200,
    )


@registry_view(manage=True)
def group_edit_page(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_object_or_404(StakeholderGroup, pk=pk)
    return form_page(
        request,
        GroupForm(request.POST or None, group=group),
        lambda data: group_update(by=request.user, group=group, **data),
        done=lambda g: _("Changes to %(name)s saved.") % {"name": g.name},
        then=lambda g: reverse("stakeholders:groups"),
        context={
            "section": "groups",
            "title": _("Stakeholder group: %(name)s") % {"name": group.name},
            "back": reverse("stakeholders:groups"),
            "group": group,
        },
        template="group_form.html",
    )


@require_POST
@registry_view(manage=True)
def group_move_page(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_object_or_404(StakeholderGroup, pk=pk)
    group_move(by=request.user, group=group, up=request.POST.get("direction") == "up")
    return redirect(reverse("stakeholders:groups") + f"#group-{group.pk}")


@require_POST
@registry_view(manage=True)
def group_delete_page(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_object_or_404(StakeholderGroup, pk=pk)
    try:
        group_delete(by=request.user, group=group)
    except ValidationProblem as problem:
        messages.error(request, problem.message)
        return redirect("stakeholders:group_edit", pk=group.pk)
    messages.success(request, _("%(name)s deleted.") % {"name": group.name})
    return redirect("stakeholders:groups")
