"""Administrative divisions of Xi'an (data; loaded by yiwang/orgs/seed/loader.py).

- Province, city and the 13 districts/counties carry their GB/T 2260 codes (STANDARDS §6).
- Development zones have no national code: the platform gives them "610100Z<nn>" codes
  (`is_national_code` false). They are real zones, so not demo.
- Streets (街道/镇) are real names; their statistical codes are not used here, the platform code is
  "<district>J<nn>". Communities are demo names with codes "<street>C<nn>". Both are `is_demo`.
  周至县 哑柏镇新区社区 and 楼观镇新镇社区 are named in seed 000 (the 2020 reply of the approval bureau).
"""

PROVINCE = ("610000", "陕西省")
CITY = ("610100", "西安市")

# GB/T 2260 codes of Xi'an's districts and counties (STANDARDS §6).
DISTRICTS = [
    ("610102", "新城区"),
    ("610103", "碑林区"),
    ("610104", "莲湖区"),
    ("610111", "灞桥区"),
    ("610112", "未央区"),
    ("610113", "雁塔区"),
    ("610114", "阎良区"),
    ("610115", "临潼区"),
    ("610116", "长安区"),
    ("610117", "高陵区"),
    ("610118", "鄠邑区"),
    ("610122", "蓝田县"),
    ("610124", "周至县"),
]

# Development zones: platform codes, clearly not national (letters in the code).
ZONES = [
    ("610100Z01", "西咸新区", "陕西省西咸新区开发建设管理委员会"),
    ("610100Z02", "高新区", "西安高新技术产业开发区管理委员会"),
    ("610100Z03", "经开区", "西安经济技术开发区管理委员会"),
    ("610100Z04", "曲江新区", "西安曲江新区管理委员会"),
    ("610100Z05", "浐灞生态区", "西安浐灞生态区管理委员会"),
    ("610100Z06", "国际港务区", "西安国际港务区管理委员会"),
    ("610100Z07", "航天基地", "西安国家民用航天产业基地管理委员会"),
    ("610100Z08", "航空基地", "西安阎良国家航空高技术产业基地管理委员会"),
]

# district code -> [(street name, [community names])]. Street names are real; community names are
# demo unless noted above.
STREETS = {
    "610102": [("西一路街道", ["东七路社区"]), ("解放门街道", ["尚德路社区", "北新街社区"])],
    "610103": [("南院门街道", ["五味什字社区"]), ("柏树林街道", ["东木头市社区"]), ("长乐坊街道", ["东关正街社区"])],
    "610104": [("北院门街道", ["西华门社区"]), ("青年路街道", ["药王洞社区"])],
    "610111": [("纺织城街道", ["纺建路社区"]), ("十里铺街道", ["东城社区"])],
    "610112": [("张家堡街道", ["凤城八路社区", "文景路社区"]), ("大明宫街道", ["太华北路社区"])],
    "610113": [
        ("小寨路街道", ["小寨东路社区", "长安中路社区"]),
        ("大雁塔街道", ["雁塔西路社区"]),
        ("长延堡街道", ["东仪路社区", "雁环路社区"]),
        ("电子城街道", ["电子二路社区"]),
    ],
    "610114": [("凤凰路街道", ["人民路社区"]), ("新华路街道", ["前进路社区"])],
    "610115": [("骊山街道", ["华清路社区"]), ("秦陵街道", ["秦陵社区"])],
    "610116": [("韦曲街道", ["韦曲南街社区"]), ("郭杜街道", ["学府路社区"])],
    "610117": [("鹿苑街道", ["鹿苑社区"]), ("泾渭街道", ["泾渭社区"])],
    "610118": [("甘亭街道", ["画展街社区"]), ("余下街道", ["余下社区"])],
    "610122": [("蓝关街道", ["向阳路社区"]), ("华胥镇", ["华胥社区"])],
    "610124": [("哑柏镇", ["新区社区"]), ("楼观镇", ["新镇社区"])],
}


def street_code(district_code: str, index: int) -> str:
    """Platform code of the index-th street (1-based) of a district: clearly not national."""
    return f"{district_code}J{index:02d}"


def community_code(street: str, index: int) -> str:
    return f"{street}C{index:02d}"
