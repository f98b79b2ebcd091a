"""The matrix with its evidence: per evaluation question, each planned source beside what was
gathered — answers to a planned questionnaire item, interviews where a planned guide question
was noted, respondents and interviews of a planned stakeholder group — and the coded excerpts
linked to the question through its codes; a planned source with nothing gathered is a gap.

Numbers only (no text, no names), counted in the database in a handful of grouped queries; the
same for every member, as the response rates are."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from analysis.models import Code, Coding, PlannedSource
from analysis.selectors.matrix import criteria_of
from analysis.services.matrix import source_ref
from interviews.models import InterviewNote, Participation
from questionnaires.models import Answer, Instrument, Response, localized
from questionnaires.selectors.tracking import attribute_text
from reports.selectors.likert import language

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User
    from evaluations.models import Evaluation


@dataclass(frozen=True)
class SourceEvidence:
    kind: str
    kind_label: str
    ref: str
    label: str
    gathered: str  # what was gathered, in words
    gap: bool  # planned, nothing gathered (documents are not tracked: never a gap)
    # A planned instrument question's evidence by the stakeholder group of who gave it (the
    # respondent's snapshot, the interview's participants), largest first.
    by_group: tuple[tuple[str, int], ...] = ()


@dataclass
class QuestionEvidence:
    number: str
    text: str
    sources: list[SourceEvidence] = field(default_factory=list)
    excerpts: int = 0
    codes: list[str] = field(default_factory=list)

    @property
    def gaps(self) -> int:
        return sum(1 for source in self.sources if source.gap)


@dataclass
class CriterionEvidence:
    label: str
    name: str
    description: str
    questions: list[QuestionEvidence] = field(default_factory=list)


NOT_RECORDED = "(not recorded)"

ByGroup = dict[int, dict[str, int]]


def _by_question(rows: Iterable[tuple[int, str | None, int]]) -> ByGroup:
    counts: ByGroup = defaultdict(dict)
    for question, group, n in rows:
        label = group or _(NOT_RECORDED)
        counts[question][label] = counts[question].get(label, 0) + n
    return counts


def _answered(question_ids: set[int]) -> ByGroup:
    """Submitted answers that say something, per instrument question and the respondent's
    stakeholder group (their snapshot)."""
    empty = Q(text="", choice="", number__isnull=True, date__isnull=True, choices=[])
    return _by_question(
        Answer.objects.filter(question__in=question_ids, response__status=Response.Status.SUBMITTED)
        .exclude(empty)
        .values_list("question", attribute_text("stakeholder_group", "response__attributes"))
        .annotate(n=Count("pk"))
        .order_by()
    )


def _noted(question_ids: set[int]) -> ByGroup:
    """Interviews (not excluded) with a note on the guide question, per stakeholder group of
    their participants (an interview of two groups counts under each)."""
    return _by_question(
        InterviewNote.objects.filter(question__in=question_ids, interview__excluded=False)
        .values_list("question", "interview__participations__stakeholder_group__name")
        .annotate(n=Count("interview", distinct=True))
        .order_by()
    )


def _interviews_noted(question_ids: set[int]) -> dict[int, int]:
    """Interviews with a note on the guide question: one each, whatever groups took part."""
    return dict(
        InterviewNote.objects.filter(question__in=question_ids, interview__excluded=False)
        .values_list("question")
        .annotate(n=Count("interview", distinct=True))
        .order_by()
    )


def _groups_heard(evaluation: Evaluation) -> tuple[dict[int, int], dict[str, int]]:
    """Interviews per stakeholder group (a participant of it), and submitted responses per
    the stakeholder group on the respondent's snapshot (by name)."""
    interviews = dict(
        Participation.objects.filter(
            interview__evaluation=evaluation,
            interview__excluded=False,
            stakeholder_group__isnull=False,
        )
        .values_list("stakeholder_group")
        .annotate(n=Count("interview", distinct=True))
        .order_by()
    )
    responses = dict(
        Response.objects.filter(
            distribution__evaluation=evaluation, status=Response.Status.SUBMITTED
        )
        .values_list(attribute_text("stakeholder_group"))
        .annotate(n=Count("pk"))
        .order_by()
    )
    return interviews, responses


def _excerpts(evaluation: Evaluation) -> dict[int, int]:
    return dict(
        Coding.objects.filter(evaluation=evaluation, codes__questions__isnull=False)
        .values_list("codes__questions")
        .annotate(n=Count("pk", distinct=True))
        .order_by()
    )


def _source(
    source: PlannedSource,
    answered: ByGroup,
    noted: ByGroup,
    interviews_noted: dict[int, int],
    heard: tuple[dict[int, int], dict[str, int]],
) -> SourceEvidence:
    kind_label = str(PlannedSource.Kind(source.kind).label)
    ref = source_ref(source)
    asked = source.instrument_question
    if source.kind == PlannedSource.Kind.QUESTION and asked is not None:
        text = localized(asked.text, language()) or asked.key
        label = f"{asked.version.instrument.key} {asked.ref}: {text}"
        guide = asked.version.instrument.kind == Instrument.Kind.INTERVIEW_GUIDE
        groups = (noted if guide else answered).get(asked.pk, {})
        count = interviews_noted.get(asked.pk, 0) if guide else sum(groups.values())
        if guide:
            gathered = ngettext("%(n)s interview noted", "%(n)s interviews noted", count) % {
                "n": count
            }
        else:
            gathered = ngettext("%(n)s answer", "%(n)s answers", count) % {"n": count}
        by_group = tuple(sorted(groups.items(), key=lambda item: (-item[1], item[0])))
        return SourceEvidence(source.kind, kind_label, ref, label, gathered, count == 0, by_group)
    if source.kind == PlannedSource.Kind.GROUP and source.stakeholder_group is not None:
        interviews = heard[0].get(source.stakeholder_group_id or 0, 0)
        responses = heard[1].get(source.stakeholder_group.name, 0)
        gathered = ", ".join(
            (
                ngettext("%(n)s interview", "%(n)s interviews", interviews) % {"n": interviews},
                ngettext("%(n)s questionnaire response", "%(n)s questionnaire responses", responses)
                % {"n": responses},
            )
        )
        return SourceEvidence(
            source.kind, kind_label, ref, ref, gathered, interviews + responses == 0
        )
    return SourceEvidence(source.kind, kind_label, ref, ref, _("not tracked"), False)


def matrix_evidence(
    *, user: User | AnonymousUser, evaluation: Evaluation
) -> list[CriterionEvidence]:
    """The matrix, each planned source with what was gathered, and the coded excerpts per
    evaluation question (through the codes linked to it)."""
    criteria = list(criteria_of(user=user, evaluation=evaluation))
    planned = [
        source
        for criterion in criteria
        for question in criterion.questions.all()
        for source in question.sources.all()
    ]
    asked = {s.instrument_question_id for s in planned if s.instrument_question_id}
    answered, noted, interviews_noted = _answered(asked), _noted(asked), _interviews_noted(asked)
    heard = _groups_heard(evaluation)
    excerpts = _excerpts(evaluation)
    codes: dict[int, list[str]] = defaultdict(list)
    links = Code.questions.through.objects.filter(code__evaluation=evaluation)
    for question_id, name in links.order_by("code__order", "code__pk").values_list(
        "evaluationquestion_id", "code__name"
    ):
        codes[question_id].append(name)
    return [
        CriterionEvidence(
            label=criterion.label,
            name=criterion.name,
            description=criterion.description,
            questions=[
                QuestionEvidence(
                    number=question.number,
                    text=question.text,
                    sources=[
                        _source(source, answered, noted, interviews_noted, heard)
                        for source in question.sources.all()
                    ],
                    excerpts=excerpts.get(question.pk, 0),
                    codes=codes[question.pk],
                )
                for question in criterion.questions.all()
            ],
        )
        for criterion in criteria
    ]
