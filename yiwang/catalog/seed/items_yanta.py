"""Items of 雁塔区 for the four "一件事一次办" services seed 002 extends to the streets in 2021
(失业一件事, 我要办理老年优待证, 我要申请法律援助, 小餐饮一件事). Seed 002 names the services but not
their items: the members are defined by us from the catalog (xian_bundles.json says so per bundle).
They are handled at the district hall and at every street's 便民服务中心 (区内通办).
"""

from yiwang.catalog.seed.standard import P_SOCIAL, M
from yiwang.orgs.seed.xian_divisions import STREETS

HALL = "雁塔区政务服务中心"
STREET_CENTERS = [f"{street}便民服务中心" for street, _ in STREETS["610113"]]
YANTA = {"places": [HALL, *STREET_CENTERS], "weekend": True, "city_wide": False}
HR = "雁塔区人社局"
PERSON = ["自然人"]
EMPLOYMENT_RULES = ("就业服务与就业管理规定（人力资源社会保障部令）", "失业登记与就业创业证的有关规定")
LEGAL_AID_LAW = "中华人民共和国法律援助法"

ITEMS = [
    {
        **YANTA, "key": "yanta_unemployment_registration", "name": "失业登记", "agency": HR, "type": "公共服务", "demo": True,
        "basis": [("中华人民共和国就业促进法", "失业登记和就业服务的有关规定"), EMPLOYMENT_RULES], "objects": PERSON, "pthemes": ["就业创业"],
        "promised": (0, "即办"), "conditions": ["法定劳动年龄内、有劳动能力和就业要求、处于无业状态的人员", "在常住地（户籍地或者居住地）办理"],
        "materials": ["@id_card", M("劳动关系终止或者解除证明", issuer="原用人单位", need="非必要", notes="社保停缴信息可共享核验的免于提交。")],
        "result": ("失业登记信息", "证明/凭证", ""), "fields": ["employment.employer", "employment.end_date", "residence.address"],
    },
    {
        **YANTA, "key": "yanta_unemployment_benefit", "name": "失业保险金申领", "guide": "失业保险金申领", "agency": HR, "type": "公共服务",
        "basic": "002014008001", "basis": [("失业保险条例", "第十四条（领取条件）"), ("中华人民共和国社会保险法", "第四十五条")],
        "objects": PERSON, "pthemes": ["就业创业", P_SOCIAL], "cross": "national", "statutory": (15, "工作日"),
        "promised": (1, "工作日", "按1个工作日承诺件办理，符合条件的次月发放", "guides.json 记为即办件、承诺1个工作日。"),
        "conditions": ["参加失业保险，所在单位和本人已按照规定履行缴费义务满1年", "非因本人意愿中断就业",
                       "已经进行失业登记并有求职要求（也可先申领失业保险金后办理失业登记）"],
        "materials": [M("居民身份证或者社会保障卡", issuer="公安机关或者人力资源和社会保障部门", source="电子证照库调取",
            lic="LIC-SOCIAL-SECURITY-CARD",
                        notes="仅现场办理需要；网上申请无需材料。")],
        "result": ("失业保险金核定结果", "其他", ""), "fields": ["employment.end_date", "bank.name", "bank.account_number"],
    },
    {
        **YANTA, "key": "yanta_employment_card", "name": "就业创业证申领", "agency": HR, "type": "公共服务", "demo": True,
        "basis": [EMPLOYMENT_RULES], "objects": PERSON, "pthemes": ["就业创业"], "promised": (0, "即办", "即时生成电子就业创业证"),
        "conditions": ["已办理就业或者失业登记的劳动者"], "materials": ["@id_card"],
        "result": ("就业创业证", "证照", ""), "fields": ["employment.employer", "residence.address"],
    },
    {
        **YANTA, "key": "yanta_senior_card", "name": "老年人优待证办理", "aliases": ["老年人优待证", "我要办理老年优待证"], "guide": "老年人优待证",
        "demo": True, "agency": "雁塔区民政局", "type": "公共服务",
        "basis": [("中华人民共和国老年人权益保障法", "第五章 社会优待"), ("全国老龄委关于加强新时代老年人优待工作的有关规定", "")],
        "objects": PERSON, "pthemes": [P_SOCIAL, "证件办理"],
        "promised": (5, "工作日", "街道便民服务中心受理、区民政局制证", "guides.json 的60个工作日出自广西浦北县，不采用。"),
        "conditions": ["本区户籍、年满60周岁的老年人", "或者非本区户籍但长期随本区户籍配偶、子女生活的60周岁以上老年人"],
        "materials": [M("老年人优待证申请表", source="在线填报"), "@id_card", "@hukou",
                      M("居住证明", issuer="公安机关", need="非必要", source="电子证照库调取", lic="LIC-RESIDENCE-PERMIT",
                          notes="非本区户籍的提供。"),
                      M("近期一寸免冠彩色照片", need="非必要", notes="可现场免费拍照。")],
        "result": ("老年人优待证", "证照", "LIC-SENIOR-CARD"), "fields": ["applicant.birth_date", "household.address", "delivery.method"],
    },
    {
        **YANTA, "key": "yanta_elderly_allowance", "name": "高龄老人生活保健补贴申领", "agency": "雁塔区民政局", "type": "行政给付", "demo": True,
        "basis": [("陕西省高龄老人生活保健补贴的有关规定", "")], "objects": PERSON, "pthemes": [P_SOCIAL], "promised": (15, "工作日"),
        "conditions": ["本区户籍、年满70周岁的老年人"], "materials": ["@id_card", "@hukou"],
        "result": ("高龄老人生活保健补贴核定结果", "其他", ""), "fields": ["applicant.birth_date", "bank.name", "bank.account_number"],
    },
    {
        **YANTA, "key": "yanta_legal_aid", "name": "法律援助申请", "aliases": ["我要申请法律援助", "公民法律援助申请资格确认"],
            "guide": "法律援助申请",
        "agency": "雁塔区司法局", "type": "行政确认",
        "basis": [(LEGAL_AID_LAW, "第四十一条（经济困难状况可个人诚信承诺）、第四十三条（受理之日起七日内审查决定）"),
                  ("办理法律援助案件程序规定", "")],
        "objects": PERSON, "pthemes": ["司法公证"], "statutory": (7, "自然日", "法律援助法第四十三条"), "promised": (7, "自然日"),
        "commit": True,
        "conditions": ["因经济困难没有委托代理人",
            "申请事项属于法律援助范围（劳动报酬、工伤、赡养抚养扶养、交通事故、医疗事故、家庭暴力、社会保险待遇等）",
                       "向有管辖权的法律援助机构申请"],
        "materials": [M("法律援助申请表", source="在线填报"), "@id_card",
                      M("经济困难状况说明", source="在线填报",
                          notes="可由民政部门共享低保、特困信息核查，或者由申请人作出个人诚信承诺（法律援助法第四十一条）。"),
                      M("与申请事项有关的证据材料", kind="复印件")],
        "result": ("给予法律援助决定书", "批文/决定书", ""),
        "faqs": [("没有低保证明能申请吗？", "能。经济困难状况可以由部门信息共享核查，也可以由申请人作出个人诚信承诺，无需开具证明。")],
        "fields": ["legal_aid.matter", ("matter.description", "案情简述", True, ""), "household.monthly_income"],
    },
    {
        **YANTA, "key": "yanta_legal_consultation", "name": "公共法律服务咨询", "agency": "雁塔区司法局", "type": "公共服务", "demo": True,
        "basis": [("中共中央办公厅 国务院办公厅关于加快推进公共法律服务体系建设的意见", "")], "objects": ["自然人", "企业法人"],
        "pthemes": ["司法公证"], "ethemes": ["司法公证"], "promised": (0, "即办", "窗口、热线即时解答；网上留言1个工作日内回复"),
        "conditions": ["有法律咨询需求的个人和单位"], "no_materials": True,
        "result": ("法律咨询意见", "其他", ""), "fields": ["legal_aid.matter", ("matter.description", "咨询问题", True, "")],
    },
    {
        **YANTA, "key": "yanta_sole_trader_registration", "name": "个体工商户设立登记", "agency": "雁塔区市场监管局", "type": "行政许可",
            "demo": True,
        "basis": [("促进个体工商户发展条例", ""), ("中华人民共和国市场主体登记管理条例", "第十九条")], "objects": PERSON,
        "pthemes": ["准营准办", "就业创业"], "statutory": (3, "工作日"), "promised": (0, "即办", "材料齐全、符合法定形式的当场登记"),
        "conditions": ["有经营能力的自然人或者家庭", "有经营场所（住所）"],
        "materials": [M("个体工商户登记（备案）申请书", source="在线填报"), "@id_card:经营者", M("经营场所承诺书", source="在线填报")],
        "result": ("营业执照（个体工商户）", "证照", "LIC-BUSINESS-LICENCE"),
        "fields": [("enterprise.name", "个体工商户名称", False, "可不起字号"), "premises.address", "enterprise.business_scope"],
    },
    {
        **YANTA, "key": "yanta_small_catering", "name": "小餐饮经营许可", "aliases": ["小餐饮一件事"], "agency": "雁塔区市场监管局",
            "type": "行政许可",
        "demo": True, "basis": [("陕西省食品小作坊小餐饮及摊贩管理条例", "小餐饮经营许可的有关规定"), ("中华人民共和国行政许可法", "第四十二条")],
        "objects": ["自然人", "企业法人"], "pthemes": ["准营准办"], "ethemes": ["准营准办"],
        "statutory": (20, "工作日", "行政许可法第四十二条的一般期限"), "promised": (5, "工作日"), "deferred": True,
        "special": [{"name": "现场核查", "note": "对经营场所进行核查，可通过远程踏勘视频核查。"}],
        "conditions": ["经营场所面积较小、从业人员较少，从事餐饮服务的个体经营者", "有与经营规模相适应的加工、贮存场所和设施"],
        "materials": [M("小餐饮经营许可申请表", source="在线填报"), M("营业执照", issuer="市场监督管理部门", source="电子证照库调取",
            lic="LIC-BUSINESS-LICENCE"),
                      M("经营场所平面图"), M("从业人员健康证明", issuer="医疗卫生机构", kind="复印件", need="容缺后补",
                          notes="容缺受理：发证前补交。")],
        "result": ("小餐饮经营许可证", "证照", "LIC-SMALL-CATERING"), "fields": ["food.business_items", "premises.address", "premises.area"],
    },
]
