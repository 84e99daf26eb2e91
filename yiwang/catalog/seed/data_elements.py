"""The data-element dictionary (数据元) of the seed catalog: every form field of a seeded guide is
one of these, so forms of several items merge as sets (多表合一) and pre-fill from the applicant's
profile (`profile_source`) or a licence.

Keys are `<subject>.<datum>`. Choice values are the words people read (男/女, 小学/初中): the intake
path checks a submitted value against the options, and the words are what a clerk and an API client
both expect. Patterns are full-match regular expressions with a Chinese `pattern_message`.
"""

from __future__ import annotations

from yiwang.catalog.constants import DataType


def _options(*labels: str) -> list[dict]:
    return [{"value": label, "label": label} for label in labels]


S, T, INT, D, DATE, B = DataType.STRING, DataType.TEXT, DataType.INTEGER, DataType.DECIMAL, DataType.DATE, DataType.BOOLEAN
C, MC, ID, USCC, PHONE, ADDR = (DataType.CHOICE, DataType.MULTI_CHOICE, DataType.ID_NUMBER, DataType.USCC, DataType.PHONE,
                                DataType.ADDRESS)

SEX = _options("男", "女")
PLATE = {"pattern": r"[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-Z][A-HJ-NP-Z0-9]{5,6}",
         "pattern_message": "应为机动车号牌号码（如 陕A12345，新能源 陕AD12345）"}

# (key, name, data_type, options, validation, description, profile_source, is_personal)
ELEMENTS: list[tuple] = [
    # Applicant (a natural person) and agent
    ("applicant.name", "申请人姓名", S, [], {"max_length": 50}, "与居民身份证一致", "user.real_name", True),
    ("applicant.id_number", "申请人居民身份证号码", ID, [], {}, "18 位，末位可为 X", "user.id_number", True),
    ("applicant.phone", "申请人手机号码", PHONE, [], {}, "用于接收办理进度短信", "user.phone", True),
    ("applicant.address", "申请人联系地址", ADDR, [], {}, "邮寄结果使用的地址", "", True),
    ("applicant.birth_date", "申请人出生日期", DATE, [], {}, "与居民身份证一致，如 1958-03-15", "user.birth_date", True),
    ("agent.name", "经办人姓名", S, [], {"max_length": 50}, "单位或他人委托的经办人", "user.real_name", True),
    ("agent.phone", "经办人手机号码", PHONE, [], {}, "", "user.phone", True),
    # Enterprise (legal person)
    ("enterprise.name", "单位名称", S, [], {"max_length": 100}, "与营业执照（登记证书）一致", "user.org_name", False),
    ("enterprise.uscc", "统一社会信用代码", USCC, [], {}, "18 位", "user.uscc", False),
    ("enterprise.legal_rep_name", "法定代表人（负责人）姓名", S, [], {"max_length": 50}, "", "user.legal_rep_name", True),
    ("enterprise.legal_rep_id_number", "法定代表人居民身份证号码", ID, [], {}, "", "user.legal_rep_id_number", True),
    ("enterprise.address", "住所（经营场所）", ADDR, [], {}, "", "", False),
    ("enterprise.type", "企业类型", C, _options("有限责任公司", "股份有限公司", "个人独资企业", "合伙企业", "个体工商户", "农民专业合作社"),
     {}, "", "", False),
    ("enterprise.registered_capital", "注册资本（万元）", D, [], {"min": 0, "max": 10_000_000}, "认缴出资总额，单位万元", "", False),
    ("enterprise.business_scope", "经营范围", T, [], {"max_length": 2000}, "按《经营范围规范表述目录》选择表述", "", False),
    ("enterprise.employee_count", "从业人数", INT, [], {"min": 0, "max": 1_000_000}, "", "", False),
    ("enterprise.change_items", "变更事项", MC, _options("名称", "住所", "法定代表人", "注册资本", "经营范围", "股东（投资人）", "企业类型"),
     {}, "", "", False),
    ("enterprise.deregistration_reason", "注销原因", C, _options("决议解散", "营业期限届满", "依法被吊销营业执照", "破产", "其他"), {}, "", "",
        False),
    ("enterprise.report_year", "报告年度", INT, [], {"min": 2000, "max": 2100}, "如 2025", "", False),
    # Children, family and residence (教育入学, 新生儿出生)
    ("child.name", "儿童姓名", S, [], {"max_length": 50}, "与户口簿一致", "", True),
    ("child.id_number", "儿童居民身份证号码", ID, [], {}, "户口簿上的公民身份号码", "", True),
    ("child.birth_date", "儿童出生日期", DATE, [], {}, "与户口簿一致，如 2019-09-01", "", True),
    ("child.sex", "儿童性别", C, SEX, {}, "", "", True),
    ("guardian.relation", "与儿童关系", C, _options("父亲", "母亲", "其他监护人"), {}, "申请人是儿童的谁", "", False),
    ("household.address", "户籍地址", ADDR, [], {}, "户口簿登记的住址", "", True),
    ("residence.address", "实际居住地址", ADDR, [], {}, "房产或租住地址", "", True),
    ("school.stage", "入学学段", C, _options("小学", "初中"), {}, "", "", False),
    ("school.name", "意向学校", S, [], {"max_length": 100}, "按学区划片填写对口学校", "", False),
    ("newborn.birth_place", "出生地点（助产机构）", S, [], {"max_length": 100}, "", "", False),
    ("mother.name", "母亲姓名", S, [], {"max_length": 50}, "", "", True),
    ("mother.id_number", "母亲居民身份证号码", ID, [], {}, "", "", True),
    ("marriage.status", "婚姻状况", C, _options("未婚", "已婚", "离婚", "丧偶"), {}, "", "", True),
    ("household.monthly_income", "家庭人均月收入（元）", D, [], {"min": 0, "max": 1_000_000}, "", "", True),
    ("deceased.name", "逝者姓名", S, [], {"max_length": 50}, "", "", True),
    ("deceased.id_number", "逝者居民身份证号码", ID, [], {}, "", "", True),
    ("deceased.date", "死亡日期", DATE, [], {}, "", "", True),
    # Work, social insurance, retirement, disability
    ("employment.employer", "原工作单位", S, [], {"max_length": 100}, "", "", False),
    ("employment.end_date", "劳动关系终止日期", DATE, [], {}, "", "", True),
    ("retirement.kind", "退休类型", C, _options("正常退休", "特殊工种提前退休", "因病或非因工致残提前退休"), {}, "", "", False),
    ("disability.category", "残疾类别", C, _options("视力残疾", "听力残疾", "言语残疾", "肢体残疾", "智力残疾", "精神残疾", "多重残疾"),
     {}, "", "", True),
    ("disability.level", "残疾等级", C, _options("一级", "二级", "三级", "四级"), {}, "", "", True),
    ("bank.name", "开户银行", S, [], {"max_length": 100}, "", "", False),
    ("bank.account_number", "银行账号", S, [], {"pattern": r"\d{12,25}", "pattern_message": "应为 12–25 位数字"}, "", "", True),
    # Property and vehicles
    ("property.certificate_number", "不动产权证书号", S, [], {"max_length": 60}, "如 陕（2024）西安市不动产权第0123456号", "", False),
    ("property.address", "房屋坐落", ADDR, [], {}, "", "", False),
    ("loan.amount", "申请贷款金额（万元）", D, [], {"min": 1, "max": 200}, "", "", False),
    ("loan.term_years", "贷款期限（年）", INT, [], {"min": 1, "max": 30}, "", "", False),
    ("vehicle.plate_number", "号牌号码", S, [], PLATE, "", "", False),
    ("vehicle.vin", "车辆识别代号", S, [], {"pattern": r"[A-HJ-NPR-Z0-9]{17}", "pattern_message": "应为 17 位车辆识别代号（不含 I、O、Q）"},
     "见合格证或行驶证", "", False),
    ("vehicle.kind", "车辆类型", C, _options("小型汽车", "大型汽车", "挂车", "新能源汽车", "特型机动车"), {}, "", "", False),
    ("transport.route", "通行路线", T, [], {"max_length": 1000}, "起点、途经道路（桥梁）、终点", "", False),
    ("transport.start_date", "通行起始日期", DATE, [], {}, "", "", False),
    ("transport.end_date", "通行截止日期", DATE, [], {}, "", "", False),
    ("cargo.description", "货物名称及外廓尺寸", T, [], {"max_length": 500}, "长×宽×高（米）", "", False),
    ("cargo.total_mass", "车货总质量（吨）", D, [], {"min": 0, "max": 2000}, "", "", False),
    ("driver.licence_number", "机动车驾驶证号", S, [], {"max_length": 30}, "", "", True),
    # Business premises and permits
    ("premises.address", "经营场所地址", ADDR, [], {}, "", "", False),
    ("premises.area", "经营场所面积（平方米）", D, [], {"min": 1, "max": 1_000_000}, "", "", False),
    ("food.business_items", "食品经营项目", MC, _options("预包装食品销售", "散装食品销售", "特殊食品销售", "热食类食品制售", "冷食类食品制售",
                                                     "生食类食品制售", "半成品制售", "自制饮品制售"), {}, "", "", False),
    ("drug.business_scope", "经营范围（药品）", MC, _options("中药饮片", "中成药", "化学药", "生物制品", "乙类非处方药"), {}, "", "", False),
    ("signboard.content", "招牌文字内容", S, [], {"max_length": 100}, "", "", False),
    ("chemical.names", "经营的危险化学品品名", T, [], {"max_length": 2000}, "按《危险化学品目录》品名填写", "", False),
    ("check.purpose", "核查（核验）用途", C, _options("企业上市", "破产案件办理", "住房保障", "住房公积金贷款", "教育入学", "留学服务", "其他"),
     {}, "", "", False),
    ("check.period", "核查期间", S, [], {"max_length": 50}, "如 2023-01-01 至 2025-12-31", "", False),
    ("travel.destination", "前往地区", C, _options("香港", "澳门", "香港和澳门"), {}, "", "", False),
    ("travel.endorsement", "签注种类", C, _options("一次有效", "二次有效", "一年多次有效", "三个月一次有效"), {}, "", "", False),
    ("legal_aid.matter", "法律援助事项类别", C, _options("劳动报酬", "工伤赔偿", "赡养抚养扶养", "交通事故赔偿", "医疗事故赔偿", "家庭暴力",
        "社会保险待遇",
                                                  "其他"), {}, "", "", False),
    ("matter.description", "申请事项说明", T, [], {"max_length": 2000}, "简要说明申请的事由和诉求", "", False),
    ("consent.data_sharing", "同意部门共享核验本人（本单位）信息", B, [], {}, "一件事联办所需", "", False),
    ("delivery.method", "结果领取方式", C, _options("窗口领取", "免费邮寄", "电子证照"), {}, "", "", False),
]


def element_keys() -> set[str]:
    return {row[0] for row in ELEMENTS}
