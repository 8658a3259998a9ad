"""The reputation graph of the user page (the itemised history is in
tests/web/test_reputation_tab.py)."""

from __future__ import annotations

from datetime import date

from pnyx.web.charts import reputation_chart


def test_chart_is_an_accessible_step_line_of_bounded_size() -> None:
    history = [(date(2015, 12, 31), 1)] + [(date(2016, 1, 1 + i), 2 + i) for i in range(28)]
    many = [(date.fromordinal(733000 + i), 1 + i) for i in range(3000)]
    svg = str(reputation_chart(history))
    assert svg.startswith('<svg class="rep-chart"')
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    assert "Reputation went from 1 on 2015-12-31 to 29 on 2016-01-28, highest 29." in svg
    big = str(reputation_chart(many))
    # One point per horizontal pixel at most, whatever the number of days.
    assert big.count("H") <= 641


def test_chart_starts_where_the_history_starts() -> None:
    svg = str(reputation_chart([(date(2026, 3, 1), 3835), (date(2026, 3, 2), 3845)]))
    assert "Reputation went from 3,835 on 2026-03-01 to 3,845 on 2026-03-02" in svg
    assert ">3,835<" in svg and ">3,845<" in svg  # the axis spans the itemised part only
