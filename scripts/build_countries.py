"""Regenerate middleground/network/data/countries.json.

Codes and names come from pycountry (ISO 3166-1); the UN M49 region and sub-region and
UN membership from country_converter's table (which follows the UN Statistics Division's
M49 standard). UN regional groups and bloc memberships are listed below by hand, with
their sources, because no registry package carries them. Run:

    .venv/bin/pip install country_converter==1.3.2
    .venv/bin/python scripts/build_countries.py
"""

import csv
import io
import json
import pkgutil
from pathlib import Path

import pycountry

OUT = Path(__file__).resolve().parent.parent / "middleground/network/data/countries.json"

# UN Eastern European Group (UN Department for General Assembly and Conference Management).
EASTERN_EUROPEAN = {
    "AL",
    "AM",
    "AZ",
    "BY",
    "BA",
    "BG",
    "HR",
    "CZ",
    "EE",
    "GE",
    "HU",
    "LV",
    "LT",
    "ME",
    "MK",
    "PL",
    "MD",
    "RO",
    "RU",
    "RS",
    "SK",
    "SI",
    "UA",
}
# Asian countries (by M49) that sit in the Western European and Others Group.
WEOG_OUTSIDE_EUROPE = {"IL", "TR", "AU", "NZ", "US", "CA"}

BLOCS = {
    "P5": ("Permanent members of the UN Security Council", "CN FR RU GB US", "UN Charter art. 23"),
    "SCO": (
        "Shanghai Cooperation Organisation",
        "CN RU KZ KG TJ UZ IN PK IR BY",
        "SCO Secretariat; Belarus admitted July 2024",
    ),
    "BRICS": (
        "BRICS",
        "BR RU IN CN ZA EG ET IR AE ID",
        "BRICS 2025 chair (Brazil); Saudi Arabia's membership is unconfirmed and not listed",
    ),
    "G20": (
        "Group of Twenty (member countries; the EU and the AU are members as unions)",
        "AR AU BR CA CN FR DE IN ID IT JP KR MX RU SA ZA TR GB US",
        "G20 members list",
    ),
    "MIKTA": ("MIKTA", "MX ID KR TR AU", "MIKTA joint statements"),
    "EU": (
        "European Union",
        "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE",
        "europa.eu, EU-27 since 2020",
    ),
    "AU": ("African Union", "@AFRICA EH", "African Union Commission: 55 member states"),
    "ASEAN": (
        "Association of Southeast Asian Nations",
        "BN KH ID LA MY MM PH SG TH VN TL",
        "ASEAN Secretariat; Timor-Leste admitted October 2025",
    ),
    "OIC": (
        "Organisation of Islamic Cooperation",
        "AF AL DZ AZ BH BD BJ BN BF CM TD KM DJ EG GA GM GN GW GY ID IR IQ CI JO KZ KW KG LB "
        "LY MY MV ML MR MA MZ NE NG OM PK PS QA SA SN SL SO SD SR SY TJ TG TN TR TM UG AE UZ YE",
        "OIC member states (57)",
    ),
    "CIS": (
        "Commonwealth of Independent States",
        "AM AZ BY KZ KG MD RU TJ UZ",
        "CIS Executive Committee; Turkmenistan is an associate member, not listed",
    ),
    "EAEU": ("Eurasian Economic Union", "AM BY KZ KG RU", "EAEU Treaty (2014) and accessions"),
    "CICA": (
        "Conference on Interaction and Confidence-Building Measures in Asia",
        "AF AZ BH BD KH CN EG IN IR IQ IL JO KZ KW KG MN PK PS QA RU KR LK TJ TH TR AE UZ VN",
        "CICA Secretariat (28 member states)",
    ),
    "OTS": (
        "Organization of Turkic States",
        "AZ KZ KG TR UZ",
        "OTS Secretariat; Hungary and Turkmenistan are observers, not listed",
    ),
}


def regional_group(alpha2: str, region: str, subregion: str, un_member: bool) -> str | None:
    if not un_member:
        return None
    if alpha2 in EASTERN_EUROPEAN:
        return "EEG"
    if alpha2 in WEOG_OUTSIDE_EUROPE:
        return "WEOG"
    if region == "Africa":
        return "AFRICAN"
    if region == "Europe":
        return "WEOG"
    if region == "Americas":
        return "GRULAC"
    return "APG"  # Asia and Oceania


def main() -> None:
    raw = pkgutil.get_data("country_converter", "country_data.tsv")
    assert raw is not None
    # keyed by alpha-3: the table spells some alpha-2 codes the EU way (UK, EL)
    rows = {r["ISO3"]: r for r in csv.DictReader(io.StringIO(raw.decode()), delimiter="\t")}
    africa = set()
    countries = []
    for c in sorted(pycountry.countries, key=lambda c: c.alpha_2):
        row = rows.get(c.alpha_3)
        region = row["continent"] if row else ""
        if region in ("America",):
            region = "Americas"
        subregion = row["UNregion"] if row else ""
        un_member = bool(row and row["UNmember"].strip())
        if region == "Africa" and un_member:
            africa.add(c.alpha_2)
        countries.append(
            {
                "code": c.alpha_2,
                "alpha3": c.alpha_3,
                "numeric": c.numeric,
                "name": getattr(c, "common_name", None) or c.name,
                "official_name": getattr(c, "official_name", c.name),
                "m49_region": region,
                "m49_subregion": subregion,
                "un_member": un_member,
                "un_regional_group": regional_group(c.alpha_2, region, subregion, un_member),
            }
        )
    blocs = []
    for code, (name, members, source) in BLOCS.items():
        codes = set()
        for member in members.split():
            codes |= africa if member == "@AFRICA" else {member}
        blocs.append({"code": code, "name": name, "source": source, "members": sorted(codes)})
    data = {
        "version": "2026-11-22",
        "sources": {
            "countries": "ISO 3166-1 via pycountry 26.2.16",
            "m49": "UN M49 region and sub-region via country_converter 1.3.2",
            "un_regional_group": "UN regional groups of member states (DGACM); "
            "non-members (observers, territories) have none",
            "blocs": "listed per bloc",
        },
        "regional_groups": {
            "AFRICAN": "African Group",
            "APG": "Asia-Pacific Group",
            "EEG": "Eastern European Group",
            "GRULAC": "Latin American and Caribbean Group",
            "WEOG": "Western European and Others Group",
        },
        "countries": countries,
        "blocs": blocs,
    }
    OUT.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n")
    print(f"wrote {OUT} ({len(countries)} countries, {len(blocs)} blocs)")


if __name__ == "__main__":
    main()
