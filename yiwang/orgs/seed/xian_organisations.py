"""Organisations of Xi'an (data; loaded by yiwang/orgs/seed/loader.py).

`short_name` is exactly how the seed tables (seed 003 annexes) name an agency, because the bundle
data and other apps look agencies up by it; `name` is the full official name.

Every organisation is demo data in one respect: its unified social credit code is made up (the
real codes are not in the sources). Codes are built as `<category><division>YW<serial>` plus the
GB 32100 check character ("YW" marks a platform-made organisation code), so they validate and are
stable across runs. Category: 11 government organ (机关), 12 public institution (事业单位),
13 people's organisation (群团), 91 enterprise. Phones and addresses are plausible demo values.
"""

from yiwang.orgs.constants import ExerciseLevel, OrganisationKind

GOV = OrganisationKind.GOVERNMENT
DEPT = OrganisationKind.DEPARTMENT
CENTER = OrganisationKind.SERVICE_CENTER
OTHER = OrganisationKind.OTHER
CITY = ExerciseLevel.CITY
PROVINCE = ExerciseLevel.PROVINCIAL

ROOT = "西安市人民政府"
CITY_HALL = "市政务服务中心"
CITY_HALL_ADDRESS = "西安市未央区凤城八路109号"
CITY_ADMIN_CENTRE = "西安市未央区凤城八路109号（市行政中心）"

# (short_name, name, kind, level, division, parent short_name, category, serial, address)
# The root first; a parent is always listed before its children.
CITY_ORGANISATIONS = [
    (ROOT, "西安市人民政府", GOV, CITY, "610100", None, "11", 1, CITY_ADMIN_CENTRE),
    ("市行政审批局", "西安市行政审批服务局", DEPT, CITY, "610100", ROOT, "11", 2, CITY_ADMIN_CENTRE),
    # The city hall is run by the approval bureau (a public institution under it).
    (CITY_HALL, "西安市政务服务中心", CENTER, CITY, "610100", "市行政审批局", "12", 3, CITY_HALL_ADDRESS),
    ("市市场监管局", "西安市市场监督管理局", DEPT, CITY, "610100", ROOT, "11", 4, CITY_ADMIN_CENTRE),
    ("市公安局", "西安市公安局", DEPT, CITY, "610100", ROOT, "11", 5, "西安市莲湖区西七路（市公安局）"),
    # Not a city department: the central bank's Shaanxi branch office that serves Xi'an (after the
    # 2023 reform of the PBoC's branches). Placed under the city root only so the platform's data
    # scopes reach it; kind "other" and provincial exercise level say what it really is.
    ("人行陕西省分行营管部", "中国人民银行陕西省分行营业管理部", OTHER, PROVINCE, "610000", ROOT, "11", 6,
     "西安市新城区东新街（人民银行陕西省分行）"),
    # Vertically managed by the State Taxation Administration, but a city-level agency.
    ("市税务局", "国家税务总局西安市税务局", DEPT, CITY, "610100", ROOT, "11", 7, "西安市雁塔区高新路（市税务局）"),
    ("市人社局", "西安市人力资源和社会保障局", DEPT, CITY, "610100", ROOT, "11", 8, CITY_ADMIN_CENTRE),
    ("西安市养老保险经办处", "西安市养老保险经办处", DEPT, CITY, "610100", "市人社局", "12", 9, "西安市莲湖区（市社保经办大厅）"),
    ("住房公积金管理中心", "西安住房公积金管理中心", DEPT, CITY, "610100", ROOT, "12", 10, "西安市未央区凤城八路（公积金中心）"),
    ("市交通局", "西安市交通运输局", DEPT, CITY, "610100", ROOT, "11", 11, CITY_ADMIN_CENTRE),
    ("市城管执法局", "西安市城市管理和综合执法局", DEPT, CITY, "610100", ROOT, "11", 12, CITY_ADMIN_CENTRE),
    ("市消防救援支队", "西安市消防救援支队", DEPT, CITY, "610100", ROOT, "11", 13, "西安市新城区（市消防救援支队）"),
    ("市发改委", "西安市发展和改革委员会", DEPT, CITY, "610100", ROOT, "11", 14, CITY_ADMIN_CENTRE),
    ("市水务局", "西安市水务局", DEPT, CITY, "610100", ROOT, "11", 15, CITY_ADMIN_CENTRE),
    ("市工信局", "西安市工业和信息化局", DEPT, CITY, "610100", ROOT, "11", 16, CITY_ADMIN_CENTRE),
    ("市资源规划局", "西安市自然资源和规划局", DEPT, CITY, "610100", ROOT, "11", 17, CITY_ADMIN_CENTRE),
    ("市生态环境局", "西安市生态环境局", DEPT, CITY, "610100", ROOT, "11", 18, CITY_ADMIN_CENTRE),
    ("市卫生健康委", "西安市卫生健康委员会", DEPT, CITY, "610100", ROOT, "11", 19, CITY_ADMIN_CENTRE),
    ("市文化旅游局", "西安市文化和旅游局", DEPT, CITY, "610100", ROOT, "11", 20, CITY_ADMIN_CENTRE),
    ("市应急管理局", "西安市应急管理局", DEPT, CITY, "610100", ROOT, "11", 21, CITY_ADMIN_CENTRE),
    ("市住建局", "西安市住房和城乡建设局", DEPT, CITY, "610100", ROOT, "11", 22, CITY_ADMIN_CENTRE),
    ("市科技局", "西安市科学技术局", DEPT, CITY, "610100", ROOT, "11", 23, CITY_ADMIN_CENTRE),
    # Courts, the garrison, the party's organisation department and customs are not government
    # departments; the seed tables name them as responsible units, so they are "other".
    ("市法院", "西安市中级人民法院", OTHER, CITY, "610100", ROOT, "11", 24, "西安市未央区（市中级人民法院）"),
    ("市医疗保障局", "西安市医疗保障局", DEPT, CITY, "610100", ROOT, "11", 25, CITY_ADMIN_CENTRE),
    # The seed calls it "关中海关"; we keep that name rather than guess a fuller one. It is a
    # customs office under the General Administration of Customs (vertical), not a city department.
    ("关中海关", "关中海关", OTHER, CITY, "610100", ROOT, "11", 26, "西安市国际港务区（关中海关）"),
    ("市教育局", "西安市教育局", DEPT, CITY, "610100", ROOT, "11", 27, CITY_ADMIN_CENTRE),
    ("市残联", "西安市残疾人联合会", DEPT, CITY, "610100", ROOT, "13", 28, CITY_ADMIN_CENTRE),
    ("市民政局", "西安市民政局", DEPT, CITY, "610100", ROOT, "11", 29, CITY_ADMIN_CENTRE),
    ("市统计局", "西安市统计局", DEPT, CITY, "610100", ROOT, "11", 30, CITY_ADMIN_CENTRE),
    ("市退役军人局", "西安市退役军人事务局", DEPT, CITY, "610100", ROOT, "11", 31, CITY_ADMIN_CENTRE),
    ("西安警备区", "西安警备区", OTHER, CITY, "610100", ROOT, "11", 32, "西安市新城区（西安警备区）"),
    ("市委组织部", "中共西安市委组织部", OTHER, CITY, "610100", ROOT, "11", 33, CITY_ADMIN_CENTRE),
    ("市商务局", "西安市商务局", DEPT, CITY, "610100", ROOT, "11", 34, CITY_ADMIN_CENTRE),
    ("市数据局", "西安市数据局", DEPT, CITY, "610100", ROOT, "11", 35, CITY_ADMIN_CENTRE),
    ("市司法局", "西安市司法局", DEPT, CITY, "610100", ROOT, "11", 36, CITY_ADMIN_CENTRE),
    ("市12345热线服务中心", "西安市12345市民服务热线服务中心", OTHER, CITY, "610100", "市数据局", "12", 37,
     CITY_ADMIN_CENTRE),
    # Utilities named in the 水电气网联合报装 bundle ("市发改委及供电企业" …): co-handlers of the
    # connection items. Enterprises (91); placed under the root for data scope only.
    ("供电企业", "国网陕西省电力有限公司西安供电公司", OTHER, CITY, "610100", ROOT, "91", 38, "西安市新城区（西安供电公司）"),
    ("供气企业", "西安秦华燃气集团有限公司", OTHER, CITY, "610100", ROOT, "91", 39, "西安市碑林区（秦华燃气）"),
    ("供水企业", "西安水务（集团）有限责任公司", OTHER, CITY, "610100", ROOT, "91", 40, "西安市碑林区（西安水务集团）"),
    ("网络运营商", "基础电信运营企业西安分公司（电信、移动、联通、广电）", OTHER, CITY, "610100", ROOT, "91", 41,
     "西安市雁塔区（通信报装联合服务点）"),
]

# Per district: a road for the plausible demo addresses of its government and hall.
DISTRICT_ROADS = {
    "610102": "长乐中路", "610103": "南关正街", "610104": "西关正街", "610111": "纺织城正街",
    "610112": "凤城二路", "610113": "雁塔北路", "610114": "人民路", "610115": "华清路", "610116": "韦曲南街",
    "610117": "鹿苑大道", "610118": "画展街", "610122": "向阳路", "610124": "云塔路",
}

# District departments beyond the government and its hall: (short-name suffix, full-name suffix,
# serial). 雁塔区 has the four departments its 2021 "一件事" list needs (seed 002); the others get
# two each (demo).
YANTA_DEPARTMENTS = [
    ("行政审批服务局", "行政审批服务局", 3),
    ("市场监管局", "市场监督管理局", 4),
    ("人社局", "人力资源和社会保障局", 5),
    ("民政局", "民政局", 6),
    ("司法局", "司法局", 7),
]
OTHER_DISTRICT_DEPARTMENTS = [
    ("行政审批服务局", "行政审批服务局", 3),
    ("市场监管局", "市场监督管理局", 4),
]

HALL_HOURS = "周一至周五 9:00—12:00，13:00—17:00（法定节假日除外）"
WEEKEND_HOURS = "周一至周五 9:00—12:00，13:00—17:00；周六 9:00—17:00 延时服务（法定节假日除外）"
