"""The SVG chart geometry (pure)."""

from hypothesis import given
from hypothesis import strategies as st

from yiwang.ratings.charts import LABEL_WIDTH, MAX_LABEL, VALUE_WIDTH, WIDTH, count_chart, rate_chart
from yiwang.ratings.selectors import IndicatorRow


def row(name, ratings, satisfied):
    return IndicatorRow(key=None, name=name, ratings=ratings, satisfied=satisfied, bad=ratings - satisfied, reported=0,
                        due=0, on_time=0, followed_up=0)


@given(st.lists(st.tuples(st.text(min_size=1, max_size=30), st.integers(0, 500), st.integers(0, 500)), max_size=25))
def test_bars_stay_inside_the_plot_and_follow_the_rate(items):
    rows = [row(name, max(a, b), min(a, b)) for name, a, b in items]
    chart = rate_chart(rows, value=lambda r: r.satisfaction_rate, title="满意率", description="")
    assert len(chart.bars) == min(len(rows), 15)
    plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    for bar, r in zip(chart.bars, rows, strict=False):
        assert 0 <= bar.width <= plot and len(bar.label) <= MAX_LABEL and bar.y + 22 <= chart.height
        if r.satisfaction_rate is None:
            assert (bar.text, bar.tone, bar.width) == ("—", "none", 0)
        else:
            assert abs(bar.width - plot * r.satisfaction_rate) < 0.06


def test_tones_and_counts():
    chart = rate_chart([row("甲", 100, 99), row("乙", 100, 90), row("丙", 100, 50)], value=lambda r: r.satisfaction_rate,
                       title="t", description="d")
    assert [b.tone for b in chart.bars] == ["good", "warn", "bad"] and "95%" in chart.legend
    counts = count_chart([("2026-01", 10), ("2026-02", 5)], title="t", description="d")
    assert [b.width for b in counts.bars] == [WIDTH - LABEL_WIDTH - VALUE_WIDTH, (WIDTH - LABEL_WIDTH - VALUE_WIDTH) / 2]
