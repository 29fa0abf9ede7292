"""PanelApp: fetch a panel through the REST API and turn it into a panel in our format.

The API (`/api/v1/panels/{id}/`, optionally `?version=X.Y`) answers with the panel's genes, each with its
HGNC ID, confidence level (3 green, 2 amber, 1 red), free-text mode of inheritance and Ensembl locations
for GRCh37 and GRCh38. The list endpoint `/api/v1/panels/` pages with `next`. Base URLs differ between
Genomics England and the Australian mirror; both speak the same API.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

import requests

from pidtriage.errors import ResourceError
from pidtriage.panel.build import panelapp_locations
from pidtriage.panel.model import Disease, Mechanism, Moi, PanelGene, map_mode_of_inheritance
from pidtriage.panel.tsv import Panel

__all__ = [
    "BASE_URLS",
    "CONFIDENCE",
    "PanelAppClient",
    "map_mode_of_inheritance",
    "panel_from_panelapp",
]

BASE_URLS = {
    "genomics_england": "https://panelapp.genomicsengland.co.uk/api/v1",
    "australia": "https://panelapp-aus.org/api/v1",
}
CONFIDENCE = {"green": 3, "amber": 2, "red": 1}


def _mechanism(mode_of_pathogenicity: str | None) -> Mechanism:
    text = (mode_of_pathogenicity or "").lower()
    if "do not cause" in text:  # "Loss-of-function variants ... DO NOT cause this phenotype"
        return Mechanism.GOF
    return Mechanism.UNKNOWN


class PanelAppClient:
    """A small client with timeouts and retries with exponential back-off."""

    def __init__(
        self,
        base_url: str = BASE_URLS["genomics_england"],
        *,
        timeout: float = 30.0,
        retries: int = 3,
        backoff: float = 1.0,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = BASE_URLS.get(base_url, base_url).rstrip("/")
        self.timeout, self.retries, self.backoff = timeout, retries, backoff
        self.session = session or requests.Session()
        self._sleep = sleep

    def _get(self, url: str, params: Mapping[str, str] | None = None) -> Any:
        last = ""
        for attempt in range(self.retries + 1):
            try:
                response = self.session.get(url, params=params, timeout=self.timeout)
            except requests.RequestException as exc:
                last = f"{type(exc).__name__}: {exc}"
            else:
                if response.status_code == 200:
                    try:
                        return response.json()
                    except ValueError as exc:
                        raise ResourceError(
                            f"PanelApp {response.url}: the answer is not valid JSON ({exc}); check the base URL"
                        ) from exc
                last = f"HTTP {response.status_code}"
                if response.status_code < 500 and response.status_code != 429:
                    raise ResourceError(
                        f"PanelApp {response.url}: {last}; check the panel ID, version and base URL"
                    )
            if attempt < self.retries:
                self._sleep(self.backoff * 2**attempt)
        raise ResourceError(f"PanelApp {url}: {last} after {self.retries + 1} attempts; try again later")

    def panel(self, panel_id: int | str, version: str | None = None) -> dict[str, Any]:
        data = self._get(f"{self.base_url}/panels/{panel_id}/", {"version": version} if version else None)
        if not isinstance(data, dict) or not isinstance(data.get("genes"), list):
            raise ResourceError(f"PanelApp panel {panel_id}: the answer has no 'genes' list; not a panel response")
        return data

    def list_panels(self, *, max_pages: int = 100) -> list[dict[str, Any]]:
        url: str | None = f"{self.base_url}/panels/"
        out: list[dict[str, Any]] = []
        for _ in range(max_pages):
            if not url:
                break
            page = self._get(url)
            if not isinstance(page, dict) or "results" not in page:
                raise ResourceError(f"PanelApp {url}: not a list page (no 'results')")
            out.extend(page["results"])
            url = page.get("next")
        return out


def panel_from_panelapp(data: Mapping[str, Any], *, min_confidence: int = 3, source_url: str = "") -> Panel:
    """Genes at or above `min_confidence` as a panel in our format, with the PanelApp version in its header."""
    locations = panelapp_locations(data)
    genes = []
    for entry in data.get("genes", []):
        gd = entry.get("gene_data") or {}
        hgnc_id = gd.get("hgnc_id")
        try:
            confidence = int(entry.get("confidence_level") or 0)
        except (TypeError, ValueError):
            confidence = 0
        if not hgnc_id or confidence < min_confidence:
            continue
        moi = map_mode_of_inheritance(entry.get("mode_of_inheritance"))
        mechanism = _mechanism(entry.get("mode_of_pathogenicity"))
        diseases = tuple(
            Disease(name=str(p).strip(), omim="", moi=moi, mechanism=mechanism, iuis_table="",
                    iuis_subcategory="", immunophenotype="")
            for p in entry.get("phenotypes") or []
            if str(p).strip()
        )
        loc = locations.get(hgnc_id, {})
        genes.append(
            PanelGene(
                hgnc_id=hgnc_id,
                symbol=gd.get("hgnc_symbol") or entry.get("entity_name", ""),
                moi=moi,
                mechanism=mechanism,
                diseases=tuple(d for d in diseases if "|" not in d.name),
                aliases=tuple(sorted(a for a in gd.get("alias") or [] if a)),
                grch38=loc.get("GRCh38"),
                grch37=loc.get("GRCh37"),
                panelapp_confidence=str(confidence),
                penetrance=entry.get("penetrance") if entry.get("penetrance") in ("Complete", "Incomplete") else "",
                panelapp_moi=None if moi == Moi.UNKNOWN else moi,
            )
        )
    genes.sort(key=lambda g: int(g.hgnc_id.split(":")[1]))
    name = f"panelapp_{data.get('id')}"
    header = (
        ("panel_name", name),
        ("panel_version", str(data.get("version", ""))),
        ("panelapp_name", str(data.get("name", ""))),
        ("panelapp_version_created", str(data.get("version_created", ""))),
        ("min_confidence", str(min_confidence)),
        ("source_url", source_url),
        ("coordinates", "Ensembl gene spans from PanelApp; 1-based inclusive; bare chromosome names"),
    )
    return Panel(name=name, version=str(data.get("version", "")), header=header, genes=tuple(genes))

