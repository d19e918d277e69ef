"""Memory after warm-up: one process's RSS once it has served every result page there is.

    python benchmarks/memory.py                # this checkout
    python benchmarks/memory.py PATH           # another checkout of the project, for a before/after

A worker's memory grows as it meets new keys (web/fragments.py stores each
part once per key) and then stops. Here one process serves all 2,700 answer
sets in both registers and all five languages, 27,000 result pages, which is
every key a result page can have under one prefix. It prints the RSS after
the first page and after the last.
"""

import itertools
import sys
from pathlib import Path


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status (Linux only)")


def main() -> None:
    tree = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent).resolve()
    sys.path.insert(0, str(tree))
    from triage import create_app
    from triage.core.answers import ALLOWED, FIELDS
    from triage.core.translation import LANGUAGES

    client = create_app().test_client()
    client.get("/")
    client.post("/result", data={field: ALLOWED[field][0] for field in FIELDS})
    first = rss_mib()
    for language, audience in itertools.product(LANGUAGES, ("", "audience=clinician&")):
        for values in itertools.product(*(ALLOWED[field] for field in FIELDS)):
            response = client.post(f"/result?{audience}lang={language}", data=dict(zip(FIELDS, values)))
            assert response.status_code == 200, response.status
    print(f"{tree}: RSS after the first page {first:.1f} MiB, after every result page {rss_mib():.1f} MiB")


if __name__ == "__main__":
    main()
