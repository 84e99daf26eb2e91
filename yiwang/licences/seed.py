# ruff: noqa: C408 — the types read as a table of keyword rows
"""The licence types the platform knows (reference data; loaded by `manage.py load_licence_types`).

Type codes follow GB/T 36904: the defining authority's 18-character USCC + a 3-digit sequence. The
national e-licence catalogue's real codes are not in the project's sources, so every defining
authority here has a **platform-made** USCC (`11100000YW<7 digits>` + the GB 32100 check character;
"YW" marks a platform code, as in the organisation seed) and every type is flagged
`code_is_platform`. Replacing them by the national codes is a data change (the identifiers of
licences already issued keep the code they were issued with).

`catalog` is the platform code the service catalog uses for materials and results
(`yiwang/catalog/seed/standard.py`, LICENCE_TYPES); `basic_codes` maps items whose guide names no
licence code (their result is a licence or certificate all the same) by base catalog code.

Validity defaults: the legal source is named where it fixes the period; "(unverified)" marks a
sensible default an administrator should confirm (STANDARDS: make it configurable).
"""

from __future__ import annotations

from yiwang.core.identifiers import with_uscc_check_digit

# Defining authority -> its platform-made USCC (first 17 characters; the check is computed).
AUTHORITIES: dict[str, str] = {
    "公安部": "11100000YW0000001",
    "国家市场监督管理总局": "11100000YW0000002",
    "国家药品监督管理局": "11100000YW0000003",
    "人力资源和社会保障部": "11100000YW0000004",
    "交通运输部": "11100000YW0000005",
    "国家卫生健康委员会": "11100000YW0000006",
    "民政部": "11100000YW0000007",
    "自然资源部": "11100000YW0000008",
    "中国残疾人联合会": "13100000YW0000009",
    "应急管理部": "11100000YW0000010",
    "教育部": "11100000YW0000011",
    "国家税务总局": "11100000YW0000012",
    "商务部": "11100000YW0000013",
    "国家移民管理局": "11100000YW0000014",
    "退役军人事务部": "11100000YW0000015",
    "陕西省市场监督管理局": "11610000YW0000016",
    "中共西安市委组织部": "11610100YW0000017",
}


def authority_uscc(name: str) -> str:
    return with_uscc_check_digit(AUTHORITIES[name])


def F(key: str, label: str) -> dict:  # noqa: N802 (reads like the tables below)
    return {"key": key, "label": label}


P, E = "person", "enterprise"
LONG = ("long_term", None)


def term(months: int) -> tuple[str, int]:
    return ("fixed_term", months)


ID_CARD = ("resident_id_card", None)

# (catalog code or None, name, authority, sequence, holder kind, (rule, months), number rule,
#  number prefix, default issuing agency (short name), template fields, legal basis, holder keys, basic codes)
TYPES: list[dict] = [
    dict(catalog="LIC-RESIDENT-ID", name="居民身份证", authority="公安部", seq=1, holder=P, validity=ID_CARD,
         number="holder_id", agency="市公安局", basis="《中华人民共和国居民身份证法》第五条",
         fields=[F("person.sex", "性别"), F("person.ethnicity", "民族"), F("applicant.birth_date", "出生"),
                 F("household.address", "住址")]),
    dict(catalog="LIC-HUKOU", name="居民户口簿", authority="公安部", seq=2, holder=P, validity=LONG, number="generated",
         prefix="HK", agency="市公安局", basis="《中华人民共和国户口登记条例》第四条",
         fields=[F("household.kind", "户别"), F("household.size", "户内人数"), F("household.address", "住址"),
                 F("household.relation", "与户主关系")]),
    dict(catalog="LIC-HUKOU-CERTIFICATE", name="户籍证明", authority="公安部", seq=3, holder=P, validity=term(3),
         number="generated", prefix="HJZM", agency="市公安局", basis="《中华人民共和国户口登记条例》（有效期 3 个月为本地惯例，unverified）",
         fields=[F("household.address", "户籍地址"), F("check.purpose", "证明用途")]),
    dict(catalog="LIC-RESIDENCE-PERMIT", name="居住证", authority="公安部", seq=4, holder=P, validity=term(12),
         number="generated", prefix="JZZ", agency="市公安局", basis="《居住证暂行条例》第十三条（逐年签注）",
         fields=[F("residence.address", "居住地址")]),
    dict(catalog="LIC-DRIVING-LICENCE", name="机动车驾驶证", authority="公安部", seq=5, holder=P, validity=term(72),
         number="holder_id", agency="市公安局", basis="《中华人民共和国道路交通安全法实施条例》第二十六条（初次 6 年）",
         fields=[F("vehicle.kind", "准驾车型")]),
    dict(catalog="LIC-VEHICLE-LICENCE", name="机动车行驶证", authority="公安部", seq=6, holder=P, validity=LONG,
         number="generated", prefix="XSZ", agency="市公安局", basis="《中华人民共和国道路交通安全法》第八条",
         fields=[F("vehicle.plate_number", "号牌号码"), F("vehicle.kind", "车辆类型"), F("vehicle.vin", "车辆识别代号")]),
    dict(catalog="LIC-VEHICLE-REGISTRATION", name="机动车登记证书", authority="公安部", seq=7, holder=P, validity=LONG,
         number="generated", prefix="DJZS", agency="市公安局", basis="《机动车登记规定》",
         fields=[F("vehicle.plate_number", "号牌号码"), F("vehicle.vin", "车辆识别代号")]),
    dict(catalog=None, name="机动车临时行驶车号牌", authority="公安部", seq=8, holder=P, validity=term(3),
         number="generated", prefix="LSHP", agency="市公安局", basis="《机动车登记规定》（临时号牌最长 90 日）",
         fields=[F("vehicle.vin", "车辆识别代号"), F("transport.route", "行驶区间")], basic_codes=["XA6101400002"]),
    dict(catalog=None, name="户口注销证明", authority="公安部", seq=9, holder=P, validity=LONG, number="generated",
         prefix="HKZX", agency="市公安局", basis="《中华人民共和国户口登记条例》第八条",
         fields=[F("deceased.name", "注销人姓名"), F("deceased.date", "注销原因日期")], basic_codes=["XA6101377358"],
         holder_keys={"name": "deceased.name", "id": "deceased.id_number"}),
    dict(catalog="LIC-HK-MACAO-PERMIT", name="往来港澳通行证", authority="国家移民管理局", seq=1, holder=P,
         validity=term(120), number="generated", prefix="C", agency="市公安局",
         basis="《中国公民因私事往来香港地区或者澳门地区的暂行管理办法》（成年人 10 年）",
         fields=[F("travel.endorsement", "签注种类")]),
    dict(catalog="LIC-BUSINESS-LICENCE", name="营业执照", authority="国家市场监督管理总局", seq=1, holder=E,
         validity=LONG, number="holder_id", agency="市市场监管局", basis="《中华人民共和国市场主体登记管理条例》第二十一条",
         fields=[F("enterprise.type", "类型"), F("enterprise.legal_rep_name", "法定代表人"),
                 F("enterprise.registered_capital", "注册资本（万元）"), F("enterprise.founded_on", "成立日期"),
                 F("enterprise.address", "住所"), F("enterprise.business_scope", "经营范围"),
                 F("enterprise.industry_code", "行业代码")]),
    dict(catalog="LIC-FOOD-BUSINESS", name="食品经营许可证", authority="国家市场监督管理总局", seq=2, holder=E,
         validity=term(60), number="generated", prefix="JY", agency="市市场监管局",
         basis="《食品经营许可和备案管理办法》（有效期 5 年）",
         fields=[F("enterprise.legal_rep_name", "法定代表人（负责人）"), F("premises.address", "经营场所"),
                 F("food.business_items", "经营项目")]),
    dict(catalog="LIC-MEDICAL-DEVICE-BUSINESS", name="医疗器械经营许可证", authority="国家市场监督管理总局", seq=3, holder=E,
         validity=term(60), number="generated", prefix="SXJY", agency="市市场监管局",
         basis="《医疗器械经营监督管理办法》（有效期 5 年）",
         fields=[F("premises.address", "经营场所"), F("enterprise.business_scope", "经营范围")]),
    dict(catalog="LIC-DRUG-BUSINESS", name="药品经营许可证", authority="国家药品监督管理局", seq=1, holder=E,
         validity=term(60), number="generated", prefix="SA", agency="市市场监管局",
         basis="《中华人民共和国药品管理法实施条例》第十六条（有效期 5 年）",
         fields=[F("enterprise.legal_rep_name", "法定代表人"), F("premises.address", "注册地址"),
                 F("drug.business_scope", "经营范围")]),
    dict(catalog="LIC-SMALL-CATERING", name="小餐饮经营许可证", authority="陕西省市场监督管理局", seq=1, holder=E,
         validity=term(36), number="generated", prefix="XCY", agency="市市场监管局",
         basis="《陕西省食品小作坊小餐饮及摊贩管理条例》（有效期 3 年，unverified）",
         fields=[F("premises.address", "经营场所"), F("food.business_items", "经营项目")]),
    dict(catalog="LIC-SOCIAL-SECURITY-CARD", name="社会保障卡", authority="人力资源和社会保障部", seq=1, holder=P,
         validity=term(120), number="generated", prefix="SB", agency="市人社局",
         basis="《社会保障卡管理办法》（有效期 10 年，unverified）", fields=[F("bank.name", "金融账户开户银行")]),
    dict(catalog="LIC-SOCIAL-INSURANCE-PROOF", name="社会保险参保缴费证明", authority="人力资源和社会保障部", seq=2, holder=P,
         validity=term(3), number="generated", prefix="CBZM", agency="市人社局", basis="《中华人民共和国社会保险法》第七十四条",
         fields=[F("check.period", "缴费期间"), F("check.purpose", "证明用途")]),
    dict(catalog="LIC-HR-SERVICE", name="人力资源服务许可证", authority="人力资源和社会保障部", seq=3, holder=E,
         validity=LONG, number="generated", prefix="RLZY", agency="市人社局", basis="《人力资源市场暂行条例》第十八条",
         fields=[F("premises.address", "服务场所"), F("enterprise.business_scope", "服务范围")]),
    dict(catalog="LIC-LABOUR-DISPATCH", name="劳务派遣经营许可证", authority="人力资源和社会保障部", seq=4, holder=E,
         validity=term(36), number="generated", prefix="LWPQ", agency="市人社局",
         basis="《劳务派遣行政许可实施办法》第十五条（有效期 3 年）", fields=[F("premises.address", "经营场所")]),
    dict(catalog=None, name="就业创业证", authority="人力资源和社会保障部", seq=5, holder=P, validity=LONG,
         number="generated", prefix="JYCY", agency="市人社局", basis="《就业服务与就业管理规定》",
         fields=[F("employment.employer", "原工作单位")], basic_codes=["XA6101477800"]),
    dict(catalog="LIC-ROAD-TRANSPORT-BUSINESS", name="道路运输经营许可证", authority="交通运输部", seq=1, holder=E,
         validity=term(48), number="generated", prefix="YS", agency="市交通局",
         basis="《道路货物运输及站场管理规定》（有效期 4 年，unverified）", fields=[F("enterprise.business_scope", "经营范围")]),
    dict(catalog="LIC-ROAD-TRANSPORT-CERT", name="道路运输证", authority="交通运输部", seq=2, holder=E, validity=term(48),
         number="generated", prefix="YSZ", agency="市交通局", basis="《道路运输车辆技术管理规定》（unverified）",
         fields=[F("vehicle.plate_number", "车辆号牌"), F("vehicle.kind", "车辆类型")]),
    dict(catalog="LIC-RIDEHAIL-DRIVER", name="网络预约出租汽车驾驶员证", authority="交通运输部", seq=3, holder=P, validity=term(72),
         number="holder_id", agency="市交通局", basis="《出租汽车驾驶员从业资格管理规定》（unverified）", fields=[]),
    dict(catalog="LIC-OVERSIZE-PERMIT", name="超限运输车辆通行证", authority="交通运输部", seq=4, holder=E, validity=term(1),
         number="generated", prefix="CX", agency="市交通局", basis="《超限运输车辆行驶公路管理规定》",
         fields=[F("vehicle.plate_number", "车辆号牌"), F("transport.route", "通行路线"),
                 F("transport.start_date", "通行起始日期"), F("transport.end_date", "通行截止日期")]),
    dict(catalog="LIC-BIRTH-CERT", name="出生医学证明", authority="国家卫生健康委员会", seq=1, holder=P, validity=LONG,
         number="generated", prefix="CS", agency="市卫生健康委", basis="《中华人民共和国母婴保健法》第二十三条",
         fields=[F("child.birth_date", "出生日期"), F("child.sex", "性别"), F("newborn.birth_place", "出生地点"),
                 F("mother.name", "母亲姓名")], holder_keys={"name": "child.name", "id": "child.id_number"}),
    dict(catalog="LIC-VACCINATION-CERT", name="预防接种证", authority="国家卫生健康委员会", seq=2, holder=P, validity=LONG,
         number="generated", prefix="YM", agency="市卫生健康委", basis="《中华人民共和国疫苗管理法》第四十七条",
         fields=[F("child.birth_date", "出生日期")], holder_keys={"name": "child.name", "id": "child.id_number"}),
    dict(catalog="LIC-DEATH-CERT", name="居民死亡医学证明（推断）书", authority="国家卫生健康委员会", seq=3, holder=P,
         validity=LONG, number="generated", prefix="SW", agency="市卫生健康委", basis="《人口死亡信息登记管理规范（试行）》",
         fields=[F("deceased.date", "死亡日期")], holder_keys={"name": "deceased.name", "id": "deceased.id_number"}),
    dict(catalog="LIC-MARRIAGE-CERT", name="结婚证", authority="民政部", seq=1, holder=P, validity=LONG, number="generated",
         prefix="J", agency="市民政局", basis="《婚姻登记条例》第七条", fields=[]),
    dict(catalog="LIC-SENIOR-CARD", name="老年人优待证", authority="民政部", seq=2, holder=P, validity=LONG, number="generated",
         prefix="LY", agency="雁塔区民政局", basis="《中华人民共和国老年人权益保障法》第五十八条", fields=[]),
    dict(catalog="LIC-LOW-INCOME-CERT", name="最低生活保障证", authority="民政部", seq=3, holder=P, validity=term(12),
         number="generated", prefix="DB", agency="市民政局", basis="《社会救助暂行办法》（按年复核，unverified）",
         fields=[F("household.size", "保障人数")]),
    dict(catalog=None, name="火化证明", authority="民政部", seq=4, holder=P, validity=LONG, number="generated", prefix="HH",
         agency="市民政局", basis="《殡葬管理条例》", fields=[F("deceased.date", "死亡日期")], basic_codes=["XA6101222437"],
         holder_keys={"name": "deceased.name", "id": "deceased.id_number"}),
    dict(catalog="LIC-PROPERTY", name="不动产权证书", authority="自然资源部", seq=1, holder=P, validity=LONG,
         number="generated", prefix="SXBDC", agency="市资源规划局", basis="《不动产登记暂行条例》第二十一条",
         fields=[F("property.address", "坐落")]),
    dict(catalog=None, name="不动产登记证明（抵押权）", authority="自然资源部", seq=2, holder=P, validity=LONG,
         number="generated", prefix="SXBDCZM", agency="市资源规划局", basis="《不动产登记暂行条例》第二十一条",
         fields=[F("property.certificate_number", "不动产权证书号"), F("loan.amount", "债权数额（万元）")],
         basic_codes=["XA6101426543"]),
    dict(catalog="LIC-DISABILITY-CERT", name="中华人民共和国残疾人证", authority="中国残疾人联合会", seq=1, holder=P,
         validity=term(120), number="generated", prefix="CJ", agency="市残联",
         basis="《中华人民共和国残疾人证管理办法》（有效期 10 年）",
         fields=[F("disability.category", "残疾类别"), F("disability.level", "残疾等级")]),
    dict(catalog="LIC-HAZCHEM-BUSINESS", name="危险化学品经营许可证", authority="应急管理部", seq=1, holder=E,
         validity=term(36), number="generated", prefix="WH", agency="市应急管理局",
         basis="《危险化学品经营许可证管理办法》第二十条（有效期 3 年）", fields=[F("chemical.names", "许可范围")]),
    dict(catalog="LIC-DEGREE-CERT", name="学历学位证书", authority="教育部", seq=1, holder=P, validity=LONG, number="generated",
         prefix="XW", agency="市教育局", basis="《中华人民共和国学位法》", fields=[]),
    dict(catalog="LIC-FOREIGN-DEGREE-CERT", name="国（境）外学历学位认证书", authority="教育部", seq=2, holder=P,
         validity=LONG, number="generated", prefix="RZ", agency="市教育局", basis="教育部留学服务中心认证办法", fields=[]),
    dict(catalog="LIC-TAX-CLEARANCE", name="清税证明", authority="国家税务总局", seq=1, holder=E, validity=LONG,
         number="generated", prefix="QS", agency="市税务局", basis="《中华人民共和国税收征收管理法实施细则》第十五条",
         fields=[F("enterprise.deregistration_reason", "注销原因")]),
    dict(catalog=None, name="车船税完税证明", authority="国家税务总局", seq=2, holder=P, validity=LONG, number="generated",
         prefix="CCS", agency="市税务局", basis="《中华人民共和国车船税法》", fields=[F("vehicle.plate_number", "号牌号码")],
         basic_codes=["XA6101627815"]),
    dict(catalog=None, name="契税完税证明", authority="国家税务总局", seq=3, holder=P, validity=LONG, number="generated",
         prefix="QSWS", agency="市税务局", basis="《中华人民共和国契税法》", fields=[F("property.address", "房屋坐落")],
         basic_codes=["XA6101985823"]),
    dict(catalog=None, name="出口许可证", authority="商务部", seq=1, holder=E, validity=term(6), number="generated",
         prefix="CK", agency="市商务局", basis="《货物出口许可证管理办法》（有效期不超过 6 个月）",
         fields=[F("cargo.description", "货物")], basic_codes=["XA6101297255"]),
    dict(catalog="LIC-DISCHARGE-CERT", name="退出现役证", authority="退役军人事务部", seq=1, holder=P, validity=LONG,
         number="generated", prefix="TY", agency="市退役军人局", basis="《退役军人安置条例》（定义部门 unverified）", fields=[]),
    dict(catalog=None, name="高层次人才认定证书", authority="中共西安市委组织部", seq=1, holder=P, validity=term(60),
         number="generated", prefix="RC", agency="市委组织部", basis="西安市高层次人才认定办法（有效期 5 年，unverified）",
         fields=[], basic_codes=["XA6101835811"]),
]


def type_code(spec: dict) -> str:
    return f"{authority_uscc(spec['authority'])}{spec['seq']:03d}"
