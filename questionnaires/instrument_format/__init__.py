"""The YAML format of instruments: parse (with line numbers in every error) and dump.

`instrument_parse(text)` returns the canonical spec: a plain dict with every default filled in
and every text as {language: string}. `instrument_dump(spec)` writes the canonical YAML, which
leaves defaults out and writes English-only texts as plain strings, so that
parse(dump(spec)) == spec. The format is documented in seeds/instruments/README.md.

The package holds the format's vocabulary, the parser and the dumper; their public names are
re-exported here, where the rest of the project imports them from.
"""

from questionnaires.instrument_format.dumper import (
    instrument_document,
    instrument_document_scale,
    instrument_dump,
    instrument_dump_document,
)
from questionnaires.instrument_format.lines import yaml_refusal
from questionnaires.instrument_format.parser import instrument_parse
from questionnaires.instrument_format.vocabulary import (
    CHOICE_KINDS,
    FORMAT_VERSION,
    KEY_RE,
    KINDS,
    QUESTION_KINDS,
    STANDARD_ATTRIBUTES,
)

__all__ = [
    "CHOICE_KINDS",
    "FORMAT_VERSION",
    "KEY_RE",
    "KINDS",
    "QUESTION_KINDS",
    "STANDARD_ATTRIBUTES",
    "instrument_document",
    "instrument_document_scale",
    "instrument_dump",
    "instrument_dump_document",
    "instrument_parse",
    "yaml_refusal",
]
