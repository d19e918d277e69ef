"""Soak: hold concurrency 64 for 60 s on the API and on the result page.

Reports non-2xx responses and socket errors (target: none) and the workers'
resident memory from /proc before and after (target: growth under 5%).
"before" is taken after a short warm-up, so that memory every worker takes
once (imports on first use, compiled templates) does not count as growth.
"""

import datetime

from load import API, RESULT, wrk
from servers import Settings, product

CONNECTIONS = 64
SECONDS = 60


def main(args) -> str:
    from run import machine

    server = product(Settings()).start()
    rows = []
    try:
        for scenario in (API, RESULT):  # warm-up
            wrk(server.url, scenario, duration_s=5, connections=CONNECTIONS, threads=args.wrk_threads)
        start_rss = {pid: _kib(pid) for pid in server.worker_pids()}
        for scenario in (API, RESULT):
            before = server.workers_rss_kib()
            run = wrk(server.url, scenario, duration_s=SECONDS, connections=CONNECTIONS, threads=args.wrk_threads,
                      count_status=True)
            after = server.workers_rss_kib()
            rows.append((scenario.name, run, before, after))
            print(f"  {scenario.name}: {run.requests} requests, {run.non_2xx} non-2xx, RSS {before} -> {after} KiB")
        end_rss = {pid: _kib(pid) for pid in server.worker_pids()}
    finally:
        server.stop()
    lines = [
        f"# Soak: {SECONDS} s at concurrency {CONNECTIONS}, `hsg-triage serve` defaults",
        "",
        f"{datetime.date.today().isoformat()} · {machine()}",
        "",
        "| scenario | requests | req/s | p50 ms | p99 ms | non-2xx | socket errors | workers' RSS before → after (KiB) | growth |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, run, before, after in rows:
        lines.append(f"| {name} | {run.requests} | {run.requests_per_s:.0f} | {run.p50_ms:.1f} | {run.p99_ms:.1f} "
                     f"| {run.non_2xx} | {run.socket_errors} | {before} → {after} | {100 * (after - before) / before:+.1f}% |")
    total_before, total_after = sum(start_rss.values()), sum(end_rss.values())
    lines += ["", f"Whole soak, per worker (KiB): " + ", ".join(
        f"pid {pid}: {start_rss[pid]} → {end_rss.get(pid, 'gone')}" for pid in start_rss)
        + f"; all workers {total_before} → {total_after} ({100 * (total_after - total_before) / total_before:+.1f}%)."]
    return "\n".join(lines)


def _kib(pid: int) -> int:
    from servers import _rss_kib

    return _rss_kib(pid)
