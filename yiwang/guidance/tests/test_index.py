"""The incremental index: knowledge entries' tokens are cut once and stored, a change to one entry
reaches search as a delta (in this process at once, in another once it looks at the stamps),
withdrawn entries are masked, and the delta ranks like a full rebuild."""

import datetime as dt

import pytest

from yiwang.guidance import engine as search_engine
from yiwang.guidance import selectors, services
from yiwang.guidance.engine import KnowledgeDoc, KnowledgeIndex, KnowledgeRow, knowledge_tokens
from yiwang.guidance.models import KnowledgeEntry

DAY = dt.date(2026, 6, 30)

TEXTS = [
    ("餐饮店油烟净化", "餐饮店须安装油烟净化设施，定期清洗。"),
    ("食品经营许可办理时限", "食品经营许可自受理之日起十个工作日内办结。"),
    ("户外招牌设置", "设置户外招牌须符合城市容貌标准。"),
    ("社会保障卡补换", "社会保障卡遗失后可在网上申请补换。"),
    ("婴儿出生医学证明", "新生儿出生后凭出生医学证明办理户籍登记。"),
    ("个体工商户登记", "个体工商户设立登记可全程网办。"),
]


def _row(pk, title, body, key=None):
    return KnowledgeRow(pk, KnowledgeDoc(key=key or f"K{pk}", title=title, body=body, source_document="测试"),
                        tuple(knowledge_tokens(title, body)))


@pytest.fixture
def counted_cuts(monkeypatch):
    """Counts how many entries the selectors cut into tokens."""
    calls = []
    real = selectors.knowledge_tokens

    def cut(title, body):
        calls.append(title)
        return real(title, body)

    monkeypatch.setattr(selectors, "knowledge_tokens", cut)
    return calls


def test_a_delta_ranks_like_a_full_rebuild_and_masks_what_is_gone():
    rows = [_row(i, t, b) for i, (t, b) in enumerate(TEXTS * 5, start=1)]
    new = _row(100, "餐饮店排烟过滤装置", "餐饮服务单位须安装排烟过滤装置，油烟达标排放。")
    full = KnowledgeIndex([r for r in rows if r.pk != 1] + [new])
    delta = KnowledgeIndex(rows).changed(removed=[1], added=[new])
    for q in ("油烟 排烟 餐饮店", "排烟过滤", "社会保障卡", "户籍登记 出生"):
        toks = search_engine.tokens(q)
        want = [(d.key, round(s, 3)) for d, s in full.top(toks, 5)]
        got = [(d.key, round(s, 3)) for d, s in delta.top(toks, 5)]
        assert [k for k, _ in got] == [k for k, _ in want], q
        assert all(abs(a[1] - b[1]) <= 0.05 * b[1] for a, b in zip(got, want, strict=True)), q
    assert "K1" not in [d.key for d, _ in delta.top(search_engine.tokens("油烟净化"), 10)]
    assert "排烟" in delta and "排烟" not in KnowledgeIndex(rows)
    assert len(delta) == len(rows) and delta.pks() == {r.pk for r in rows if r.pk != 1} | {100}


def test_the_delta_asks_for_a_rebuild_past_its_limit():
    index = KnowledgeIndex([_row(i, t, b) for i, (t, b) in enumerate(TEXTS, start=1)], delta_limit=2)
    index = index.changed(added=[_row(10, *TEXTS[0]), _row(11, *TEXTS[1])])
    assert not index.needs_rebuild
    assert index.changed(removed=[1]).needs_rebuild


def test_saving_one_entry_cuts_only_that_entry_and_it_is_found_at_once(seeded, counted_cuts):
    KnowledgeEntry.objects.bulk_create([  # written in bulk: no tokens yet
        KnowledgeEntry(key=f"BULK-{i}", title=t, body=b, source_document="测试", review_date=DAY)
        for i, (t, b) in enumerate(TEXTS)])
    selectors.engine()
    assert len(counted_cuts) == len(TEXTS)  # the first build cuts them and stores the tokens
    assert not KnowledgeEntry.objects.filter(tokens_version=0).exists()
    selectors.clear_cache()
    counted_cuts.clear()
    selectors.engine()
    assert counted_cuts == []  # a cold build from stored tokens cuts nothing
    kb_before = selectors.engine().kb

    services.save_knowledge(key="KB-NEW", title="餐饮店排烟过滤装置", body="餐饮服务单位须安装排烟过滤装置。",
                            source_document="西安市餐饮业油烟管理办法", review_date=DAY, item_code="")
    hits = selectors.knowledge_search("排烟过滤装置")
    assert hits and hits[0].key == "KB-NEW"
    assert selectors.last_refresh()["knowledge"][0] == "delta"
    assert selectors.engine().kb.base is kb_before.base  # the base was not rebuilt
    assert counted_cuts == []  # save_knowledge cut the entry itself; the refresh cut nothing

    services.save_knowledge(key="BULK-0", title="餐饮店油烟排放检测", body="油烟排放须每年检测一次。",
                            source_document="测试（修订）", review_date=DAY)
    assert selectors.knowledge_search("油烟排放检测")[0].key == "BULK-0"
    assert "餐饮店油烟净化" not in [h.title for h in selectors.knowledge_search("油烟净化设施 清洗")]

    assert services.withdraw_knowledge("KB-NEW")
    assert "KB-NEW" not in [h.key for h in selectors.knowledge_search("排烟过滤装置")]
    assert not services.withdraw_knowledge("KB-NEW")
    assert counted_cuts == []


def test_another_process_sees_a_change_once_it_looks_at_the_stamps(seeded, monkeypatch):
    services.save_knowledge(key="KB-A", title="户外招牌设置", body="设置户外招牌须符合城市容貌标准。", source_document="测试",
                            review_date=DAY)
    selectors.engine()
    # Another process writes (no mark_changed here): a row with its tokens, as save_knowledge stores it.
    KnowledgeEntry.objects.create(key="KB-B", title="航模飞行报备", body="航模飞行须提前向公安机关报备。", source_document="测试",
                                  review_date=DAY, search_tokens=" ".join(knowledge_tokens("航模飞行报备", "航模飞行须提前向公安机关报备。")),
                                  tokens_version=search_engine.TOKENS_VERSION)
    assert "KB-B" not in [h.key for h in selectors.knowledge_search("航模飞行")]  # not looked yet (within 2 s)
    monkeypatch.setattr(selectors, "STAMP_CHECK_SECONDS", 0.0)
    assert [h.key for h in selectors.knowledge_search("航模飞行")] == ["KB-B"]
    assert selectors.last_refresh()["knowledge"][0] == "delta"


def test_a_synonym_edit_rebuilds_no_index(seeded):
    eng = selectors.engine()
    services.save_synonym(phrase="撸串", canonical="小餐饮 餐饮")
    found = selectors.search("开个撸串的店")
    assert ("撸串", "小餐饮 餐饮") in found.expansion.synonyms
    again = selectors.engine()
    assert again is not eng and again.catalog_index is eng.catalog_index and again.kb is eng.kb
    assert "catalog" not in selectors.last_refresh() and "knowledge" not in selectors.last_refresh()


def test_staff_withdraw_an_entry_from_its_history_page(seeded, client):
    from yiwang.catalog.tests.factories import catalog_editor
    from yiwang.orgs.tests.factories import OrganisationFactory

    services.save_knowledge(key="KB-W", title="航模飞行报备", body="航模飞行须提前向公安机关报备。", source_document="测试",
                            review_date=DAY)
    assert selectors.knowledge_search("航模飞行")[0].key == "KB-W"
    editor = catalog_editor(OrganisationFactory())
    client.force_login(editor)
    page = client.get("/guidance/staff/knowledge/KB-W/").content.decode()
    assert "停用此条目" in page
    response = client.post("/guidance/staff/knowledge/KB-W/", {"action": "withdraw"})
    assert response.status_code == 302
    assert "KB-W" not in [h.key for h in selectors.knowledge_search("航模飞行")]
    assert "此条目已停用" in client.get("/guidance/staff/knowledge/KB-W/").content.decode()
    assert KnowledgeEntry.objects.filter(key="KB-W").count() == 1  # the version stays
    from yiwang.core.models import AuditEvent

    event = AuditEvent.objects.get(action="guidance.knowledge_withdrawn")
    assert event.actor_id == editor.pk and event.details["key"] == "KB-W"
    services.save_knowledge(key="KB-W", title="航模飞行报备", body="航模飞行须提前向公安机关报备。", source_document="测试",
                            review_date=DAY)  # saved again: back, as version 2
    assert [(v.version, v.is_current) for v in selectors.knowledge_history("KB-W")] == [(2, True), (1, False)]
    assert selectors.knowledge_search("航模飞行")[0].key == "KB-W"


def test_the_array_build_scores_exactly_as_bm25s_builds():
    import bm25s
    import numpy as np

    corpus = [knowledge_tokens(t, b) for t, b in TEXTS * 3] + [[""]]
    ours = search_engine.bm25_from_tokens(corpus)
    theirs = bm25s.BM25(k1=1.5, b=0.75)
    theirs.index(corpus, show_progress=False)
    for q in ("油烟 餐饮店", "社会保障卡 补换", "出生 户籍登记", "个体工商户"):
        toks = [t for t in search_engine.tokens(q) if t in ours.vocab_dict]
        assert np.allclose(ours.get_scores(toks), theirs.get_scores(toks), atol=1e-4), q
