"""`/metrics` in Prometheus' text format (0.0.4), written by hand: three latency histograms observed in this
process, and the figures the database holds for every process (messages by instance, queue depth)."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence

from models.statuses import CampaignStatus
from models.tables import Campaign

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class Histogram:
    """A cumulative histogram of seconds; observed on the event loop only, so it needs no lock."""

    def __init__(self, name: str, help_text: str, buckets: Sequence[float] = LATENCY_BUCKETS) -> None:
        self.name, self.help_text, self.buckets = name, help_text, tuple(buckets)
        self.counts = [0] * (len(self.buckets) + 1)  # the last one is +Inf
        self.sum = 0.0

    def observe(self, seconds: float) -> None:
        self.counts[bisect_left(self.buckets, seconds)] += 1
        self.sum += seconds

    def lines(self) -> list[str]:
        out = [f"# HELP {self.name} {self.help_text}", f"# TYPE {self.name} histogram"]
        running = 0
        for bound, count in zip((*map(repr, self.buckets), "+Inf"), self.counts, strict=True):
            running += count
            out.append(f'{self.name}_bucket{{le="{bound}"}} {running}')
        return [*out, f"{self.name}_sum {self.sum!r}", f"{self.name}_count {running}"]


SEND_LATENCY = Histogram("arauto_send_latency_seconds", "One send call to Evolution, request to answer (this process).")
WEBHOOK_LAG = Histogram("arauto_webhook_lag_seconds", "A webhook from its arrival to its event applied (this process).")
POLL_LATENCY = Histogram(
    "arauto_progress_poll_seconds", "Time to answer one poll of a campaign's progress (this process)."
)
HISTOGRAMS = (SEND_LATENCY, WEBHOOK_LAG, POLL_LATENCY)


async def database_lines() -> list[str]:
    """Messages sent and failed per instance, and the queue depth: from the campaigns' counters, for all processes."""
    per_instance = await Campaign.raw(
        "SELECT instance, SUM(sent_count) AS sent, SUM(failed_count) AS failed FROM arauto_campaign "
        "WHERE instance IS NOT NULL GROUP BY instance ORDER BY instance"
    )
    queue = await Campaign.raw(
        "SELECT COALESCE(SUM(pending_count), 0) AS pending FROM arauto_campaign WHERE status = {}",
        CampaignStatus.RUNNING.value,
    )
    lines = [
        "# HELP arauto_messages_total Messages the gateway accepted (sent) or that failed, per instance.",
        "# TYPE arauto_messages_total counter",
    ]
    for row in per_instance:
        instance = int(row["instance"])
        for outcome in ("sent", "failed"):
            lines.append(f'arauto_messages_total{{instance="{instance}",outcome="{outcome}"}} {int(row[outcome] or 0)}')
    return [
        *lines,
        "# HELP arauto_queue_depth Messages still to send in running campaigns.",
        "# TYPE arauto_queue_depth gauge",
        f"arauto_queue_depth {int(queue[0]['pending']) if queue else 0}",
    ]


async def exposition() -> str:
    """The whole page, ending with a newline as the format requires."""
    lines = await database_lines()
    for histogram in HISTOGRAMS:
        lines.extend(histogram.lines())
    return "\n".join(lines) + "\n"
