"""One column's measurement: connect the fans, wait for quiet, publish, gather every figure."""

from __future__ import annotations

import os
import time

from . import stats as st
from .common import cpu_seconds, machine_busy_seconds, total_cpu, wait_idle
from .fans import Fleet

IDLE_TIMEOUT = 15.0  # how long to wait for the servers to go quiet once all fans are connected

# A commentary line of ordinary length, so the frames weigh what real ones do.
FILLER = (
    "Azione insistita sulla destra, cross basso sul primo palo, il difensore anticipa tutti e allontana "
    "in calcio d'angolo. Dalla bandierina palla tesa al centro: colpo di testa alto sopra la traversa."
)


def measure(
    *, name: str, args, servers, urls: list[tuple[str, str]], since: int, caught_up_seq: int, publish
):
    """Connect args.fans fans to `urls`, publish args.updates times through `publish(i, text)`: figures.

    `servers` has cpu_seconds(), rss_kb() and pids() (a Server or a ServerGroup). `publish(i, text)` returns
    (accepted, time just before the call, seconds the call took). Fans send `since` and have caught up once
    they hold update `caught_up_seq`.
    """
    rss_before = servers.rss_kb()
    print(f"  {name}: connecting {args.fans} fans from {args.clients} client processes", flush=True)
    connect_cpu_before = servers.cpu_seconds()
    fleet = Fleet(
        urls, args.fans, args.clients, since, args.updates, args.connect_timeout, args.connect_concurrency,
        args.connect_retries, caught_up_seq=caught_up_seq,
    )  # fmt: skip
    try:
        connect_started = time.time()
        connected, failed = fleet.wait_connected()
        connect_seconds = time.time() - connect_started
        print(f"  {name}: {connected} connected, {failed} failed in {connect_seconds:.1f} s", flush=True)
        wait_idle(servers.cpu_seconds, IDLE_TIMEOUT)
        connect_cpu = servers.cpu_seconds() - connect_cpu_before
        rss_connected = servers.rss_kb()

        print(f"  {name}: publishing {args.updates} updates, one every {args.interval} s", flush=True)
        cpu_before = servers.cpu_seconds()
        client_cpu_before = total_cpu(fleet.pids)
        # Whatever else runs on this machine (a test suite, a browser) competes for the same CPUs: measure it,
        # so that a noisy run shows as one.
        own_cpu_before = cpu_seconds(os.getpid())
        machine_before = machine_busy_seconds()
        phase_started = time.time()
        publish_times: list[float | None] = []
        call_seconds: list[float] = []
        rejected = 0
        for i in range(args.updates):
            delay = phase_started + i * args.interval - time.time()
            if delay > 0:
                time.sleep(delay)
            accepted, started, took = publish(i, f"bench-{i} {FILLER}")
            call_seconds.append(took)
            publish_times.append(started if accepted else None)
            rejected += not accepted
        stats = fleet.collect(deadline=time.time() + args.drain_timeout)
        phase_seconds = time.time() - phase_started
        cpu_used = servers.cpu_seconds() - cpu_before
        client_cpu = total_cpu(fleet.pids) - client_cpu_before
        other_cpu = (
            machine_busy_seconds()
            - machine_before
            - cpu_used
            - client_cpu
            - (cpu_seconds(os.getpid()) - own_cpu_before)
        )
        lost = fleet.lost
        rss_after = servers.rss_kb()
    finally:
        fleet.close()

    every = st.latencies(publish_times, stats.times)
    later = st.latencies(publish_times, stats.times, first=1)
    first = st.latencies(publish_times[:1], stats.times[:1])
    per_update = st.first_last(publish_times, stats.times)
    calls = sorted(call_seconds)
    delivered = sum(len(times) for times in stats.times)
    expected = args.fans * args.updates
    caught_up = sorted(stats.caught_up_times)
    all_caught_up = connected == args.fans and len(caught_up) == args.fans
    return {
        "fans": args.fans,
        "connected": connected,
        "connect_failed": failed,
        "connect_seconds": round(connect_seconds, 1),
        "connect_errors": stats.errors,
        "surge": {
            # From the start of the connect phase until the last fan held its catch-up; None unless all did.
            "seconds": round(caught_up[-1] - connect_started, 2) if all_caught_up else None,
            "caught_up": len(caught_up),
            "not_caught_up": connected - len(caught_up),
            "caught_up_p50_s": round(st.percentile(caught_up, 50) - connect_started, 2)
            if caught_up
            else None,
            "since": since,
            "caught_up_seq": caught_up_seq,
            "server_cpu_seconds": round(connect_cpu, 2),
            "cpu_ms_per_connection": round(1000 * connect_cpu / connected, 3) if connected else None,
        },
        "updates": args.updates,
        "publish_rejected": rejected,
        "delivered": delivered,
        "expected": expected,
        "delivered_pct": round(100 * delivered / expected, 3) if expected else None,
        "frames": stats.frames,
        "duplicates": stats.duplicates,
        "out_of_order": stats.out_of_order,
        "gaps": stats.gaps,
        "closed_early": stats.closed_early,
        "close_codes": stats.close_codes,
        "frame_bytes": stats.frame_bytes,
        "latency_ms": st.spread(every),
        "first_update_ms": st.spread(first),
        "later_updates_ms": st.spread(later),
        "first_fan_ms_median": st.ms(st.median_or_none(f for f, _l in per_update)),
        "last_fan_ms_median": st.ms(st.median_or_none(last for _f, last in per_update)),
        "per_update_first_last_ms": [[st.ms(f), st.ms(last)] for f, last in per_update],
        "publish_call_ms": {k: v for k, v in st.spread(calls).items() if k != "p95"},
        "publish_calls_ms": [round(took * 1000, 1) for took in call_seconds],  # in order, to see a pattern
        "server_processes": len(servers.pids()),
        "server_cpu_seconds": round(cpu_used, 2),
        "cpu_us_per_frame": round(1e6 * cpu_used / delivered, 1) if delivered else None,
        "client_cpu_seconds": round(client_cpu, 2),
        "client_processes_lost": lost,
        "other_cpu_seconds": round(max(0.0, other_cpu), 2),
        "publish_phase_seconds": round(phase_seconds, 1),
        "server_rss_kb": {"before": rss_before, "connected": rss_connected, "after_publish": rss_after},
        "kb_per_idle_fan": round((rss_connected - rss_before) / connected, 1) if connected else None,
    }
