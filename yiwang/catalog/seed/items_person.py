"""A person's early and everyday life: birth, school entry, study abroad, the social security card
and its uses, services for disabled persons — seed 003 first batch bundles 9–12 and second batch
bundle 8. 新生入学信息采集 carries the full enrolment form the intake benchmark fills in.
"""

from yiwang.catalog.seed.standard import P_SOCIAL, SOCIAL_INSURANCE_LAW, M, licence_material

HEALTH = "市卫生健康委"
POLICE = "市公安局"
EDU = "市教育局"
HR = "市人社局"
MEDICAL = "市医疗保障局"
DPF = "市残联"
PERSON = ["自然人"]
SS_CARD_RULES = ("“中华人民共和国社会保障卡”管理办法（人社部发〔2011〕47号）", "社会保障卡的应用")
DISABILITY_RULES = [("中华人民共和国残疾人保障法", ""), ("中华人民共和国残疾人证管理办法", "第二条至第四条（评定标准GB/T 26341-2010，属地管理）")]
ALLOWANCE_RULES = ("国务院关于全面建立困难残疾人生活补贴和重度残疾人护理补贴制度的意见（国发〔2015〕52号）", "")
VACCINATION = licence_material("预防接种证", "接种单位（卫生健康部门监制）", "LIC-VACCINATION-CERT")
ONLINE_INSTANT = {"type": "公共服务", "objects": PERSON, "promised": (0, "即办"), "demo": True, "city_wide": True}


def _card_service(key: str, name: str, member: str, agency: str, theme: str, basis: tuple, result: str) -> dict:
    """A use of the social security card (社会保障卡居民服务“一卡通”): switched on with the card alone."""
    return {**ONLINE_INSTANT, "key": key, "name": name, "aliases": [member], "agency": agency, "pthemes": [theme],
            "basis": [SS_CARD_RULES, basis], "conditions": ["持有已激活金融功能的本市社会保障卡（含电子社保卡）"],
            "materials": ["@ss_card"], "result": (result, "其他", ""), "in_hall": False,
            "fields": [("matter.description", "需开通的服务", True, ""), "consent.data_sharing"]}


def _disability_card(key: str, action: str, kind: str, suffix: str, promised: int, conditions: list[str], extra: list) -> dict:
    """A handling item of 残疾人证 other than 新办 (换领, 迁移, 挂失补办, 注销, 类别/等级变更)."""
    return {"key": key, "name": f"残疾人证{action}", "agency": DPF, "type": "公共服务", "demo": True, "base_name": "残疾人证办理",
            "basic": "XA6101300001", "handling": ("", suffix), "kind": kind, "basis": DISABILITY_RULES, "objects": PERSON,
            "pthemes": [P_SOCIAL, "证件办理"], "promised": (promised, "工作日"), "conditions": conditions,
            "materials": [M(f"残疾人证{action}申请表", source="在线填报"), "@id_card", *extra],
            "result": ("中华人民共和国残疾人证", "证照", "LIC-DISABILITY-CERT") if kind != "注销" else ("残疾人证注销信息", "其他", ""),
            "fields": ["disability.category", "disability.level"]}


ITEMS = [
    {
        "key": "birth_medical_cert", "name": "《出生医学证明》办理（首签）", "aliases": ["《出生医学证明》首次签发"],
            "guide": "《出生医学证明》首次签发",
        "agency": HEALTH, "type": "公共服务", "basis": [("中华人民共和国母婴保健法", "第二十三条")], "objects": PERSON, "pthemes": ["生育收养"],
        "promised": (0, "即办", "新生儿出生后在助产机构当场签发"), "visits": 1, "visits_reason": "在助产机构现场核对新生儿及父母身份信息后签发。",
        "in_hall": False, "conditions": ["在本市助产机构内出生，或者在机构外出生且拟在本市落户", "新生儿出生后1个月内申领"],
        "materials": [M("出生医学证明首次签发登记表", source="在线填报"), "@id_card:新生儿父母", M("缺少一方信息时的本人书面声明", need="非必要"),
                      M("亲子鉴定证明", issuer="有资质的鉴定机构", need="非必要"), M("授权委托书及受托人身份证", need="非必要",
                          notes="非新生儿母亲申领的提供。")],
        "result": ("出生医学证明", "证照", "LIC-BIRTH-CERT"),
        "fields": [("child.name", "新生儿姓名", True, ""), ("child.birth_date", "新生儿出生日期", True, ""), ("child.sex", "新生儿性别", True, ""),
            "newborn.birth_place", "mother.name", "mother.id_number"],
    },
    {
        "key": "vaccination_cert", "name": "预防接种证办理", "agency": HEALTH, "type": "公共服务", "demo": True,
        "basis": [("中华人民共和国疫苗管理法", "第四十七条（儿童出生后一个月内办理预防接种证）")], "objects": PERSON,
        "pthemes": ["生育收养", "医疗卫生"], "promised": (0, "即办"), "visits": 1,
            "visits_reason": "在出生医院或者居住地接种单位首次接种时现场办理。",
        "in_hall": False, "conditions": ["本市出生或者居住的儿童，出生后1个月内由监护人办理"],
        "materials": ["@birth_cert", "@id_card:监护人"], "result": ("预防接种证", "证照", "LIC-VACCINATION-CERT"),
        "fields": [("child.name", "新生儿姓名", True, ""), ("child.birth_date", "新生儿出生日期", True, ""), "residence.address"],
    },
    {
        "key": "birth_hukou", "name": "本市户口登记（申报出生登记）1岁以下婚内本市生育", "aliases": ["出生登记（户口申报）", "申报出生登记"],
        "guide": "出生登记(户口申报)", "agency": POLICE, "type": "行政确认",
        "basis": [("中华人民共和国户口登记条例", "第七条（婴儿出生后一个月以内申报出生登记）")], "objects": PERSON, "pthemes": ["户籍办理",
            "生育收养"],
        "promised": (0, "即办", "材料齐全的当场办结（鞍山指南）；出生“一件事”网上申请的，户口簿可邮寄"),
        "conditions": ["1岁以下、父母婚内在本市生育的婴儿", "按照随父随母自愿的原则，在父亲或者母亲户口所在地申报"],
        "materials": ["@birth_cert", "@hukou:随其落户一方的", "@id_card:父母", "@marriage_cert",
                      M("集体户所属单位同意落户证明", need="非必要", notes="落户集体户的提供。")],
        "result": ("居民户口簿（出生登记页）", "证照", "LIC-HUKOU"), "city_wide": True,
        "fields": [("child.name", "新生儿姓名", True, ""), ("child.sex", "新生儿性别", True, ""), ("child.birth_date", "新生儿出生日期", True, ""),
            "household.address"],
    },
    {
        "key": "ss_card_apply", "name": "社会保障卡申领", "aliases": ["社会保障卡（含电子社保卡）申领"], "guide": "社会保障卡申领", "agency": HR,
        "type": "公共服务", "basis": [(SOCIAL_INSURANCE_LAW, ""), (SS_CARD_RULES[0], "第十六条")], "objects": PERSON, "pthemes": [P_SOCIAL,
            "证件办理"],
        "promised": (10, "工作日", "制卡后邮寄或者到合作银行网点领取；即时制卡网点当场领卡，可同时领取电子社保卡"),
        "conditions": ["在本市居住的中国公民，或者在本市就业、参保的港澳台居民、华侨、外国人"],
        "materials": ["@id_card", M("白底免冠电子证件照", medium="电子", notes="358×441像素，小于50KB。"),
                      M("出生医学证明", issuer="助产机构", need="非必要", source="电子证照库调取", lic="LIC-BIRTH-CERT",
                          notes="16周岁以下申领的提供。"),
                      M("代领人有效身份证件", need="非必要", source="政府部门核发", lic="LIC-RESIDENT-ID")],
        "result": ("社会保障卡", "证照", "LIC-SOCIAL-SECURITY-CARD"), "city_wide": True, "weekend": True,
        "fields": ["delivery.method", "applicant.address"],
    },
    {
        "key": "maternity_reimbursement", "name": "生育医疗费用报销", "agency": MEDICAL, "type": "公共服务", "demo": True,
        "basis": [(SOCIAL_INSURANCE_LAW, "第五十四条（生育医疗费用和生育津贴）")], "objects": PERSON, "pthemes": ["生育收养", P_SOCIAL],
        "promised": (15, "工作日", "定点医疗机构联网直接结算的即时结算；零星报销15个工作日"),
        "conditions": ["参加本市职工基本医疗保险（生育保险）或者城乡居民基本医疗保险", "在定点医疗机构发生的生育医疗费用"],
        "materials": [M("医疗费用票据", issuer="医疗机构", medium="电子"), M("出院记录", issuer="医疗机构", kind="复印件"), "@id_card"],
        "result": ("生育医疗费用报销结算单", "其他", ""), "city_wide": True,
        "fields": [("child.birth_date", "新生儿出生日期", True, ""), "bank.name", "bank.account_number"],
    },
    {
        "key": "resident_medical_insurance", "name": "城乡居民基本医疗保险参保登记", "aliases": ["办理居民医保登记",
            "居民医保参保登记（城乡居民参保登记）"],
        "guide": "居民医保参保登记(城乡居民参保登记)", "agency": MEDICAL, "type": "公共服务", "base_name": "基本医疗保险参保和变更登记",
        "basic": "XA6101200001", "handling": ("", "01"), "basis": [(SOCIAL_INSURANCE_LAW, "第二十五条")], "objects": PERSON, "pthemes": [P_SOCIAL],
        "promised": (0, "即办", "现场即时办结；网上申请1个工作日内办结"),
        "conditions": ["未参加职工基本医疗保险或者其他医疗保障制度的城乡居民（含新生儿）"],
        "materials": [M("有效身份证件", issuer="公安机关等", source="电子证照库调取", lic="LIC-RESIDENT-ID",
                        notes="身份证、户口簿、居住证、护照等；新生儿可用出生医学证明。"), M("《城乡居民基本医疗保险参保登记表》",
                            source="在线填报")],
        "result": ("城乡居民医保参保登记信息", "证明/凭证", ""), "city_wide": True,
        "fields": ["household.address", ("residence.address", "居住地址", True, "")],
    },
    {
        "key": "parenting_guidance", "name": "科学育儿指导服务登记", "agency": HEALTH, "type": "公共服务", "demo": True,
        "basis": [("国务院办公厅关于促进3岁以下婴幼儿照护服务发展的指导意见（国办发〔2019〕15号）", "")], "objects": PERSON,
        "pthemes": ["生育收养"], "promised": (0, "即办"), "conditions": ["本市0—3岁婴幼儿的家庭"], "materials": ["@birth_cert"],
        "in_hall": False, "express": False, "result": ("科学育儿指导服务登记信息", "其他", ""),
        "fields": [("child.name", "新生儿姓名", True, ""), ("child.birth_date", "新生儿出生日期", True, ""), "residence.address"],
    },
    {
        "key": "school_enrolment_info", "name": "新生入学信息采集", "aliases": ["义务教育新生入学登记"], "agency": EDU, "type": "公共服务",
        "demo": True, "basis": [("中华人民共和国义务教育法", "第十二条（免试、就近入学）"), ("西安市义务教育招生入学工作实施意见", "当年度文件")],
        "objects": PERSON, "pthemes": ["教育科研"], "hf": True,
        "promised": (10, "工作日", "信息采集截止后10个工作日内完成入学资格审核，按学区划片公布结果"),
        "conditions": ["适龄儿童：小学一年级为当年8月31日前年满6周岁；初中一年级为当年小学毕业生",
                       "在本市有户籍或者持有本市居住证，在学区内有合法固定住所"],
        "materials": [licence_material("居民户口簿", "公安机关", "LIC-HUKOU", notes="由教育入学“一件事”共享户籍信息，核验通过的免于提交。"),
                      M("不动产权证书或者住房租赁备案证明", issuer="不动产登记机构或者住房租赁管理部门", source="电子证照库调取", lic="LIC-PROPERTY",
                        notes="有房产的由平台核验不动产登记信息；租房的上传租赁备案证明。"),
                      M("居住证", issuer="公安机关", need="非必要", source="电子证照库调取", lic="LIC-RESIDENCE-PERMIT", notes="非本市户籍的提供。"),
                      M("父母社会保险参保缴费记录", issuer="人力资源和社会保障部门", need="非必要", source="电子证照库调取",
                        lic="LIC-SOCIAL-INSURANCE-PROOF", notes="随迁子女入学的，由平台查询，免于提交。"),
                      VACCINATION],
        "result": ("义务教育新生入学登记结果", "其他", ""),
        "faqs": [("入学信息采集需要提交哪些纸质材料？",
            "不需要纸质材料。户籍、居住证、不动产和社保信息由“教育入学一件事”向公安、资源规划、人社部门共享核验，只有核验不通过的才需补充上传。"),
                 ("采集后怎么知道结果？", "资格审核结果通过短信和平台消息告知，同时在学区公布。")],
        "form": ["child.name", "child.id_number", "child.birth_date", "child.sex", "applicant.name", "applicant.id_number", "applicant.phone",
                 "guardian.relation", "household.address", "residence.address", "school.stage",
                 ("school.name", "意向学校", False, "按学区划片的对口学校；不确定的可不填")],
    },
    {
        "key": "hukou_certificate", "name": "户籍类证明", "aliases": ["户籍证明开具", "户籍信息确认"], "agency": POLICE, "type": "公共服务",
            "demo": True,
        "basis": [("中华人民共和国户口登记条例", "第三条（公安机关主管户口登记）")], "objects": PERSON, "pthemes": ["户籍办理"],
        "promised": (0, "即办", "网上开具电子户籍证明，即时出具"), "conditions": ["本市户籍居民，证明事项在户籍档案中有记载"],
        "materials": [M("户籍证明申请", source="在线填报", notes="写明证明用途；本人或者监护人申请。")], "in_hall": False,
        "result": ("户籍证明", "证明/凭证", "LIC-HUKOU-CERTIFICATE"),
        "fields": [("check.purpose", "证明用途", True, ""), "household.address"],
    },
    {
        "key": "residence_permit", "name": "居住证申领", "aliases": ["居住证"], "agency": POLICE, "type": "公共服务", "demo": True,
        "basis": [("居住证暂行条例（国务院令第663号）", "第九条、第十条")], "objects": PERSON, "pthemes": ["户籍办理", "证件办理"],
        "statutory": (15, "自然日", "条例：受理之日起15日内制作发放"), "promised": (10, "自然日"),
        "visits": 1, "visits_reason": "首次申领须到派出所或者社区服务站现场采集相片。",
        "conditions": ["离开常住户口所在地，到本市居住半年以上", "有合法稳定就业、合法稳定住所、连续就读条件之一"],
        "materials": ["@id_card", M("居住登记凭证或者合法稳定住所、就业、就读证明"), "@photo"],
        "result": ("居住证", "证照", "LIC-RESIDENCE-PERMIT"), "city_wide": True,
        "fields": ["residence.address", "household.address"],
    },
    {
        "key": "property_records_query", "name": "不动产登记资料查询", "aliases": ["不动产权证书", "不动产登记信息核验"], "agency": "市资源规划局",
        "type": "公共服务", "demo": True, "basis": [("不动产登记暂行条例", "第二十七条")], "objects": ["自然人", "企业法人"],
        "pthemes": ["住房保障"], "promised": (0, "即办", "网上查询即时出具查询结果；“一件事”内由部门共享核验"),
        "conditions": ["权利人、利害关系人，或者经权利人授权的部门（一件事联办）"], "materials": ["@id_card"], "in_hall": False,
        "result": ("不动产登记资料查询结果", "证明/凭证", ""),
        "fields": ["property.certificate_number", "property.address", ("check.purpose", "查询用途", True, "")],
    },
    {
        "key": "ss_payment_record", "name": "社会保险参保缴费记录查询", "aliases": ["个人参保证明查询打印"], "agency": HR, "type": "公共服务",
        "demo": True, "basis": [(SOCIAL_INSURANCE_LAW, "第七十四条（个人查询缴费记录）")], "objects": PERSON, "pthemes": [P_SOCIAL],
        "promised": (0, "即办"), "conditions": ["在本市参加社会保险的人员"], "materials": ["@id_card"], "in_hall": False, "city_wide": True,
        "result": ("社会保险个人参保证明", "证明/凭证", "LIC-SOCIAL-INSURANCE-PROOF"),
        "fields": [("check.purpose", "查询用途", True, ""), ("check.period", "查询期间", False, "")],
    },
    {
        "key": "study_abroad_archive", "name": "自费出国留学人员存档服务", "agency": EDU, "type": "公共服务", "demo": True,
        "basis": [("流动人员人事档案管理服务规定", "")], "objects": PERSON, "pthemes": ["教育科研"], "promised": (5, "工作日"),
        "conditions": ["本市生源、自费出国（境）留学的人员"], "materials": ["@id_card", M("录取通知书或者在读证明", kind="复印件"),
            M("人事档案（密封）", issuer="原档案保管单位")],
        "result": ("存档证明", "证明/凭证", ""), "fields": [("matter.description", "留学国家（地区）及院校", True, ""), "employment.employer"],
    },
    {
        "key": "state_sponsored_dispatch", "name": "国家公派留学人员派出服务", "agency": EDU, "type": "公共服务", "demo": True,
        "basis": [("国家公派出国留学人员派出管理规定", "")], "objects": PERSON, "pthemes": ["教育科研"], "promised": (10, "工作日"),
        "conditions": ["已获国家留学基金资助，由本市单位推荐派出"], "visits": 1, "visits_reason": "须现场签订《资助出国留学协议书》并办理公证。",
        "materials": ["@id_card", M("国家留学基金资助出国留学资格证书", issuer="国家留学基金管理委员会"), M("资助出国留学协议书及保证金")],
        "result": ("国家公派留学人员派出手续", "其他", ""), "fields": [("matter.description", "留学国家（地区）及院校", True, ""),
            "employment.employer"],
    },
    {
        "key": "foreign_degree_cert", "name": "国（境）外学历学位认证", "aliases": ["国(境)外学历学位认证"], "agency": EDU, "type": "公共服务",
            "demo": True,
        "basis": [("国（境）外学历学位认证评估办法", "")], "objects": PERSON, "pthemes": ["教育科研", "证件办理"],
        "promised": (10, "工作日", "材料齐全、无需向国（境）外院校核实的10个工作日；需要核实的，核实时间不计入"),
        "special": [{"name": "国（境）外院校核实", "note": "需向颁证院校核实学历学位真实性的，核实时间不计入。"}],
        "conditions": ["在国（境）外正规院校获得学历学位证书的中国公民"],
        "materials": ["@id_card", M("国（境）外学历学位证书", issuer="颁证院校"), M("成绩单或者研究证明"), M("护照及出入境记录", kind="复印件")],
        "result": ("国（境）外学历学位认证书", "证照", "LIC-FOREIGN-DEGREE-CERT"),
        "fields": [("matter.description", "颁证院校及学位名称", True, ""), "delivery.method"],
    },
    {
        "key": "returnee_employment_registration", "name": "留学人员就业报到", "agency": EDU, "type": "公共服务", "demo": True,
        "basis": [("流动人员人事档案管理服务规定", "就业报到与档案接转")], "objects": PERSON, "pthemes": ["就业创业", "教育科研"],
        "promised": (3, "工作日"), "conditions": ["回国（境）后在本市就业或者创业的留学人员"],
        "materials": ["@id_card", M("国（境）外学历学位认证书", issuer="教育部留学服务中心", source="电子证照库调取", lic="LIC-FOREIGN-DEGREE-CERT"),
                      M("劳动合同或者单位接收证明", kind="复印件")],
        "result": ("就业报到证明", "证明/凭证", ""), "fields": ["employment.employer", ("matter.description", "档案所在单位", True, "")],
    },
    {
        "key": "exit_entry_record", "name": "个人因私出入境记录查询", "agency": POLICE, "type": "公共服务", "demo": True,
        "basis": [("中华人民共和国出境入境管理法", "")], "objects": PERSON, "pthemes": ["出境入境"], "promised": (3, "工作日"),
        "conditions": ["本人或者授权部门（一件事联办）查询"], "materials": ["@id_card"], "in_hall": False,
        "result": ("出入境记录查询结果", "证明/凭证", ""), "fields": [("check.purpose", "查询用途", True, ""), ("check.period", "查询期间", True,
            "")],
    },
    _card_service("ss_card_employment", "社会保障卡就业和社保服务", "就业和人力资源服务、社保服务", HR, P_SOCIAL,
                  (SOCIAL_INSURANCE_LAW, "第七十四条（社会保险经办与个人权益记录）"), "社会保障卡就业和社保服务开通信息"),
    _card_service("ss_card_medical", "社会保障卡就医购药结算", "就医购药", MEDICAL, "医疗卫生",
                  ("国家医疗保障局关于医保电子凭证和社会保障卡就医结算的有关规定", ""), "社会保障卡就医结算功能开通信息"),
    _card_service("ss_card_transport", "社会保障卡乘坐公共交通", "交通出行", "市交通局", "交通出行",
                  ("西安市社会保障卡居民服务“一卡通”实施方案", "交通出行应用"), "社会保障卡乘车功能开通信息"),
    _card_service("ss_card_culture", "社会保障卡文化体验服务", "文化体验", "市文化旅游局", "文化体育",
                  ("西安市社会保障卡居民服务“一卡通”实施方案", "文化体验应用"), "社会保障卡文化场馆通行功能开通信息"),
    {
        "key": "disability_cert_new", "name": "残疾人证新办", "aliases": ["残疾人证新办、换领、迁移、挂失补办、注销、残疾类别/等级变更"],
        "guide": "残疾人证新办", "agency": DPF, "type": "公共服务", "base_name": "残疾人证办理", "basic": "XA6101300001", "handling": ("", "01"),
        "basis": DISABILITY_RULES, "objects": PERSON, "pthemes": [P_SOCIAL, "证件办理"], "cross": "cross_province",
        "promised": (30, "工作日", "街镇录入审批10个工作日内，区残联制证20个工作日内", "guides.json 广州示例。"),
        "special": [{"name": "残疾评定", "max_days": 20, "note": "到残联指定的医疗机构进行残疾评定，评定时间不计入办结时限。"}],
        "visits": 2, "visits_reason": "提交申请，并到指定医疗机构接受残疾评定，本人须到场。",
        "conditions": ["符合视力、听力、言语、肢体、智力、精神或者多重残疾标准", "在户籍地（或者持居住证在经常居住地，跨省通办）申请"],
        "materials": [M("中华人民共和国残疾人证申请表", source="在线填报"), "@id_card", "@hukou", M("近期二寸免冠白底彩色照片", copies=4),
                      M("法定监护人身份证、户口簿", kind="原件和复印件", need="非必要", source="政府部门核发", lic="LIC-RESIDENT-ID",
                        notes="未成年人及智力、精神残疾人申请的提供。"),
                      M("居住证", issuer="公安机关", need="非必要", source="电子证照库调取", lic="LIC-RESIDENCE-PERMIT", notes="跨省通办的提供。")],
        "result": ("中华人民共和国残疾人证", "证照", "LIC-DISABILITY-CERT"),
        "fields": ["disability.category", "household.address", "delivery.method"],
    },
    _disability_card("disability_cert_renew", "换领", "补证/换证", "02", 20, ["残疾人证有效期满或者证件损坏"], ["@disability_cert", "@photo"]),
    _disability_card("disability_cert_transfer", "迁移", "变更", "03", 10, ["持证人户籍迁移至本市"], ["@disability_cert", "@hukou"]),
    _disability_card("disability_cert_reissue", "挂失补办", "补证/换证", "04", 20, ["残疾人证遗失"], ["@photo"]),
    _disability_card("disability_cert_cancel", "注销", "注销", "05", 5, ["持证人死亡、户籍迁出本市或者残疾状况消失"],
                     [M("死亡、迁出或者康复的证明材料", need="非必要", notes="由平台共享户籍、殡葬信息的免于提交。")]),
    _disability_card("disability_cert_change", "残疾类别/等级变更", "变更", "06", 30, ["残疾状况发生变化，经重新评定类别或者等级改变"],
                     ["@disability_cert", M("残疾评定表", issuer="残联指定医疗机构")]),
    {
        "key": "disability_living_allowance", "name": "困难残疾人生活补贴", "agency": "市民政局", "co": [DPF], "type": "行政给付", "demo": True,
        "basis": [ALLOWANCE_RULES], "objects": PERSON, "pthemes": [P_SOCIAL], "statutory": (30, "工作日"), "promised": (20, "工作日"),
        "conditions": ["持有第二代残疾人证", "属于最低生活保障家庭中的残疾人（有条件的扩大到低收入残疾人）"],
        "materials": [M("困难残疾人生活补贴申请审批表", source="在线填报"), "@disability_cert", "@id_card"],
        "result": ("困难残疾人生活补贴审批决定", "批文/决定书", ""), "fields": ["disability.category", "bank.name", "bank.account_number"],
    },
    {
        "key": "severe_disability_care_allowance", "name": "重度残疾人护理补贴", "agency": "市民政局", "co": [DPF], "type": "行政给付", "demo": True,
        "basis": [ALLOWANCE_RULES], "objects": PERSON, "pthemes": [P_SOCIAL], "statutory": (30, "工作日"), "promised": (20, "工作日"),
        "conditions": ["持有第二代残疾人证，残疾等级被评定为一级、二级且需要长期照护"],
        "materials": [M("重度残疾人护理补贴申请审批表", source="在线填报"), "@disability_cert", "@id_card"],
        "result": ("重度残疾人护理补贴审批决定", "批文/决定书", ""), "fields": ["disability.level", "bank.name", "bank.account_number"],
    },
    {
        "key": "disabled_employment_support", "name": "残疾人就业帮扶", "agency": DPF, "co": [HR], "type": "公共服务", "demo": True,
        "basis": [("残疾人就业条例（国务院令第488号）", "")], "objects": PERSON, "pthemes": ["就业创业"], "promised": (10, "工作日"),
        "conditions": ["持有残疾人证、在法定劳动年龄内有就业意愿的残疾人"], "materials": ["@disability_cert", "@id_card"],
        "result": ("残疾人就业帮扶登记及服务计划", "其他", ""), "fields": ["disability.category", ("matter.description", "就业意向", True, "")],
    },
    {
        "key": "disabled_pension_subsidy", "name": "城乡居民基本养老保险补助", "aliases": ["重度残疾人城乡居民养老保险代缴"], "agency": HR,
        "type": "行政给付", "demo": True, "basis": [("国务院关于建立统一的城乡居民基本养老保险制度的意见（国发〔2014〕8号）", "为缴费困难群体代缴")],
        "objects": PERSON, "pthemes": [P_SOCIAL], "promised": (10, "工作日"),
        "conditions": ["参加城乡居民基本养老保险的重度残疾人等缴费困难群体"], "materials": ["@disability_cert", "@id_card"],
        "result": ("城乡居民养老保险缴费补助核定结果", "其他", ""), "fields": ["disability.level", "household.address"],
    },
    {
        "key": "resident_pension_claim", "name": "城乡居民基本养老保险待遇申领", "guide": "城乡居民基本养老保险待遇申领", "agency": HR,
            "type": "公共服务",
        "basis": [("国务院关于建立统一的城乡居民基本养老保险制度的意见（国发〔2014〕8号）", ""),
            ("城乡居民基本养老保险经办规程（人社部发〔2014〕23号）", "第二十六条")],
        "objects": PERSON, "pthemes": ["离职退休", P_SOCIAL], "promised": (1, "工作日", "符合条件的次月起按月发放"),
        "conditions": ["年满60周岁", "累计缴费满15年（制度实施时已满60周岁等情形按过渡办法）", "未领取国家规定的基本养老保障待遇"],
        "materials": ["@id_card", "@hukou"], "result": ("城乡居民基本养老保险待遇核定结果", "其他", ""), "city_wide": True,
        "fields": ["bank.name", "bank.account_number", "household.address"],
    },
]
