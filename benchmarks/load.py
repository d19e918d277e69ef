"""Drive a URL with wrk and read back requests/s, p50, p99 and errors."""

import json
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

#: The heaviest result: two indications, an open question, every block shown.
ANSWERS = dict(months_trying="12_or_more", age_bracket="under_35", pregnancy_losses="none",
               pelvic_infection="yes", pelvic_surgery="no", pelvic_pain="unsure")


@dataclass(frozen=True)
class Scenario:
    name: str
    path: str
    method: str = "GET"
    body: str = ""
    content_type: str = ""


BASELINE = Scenario("bare Flask baseline (GET, tiny JSON)", "/")
FORM = Scenario("GET / (the form)", "/")
API = Scenario("POST /api/v1/assessments (JSON)", "/api/v1/assessments", "POST",
               json.dumps(ANSWERS), "application/json")
RESULT = Scenario("POST /result (form-encoded, result page)", "/result", "POST",
                  urlencode(ANSWERS), "application/x-www-form-urlencoded")
#: The bare app taking the same bodies: what Flask and the server cost for a POST of each kind.
BARE_JSON = Scenario("bare Flask, POST the API's JSON (get_json)", "/json", "POST", API.body, API.content_type)
BARE_FORM = Scenario("bare Flask, POST the result's form (request.form)", "/form", "POST", RESULT.body,
                     RESULT.content_type)


@dataclass(frozen=True)
class Run:
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    requests: int
    non_2xx: int | None  # counted only when asked (it costs wrk some speed)
    socket_errors: int


_LUA = """
wrk.method = {method}
wrk.body = {body}
{header}
local threads = {{}}
function setup(thread) table.insert(threads, thread) end
{count}
function done(summary, latency, requests)
  local non2xx = -1
  {sum}
  local e = summary.errors
  io.write(string.format(
    'WRK {{"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "non_2xx": %d, "socket_errors": %d}}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), non2xx,
    e.connect + e.read + e.write + e.timeout))
end
"""

_COUNT = """
function init(args) non2xx = 0 end
function response(status, headers, body)
  if status < 200 or status > 299 then non2xx = non2xx + 1 end
end
"""

_SUM = "non2xx = 0; for _, t in ipairs(threads) do non2xx = non2xx + t:get('non2xx') end"


def _lua_string(text: str) -> str:
    return "[==[" + text + "]==]"


def wrk(base_url: str, scenario: Scenario, *, duration_s: int, connections: int, threads: int,
        count_status: bool = False) -> Run:
    script = _LUA.format(
        method=_lua_string(scenario.method),
        body=_lua_string(scenario.body) if scenario.body else "nil",
        header=f'wrk.headers["Content-Type"] = {_lua_string(scenario.content_type)}' if scenario.content_type else "",
        count=_COUNT if count_status else "",
        sum=_SUM if count_status else "",
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    try:
        out = subprocess.run(
            ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration_s}s", "--timeout", "5s",
             "-s", handle.name, base_url + scenario.path],
            capture_output=True, text=True, check=True, timeout=duration_s + 60,
        ).stdout
    finally:
        Path(handle.name).unlink()
    line = next(line for line in out.splitlines() if line.startswith("WRK "))
    data = json.loads(line[4:])
    return Run(
        requests_per_s=data["requests"] / (data["duration_us"] / 1e6),
        p50_ms=data["p50_us"] / 1e3,
        p99_ms=data["p99_us"] / 1e3,
        requests=data["requests"],
        non_2xx=data["non_2xx"] if count_status else None,
        socket_errors=data["socket_errors"],
    )
