"""What the registry's pages share: who may open them, rendering, paging and the form loop.
Every member who may see the registry reads the pages; writes need can_manage_registry."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from common.errors import ValidationProblem, form_add_problem
from common.revisions import EditConflict, form_add_conflict
from evaluations.permissions import can_manage_registry, ensure_registry

PAGE_SIZE = 50
View = Callable[..., HttpResponse]


def registry_view(*, manage: bool = False) -> Callable[[View], View]:
    """A logged-in user who may see the registry (or, with manage, change it)."""

    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
            ensure_registry(request.user, manage=manage)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def render_registry(
    request: HttpRequest, template: str, context: dict[str, object], status: int = 200
) -> HttpResponse:
    """A page of stakeholders/, told whether the user may change the registry."""
    context.setdefault("can_manage", can_manage_registry(request.user))
    return render(request, f"stakeholders/{template}", context, status=status)


def paginate(request: HttpRequest, items: object, size: int = PAGE_SIZE) -> Page:
    """The page of `items` the request asks for (the last one when out of range)."""
    return Paginator(items, size).get_page(request.GET.get("page"))


def form_page(
    request: HttpRequest,
    form: object,
    save: Callable[[dict], Model],
    *,
    done: Callable[[Model], str],
    then: Callable[[Model], str],
    context: dict[str, object],
    template: str = "form.html",
    aliases: dict[str, str] | None = None,
) -> HttpResponse:
    """Show a form; on a valid POST call the service, or show its refusal next to the fields
    (an edit based on an old revision: what changed meanwhile, what was typed kept)."""
    if request.method == "POST":
        if form.is_valid():
            try:
                saved = save(form.cleaned_data)
            except ValidationProblem as problem:
                form_add_problem(form, problem)
            except EditConflict as conflict:
                form_add_conflict(form, conflict, aliases)
                return render_registry(request, template, {**context, "form": form}, status=409)
            else:
                messages.success(request, done(saved))
                return redirect(then(saved))
        return render_registry(request, template, {**context, "form": form}, status=400)
    return render_registry(request, template, {**context, "form": form})


def next_url(request: HttpRequest, default: str) -> str:
    """Where the form says to go back to, when that is on this site; else `default`."""
    target = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default
