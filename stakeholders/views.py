"""The registry's pages: people, organisations, offices, countries, stakeholder groups, possible
duplicates and merges. Every member who may see the registry reads them; writes need
can_manage_registry. Reads go through the selectors, writes through the services."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from common.errors import ValidationProblem, form_add_problem
from evaluations.permissions import can_manage_registry, ensure_registry
from stakeholders import services
from stakeholders.forms import (
    AffiliationEndForm,
    AffiliationForm,
    CountryForm,
    GroupForm,
    MergeForm,
    OfficeForm,
    OrganisationForm,
    OrganisationSearchForm,
    PairForm,
    PersonForm,
    PersonSearchForm,
)
from stakeholders.models import (
    Affiliation,
    Country,
    Office,
    Organisation,
    Person,
    PersonAlias,
    PersonMerge,
    StakeholderGroup,
)
from stakeholders.selectors import (
    PERSON_LINKS,
    country_list,
    current_affiliation,
    duplicate_pairs,
    duplicate_pairs_load,
    group_list,
    merge_preview,
    office_list,
    organisation_list,
    people_group_counts,
    people_search,
    person_duplicates,
    person_evaluations,
    person_final,
    person_get,
    person_merges,
    shared_label,
)

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


def _render(
    request: HttpRequest, template: str, context: dict[str, object], status: int = 200
) -> HttpResponse:
    context.setdefault("can_manage", can_manage_registry(request.user))
    return render(request, f"stakeholders/{template}", context, status=status)


def _page(request: HttpRequest, items: object, size: int = PAGE_SIZE) -> Page:
    return Paginator(items, size).get_page(request.GET.get("page"))


def _form_page(
    request: HttpRequest,
    form: object,
    save: Callable[[dict], Model],
    *,
    done: Callable[[Model], str],
    then: Callable[[Model], str],
    context: dict[str, object],
    template: str = "form.html",
) -> HttpResponse:
    """Show a form; on a valid POST call the service, or show its refusal next to the fields."""
    if request.method == "POST":
        if form.is_valid():
            try:
                saved = save(form.cleaned_data)
            except ValidationProblem as problem:
                form_add_problem(form, problem)
            else:
                messages.success(request, done(saved))
                return redirect(then(saved))
        return _render(request, template, {**context, "form": form}, status=400)
    return _render(request, template, {**context, "form": form})


def _next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


# --- people -----------------------------------------------------------------------------------


@registry_view()
def people_page(request: HttpRequest) -> HttpResponse:
    form = PersonSearchForm(request.GET or None)
    # A filter that is not valid is shown with its error; the valid ones still apply.
    valid = form.is_valid()
    filters = form.cleaned_data if form.is_bound else {}
    people = people_search(user=request.user, **filters)
    page = _page(request, people)
    return _render(
        request,
        "people.html",
        {
            "form": form,
            "page": page,
            "rows": [(p, current_affiliation(p)) for p in page.object_list],
            "group_counts": people_group_counts(people),
            "filtered": any(v for v in filters.values()),
            "total": Person.objects.filter(merged_into__isnull=True).count(),
        },
        status=200 if valid or not form.is_bound else 400,
    )


@registry_view()
def person_page(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_get(user=request.user, pk=pk)
    if person.merged_into_id:
        kept = person_final(person)
        messages.info(
            request,
            _("%(name)s was merged into %(kept)s.")
            % {"name": person.display_name, "kept": kept.display_name},
        )
        return redirect(kept)
    evaluations, hidden = person_evaluations(user=request.user, person=person)
    merges = person_merges(person=person)
    return _render(
        request,
        "person.html",
        {
            "person": person,
            "affiliations": person.affiliations.all(),
            "evaluations": evaluations,
            "hidden_evaluations": hidden,
            "candidates": person_duplicates(person=person),
            "merges": [(m, _moved_summary(m)) for m in merges],
            "end_form": AffiliationEndForm(),
        },
    )


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


def _moved_summary(merge: PersonMerge) -> str:
    """What a merge moved, in words: '2 affiliations, 1 invitation, 1 e-mail address'."""
    moved = merge.moved or {}
    parts = [
        text(len(moved[key])) % {"n": len(moved[key])}
        for key, text in MOVED_TEXTS.items()
        if moved.get(key)
    ]
    return ", ".join(parts) or _("nothing but the name")


@registry_view(manage=True)
def person_create_page(request: HttpRequest) -> HttpResponse:
    form = PersonForm(request.POST or None)
    return _form_page(
        request,
        form,
        lambda data: services.person_create(
            by=request.user, alias_source=PersonAlias.Source.MANUAL, **data
        ),
        done=lambda p: _("%(name)s added to the registry.") % {"name": p.display_name},
        then=lambda p: p.get_absolute_url(),
        context={
            "section": "people",
            "title": _("New person"),
            "back": reverse("stakeholders:people"),
        },
    )


def _live_person(request: HttpRequest, pk: int) -> Person | HttpResponse:
    """The person to change; a merged one sends the user to the person kept."""
    person = person_get(user=request.user, pk=pk)
    if person.merged_into_id:
        kept = person_final(person)
        messages.error(
            request,
            _("%(name)s was merged into %(kept)s: change %(kept)s instead.")
            % {"name": person.display_name, "kept": kept.display_name},
        )
        return redirect(kept)
    return person


@registry_view(manage=True)
def person_edit_page(request: HttpRequest, pk: int) -> HttpResponse:
    person = _live_person(request, pk)
    if isinstance(person, HttpResponse):
        return person
    form = PersonForm(request.POST or None, initial=PersonForm.initial_for(person))
    return _form_page(
        request,
        form,
        lambda data: services.person_update(by=request.user, person=person, **data),
        done=lambda p: _("Changes to %(name)s saved.") % {"name": p.display_name},
        then=lambda p: p.get_absolute_url(),
        context={
            "section": "people",
            "title": _("Edit %(name)s") % {"name": person.display_name},
            "back": person.get_absolute_url(),
        },
    )


@registry_view(manage=True)
def affiliation_create_page(request: HttpRequest, pk: int) -> HttpResponse:
    person = _live_person(request, pk)
    if isinstance(person, HttpResponse):
        return person
    form = AffiliationForm(request.POST or None)
    return _form_page(
        request,
        form,
        lambda data: services.affiliation_add(person=person, **data),
        done=lambda a: _("Affiliation added: %(what)s.") % {"what": a},
        then=lambda a: person.get_absolute_url(),
        context={
            "section": "people",
            "title": _("New affiliation of %(name)s") % {"name": person.display_name},
            "back": person.get_absolute_url(),
        },
    )


def _affiliation(person: Person, pk: int) -> Affiliation:
    return get_object_or_404(Affiliation, person=person, pk=pk)


@registry_view(manage=True)
def affiliation_edit_page(request: HttpRequest, pk: int, affiliation: int) -> HttpResponse:
    person = _live_person(request, pk)
    if isinstance(person, HttpResponse):
        return person
    current = _affiliation(person, affiliation)
    form = AffiliationForm(request.POST or None, affiliation=current)
    return _form_page(
        request,
        form,
        lambda data: services.affiliation_update(by=request.user, affiliation=current, **data),
        done=lambda a: _("Affiliation saved: %(what)s.") % {"what": a},
        then=lambda a: person.get_absolute_url(),
        context={
            "section": "people",
            "title": _("Affiliation of %(name)s") % {"name": person.display_name},
            "back": person.get_absolute_url(),
        },
    )


@require_POST
@registry_view(manage=True)
def affiliation_end_page(request: HttpRequest, pk: int, affiliation: int) -> HttpResponse:
    person = _live_person(request, pk)
    if isinstance(person, HttpResponse):
        return person
    current = _affiliation(person, affiliation)
    form = AffiliationEndForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the date the person left, e.g. 2024-06-30."))
    else:
        try:
            services.affiliation_end(
                by=request.user, affiliation=current, end=form.cleaned_data["end"]
            )
        except ValidationProblem as problem:
            messages.error(request, problem.message)
        else:
            messages.success(request, _("Affiliation ended: %(what)s.") % {"what": current})
    return redirect(person)


# --- possible duplicates and merges -----------------------------------------------------------


@registry_view()
def duplicates_page(request: HttpRequest) -> HttpResponse:
    page = _page(request, duplicate_pairs(user=request.user), size=25)
    return _render(
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
        services.not_duplicate_add(by=request.user, first=first, second=second)
    except ValidationProblem as problem:
        messages.error(request, problem.message)
    else:
        messages.success(
            request,
            _("%(first)s and %(second)s are kept apart; they will not be proposed again.")
            % {"first": first.display_name, "second": second.display_name},
        )
    return redirect(_next(request, reverse("stakeholders:duplicates")))


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
            services.person_merge(
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
    return _render(
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
            services.person_merge_undo(by=request.user, merge=merge)
        except ValidationProblem as problem:
            messages.error(request, problem.message)
            return redirect(person_final(merge.kept))
        messages.success(
            request,
            _("Merge undone: %(merged)s and %(kept)s are two people again.")
            % {"merged": merge.merged.display_name, "kept": merge.kept.display_name},
        )
        return redirect(merge.merged)
    return _render(request, "merge_undo.html", {"merge": merge, "summary": _moved_summary(merge)})


# --- organisations, offices, countries, stakeholder groups ----------------------------------


@registry_view()
def organisations_page(request: HttpRequest) -> HttpResponse:
    form = OrganisationSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = _page(request, organisation_list(user=request.user, **filters))
    return _render(request, "organisations.html", {"form": form, "page": page})


def _organisation_save(request: HttpRequest, organisation: Organisation | None) -> Callable:
    def save(data: dict) -> Organisation:
        if organisation is None:
            return services.organisation_create(by=request.user, **data)
        return services.organisation_update(by=request.user, organisation=organisation, **data)

    return save


@registry_view(manage=True)
def organisation_create_page(request: HttpRequest) -> HttpResponse:
    return _form_page(
        request,
        OrganisationForm(request.POST or None),
        _organisation_save(request, None),
        done=lambda o: _("%(name)s added.") % {"name": o},
        then=lambda o: reverse("stakeholders:organisations"),
        context={
            "section": "organisations",
            "title": _("New organisation"),
            "back": reverse("stakeholders:organisations"),
        },
    )


@registry_view(manage=True)
def organisation_edit_page(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=pk)
    form = OrganisationForm(
        request.POST or None, initial=OrganisationForm.initial_for(organisation)
    )
    form.fields["parent"].queryset = form.fields["parent"].queryset.exclude(pk=organisation.pk)
    return _form_page(
        request,
        form,
        _organisation_save(request, organisation),
        done=lambda o: _("Changes to %(name)s saved.") % {"name": o},
        then=lambda o: reverse("stakeholders:organisations"),
        context={
            "section": "organisations",
            "title": _("Edit %(name)s") % {"name": organisation},
            "back": reverse("stakeholders:organisations"),
        },
    )


@registry_view()
def offices_page(request: HttpRequest) -> HttpResponse:
    return _render(request, "offices.html", {"offices": office_list(user=request.user)})


@registry_view(manage=True)
def office_create_page(request: HttpRequest) -> HttpResponse:
    return _form_page(
        request,
        OfficeForm(request.POST or None),
        lambda data: services.office_create(by=request.user, **data),
        done=lambda o: _("%(name)s added.") % {"name": o},
        then=lambda o: reverse("stakeholders:offices"),
        context={
            "section": "offices",
            "title": _("New office"),
            "back": reverse("stakeholders:offices"),
        },
    )


@registry_view(manage=True)
def office_edit_page(request: HttpRequest, pk: int) -> HttpResponse:
    office = get_object_or_404(Office, pk=pk)
    return _form_page(
        request,
        OfficeForm(request.POST or None, initial=OfficeForm.initial_for(office)),
        lambda data: services.office_update(by=request.user, office=office, **data),
        done=lambda o: _("Changes to %(name)s saved.") % {"name": o},
        then=lambda o: reverse("stakeholders:offices"),
        context={
            "section": "offices",
            "title": _("Edit %(name)s") % {"name": office},
            "back": reverse("stakeholders:offices"),
        },
    )


@registry_view()
def countries_page(request: HttpRequest) -> HttpResponse:
    return _render(request, "countries.html", {"countries": country_list(user=request.user)})


@registry_view(manage=True)
def country_edit_page(request: HttpRequest, code: str) -> HttpResponse:
    country = get_object_or_404(Country, code=code.upper())
    form = CountryForm(
        request.POST or None, initial={"region": country.region_id, "aliases": country.aliases}
    )
    return _form_page(
        request,
        form,
        lambda data: services.country_update(by=request.user, country=country, **data),
        done=lambda c: _("Changes to %(name)s saved.") % {"name": c},
        then=lambda c: reverse("stakeholders:countries") + f"#country-{c.code}",
        context={
            "section": "countries",
            "title": _("%(name)s (%(code)s)") % {"name": country.name, "code": country.code},
            "back": reverse("stakeholders:countries"),
        },
    )


@registry_view()
def groups_page(request: HttpRequest) -> HttpResponse:
    form = GroupForm(request.POST or None)
    if request.method == "POST":
        ensure_registry(request.user, manage=True)
        if form.is_valid():
            try:
                group = services.group_create(by=request.user, **form.cleaned_data)
            except ValidationProblem as problem:
                form_add_problem(form, problem)
            else:
                messages.success(request, _("%(name)s added.") % {"name": group.name})
                return redirect("stakeholders:groups")
    return _render(
        request,
        "groups.html",
        {"groups": group_list(user=request.user), "form": form},
        status=400 if request.method == "POST" else 200,
    )


@registry_view(manage=True)
def group_edit_page(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_object_or_404(StakeholderGroup, pk=pk)
    return _form_page(
        request,
        GroupForm(request.POST or None, group=group),
        lambda data: services.group_update(by=request.user, group=group, **data),
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
    services.group_move(by=request.user, group=group, up=request.POST.get("direction") == "up")
    return redirect(reverse("stakeholders:groups") + f"#group-{group.pk}")


@require_POST
@registry_view(manage=True)
def group_delete_page(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_object_or_404(StakeholderGroup, pk=pk)
    try:
        services.group_delete(by=request.user, group=group)
    except ValidationProblem as problem:
        messages.error(request, problem.message)
        return redirect("stakeholders:group_edit", pk=group.pk)
    messages.success(request, _("%(name)s deleted.") % {"name": group.name})
    return redirect("stakeholders:groups")
