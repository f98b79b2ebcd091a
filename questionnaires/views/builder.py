"""The instrument builder: sections and questions added, edited, reordered on the draft;
scales from the evaluation's library; differences between versions."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.errors import ValidationProblem, form_add_problem
from evaluations.models import Evaluation
from evaluations.permissions import Action
from evaluations.views import evaluation_view
from questionnaires import builder
from questionnaires.conditions import describe
from questionnaires.consent import consent_texts
from questionnaires.forms.builder import (
    InstrumentTextsForm,
    NewInstrumentForm,
    QuestionForm,
    ScaleForm,
    SectionForm,
)
from questionnaires.models import Instrument, InstrumentVersion, Scale, localized
from questionnaires.presentation import build_form
from questionnaires.selectors.instruments import scale_spec, version_get, version_spec
from questionnaires.services.instruments import (
    instrument_create,
    scale_create,
    version_new_draft,
    version_replace,
)


def _instrument(evaluation: Evaluation, key: str) -> Instrument:
    return get_object_or_404(Instrument, evaluation=evaluation, key=key)


def _draft(instrument: Instrument) -> InstrumentVersion | None:
    latest = version_get(instrument=instrument)
    return latest if latest is not None and not latest.is_frozen else None


def _builder_url(evaluation: Evaluation, instrument: Instrument) -> HttpResponse:
    return redirect("questionnaires:builder", slug=evaluation.slug, key=instrument.key)


DraftView = Callable[..., HttpResponse]


def draft_view(view: DraftView) -> DraftView:
    """For the lead: the instrument named by `key` and its draft version, or back to the
    builder, which offers to make one, when the latest version is frozen."""

    @evaluation_view(Action.MANAGE_INSTRUMENTS)
    @wraps(view)
    def wrapped(
        request: HttpRequest, evaluation: Evaluation, key: str, *args: object, **kwargs: object
    ) -> HttpResponse:
        instrument = _instrument(evaluation, key)
        draft = _draft(instrument)
        if draft is None:
            messages.error(request, _("The latest version is frozen: make the next one to edit."))
            return _builder_url(evaluation, instrument)
        return view(request, evaluation, instrument, draft, *args, **kwargs)

    return wrapped


def _form_page(
    request: HttpRequest, evaluation: Evaluation, instrument: Instrument, form: object, what: str
) -> HttpResponse:
    context = {"evaluation": evaluation, "instrument": instrument, "form": form, "what": what}
    return render(request, "questionnaires/builder/form.html", context)


def _store(request: HttpRequest, version: InstrumentVersion, spec: dict, done: str) -> bool:
    """Save an edited spec; on a problem, say it and keep the draft as it was."""
    try:
        version_replace(version=version, by=request.user, spec=spec)
    except ValidationProblem as problem:
        messages.error(request, problem.message)
        return False
    messages.success(request, done)
    return True


@evaluation_view(Action.MANAGE_INSTRUMENTS)
def instrument_new_page(request: HttpRequest, evaluation: Evaluation) -> HttpResponse:
    form = NewInstrumentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = instrument_create(evaluation=evaluation, by=request.user, **form.cleaned_data)
        except ValidationProblem as problem:
            form_add_problem(form, problem)
        else:
            return _builder_url(evaluation, version.instrument)
    return render(
        request, "questionnaires/builder/new.html", {"evaluation": evaluation, "form": form}
    )


@evaluation_view(Action.MANAGE_INSTRUMENTS)
def builder_page(request: HttpRequest, evaluation: Evaluation, key: str) -> HttpResponse:
    instrument = _instrument(evaluation, key)
    if request.method == "POST":  # make a draft from the frozen latest version
        version = version_new_draft(instrument=instrument, by=request.user)
        messages.success(
            request, _("Version %(n)d is a new draft: edit it here.") % {"n": version.number}
        )
        return _builder_url(evaluation, instrument)
    draft = _draft(instrument)
    latest = version_get(instrument=instrument)
    return render(
        request,
        "questionnaires/builder/builder.html",
        {
            "evaluation": evaluation,
            "instrument": instrument,
            "draft": draft,
            "latest": latest,
            "spec": _with_conditions_in_words(version_spec(draft)) if draft else None,
            "preview": build_form(draft, "en") if draft else None,
            "consent": consent_texts(draft, "en") if draft else None,
            "section_form": SectionForm(languages=draft.languages, auto_id="new-section-%s")
            if draft
            else None,
        },
    )


def _with_conditions_in_words(spec: dict) -> dict:
    """The spec for the builder's page, each condition also in words (`show_if_words`)."""
    language = get_language() or "en"
    labels = builder.condition_labels(spec, language)
    for section in spec["sections"]:
        section["show_if_words"] = describe(section["show_if"], language, labels)
        for q in section["questions"]:
            q["show_if_words"] = describe(q["show_if"], language, labels)
            q["applies_to_words"] = (
                builder.applies_to_words(q["applies_to"]) if q["applies_to"] else ""
            )
    return spec


@draft_view
def texts_page(
    request: HttpRequest, evaluation: Evaluation, instrument: Instrument, draft: InstrumentVersion
) -> HttpResponse:
    spec = version_spec(draft)
    form = InstrumentTextsForm(
        request.POST or None,
        initial=InstrumentTextsForm.initial_from(spec),
        languages=draft.languages,
    )
    if request.method == "POST" and form.is_valid():
        new_spec = builder.texts_put(spec, form.spec_fields())
        if _store(request, draft, new_spec, _("Texts saved.")):
            return _builder_url(evaluation, instrument)
    return _form_page(request, evaluation, instrument, form, _("Title, introduction and deadline"))


@draft_view
def section_page(
    request: HttpRequest,
    evaluation: Evaluation,
    instrument: Instrument,
    draft: InstrumentVersion,
    section: str | None = None,
) -> HttpResponse:
    spec = version_spec(draft)
    current = next((s for s in spec["sections"] if s["key"] == section), None)
    if section is not None and current is None:
        messages.error(request, _("No section “%(key)s”.") % {"key": section})
        return _builder_url(evaluation, instrument)
    initial = {}
    if current:
        initial = {"key": current["key"], "label": current["label"]}
        initial |= SectionForm.initial_texts({n: current[n] for n in ("title", "introduction")})
    form = SectionForm(request.POST or None, initial=initial, languages=draft.languages)
    if request.method == "POST" and form.is_valid():
        fields = {
            "key": form.cleaned_data["key"],
            "label": form.cleaned_data["label"],
            "title": form.text("title"),
            "introduction": form.text("introduction"),
        }
        new_spec = builder.section_put(spec, fields, key=section)
        if _store(request, draft, new_spec, _("Section saved.")):
            return _builder_url(evaluation, instrument)
    return _form_page(request, evaluation, instrument, form, _("Section"))


@draft_view
def question_page(
    request: HttpRequest,
    evaluation: Evaluation,
    instrument: Instrument,
    draft: InstrumentVersion,
    question: str | None = None,
) -> HttpResponse:
    spec = version_spec(draft)
    sections = [s["key"] for s in spec["sections"]]
    library = list(Scale.objects.filter(evaluation=evaluation).order_by("key"))
    initial: dict = {"section": request.GET.get("section", sections[0] if sections else "")}
    if question is not None:
        found = next(
            (
                (s["key"], q)
                for s in spec["sections"]
                for q in s["questions"]
                if q["key"] == question
            ),
            None,
        )
        if found is None:
            messages.error(request, _("No question “%(key)s”.") % {"key": question})
            return _builder_url(evaluation, instrument)
        initial = QuestionForm.initial_from(found[1], found[0], draft.languages)
    labels = builder.condition_labels(spec, "en")
    earlier = []  # the questions a condition may read: those before this one
    for s in spec["sections"]:
        for q in s["questions"]:
            if q["key"] == question:
                break
            if q["kind"] != "instruction":
                earlier.append(
                    (q["key"], f"{labels[q['key']]} — {localized(q['text'], 'en')[:60]}")
                )
        else:
            continue
        break
    form = QuestionForm(
        request.POST or None,
        initial=initial,
        languages=draft.languages,
        sections=sections,
        scales=[s.key for s in library],
        attributes=list(draft.attributes),
        questions=earlier,
        current_show_if=found[1].get("show_if") if question is not None and found else None,
    )
    if request.method == "POST" and form.is_valid():
        fields = form.spec_fields()
        if fields["scale"]:
            chosen = next(s for s in library if s.key == fields["scale"])
            spec = builder.scale_use(spec, scale_spec(chosen))
        new_spec = builder.question_put(spec, form.cleaned_data["section"], fields, key=question)
        if _store(request, draft, new_spec, _("Question %(key)s saved.") % {"key": fields["key"]}):
            return _builder_url(evaluation, instrument)
    return _form_page(request, evaluation, instrument, form, _("Question"))


@require_POST
@draft_view
def arrange(
    request: HttpRequest, evaluation: Evaluation, instrument: Instrument, draft: InstrumentVersion
) -> HttpResponse:
    """Move up or down, or delete, a section or a question of the draft."""
    target = {
        name: request.POST[name] for name in ("section", "question") if request.POST.get(name)
    }
    operation = request.POST.get("op")
    try:
        if operation in ("up", "down"):
            spec = builder.move(version_spec(draft), step=-1 if operation == "up" else 1, **target)
        elif operation == "delete":
            spec = builder.remove(version_spec(draft), **target)
        else:
            raise builder.SpecError(_("Unknown operation."))
    except builder.SpecError as exc:
        messages.error(request, str(exc))
        return _builder_url(evaluation, instrument)
    _store(request, draft, spec, _("Saved."))
    return _builder_url(evaluation, instrument)


@evaluation_view(Action.VIEW_INSTRUMENTS)
def diff_page(request: HttpRequest, evaluation: Evaluation, key: str) -> HttpResponse:
    instrument = _instrument(evaluation, key)
    versions = list(instrument.versions.order_by("number"))
    numbers = [v.number for v in versions]

    def pick(name: str, default: int) -> int:
        value = request.GET.get(name, "")
        return int(value) if value.isdigit() and int(value) in numbers else default

    new = pick("b", numbers[-1])
    old = pick("a", numbers[-2] if len(numbers) > 1 else numbers[-1])
    by_number = {v.number: v for v in versions}
    rows = builder.version_diff(
        version_spec(by_number[old]), version_spec(by_number[new]), get_language() or "en"
    )
    return render(
        request,
        "questionnaires/builder/diff.html",
        {
            "evaluation": evaluation,
            "instrument": instrument,
            "numbers": numbers,
            "old": old,
            "new": new,
            "rows": rows,
            "changed": sum(1 for r in rows if r.change != "same"),
        },
    )


@evaluation_view(Action.VIEW_INSTRUMENTS)
def scales_page(request: HttpRequest, evaluation: Evaluation) -> HttpResponse:
    form = ScaleForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                scale = scale_create(evaluation=evaluation, by=request.user, spec=form.spec())
            except ValidationProblem as problem:
                form_add_problem(form, problem)
            else:
                messages.success(
                    request, _("Scale “%(key)s” is in the library.") % {"key": scale.key}
                )
                return redirect("questionnaires:scales", slug=evaluation.slug)
        status = 400
    return render(
        request,
        "questionnaires/builder/scales.html",
        {
            "evaluation": evaluation,
            "scales": Scale.objects.filter(evaluation=evaluation).prefetch_related("points"),
            "form": form,
        },
        status=status,
    )
