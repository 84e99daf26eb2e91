"""The optional generative backend: an OpenAI-compatible chat endpoint that may only rephrase the
retrieved passages, citing them as [1], [2] …. Off by default (settings.GUIDANCE_LLM_URL empty).

Whatever it returns is dropped unless every sentence cites a passage that was given: the answer
page never shows a requirement nobody wrote down.
"""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import Sequence

from django.conf import settings

PROMPT = ("你是政务服务导办助手。只能根据下面编号的办事指南原文回答，不得补充原文没有的要求、材料或时限。"
          "每句话末尾用 [编号] 注明出处。原文没有答案时回答“请拨打12345咨询”。")
_CITATION = re.compile(r"\[(\d+)\]")


def enabled() -> bool:
    return bool(getattr(settings, "GUIDANCE_LLM_URL", ""))


def phrase(question: str, passages: Sequence[tuple[str, str]]) -> str:
    """The backend's answer, or "" when off, failing, or not grounded in the passages."""
    if not enabled() or not passages:
        return ""
    numbered = "\n".join(f"[{i}] {name}：{text}" for i, (name, text) in enumerate(passages, 1))
    body = {"model": getattr(settings, "GUIDANCE_LLM_MODEL", "default"), "temperature": 0,
            "messages": [{"role": "system", "content": PROMPT},
                         {"role": "user", "content": f"{numbered}\n\n问题：{question}"}]}
    req = urllib.request.Request(settings.GUIDANCE_LLM_URL.rstrip("/") + "/chat/completions",  # noqa: S310 — scheme checked below
                                 data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json",
                                          "Authorization": f"Bearer {getattr(settings, 'GUIDANCE_LLM_KEY', '')}"})
    if not settings.GUIDANCE_LLM_URL.startswith(("http://", "https://")):
        return ""
    try:
        with urllib.request.urlopen(req, timeout=getattr(settings, "GUIDANCE_LLM_TIMEOUT", 5)) as resp:  # noqa: S310 — scheme checked above
            text = json.loads(resp.read())["choices"][0]["message"]["content"].strip()
    except Exception:  # noqa: BLE001 — the quoted passages stand without it
        return ""
    return text if grounded(text, len(passages)) else ""


def grounded(text: str, n: int) -> bool:
    """Every sentence cites at least one of the n passages, and no citation is out of range."""
    sentences = [s for s in re.split(r"(?<=[。！？])", text) if s.strip()]
    if not sentences:
        return False
    for s in sentences:
        cited = [int(c) for c in _CITATION.findall(s)]
        if not cited or any(not 1 <= c <= n for c in cited):
            return False
    return True
