"""Per-request cost in-process, and where it goes: the tool behind the fixes.

    python benchmarks/profile_requests.py              # µs per request, each scenario
    python benchmarks/profile_requests.py result       # plus a cProfile of one scenario

Besides the scenarios it prints the result page's floor: the same request with
its view and its rendering replaced by nothing, i.e. what handling a posted
form costs in Flask here (routing, form parsing, the answers' validation,
limits, headers). No way of rendering can make the page cheaper than that.

No server and no sockets: each request is a WSGI call on the app, so the
figures show what the app adds, without the server's share.
"""

import cProfile
import io
import pstats
import sys
import timeit
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent)]

from bare_app import create_bare_app  # noqa: E402
from load import API, BASELINE, FORM, RESULT, Scenario  # noqa: E402
from werkzeug.test import EnvironBuilder  # noqa: E402

from triage import create_app  # noqa: E402


def caller(app, scenario: Scenario):
    environ = EnvironBuilder(method=scenario.method, path=scenario.path, data=scenario.body.encode(),
                             content_type=scenario.content_type or None).get_environ()
    body = scenario.body.encode()

    def call() -> int:
        env = dict(environ, **{"wsgi.input": io.BytesIO(body)})
        status = []
        chunks = app(env, lambda s, h, e=None: status.append(s))
        size = sum(len(c) for c in chunks)
        getattr(chunks, "close", lambda: None)()
        assert status[0].startswith("200"), status
        return size

    return call


def main() -> None:
    product = create_app()
    calls = {"baseline": caller(create_bare_app(), BASELINE), "form": caller(product, FORM),
             "api": caller(product, API), "result": caller(product, RESULT)}
    base = None
    for name, call in calls.items():
        call()
        us = min(timeit.repeat(call, number=1000, repeat=5)) * 1e3
        base = base or us
        print(f"{name:<10} {us:7.1f} µs/request  ({us / base:.1f}× baseline)")
    floor = _result_floor()
    print(f"{'floor':<10} {floor:7.1f} µs/request  ({floor / base:.1f}× baseline): the result request without its view"
          " and its page")
    if len(sys.argv) > 1:
        profiler = cProfile.Profile()
        profiler.runcall(lambda: [calls[sys.argv[1]]() for _ in range(2000)])
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)


def _result_floor() -> float:
    import triage.web.pages as pages

    saved = pages.result_view, pages.render_result
    pages.result_view, pages.render_result = (lambda answers, audience: None), (lambda view: "")
    try:
        call = caller(create_app(), RESULT)
        call()
        return min(timeit.repeat(call, number=1000, repeat=5)) * 1e3
    finally:
        pages.result_view, pages.render_result = saved


if __name__ == "__main__":
    main()
