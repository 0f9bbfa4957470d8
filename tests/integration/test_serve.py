"""`kg serve` as a real subprocess on a free port, queried over real HTTP with SPARQLWrapper and urllib."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

import rdf_bundle as F
from kg.rdf.export import write_rdf

SPARQLWrapper = pytest.importorskip("SPARQLWrapper")
PREFIXES = "PREFIX kg: <https://w3id.org/paperkg/ontology#>\nPREFIX dcterms: <http://purl.org/dc/terms/>\n"


class Server:
    def __init__(self, out: Path, log: Path, *extra: str) -> None:
        self.log = log
        self.handle = log.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "kg", "serve", "--out", str(out), "--port", "0", *extra],
            stdout=subprocess.DEVNULL, stderr=self.handle,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            match = re.search(r"http://127\.0\.0\.1:(\d+)/sparql", log.read_text())
            if match:
                self.base = f"http://127.0.0.1:{match.group(1)}"
                return
            if self.process.poll() is not None:
                raise AssertionError(f"kg serve exited: {log.read_text()}")
            time.sleep(0.1)
        self.stop()
        raise AssertionError(f"kg serve did not start: {log.read_text()}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.handle.close()


def request(url: str, *, data: bytes | None = None, headers: dict | None = None, method: str | None = None):
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=30) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    out = tmp_path_factory.mktemp("served")
    write_rdf(F.small_bundle(), out)
    (out / "index.html").write_text("<!doctype html><title>kg views</title><p>views</p>\n")
    config = out.parent / "kg.toml"
    config.write_text("[query]\ntimeout = 2.0\n")
    running = Server(out, out.parent / "serve.log", "--config", str(config))
    yield running
    running.stop()


def wrapper(server, fmt):
    client = SPARQLWrapper.SPARQLWrapper(server.base + "/sparql")
    client.setReturnFormat(fmt)
    return client


def test_sparqlwrapper_json(server):
    client = wrapper(server, SPARQLWrapper.JSON)
    client.setQuery(PREFIXES + "SELECT ?id WHERE { ?p kg:mentions <https://w3id.org/paperkg/id/entity/gsm8k> ; kg:paperId ?id } ORDER BY ?id")
    result = client.query().convert()
    assert [b["id"]["value"] for b in result["results"]["bindings"]] == sorted([F.QWEN, F.MCTS, F.SELF])


def test_sparqlwrapper_xml_over_post(server):
    client = wrapper(server, SPARQLWrapper.XML)
    client.setMethod(SPARQLWrapper.POST)
    client.setQuery(PREFIXES + "SELECT ?t WHERE { ?p kg:paperId ?id ; dcterms:title ?t FILTER(?id = \"" + F.QWEN + "\") }")
    document = client.query().convert()  # an xml.dom.minidom Document
    values = [node.firstChild.data for node in document.getElementsByTagName("literal")]
    assert values == [next(p.title for p in F.PAPERS if p.id == F.QWEN)]


def test_rdflib_sparqlstore_select_construct_ask(server):
    import rdflib
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    graph = rdflib.Graph(SPARQLStore(server.base + "/sparql"))
    ids = [str(row[0]) for row in graph.query(PREFIXES + "SELECT ?id WHERE { ?p kg:paperId ?id } ORDER BY ?id")]
    assert ids == sorted(p.id for p in F.PAPERS)
    built = graph.query(PREFIXES + "CONSTRUCT { ?e kg:entityId ?i } WHERE { ?e kg:entityId ?i }")
    assert len(list(built)) == len(F.ENTITIES)
    assert graph.query("ASK { ?s ?p ?o }").askAnswer is True


def test_csv_tsv_and_turtle_by_accept(server):
    query = urllib.parse.quote(PREFIXES + "SELECT ?id WHERE { ?p kg:paperId ?id } ORDER BY ?id LIMIT 2")
    status, headers, body = request(f"{server.base}/sparql?query={query}", headers={"Accept": "text/csv"})
    assert status == 200 and headers["Content-Type"].startswith("text/csv") and body.splitlines()[0] == "id"
    status, headers, body = request(f"{server.base}/sparql?query={query}", headers={"Accept": "text/tab-separated-values"})
    assert status == 200 and body.splitlines()[0] == "?id"
    construct = PREFIXES + "CONSTRUCT { ?e kg:entityId ?i } WHERE { ?e kg:entityId ?i }"
    status, headers, body = request(
        f"{server.base}/sparql", data=construct.encode(),
        headers={"Content-Type": "application/sparql-query", "Accept": "text/turtle"},
    )
    assert status == 200 and headers["Content-Type"].startswith("text/turtle") and '"gsm8k"' in body


def test_malformed_query_is_400_with_the_parser_message(server):
    client = wrapper(server, SPARQLWrapper.JSON)
    client.setQuery("SELECT ?s WHERE { ?s ?p }")
    with pytest.raises(SPARQLWrapper.SPARQLExceptions.QueryBadFormed) as info:
        client.query()
    assert "error at 1:" in str(info.value)
    status, _, body = request(f"{server.base}/sparql?query=" + urllib.parse.quote("SELECT ?s WHERE { ?s ?p }"))
    assert status == 400 and body.startswith("Malformed query: error at 1:")


def test_updates_are_refused_and_change_nothing(server):
    count = PREFIXES + "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    before = json.loads(request(f"{server.base}/sparql?query={urllib.parse.quote(count)}")[2])
    update = "INSERT DATA { <urn:a> <urn:b> <urn:c> }"
    status, _, body = request(f"{server.base}/sparql", data=update.encode(), headers={"Content-Type": "application/sparql-update"})
    assert status == 403 and "read-only" in body
    status, _, body = request(f"{server.base}/sparql", data=urllib.parse.urlencode({"update": update}).encode())
    assert status == 403
    for text in ("PREFIX a: <urn:> " + update, "# a comment <urn:x>\n" + update, "DROP ALL"):
        status, _, body = request(f"{server.base}/sparql", data=urllib.parse.urlencode({"query": text}).encode())
        assert status == 403 and "read-only" in body, text
    client = wrapper(server, SPARQLWrapper.JSON)
    client.setQuery(update)
    client.setMethod(SPARQLWrapper.POST)
    with pytest.raises(Exception):
        client.query()
    after = json.loads(request(f"{server.base}/sparql?query={urllib.parse.quote(count)}")[2])
    assert after == before


def test_cors_headers_and_preflight(server):
    status, headers, _ = request(f"{server.base}/sparql?query=" + urllib.parse.quote("ASK { ?s ?p ?o }"))
    assert status == 200 and headers["Access-Control-Allow-Origin"] == "*"
    status, headers, _ = request(
        f"{server.base}/sparql", method="OPTIONS",
        headers={"Origin": "http://example.org", "Access-Control-Request-Method": "POST"},
    )
    assert status == 204 and "POST" in headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in headers["Access-Control-Allow-Headers"]


def test_a_query_past_the_time_limit_is_stopped_and_the_server_recovers(server):
    heavy = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    started = time.monotonic()
    status, _, body = request(f"{server.base}/sparql?query=" + urllib.parse.quote(heavy))
    assert status == 503 and "time limit" in body
    assert time.monotonic() - started < 10
    status, _, body = request(f"{server.base}/sparql?query=" + urllib.parse.quote("ASK { ?s ?p ?o }"))
    assert status == 200 and json.loads(body)["boolean"] is True


def test_a_browser_gets_a_query_form_and_a_client_a_clear_400(server):
    status, headers, body = request(server.base + "/sparql", headers={"Accept": "text/html,application/xhtml+xml"})
    assert status == 200 and headers["Content-Type"].startswith("text/html") and "<form" in body
    status, _, body = request(server.base + "/sparql", headers={"Accept": "application/sparql-results+json"})
    assert status == 400 and "Missing query" in body
    status, _, body = request(
        f"{server.base}/sparql?query=" + urllib.parse.quote("ASK { ?s ?p ?o }"), headers={"Accept": "image/png"},
    )
    assert status == 406 and "application/sparql-results+json" in body


def test_html_views_are_served_and_the_store_is_not(server):
    status, headers, body = request(server.base + "/")
    assert status == 200 and "kg views" in body and headers["Access-Control-Allow-Origin"] == "*"
    assert request(server.base + "/kg.ttl")[0] == 200
    assert request(server.base + "/store/CURRENT")[0] == 404


def test_a_missing_build_is_a_one_line_error(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "kg", "serve", "--out", str(tmp_path / "none"), "--port", "0"],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 2 and "kg build --out" in result.stderr and result.stderr.count("\n") == 1


def test_no_workers_is_a_one_line_error(sample_build, tmp_path):
    config = tmp_path / "kg.toml"
    config.write_text("[query]\nworkers = 0\n")
    result = subprocess.run(
        [sys.executable, "-m", "kg", "serve", "--out", str(sample_build), "--port", "0", "--config", str(config)],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 2 and "query.workers" in result.stderr and result.stderr.count("\n") == 1


def test_gsm8k_through_the_endpoint_on_the_sample(sample_build, tmp_path):
    running = Server(sample_build, tmp_path / "serve.log")
    try:
        client = wrapper(running, SPARQLWrapper.JSON)
        client.setQuery(
            PREFIXES + "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
            "SELECT ?title WHERE { ?e skos:prefLabel \"GSM8K\" . ?p kg:mentions ?e ; dcterms:title ?title }"
        )
        titles = [b["title"]["value"] for b in client.query().convert()["results"]["bindings"]]
    finally:
        running.stop()
    assert any(t.startswith("Qwen2.5-Math Technical Report") for t in titles), titles
