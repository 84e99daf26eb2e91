"""Demo policies of Xi'an (marked is_demo; their public text reads as a real library would), a
policy officer, and the matching of the demo citizen (王秀英, 68, 雁塔区, retired) and the demo
enterprise (西安示例餐饮管理有限公司: H6210 正餐服务, small, 雁塔区, credit A, founded 2019, 28
people): each qualifies for some policies and not for others, with the reasons shown."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

DEMO_PASSWORD = "Demo-2026-xian"  # noqa: S105 — the documented demo password (README)
OFFICER = {"username": "policy_officer", "real_name": "曹文静"}
CITY = "6101"


def _p(code, title, category, kind, subject_kind, issuer, benefit, amount, rules, summary, basis, budget=None,
       until=dt.date(2027, 12, 31)):
    return {"code": code, "title": title, "category": category, "kind": kind, "subject_kind": subject_kind,
            "issuing_body_name": issuer, "benefit": benefit, "amount": amount, "rules": rules, "summary": summary,
            "legal_basis": basis, "budget": budget, "valid_from": dt.date(2026, 1, 1), "valid_until": until}


def _c(attr, op, value=None):
    node = {"attr": attr, "op": op}
    if value is not None:
        node["value"] = value
    return node


IN_XIAN = _c("residence_division", "prefix", [CITY])
ENT_IN_XIAN = _c("district", "prefix", [CITY])
SMALL = _c("enterprise_size", "in", ["small", "micro"])
GOOD_CREDIT = {"not": _c("credit_grade", "in", ["C", "D"])}

POLICIES = [
    # --- People -------------------------------------------------------------------------------
    _p("xa-senior-longevity-80", "高龄老人生活补贴（80 周岁以上）", "elderly", "automatic", "person", "市民政局",
       "80–89 周岁每人每月 100 元，90–99 周岁每月 200 元，100 周岁以上每月 500 元", 100,
       {"all": [_c("age", ">=", 80), IN_XIAN]},
       "对具有本市户籍、年满 80 周岁的老年人按月发放高龄生活补贴，由民政部门根据户籍和年龄信息主动发放，无需本人申请。",
       "《陕西省老年人权益保障条例》；西安市高龄老人生活补贴发放办法", 42000),
    _p("xa-senior-free-bus", "老年人免费乘坐公交地铁", "elderly", "automatic", "person", "市民政局",
       "凭老年人优待证或社保卡免费乘坐市内公交、地铁", None,
       {"all": [_c("age", ">=", 65), IN_XIAN]},
       "年满 65 周岁的本市常住老年人免费乘坐市内公共汽车和地铁；60–64 周岁老年人非高峰时段半价。"
       "平台核验年龄与居住地后为社保卡开通乘车权益，确认后即可使用。",
       "《西安市老年人优待办法》"),
    _p("xa-senior-home-care-70", "居家养老服务补贴（70 周岁以上独居、空巢）", "elderly", "application", "person", "市民政局",
       "每人每月 200 元服务券，用于助餐、助洁、助医等居家养老服务", 200,
       {"all": [_c("age", ">=", 70), IN_XIAN, _c("household_size", "<=", 2)]},
       "对年满 70 周岁、独居或仅与配偶共同生活的本市老年人，发放居家养老服务补贴，由街道（镇）综合为老服务中心提供服务。",
       "《西安市居家和社区养老服务改革实施方案》", 18000),
    _p("xa-yanta-elderly-meal", "雁塔区老年助餐补贴", "elderly", "application", "person", "雁塔区民政局",
       "在社区老年食堂就餐每餐补贴 3 元", 3,
       {"all": [_c("age", ">=", 60), _c("residence_division", "prefix", ["610113"])]},
       "雁塔区常住、年满 60 周岁的老年人在辖区社区老年食堂、助餐点就餐，每餐补贴 3 元，每人每日最多两餐。",
       "雁塔区老年助餐服务实施办法", 600),
    _p("xa-senior-home-adaptation", "老年人家庭适老化改造补贴", "elderly", "application", "person", "市民政局",
       "每户最高 3000 元，用于扶手、防滑、紧急呼叫等改造", 3000,
       {"all": [_c("age", ">=", 60), IN_XIAN, _c("household_kind", "==", "family"), _c("household_size", "<=", 3)]},
       "对本市年满 60 周岁老年人所在的家庭户实施适老化改造，优先安排高龄、独居、空巢和失能老年人家庭。",
       "民政部等九部门《关于加快实施老年人居家适老化改造工程的指导意见》", 5000),
    _p("xa-retiree-health-check", "退休人员免费健康体检", "elderly", "automatic", "person", "市人社局",
       "每年一次免费基础体检", None,
       {"all": [_c("employment_status", "==", "retired"), IN_XIAN]},
       "本市参保退休人员每年可在定点医疗机构免费进行一次基础健康体检，平台根据退休信息主动推送体检预约。",
       "西安市退休人员社会化管理服务办法"),
    _p("xa-disability-living", "困难残疾人生活补贴", "disability", "application", "person", "市残联",
       "每人每月 110 元", 110,
       {"all": [_c("disability_grade", "in", ["1", "2", "3", "4"]), IN_XIAN]},
       "持有第二代残疾人证的本市困难残疾人按月领取生活补贴（需核对家庭经济状况）。",
       "《国务院关于全面建立困难残疾人生活补贴和重度残疾人护理补贴制度的意见》", 9000),
    _p("xa-disability-nursing", "重度残疾人护理补贴", "disability", "automatic", "person", "市残联",
       "一级每人每月 110 元，二级每月 90 元", 110,
       {"all": [_c("disability_grade", "in", ["1", "2"]), IN_XIAN]},
       "对残疾等级为一级、二级的本市重度残疾人发放护理补贴，按残疾人证信息主动发放。",
       "《国务院关于全面建立困难残疾人生活补贴和重度残疾人护理补贴制度的意见》", 7000),
    _p("xa-flexible-social-insurance", "灵活就业人员社会保险补贴", "employment", "application", "person", "市人社局",
       "按实际缴纳社会保险费的 2/3 给予补贴，最长 3 年", None,
       {"all": [_c("employment_status", "in", ["flexible", "unemployed"]), _c("age", "between", [40, 60]), IN_XIAN]},
       "对登记失业后以灵活方式就业、年龄 40 至 60 周岁的就业困难人员，给予社会保险补贴。",
       "《就业补助资金管理办法》", 12000),
    _p("xa-startup-guarantee-loan", "创业担保贷款及贴息", "employment", "application", "person", "市人社局",
       "个人最高 30 万元，财政贴息", None,
       {"all": [_c("employment_status", "in", ["self_employed", "unemployed"]), _c("age", "between", [18, 60]),
                IN_XIAN]},
       "支持登记失业人员、自主创业人员申请创业担保贷款，按规定给予贴息。",
       "《关于进一步加大创业担保贷款贴息力度全力支持重点群体创业就业的通知》", 30000),
    _p("xa-graduate-talent-housing", "青年人才安居补贴（本科毕业生）", "talent", "application", "person", "市人社局",
       "每人一次性 1 万元安居补贴", 10000,
       {"all": [_c("age", "<=", 35), _c("employment_status", "==", "employed"), IN_XIAN]},
       "在本市就业、年龄 35 周岁以下的全日制本科毕业生，可申请一次性安居补贴。",
       "西安市人才安居办法", 50000),
    _p("xa-student-transport", "在校学生乘车优惠", "subsidy", "automatic", "person", "市交通运输局",
       "公交地铁半价", None,
       {"all": [_c("employment_status", "==", "student"), IN_XIAN]},
       "本市在校中小学生和大学生凭学生卡乘坐公交、地铁享受半价优惠。", "西安市公共交通票价管理办法"),
    # --- Enterprises --------------------------------------------------------------------------
    _p("xa-catering-relief", "餐饮企业稳岗纾困补贴", "subsidy", "automatic", "enterprise", "市商务局",
       "小微餐饮企业一次性补贴 1 万元", 10000,
       {"all": [_c("industry_code", "prefix", ["H62"]), SMALL, ENT_IN_XIAN, GOOD_CREDIT]},
       "对在本市登记、正常经营的小型和微型餐饮企业给予一次性稳岗纾困补贴，依据营业执照和企业划型信息主动兑现。",
       "西安市促进消费提质扩容若干措施", 8000),
    _p("xa-sme-loan-interest", "中小微企业贷款贴息", "finance", "application", "enterprise", "市工信局",
       "按贷款市场报价利率的 50% 贴息，单户最高 50 万元", None,
       {"all": [_c("enterprise_size", "in", ["medium", "small", "micro"]), _c("credit_grade", "in", ["A", "B"]),
                ENT_IN_XIAN]},
       "对信用良好的本市中小微企业当年新增流动资金贷款给予贴息支持。",
       "《中华人民共和国中小企业促进法》；西安市中小企业发展专项资金管理办法", 20000),
    _p("xa-rd-post-subsidy", "企业研发费用后补助", "subsidy", "application", "enterprise", "市科技局",
       "按上年度研发投入增量的 10% 给予补助，最高 100 万元", None,
       {"all": [_c("industry_code", "prefix", ["I65", "M73", "C39"]), ENT_IN_XIAN, GOOD_CREDIT]},
       "对软件和信息技术服务、研究和试验发展、电子设备制造等领域研发投入增长的企业给予后补助。",
       "西安市科技计划项目和资金管理办法", 60000),
    _p("xa-startup-rent", "初创企业场地租金补贴", "subsidy", "application", "enterprise", "市人社局",
       "成立 3 年内每年最高 1 万元，最长 3 年", 10000,
       {"all": [_c("years_since_founding", "<=", 3), SMALL, ENT_IN_XIAN]},
       "对成立 3 年内、在本市租赁经营场地的小微初创企业给予场地租金补贴。", "西安市创业扶持办法", 6000),
    _p("xa-job-stabilisation-refund", "失业保险稳岗返还", "employment", "automatic", "enterprise", "市人社局",
       "中小微企业按上年度实际缴纳失业保险费的 60% 返还", None,
       {"all": [_c("employees", ">=", 1), _c("enterprise_size", "in", ["medium", "small", "micro"]), GOOD_CREDIT,
                ENT_IN_XIAN]},
       "对不裁员或少裁员的参保企业返还部分失业保险费，由人社部门依据参保和缴费数据主动返还，企业确认后到账。",
       "人力资源社会保障部等《关于继续实施失业保险稳岗返还政策的通知》", 40000),
    _p("xa-hiring-subsidy", "小微企业吸纳就业补贴", "employment", "application", "enterprise", "市人社局",
       "每吸纳 1 人补贴 1000 元", 1000,
       {"all": [_c("employees", ">=", 30), SMALL, ENT_IN_XIAN]},
       "对从业人数 30 人以上、当年新招用高校毕业生等重点群体的小微企业给予一次性吸纳就业补贴。",
       "《就业补助资金管理办法》", 5000),
    _p("xa-small-profit-tax", "小型微利企业所得税优惠", "tax", "automatic", "enterprise", "市税务局",
       "应纳税所得额减按 25% 计算，按 20% 的税率缴纳企业所得税", None,
       {"all": [SMALL, _c("employees", "<=", 300)]},
       "从业人数不超过 300 人、资产总额不超过 5000 万元、年应纳税所得额不超过 300 万元的小型微利企业，申报时自动享受。",
       "《财政部 税务总局关于进一步支持小微企业和个体工商户发展有关税费政策的公告》"),
    _p("xa-manufacturing-upgrade", "制造业技术改造奖补", "subsidy", "application", "enterprise", "市工信局",
       "按设备投资额的 8% 给予奖补，最高 500 万元", None,
       {"all": [_c("industry_code", "prefix", ["C"]), _c("years_since_founding", ">=", 2), ENT_IN_XIAN]},
       "支持本市制造业企业开展智能化、绿色化技术改造。", "西安市工业稳增长促投资若干措施", 100000),
    _p("xa-yanta-service-award", "雁塔区现代服务业发展奖励", "subsidy", "application", "enterprise", "雁塔区人民政府",
       "年度营业收入首次突破 500 万元的奖励 5 万元", 50000,
       {"all": [_c("district", "==", "610113"), _c("industry_code", "prefix", ["H", "I", "L", "M"]),
                _c("years_since_founding", ">=", 3), GOOD_CREDIT]},
       "鼓励在雁塔区登记、经营 3 年以上的住宿餐饮、信息服务、商务服务和科技服务企业做大做强。",
       "雁塔区促进现代服务业高质量发展若干措施", 3000),
    _p("xa-specialised-sme", "专精特新中小企业奖励", "subsidy", "application", "enterprise", "市工信局",
       "首次认定的一次性奖励 20 万元", 200000,
       {"all": [_c("industry_code", "prefix", ["C", "I"]), _c("employees", ">=", 50), _c("credit_grade", "==", "A"),
                _c("years_since_founding", ">=", 2)]},
       "对首次认定为省级专精特新的中小企业给予一次性奖励。", "《优质中小企业梯度培育管理暂行办法》", 10000),
    _p("xa-culture-tourism-consumption", "文旅企业消费券补贴", "subsidy", "application", "enterprise", "市文化和旅游局",
       "按核销消费券金额的 10% 给予补贴", None,
       {"any": [_c("industry_code", "prefix", ["R"]), _c("industry_code", "prefix", ["H61"])]},
       "支持文化、体育和娱乐业及住宿业企业参与文旅消费券活动。", "西安市促进文化和旅游消费若干措施", 4000),
]


# The item that pays or grants each demo policy: (guide name, agency short name) of a published
# implementation (the catalog seed's demo items `items_policy_funds`, or an allowance item it had).
# Policies not listed are only told (the tax relief applies at declaration; the others name no
# item of the demo catalog).
SENIOR = ("老年人福利补贴发放", "市民政局")
HRSS_PERSON = ("就业创业补贴及退休人员服务待遇兑现", "市人社局")
HRSS_ENTERPRISE = ("稳岗返还及就业补贴兑付", "市人社局")
MIIT = ("中小企业发展专项资金兑付", "市工信局")
ITEM_OF = {
    "xa-senior-longevity-80": SENIOR, "xa-senior-free-bus": SENIOR, "xa-senior-home-care-70": SENIOR,
    "xa-senior-home-adaptation": SENIOR, "xa-yanta-elderly-meal": ("老年助餐补贴申领", "雁塔区民政局"),
    "xa-retiree-health-check": HRSS_PERSON, "xa-flexible-social-insurance": HRSS_PERSON,
    "xa-startup-guarantee-loan": HRSS_PERSON, "xa-graduate-talent-housing": HRSS_PERSON,
    "xa-disability-living": ("困难残疾人生活补贴", "市民政局"), "xa-disability-nursing": ("重度残疾人护理补贴", "市民政局"),
    "xa-catering-relief": ("餐饮企业稳岗纾困补贴兑付", "市商务局"),
    "xa-job-stabilisation-refund": HRSS_ENTERPRISE, "xa-startup-rent": HRSS_ENTERPRISE,
    "xa-hiring-subsidy": HRSS_ENTERPRISE,
    "xa-sme-loan-interest": MIIT, "xa-manufacturing-upgrade": MIIT, "xa-specialised-sme": MIIT,
}


def _implementations() -> dict:
    """Policy code -> the published implementation that handles it (missing items are skipped)."""
    from yiwang.catalog.selectors import published_implementations_named

    found = published_implementations_named(set(ITEM_OF.values()))
    return {code: found[pair][0] for code, pair in ITEM_OF.items() if found.get(pair)}


def _say(stdout, text: str) -> None:
    if stdout is not None:
        stdout.write(text)


def _officer():
    from yiwang.accounts import services as account_services
    from yiwang.accounts.selectors import user_by_identifier
    from yiwang.orgs import services as org_services
    from yiwang.orgs.constants import Role
    from yiwang.orgs.selectors import organisation_by_short_name

    user = user_by_identifier(OFFICER["username"])
    if user is None:
        user = account_services.staff_account_create(actor=None, password=DEMO_PASSWORD, **OFFICER)
    city = organisation_by_short_name("西安市人民政府")
    if city is not None:
        org_services.role_grant(actor=None, user=user, organisation=city, role=Role.POLICY_OFFICER)
    return user


def load(*, stdout=None) -> None:
    from yiwang.orgs.selectors import organisation_by_short_name
    from yiwang.policies import services
    from yiwang.policies.constants import PolicyStatus
    from yiwang.policies.selectors import staff_policies

    with transaction.atomic():
        officer = _officer()
        existing = {p.code: p for p in staff_policies()}
        items = _implementations()
        created = published = linked = 0
        for spec in POLICIES:
            policy = existing.get(spec["code"])
            item = items.get(spec["code"])
            if policy is not None and item is not None and policy.implementation_id is None:
                services.policy_update(actor=officer, policy=policy, data={"implementation": item})
                linked += 1
            if policy is None:
                data = dict(spec)
                if item is not None:
                    data["implementation"] = item
                body = organisation_by_short_name(spec["issuing_body_name"])
                if body is not None:
                    data["issuing_body"] = body
                    data["issuing_body_name"] = ""
                elif spec["issuing_body_name"].startswith("市"):
                    data["issuing_body_name"] = "西安" + spec["issuing_body_name"]
                policy = services.policy_create(actor=officer, data=data, is_demo=True)
                created += 1
            if policy.status == PolicyStatus.DRAFT:
                services.policy_publish(actor=officer, policy=policy)
                published += 1
    # Offers made before their policy named an item (an earlier demo database) get their case now.
    swept = services.entitlements_sweep()
    _say(stdout, f"  policies: {created} new, {published} published (matched and pushed), {linked} linked to their item, "
                 f"{swept['filed']} 免申即享 cases filed for earlier offers; {OFFICER['username']} / {DEMO_PASSWORD}\n")
