"""The pages of possible duplicates and merges: propose, tell apart, merge, undo."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from common.errors import ValidationProblem, form_add_problem
from stakeholders.forms.registry import MergeForm, PairForm
from stakeholders.models import PersonMerge
from stakeholders.selectors.duplicates import duplicate_pairs, duplicate_pairs_load
from stakeholders.selectors.merges import PERSON_LINKS, merge_preview, person_final, shared_label
from stakeholders.services.merges import not_duplicate_add, person_merge, person_merge_undo
from stakeholders.views.base import next_url, paginate, registry_view, render_registry

MOVED_TEXTS: dict[str, Callable[[int], str]] = {
    "affiliations": lambda n: ngettext("%(n)d affiliation", "%(n)d affiliations", n),
    "invitations": lambda n: ngettext("%(n)d invitation", "%(n)d invitations", n),
    "participations": lambda n: ngettext(
        "%(n)d interview participation", "%(n)d interview participations", n
    ),
    "aliases": lambda n: ngettext("%(n)d alias", "%(n)d aliases", n),
    "aliases_created": lambda n: ngettext(
        "%(n)d name kept as alias", "%(n)d names kept as aliases", n
    ),
    "emails": lambda n: ngettext("%(n)d e-mail address", "%(n)d e-mail addresses", n),
    "phones": lambda n: ngettext("%(n)d phone number", "%(n)d phone numbers", n),
    "tags": lambda n: ngettext("%(n)d tag", "%(n)d tags", n),
}


def moved_summary(merge: PersonMerge) -> str:
    """What a merge moved, in words: '2 affiliations, 1 invitation, 1 e-mail address'."""
    moved = merge.moved or {}
    parts = [
        text(len(moved[key])) % {"n": len(moved[key])}
        for key, text in MOVED_TEXTS.items()
        if moved.get(key)
    ]
    return ", ".join(parts) or _("nothing but the name")


@registry_view()
def duplicates_page(request: HttpRequest) -> HttpResponse:
    page = paginate(request, duplicate_pairs(user=request.user), size=25)
    return render_registry(
        request,
        "duplicates.html",
        {"page": page, "pairs": duplicate_pairs_load(page.object_list)},
    )


@require_POST
@registry_view(manage=True)
def not_duplicate_page(request: HttpRequest) -> HttpResponse:
    form = PairForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Those two people are not in the registry any more."))
        return redirect("stakeholders:duplicates")
    first, second = form.cleaned_data["first"], form.cleaned_data["second"]
    try:
        not_duplicate_add(by=request.user, first=first, second=second)
    except ValidationProblem as problem:
        messages.error(request, problem.message)
    else:
        messages.success(
            request,
            _("%(first)s and %(second)s are kept apart; they will not be proposed again.")
            % {"first": first.display_name, "second": second.display_name},
        )
    return redirect(next_url(request, reverse("stakeholders:duplicates")))


@registry_view(manage=True)
def merge_page(request: HttpRequest) -> HttpResponse:
    """Confirm a merge (GET with kept, merged and score), then do it (POST)."""
    form = MergeForm(request.POST if request.method == "POST" else request.GET)
    if not form.is_valid():
        messages.error(request, _("Choose two people of the registry to merge."))
        return redirect("stakeholders:duplicates")
    kept, merged = form.cleaned_data["kept"], form.cleaned_data["merged"]
    status = 200
    if request.method == "POST":
        try:
            person_merge(
                by=request.user, kept=kept, merged=merged, score=form.cleaned_data["score"]
            )
        except ValidationProblem as problem:
            form_add_problem(form, problem)
            status = 400
        else:
            messages.success(
                request,
                _(
                    "%(merged)s merged into %(kept)s. If that was wrong, undo it from the "
                    "history of merges below."
                )
                % {"merged": merged.display_name, "kept": kept.display_name},
            )
            return redirect(kept)
    preview = merge_preview(kept=kept, merged=merged)
    return render_registry(
        request,
        "merge.html",
        {
            "form": form,
            "kept": kept,
            "merged": merged,
            "preview": preview,
            "moves": [(link.key, preview["counts"][link.key]) for link in PERSON_LINKS],
            "conflicts": [shared_label(c, request.user) for c in preview["conflicts"]],
            "blocked": bool(kept.merged_into_id or merged.merged_into_id or kept == merged),
        },
        status=status,
    )


@registry_view(manage=True)
def merge_undo_page(request: HttpRequest, pk: int) -> HttpResponse:
    merge = get_object_or_404(PersonMerge.objects.select_related("kept", "merged", "by"), pk=pk)
    if request.method == "POST":
        try:
            person_merge_undo(by=request.user, merge=merge)
        except ValidationProblem as problem:
            messages.error(request, problem.message)
            return redirect(person_final(merge.kept))
        messages.success(
            request,
            _("Merge undone: %(merged)s and %(kept)s are two people again.")
            % {"merged": merge.merged.display_name, "kept": merge.kept.display_name},
        )
        return redirect(merge.merged)
    return render_registry(
        request, "merge_undo.html", {"merge": merge, "summary": moved_summary(merge)}
    )
