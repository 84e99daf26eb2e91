from django.db import models


class DivisionLevel(models.TextChoices):
    PROVINCE = "province", "省"
    CITY = "city", "市"
    DISTRICT = "district", "区县"  # GB/T 2260 county-level division
    ZONE = "zone", "开发区（平台编码）"  # development zones have no national code (STANDARDS §6)
    STREET = "street", "街道（镇）"
    COMMUNITY = "community", "社区（村）"


class ExerciseLevel(models.TextChoices):
    """行使层级 (GB/T 39046 appendix A)."""

    NATIONAL = "1", "国家级"
    PROVINCIAL = "2", "省级"
    CITY = "3", "市级"
    COUNTY = "4", "县级"
    TOWNSHIP = "5", "乡镇/街道级"
    VILLAGE = "6", "村/社区级"
    GRADED = "7", "分级管理"


class OrganisationKind(models.TextChoices):
    GOVERNMENT = "government", "人民政府/管委会"
    DEPARTMENT = "department", "部门/机构"  # an agency that decides (实施主体)
    SERVICE_CENTER = "service_center", "政务服务中心"
    STREET_CENTER = "street_center", "便民服务中心（街道）"
    COMMUNITY_STATION = "community_station", "便民服务站（社区）"
    OTHER = "other", "其他单位"  # courts, utilities, garrison … named in the seed tables


class Role(models.TextChoices):
    WINDOW_CLERK = "window_clerk", "综合窗口人员"
    DEPT_REVIEWER = "dept_reviewer", "部门审查人员"
    DEPT_APPROVER = "dept_approver", "部门审批（决定）人员"
    CATALOG_EDITOR = "catalog_editor", "事项编辑"
    CATALOG_REVIEWER = "catalog_reviewer", "事项审核"
    HOTLINE_OPERATOR = "hotline_operator", "12345 话务员"
    HOTLINE_HANDLER = "hotline_handler", "12345 承办单位人员"  # signs for, handles and replies to tickets
    VISIT_LEADER = "visit_leader", "包抓领导（大走访）"  # assigned leader of key enterprises and projects
    LICENCE_OFFICER = "licence_officer", "电子证照管理人员"  # imports, revokes and cancels licences
    RATING_OFFICER = "rating_officer", "好差评整改人员"  # verifies and rectifies bad ratings of the unit
    HALL_MANAGER = "hall_manager", "大厅管理人员"  # outlets, opening hours, appointment slots, queues
    SERVICE_ASSISTANT = "service_assistant", "帮办代办人员"  # helps or acts for applicants
    COURIER = "courier", "信包箱交通员（快递）"  # carries locker drop-offs from the lockers to the hall
    POLICY_OFFICER = "policy_officer", "政策管理人员"  # policy library and eligibility rules
    KNOWLEDGE_EDITOR = "knowledge_editor", "知识库编辑"  # knowledge entries, synonyms, reply templates
    LEADER = "leader", "领导（指标查看）"  # reads indicators and dashboards of the subtree
    SUPERVISOR = "supervisor", "电子监察（督办）人员"
    ADMINISTRATOR = "administrator", "系统管理员"
