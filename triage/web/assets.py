"""Static assets under content-hashed names, cached for a year; /favicon.ico; /robots.txt.

`url_for('static', filename='site.css')` builds `/static/site.<hash>.css`.
A new release changes the bytes, hence the name, so browsers and proxies may
keep every hashed URL forever (`immutable`) and never serve a stale stylesheet.
The files are tiny: they are read once at start-up and served from memory.
Unhashed names still work (Flask's own static view), without the long cache.
"""

import hashlib
import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path

from html import unescape

from flask import Flask, Response, request
from markupsafe import escape


@dataclass(frozen=True)
class Asset:
    body: bytes
    mimetype: str
    etag: str


#: For hashed URLs only: their content can never change.
IMMUTABLE = "public, max-age=31536000, immutable"
#: /favicon.ico and /robots.txt have fixed names, so they may change under them: a day is plenty.
FIXED_NAME_CACHE = "public, max-age=86400"
#: Endpoints whose responses may be cached (see headers.py); everything else is `no-store`.
CACHEABLE_ENDPOINTS = frozenset({"static", "favicon", "robots"})
#: Crawlers may read the public pages; results are POST answers and never crawlable anyway.
ROBOTS_TXT = Asset(b"User-agent: *\nAllow: /\n", "text/plain", "robots-1")


def minify_css(css: str) -> str:
    # Comments and layout whitespace only: nothing inside a rule changes
    # meaning. Spaces before `:` stay (`a :hover` differs from `a:hover`).
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    css = re.sub(r"\s+", " ", css)
    return re.sub(r"\s*([{};,])\s*", r"\1", css).replace(";}", "}").strip()


def load_assets(folder: Path) -> dict[str, tuple[str, Asset]]:
    """Each file by its plain name: (its hashed name, what to serve)."""
    assets = {}
    for path in sorted(p for p in folder.iterdir() if p.is_file()):
        body = path.read_bytes()
        if path.suffix == ".css":
            body = minify_css(body.decode("utf-8")).encode("utf-8")
        digest = hashlib.sha256(body).hexdigest()[:12]
        mimetype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        assets[path.name] = (f"{path.stem}.{digest}{path.suffix}", Asset(body, mimetype, digest))
    return assets


#: The drawing whose words are translated: one copy per language, each under its own hashed name.
DIAGRAM = "hsg-diagram.svg"
#: Its title, description and labels: the text content of these elements, in the catalogue under
#: the message context "diagram" (babel.cfg runs `extract_diagram` on it).
_DIAGRAM_TEXT = re.compile(r"(<(title|desc|text)\b[^>]*>)([^<]+)(</\2>)")


def extract_diagram(fileobj, keywords, comment_tags, options):
    """Babel extractor: the drawing's words, as `pgettext("diagram", ...)` messages."""
    text = fileobj.read().decode("utf-8")
    for match in _DIAGRAM_TEXT.finditer(text):
        lineno = text.count("\n", 0, match.start()) + 1
        yield lineno, "pgettext", ("diagram", match.group(3)), ["A word or sentence of the drawing of an HSG."]


def translated_diagram(svg: str, translations) -> str:
    """The drawing with its title, description and labels in `translations`' language."""
    return _DIAGRAM_TEXT.sub(
        lambda m: m.group(1) + str(escape(translations.upgettext("diagram", unescape(m.group(3))))) + m.group(4), svg)


def _serve(asset: Asset, cache_control: str) -> Response:
    response = Response(asset.body, mimetype=asset.mimetype)
    response.headers["Cache-Control"] = cache_control
    response.set_etag(asset.etag)
    return response.make_conditional(request)


def _diagram_in_every_language(assets: dict[str, tuple[str, Asset]]) -> None:
    """Adds `hsg-diagram.<lang>.svg` for each translated language, hashed like every asset."""
    from triage.core.translation import LANGUAGES, SOURCE_LANGUAGE, catalogue

    if DIAGRAM not in assets:
        return
    svg = assets[DIAGRAM][1].body.decode("utf-8")
    for language in LANGUAGES:
        if language == SOURCE_LANGUAGE:
            continue
        body = translated_diagram(svg, catalogue(language, "messages")).encode("utf-8")
        digest = hashlib.sha256(body).hexdigest()[:12]
        assets[f"hsg-diagram.{language}.svg"] = (f"hsg-diagram.{language}.{digest}.svg",
                                                 Asset(body, "image/svg+xml", digest))


def register(app: Flask) -> None:
    assets = load_assets(Path(app.static_folder))
    _diagram_in_every_language(assets)
    hashed_names = {plain: hashed for plain, (hashed, _) in assets.items()}
    by_hashed_name = {hashed: asset for hashed, asset in assets.values()}
    flask_static = app.view_functions["static"]

    @app.url_defaults
    def _hashed_static_url(endpoint: str, values: dict) -> None:
        if endpoint == "static" and values.get("filename") in hashed_names:
            values["filename"] = hashed_names[values["filename"]]

    def static(filename: str) -> Response:
        asset = by_hashed_name.get(filename)
        return _serve(asset, IMMUTABLE) if asset else flask_static(filename=filename)

    # Replace the view behind Flask's own `static` endpoint: url_for, the URL
    # rule and any prefix from ProxyFix keep working exactly as before.
    app.view_functions["static"] = static

    if "favicon.svg" in assets:
        favicon = assets["favicon.svg"][1]

        # Browsers and Lighthouse ask for /favicon.ico whatever the page links;
        # answer with the icon rather than a 404 in the console.
        @app.get("/favicon.ico", endpoint="favicon")
        def _favicon() -> Response:
            return _serve(favicon, FIXED_NAME_CACHE)

    # Without it, crawlers (and Lighthouse's SEO audit) read the HTML 404 page.
    @app.get("/robots.txt", endpoint="robots")
    def _robots() -> Response:
        return _serve(ROBOTS_TXT, FIXED_NAME_CACHE)
