"""Rendered once, reused: `{% fragment 'name', key, ... %}…{% endfragment %}` in templates.

Most of a result page is fixed wording: an indication's card, an escalation,
the safety prompts, the description of the test, the page's chrome. Each is a
function of a few finite keys (an id, the register, the outcome) and of the
request's page key (language, chosen `?lang`, URL prefix, embedded or not),
never of the whole set of answers. A fragment's body is rendered the first
time its key is seen and kept for the app's life, bounded by the number of
keys; a page is then assembled from those strings with little per-request
work (issue 16; `benchmarks/profile_requests.py` shows the gain).

What a key must hold: every value the body reads that can differ between two
requests. `page_key` (set per request in `i18n.py`'s context processor) is
added to every key. tests/test_fragments.py renders pages with and without
the store and requires identical bytes, for every outcome, register and
language.

Nothing here stores answers: keys name rules, registers and wording blocks;
no key holds more than one answer value.
"""

from flask import Flask
from jinja2 import nodes, pass_context
from jinja2.ext import Extension

from triage.state import hsg

#: More keys than any page set produces (prefixes come from a header, so the bound matters).
MAX_FRAGMENTS = 20_000


class FragmentExtension(Extension):
    """`{% fragment key... %}body{% endfragment %}` compiles to: look the key up; on a hit, output the
    stored string; on a miss, render the body (a call block) and store it. A hit builds no caller
    macro, which is most of what a call block costs."""

    tags = {"fragment"}

    def __init__(self, environment):
        super().__init__(environment)
        # The lookup is a filter, not a method: a template calls a filter directly, where a call
        # goes through Context.call's checks on every use, a tenth of the result page's time.
        environment.filters["_fragment_lookup"] = self._lookup

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        key = [parser.parse_expression()]
        while parser.stream.skip_if("comma"):
            key.append(parser.parse_expression())
        body = parser.parse_statements(("name:endfragment",), drop_needle=True)
        found = nodes.Name(f"_fragment_{lineno}", "store")
        lookup = nodes.Filter(nodes.Tuple(key, "load"), "_fragment_lookup", [], [], None, None)
        render = nodes.CallBlock(self.call_method("_render", [nodes.Tuple(key, "load"), nodes.ContextReference()]),
                                 [], [], body)
        return [
            nodes.Assign(found, lookup).set_lineno(lineno),
            nodes.If(nodes.Test(nodes.Name(found.name, "load"), "none", [], [], None, None),
                     [render], [], [nodes.Output([nodes.Name(found.name, "load")])]).set_lineno(lineno),
        ]

    @staticmethod
    @pass_context
    def _lookup(context, key: tuple):
        store = context.get("fragment_store")
        return None if store is None else store.get((context.get("page_key"), *key))

    @staticmethod
    def _render(key: tuple, context, caller):
        html = caller()
        store = context.get("fragment_store")
        if store is not None and len(store) < MAX_FRAGMENTS:
            store[(context.get("page_key"), *key)] = html
        return html


def init_app(app: Flask) -> None:
    app.jinja_env.add_extension(FragmentExtension)
    # The switch exists for the test that compares pages rendered both ways.
    store = {} if app.config.get("FRAGMENTS", True) else None
    hsg(app).built["fragments"] = store
    app.jinja_env.globals["fragment_store"] = store
