"""Pre-review (智能预审): warnings shown before a wizard submission, never a refusal.

The cases wizard calls the named hook `cases.prereview` with what the applicant has so far; this
handler answers with plain-Chinese warnings: a required material with no file, a file whose type
the hall does not accept, and form values that contradict the applicant's profile (licences
profiles: name, identity number, credit code as held by the city).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

ACCEPTED_EXTENSIONS = frozenset({"pdf", "jpg", "jpeg", "png", "ofd"})
# Form data-element keys whose value must equal the profile attribute of the same meaning.
PROFILE_FIELDS = {
    "applicant_name": ("name", "申请人姓名"), "name": ("name", "名称"),
    "id_number": ("id_number", "身份证号码"), "uscc": ("uscc", "统一社会信用代码"),
    "enterprise_name": ("name", "企业名称"), "district": ("district", "所在区县"),
    "industry_code": ("industry_code", "行业代码"), "employees": ("employees", "从业人数"),
    "residence_division": ("residence_division", "户籍所在地"), "birth_date": ("birth_date", "出生日期"),
}


def _profile_field(key: str):
    """The wizard's form keys are dotted data elements ("applicant.name", "applicant.id_number",
    "enterprise.uscc"); match them as "applicant_name", then by their last part ("id_number") —
    but never a bare "name" of another part ("agent.name" is the agent's, not the applicant's)."""
    last = key.rsplit(".", 1)[-1]
    for candidate in (key, key.replace(".", "_"), last if last != "name" or key == last else ""):
        if candidate in PROFILE_FIELDS:
            return PROFILE_FIELDS[candidate]
    return None


def _extension(filename: str) -> str:
    return filename.rsplit(".", 1)[-1].lower() if "." in (filename or "") else ""


def prereview_warnings(*, materials: Sequence[Mapping] = (), uploads: Mapping[str, Sequence[str]] | None = None,
                       form_data: Mapping[str, str] | None = None, profile: Mapping | None = None, applicant=None,
                       **_ignored) -> list[str]:
    """`materials`: [{"key", "name", "required"}]; `uploads`: material key → file names;
    `form_data`: field key → value; `profile`: the applicant's profile attributes (or None)."""
    uploads = uploads or {}
    if profile is None and applicant is not None and getattr(applicant, "is_authenticated", False):
        from yiwang.licences.selectors import profile_attributes_of_user

        profile = profile_attributes_of_user(applicant)
    warnings: list[str] = []
    for m in materials:
        files = list(uploads.get(str(m.get("key")), ()))
        if m.get("required") and not files:
            warnings.append(f"必要材料「{m.get('name')}」尚未上传。")
        for f in files:
            ext = _extension(f)
            if ext not in ACCEPTED_EXTENSIONS:
                warnings.append(f"材料「{m.get('name')}」的文件「{f}」类型不受支持，请上传 PDF、JPG、PNG 或 OFD 文件。")
    if profile:
        for key, value in (form_data or {}).items():
            field = _profile_field(str(key))
            if field:
                attr, label = field
                held = profile.get(attr)
                if value not in (None, "") and held not in (None, "") and str(held).strip() != str(value).strip():
                    warnings.append(f"表单中的{label}「{value}」与您档案中的「{held}」不一致，请核对。")
    return warnings
