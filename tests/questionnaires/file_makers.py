"""An instrument with a file question, and files of each kind built in memory."""

from __future__ import annotations

import io
import zipfile

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile

FILE_INSTRUMENT = """\
consulta_instrument: 1
key: country-summary
kind: questionnaire
languages:
- en
title: Country summary check
sections:
- key: A
  label: A)
  title: Your country
  questions:
  - key: A1
    label: 1)
    kind: short_text
    text: Your country?
  - key: A2
    label: 2)
    kind: file
    text: Upload the corrected country summary
    required: true
    accept:
    - pdf
    - docx
    - xlsx
    max_size: 1MB
"""

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def docx_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def xlsx_bytes() -> bytes:
    book = openpyxl.Workbook()
    book.active["A1"] = "Country"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(content: bytes, name: str = "summary.pdf", content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)
