"""Rendered once, reused: a store of page parts, kept by key for the app's life.

Most of a page is fixed wording: an indication's card, an escalation, the
safety prompts, the description of the test, the page's chrome. Each is a
function of a few finite keys (an id, the register, the outcome) and of the
request's page key (language, chosen `?lang`, URL prefix, embedded or not),
never of the whole set of answers. A part is rendered the first time its key
is seen and kept (issue 16; `benchmarks/profile_requests.py` shows the gain).
The store is bounded in bytes, MAX_STORE_BYTES, and evicts the least recently
used part when full (issue 26): a forwarded prefix is part of the page key, so
the key space is open, and a bound by count alone let a flood of distinct
prefixes fill it with large parts and then stop caching. Today's date is not
in any key: the parts that show it are stored with a slot for it. Two ways in:

- from templates, `{% fragment 'name', key, ... %}…{% endfragment %}`
  (the form, /rules, /about, the chrome of every page);
- from Python, `Parts`: a template's macros, each call's output kept by its
  arguments. The result page is joined this way (web/result_page.py), so no
  template runs for it on a hit.

What a key must hold: every value the part reads that can differ between two
requests. The page key (`i18n.page_key`) is added to every key.
tests/test_fragments.py renders pages with and without the store and requires
identical bytes, for every page kind, outcome, register and language.

Nothing here stores answers: keys name rules, registers and wording blocks;
no key holds more than one answer value (tested).
"""

import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator

from flask import Flask, current_app
from jinja2 import nodes, pass_context
from jinja2.ext import Extension
from markupsafe import Markup

from triage.state import hsg
from triage.web.i18n import page_key

#: The store's bound: the memory its parts take (sys.getsizeof of each stored string, and of the
#: tuple around a split part's pieces), plus ENTRY_OVERHEAD for each entry's key and bookkeeping.
#: Every page of every register, outcome and language takes a few MiB; 32 MiB leaves room for a
#: few prefixes and framings without letting a worker grow without end.
MAX_STORE_BYTES = 32 * 1024 * 1024
#: A key's tuple and the ordered dict's node, with a prefix (at most 256 characters, mount.py).
ENTRY_OVERHEAD = 1024


def _size(value) -> int:
    if isinstance(value, tuple):
        return sys.getsizeof(value) + sum(sys.getsizeof(piece) for piece in value)
    return sys.getsizeof(value)


class FragmentStore:
    """Parts by key, least recently used first; above MAX_STORE_BYTES the oldest are dropped.

    A lock, since gunicorn's gthread workers and waitress share one store between threads: a
    lookup moves its part to the end, which must not meet an eviction of that part.
    """

    def __init__(self, max_bytes: int = MAX_STORE_BYTES):
        self.max_bytes = max_bytes
        self.size = 0
        self._parts: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable):
        with self._lock:
            found = self._parts.get(key)
            if found is not None:
                self._parts.move_to_end(key)
            return found

    def keep(self, key: Hashable, value):
        size = _size(value) + ENTRY_OVERHEAD
        if size > self.max_bytes:
            return value
        with self._lock:
            if key not in self._parts:
                self._parts[key] = value
                self.size += size
                while self.size > self.max_bytes:
                    _, dropped = self._parts.popitem(last=False)
                    self.size -= _size(dropped) + ENTRY_OVERHEAD
        return value

    def __len__(self) -> int:
        return len(self._parts)

    def __iter__(self) -> Iterator:
        return iter(list(self._parts))

    def __contains__(self, key: Hashable) -> bool:
        return key in self._parts


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
        return _keep(context.get("fragment_store"), (context.get("page_key"), *key), caller())


def _keep(store: FragmentStore | None, key: tuple, value):
    """`value`, stored under `key` (both ways in write through here)."""
    return value if store is None else store.keep(key, value)


#: Marks a slot in a stored part; never in a rendered page (no template, answer or setting has it).
SLOT = "\x00"


def slot(name: str) -> Markup:
    """What a part is rendered with in place of the value of slot `name`; `fill` puts the value there."""
    return Markup(SLOT + name + SLOT)


class Parts:
    """The store from Python: the macros of one template, each call's output kept by its arguments.

    `parts("reason", indication)` is the output of the macro `reason(indication)`, rendered the first
    time that key is seen on this kind of page (the page key) and then taken from the store: the
    arguments are the key, so a macro may read only its arguments and what the page key covers.
    `extra` keyword arguments are passed but are not part of the key: the caller vouches that the
    key's arguments decide what the macro reads of them. For a page joined in Python from its parts
    (web/result_page.py): a hit costs a dictionary lookup, where a template pays for every step.
    """

    def __init__(self, template_name: str, **context):
        self.template_name = template_name
        self.context = context  # the rest of the template context is added on the first miss
        self.store = hsg().built["fragments"]
        self.page_key = page_key()
        self._module = None

    def __call__(self, name: str, *key, **extra) -> str:
        # The lookup written out, without `kept`'s closure: a page makes some forty of these calls.
        full = (self.page_key, self.template_name, name, *key)
        found = None if self.store is None else self.store.get(full)
        if found is None:
            found = _keep(self.store, full, str(getattr(self.module(), name)(*key, **extra)))
        return found

    def split(self, name: str, *key, slots: tuple[str, ...], **extra) -> tuple[str, ...]:
        """A part with holes: the macro rendered with each of `slots` given as a marker, cut at the
        markers into (text, slot name, text, slot name, …, text), for `fill`. `extra` as in
        `__call__`: passed, not keyed."""
        return self.kept((name, *key), lambda: tuple(str(getattr(self.module(), name)(
            *key, **extra, **{hole: slot(hole) for hole in slots})).split(SLOT)))

    def kept(self, key: tuple, render: Callable):
        """The stored value for `key`, or `render()`'s, stored."""
        full = (self.page_key, self.template_name, *key)
        found = None if self.store is None else self.store.get(full)
        return _keep(self.store, full, render()) if found is None else found

    def module(self):
        """The template with the request's full context, made once per request, and only on a miss."""
        if self._module is None:
            context = dict(self.context)
            current_app.update_template_context(context)
            self._module = current_app.jinja_env.get_template(self.template_name).make_module(context)
        return self._module


def fill(pieces: tuple[str, ...], **slots: str) -> str:
    """A split part with its slots filled (each value is HTML already: escaped, or from a part)."""
    filled = list(pieces)
    filled[1::2] = [slots[name] for name in pieces[1::2]]
    return "".join(filled)


def init_app(app: Flask) -> None:
    app.jinja_env.add_extension(FragmentExtension)
    # The switch exists for the test that compares pages rendered both ways.
    store = FragmentStore() if app.config.get("FRAGMENTS", True) else None
    hsg(app).built["fragments"] = store
    app.jinja_env.globals["fragment_store"] = store
