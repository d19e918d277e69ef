"""Per-request cost in-process, and where it goes: the tool behind the fixes.

    python benchmarks/profile_requests.py              # µs per request, each scenario
    python benchmarks/profile_requests.py result       # plus a cProfile of one scenario

Besides the scenarios it prints:
- the ceilings: the bare app taking the same JSON and form bodies and doing
  nothing with them (Flask's own cost of a POST of each kind);
- the result page's floor: the same request with its view and its page
  replaced by nothing (routing, reading the answers, limits, headers);
- each per-request layer the app adds, timed on its own: the security
  headers, the mount checks (plain prefix, a URL prefix), the request-size
  limit, and choosing the language from a browser's Accept-Language.

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
from load import API, BARE_FORM, BARE_JSON, BASELINE, FORM, RESULT, Scenario  # noqa: E402
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
    product, bare = create_app(), create_bare_app()
    calls = {"baseline": caller(bare, BASELINE), "bare json": caller(bare, BARE_JSON),
             "bare form": caller(bare, BARE_FORM), "form": caller(product, FORM),
             "api": caller(product, API), "result": caller(product, RESULT)}
    base = None
    for name, call in calls.items():
        call()
        us = _best_us(call)
        base = base or us
        print(f"{name:<10} {us:7.1f} µs/request  ({base / us:.2f}× of baseline's speed)")
    floor = _result_floor()
    print(f"{'floor':<10} {floor:7.1f} µs/request  ({base / floor:.2f}×): the result request without its view"
          " and its page")
    print("per-request layers, each on its own:")
    for name, us in _layers(product).items():
        print(f"  {name:<44} {us:6.2f} µs")
    if len(sys.argv) > 1:
        profiler = cProfile.Profile()
        profiler.runcall(lambda: [calls[sys.argv[1]]() for _ in range(2000)])
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)


def _best_us(call, number: int = 1000) -> float:
    return min(timeit.repeat(call, number=number, repeat=5)) * 1e6 / number


def _layers(product) -> dict[str, float]:
    """Each layer's own cost per request: the layer around a WSGI app that does nothing, less that app."""
    from triage.web import i18n, limits
    from triage.web.headers import SecurityHeaders
    from triage.web.mount import Mount, PlainScriptName

    def empty(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b""]

    def through(app, path="/result"):
        environ = EnvironBuilder(path=path).get_environ()
        return lambda: app(dict(environ), lambda status, headers, exc_info=None: None)

    nothing = _best_us(through(empty))
    costs = {
        "security headers (SecurityHeaders)": _best_us(through(SecurityHeaders(empty, "default-src 'none'", None)))
        - nothing,
        "mount point check (PlainScriptName)": _best_us(through(PlainScriptName(empty))) - nothing,
        "URL prefix (Mount, HSG_URL_PREFIX=/hsg)": _best_us(through(Mount(empty, "/hsg"), "/hsg/result")) - nothing,
    }
    with product.test_request_context("/result", method="POST", data=RESULT.body,
                                      content_type=RESULT.content_type,
                                      headers={"Accept-Language": "pl-PL,pl;q=0.9,en;q=0.8"}):
        costs["request-size limit (before-request check)"] = _best_us(limits._refuse_oversized_streams)
        costs["language from Accept-Language"] = _best_us(i18n.select_language)
    return costs


def _result_floor() -> float:
    import triage.web.pages as pages

    saved = pages.result_view, pages.render_result
    pages.result_view, pages.render_result = (lambda answers, audience: None), (lambda view: "")
    try:
        call = caller(create_app(), RESULT)
        call()
        return _best_us(call)
    finally:
        pages.result_view, pages.render_result = saved


if __name__ == "__main__":
    main()
