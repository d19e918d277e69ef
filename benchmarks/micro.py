"""Microbenchmarks of the engine alone and of rule-set loading.

In-process and single-threaded: no server, no Flask. Each figure is the best
of several rounds, because on a shared machine the minimum is the least
disturbed measurement; the median is printed beside it for honesty.
"""

import itertools
import statistics
import time

from triage.core.answers import ALLOWED, FIELDS, Answers
from triage.core.engine import Engine
from triage.core.ruleset import load_rule_set


def _all_answers() -> list[Answers]:
    return [Answers(**dict(zip(FIELDS, values))) for values in itertools.product(*(ALLOWED[f] for f in FIELDS))]


def engine_us_per_assessment(rounds: int = 15) -> tuple[float, float]:
    """µs per `Engine.assess` over all 2,700 combinations, both audiences."""
    engine = Engine(load_rule_set())
    answers = _all_answers()
    assess = engine.assess
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        for audience in ("patient", "clinician"):
            for a in answers:
                assess(a, audience)
        samples.append((time.perf_counter() - start) / (2 * len(answers)) * 1e6)
    return min(samples), statistics.median(samples)


def load_ms(rounds: int = 30) -> tuple[float, float]:
    """ms for `load_rule_set()` + `Engine(...)`: what start-up (and `rules --check`) pays once."""
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        Engine(load_rule_set())
        samples.append((time.perf_counter() - start) * 1e3)
    return min(samples), statistics.median(samples)


def main() -> list[tuple[str, str, str]]:
    engine_best, engine_median = engine_us_per_assessment()
    load_best, load_median = load_ms()
    rows = [
        ("engine: µs per assessment (2,700 combinations × 2 audiences)", f"{engine_best:.2f}", f"{engine_median:.2f}"),
        ("rule set: ms to load_rule_set() + Engine()", f"{load_best:.2f}", f"{load_median:.2f}"),
    ]
    print("| microbenchmark | best | median |\n|---|---:|---:|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    return rows


if __name__ == "__main__":
    main()
