"""Forms of the report pages. They read what was typed and hand plain values to the services,
which decide; a form's own problems are raised as ValidationProblem like the services'."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.errors import ValidationProblem
from interviews.models import CategoryRule, ReportingCategory
from reports.models import ExportJob, LayoutCell, TableLayout

if TYPE_CHECKING:
    from evaluations.models import Evaluation
    from reports.tables import ReportAccess

TOTAL = "total"
BLANK_RULES = 3  # empty rule lines offered under the existing ones


def _problem(form: forms.Form) -> ValidationProblem:
    errors = {field: [str(e) for e in errs] for field, errs in form.errors.items()}
    first = next(iter(errors.values()), [_("Check the form.")])[0]
    return ValidationProblem(first, errors=errors)


def _number(text: str, field: str, label: str) -> int | None:
    text = (text or "").strip()
    if not text:
        return None
    if not text.isdigit() or len(text) > 9:  # under layouts.CELL_MAX
        raise ValidationProblem(
            _("%(label)s must be a whole number of 0 or more, not “%(text)s”.")
            % {"label": label, "text": text[:20]},
            errors={field: [_("A whole number of 0 or more.")]},
        )
    return int(text)


class LayoutForm(forms.ModelForm):
    class Meta:
        model = TableLayout
        fields = [
            "name",
            "title",
            "show_group_interviews",
            "show_follow_ups",
            "show_modes",
            "show_sex",
        ]

    def cleaned_options(self) -> dict[str, Any]:
        if not self.is_valid():
            raise _problem(self)
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class LayoutCellForm(forms.Form):
    """A printed number or an override (with its reason) for one cell of the table."""

    ACTIONS = (
        ("printed", gettext_lazy("Save the printed number")),
        ("override", gettext_lazy("Override the shown number")),
        ("clear_override", gettext_lazy("Remove the override")),
    )

    row = forms.ChoiceField(label=gettext_lazy("Row"))
    column = forms.ChoiceField(label=gettext_lazy("Column"), choices=LayoutCell.Column.choices)
    value = forms.CharField(label=gettext_lazy("Number"), required=False, max_length=12)
    reason = forms.CharField(
        label=gettext_lazy("Reason (required for an override)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )
    action = forms.ChoiceField(choices=ACTIONS, initial="printed", required=False)

    def __init__(self, *args: Any, categories: list[ReportingCategory], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.categories = {str(c.pk): c for c in categories}
        self.fields["row"].choices = [
            *((str(c.pk), c.name) for c in categories),
            (TOTAL, _("Total")),
        ]

    def cleaned_cell(self) -> dict[str, Any]:
        if not self.is_valid():
            raise _problem(self)
        data = self.cleaned_data
        target = {
            "category": self.categories.get(data["row"]),
            "column": data["column"],
        }
        value = _number(data["value"], "value", _("The number"))
        data["action"] = data["action"] or "printed"
        if data["action"] == "override":
            if value is None:
                raise ValidationProblem(
                    _("Type the number the table should show instead."),
                    errors={"value": [_("An override needs a number.")]},
                )
            fields = {**target, "value": value, "reason": data["reason"]}
        else:
            fields = {**target, "value": value}
        return {"action": data["action"], "target": target, "fields": fields}


class RulesForm(forms.Form):
    """The ordered rules, one line each (when … is … → category); blank lines are dropped."""

    def __init__(self, *args: Any, evaluation: Evaluation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.categories = list(
            ReportingCategory.objects.filter(evaluation=evaluation).order_by("order", "name")
        )
        rules = list(CategoryRule.objects.filter(evaluation=evaluation).order_by("order", "pk"))
        self.lines = len(rules) + BLANK_RULES
        category_choices = [("", "—"), *((str(c.pk), c.name) for c in self.categories)]
        for index in range(self.lines):
            rule = rules[index] if index < len(rules) else None
            self.fields[f"field_{index}"] = forms.ChoiceField(
                required=False,
                choices=[("", "—"), *CategoryRule.Field.choices],
                initial=rule.field if rule else "",
                label=_("When"),
            )
            self.fields[f"value_{index}"] = forms.CharField(
                required=False, max_length=200, initial=rule.value if rule else "", label=_("is")
            )
            self.fields[f"category_{index}"] = forms.ChoiceField(
                required=False,
                choices=category_choices,
                initial=str(rule.category_id) if rule else "",
                label=_("then the category is"),
            )

    def rows(self) -> list[tuple[forms.BoundField, forms.BoundField, forms.BoundField]]:
        return [
            (self[f"field_{i}"], self[f"value_{i}"], self[f"category_{i}"])
            for i in range(self.lines)
        ]

    def cleaned_rules(self) -> list[dict[str, Any]]:
        if not self.is_valid():
            raise _problem(self)
        by_pk = {str(c.pk): c for c in self.categories}
        rules = []
        for index in range(self.lines):
            field = self.cleaned_data[f"field_{index}"]
            value = self.cleaned_data[f"value_{index}"].strip()
            category = self.cleaned_data[f"category_{index}"]
            if not (field or value or category):
                continue
            if not field or not category:
                message = _("Rule %(n)d needs both a condition and a category.") % {"n": index + 1}
                raise ValidationProblem(message, errors={f"rule_{index}": [message]})
            rules.append({"field": field, "value": value, "category": by_pk[category]})
        return rules


class CategoriesForm(forms.Form):
    """Every category's name and position, a box to remove it, and one new name."""

    def __init__(self, *args: Any, categories: list[ReportingCategory], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.categories = categories
        for position, category in enumerate(categories, start=1):
            self.fields[f"name_{category.pk}"] = forms.CharField(
                max_length=200, initial=category.name, label=_("Name"), required=False
            )
            self.fields[f"order_{category.pk}"] = forms.IntegerField(
                min_value=0, max_value=30000, initial=position, label=_("Position")
            )
            self.fields[f"remove_{category.pk}"] = forms.BooleanField(
                required=False, label=_("Remove")
            )
        self.fields["new"] = forms.CharField(
            max_length=200, required=False, label=_("New category")
        )

    def rows(self) -> list[tuple[ReportingCategory, list[forms.BoundField]]]:
        return [
            (c, [self[f"name_{c.pk}"], self[f"order_{c.pk}"], self[f"remove_{c.pk}"]])
            for c in self.categories
        ]

    def cleaned_changes(self) -> dict[str, Any]:
        if not self.is_valid():
            raise _problem(self)
        data = self.cleaned_data
        return {
            "names": {c.pk: data[f"name_{c.pk}"] for c in self.categories},
            "orders": {c.pk: data[f"order_{c.pk}"] for c in self.categories},
            "removed": {c.pk for c in self.categories if data[f"remove_{c.pk}"]},
            "added": [data["new"]] if data["new"].strip() else [],
        }


class ExportForm(forms.Form):
    """The workbook's options: labels or codes in raw answers, and (for the lead) the
    unsuppressed view."""

    labels = forms.BooleanField(
        required=False,
        label=gettext_lazy("Answer labels instead of codes in the raw responses"),
    )
    unsuppressed = forms.BooleanField(
        required=False,
        label=gettext_lazy("Unsuppressed figures (lead only; the file is marked as such)"),
    )

    def __init__(self, *args: Any, access: ReportAccess, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not access.can_unsuppress:
            del self.fields["unsuppressed"]
        if not access.raw_answers:
            del self.fields["labels"]

    def parameters(self) -> dict[str, bool]:
        return {
            "unsuppressed": bool(self.cleaned_data.get("unsuppressed")),
            "labels": bool(self.cleaned_data.get("labels")),
        }


class RawResponsesForm(forms.Form):
    """A request for the raw responses of one questionnaire, from its form on the downloads
    page: the distribution, codes or labels, and the button pressed (Excel or CSV). The service
    checks the distribution (one of the evaluation's) and who may ask."""

    distribution = forms.CharField(required=False, max_length=20)
    answers = forms.ChoiceField(
        choices=[
            ("codes", gettext_lazy("Codes (Likert codes as numbers)")),
            ("labels", gettext_lazy("The choices' labels")),
        ],
        required=False,
    )
    format = forms.ChoiceField(
        choices=[
            ("xlsx", "Excel"),
            ("csv", "CSV"),
            ("sav", "SPSS"),
            ("dta", "Stata"),
            ("r", "R"),
            ("codebook", gettext_lazy("Codebook")),
        ]
    )

    def export(self) -> tuple[str, dict[str, Any]]:
        """The kind of export job and its parameters."""
        if not self.is_valid():
            raise _problem(self)
        parameters: dict[str, Any] = {
            "distribution": self.cleaned_data["distribution"],
            "labels": self.cleaned_data["answers"] == "labels",
        }
        form = self.cleaned_data["format"]
        if form == "csv":
            return ExportJob.Kind.CSV, {**parameters, "table": "responses"}
        if form != "xlsx":  # SPSS, Stata, R, the codebook: codes, whatever was chosen
            return ExportJob.Kind.RESPONSES, {**parameters, "labels": False, "format": form}
        return ExportJob.Kind.RESPONSES, parameters
