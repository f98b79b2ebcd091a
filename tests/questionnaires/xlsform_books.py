"""XLSForm workbooks written cell by cell for the tests, as KoboToolbox or a person would."""

from __future__ import annotations

import io

import openpyxl


def workbook(
    survey: list[list[str]],
    choices: list[list[str]] | None = None,
    settings: list[list[str]] | None = None,
) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.worksheets[0]
    sheet.title = "survey"
    for row in survey:
        sheet.append(row)
    for title, rows in (("choices", choices), ("settings", settings)):
        if rows is not None:
            extra = book.create_sheet(title)
            for row in rows:
                extra.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def sheet_rows(data: bytes, title: str) -> list[tuple]:
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    return [tuple(row) for row in book[title].iter_rows(values_only=True)]


HEAD = [
    "type", "name", "label::English (en)", "label::French (fr)", "hint::English (en)",
    "hint::French (fr)", "required", "relevant", "constraint", "appearance",
]  # fmt: skip

# A form as KoboToolbox users write one: no Consulta columns at all.
KOBO_SURVEY = [
    HEAD,
    ["start", "start", "", "", "", "", "", "", "", ""],
    ["begin group", "profile", "Your work", "Votre travail", "About you", "Vous", "", "", "", ""],
    ["select_one yn", "works", "Do you work?", "Travaillez-vous ?", "", "", "yes", "", "", ""],
    ["integer", "years", "Years?", "Années ?", "", "", "", "${works} = 'y'",
     ". >= 0 and . <= 60", ""],
    ["select_multiple areas", "areas", "Areas", "Domaines", "", "", "", "", "", ""],
    ["text", "mail", "E-mail", "Courriel", "", "", "", "", "regex(., '^\\S+@\\S+$')", ""],
    ["text", "story", "Tell us", "Racontez", "", "", "", "selected(${areas}, 'b')", "",
     "multiline"],
    ["date", "when", "Since when?", "Depuis quand ?", "", "", "", "", "", ""],
    ["end group", "", "", "", "", "", "", "", "", ""],
    ["begin group", "opinions", "Opinions", "Opinions", "", "", "", "", "", ""],
    ["note", "intro", "Say how far you agree", "Dites si vous êtes d'accord", "", "", "", "",
     "", ""],
    ["begin group", "grid", "", "", "", "", "", "", "", "field-list"],
    ["select_one agree", "o1", "Useful", "Utile", "", "", "", "", "", "likert"],
    ["select_one agree", "o2", "Clear", "Clair", "", "", "", "", "", "likert"],
    ["end group", "", "", "", "", "", "", "", "", ""],
    ["decimal", "share", "Share", "Part", "", "", "", "", ". >= 0.5", ""],
    ["end group", "", "", "", "", "", "", "", "", ""],
]  # fmt: skip
KOBO_CHOICES = [
    ["list_name", "name", "label::English (en)", "label::French (fr)"],
    ["yn", "y", "Yes", "Oui"],
    ["yn", "n", "No", "Non"],
    ["areas", "a", "Labour", "Travail"],
    ["areas", "b", "Migration", "Migration"],
    ["agree", "1", "Disagree", "Pas d'accord"],
    ["agree", "2", "Agree", "D'accord"],
    ["agree", "dk", "Don't know", "Ne sait pas"],
]
KOBO_SETTINGS = [
    ["form_title", "form_id", "default_language", "version"],
    ["Work survey", "work-survey", "English (en)", "2024010101"],
]
