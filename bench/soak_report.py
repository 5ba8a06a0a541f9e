"""What the soak concludes: memory after warm-up, the server's log, the Markdown summary."""

from __future__ import annotations

import re
import statistics
from pathlib import Path
from typing import Any

MIB = 1024 * 1024
#: Lines of the server's own log that mean something went wrong inside it.
_PROBLEM = re.compile(r"Traceback|^ERROR|Exception in ASGI|bug in |Task exception", re.MULTILINE)


def slope_per_minute(points: list[tuple[float, int]]) -> float:
    """Least-squares slope of RSS over time, MiB per minute."""
    if len(points) < 2:
        return 0.0
    n = len(points)
    mean_t = sum(t for t, _ in points) / n
    mean_r = sum(r for _, r in points) / n
    var = sum((t - mean_t) ** 2 for t, _ in points)
    if var == 0:
        return 0.0
    cov = sum((t - mean_t) * (r - mean_r) for t, r in points)
    return cov / var * 60.0 / MIB


def minute_medians(points: list[tuple[float, int]], start: float) -> list[tuple[float, int]]:
    """The median RSS of each whole minute from *start*, at the minute's middle.

    A sample taken while an MP4 is being encoded holds that encode's frame
    buffers (tens of MiB for a second at 1080p): the median of a minute is
    the level the server sits at, and a leak raises the level.
    """
    minutes: dict[int, list[int]] = {}
    for t, r in points:
        if t >= start:
            minutes.setdefault(int((t - start) // 60), []).append(r)
    full = max(1, max((len(v) for v in minutes.values()), default=1) // 2)
    return [
        (start + 60 * k + 30, int(statistics.median(v)))
        for k, v in sorted(minutes.items())
        if len(v) >= full  # the run's last, partial minute says little
    ]


def memory_summary(
    samples: list[tuple[float, int]], warmup: float, threshold: float
) -> dict[str, Any]:
    """RSS at the end of warm-up, max, at the end, and whether the rest of the run grew.

    "Flat": the least-squares line through the per-minute medians after
    warm-up (`minute_medians`) grows by less than *threshold* of the first
    such median across that window. The fit rather than end-minus-start, so
    one swing at either end does not decide the verdict; both are reported.
    """
    if not samples:
        return {"flat": False, "reason": "no samples"}
    levels = minute_medians(samples, warmup)
    after = levels or samples[-1:]
    at_warm = after[0][1]
    end = samples[-1][1]
    window_min = (after[-1][0] - after[0][0]) / 60.0
    slope = slope_per_minute(after)
    fitted_growth = slope * window_min
    limit = threshold * at_warm / MIB
    return {
        "rss_start_mib": round(samples[0][1] / MIB, 1),
        "rss_at_warmup_mib": round(at_warm / MIB, 1),
        "rss_max_mib": round(max(r for _, r in samples) / MIB, 1),
        "rss_end_mib": round(end / MIB, 1),
        "minute_medians_mib": [round(r / MIB, 1) for _, r in levels],
        "growth_after_warmup_mib": round((end - at_warm) / MIB, 1),
        "slope_mib_per_min": round(slope, 3),
        "fitted_growth_mib": round(fitted_growth, 1),
        "flat_limit_mib": round(limit, 1),
        "threshold": threshold,
        "window_min": round(window_min, 2),
        "flat": fitted_growth < limit and len(levels) >= 3,
        "samples": [(round(t, 1), round(r / MIB, 1)) for t, r in samples],
    }


def server_log_problems(path: Path, limit: int = 20) -> list[str]:
    """The lines of the server's log (warning level and up) that report an error."""
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return []
    return [line for line in text.splitlines() if _PROBLEM.search(line)][:limit]


def render_markdown(r: dict[str, Any]) -> str:
    mem, lat = r["memory"], r["lifecycle_latency"]
    verdict = "PASS" if r["passed"] else "FAIL"
    lines = [
        f"## Soak: {verdict}",
        "",
        f"`{r['command']}`; server: `{r['server_command']}`",
        "",
        "| figure | value |",
        "|---|---|",
        f"| clients x duration | {r['clients']} x {r['duration_s']} s "
        f"(warm-up {r['warmup_s']} s) |",
        f"| lifecycles completed | {r['lifecycles_completed']} ({_pairs(r['lifecycles'])}) |",
        f"| requests | {r['requests']} ({r['requests_per_s']}/s) |",
        f"| requests/s per 30 s | {', '.join(map(str, r['requests_per_s_by_30s']))} |",
        f"| lifecycle latency | p50 {lat['p50_s']} s, p99 {lat['p99_s']} s, max {lat['max_s']} s |",
        f"| videos fetched | {_pairs(r['videos']) or 'none'} |",
        f"| webhooks | {_pairs(r['webhooks']) or 'none'} |",
        f"| expected faults handled | {sum(r['expected'].values())} |",
        f"| **unexpected** | **{r['unexpected_total']}** |",
        f"| server RSS | start {mem.get('rss_start_mib')} MiB, end of warm-up "
        f"{mem.get('rss_at_warmup_mib')} MiB, max {mem.get('rss_max_mib')} MiB, "
        f"end {mem.get('rss_end_mib')} MiB |",
        f"| after warm-up | slope {mem.get('slope_mib_per_min')} MiB/min, fitted growth "
        f"{mem.get('fitted_growth_mib')} MiB (limit {mem.get('flat_limit_mib')} MiB): "
        f"{'flat' if mem.get('flat') else 'NOT flat'} |",
        f"| server CPU | {r['server_cpu_s']} s; share of a core per 30 s: "
        f"{', '.join(map(str, r['server_cpu_share_by_30s']))} |",
        f"| soak process CPU | {r['soak_process_cpu_s']} s |",
        "",
        "Expected (documented or injected, and retried):",
        "",
        *(f"- {kind}: {n}" for kind, n in r["expected"].items()),
    ]
    if r["ignored_server_flags"]:
        lines += ["", f"Not supported by this `vidukit serve`: {r['ignored_server_flags']}"]
    if r["unexpected"]:
        lines += ["", "Unexpected:", "", *(f"- {k}: {n}" for k, n in r["unexpected"].items())]
        lines += ["", "Examples:", ""]
        lines += [f"- `{example}`" for example in r["unexpected_examples"][:10]]
    return "\n".join(lines)


def _pairs(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in counts.items())


__all__ = ["memory_summary", "render_markdown", "server_log_problems", "slope_per_minute"]
