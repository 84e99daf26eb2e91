"""The life-cycle trees (莲湖区 经验, seed 004): stage → theme → event → items.

Stages are those of 国办发〔2025〕24号 (guides.json person_stages/enterprise_stages, first scheme);
themes are the national theme taxonomies of guides.json, with their codes, placed under the stages
where people look for them. Every bundle is an event; seed 003's older stage words are mapped onto
the 2025 stages (入学→教育, 退休→养老, 安居→置业), two bundles are placed by content rather than by
the seed's 生活 (就医费用报销→就医, 残疾人服务→救助), the themed scenes by content. Events of our own
cover items outside any bundle, so every seeded implementation is reachable from an event.
"""

from __future__ import annotations

from functools import cache

from yiwang.catalog.seed.catalog import bundles, load_json, theme_codes
from yiwang.catalog.seed.standard import P_SOCIAL

PERSON, ENTERPRISE = "person", "enterprise"

# (batch, no) -> (subject, stage, theme) for every bundle of xian_bundles.json.
BUNDLE_PLACES: dict[tuple[str, int], tuple[str, str, str]] = {
    ("2024-1", 1): (ENTERPRISE, "准入准营", "设立变更"),
    ("2024-1", 2): (ENTERPRISE, "准入准营", "交通运输"),
    ("2024-1", 3): (ENTERPRISE, "准入准营", "准营准办"),
    ("2024-1", 4): (ENTERPRISE, "经营发展", "公用事业"),
    ("2024-1", 5): (ENTERPRISE, "经营发展", "其他"),
    ("2024-1", 6): (ENTERPRISE, "经营发展", "融资信贷"),
    ("2024-1", 7): (ENTERPRISE, "注销退出", "法人注销"),
    ("2024-1", 8): (ENTERPRISE, "注销退出", "法人注销"),
    ("2024-1", 9): (PERSON, "出生", "生育收养"),
    ("2024-1", 10): (PERSON, "教育", "教育科研"),
    ("2024-1", 11): (PERSON, "生活", P_SOCIAL),
    ("2024-1", 12): (PERSON, "救助", P_SOCIAL),
    ("2024-1", 13): (PERSON, "养老", "离职退休"),
    ("2024-2", 1): (ENTERPRISE, "经营发展", "设立变更"),
    ("2024-2", 2): (ENTERPRISE, "经营发展", "年检年审"),
    ("2024-2", 3): (ENTERPRISE, "经营发展", "交通运输"),
    ("2024-2", 4): (PERSON, "就医", "医疗卫生"),
    ("2024-2", 5): (PERSON, "置业", "住房保障"),
    ("2024-2", 6): (PERSON, "置业", "住房保障"),
    ("2024-2", 7): (PERSON, "就业", "入伍服役"),
    ("2024-2", 8): (PERSON, "教育", "教育科研"),
    ("2024-scene", 1): (PERSON, "就业", "就业创业"),
    ("2024-scene", 2): (ENTERPRISE, "经营发展", "商务贸易"),
    ("2024-scene", 3): (PERSON, "出行", "出境入境"),
    ("2024-scene", 4): (PERSON, "出行", "交通出行"),
    ("2024-scene", 5): (ENTERPRISE, "准入准营", "人力资源"),
    ("2024-scene", 6): (ENTERPRISE, "经营发展", "交通运输"),
    ("2024-scene", 7): (ENTERPRISE, "准入准营", "交通运输"),
    ("2024-scene", 8): (PERSON, "就业", "职业资格"),
    ("2024-scene", 9): (ENTERPRISE, "准入准营", "安全生产"),
    ("2024-scene", 10): (ENTERPRISE, "准入准营", "医疗卫生"),
    ("yanta-2021", 1): (PERSON, "就业", "就业创业"),
    ("yanta-2021", 2): (PERSON, "养老", P_SOCIAL),
    ("yanta-2021", 3): (PERSON, "救助", "司法公证"),
    ("yanta-2021", 4): (PERSON, "就业", "准营准办"),
}

# Items that belong with a bundle's event though the seed does not list them as members.
BUNDLE_EXTRAS: dict[tuple[str, int], list[str]] = {
    ("2024-1", 8): ["ent_simple_deregistration"],
    ("2024-1", 12): ["disability_cert_renew", "disability_cert_transfer", "disability_cert_reissue", "disability_cert_cancel",
                     "disability_cert_change"],
    ("2024-2", 6): ["public_rental_housing"],
    ("2024-scene", 4): ["vehicle_registration"],
}

# Events of our own: (subject, stage, theme, name, description, item keys).
OWN_EVENTS: list[tuple[str, str, str, str, str, list[str]]] = [
    (ENTERPRISE, "准入准营", "设立变更", "企业开办",
        "企业开办的四个环节各 0.5 个工作日：营业执照、税务信息确认、公章刻制、银行开户；"
     "同步办理社保和公积金登记。",
     ["company_establishment", "tax_info_confirmation", "seal_engraving", "bank_account_opening", "ss_unit_registration", "hpf_unit_open"]),
    (ENTERPRISE, "招聘用工", "人力资源", "招用员工参保", "招用员工后办理社会保险、住房公积金缴存登记和信息变更。",
     ["ss_unit_registration", "hpf_unit_open", "ss_unit_change", "hpf_unit_change"]),
    (ENTERPRISE, "招聘用工", "社会保障", "员工退休和离职", "员工离职、退休时单位需配合办理的事项。",
     ["hpf_account_seal", "pension_eligibility", "ss_payment_record"]),
    (ENTERPRISE, "纳税缴费", "税收财务", "按期申报纳税缴费", "年度财务报表、社保缴费基数申报，发票和税控设备。",
     ["financial_statement_filing", "ss_info_report", "tax_device_change", "tax_info_confirmation", "vehicle_vessel_tax"]),
    (ENTERPRISE, "纳税缴费", "商务贸易", "出口退税", "出口货物报关离境后申报退（免）税。", ["export_tax_refund", "vehicle_export_declaration"]),
    (ENTERPRISE, "工程建设", "国土和规划建设", "工程建设项目外线接入", "建设项目水、电、气、网外线接入的联合审批和报装。",
     ["utility_joint_approval", "power_connection", "water_connection", "gas_connection", "telecom_connection"]),
    (ENTERPRISE, "注销退出", "法人注销", "企业简易注销", "企业简易注销：一个环节，0.5 个工作日，不收费。",
     ["ent_simple_deregistration", "tax_deregistration", "seal_cancellation", "bank_account_closure", "ss_unit_cancel"]),
    (PERSON, "生活", "证件办理", "办理身份证件", "居民身份证、居住证、户籍证明和社会保障卡。",
     ["id_card_apply", "residence_permit", "hukou_certificate", "ss_card_apply"]),
    (PERSON, "就医", "医疗卫生", "参加基本医疗保险", "城乡居民医保参保、参保信息变更和跨地区转移接续。",
     ["resident_medical_insurance", "medical_insurance_registration", "medical_insurance_transfer"]),
    (PERSON, "养老", "离职退休", "领取城乡居民养老金", "年满60周岁的城乡居民申领基本养老保险待遇。", ["resident_pension_claim", "pension_award"]),
    # The demo items that pay the demo policies (items_policy_funds): 免申即享 and 依申请 benefits.
    (PERSON, "养老", P_SOCIAL, "享受老年人福利补贴", "高龄补贴、居家养老服务补贴、老年助餐补贴、乘车优待等：符合条件的由平台主动推送，确认即可领取。",
     ["policy_senior_benefits", "policy_yanta_meal_subsidy"]),
    (PERSON, "就业", "就业创业", "领取就业创业补贴", "灵活就业社会保险补贴、创业担保贷款贴息、青年人才安居补贴，以及退休人员健康体检等待遇。",
     ["policy_hrss_person_funds"]),
    (ENTERPRISE, "经营发展", "社会保障", "享受惠企资金",
     "稳岗返还、就业补贴、餐饮企业纾困补贴、中小企业发展专项资金：符合条件的由平台主动推送，确认即可兑付。",
     ["policy_hrss_enterprise_funds", "policy_commerce_relief", "policy_miit_sme_funds"]),
    (PERSON, "身后", "死亡殡葬", "办理身后事", "亲属去世后：死亡医学证明、遗体火化、户口注销、丧葬补助金和抚恤金申领，残疾人证注销。",
     ["death_medical_cert", "cremation_service", "death_hukou_cancel", "funeral_subsidy", "disability_cert_cancel"]),
]


def stages() -> dict[str, list[str]]:
    """The 2025 stage lists of guides.json, in order."""
    data = load_json("guides.json")
    return {PERSON: [s["name"] for s in sorted(data["person_stages"][0]["stages"], key=lambda s: s["order"])],
            ENTERPRISE: [s["name"] for s in sorted(data["enterprise_stages"][0]["stages"], key=lambda s: s["order"])]}


def _bundle_description(bundle: dict) -> str:
    if bundle["source"] == "002":
        return f"雁塔区向街道延伸的“一件事一次办”主题服务。牵头：{'、'.join(bundle['lead_agencies'])}。"
    batch = {"2024-1": "重点事项清单（第一批）", "2024-2": "重点事项清单（第二批）", "2024-scene": "主题服务场景"}[bundle["batch"]]
    return f"西安市“高效办成一件事”2024年度{batch}第{bundle['no']}项。牵头：{'、'.join(bundle['lead_agencies'])}。"


def event_name(bundle: dict) -> str:
    name = bundle["name"]
    return name if bundle["batch"] in ("2024-scene", "yanta-2021") or name.endswith("一件事") else f"{name}一件事"


@cache
def events() -> list[dict]:
    """Every event with its place in the tree and its item keys (bundle events first, in seed order)."""
    result = []
    for bundle in bundles():
        key = (bundle["batch"], bundle["no"])
        subject, stage, theme = BUNDLE_PLACES[key]
        items = [m["item_key"] for m in bundle["members"]] + BUNDLE_EXTRAS.get(key, [])
        result.append({"subject": subject, "stage": stage, "theme": theme, "name": event_name(bundle),
                       "description": _bundle_description(bundle), "items": list(dict.fromkeys(items))})
    for subject, stage, theme, name, description, items in OWN_EVENTS:
        result.append({"subject": subject, "stage": stage, "theme": theme, "name": name, "description": description, "items": items})
    codes = theme_codes()
    for event in result:
        if event["stage"] not in stages()[event["subject"]]:
            raise ValueError(f"事件「{event['name']}」的阶段「{event['stage']}」不在国办发〔2025〕24号的阶段列表中")
        if event["theme"] not in codes[event["subject"]]:
            raise ValueError(f"事件「{event['name']}」的主题「{event['theme']}」不在 guides.json 的主题列表中")
    return result


def themes() -> list[tuple[str, str, str, str]]:
    """(subject, stage, theme name, theme code) for every theme that holds an event, in tree order."""
    codes = theme_codes()
    seen: dict[tuple[str, str, str], str] = {}
    for event in events():
        seen.setdefault((event["subject"], event["stage"], event["theme"]), codes[event["subject"]][event["theme"]])
    order = {subject: {name: i for i, name in enumerate(names)} for subject, names in stages().items()}
    return sorted(((s, st, name, code) for (s, st, name), code in seen.items()), key=lambda t: (t[0], order[t[0]][t[1]], t[3]))
