"""The benchmark: the product under `hsg-triage serve` against a bare Flask app.

    python benchmarks/run.py                 # the table in benchmarks/results/latest.md
    python benchmarks/run.py --servers       # compare candidate servers -> results/servers.md
    python benchmarks/run.py --soak          # 60 s at concurrency 64 -> results/soak.md
    python benchmarks/run.py --micro-only    # engine and rule-set loading only

Both servers run at once (an idle one costs nothing) and are driven in turn by
wrk, round after round, so that machine noise hits both alike: only the ratios
measured within one run mean anything. Needs wrk (Debian: apt-get install wrk).
"""

import argparse
import datetime
import os
import platform
import signal
import statistics
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

import micro  # noqa: E402
from load import API, BARE_FORM, BARE_JSON, BASELINE, FORM, RESULT, Run, wrk  # noqa: E402
from servers import Settings, bare, product  # noqa: E402

from triage.serve import default_server, default_workers  # noqa: E402

RESULTS = HERE / "results"
TARGETS = {API.name: 0.9, RESULT.name: 0.5}  # issue 16: result page 0.5× (stretch 0.7×)
#: Each product POST beside the bare app taking the same body: the share of the ceiling it reaches.
CEILINGS = {API.name: BARE_JSON.name, RESULT.name: BARE_FORM.name}
#: The issue's acceptance reference: bare Flask on gunicorn, one sync worker per core.
REFERENCE = ("gunicorn-sync", default_workers())


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.machine())
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return (f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}; load average before the run: {load}")


def _resolved(settings: Settings) -> tuple[str, int, int]:
    return (settings.server or default_server(), settings.workers or default_workers(), settings.threads or 1)


def measure(settings: Settings, args) -> dict:
    """Rounds of: baseline, then each product scenario, in a rotating order."""
    server, workers, threads = _resolved(settings)
    target = product(settings).start()
    baselines = {"same": bare(server, workers, threads).start()}
    if (server, workers) != REFERENCE:
        baselines["reference"] = bare(*REFERENCE, threads).start()
    runs: dict[str, list[Run]] = {}
    jobs = [(key, baselines[key], BASELINE) for key in baselines] + [
        (scenario.name, baselines["same"], scenario) for scenario in (BARE_JSON, BARE_FORM)] + [
        (scenario.name, target, scenario) for scenario in (FORM, API, RESULT)]
    try:
        for job in jobs:  # warm-up: imports, first-request work, page cache
            wrk(job[1].url, job[2], duration_s=1, connections=args.connections, threads=args.wrk_threads)
        for round_no in range(args.rounds):
            for key, srv, scenario in jobs[round_no % len(jobs):] + jobs[:round_no % len(jobs)]:
                run = wrk(srv.url, scenario, duration_s=args.duration, connections=args.connections,
                          threads=args.wrk_threads)
                runs.setdefault(key, []).append(run)
                print(f"  round {round_no + 1}: {key:<45} {run.requests_per_s:8.0f} req/s", file=sys.stderr)
    finally:
        target.stop()
        for srv in baselines.values():
            srv.stop()
    runs.setdefault("reference", runs["same"])
    return {"settings": settings, "resolved": (server, workers, threads), "runs": runs}


def _ratio(runs: dict, key: str, base: str) -> float:
    # Per round, against the baseline measured in that same round; the median of those.
    return statistics.median(r.requests_per_s / b.requests_per_s for r, b in zip(runs[key], runs[base]))


def _median(runs: list[Run], attribute: str) -> float:
    return statistics.median(getattr(r, attribute) for r in runs)


def table(result: dict) -> str:
    runs = result["runs"]
    server, workers, threads = result["resolved"]
    shape = {"gunicorn-sync": f"{workers} workers", "waitress": f"1 process, {max(4, workers * threads)} threads"}
    lines = [
        f"Server: **{result['settings'].label()}** ({server}, "
        + shape.get(server, f"{workers} workers, {threads} thread(s) each") + ")",
        "",
        "| scenario | req/s | p50 ms | p99 ms | × baseline | target | × bare POST of its kind |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for key in ["same", BARE_JSON.name, BARE_FORM.name, FORM.name, API.name, RESULT.name]:
        name = BASELINE.name if key == "same" else key
        ratio = 1.0 if key == "same" else _ratio(runs, key, "same")
        target = TARGETS.get(key)
        verdict = "" if target is None else f"≥ {target} {'✅' if ratio >= target else '❌'}"
        ceiling = f"{_ratio(runs, key, CEILINGS[key]):.2f}" if key in CEILINGS else ""
        lines.append(f"| {name} | {_median(runs[key], 'requests_per_s'):.0f} | {_median(runs[key], 'p50_ms'):.1f} "
                     f"| {_median(runs[key], 'p99_ms'):.1f} | {ratio:.2f} | {verdict} | {ceiling} |")
    if runs["reference"] is not runs["same"]:
        ref = runs["reference"]
        lines.append(f"| bare Flask on gunicorn sync, {REFERENCE[1]} workers (acceptance reference) "
                     f"| {_median(ref, 'requests_per_s'):.0f} | {_median(ref, 'p50_ms'):.1f} "
                     f"| {_median(ref, 'p99_ms'):.1f} | {_ratio(runs, 'reference', 'same'):.2f} | | |")
    acceptance = _ratio(runs, API.name, "reference")
    lines += ["", f"Acceptance: `POST /api/v1/assessments` under this server ÷ bare Flask on gunicorn, "
              f"{REFERENCE[1]} sync workers (one per core), same rounds: **{acceptance:.2f}×** "
              f"(bar 0.8×, target 0.9×)."]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--servers", action="store_true", help="compare candidate servers")
    mode.add_argument("--soak", action="store_true", help="60 s at concurrency 64, errors and memory")
    mode.add_argument("--micro-only", action="store_true", help="engine and rule-set loading only")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=8, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--wrk-threads", type=int, default=1, help="wrk shares the cores with the server")
    parser.add_argument("--output", type=Path)
    args = parser.parse_args()
    # Stopped with SIGTERM (or SIGINT in the background): still stop the servers.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    signal.signal(signal.SIGINT, lambda *_: sys.exit(130))

    if args.soak:
        import soak

        report, name = soak.main(args), "soak.md"
    elif args.micro_only:
        report, name = _micro(), None
    elif args.servers:
        report, name = _servers(args), "servers.md"
    else:
        report, name = _default(args), "latest.md"
    print(report)
    if name or args.output:
        output = args.output or RESULTS / name
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(report + "\n", encoding="utf-8")
        print(f"\nwritten to {output}", file=sys.stderr)


def _header(args, title: str) -> str:
    return (f"# {title}\n\n{datetime.date.today().isoformat()} · {machine()}\n\n"
            f"wrk: {args.wrk_threads} thread(s), {args.connections} connections, {args.rounds} rounds of "
            f"{args.duration} s per scenario, alternating; figures are medians over rounds; ratios are "
            f"per round against the baseline of that round.\n")


def _micro() -> str:
    rows = micro.main()
    return "| microbenchmark | best | median |\n|---|---:|---:|\n" + "\n".join("| " + " | ".join(r) + " |" for r in rows)


def _default(args) -> str:
    print(f"{machine()}\nmicrobenchmarks:", file=sys.stderr)
    micro_table = _micro()
    print("HTTP:", file=sys.stderr)
    result = measure(Settings(), args)
    return "\n".join([_header(args, "Benchmark: hsg-triage serve against bare Flask"), table(result),
                      "", "## Engine and rule set (in-process)", "", micro_table])


CANDIDATES = [
    # granian runs one app thread per worker (the body deadline reads in the
    # worker's event loop); `--threads` is refused for it, as for gunicorn-sync.
    Settings("granian", default_workers()),
    Settings("gunicorn-sync", default_workers()),
    Settings("gunicorn-sync", 2 * default_workers() + 1),
    Settings("gunicorn-gthread", default_workers(), 4),
    Settings("waitress", None, 4),
]


def _servers(args) -> str:
    parts = [_header(args, "Server candidates")]
    for settings in CANDIDATES:
        print(f"{settings.label()}:", file=sys.stderr)
        parts += [f"## {settings.label()}", "", table(measure(settings, args)), ""]
    return "\n".join(parts)


if __name__ == "__main__":
    main()
