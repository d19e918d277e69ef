"""The baseline: a bare Flask app answering a tiny fixed JSON, on the same server code.

Run by benchmarks/run.py through `triage.serve.serve`, with the same server and
worker settings as the product, so that the ratio between the two measures
only what the product adds on top of Flask and the server.
"""

import argparse

from flask import Flask, request


def create_bare_app() -> Flask:
    app = Flask(__name__)

    @app.route("/", methods=["GET", "POST"])
    def index():
        return {"ok": True}

    # The ceilings for a view that takes a posted body: Flask (and the server) reading the body the
    # product's two POST scenarios send, and nothing else. No view of that kind can be cheaper.
    @app.post("/form")
    def form():
        request.form  # noqa: B018 - parsing it is the point
        return {"ok": True}

    @app.post("/json")
    def json_body():
        request.get_json()
        return {"ok": True}

    return app


def main() -> None:
    from triage.serve import SERVERS, serve

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, required=True)
    parser.add_argument("--server", choices=SERVERS, required=True)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    serve(create_bare_app(), args.host, args.port, args.workers, args.server, args.threads)


if __name__ == "__main__":
    main()
