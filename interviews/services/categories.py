"""The rows of the overview of interviews, the evaluation's reporting categories (renamed,
reordered, added and removed in one all-or-nothing change), and the ordered rules that put each
interview in one: applied when rules change, when categories go, and when an interview is
logged or edited. A category set by hand is set on the interview (interview_update)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Case, Exists, IntegerField, Max, OuterRef, Q, QuerySet, Value, When
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.errors import ValidationProblem
from evaluations.locks import ensure_log_unlocked
from evaluations.permissions import Actor
from history.services import record
from interviews.models import CategoryRule, Interview, Participation, ReportingCategory
from interviews.services.checks import check_length, ensure_can_decide, plan_revise, refuse
from stakeholders.models import Country, Region, StakeholderGroup

if TYPE_CHECKING:
    from evaluations.models import Evaluation

Field = CategoryRule.Field
# Lazy: translated when a refusal is raised, in the language of that request.
RULES_REFUSED = gettext_lazy(
    "Only the lead evaluator and evaluators can change how the tables are made."
)


@transaction.atomic
def reporting_category_get_or_create(*, evaluation: Evaluation, name: str) -> ReportingCategory:
    """The evaluation's reporting category of that name (case ignored), added last when new."""
    name = check_length(ReportingCategory, "name", name, key="category")
    if not name:
        raise refuse("category", _("A reporting category needs a name."))
    found = ReportingCategory.objects.filter(evaluation=evaluation, name__iexact=name).first()
    if found is not None:
        return found
    ensure_log_unlocked(evaluation)  # a new category is a change to how the log is counted
    last = ReportingCategory.objects.filter(evaluation=evaluation).aggregate(n=Max("order"))["n"]
    return ReportingCategory.objects.create(
        evaluation=evaluation, name=name, order=0 if last is None else last + 1
    )


def category_of(
    evaluation: Evaluation, category: ReportingCategory | str | None
) -> ReportingCategory | None:
    """The category given (one of the evaluation's) or named (added when new); None for none."""
    if category is None or category == "":
        return None
    if isinstance(category, str):
        return reporting_category_get_or_create(evaluation=evaluation, name=category)
    if category.evaluation_id != evaluation.pk:
        raise refuse("category", _("This reporting category belongs to another evaluation."))
    return category


@transaction.atomic
def categories_save(
    *,
    evaluation: Evaluation,
    by: Actor,
    names: dict[int, str],
    orders: dict[int, int],
    removed: set[int] | frozenset[int] = frozenset(),
    added: list[str] | tuple[str, ...] = (),
    revision: int | None = None,
) -> list[ReportingCategory]:
    """Rename and reorder the categories (by id), remove some (their interviews lose the
    category; rules that lead to them go), add new ones at the end. Names stay unique (case
    ignored); nothing is saved when one change is refused. `revision`: the rules' revision
    (categories and rules as a whole) the edit is based on (EditConflict when it is old)."""
    ensure_can_decide(
        by, evaluation, _("Only the lead evaluator and evaluators can change the categories.")
    )
    ensure_log_unlocked(evaluation)  # removing a category changes the logged interviews
    plan_revise(evaluation, "rules", revision)
    current = {
        c.pk: c for c in ReportingCategory.objects.select_for_update().filter(evaluation=evaluation)
    }
    unknown = (set(names) | set(orders) | set(removed)) - set(current)
    if unknown:
        raise ValidationProblem(
            _("These categories are not in this evaluation: %(ids)s.")
            % {"ids": ", ".join(map(str, sorted(unknown)))}
        )
    kept = [c for pk, c in current.items() if pk not in removed]
    before = {c.pk: (c.name, c.order) for c in kept}
    errors: dict[str, list[str]] = {}
    for category in kept:
        name = check_length(
            ReportingCategory,
            "name",
            names.get(category.pk, category.name),
            key=f"name_{category.pk}",
        )
        if not name:
            errors[f"name_{category.pk}"] = [_("A category needs a name (or tick “remove”).")]
        category.name = name
        category.order = orders.get(category.pk, category.order)
    new = [check_length(ReportingCategory, "name", text, key="new") for text in added]
    new = [name for name in new if name]
    seen: dict[str, str] = {}
    for name in [c.name for c in kept] + new:
        if name.casefold() in seen:
            errors.setdefault("names", []).append(_("“%(name)s” is there twice.") % {"name": name})
        seen[name.casefold()] = name
    if errors:
        raise ValidationProblem(_("The categories were not saved."), errors=errors)
    orphans = dict(
        Interview.objects.filter(evaluation=evaluation, category__in=removed).values_list(
            "pk", "category_id"
        )
    )
    ReportingCategory.objects.filter(evaluation=evaluation, pk__in=removed).delete()
    _record_categorised(Interview.objects.filter(pk__in=orphans), orphans)  # set to none
    # Two passes: a rename to a name another row is about to give up must not collide.
    renamed = [c for c in kept if c.name != before[c.pk][0]]
    for category in renamed:
        ReportingCategory.objects.filter(pk=category.pk).update(name=f"(renaming #{category.pk})")
    for category in kept:
        if (category.name, category.order) == before[category.pk]:
            continue
        ReportingCategory.objects.filter(pk=category.pk).update(
            name=category.name, order=category.order
        )
        record(category, verb="", changes=_changed(before[category.pk], category))
    last = max((c.order for c in kept), default=0)
    for offset, name in enumerate(new, start=1):
        ReportingCategory.objects.create(evaluation=evaluation, name=name, order=last + offset)
    if removed:  # their interviews go back to the rules
        categories_apply(evaluation=evaluation)
    return list(ReportingCategory.objects.filter(evaluation=evaluation).order_by("order", "name"))


# --- the rules -----------------------------------------------------------------------------


def rule_condition(field: str, value: str) -> Q:
    """The interviews a rule matches, as a condition on Interview (usable in UPDATE and When)."""
    if field == Field.PARTICIPANT_GROUP:
        return Q(
            Exists(
                Participation.objects.filter(interview=OuterRef("pk")).filter(
                    Q(stakeholder_group__code__iexact=value)
                    | Q(stakeholder_group__name__iexact=value)
                )
            )
        )
    if field == Field.OFFICE_REGION:
        return Q(
            Exists(
                Participation.objects.filter(interview=OuterRef("pk")).filter(
                    Q(office__region__name__iexact=value) | Q(office__region__code__iexact=value)
                )
            )
        )
    if field == Field.GROUPING:
        return Q(grouping__iexact=value)
    if field == Field.REGION:
        return Q(region__name__iexact=value) | Q(region__code__iexact=value)
    if field == Field.COUNTRY:
        return Q(country__name__iexact=value) | Q(country__code__iexact=value)
    if field == Field.MODE:
        return Q(mode=value)
    return Q(pk__isnull=False)  # ANY; an empty Q() cannot be a When() condition


def rule_decision(rules: Sequence[CategoryRule]) -> Case:
    """The index (in `rules`) of the first rule an interview matches; None when none does."""
    return Case(
        *(
            When(rule_condition(rule.field, rule.value), then=Value(index))
            for index, rule in enumerate(rules)
        ),
        default=None,
        output_field=IntegerField(),
    )


def _known(field: str, value: str) -> str:
    """The value as the rule stores it; refused when it names nothing the registry knows."""
    if field == Field.ANY:
        return ""
    if not value:
        raise refuse("value", _("Say which value the rule looks for."))
    if field == Field.MODE:
        by_label = {str(label).casefold(): code for code, label in Interview.Mode.choices}
        code = value if value in Interview.Mode.values else by_label.get(value.casefold())
        if code is None:
            raise refuse(
                "value",
                _("“%(value)s” is not a mode of interview. Use one of: %(known)s.")
                % {"value": value, "known": ", ".join(Interview.Mode.values)},
            )
        return code
    registry: dict[str, type[StakeholderGroup | Region | Country]] = {
        Field.PARTICIPANT_GROUP: StakeholderGroup,
        Field.OFFICE_REGION: Region,
        Field.REGION: Region,
        Field.COUNTRY: Country,
    }
    model = registry.get(field)
    if (
        model is not None
        and not model.objects.filter(Q(name__iexact=value) | Q(code__iexact=value)).exists()
    ):
        raise refuse(
            "value",
            _("No %(what)s is called “%(value)s”.")
            % {"what": model._meta.verbose_name, "value": value},
        )
    return value


def _rule_category(
    evaluation: Evaluation, category: ReportingCategory | str | None
) -> ReportingCategory:
    if isinstance(category, str):
        category = category.strip() or None
    known = isinstance(category, str | ReportingCategory)
    found = category_of(evaluation, category) if known else None
    if found is None:
        raise refuse("category", _("Say which category the rule puts interviews in."))
    return found


@transaction.atomic
def category_rules_set(
    *,
    evaluation: Evaluation,
    by: Actor,
    rules: Sequence[Mapping[str, Any]],
    revision: int | None = None,
) -> list[CategoryRule]:
    """Replace the evaluation's rules (all or nothing), in the order given, and apply them;
    `revision`: the one the edit is based on (EditConflict when it is old).

    Each rule: {"field": a CategoryRule.Field, "value": …, "category": a ReportingCategory or
    a category name (added when new)}. Errors name the rule: "rule 2"."""
    ensure_can_decide(by, evaluation, str(RULES_REFUSED))
    ensure_log_unlocked(evaluation)  # applying the rules re-categorises the logged interviews
    plan_revise(evaluation, "rules", revision)
    made = []
    for number, given in enumerate(rules, start=1):
        try:
            field = given.get("field", "")
            if field not in Field.values:
                raise refuse(
                    "field",
                    _("“%(field)s” is not a kind of rule. Use one of: %(known)s.")
                    % {"field": field, "known": ", ".join(Field.values)},
                )
            value = _known(field, str(given.get("value") or "").strip())
            category = _rule_category(evaluation, given.get("category"))
        except ValidationProblem as problem:
            message = _("Rule %(n)d: %(message)s") % {"n": number, "message": problem.message}
            raise ValidationProblem(message, errors={f"rule {number}": [problem.message]}) from None
        made.append(
            CategoryRule(
                evaluation=evaluation, order=number, field=field, value=value, category=category
            )
        )
    CategoryRule.objects.filter(evaluation=evaluation).delete()
    for rule in made:  # one by one, so that each lands in the history
        rule.save()
    categories_apply(evaluation=evaluation)
    return list(CategoryRule.objects.filter(evaluation=evaluation).select_related("category"))


@transaction.atomic
def categories_apply(*, evaluation: Evaluation) -> int:
    """Put every interview not categorised by hand in the category of the first rule it
    matches (none when none does); returns how many interviews got a category. No revision
    moves (nor in interview_categorise, or for a category added by name): the rules are as
    they were, and an interview's form carries only a category set by hand."""
    loose = Interview.objects.filter(evaluation=evaluation, category_by_hand=False)
    before = dict(loose.values_list("pk", "category_id"))
    loose.exclude(category=None).update(category=None)
    categorised = 0
    for rule in CategoryRule.objects.filter(evaluation=evaluation).order_by("order", "pk"):
        categorised += (
            loose.filter(category=None)
            .filter(rule_condition(rule.field, rule.value))
            .update(category=rule.category_id)
        )
    _record_categorised(loose, before)
    return categorised


def _record_categorised(interviews: QuerySet[Interview], before: Mapping[int, int | None]) -> None:
    """One entry per interview the rules moved to another category (or to none)."""
    after = dict(interviews.values_list("pk", "category_id"))
    moved = [pk for pk, category in after.items() if before.get(pk) != category]
    for interview in Interview.objects.filter(pk__in=moved).order_by("pk"):
        was = before.get(interview.pk)
        record(
            interview,
            verb="categorise",
            changes={"category": [was, interview.category_id]},
        )


def _changed(before: tuple[str, int], category: ReportingCategory) -> dict[str, list[object]]:
    pairs = {"name": (before[0], category.name), "order": (before[1], category.order)}
    return {field: [b, a] for field, (b, a) in pairs.items() if b != a}


def interview_categorise(*, interview: Interview) -> Interview:
    """Apply the evaluation's rules to one interview (after it was logged or changed), unless
    its category was set by hand."""
    if interview.category_by_hand:
        return interview
    rules = list(
        CategoryRule.objects.filter(evaluation=interview.evaluation_id).order_by("order", "pk")
    )
    category_id = None
    if rules:
        index = (
            Interview.objects.filter(pk=interview.pk)
            .annotate(decided=rule_decision(rules))
            .values_list("decided", flat=True)
            .get()
        )
        category_id = None if index is None else rules[index].category_id
    if interview.category_id != category_id:
        was, interview.category_id = interview.category_id, category_id
        Interview.objects.filter(pk=interview.pk).update(category=category_id)
        record(
            interview,
            verb="categorise",
            changes={"category": [was, category_id]},
        )
    return interview
