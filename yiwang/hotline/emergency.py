"""Emergencies belong to 110/119/120/122, which stay separate from 12345 (国办发〔2020〕53号; seed 001
§28: 12345 linked with 110, 119, 120, 122). Words that suggest one are detected at intake; the
caller is told clearly, and an agent confirms the referral. Pure."""

from __future__ import annotations

from yiwang.hotline.constants import EmergencyLine

KEYWORDS: dict[str, tuple[str, ...]] = {
    EmergencyLine.FIRE: ("着火", "起火", "失火", "火灾", "冒烟", "燃气泄漏", "煤气泄漏", "爆炸"),
    EmergencyLine.AMBULANCE: ("昏迷", "晕倒", "没有呼吸", "心脏病发", "大出血", "急救", "中毒", "抽搐"),
    EmergencyLine.TRAFFIC: ("车祸", "交通事故", "撞车", "追尾", "撞人"),
    EmergencyLine.POLICE: ("抢劫", "打架", "持刀", "杀人", "绑架", "入室盗窃", "正在偷", "家暴", "报警"),
}

MESSAGES = {
    EmergencyLine.FIRE: "如有火情或燃气泄漏，请立即拨打 119 火警电话。",
    EmergencyLine.AMBULANCE: "如有人受伤或病危，请立即拨打 120 急救电话。",
    EmergencyLine.TRAFFIC: "如发生交通事故，请立即拨打 122 交通事故报警电话。",
    EmergencyLine.POLICE: "如正在发生违法犯罪或人身安全受到威胁，请立即拨打 110 报警电话。",
}


def detect(text: str) -> list[tuple[str, str]]:
    """(line, keyword) for every emergency word found, one per line, in the order above."""
    found = []
    for line, words in KEYWORDS.items():
        for word in words:
            if word in (text or ""):
                found.append((str(line), word))
                break
    return found


def message_for(lines: list[str]) -> str:
    return "".join(MESSAGES[EmergencyLine(line)] for line in lines) + "12345 热线不处理紧急警情。"
