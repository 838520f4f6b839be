"""Figures: percentiles, one column's summary, ratios to the ceiling, the readable table, the RESULT line."""

from __future__ import annotations

import json
import math
import statistics


def percentile(sorted_values: list[float], p: float) -> float | None:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return None
    rank = min(len(sorted_values), max(1, math.ceil(p / 100 * len(sorted_values))))
    return sorted_values[rank - 1]


def ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 1)


def spread(sorted_seconds: list[float]) -> dict:
    """p50 / p95 / p99 / max in milliseconds of an already sorted list of seconds."""
    return {
        "p50": ms(percentile(sorted_seconds, 50)),
        "p95": ms(percentile(sorted_seconds, 95)),
        "p99": ms(percentile(sorted_seconds, 99)),
        "max": ms(sorted_seconds[-1] if sorted_seconds else None),
    }


def latencies(publish_times: list[float | None], times: list[list[float]], first: int = 0) -> list[float]:
    """Sorted publish -> receive seconds over every (fan, update) pair of updates `first` onwards."""
    return sorted(
        received - published
        for published, received_times in list(zip(publish_times, times, strict=True))[first:]
        if published is not None
        for received in received_times
    )


def first_last(publish_times, times) -> list[tuple[float, float]]:
    """How each update spread over the fans: the first and the last fan to get it, publish time as zero."""
    return [
        (min(t) - published, max(t) - published)
        for published, t in zip(publish_times, times, strict=True)
        if published is not None and t
    ]


def median_or_none(values):
    values = list(values)
    return statistics.median(values) if values else None


# Figures compared with the ceiling's: (label, path into a column's result); lower is better for all.
RATIOS = {
    "latency_p50": ("latency_ms", "p50"),
    "latency_p99": ("latency_ms", "p99"),
    "latency_max": ("latency_ms", "max"),
    "cpu_us_per_frame": ("cpu_us_per_frame",),
    "kb_per_idle_fan": ("kb_per_idle_fan",),
    "connect_seconds": ("connect_seconds",),
    "surge_seconds": ("surge", "seconds"),
    "cpu_ms_per_connection": ("surge", "cpu_ms_per_connection"),
}


def dig(result: dict | None, path: tuple):
    for key in path:
        if not isinstance(result, dict):
            return None
        result = result.get(key)
    return result


def ratios(column: dict | None, ceiling: dict | None) -> dict:
    out = {}
    for name, path in RATIOS.items():
        mine, theirs = dig(column, path), dig(ceiling, path)
        out[name] = round(mine / theirs, 2) if mine is not None and theirs else None
    return out


def fmt(value, unit: str = "") -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.1f}{unit}"
    return f"{value:,}{unit}"


def _pauses(r: dict) -> str:
    pauses = r.get("gc_pauses")
    return f"{pauses['count']} / {pauses['max_ms']:.0f} ms" if pauses else "—"


def table(title: str, columns: list[tuple[str, dict]], ceiling: dict | None, width: int = 24) -> str:
    """A plain-text table of the columns' figures, then their ratios to the ceiling."""
    columns = [(name, r) for name, r in columns if r is not None]

    def row(label: str, get) -> str:
        cells = []
        for _name, r in columns:
            try:
                cells.append(f"{get(r):>{width}}")
            except (KeyError, TypeError):
                cells.append(f"{'-':>{width}}")
        return f"{label:<36}{''.join(cells)}"

    mb = lambda kb: f"{kb / 1024:,.1f} MB"  # noqa: E731
    lines = [
        title,
        f"{'':<36}" + "".join(f"{name:>{width}}" for name, _r in columns),
        row("fans connected", lambda r: f"{r['connected']:,}/{r['fans']:,} in {r['connect_seconds']:g} s"),
        row("fans refused / timed out",
            lambda r: f"{r['connect_failed']:,} ({fmt_errors(r['connect_errors'])})"),
        row("surge: all connected + caught up", lambda r: fmt(r["surge"]["seconds"], " s")),
        row("surge: fans not caught up", lambda r: fmt(r["surge"]["not_caught_up"])),
        row("server CPU per connection", lambda r: fmt(r["surge"]["cpu_ms_per_connection"], " ms")),
        row("delivered / expected",
            lambda r: f"{r['delivered']:,}/{r['expected']:,} ({r['delivered_pct']:g}%)"),
        row("duplicates", lambda r: fmt(r["duplicates"])),
        row("out of order", lambda r: fmt(r["out_of_order"])),
        row("gaps", lambda r: fmt(r["gaps"])),
        row("sockets closed by server", lambda r: fmt(r["closed_early"])),
        row("latency p50", lambda r: fmt(r["latency_ms"]["p50"], " ms")),
        row("latency p95", lambda r: fmt(r["latency_ms"]["p95"], " ms")),
        row("latency p99", lambda r: fmt(r["latency_ms"]["p99"], " ms")),
        row("latency max", lambda r: fmt(r["latency_ms"]["max"], " ms")),
        row("first update p50 / max", lambda r: f"{fmt(r['first_update_ms']['p50'])} / "
            f"{fmt(r['first_update_ms']['max'], ' ms')}"),
        row("later updates p50 / p99", lambda r: f"{fmt(r['later_updates_ms']['p50'])} / "
            f"{fmt(r['later_updates_ms']['p99'], ' ms')}"),
        row("one update: first / last fan", lambda r: f"{fmt(r['first_fan_ms_median'])} / "
            f"{fmt(r['last_fan_ms_median'], ' ms')}"),
        row("publish call p50", lambda r: fmt(r["publish_call_ms"]["p50"], " ms")),
        row("publish call p99", lambda r: fmt(r["publish_call_ms"]["p99"], " ms")),
        row("server CPU, publish phase",
            lambda r: f"{r['server_cpu_seconds']:.2f} s / {r['publish_phase_seconds']:g} s"),
        row("server CPU per delivered frame", lambda r: fmt(r["cpu_us_per_frame"], " µs")),
        row("client CPU, publish phase", lambda r: f"{r['client_cpu_seconds']:.2f} s"),
        row("other processes' CPU, same phase", lambda r: f"{r['other_cpu_seconds']:.2f} s"),
        row("server RSS before fans", lambda r: mb(r["server_rss_kb"]["before"])),
        row("server RSS, fans idle", lambda r: mb(r["server_rss_kb"]["connected"])),
        row("server RSS after publishing", lambda r: mb(r["server_rss_kb"]["after_publish"])),
        row("memory per idle fan", lambda r: fmt(r["kb_per_idle_fan"], " KB")),
        row("frame size", lambda r: fmt(r["frame_bytes"], " B")),
        row("server log warnings/errors", lambda r: fmt(r["server_log_problems"])),
        row("GC pauses > 20 ms: count / longest", _pauses),
    ]  # fmt: skip
    if ceiling is not None:
        lines.append("ratio to the ceiling (lower is better):")
        for name in RATIOS:
            lines.append(
                row(f"  {name.replace('_', ' ')}", lambda r, n=name: fmt(ratios(r, ceiling)[n], "x"))
            )
    return "\n".join(lines)


def fmt_errors(errors: dict) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(errors.items())) or "no errors"


def result_line(result: dict) -> str:
    return "RESULT " + json.dumps(result, separators=(",", ":"))
