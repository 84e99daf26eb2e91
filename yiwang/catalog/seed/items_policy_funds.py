"""Items that pay or grant the demo policies of the policy library (yiwang/policies/demo.py):
政策兑现 items of the agencies that handle them. All are demo data — the Xi'an seed names no such
items — so each is marked demo. The form asks only what the platform knows from the applicant's
account and profile, so a 免申即享 case can be filed prefilled without the subject typing anything;
no material is required (the agencies read the facts from shared data). Accepted at the agency's
hall, reviewed and decided by the agency (the default process: 受理 → 审查 → 决定 → 送达). No aliases:
they would compete in guided search with the catalog's own allowance items people look for.
"""

from yiwang.catalog.seed.standard import P_SOCIAL

PERSON = ["自然人"]
UNITS = ["企业法人", "其他组织"]
BASIS = ("国务院办公厅关于印发全国一体化政务服务平台“免申即享”有关工作的指导意见", "惠企利民政策直达快享")
PERSON_FORM = [("applicant.name", "申请人姓名", True, ""), ("applicant.id_number", "申请人居民身份证号码", True, ""),
               ("applicant.phone", "申请人手机号码", False, "用于接收办理进度短信"),
               ("bank.name", "开户银行", False, "不填写的，发放至本人社会保障卡金融账户")]
UNIT_FORM = [("enterprise.name", "单位名称", True, ""), ("enterprise.uscc", "统一社会信用代码", True, ""),
             ("enterprise.legal_rep_name", "法定代表人（负责人）", False, ""),
             ("bank.name", "开户银行", False, "不填写的，拨付至企业基本存款账户")]


def _funds(key: str, name: str, agency: str, *, person: bool, conditions: list[str], result: str,
           promised: int = 10, aliases=()) -> dict:
    spec = {
        "key": key, "name": name, "aliases": list(aliases), "agency": agency, "type": "行政给付", "demo": True,
        "basis": [BASIS], "objects": PERSON if person else UNITS, "promised": (promised, "工作日", "确认领取之日起计算"),
        "conditions": conditions, "no_materials": True, "form": PERSON_FORM if person else UNIT_FORM,
        "result": (result, "其他", ""),
    }
    spec["pthemes" if person else "ethemes"] = [P_SOCIAL] if person else ["社会保障"]
    return spec


ITEMS = [
    _funds("policy_senior_benefits", "老年人福利补贴发放", "市民政局", person=True,
           conditions=["本市常住、符合老年人福利补贴（高龄补贴、居家养老服务补贴、适老化改造补贴、乘车优待等）政策条件的老年人"],
           result="老年人福利补贴发放决定"),
    _funds("policy_yanta_meal_subsidy", "老年助餐补贴申领", "雁塔区民政局", person=True, promised=5,
           conditions=["雁塔区常住、年满60周岁的老年人"], result="老年助餐补贴核定结果"),
    _funds("policy_hrss_person_funds", "就业创业补贴及退休人员服务待遇兑现", "市人社局", person=True,
           conditions=["符合本市就业创业补贴、人才安居补贴或退休人员服务待遇政策条件的个人"],
           result="补贴（待遇）核定结果"),
    _funds("policy_hrss_enterprise_funds", "稳岗返还及就业补贴兑付", "市人社局", person=False,
           conditions=["在本市参加失业保险、符合稳岗返还或就业补贴政策条件的企业"], result="补贴（返还）核定结果"),
    _funds("policy_commerce_relief", "餐饮企业稳岗纾困补贴兑付", "市商务局", person=False,
           conditions=["在本市登记、正常经营的小型和微型餐饮企业"], result="纾困补贴核定结果"),
    _funds("policy_miit_sme_funds", "中小企业发展专项资金兑付", "市工信局", person=False, promised=15,
           conditions=["符合本市中小企业发展专项资金（贷款贴息、技术改造奖补、专精特新奖励等）支持条件的企业"],
           result="专项资金核定结果"),
]
