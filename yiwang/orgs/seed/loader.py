"""Write the Xi'an divisions and organisations (idempotent: keyed by division code and by USCC).

A second run finds every row by its key and creates nothing; rows that exist are left exactly as
they are (an administrator may have corrected an address since). The organisation tree is built
parent first, so each `path` is right when the row is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from yiwang.core.audit import record_event
from yiwang.core.identifiers import with_uscc_check_digit
from yiwang.orgs.constants import DivisionLevel, ExerciseLevel, OrganisationKind
from yiwang.orgs.models import Division, Organisation
from yiwang.orgs.seed import xian_divisions as dv
from yiwang.orgs.seed import xian_organisations as og

ACTOR = "seed:xian"


def demo_uscc(category: str, division_code: str, serial: int) -> str:
    """A made-up but valid USCC: category + 6-digit division + "YW" + 7-digit serial + check."""
    return with_uscc_check_digit(f"{category}{division_code[:6]}YW{serial:07d}")


def demo_phone(division_code: str, serial: int) -> str:
    """A plausible Xi'an landline (029 + 8 digits), stable per organisation."""
    seed = int(division_code[:6]) * 131 + serial * 7919
    return f"029-8{seed % 10_000_000:07d}"


@dataclass(frozen=True)
class OrgSpec:
    short_name: str
    name: str
    kind: str
    level: str
    division: str
    parent: str | None  # USCC of the parent
    uscc: str
    phone: str
    address: str


@dataclass
class OrgsResult:
    divisions_created: int = 0
    organisations_created: int = 0
    by_short_name: dict[str, Organisation] = field(default_factory=dict)


def division_specs() -> list[dict]:
    """Every division row, parents before children."""
    rows = [
        {"code": dv.PROVINCE[0], "name": dv.PROVINCE[1], "level": DivisionLevel.PROVINCE, "parent": None,
         "is_national_code": True, "is_demo": False},
        {"code": dv.CITY[0], "name": dv.CITY[1], "level": DivisionLevel.CITY, "parent": dv.PROVINCE[0],
         "is_national_code": True, "is_demo": False},
    ]
    rows += [{"code": code, "name": name, "level": DivisionLevel.DISTRICT, "parent": dv.CITY[0],
              "is_national_code": True, "is_demo": False} for code, name in dv.DISTRICTS]
    rows += [{"code": code, "name": name, "level": DivisionLevel.ZONE, "parent": dv.CITY[0],
              "is_national_code": False, "is_demo": False} for code, name, _ in dv.ZONES]
    for district, streets in dv.STREETS.items():
        for i, (street, communities) in enumerate(streets, start=1):
            s_code = dv.street_code(district, i)
            rows.append({"code": s_code, "name": street, "level": DivisionLevel.STREET, "parent": district,
                         "is_national_code": False, "is_demo": True})
            for j, community in enumerate(communities, start=1):
                rows.append({"code": dv.community_code(s_code, j), "name": community,
                             "level": DivisionLevel.COMMUNITY, "parent": s_code,
                             "is_national_code": False, "is_demo": True})
    return rows


def organisation_specs() -> list[OrgSpec]:
    """Every organisation, parents before children; USCCs are derived, so stable across runs."""
    specs: list[OrgSpec] = []
    by_short: dict[str, OrgSpec] = {}

    def add(short, name, kind, level, division, parent_short, category, serial, address, usc_division=None):
        code_division = usc_division or division
        spec = OrgSpec(
            short_name=short, name=name, kind=kind, level=level, division=division,
            parent=by_short[parent_short].uscc if parent_short else None,
            uscc=demo_uscc(category, code_division, serial),
            phone="029-12345" if short == "市12345热线服务中心" else demo_phone(code_division, serial),
            address=address,
        )
        specs.append(spec)
        by_short[short] = spec

    for short, name, kind, level, division, parent, category, serial, address in og.CITY_ORGANISATIONS:
        add(short, name, kind, level, division, parent, category, serial, address)

    for index, (code, short, full) in enumerate(dv.ZONES, start=1):
        add(f"{short}管委会", full, OrganisationKind.GOVERNMENT, ExerciseLevel.COUNTY, code, og.ROOT, "11",
            60 + index, f"西安市{short}（管委会）", usc_division="610100")

    district_names = dict(dv.DISTRICTS)
    for code, district in dv.DISTRICTS:
        prefix = "" if district.endswith("县") else "西安市"
        road = og.DISTRICT_ROADS[code]
        gov = f"{district}人民政府"
        add(gov, f"{prefix}{district}人民政府", OrganisationKind.GOVERNMENT, ExerciseLevel.COUNTY, code, og.ROOT,
            "11", 1, f"西安市{district}{road}（区县政府）")
        add(f"{district}政务服务中心", f"{prefix}{district}政务服务中心", OrganisationKind.SERVICE_CENTER,
            ExerciseLevel.COUNTY, code, gov, "12", 2, f"西安市{district}{road}（{district}政务服务中心）")
        departments = og.YANTA_DEPARTMENTS if code == "610113" else og.OTHER_DISTRICT_DEPARTMENTS
        for short_suffix, full_suffix, serial in departments:
            add(f"{district}{short_suffix}", f"{prefix}{district}{full_suffix}", OrganisationKind.DEPARTMENT,
                ExerciseLevel.COUNTY, code, gov, "11", serial, f"西安市{district}{road}（{district}{short_suffix}）")
        for i, (street, communities) in enumerate(dv.STREETS.get(code, []), start=1):
            s_code = dv.street_code(code, i)
            center = f"{street}便民服务中心"
            add(center, f"{district_names[code]}{center}", OrganisationKind.STREET_CENTER, ExerciseLevel.TOWNSHIP,
                s_code, gov, "11", 100 + i, f"西安市{district}{street}便民服务中心", usc_division=code)
            for j, community in enumerate(communities, start=1):
                station = f"{community}便民服务站"
                add(station, f"{street}{station}", OrganisationKind.COMMUNITY_STATION, ExerciseLevel.VILLAGE,
                    dv.community_code(s_code, j), center, "11", 200 + i * 10 + j,
                    f"西安市{district}{street}{community}", usc_division=code)
    return specs


def load_organisations() -> OrgsResult:
    """Create what is missing; return the organisations by short name (the loader's lookup)."""
    result = OrgsResult()
    existing = {d.code: d for d in Division.objects.all()}
    for row in division_specs():
        if row["code"] in existing:
            continue
        division = Division.objects.create(
            code=row["code"], name=row["name"], level=row["level"],
            parent=existing[row["parent"]] if row["parent"] else None,
            is_national_code=row["is_national_code"], is_demo=row["is_demo"],
        )
        existing[division.code] = division
        result.divisions_created += 1

    specs = organisation_specs()
    orgs_by_uscc = {o.uscc: o for o in Organisation.objects.filter(uscc__in=[s.uscc for s in specs])}
    for spec in specs:
        org = orgs_by_uscc.get(spec.uscc)
        if org is None:
            org = Organisation(
                name=spec.name, short_name=spec.short_name, kind=spec.kind, uscc=spec.uscc, level=spec.level,
                division=existing[spec.division], parent=orgs_by_uscc[spec.parent] if spec.parent else None,
                phone=spec.phone, address=spec.address, is_demo=True,
            )
            org.save()
            orgs_by_uscc[spec.uscc] = org
            record_event(actor=ACTOR, action="orgs.seeded", obj=org,
                         details={"short_name": spec.short_name, "uscc": spec.uscc})
            result.organisations_created += 1
        result.by_short_name[spec.short_name] = org
    return result
