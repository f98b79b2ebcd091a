"""Reference data every registry starts with: the ILO regions, the stakeholder groups and all
ISO 3166 countries with a region. Loaded by a data migration; editable afterwards, and
`reference_load` never overwrites an edit (it only adds what is missing)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

COUNTRIES_CSV = Path(__file__).resolve().parent.parent / "seeds" / "reference" / "countries.csv"

REGIONS = [
    ("africa", "Africa"),
    ("americas", "Americas"),
    ("arab-states", "Arab States"),
    ("asia-pacific", "Asia and the Pacific"),
    ("europe-central-asia", "Europe and Central Asia"),
]

STAKEHOLDER_GROUPS = [
    ("government", "Government", ["Governments", "Ministry", "Government agency"]),
    ("workers", "Workers' organisations",
     ["Workers", "Trade unions", "Unions", "Workers' organizations"]),
    ("employers", "Employers' organisations", ["Employers", "Employers' organizations"]),
    ("staff", "Staff", ["ILO staff", "Staff member", "Officials"]),
    ("un-io", "UN and international organisations",
     ["UN", "Other agencies incl. UN", "International organisations",
      "International organizations", "UN/IO partners"]),
    ("ngo", "NGO/civil society", ["NGO", "NGOs", "Civil society"]),
    ("academic", "Academic/research", ["Academic", "Research", "Academia"]),
    ("donor", "Donor", ["Donors"]),
    ("beneficiaries", "Beneficiaries", ["Beneficiary", "Migrant workers"]),
    ("other", "Other", []),
]  # fmt: skip


def country_rows() -> list[dict[str, Any]]:
    with COUNTRIES_CSV.open(encoding="utf-8", newline="") as handle:
        return [
            {
                "code": row["code"],
                "name": row["name"],
                "official_name": row["official_name"],
                "region": row["region"],
                "aliases": [a for a in row["aliases"].split("|") if a],
            }
            for row in csv.DictReader(handle)
        ]


def reference_load(region_model: Any, country_model: Any, group_model: Any) -> int:
    """Add the regions, groups and countries that are missing; returns how many were added.
    Takes the models as arguments so a migration can pass its historical models."""
    added = 0
    regions = {}
    for order, (code, name) in enumerate(REGIONS):
        regions[code], created = region_model.objects.get_or_create(
            code=code, defaults={"name": name, "order": order}
        )
        added += created
    for order, (code, name, aliases) in enumerate(STAKEHOLDER_GROUPS):
        added += group_model.objects.get_or_create(
            code=code, defaults={"name": name, "order": order, "aliases": aliases}
        )[1]
    known = set(country_model.objects.values_list("code", flat=True))
    new = [
        country_model(
            code=row["code"],
            name=row["name"],
            official_name=row["official_name"],
            region=regions.get(row["region"]),
            aliases=row["aliases"],
        )
        for row in country_rows()
        if row["code"] not in known
    ]
    country_model.objects.bulk_create(new)
    return added + len(new)
