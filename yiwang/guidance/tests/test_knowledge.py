"""The knowledge base: versioned entries, search, the answer page, the hotline panel's selector,
and the optional generative backend (off, and against a local fake OpenAI-compatible server)."""

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from yiwang.core.errors import ValidationFailed
from yiwang.guidance import generative, selectors, services
from yiwang.guidance.models import KnowledgeEntry

DAY = dt.date(2026, 6, 30)


def test_saving_an_entry_again_makes_a_new_current_version_and_keeps_the_old(seeded):
    services.save_knowledge(key="KB-1", title="餐饮店油烟净化", body="餐饮店须安装油烟净化设施。", source_document="西安市餐饮业油烟管理办法",
                            review_date=DAY)
    assert [k.title for k in selectors.knowledge_search("油烟净化")] == ["餐饮店油烟净化"]
    services.save_knowledge(key="KB-1", title="餐饮服务单位排烟要求", body="餐饮服务单位须安装排烟过滤装置。",
                            source_document="西安市餐饮业油烟管理办法（2026 修订）", review_date=DAY)
    versions = selectors.knowledge_history("KB-1")
    assert [(v.version, v.is_current) for v in versions] == [(2, True), (1, False)]
    hits = selectors.knowledge_search("排烟过滤")
    assert hits[0].title == "餐饮服务单位排烟要求" and hits[0].source_document.endswith("（2026 修订）")
    assert not selectors.knowledge_search("油烟净化设施") or selectors.knowledge_search("油烟净化设施")[0].key == "KB-1"
    assert KnowledgeEntry.objects.filter(key="KB-1", is_current=True).count() == 1


def test_an_entry_needs_its_source_and_review_date(seeded):
    with pytest.raises(ValidationFailed) as exc:
        services.save_knowledge(key="KB-2", title="t", body="b", source_document="", review_date=None)
    assert {e.field for e in exc.value.errors} == {"source_document", "review_date"}


def test_answers_quote_guide_passages_with_their_source_and_invent_nothing(seeded, settings):
    settings.GUIDANCE_LLM_URL = ""
    found = selectors.answer("开饭店要什么材料")
    assert found.quotes and not found.generated
    texts = {d.name: [p.text for p in d.passages] for d in selectors.engine().docs}
    for q in found.quotes:
        assert q.passage in [t[:200] for t in texts[q.name]]


class _FakeLLM(BaseHTTPRequestHandler):
    reply = ""
    seen: list = []

    def do_POST(self):  # noqa: N802 — the http.server interface
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        _FakeLLM.seen.append(body)
        out = json.dumps({"choices": [{"message": {"content": _FakeLLM.reply}}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(out)

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_llm(settings):
    server = HTTPServer(("127.0.0.1", 0), _FakeLLM)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.GUIDANCE_LLM_URL = f"http://127.0.0.1:{server.server_port}/v1"
    _FakeLLM.seen = []
    yield _FakeLLM
    server.shutdown()


def test_the_generative_backend_phrases_only_with_citations(seeded, fake_llm, client):
    fake_llm.reply = "开办餐饮店可以一次办理食品经营许可等事项[1]。"
    found = selectors.answer("开饭店")
    assert found.generated == fake_llm.reply
    prompt = fake_llm.seen[0]["messages"][1]["content"]
    assert "[1]" in prompt and "问题：开饭店" in prompt
    assert "根据下列原文整理" in client.get("/guidance/answer/", {"q": "开饭店"}).content.decode()
    fake_llm.reply = "开饭店需要缴纳保证金一万元。"  # no citation: dropped
    assert selectors.answer("开饭店").generated == ""
    fake_llm.reply = "见原文[99]。"  # cites nothing that was given
    assert selectors.answer("开饭店").generated == ""


def test_off_by_default():
    assert generative.phrase("x", [("a", "b")]) == "" or generative.enabled()
