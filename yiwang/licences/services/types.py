"""Licence types: loading the platform's list, and which type an item's result is."""

from __future__ import annotations

from django.db import transaction

from yiwang.core.audit import record_event
from yiwang.licences import seed
from yiwang.licences.constants import HolderKind, NumberRule, ValidityRule
from yiwang.licences.models import LicenceType, ResultMapping


@transaction.atomic
def licence_types_load(*, actor=None) -> dict:
    """Create or update every type of `seed.TYPES` and the base-code mappings. Idempotent; a type
    an administrator deactivated stays deactivated."""
    from yiwang.orgs.selectors import organisation_by_short_name

    created = updated = mappings = 0
    for spec in seed.TYPES:
        rule, months = spec["validity"]
        template = {"fields": spec.get("fields", [])}
        if spec.get("holder_keys"):
            template["holder"] = spec["holder_keys"]
        values = {
            "catalog_code": spec.get("catalog"), "name": spec["name"], "defining_authority": spec["authority"],
            "code_is_platform": True, "issuing_agency": organisation_by_short_name(spec["agency"]),
            "holder_kind": HolderKind.ENTERPRISE if spec["holder"] == "enterprise" else HolderKind.PERSON,
            "validity_rule": ValidityRule(rule), "validity_months": months, "number_rule": NumberRule(spec["number"]),
            "number_prefix": spec.get("prefix", ""), "template": template, "legal_basis": spec.get("basis", ""),
        }
        licence_type, was_created = LicenceType.objects.update_or_create(code=seed.type_code(spec), defaults=values)
        created += was_created
        updated += not was_created
        for basic_code in spec.get("basic_codes", []):
            ResultMapping.objects.update_or_create(basic_code=basic_code, defaults={
                "licence_type": licence_type, "note": "办事指南未写电子证照代码的办理结果"})
            mappings += 1
    record_event(actor=actor, action="licence.types_loaded", object_type="licences.licencetype",
                 details={"created": created, "updated": updated, "mappings": mappings})
    return {"created": created, "updated": updated, "mappings": mappings}
