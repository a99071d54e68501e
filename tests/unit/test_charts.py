"""SVG charts are built from numbers and escaped labels, with an accessible title and description."""

from __future__ import annotations

from datetime import UTC, datetime
from xml.etree import ElementTree  # our own markup, not untrusted input

from models.campaigns.charts import FunnelStep, funnel_svg, sends_per_minute_svg
from models.campaigns.send_history import Bucket

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup: str) -> ElementTree.Element:
    return ElementTree.fromstring(markup)  # noqa: S314 (markup built by the code under test)


def test_funnel_labels_are_escaped_and_the_svg_parses() -> None:
    steps = [FunnelStep("sent", "<script>x</script>", 10), FunnelStep("delivered", "Entregues", 5)]
    root = parse(funnel_svg(steps, chart_id="f1", title="Funil & co"))
    assert root.find(f"{SVG}title").text == "Funil & co"
    assert next(node.text for node in root.iter(f"{SVG}text")) == "<script>x</script>"
    assert [rect.get("data-value") for rect in root.iter(f"{SVG}rect")] == ["10", "5"]


def test_funnel_bars_are_scaled_to_the_largest_step() -> None:
    steps = [FunnelStep("sent", "Sent", 100), FunnelStep("delivered", "Delivered", 50)]
    root = parse(funnel_svg(steps, chart_id="f", title="t"))
    widths = [int(rect.get("width")) for rect in root.iter(f"{SVG}rect")]
    assert widths[0] == 2 * widths[1]


def test_sends_chart_without_sends_says_so() -> None:
    root = parse(sends_per_minute_svg([], chart_id="r", title="t", empty_text="Nothing sent yet."))
    assert root.find(f"{SVG}desc").text == "Nothing sent yet."


def test_sends_chart_draws_one_bar_per_bucket_in_the_users_time_zone() -> None:
    start = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
    buckets = [Bucket(start=start, minutes=1, sends=4), Bucket(start=start.replace(minute=1), minutes=1, sends=2)]
    svg = sends_per_minute_svg(buckets, chart_id="r", title="t", empty_text="-", timezone="America/Sao_Paulo")
    root = parse(svg)
    assert [rect.get("data-value") for rect in root.iter(f"{SVG}rect")] == ["4", "2"]
    assert "2026-01-05 09:00" in str(root.find(f"{SVG}desc").text)


def test_chart_text_stays_at_least_11_px_when_drawn_300_px_wide() -> None:
    funnel = parse(funnel_svg([FunnelStep("sent", "Delivered", 1234)], chart_id="f", title="t"))
    bucket = Bucket(start=datetime(2026, 11, 30, 14, 20, tzinfo=UTC), minutes=1, sends=5)
    bars = parse(sends_per_minute_svg([bucket], chart_id="s", title="t", empty_text="none"))
    for root in (funnel, bars):
        scale = 300 / float(root.get("viewBox").split()[2])
        sizes = [float(text.get("font-size")) * scale for text in root.iter(f"{SVG}text")]
        assert sizes and min(sizes) >= 11
