"""Stable values of the policy library: kinds, statuses, the attributes rules may use, error codes."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models


class PolicyKind(models.TextChoices):
    # 免申即享: the platform finds who qualifies and offers the benefit; the subject only confirms.
    AUTOMATIC = "automatic", "免申即享"
    # The subject applies (the platform tells them they qualify and links the application).
    APPLICATION = "application", "依申请"


class SubjectKind(models.TextChoices):
    # The same values as licences' profile kinds (the profile's `kind`).
    PERSON = "person", "个人"
    ENTERPRISE = "enterprise", "企业"


class PolicyStatus(models.TextChoices):
    DRAFT = "draft", "草稿"  # being written; matched only in the test harness
    PUBLISHED = "published", "已发布"  # public, matched, pushed
    WITHDRAWN = "withdrawn", "已停止"  # no longer matched; earlier entitlements stay as they were


class PolicyCategory(models.TextChoices):
    SUBSIDY = "subsidy", "补贴奖励"
    TAX = "tax", "税费减免"
    TALENT = "talent", "人才政策"
    ELDERLY = "elderly", "养老服务"
    DISABILITY = "disability", "助残服务"
    EMPLOYMENT = "employment", "就业创业"
    FINANCE = "finance", "融资支持"


class EntitlementStatus(models.TextChoices):
    OFFERED = "offered", "待确认"  # created by matching a 免申即享 policy; its case awaits confirmation
    CONFIRMED = "confirmed", "已确认"  # the subject accepted; the case was submitted (payment follows its decision)
    DECLINED = "declined", "已放弃"  # the subject said no; never offered again in this policy period
    LAPSED = "lapsed", "逾期未确认"  # not confirmed within CONFIRM_DAYS; the case was closed
    APPLIED = "applied", "已申请"  # an application-kind policy: the prefilled application (draft or case)


class ErrorCode(models.TextChoices):
    RULE_INVALID = "policy_rule_invalid", "资格规则有误"
    FIELD_INVALID = "policy_field_invalid", "政策信息有误"
    CODE_TAKEN = "policy_code_taken", "政策编号已存在"
    NOT_EDITABLE = "policy_not_editable", "政策当前状态不可修改"
    ENTITLEMENT_DECIDED = "entitlement_decided", "已处理"


class AttrType(models.TextChoices):
    NUMBER = "number", "数值"
    ENUM = "enum", "选项"
    CODE = "code", "代码（可按前缀匹配）"


@dataclass(frozen=True)
class Attribute:
    name: str
    label: str
    subject_kind: str
    type: str
    unit: str = ""
    choices: tuple[tuple[str, str], ...] = ()  # (value, label); enums only
    hint: str = ""


# The attributes a rule may name. Each is read from (or derived from) one licences profile field;
# "age" and "years_since_founding" are whole years on the day of matching.
ATTRIBUTES: dict[str, Attribute] = {a.name: a for a in (
    Attribute("age", "年龄", SubjectKind.PERSON, AttrType.NUMBER, "周岁"),
    Attribute("residence_division", "居住地", SubjectKind.PERSON, AttrType.CODE,
              hint="行政区划代码，如 610113（雁塔区）、610113J01（街道）"),
    Attribute("disability_grade", "残疾等级", SubjectKind.PERSON, AttrType.ENUM,
              choices=(("none", "无"), ("1", "一级"), ("2", "二级"), ("3", "三级"), ("4", "四级"))),
    Attribute("employment_status", "就业状态", SubjectKind.PERSON, AttrType.ENUM,
              choices=(("employed", "在职"), ("flexible", "灵活就业"), ("self_employed", "个体经营 / 自主创业"),
                       ("unemployed", "登记失业"), ("retired", "退休"), ("student", "在校学生"))),
    Attribute("household_kind", "户别", SubjectKind.PERSON, AttrType.ENUM,
              choices=(("family", "家庭户"), ("collective", "集体户"))),
    Attribute("household_size", "户内人数", SubjectKind.PERSON, AttrType.NUMBER, "人"),
    Attribute("industry_code", "行业", SubjectKind.ENTERPRISE, AttrType.CODE,
              hint="GB/T 4754-2017 行业代码，如 H（住宿和餐饮业）、H62（餐饮业）、I65（软件和信息技术服务业）"),
    Attribute("enterprise_size", "企业规模", SubjectKind.ENTERPRISE, AttrType.ENUM,
              choices=(("large", "大型"), ("medium", "中型"), ("small", "小型"), ("micro", "微型"))),
    Attribute("district", "所在区县", SubjectKind.ENTERPRISE, AttrType.CODE, hint="行政区划代码，如 610113（雁塔区）"),
    Attribute("credit_grade", "信用等级", SubjectKind.ENTERPRISE, AttrType.ENUM,
              choices=(("A", "A 级"), ("B", "B 级"), ("C", "C 级"), ("D", "D 级"))),
    Attribute("years_since_founding", "成立年限", SubjectKind.ENTERPRISE, AttrType.NUMBER, "年"),
    Attribute("employees", "从业人数", SubjectKind.ENTERPRISE, AttrType.NUMBER, "人"),
)}

# Operators by attribute type, with how each reads in Chinese.
OPERATORS: dict[str, dict[str, str]] = {
    AttrType.NUMBER: {"==": "等于", "!=": "不等于", "<": "小于", "<=": "不超过", ">": "大于", ">=": "不少于",
                      "between": "介于", "in": "为下列之一", "known": "已登记"},
    AttrType.ENUM: {"in": "为下列之一", "not_in": "不为下列任一", "==": "为", "!=": "不为", "known": "已登记"},
    AttrType.CODE: {"prefix": "属于", "not_prefix": "不属于", "==": "为", "in": "为下列之一", "known": "已登记"},
}

MAX_RULE_DEPTH = 8
MAX_RULE_NODES = 200
MAX_LIST_VALUES = 100

# Names shown beside codes in rule texts and explanations (codes not listed are shown bare).
CODE_NAMES: dict[str, dict[str, str]] = {
    "division": {
        "61": "陕西省", "6101": "西安市", "610102": "新城区", "610103": "碑林区", "610104": "莲湖区",
        "610111": "灞桥区", "610112": "未央区", "610113": "雁塔区", "610114": "阎良区", "610115": "临潼区",
        "610116": "长安区", "610117": "高陵区", "610118": "鄠邑区", "610122": "蓝田县", "610124": "周至县",
        "610113J01": "雁塔区小寨路街道",
    },
    "industry": {
        "A": "农、林、牧、渔业", "C": "制造业", "C36": "汽车制造业", "C39": "计算机、通信和其他电子设备制造业",
        "E": "建筑业", "F": "批发和零售业", "G": "交通运输、仓储和邮政业", "H": "住宿和餐饮业", "H61": "住宿业",
        "H62": "餐饮业", "H6210": "正餐服务", "H6220": "快餐服务", "I": "信息传输、软件和信息技术服务业",
        "I65": "软件和信息技术服务业", "J": "金融业", "K": "房地产业", "L": "租赁和商务服务业",
        "M": "科学研究和技术服务业", "M73": "研究和试验发展", "O": "居民服务、修理和其他服务业",
        "P": "教育", "Q": "卫生和社会工作", "R": "文化、体育和娱乐业",
    },
}
CODE_TABLE_OF = {"residence_division": "division", "district": "division", "industry_code": "industry"}
