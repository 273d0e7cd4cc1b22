"""The HTTP API of ${{ values.name }}.

A health check for Kubernetes probes and one JSON endpoint to build on;
api/openapi.yaml describes both.
"""

import json
import logging
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

MAX_NAME_LENGTH = 100

logger = logging.getLogger("${{ values.name }}")


def health(_query):
    return HTTPStatus.OK, {"status": "ok"}


def greeting(query):
    name = query.get("name", ["world"])[0]
    if not 1 <= len(name) <= MAX_NAME_LENGTH:
        return HTTPStatus.BAD_REQUEST, {
            "error": f"name must be 1 to {MAX_NAME_LENGTH} characters long (got {len(name)})"
        }
    return HTTPStatus.OK, {"message": f"Hello, {name}!"}


ROUTES = {
    "/healthz": health,
    "/api/greeting": greeting,
}


class Handler(BaseHTTPRequestHandler):
    server_version = "${{ values.name }}"

    def do_GET(self):
        url = urlsplit(self.path)
        route = ROUTES.get(url.path)
        if route is None:
            self._send_json(HTTPStatus.NOT_FOUND, {"error": f"no route for {url.path}"})
            return
        status, body = route(parse_qs(url.query, keep_blank_values=True))
        self._send_json(status, body)

    def _method_not_allowed(self):
        path = urlsplit(self.path).path
        if path not in ROUTES:
            self._send_json(HTTPStatus.NOT_FOUND, {"error": f"no route for {path}"})
            return
        self._send_json(
            HTTPStatus.METHOD_NOT_ALLOWED,
            {"error": f"{self.command} is not allowed on {path}"},
            headers={"Allow": "GET"},
        )

    do_POST = do_PUT = do_PATCH = do_DELETE = _method_not_allowed

    def _send_json(self, status, body, headers=None):
        payload = json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format, *args):
        # Access log lines go through logging, as structured records.
        logger.info("request", extra={"fields": {"client": self.client_address[0], "request": format % args}})


def create_server(host="0.0.0.0", port=8080):
    """Creates the server; port 0 picks a free port (see server.server_port)."""
    return ThreadingHTTPServer((host, port), Handler)
