"""``kg serve``: a read-only SPARQL 1.1 Protocol endpoint at ``/sparql`` and the HTML views at ``/``.

- ``GET /sparql?query=...``, ``POST`` with a form body (``query=...``) or an
  ``application/sparql-query`` body; results as SPARQL JSON, XML, CSV or TSV by
  ``Accept`` (or a ``format``/``output`` parameter, as some clients send),
  CONSTRUCT/DESCRIBE as Turtle, N-Triples, JSON-LD or RDF/XML.
- Read-only: SPARQL Update (an ``update`` field, an ``application/sparql-update``
  body, or update text sent as a query) gets ``403``; the store is opened read-only anyway.
- A malformed query gets ``400`` with the parser's message; a query running past
  ``[query] timeout`` seconds is stopped and gets ``503`` saying so.
- CORS headers on every answer (and ``OPTIONS`` preflight), so browser clients like YASGUI work.

pyoxigraph cannot cancel a query, so queries run in a small pool of worker
processes, each holding the store open read-only; a worker that overruns the time
limit is killed and replaced.
"""

from __future__ import annotations

import html
import multiprocessing
import queue
import re
import signal
import sys
import threading
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from kg.settings import QuerySettings

__all__ = ["serve", "make_server", "QueryPool", "negotiate"]

#: Largest request body accepted, in bytes.
MAX_BODY = 10 * 1024 * 1024

_SOLUTION_TYPES = {
    "application/sparql-results+json": "JSON",
    "application/json": "JSON",
    "application/sparql-results+xml": "XML",
    "application/xml": "XML",
    "text/xml": "XML",
    "text/csv": "CSV",
    "text/tab-separated-values": "TSV",
}
_GRAPH_TYPES = {
    "text/turtle": "TURTLE",
    "application/x-turtle": "TURTLE",
    "application/n-triples": "N_TRIPLES",
    "text/plain": "N_TRIPLES",
    "application/ld+json": "JSON_LD",
    "application/json": "JSON_LD",
    "application/rdf+xml": "RDF_XML",
    "application/xml": "RDF_XML",
}
_CONTENT_TYPES = {
    "JSON": "application/sparql-results+json",
    "XML": "application/sparql-results+xml",
    "CSV": "text/csv",
    "TSV": "text/tab-separated-values",
    "TURTLE": "text/turtle",
    "N_TRIPLES": "application/n-triples",
    "JSON_LD": "application/ld+json",
    "RDF_XML": "application/rdf+xml",
}
# ?format=json / ?output=xml, as SPARQLWrapper and some web clients send besides Accept.
_FORMAT_NAMES = {
    "json": "application/sparql-results+json", "xml": "application/sparql-results+xml", "csv": "text/csv",
    "tsv": "text/tab-separated-values", "turtle": "text/turtle", "ttl": "text/turtle",
    "n-triples": "application/n-triples", "nt": "application/n-triples", "json-ld": "application/ld+json",
    "jsonld": "application/ld+json", "rdf+xml": "application/rdf+xml", "rdfxml": "application/rdf+xml",
}
_UPDATE_START = re.compile(
    r"^\s*(?:(?:PREFIX\s+[\w.-]*:\s*<[^>]*>|BASE\s*<[^>]*>)\s*)*"
    r"(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b",
    re.IGNORECASE,
)


_UPDATE_ANYWHERE = re.compile(
    r"(?<![?$\w:])(?:INSERT|DELETE)\s+(?:DATA\b|WHERE\b|\{)"
    r"|(?<![?$\w:])(?:LOAD|CLEAR|DROP|CREATE)\s+(?:SILENT\s+)?(?:GRAPH|DEFAULT|NAMED|ALL|<)",
    re.IGNORECASE,
)


def _strip_comments(sparql: str) -> str:
    # Good enough to find the first keyword: drops "#..." outside IRIs and strings on each line.
    return "\n".join(re.sub(r"#[^\n<>\"']*$", "", line) for line in sparql.splitlines())


def negotiate(accept: str) -> list[str]:
    """Media types of an ``Accept`` header, best first (q-values honoured, ``q=0`` dropped).

    >>> negotiate("application/sparql-results+xml;q=0.5, application/sparql-results+json")
    ['application/sparql-results+json', 'application/sparql-results+xml']
    """
    ranked = []
    for index, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        q = 1.0
        for f in fields[1:]:
            if f.startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        if q > 0:
            ranked.append((-q, index, media))
    return [media for _, _, media in sorted(ranked)]


def _choose(accepted: list[str], table: dict[str, str], default: str) -> str | None:
    if not accepted:
        return default
    for media in accepted:
        if media in table:
            return table[media]
        if media in ("*/*", "application/*", "text/*"):
            return default
    return None


# --------------------------------------------------------------------------------------------
# Worker processes


def _worker_main(conn, store_dir: str) -> None:
    """Loop of one worker process: answer ``(sparql, accepted media types)`` requests until the pipe closes."""
    import pyoxigraph as ox

    from kg.rdf.store import QUERY_PREFIXES

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the server's to handle
    try:
        store = ox.Store.read_only(store_dir)
    except OSError as exc:
        conn.send(("error", f"{store_dir}: cannot open the SPARQL store ({exc})"))
        return
    # Tell the pool the store is open, so start-up time never counts against a query's time limit.
    conn.send(("ready", ""))
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        if request is None:
            return
        sparql, accepted = request
        try:
            result = store.query(sparql, prefixes=QUERY_PREFIXES)
            if isinstance(result, ox.QueryTriples):
                name = _choose(accepted, _GRAPH_TYPES, "TURTLE")
                if name is None:
                    conn.send((406, "text/plain", _not_acceptable(_GRAPH_TYPES)))
                    continue
                fmt = getattr(ox.RdfFormat, name)
                kwargs = {"prefixes": QUERY_PREFIXES} if name in ("TURTLE", "RDF_XML") else {}
                body = ox.serialize(list(result), format=fmt, **kwargs)
            else:
                name = _choose(accepted, _SOLUTION_TYPES, "JSON")
                if name is None:
                    conn.send((406, "text/plain", _not_acceptable(_SOLUTION_TYPES)))
                    continue
                if isinstance(result, ox.QueryBoolean) and name in ("CSV", "TSV"):
                    name = "JSON"  # CSV/TSV cannot carry an ASK answer
                body = result.serialize(format=getattr(ox.QueryResultsFormat, name))
            conn.send((200, _CONTENT_TYPES[name], body))
        except SyntaxError as exc:
            conn.send((400, "text/plain", f"Malformed query: {exc}\n".encode()))
        except Exception as exc:  # an engine error must not kill the worker
            conn.send((500, "text/plain", f"Query failed: {type(exc).__name__}: {exc}\n".encode()))


def _not_acceptable(table: dict[str, str]) -> bytes:
    return f"Not Acceptable: this result can be sent as {', '.join(sorted(set(table)))}\n".encode()


#: Seconds a new worker may take to import pyoxigraph and open the store.
STARTUP_TIMEOUT = 120.0


class _Worker:
    def __init__(self, context, store_dir: str) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(child, store_dir), daemon=True, name="kg-sparql-worker")
        self.process.start()
        child.close()
        self.ready = False

    def wait_ready(self) -> None:
        """Block until the worker has opened the store; raise :class:`OutputError` if it cannot."""
        from kg.errors import OutputError

        if self.ready:
            return
        if not self.conn.poll(STARTUP_TIMEOUT):
            raise OutputError(f"a SPARQL worker did not start within {STARTUP_TIMEOUT:g} s; is the machine overloaded?")
        try:
            kind, message = self.conn.recv()
        except EOFError:
            kind, message = "error", "a SPARQL worker exited while starting"
        if kind != "ready":
            raise OutputError(f"{message}; run `kg build` again")
        self.ready = True

    def stop(self, *, kill: bool = False) -> None:
        if kill:
            self.process.kill()
        else:
            try:
                self.conn.send(None)
            except OSError:
                pass
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()


class QueryPool:
    """Worker processes that answer SPARQL queries and can be killed when they overrun.

    Parameters
    ----------
    store_dir
        The pyoxigraph store folder, opened read-only by every worker.
    timeout
        Seconds a query may run before its worker is killed.
    workers
        Number of worker processes (queries beyond that wait for a free one).
    """

    def __init__(self, store_dir: Path, *, timeout: float, workers: int = QuerySettings.workers) -> None:
        # spawn: the server is multi-threaded, and forking a threaded process is unsafe.
        self._context = multiprocessing.get_context("spawn")
        self._store_dir = str(store_dir)
        self.timeout = timeout
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        for _ in range(workers):
            self._add()
        try:
            for worker in list(self._all):
                worker.wait_ready()
        except BaseException:
            self.close()
            raise

    def _add(self) -> None:
        worker = _Worker(self._context, self._store_dir)
        with self._lock:
            self._all.add(worker)
        self._idle.put(worker)

    def run(self, sparql: str, accepted: list[str]) -> tuple[int, str, bytes]:
        """Answer one query: ``(HTTP status, content type, body)``."""
        worker = self._idle.get()
        try:
            worker.wait_ready()  # a replacement worker may still be starting
            worker.conn.send((sparql, accepted))
            if worker.conn.poll(self.timeout):
                answer = worker.conn.recv()
                self._idle.put(worker)
                return answer
        except (EOFError, OSError):  # the worker died mid-query
            answer = None
        except Exception as exc:  # noqa: BLE001 - a worker that cannot start must not hang the request
            answer = (503, "text/plain", f"No SPARQL worker available: {exc}\n".encode())
        else:
            answer = (503, "text/plain", (
                f"Query stopped: it ran longer than the {self.timeout:g} s time limit ([query] timeout in kg.toml). "
                "Narrow it down (a LIMIT, a more selective pattern) or raise the limit.\n"
            ).encode())
        # The worker overran or died: kill it and start a fresh one in its place.
        with self._lock:
            self._all.discard(worker)
        worker.stop(kill=True)
        self._add()
        return answer or (500, "text/plain", b"Query failed: the worker process died (out of memory?)\n")

    def close(self) -> None:
        """Stop every worker."""
        with self._lock:
            workers, self._all = list(self._all), set()
        for worker in workers:
            worker.stop()


# --------------------------------------------------------------------------------------------
# HTTP

_FORM_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>kg SPARQL endpoint</title></head>
<body><h1>kg SPARQL endpoint</h1><p>Read-only SPARQL 1.1 over {out}. Send <code>GET</code> or <code>POST</code>
requests to <code>/sparql</code>; results as SPARQL JSON, XML, CSV or TSV by <code>Accept</code>.</p>
<form method="post" action="/sparql"><textarea name="query" rows="12" cols="100">PREFIX kg: &lt;https://w3id.org/paperkg/ontology#&gt;
PREFIX skos: &lt;http://www.w3.org/2004/02/skos/core#&gt;
SELECT ?entity ?name (COUNT(?paper) AS ?papers) WHERE {{
  ?paper kg:mentions ?entity . ?entity skos:prefLabel ?name .
}} GROUP BY ?entity ?name ORDER BY DESC(?papers) LIMIT 20</textarea><br>
<select name="format"><option>json</option><option>xml</option><option>csv</option><option>tsv</option></select>
<button type="submit">Run</button></form></body></html>
"""


class _Handler(SimpleHTTPRequestHandler):
    server_version = "kg-sparql"
    pool: QueryPool
    out: Path

    def end_headers(self) -> None:
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Allow-Methods", "GET, POST, HEAD, OPTIONS")
        self.send_header("Access-Control-Allow-Headers", "Content-Type, Accept, Authorization")
        self.send_header("Access-Control-Max-Age", "86400")
        super().end_headers()

    # -- routing --------------------------------------------------------------------------------
    def do_OPTIONS(self) -> None:  # noqa: N802 (http.server naming)
        self.send_response(HTTPStatus.NO_CONTENT)
        self.send_header("Allow", "GET, POST, HEAD, OPTIONS")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:  # noqa: N802
        path = urlsplit(self.path).path
        if path == "/sparql":
            self._sparql(parse_qs(urlsplit(self.path).query, keep_blank_values=True), None)
        elif self._hidden(path):
            self.send_error(HTTPStatus.NOT_FOUND, "Not found")
        else:
            super().do_GET()

    def do_HEAD(self) -> None:  # noqa: N802
        if self._hidden(urlsplit(self.path).path):
            self.send_error(HTTPStatus.NOT_FOUND, "Not found")
        else:
            super().do_HEAD()

    def do_POST(self) -> None:  # noqa: N802
        split = urlsplit(self.path)
        if split.path != "/sparql":
            self._send(HTTPStatus.METHOD_NOT_ALLOWED, "text/plain", b"POST is accepted only at /sparql\n")
            return
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self._send(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "text/plain", b"Request body too large\n")
            return
        body = self.rfile.read(length) if length else b""
        params = parse_qs(split.query, keep_blank_values=True)
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if ctype == "application/sparql-update":
            self._read_only()
            return
        if ctype == "application/sparql-query":
            self._sparql(params, body.decode("utf-8", errors="replace"))
            return
        if ctype in ("application/x-www-form-urlencoded", ""):
            for key, values in parse_qs(body.decode("utf-8", errors="replace"), keep_blank_values=True).items():
                params.setdefault(key, []).extend(values)
            self._sparql(params, None)
            return
        self._send(
            HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "text/plain",
            f"Unsupported Content-Type {ctype}: send application/sparql-query or a form (application/x-www-form-urlencoded)\n".encode(),
        )

    # -- SPARQL ----------------------------------------------------------------------------------
    def _sparql(self, params: dict[str, list[str]], body: str | None) -> None:
        if "update" in params:
            self._read_only()
            return
        queries = params.get("query", [])
        if body is None and not queries:
            if "text/html" in (self.headers.get("Accept") or ""):
                page = _FORM_PAGE.format(out=html.escape(str(self.out)))
                self._send(HTTPStatus.OK, "text/html; charset=utf-8", page.encode())
            else:
                self._send(HTTPStatus.BAD_REQUEST, "text/plain", b"Missing query: send ?query=... (GET) or a query in the POST body\n")
            return
        if body is None and len(queries) > 1:
            self._send(HTTPStatus.BAD_REQUEST, "text/plain", b"Give exactly one query parameter\n")
            return
        sparql = body if body is not None else queries[0]
        if _UPDATE_START.match(_strip_comments(sparql)):
            self._read_only()
            return
        accepted = negotiate(self.headers.get("Accept") or "")
        forced = (params.get("format") or params.get("output") or [""])[0].strip().lower()
        if forced:
            media = _FORMAT_NAMES.get(forced, forced if "/" in forced else "")
            if not media:
                self._send(HTTPStatus.BAD_REQUEST, "text/plain", f"Unknown format '{forced}'\n".encode())
                return
            accepted = [media]
        status, ctype, payload = self.server.pool.run(sparql, accepted)  # type: ignore[attr-defined]
        if status == HTTPStatus.BAD_REQUEST and _UPDATE_ANYWHERE.search(sparql):
            # An update the prologue check missed (e.g. behind a comment): say why, not just "malformed".
            self._read_only()
            return
        if ctype in ("text/csv", "text/tab-separated-values", "text/plain", "text/turtle"):
            ctype += "; charset=utf-8"
        self._send(status, ctype, payload)

    def _read_only(self) -> None:
        self._send(
            HTTPStatus.FORBIDDEN, "text/plain",
            b"This endpoint is read-only: SPARQL Update is not accepted. Rebuild with `kg build` to change the graph.\n",
        )

    def _send(self, status: int, ctype: str, payload: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(payload)))
        if status == HTTPStatus.METHOD_NOT_ALLOWED:
            self.send_header("Allow", "GET, HEAD, OPTIONS")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    @staticmethod
    def _hidden(path: str) -> bool:
        # The RocksDB files and dot-files (staging leftovers) are not views.
        parts = [p for p in path.split("/") if p]
        return bool(parts) and (parts[0] == "store" or any(p.startswith(".") for p in parts))

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (stdlib signature)
        sys.stderr.write(f"kg serve: {self.address_string()} {format % args}\n")


def make_server(out: Path, *, host: str, port: int, timeout: float, workers: int = QuerySettings.workers) -> ThreadingHTTPServer:
    """Bind the endpoint for the build folder ``out`` (port 0 picks a free port) without serving yet.

    The returned server has ``pool`` (its :class:`QueryPool`); call ``serve_forever()``,
    then ``shutdown()``, ``server_close()`` and ``pool.close()``.
    """
    from kg.rdf.store import store_path

    out = Path(out).resolve()
    store_dir = store_path(out)
    handler = type("KGHandler", (_Handler,), {"out": out})

    def factory(*args, **kwargs):
        return handler(*args, directory=str(out), **kwargs)

    server = ThreadingHTTPServer((host, port), factory)
    server.daemon_threads = True
    try:
        server.pool = QueryPool(store_dir, timeout=timeout, workers=workers)  # type: ignore[attr-defined]
    except BaseException:
        server.server_close()
        raise
    return server


def _stop(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def serve(out: Path, *, host: str = "127.0.0.1", port: int = 8000, settings: Any = None) -> None:
    """Serve SPARQL at ``/sparql`` and the build folder's HTML views at ``/`` until interrupted.

    Parameters
    ----------
    out
        A folder written by ``kg build``.
    host, port
        Where to listen; port 0 picks a free port. The URL is printed on stderr.
    settings
        :class:`kg.settings.Settings`; ``settings.query.timeout`` bounds each query and
        ``settings.query.workers`` sets how many run at once.

    Raises
    ------
    kg.errors.OutputError
        If ``out`` holds no complete build.
    kg.errors.KGError
        If the address cannot be bound.
    """
    from kg.errors import KGError

    from kg.errors import ConfigError

    query_settings = getattr(settings, "query", None) or QuerySettings()
    if query_settings.workers < 1:
        raise ConfigError(f"query.workers is {query_settings.workers}; set it to 1 or more in the settings file")
    try:
        server = make_server(
            out, host=host, port=port, timeout=float(query_settings.timeout), workers=query_settings.workers
        )
    except OSError as exc:
        raise KGError(f"cannot listen on {host}:{port} ({exc.strerror or exc}); pick another --port (0 picks a free one)") from None
    real_host, real_port = server.server_address[:2]
    shown = f"[{real_host}]" if ":" in str(real_host) else real_host
    print(
        f"kg serve: serving {Path(out)} at http://{shown}:{real_port}/ "
        f"(SPARQL endpoint http://{shown}:{real_port}/sparql); press Ctrl+C to stop",
        file=sys.stderr, flush=True,
    )
    # SIGTERM (e.g. from a process manager) stops as cleanly as Ctrl+C.
    if threading.current_thread() is threading.main_thread():  # signal handlers live in the main thread only
        signal.signal(signal.SIGTERM, _stop)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("kg serve: stopped", file=sys.stderr, flush=True)
    finally:
        server.server_close()
        server.pool.close()  # type: ignore[attr-defined]
