from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from questionnaires.instrument_format.dumper import instrument_dump
from questionnaires.instrument_format.xlsform import xlsform_write
from questionnaires.models import Instrument
from questionnaires.selectors.instruments import version_get, version_spec


class Command(BaseCommand):
    help = (
        "Write an instrument version as YAML on standard output (the format load_instrument "
        "reads), or as an XLSForm workbook with --format xlsform --output FILE.xlsx. "
        "INSTRUMENT_ID is the instrument's number or EVALUATION-SLUG/KEY; the latest "
        "version unless --version is given."
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: object) -> CommandParser:
        # Our --version (the instrument version) replaces Django's --version (its own).
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("instrument", help="instrument id, or evaluation-slug/instrument-key")
        parser.add_argument("--version", type=int, help="version number (default: the latest)")
        parser.add_argument(
            "--format",
            choices=("yaml", "xlsform"),
            default="yaml",
            help="yaml or xlsform",
        )
        parser.add_argument("--output", type=Path, help="write to this file (needed for xlsform)")

    def handle(self, *args: object, **options: object) -> None:
        ref: str = options["instrument"]
        if ref.isdigit():
            instrument = Instrument.objects.filter(pk=int(ref)).first()
        elif "/" in ref:
            slug, key = ref.split("/", 1)
            instrument = Instrument.objects.filter(evaluation__slug=slug, key=key).first()
        else:
            instrument = None
        if instrument is None:
            raise CommandError(f"No instrument “{ref}” (give its id or EVALUATION-SLUG/KEY).")
        version = version_get(instrument=instrument, number=options["version"])
        if version is None:
            raise CommandError(f"{instrument.key} has no version {options['version'] or ''}.")
        output: Path | None = options["output"]
        spec = version_spec(version)
        if options["format"] == "xlsform":
            if output is None:
                raise CommandError("--format xlsform writes a workbook: give --output FILE.xlsx.")
            content: bytes = xlsform_write(spec, version=version.number)
        elif output is None:
            self.stdout.write(instrument_dump(spec), ending="")
            return
        else:
            content = instrument_dump(spec).encode("utf-8")
        try:
            output.write_bytes(content)
        except OSError as exc:
            raise CommandError(f"{output}: cannot write the file ({exc}).") from exc
        self.stdout.write(f"Wrote {instrument.key} version {version.number} to {output}.")
