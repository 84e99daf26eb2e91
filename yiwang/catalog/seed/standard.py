"""The shared vocabulary of the seed catalog: e-licence type codes, standard materials, labels.

Item specs are written the way a guide reads (Chinese labels: "原件", "电子证照库调取", "工作日");
`catalog.py` maps the labels to the stored codes with the maps below, so a typo fails at load time
instead of storing a wrong code.

Licence type codes are stable platform codes ("LIC-…"), not GB/T 36902 codes (the national type
codes are 21 characters built from the defining ministry's USCC, which we do not have). A material
whose source is 政府部门核发 / 电子证照库调取 names the licence type that can satisfy it, and an
item whose result is a licence names the type it issues; the e-licence app maps them to real type
codes when it learns them. The list is in docs/seed-data.md.
"""

from __future__ import annotations

from yiwang.catalog.constants import (
    ItemType,
    LimitUnit,
    MaterialMedium,
    MaterialNecessity,
    MaterialSource,
    MaterialType,
    ResultType,
    ServiceObject,
)

LICENCE_TYPES: dict[str, str] = {
    "LIC-RESIDENT-ID": "居民身份证",
    "LIC-HUKOU": "居民户口簿",
    "LIC-HUKOU-CERTIFICATE": "户籍证明",
    "LIC-RESIDENCE-PERMIT": "居住证",
    "LIC-BIRTH-CERT": "出生医学证明",
    "LIC-MARRIAGE-CERT": "结婚证",
    "LIC-PROPERTY": "不动产权证书",
    "LIC-BUSINESS-LICENCE": "营业执照",
    "LIC-SOCIAL-SECURITY-CARD": "社会保障卡",
    "LIC-SOCIAL-INSURANCE-PROOF": "社会保险参保缴费证明",
    "LIC-DRIVING-LICENCE": "机动车驾驶证",
    "LIC-VEHICLE-LICENCE": "机动车行驶证",
    "LIC-VEHICLE-REGISTRATION": "机动车登记证书",
    "LIC-ROAD-TRANSPORT-BUSINESS": "道路运输经营许可证",
    "LIC-ROAD-TRANSPORT-CERT": "道路运输证",
    "LIC-DISABILITY-CERT": "中华人民共和国残疾人证",
    "LIC-FOOD-BUSINESS": "食品经营许可证",
    "LIC-SMALL-CATERING": "小餐饮经营许可证",
    "LIC-DRUG-BUSINESS": "药品经营许可证",
    "LIC-MEDICAL-DEVICE-BUSINESS": "医疗器械经营许可证",
    "LIC-HR-SERVICE": "人力资源服务许可证",
    "LIC-LABOUR-DISPATCH": "劳务派遣经营许可证",
    "LIC-HAZCHEM-BUSINESS": "危险化学品经营许可证",
    "LIC-RIDEHAIL-DRIVER": "网络预约出租汽车驾驶员证",
    "LIC-HK-MACAO-PERMIT": "往来港澳通行证",
    "LIC-OVERSIZE-PERMIT": "超限运输车辆通行证",
    "LIC-VACCINATION-CERT": "预防接种证",
    "LIC-SENIOR-CARD": "老年人优待证",
    "LIC-DEGREE-CERT": "学历学位证书",
    "LIC-FOREIGN-DEGREE-CERT": "国（境）外学历学位认证书",
    "LIC-TAX-CLEARANCE": "清税证明",
    "LIC-DEATH-CERT": "居民死亡医学证明（推断）书",
    "LIC-LOW-INCOME-CERT": "最低生活保障证",
    "LIC-DISCHARGE-CERT": "退出现役证",
}

ITEM_TYPES = {
    "行政许可": ItemType.LICENSING,
    "行政给付": ItemType.BENEFIT,
    "行政确认": ItemType.CONFIRMATION,
    "行政奖励": ItemType.REWARD,
    "其他行政权力": ItemType.OTHER_POWER,
    "行政备案": ItemType.FILING,
    "公共服务": ItemType.PUBLIC_SERVICE,
}
SERVICE_OBJECTS = {label: code for code, label in ServiceObject.choices}
LIMIT_UNITS = {"工作日": LimitUnit.WORKING_DAY, "自然日": LimitUnit.NATURAL_DAY, "即办": LimitUnit.IMMEDIATE}
MATERIAL_TYPES = {label: code for code, label in MaterialType.choices}
MEDIA = {label: code for code, label in MaterialMedium.choices}
NECESSITIES = {label: code for code, label in MaterialNecessity.choices}
SOURCES = {label: code for code, label in MaterialSource.choices}
RESULT_TYPES = {label: code for code, label in ResultType.choices}


def M(name: str, issuer: str = "申请人", kind: str = "原件", medium: str = "纸质和电子", copies: int = 1,
      copy_copies: int = 0, need: str = "必要", source: str = "申请人自备", lic: str = "", notes: str = "",
      standard: str = "", basis: str = "") -> dict:
    """One material as a guide lists it; labels are checked against the code sets here."""
    assert kind in MATERIAL_TYPES, kind
    assert medium in MEDIA, medium
    assert need in NECESSITIES, need
    assert source in SOURCES, source
    assert not lic or lic in LICENCE_TYPES, lic
    if kind in ("复印件",):
        copies, copy_copies = 0, copy_copies or 1
    elif kind == "原件和复印件":
        copy_copies = copy_copies or 1
    return {
        "name": name, "issuing_body": issuer, "material_type": MATERIAL_TYPES[kind], "medium": MEDIA[medium],
        "original_copies": copies, "copy_copies": copy_copies, "necessity": NECESSITIES[need],
        "source_channel": SOURCES[source], "licence_type_code": lic, "filling_notes": notes,
        "acceptance_standard": standard, "legal_basis": basis,
    }


_LIBRARY_NOTE = "可由平台从电子证照库调取，调取成功的无需提交；现场办理请出示原件。"


def licence_material(name: str, issuer: str, lic: str, *, need: str = "必要", notes: str = _LIBRARY_NOTE) -> dict:
    """A document the government issues and the e-licence library holds (免提交 when found)."""
    return M(name, issuer=issuer, kind="原件", medium="纸质和电子", need=need, source="电子证照库调取",
             lic=lic, notes=notes, standard="证件真实、有效，在有效期内，信息与申请人一致。")


# Standard materials referenced from item specs as "@key" (or "@key:持有人" to name the holder, as in
# "@id_card:法定代表人" -> 法定代表人居民身份证).
STANDARD_MATERIALS: dict[str, dict] = {
    "id_card": licence_material("居民身份证", "公安机关", "LIC-RESIDENT-ID"),
    "hukou": licence_material("居民户口簿", "公安机关", "LIC-HUKOU"),
    "residence_permit": licence_material("居住证", "公安机关", "LIC-RESIDENCE-PERMIT"),
    "birth_cert": licence_material("出生医学证明", "助产机构（卫生健康部门监制）", "LIC-BIRTH-CERT"),
    "marriage_cert": licence_material("结婚证", "婚姻登记机关", "LIC-MARRIAGE-CERT"),
    "property": licence_material("不动产权证书", "不动产登记机构", "LIC-PROPERTY"),
    "business_licence": licence_material("营业执照", "市场监督管理部门", "LIC-BUSINESS-LICENCE"),
    "ss_card": licence_material("社会保障卡", "人力资源和社会保障部门", "LIC-SOCIAL-SECURITY-CARD"),
    "driving_licence": licence_material("机动车驾驶证", "公安机关交通管理部门", "LIC-DRIVING-LICENCE"),
    "vehicle_licence": licence_material("机动车行驶证", "公安机关交通管理部门", "LIC-VEHICLE-LICENCE"),
    "road_transport_licence": licence_material("道路运输经营许可证", "交通运输主管部门", "LIC-ROAD-TRANSPORT-BUSINESS"),
    "disability_cert": licence_material("中华人民共和国残疾人证", "残疾人联合会", "LIC-DISABILITY-CERT"),
    "degree_cert": licence_material("学历学位证书", "高等学校（学信网可查）", "LIC-DEGREE-CERT"),
    "authorisation": M("授权委托书及受托人居民身份证", need="非必要",
                       notes="委托他人代为办理时提供；委托书须载明委托事项、权限和期限，由委托人签字（单位加盖公章）。"),
    "agent_id": licence_material("经办人居民身份证", "公安机关", "LIC-RESIDENT-ID"),
    "photo": M("近期二寸免冠白底彩色照片", kind="原件", medium="纸质和电子", copies=2,
               notes="可现场拍照或上传电子照片（JPG，小于 100KB）。"),
    "commitment": M("告知承诺书", issuer="申请人", medium="纸质和电子", source="在线填报",
                    notes="选择告知承诺方式办理的，在线签署；承诺内容不实的，依法撤销许可决定并记入信用记录。"),
}


def expand_material(entry: str | dict) -> dict:
    """A material spec: "@key", "@key:holder" or a dict from M()."""
    if isinstance(entry, dict):
        return dict(entry)
    assert entry.startswith("@"), entry
    key, _, holder = entry[1:].partition(":")
    material = dict(STANDARD_MATERIALS[key])
    if holder:
        material["name"] = f"{holder}{material['name']}"
    return material


# Theme names as guides.json spells them (the person theme of social security has full-width brackets).
P_SOCIAL = "社会保障（社会保险、社会救助）"

# Legal bases several items cite.
LICENSING_LAW = ("中华人民共和国行政许可法", "第二十九条至第四十二条（申请、受理、审查与决定）")
REGISTRATION_REGULATION = ("中华人民共和国市场主体登记管理条例", "第十九条（当场登记；3个工作日内登记，情形复杂的可延长3个工作日）")
SOCIAL_INSURANCE_LAW = "中华人民共和国社会保险法"
HPF_REGULATION = "住房公积金管理条例（国务院令第350号，2019年修订）"
TAX_LAW = "中华人民共和国税收征收管理法"
SEAL_BASIS = [
    ("国务院关于第三批取消中央指定地方实施行政许可事项的决定（国发〔2017〕7号）", "取消公章刻制审批，改为备案"),
    ("陕西省公安厅关于公章刻制业治安管理的通知（陕公治〔2017〕72号）", ""),
    ("西安市公安局关于印章刻制备案管理的通知（西公发〔2017〕148号）", ""),
]
BANK_ACCOUNT_BASIS = [("人民币银行结算账户管理办法（中国人民银行令〔2003〕第5号）", "第四章 银行结算账户的变更与撤销"),
                      ("企业银行结算账户管理办法（银发〔2019〕41号）", "")]

# Extension of the decision period, as 市场主体登记管理条例 §19 allows.
EXTENSION_3 = {"kind": "1", "name": "延长审批", "max_days": 3,
               "note": "情形复杂的，经登记机关负责人批准，可以再延长3个工作日，并告知申请人。"}

# Materials used by several enterprise items (the Yan'an lists name them this way).
LICENCE_COPY = M("营业执照副本原件及复印件", issuer="市场监督管理部门", kind="原件和复印件", source="电子证照库调取",
                 lic="LIC-BUSINESS-LICENCE", notes="已领取电子营业执照的，出示电子营业执照即可，无需复印。",
                 standard="营业执照在有效期内，信息与申请单位一致。")
REP_AND_AGENT_IDS = M("法定代表人及经办人身份证原件及复印件", issuer="公安机关", kind="原件和复印件", source="电子证照库调取",
                      lic="LIC-RESIDENT-ID", notes="法定代表人本人办理的，只需提供本人身份证；可由电子证照库调取。",
                      standard="身份证在有效期内，与申请书记载一致。")
CHECK_CONSENT = M("信息核查（核验）授权书", issuer="被核查的单位或个人", kind="原件", medium="电子", source="在线填报",
                  notes="在线签署，授权有关部门查询、共享本单位（本人）的相关信息，仅用于本次办理。",
                  standard="授权书由被核查主体签署（单位加盖电子印章），写明用途和期限。")
