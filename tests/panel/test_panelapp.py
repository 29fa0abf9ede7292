"""PanelApp sync against a local HTTP server serving the real recorded API responses (no network)."""

from __future__ import annotations

import gzip
import json

import pytest

from pidtriage.cli import main
from pidtriage.errors import ResourceError
from pidtriage.panel.model import Moi
from pidtriage.panel.ops import validate_panel
from pidtriage.panel.panelapp import PanelAppClient, map_mode_of_inheritance, panel_from_panelapp
from pidtriage.panel.tsv import read_panel


@pytest.fixture(scope="module")
def panel_398(shared_data):
    with gzip.open(shared_data / "panelapp/panelapp_panel_398_v8.78_api_v1_detail.json.gz", "rt") as fh:
        return json.load(fh)


def test_mode_of_inheritance_mapping():
    assert map_mode_of_inheritance("BIALLELIC, autosomal or pseudoautosomal") == Moi.AR
    assert map_mode_of_inheritance("MONOALLELIC, autosomal or pseudoautosomal, NOT imprinted") == Moi.AD
    assert map_mode_of_inheritance("BOTH monoallelic and biallelic, autosomal or pseudoautosomal") == Moi.AD_AR
    assert map_mode_of_inheritance("X-LINKED: hemizygous mutation in males, biallelic mutations in females") == Moi.XLR
    assert (
        map_mode_of_inheritance(
            "X-LINKED: hemizygous mutation in males, monoallelic mutations in females may cause disease "
            "(may be less severe, later onset than males)"
        )
        == Moi.XLD
    )
    assert map_mode_of_inheritance("Unknown") == Moi.UNKNOWN
    assert map_mode_of_inheritance(None) == Moi.UNKNOWN


def test_round_trip_over_http(httpserver, panel_398, tmp_path):
    httpserver.expect_request("/api/v1/panels/398/", query_string="version=8.78").respond_with_json(panel_398)
    out = tmp_path / "pa.tsv"
    code = main(["panel", "panelapp", "--base-url", httpserver.url_for("/api/v1"), "--panel-id", "398",
                 "--version", "8.78", "-o", str(out)])
    assert code == 0
    panel = read_panel(out)
    assert validate_panel(panel) == []
    assert panel.version == "8.78"
    green = sum(1 for g in panel_398["genes"] if g["confidence_level"] == "3")
    assert len(panel.genes) == green == 371
    by = {g.symbol: g for g in panel.genes}
    assert by["RAG1"].moi == Moi.AR and by["RAG1"].grch37 is not None and by["RAG1"].grch38 is not None
    assert panel.header_value("source_url").endswith("/panels/398/?version=8.78")


def test_amber_includes_more(panel_398):
    assert len(panel_from_panelapp(panel_398, min_confidence=2).genes) == 371 + 72


def test_list_endpoint_pages(httpserver, shared_data):
    page1 = json.loads((shared_data / "panelapp/panelapp_panels_list_page1_api_v1.json").read_text())
    page1["next"] = httpserver.url_for("/api/v1/panels/") + "?page=2"
    page2 = {"count": page1["count"], "next": None, "previous": None, "results": [{"id": 1, "name": "last"}]}
    httpserver.expect_request("/api/v1/panels/", query_string="page=2").respond_with_json(page2)
    httpserver.expect_request("/api/v1/panels/").respond_with_json(page1)
    panels = PanelAppClient(httpserver.url_for("/api/v1"), retries=0).list_panels()
    assert len(panels) == len(page1["results"]) + 1 and panels[-1]["name"] == "last"


def test_http_404_is_a_clear_error(httpserver):
    httpserver.expect_request("/api/v1/panels/9999/").respond_with_data("not found", status=404)
    client = PanelAppClient(httpserver.url_for("/api/v1"), retries=2, sleep=lambda s: None)
    with pytest.raises(ResourceError, match=r"HTTP 404; check the panel ID"):
        client.panel(9999)


def test_http_503_is_retried_with_backoff(httpserver, panel_398):
    waits: list[float] = []
    httpserver.expect_ordered_request("/api/v1/panels/398/").respond_with_data("busy", status=503)
    httpserver.expect_ordered_request("/api/v1/panels/398/").respond_with_data("busy", status=503)
    httpserver.expect_ordered_request("/api/v1/panels/398/").respond_with_json(panel_398)
    client = PanelAppClient(httpserver.url_for("/api/v1"), retries=3, backoff=0.5, sleep=waits.append)
    assert client.panel(398)["version"] == "8.78"
    assert waits == [0.5, 1.0]


def test_malformed_json_is_a_clear_error(httpserver, capsys, tmp_path):
    httpserver.expect_request("/api/v1/panels/398/").respond_with_data("{not json", content_type="application/json")
    code = main(["panel", "panelapp", "--base-url", httpserver.url_for("/api/v1"), "--retries", "0",
                 "-o", str(tmp_path / "x.tsv")])
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("pidtriage: PanelApp") and "not valid JSON" in err and "Traceback" not in err


def test_response_without_genes_is_rejected(httpserver):
    httpserver.expect_request("/api/v1/panels/1/").respond_with_json({"detail": "Not found."})
    with pytest.raises(ResourceError, match="no 'genes' list"):
        PanelAppClient(httpserver.url_for("/api/v1"), retries=0).panel(1)
