"""Regenerate seeds/reference/countries.csv from the ISO 3166-1 data that pycountry ships.

Usage: .venv/bin/python scripts/build_countries_seed.py

Names in Russian and Kazakh come from the ISO 3166-1 translations shipped with pycountry
(empty where a translation is missing). The CIS flag follows BNS's migration tables:
Azerbaijan, Armenia, Belarus, Kyrgyzstan, Moldova, Russia, Tajikistan, Turkmenistan,
Uzbekistan and Ukraine (Georgia is among the other countries). Kazakhstan itself is not
flagged: a move with Kazakhstan as counterpart is internal migration.
One extra row, XXX, stands for a citizenship that is not stated (stateless or unknown);
it is not an ISO country and never a valid counterpart country.
"""

from __future__ import annotations

import csv
import gettext
from pathlib import Path

import pycountry

CIS_COUNTRIES = {"AZE", "ARM", "BLR", "KGZ", "MDA", "RUS", "TJK", "TKM", "UZB", "UKR"}
OUTPUT = Path(__file__).resolve().parent.parent / "seeds" / "reference" / "countries.csv"


def translator(language: str):
    try:
        return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language]).gettext
    except OSError:
        return None


def main() -> None:
    russian, kazakh = translator("ru"), translator("kk")

    def translated(function, name: str) -> str:
        if function is None:
            return ""
        text = function(name)
        return text if text != name else ""

    rows = []
    for country in sorted(pycountry.countries, key=lambda item: item.alpha_3):
        rows.append({
            "country_code": country.alpha_3,
            "alpha2_code": country.alpha_2,
            "numeric_code": country.numeric,
            "country_name_en": country.name,
            "country_name_ru": translated(russian, country.name),
            "country_name_kk": translated(kazakh, country.name),
            "is_cis": str(country.alpha_3 in CIS_COUNTRIES).lower(),
            "is_iso_country": "true",
        })
    rows.append({
        "country_code": "XXX", "alpha2_code": "", "numeric_code": "",
        "country_name_en": "Not stated (stateless or unknown)",
        "country_name_ru": "не указано (лица без гражданства или неизвестно)",
        "country_name_kk": "көрсетілмеген",
        "is_cis": "false", "is_iso_country": "false",
    })
    with OUTPUT.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} countries to {OUTPUT}")


if __name__ == "__main__":
    main()
