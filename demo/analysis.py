"""The demo's analysis: its matrix and codebook loaded from seeds/demo/, and passages of open
answers coded wherever they hold a phrase — through the analysis services, idempotently."""

from __future__ import annotations

from pathlib import Path

from analysis.formats.matrix_format import read_matrix
from analysis.formats.qdc import read_qdc
from analysis.models import Code, Coding
from analysis.services.codebook import codebook_import
from analysis.services.codings import OPEN_KINDS, coding_create
from analysis.services.matrix import matrix_replace
from evaluations.models import Evaluation
from evaluations.permissions import SYSTEM
from questionnaires.models import Answer, Response


def analysis_load(evaluation: Evaluation, spec: dict, folder: Path) -> None:
    if spec.get("matrix"):
        path = folder / spec["matrix"]
        matrix_replace(
            evaluation=evaluation, by=SYSTEM, criteria=read_matrix(path.read_bytes(), path.name)
        )
    if spec.get("codebook"):
        codes = read_qdc((folder / spec["codebook"]).read_bytes())
        codebook_import(evaluation=evaluation, by=SYSTEM, codes=codes)
    for rule in spec.get("codings", []):
        chosen = list(Code.objects.filter(evaluation=evaluation, name__in=rule["codes"]))
        answers = Answer.objects.filter(
            response__distribution__evaluation=evaluation,
            response__status=Response.Status.SUBMITTED,
            question__kind__in=OPEN_KINDS,
            text__contains=rule["phrase"],
        ).select_related("response__distribution", "question")
        for answer in answers:
            start = answer.text.index(rule["phrase"])
            end = start + len(rule["phrase"])
            if not Coding.objects.filter(answer=answer, start=start, end=end).exists():
                coding_create(evaluation=evaluation, by=SYSTEM, answer=answer, start=start,
                              end=end, codes=chosen)  # fmt: skip
