"""Pages for evaluations and their teams: load through a selector, act through a service."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.errors import ValidationProblem, form_add_problem
from evaluations import services
from evaluations.forms import EvaluationForm, LockForm, MemberAddForm, MemberChangeForm
from evaluations.models import Evaluation, Membership
from evaluations.permissions import (
    Action,
    actions_for,
    can,
    can_create_evaluation,
    ensure,
    ensure_can_create_evaluation,
)
from evaluations.selectors import (
    evaluation_dashboard,
    evaluation_get,
    evaluation_list,
    membership_list,
)

EvaluationView = Callable[..., HttpResponse]


def evaluation_view(action: Action) -> Callable[[EvaluationView], EvaluationView]:
    """Load the evaluation named by `slug` for a logged-in user allowed to do `action` in it."""

    def decorator(view: EvaluationView) -> EvaluationView:
        @login_required
        @wraps(view)
        def wrapped(
            request: HttpRequest, slug: str, *args: object, **kwargs: object
        ) -> HttpResponse:
            evaluation = evaluation_get(user=request.user, slug=slug, action=action)
            request.evaluation = evaluation  # for the navigation (context processor)
            return view(request, evaluation, *args, **kwargs)

        return wrapped

    return decorator


def _membership(evaluation: Evaluation, pk: int) -> Membership:
    return get_object_or_404(
        Membership.objects.select_related("user", "evaluation"), pk=pk, evaluation=evaluation
    )


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


@login_required
def evaluation_list_page(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "evaluations/list.html",
        {
            "evaluations": evaluation_list(user=request.user),
            "can_create": can_create_evaluation(request.user),
        },
    )


@login_required
def evaluation_create_page(request: HttpRequest) -> HttpResponse:
    ensure_can_create_evaluation(request.user)
    form = EvaluationForm(request.POST or None, creating=True)
    del form.fields["status"]
    if request.method == "POST" and form.is_valid():
        try:
            evaluation = services.evaluation_create(by=request.user, **form.cleaned_data)
        except ValidationProblem as problem:
            form_add_problem(form, problem)
        else:
            messages.success(
                request,
                _("Evaluation “%(title)s” created. You are its lead evaluator.")
                % {"title": evaluation.title},
            )
            return redirect(evaluation)
    return render(request, "evaluations/form.html", {"form": form, "creating": True})


@evaluation_view(Action.VIEW_EVALUATION)
def evaluation_detail_page(request: HttpRequest, evaluation: Evaluation) -> HttpResponse:
    """The evaluation's first page: its dashboard, then its facts and team."""
    dashboard = evaluation_dashboard(user=request.user, evaluation=evaluation)
    return render(
        request,
        "evaluations/detail.html",
        {
            "evaluation": evaluation,
            "members": membership_list(evaluation=evaluation),
            "allowed": actions_for(request.user, evaluation),
            "dashboard_template": dashboard[0] if dashboard else None,
            **(dashboard[1] if dashboard else {}),
        },
    )


@evaluation_view(Action.CHANGE_EVALUATION)
def evaluation_edit_page(request: HttpRequest, evaluation: Evaluation) -> HttpResponse:
    form = EvaluationForm(request.POST or None, instance=evaluation)
    if request.method == "POST" and form.is_valid():
        try:
            services.evaluation_update(
                evaluation=Evaluation.objects.get(pk=evaluation.pk),
                by=request.user,
                **form.cleaned_data,
            )
        except ValidationProblem as problem:
            form_add_problem(form, problem)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("evaluations:detail", slug=form.cleaned_data["slug"])
    return render(
        request,
        "evaluations/form.html",
        {"form": form, "evaluation": evaluation, "creating": False},
    )


@evaluation_view(Action.DELETE_EVALUATION)
def evaluation_delete_page(request: HttpRequest, evaluation: Evaluation) -> HttpResponse:
    if request.method == "POST":
        try:
            services.evaluation_delete(evaluation=evaluation, by=request.user)
        except ValidationProblem as problem:
            messages.error(request, problem.message)
            return redirect(evaluation)
        messages.success(
            request, _("Evaluation “%(title)s” deleted.") % {"title": evaluation.title}
        )
        return redirect("evaluations:list")
    return render(request, "evaluations/delete.html", {"evaluation": evaluation})


@evaluation_view(Action.VIEW_MEMBERS)
def member_list_page(request: HttpRequest, evaluation: Evaluation) -> HttpResponse:
    allowed = actions_for(request.user, evaluation)
    form = MemberAddForm(request.POST or None)
    status = 200
    if request.method == "POST":
        ensure(request.user, Action.MANAGE_MEMBERS, evaluation)
        if form.is_valid():
            try:
                membership, mail_error = services.member_invite(
                    evaluation=evaluation, by=request.user, **form.cleaned_data
                )
            except ValidationProblem as problem:
                form_add_problem(form, problem)
            else:
                # The address as typed: whether it already had an account is not shown.
                who = form.cleaned_data["name"] or form.cleaned_data["email"]
                messages.success(
                    request,
                    _("%(name)s added as %(role)s.")
                    % {"name": who, "role": membership.get_role_display()},
                )
                if mail_error:
                    messages.warning(request, mail_error)
                return redirect("evaluations:members", slug=evaluation.slug)
        status = 400
    rows = [
        (m, MemberChangeForm(initial={"role": m.role, "initials": m.initials}, prefix=f"m{m.pk}"))
        for m in membership_list(evaluation=evaluation)
    ]
    return render(
        request,
        "evaluations/members.html",
        {"evaluation": evaluation, "rows": rows, "form": form, "allowed": allowed},
        status=status,
    )


@require_POST
@evaluation_view(Action.MANAGE_MEMBERS)
def member_change_page(request: HttpRequest, evaluation: Evaluation, pk: int) -> HttpResponse:
    membership = _membership(evaluation, pk)
    form = MemberChangeForm(request.POST, prefix=f"m{membership.pk}")
    error = ""
    if form.is_valid():
        try:
            services.membership_change(membership=membership, by=request.user, **form.cleaned_data)
        except ValidationProblem as problem:
            error = problem.message
            membership.refresh_from_db()
    else:
        error = "; ".join(f"{form.fields[f].label}: {' '.join(e)}" for f, e in form.errors.items())
    if _is_htmx(request):
        row_form = MemberChangeForm(
            initial={"role": membership.role, "initials": membership.initials},
            prefix=f"m{membership.pk}",
        )
        return render(
            request,
            "evaluations/_member_row.html",
            {
                "evaluation": evaluation,
                "membership": membership,
                "row_form": row_form,
                "allowed": actions_for(request.user, evaluation),
                "row_error": error,
                "row_saved": not error,
            },
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(
            request, _("%(name)s: changes saved.") % {"name": membership.user.display_name}
        )
    return redirect("evaluations:members", slug=evaluation.slug)


@require_POST
@evaluation_view(Action.MANAGE_MEMBERS)
def member_reinvite_page(request: HttpRequest, evaluation: Evaluation, pk: int) -> HttpResponse:
    membership = _membership(evaluation, pk)
    try:
        mail_error = services.member_reinvite(membership=membership, by=request.user)
    except ValidationProblem as problem:
        messages.error(request, problem.message)
    else:
        if mail_error:
            messages.warning(request, mail_error)
        else:
            messages.success(
                request, _("Invitation sent again to %(email)s.") % {"email": membership.user.email}
            )
    return redirect("evaluations:members", slug=evaluation.slug)


@evaluation_view(Action.MANAGE_MEMBERS)
def member_remove_page(request: HttpRequest, evaluation: Evaluation, pk: int) -> HttpResponse:
    membership = _membership(evaluation, pk)
    if request.method == "POST":
        try:
            services.membership_remove(membership=membership, by=request.user)
        except ValidationProblem as problem:
            messages.error(request, problem.message)
        else:
            messages.success(
                request,
                _("%(name)s removed from the team.") % {"name": membership.user.display_name},
            )
        if can(request.user, Action.VIEW_MEMBERS, evaluation):
            return redirect("evaluations:members", slug=evaluation.slug)
        return redirect("evaluations:list")
    return render(
        request,
        "evaluations/member_remove.html",
        {"evaluation": evaluation, "membership": membership},
    )


def lock_confirm_page(
    request: HttpRequest,
    evaluation: Evaluation,
    *,
    locked: bool,
    switch: Callable[[str], object],
    done: str,
    back: str,
    context: dict[str, object],
) -> HttpResponse:
    """The page that locks (or, when `locked`, unlocks) something, with a reason and a
    confirmation: `switch(reason)` calls the service, `done` is said after it, `back` is where
    the user goes then (and by Cancel)."""
    form = LockForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            switch(form.cleaned_data["reason"])
        except ValidationProblem as problem:
            form_add_problem(form, problem)
        else:
            messages.success(request, done)
            return redirect(back)
    page = {"evaluation": evaluation, "form": form, "locked": locked, "back": back, **context}
    status = 400 if request.method == "POST" else 200
    return render(request, "common/lock_confirm.html", page, status=status)
