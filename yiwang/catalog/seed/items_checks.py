"""Information checks (信息核查/核验): the members of seed 003's bundles that are one agency looking up
its own records for another (企业上市合法合规信息核查, 企业破产信息核查, the verifications of 开办运输企业,
住房公积金贷款购房 and 申请公租房). They are items too, with a guide: the applicant authorises the
check online, the agency answers from its data — zero visits, on the spot or within 1–3 working days.

Types: a verification of data (核验) is a public service (20); a statement that an enterprise has
no record of violations (无违法违规信息核查) is an attestation by the supervising agency, "other
administrative power" (10). All are demo data: the seed names the items, not their guides.
"""

from yiwang.catalog.seed.standard import CHECK_CONSENT, M

BUNDLE_BASIS = ("国务院关于进一步优化政务服务提升行政效能推动“高效办成一件事”的指导意见（国发〔2024〕3号）", "")
LISTING = ("企业上市", "企业上市合法合规信息核查结果")
BANKRUPTCY = ("破产案件办理", "企业破产案件信息核查结果")
VERIFY = ("", "信息核验结果")
MANAGER = ["其他组织", "企业法人"]  # the bankruptcy administrator (破产管理人) applies


def check(key: str, name: str, agency: str, law: str, *, family: tuple = LISTING, co=(), aliases=(), objects=("企业法人",),
          type_: str = "其他行政权力", promised=(3, "工作日"), person: bool = False, themes=("其他",)) -> dict:
    """One check item; `family` gives the purpose it serves and the shared result document."""
    purpose, result = family
    spec = {
        "key": key, "name": name, "aliases": list(aliases), "agency": agency, "co": list(co), "type": type_, "demo": True,
        "basis": [BUNDLE_BASIS, (law, "")], "objects": list(objects), "promised": promised,
        "conditions": [f"因{purpose or '联办事项'}需要，由被核查主体授权（或者由人民法院、破产管理人依法申请）",
                       "核查范围限于本部门依法掌握的信息"],
        "materials": [M(f"{name}申请", source="在线填报", notes="在“一件事”联办中一次填报，系统分派到各核查部门。"), CHECK_CONSENT],
        "visits": 0, "online": True, "in_hall": False, "express": False, "appointment": False,
        "result": (result, "证明/凭证", ""),
        "fields": [("check.purpose", "核查用途", True, "", ), "check.period"] if not person else ["check.purpose", "consent.data_sharing"],
    }
    spec["pthemes" if person else "ethemes"] = list(themes)
    return spec


def verify(key: str, name: str, agency: str, law: str, *, aliases=(), themes=("住房保障",), objects=("自然人",)) -> dict:
    """A personal (or licence) data verification: answered on the spot from the agency's database."""
    return check(key, name, agency, law, family=VERIFY, aliases=aliases, objects=objects, type_="公共服务", promised=(0, "即办"),
                 person=objects == ("自然人",), themes=themes)


ITEMS = [
    # 企业上市合法合规信息核查“一件事” (first batch 6): the lead coordinates, 17 agencies check.
    check("listing_check_coordination", "企业上市合法合规信息核查申请受理与结果送达", "市工信局", "中华人民共和国证券法",
          aliases=["统筹相关申请核查信息的受理、分派、汇总和结果送达"], family=("企业上市", "企业上市合法合规信息核查汇总结果"), promised=(5,
              "工作日"),
          themes=("融资信贷",)),
    check("listing_check_urban", "企业城市管理领域无违法违规信息核查", "市城管执法局", "城市市容和环境卫生管理条例"),
    check("listing_check_planning", "企业规划自然资源领域无违法违规信息核查", "市资源规划局", "中华人民共和国土地管理法"),
    check("listing_check_labour", "企业违反劳动保障法律法规信息核查", "市人社局", "劳动保障监察条例"),
    check("listing_check_environment", "企业生态环境保护领域无违法违规信息核查", "市生态环境局", "中华人民共和国环境保护法"),
    check("listing_check_market", "企业市场监管领域无违法违规信息核查", "市市场监管局", "企业信息公示暂行条例"),
    check("listing_check_health", "企业卫生和人员健康领域无违法违规信息核查", "市卫生健康委", "中华人民共和国职业病防治法"),
    check("listing_check_tourism", "企业文化和旅游市场领域无违法违规信息核查", "市文化旅游局", "中华人民共和国旅游法"),
    check("listing_check_safety", "企业应急管理领域无违法违规信息核查", "市应急管理局", "中华人民共和国安全生产法"),
    check("listing_check_construction", "企业住房、工程建设领域无违法违规信息核查", "市资源规划局", "中华人民共和国建筑法", co=["市住建局"]),
    check("hpf_staff_check", "企业人员住房公积金缴存信息核查", "住房公积金管理中心", "住房公积金管理条例", family=("企业上市、破产案件办理",
        "住房公积金缴存信息核查结果")),
    check("listing_check_science", "企业科技领域无违法违规信息核查", "市科技局", "中华人民共和国科学技术进步法"),
    check("listing_check_transport", "企业交通运输领域无违法违规信息核查", "市交通局", "中华人民共和国道路运输条例"),
    check("listing_check_tax", "企业合法纳税情况无违法违规信息核查", "市税务局", "中华人民共和国税收征收管理法"),
    check("listing_check_ip", "企业知识产权领域无违法违规信息核查", "市市场监管局", "中华人民共和国专利法"),
    check("listing_check_water", "企业水资源保护领域无违法违规信息核查", "市水务局", "中华人民共和国水法"),
    check("listing_check_fire", "企业消防安全无违法违规信息核查", "市消防救援支队", "中华人民共和国消防法"),
    check("listing_check_telecom", "电信监管领域无行政处罚信息核查", "市工信局", "中华人民共和国电信条例"),
    # 企业破产信息核查“一件事” (first batch 7): asked by the court or the administrator.
    check("bankruptcy_check_coordination", "企业破产信息核查申请受理与结果送达", "市行政审批局", "中华人民共和国企业破产法", co=["市法院"],
          aliases=["统筹相关申请核查信息的受理、分派、汇总和结果送达"], family=("破产案件办理", "企业破产信息核查汇总结果"), objects=MANAGER,
          promised=(5, "工作日"), themes=("法人注销",)),
    check("bankruptcy_check_vehicle", "企业车辆信息核查", "市公安局", "中华人民共和国道路交通安全法", family=BANKRUPTCY, objects=MANAGER,
          themes=("法人注销",)),
    check("bankruptcy_check_property", "企业不动产登记信息核查", "市资源规划局", "不动产登记暂行条例", family=BANKRUPTCY, objects=MANAGER,
          themes=("法人注销",)),
    check("bankruptcy_check_social_insurance", "社会保险参保缴费记录核查", "市人社局", "中华人民共和国社会保险法", co=["市税务局"],
          family=BANKRUPTCY, objects=MANAGER, themes=("法人注销",)),
    check("bankruptcy_check_registration", "企业注册、登记等基本信息核查", "市市场监管局", "中华人民共和国市场主体登记管理条例", family=BANKRUPTCY,
          objects=MANAGER, promised=(0, "即办"), type_="公共服务", themes=("法人注销",)),
    check("bankruptcy_check_medical", "企业人员医保缴存信息核查", "市医疗保障局", "中华人民共和国社会保险法", co=["市税务局"], family=BANKRUPTCY,
          objects=MANAGER, themes=("法人注销",)),
    check("bankruptcy_check_housing", "企业房产信息核查", "市住建局", "中华人民共和国城市房地产管理法", family=BANKRUPTCY, objects=MANAGER,
          themes=("法人注销",)),
    check("bankruptcy_check_tax", "企业纳税缴税情况信息核查", "市税务局", "中华人民共和国税收征收管理法", family=BANKRUPTCY, objects=MANAGER,
          themes=("法人注销",)),
    check("bankruptcy_check_customs", "企业海关税款缴纳、货物通关信息核查", "关中海关", "中华人民共和国海关法", family=BANKRUPTCY, objects=MANAGER,
          themes=("法人注销", "海关口岸")),
    # Verifications inside other bundles (开办运输企业, 开办餐饮店, 零售药店开办, 留学服务, 公积金贷款, 公租房).
    verify("check_business_licence", "企业营业执照信息核验", "市市场监管局", "中华人民共和国市场主体登记管理条例", objects=("企业法人",),
           themes=("准营准办",)),
    verify("check_vehicle_driver", "企业车辆及驾驶员信息核验", "市公安局", "中华人民共和国道路交通安全法", objects=("企业法人",),
        themes=("交通运输",)),
    verify("check_identity", "个人身份信息核验", "市公安局", "中华人民共和国居民身份证法",
           aliases=["个人身份信息核验（户籍信息、居住证信息）", "个人身份信息核验（户籍信息）"], themes=("户籍办理", "住房保障")),
    verify("check_marriage", "婚姻信息核验", "市民政局", "婚姻登记条例"),
    verify("check_vehicle", "车辆信息核验", "市公安局", "中华人民共和国道路交通安全法"),
    verify("check_low_income", "低保、特困、低收入人员信息核验", "市民政局", "社会救助暂行办法", themes=("住房保障",
        "社会保障（社会保险、社会救助）")),
    verify("check_graduate_degree", "新就业无房人员学历信息核验", "市教育局", "中华人民共和国高等教育法", themes=("住房保障", "教育科研")),
    verify("check_affordable_housing", "保障性住房信息核查", "市住建局", "公共租赁住房管理办法（住房和城乡建设部令第11号）"),
]
