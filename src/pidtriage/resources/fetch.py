"""The annotation resources a lab builds and versions: download (resumable, checksummed), slice gnomAD to the
panel through remote tabix (htslib reads HTTP ranges), record everything in a manifest, and check what is there.

Nothing here runs unless asked (`pidtriage resources fetch|check`, scripts/fetch_resources.py): patient data
never leaves the machine, and a workflow run makes no network call. The manifest (`manifest.json` beside the
files: source URL, date fetched, version from the file's header, md5, size, build) is cited in triage.json.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from pidtriage.errors import ResourceError
from pidtriage.genome import detect_build
from pidtriage.io.vcf import read_header
from pidtriage.panel.model import PanelGene
from pidtriage.resources.transcripts import panel_gff3  # re-exported: where it lived before transcripts.py

__all__ = ["ManifestEntry", "bsd_sum", "check_resources", "download", "fetch_resources", "panel_gff3", "read_manifest",
           "slice_remote_vcf", "sources_for"]

CHUNK = 1 << 20


@dataclass(frozen=True)
class ManifestEntry:
    name: str  # clinvar, population, mane_gff3, mane_summary, score:<name>
    path: str  # relative to the manifest's directory
    url: str
    fetched: str  # ISO date
    version: str  # from the file (ClinVar fileDate, gnomAD version...) or the URL
    md5: str
    size: int
    build: str = ""
    note: str = ""
    release: str = ""  # the release the source is (`<source>_release` in resources.sources), as the report cites it


def md5_of(path: Path) -> str:
    h = hashlib.md5()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(CHUNK), b""):
            h.update(block)
    return h.hexdigest()


def _expected_md5(session: Any, url: str, md5: str) -> str:
    """`md5` as given; "auto": the `<url>.md5` file the source publishes (ClinVar does), "" when there is none."""
    if md5 != "auto":
        return md5
    r = session.get(url + ".md5", timeout=60)
    if r.status_code != 200:
        return ""
    return r.text.split()[0] if r.text.split() else ""


def download(url: str, dest: Path, *, session: Any = None, md5: str = "", timeout: int = 60) -> tuple[str, int]:
    """Fetch `url` to `dest`, resuming a `.part` left by an interrupted run (HTTP Range), then verify it against
    `md5` ("auto": the source's `.md5` file): a mismatch is refused (the file is kept as `.corrupt`, `dest` is
    not written). Returns (md5, size)."""
    import requests  # here: only `resources fetch` uses the network

    session = session or requests.Session()
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")
    done = part.stat().st_size if part.exists() else 0
    headers = {"Range": f"bytes={done}-"} if done else {}
    try:
        with session.get(url, stream=True, timeout=timeout, headers=headers) as r:
            if r.status_code == 416:  # already complete
                pass
            elif r.status_code not in (200, 206):
                raise ResourceError(f"{url}: HTTP {r.status_code}; check the URL (resources.sources in the config)")
            else:
                mode = "ab" if r.status_code == 206 else "wb"  # a server ignoring Range sends everything again
                with part.open(mode) as fh:
                    for block in r.iter_content(64 * 1024):  # small blocks: little is lost when a connection drops
                        fh.write(block)
    except requests.ConnectionError as exc:
        size = part.stat().st_size if part.exists() else 0
        if size == 0:  # nothing came through: no network, a proxy, or a wrong host, not a dropped download
            host = urlparse(url).hostname or url
            raise ResourceError(f"{url}: cannot reach {host} (no network connection, a firewall or proxy, or a wrong "
                                "URL); `pidtriage resources fetch` needs internet access: run it on a machine that "
                                "has it and copy the output directory here") from None
        raise ResourceError(f"{url}: download interrupted ({exc.__class__.__name__}) after {size} bytes; run the same "
                            "command again to resume") from None
    except requests.RequestException as exc:
        raise ResourceError(f"{url}: download interrupted ({exc.__class__.__name__}); run the same command again "
                            f"to resume from {part.stat().st_size if part.exists() else 0} bytes") from None
    expected = _expected_md5(session, url, md5)
    got = md5_of(part)
    if expected and got != expected:
        bad = dest.with_name(dest.name + ".corrupt")
        os.replace(part, bad)
        raise ResourceError(f"{url}: md5 {got} does not match the published {expected}; refused (kept as {bad}); "
                            "delete it and fetch again")
    os.replace(part, dest)
    return got, dest.stat().st_size


def slice_remote_vcf(url: str, regions_bed: Path, dest: Path, *, session: Any = None) -> None:
    """The records of a remote bgzipped, tabix-indexed VCF inside `regions_bed`, through HTTP range requests
    (htslib), written bgzipped and indexed. The index is fetched first to a local file, so htslib leaves no
    copy in the working directory."""
    import pysam.bcftools

    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    index = dest.with_name(dest.name + ".remote.tbi")
    download(url + ".tbi", index, session=session)
    tmp = dest.with_name(dest.name + ".tmp.vcf.gz")
    try:
        pysam.bcftools.view("--no-version", "-R", str(regions_bed), "-Oz", "-o", str(tmp), f"{url}##idx##{index}",
                            catch_stdout=False)
    except pysam.utils.SamtoolsError as exc:
        raise ResourceError(f"{url}: remote region query failed ({str(exc).strip()[:200]})") from None
    os.replace(tmp, dest)
    pysam.bcftools.index("-t", "-f", str(dest), catch_stdout=False)
    index.unlink(missing_ok=True)


def _version_of(path: Path) -> str:
    """What the file says of its version: ClinVar's fileDate, gnomAD's/other ##source or ##reference lines."""

    opener = gzip.open if path.suffix in (".gz", ".bgz") else open
    if path.name.endswith((".gff3.gz", ".gff3", ".gff.gz")):  # Ensembl's "#!genome-build GRCh37.p13" lines
        with opener(path, "rt") as fh:
            found = [line[2:].strip() for line in (next(fh, "") for _ in range(20)) if line.startswith("#!genome")]
        return "; ".join(found)
    if not path.name.endswith((".vcf.gz", ".vcf.bgz", ".vcf")):
        return ""
    with opener(path, "rt") as fh:
        for line in fh:
            if not line.startswith("##"):
                break
            for key in ("fileDate", "source", "reference"):
                if line.startswith(f"##{key}="):
                    return line.strip()[2:]
    return ""


def read_manifest(directory: Path) -> dict[str, ManifestEntry]:
    p = Path(directory) / "manifest.json"
    if not p.exists():
        return {}
    return {e["name"]: ManifestEntry(**e) for e in json.loads(p.read_text())["resources"]}


def _write_manifest(directory: Path, entries: Mapping[str, ManifestEntry]) -> None:
    p = Path(directory) / "manifest.json"
    doc = {"written": dt.date.today().isoformat(), "resources": [asdict(e) for _, e in sorted(entries.items())]}
    tmp = p.with_name(p.name + ".tmp")
    tmp.write_text(json.dumps(doc, indent=2) + "\n")
    os.replace(tmp, p)


def sources_for(sources: Mapping[str, Any], build: str) -> dict[str, str]:
    """The sources of one build: the entry named by the build (resources.sources.GRCh37...), with the top-level
    string keys over it (a flat mapping, as older configs give, applies to whatever build is configured)."""
    own = sources.get(build)
    out = {k: str(v) for k, v in own.items()} if isinstance(own, Mapping) else {}
    out.update({k: str(v) for k, v in sources.items() if not isinstance(v, Mapping)})
    return out


def bsd_sum(path: Path) -> tuple[int, int]:
    """The BSD checksum and 1 KiB block count of a file, as `sum` prints them (Ensembl's CHECKSUMS files)."""
    checksum, size = 0, 0
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(CHUNK), b""):
            size += len(block)
            for byte in block:
                checksum = ((checksum >> 1) + ((checksum & 1) << 15) + byte) & 0xFFFF
    return checksum, (size + 1023) // 1024


def _verify_ensembl(session: Any, url: str, dest: Path) -> None:
    """Check `dest` against the CHECKSUMS file Ensembl publishes beside it; a mismatch is refused."""
    r = session.get(url.rsplit("/", 1)[0] + "/CHECKSUMS", timeout=60)
    name = url.rsplit("/", 1)[-1]
    line = next((x.split() for x in r.text.splitlines() if x.split()[2:3] == [name]), None) if r.status_code == 200 else None
    if line is None:
        raise ResourceError(f"{url}: no CHECKSUMS line for {name} beside it; set ensembl_gff3_checksum to \"\" to "
                            "skip the check (the md5 of what was fetched is recorded in the manifest either way)")
    got = bsd_sum(dest)
    if got != (int(line[0]), int(line[1])):
        bad = dest.with_name(dest.name + ".corrupt")
        os.replace(dest, bad)
        raise ResourceError(f"{url}: checksum {got[0]} {got[1]} does not match Ensembl's CHECKSUMS ({line[0]} {line[1]}); "
                            f"refused (kept as {bad}); delete it and fetch again")


@dataclass(frozen=True)
class _Fetch:
    """One fetch run: where, for which build, from which sources, and what is recorded."""

    src: Mapping[str, str]
    outdir: Path
    build: str
    only: Sequence[str]
    session: Any
    entries: dict[str, ManifestEntry]

    def wanted(self, name: str, key: str = "") -> bool:
        """`name` has a URL (under `key`, default the name itself) and was asked for (`--only`)."""
        return bool(self.src.get(key or name)) and (not self.only or name in self.only)

    def url(self, name: str, **fill: str) -> str:
        return self.src[name].format(build=self.build, **fill)

    def record(self, name: str, path: Path, url: str, note: str = "", source: str = "") -> None:
        self.entries[name] = ManifestEntry(
            name=name, path=path.name, url=url, fetched=dt.date.today().isoformat(), version=_version_of(path),
            md5=md5_of(path), size=path.stat().st_size, build=self.build, note=note,
            release=self.src.get(f"{source or name}_release", ""))
        _write_manifest(self.outdir, self.entries)


def fetch_resources(sources: Mapping[str, Any], outdir: Path, *, build: str, panel_bed: Path | None,
                    only: Sequence[str] = (), session: Any = None, panel_transcripts: set[str] | None = None,
                    panel_genes: Sequence[PanelGene] = ()) -> dict[str, ManifestEntry]:
    """Fetch what `sources` (the config's resources.sources) names for `build` into `outdir`; update the
    manifest; write `resources.yaml` (the config keys that use them). `panel_transcripts`: the panel's MANE
    Ensembl IDs (for MANE's GFF3); `panel_genes`: the panel's genes (for Ensembl's GRCh37 GFF3)."""
    import requests

    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    run = _Fetch(sources_for(sources, build), outdir, build, only, session or requests.Session(), read_manifest(outdir))
    if run.wanted("clinvar", "clinvar_vcf"):
        url = run.url("clinvar_vcf")
        dest = outdir / f"clinvar.{build}.vcf.gz"
        download(url, dest, session=run.session, md5=run.src.get("clinvar_md5", "auto"))
        download(url + ".tbi", dest.with_name(dest.name + ".tbi"), session=run.session)
        run.record("clinvar", dest, url)
    for name in ("population", "population_second"):
        if run.wanted(name, f"{name}_vcf"):
            _fetch_population(run, name, panel_bed)
    _fetch_transcripts(run, panel_transcripts or set(), panel_genes)
    for key in sorted(run.src):  # optional score tables: score_<name> = URL of a tabix-indexed table
        if key.startswith("score_") and not key.endswith(("_md5", "_release")) and run.wanted(key):
            url = run.url(key)
            dest = outdir / url.rsplit("/", 1)[-1]
            download(url, dest, session=run.session, md5=run.src.get(f"{key}_md5", ""))
            download(url + ".tbi", dest.with_name(dest.name + ".tbi"), session=run.session)
            run.record(key, dest, url, note="score table; add it to resources.scores with its column")
    write_config_fragment(run.entries, run.src, outdir, build)
    return run.entries


def _fetch_population(run: _Fetch, name: str, panel_bed: Path | None) -> None:
    """The population file's records in the panel regions, through remote tabix (one file, or one per
    chromosome when the URL has `{chrom}`), concatenated and indexed."""
    template = run.src[f"{name}_vcf"]
    if panel_bed is None:
        raise ResourceError(f"{name}: slicing the population VCF needs the panel BED (the panel in the config)")
    bed_lines = [line for line in panel_bed.read_text().splitlines() if line.strip()]
    chroms = sorted({line.split("\t")[0] for line in bed_lines})
    parts = []
    if "{chrom}" not in template:  # one file for every chromosome
        part = run.outdir / f"{name}.{run.build}.all.vcf.gz"
        slice_remote_vcf(template.format(build=run.build), panel_bed, part, session=run.session)
        parts.append(part)
    for chrom in chroms if "{chrom}" in template else ():
        url = template.format(build=run.build, chrom=chrom.removeprefix("chr"))
        part = run.outdir / f"{name}.{run.build}.{chrom}.vcf.gz"
        bed = run.outdir / f".panel.{chrom}.bed"
        bed.write_text("".join(line + "\n" for line in bed_lines if line.split("\t")[0] == chrom))
        slice_remote_vcf(url, bed, part, session=run.session)
        bed.unlink()
        parts.append(part)
    dest = run.outdir / f"{name}.{run.build}.panel.vcf.gz"
    _concat(parts, dest)
    run.record(name, dest, template, note=f"panel regions only ({len(chroms)} chromosome(s)), remote tabix")


def _fetch_transcripts(run: _Fetch, mane_ids: set[str], genes: Sequence[PanelGene]) -> None:
    """MANE's summary (RefSeq IDs), then the panel's GFF3 for bcftools csq: from MANE's GFF3, or from Ensembl's
    GFF3 (GRCh37) with the choice per gene in panel_transcripts.<build>.tsv (pidtriage.resources.transcripts)."""
    from pidtriage.resources.transcripts import ensembl_panel_gff3, write_choices

    files = {}
    for name in ("mane_summary", "mane_gff3", "ensembl_gff3"):
        if run.wanted(name):
            url = run.url(name)
            dest = run.outdir / url.rsplit("/", 1)[-1]
            download(url, dest, session=run.session, md5=run.src.get(f"{name}_md5", ""))
            if name == "ensembl_gff3" and run.src.get("ensembl_gff3_checksum") == "auto":
                _verify_ensembl(run.session, url, dest)
            run.record(name, dest, url)
            files[name] = dest
    gff = run.outdir / f"panel_transcripts.{run.build}.gff3"
    if "mane_gff3" in files and mane_ids:
        n = panel_gff3(files["mane_gff3"], mane_ids, gff)
        run.record("panel_gff3", gff, run.url("mane_gff3"), note=f"{n} MANE transcripts of the panel, Ensembl-style "
                   "for bcftools csq", source="mane_gff3")
    elif "ensembl_gff3" in files and genes:
        summary = files.get("mane_summary") or (run.outdir / run.entries["mane_summary"].path
                                                if "mane_summary" in run.entries else None)
        choices = ensembl_panel_gff3(files["ensembl_gff3"], genes, gff, mane_summary=summary)
        table = gff.with_suffix(".tsv")
        write_choices(choices, table)
        mane = sum(c.match.startswith("MANE") for c in choices)
        other = sum(bool(c.transcript) and not c.match.startswith("MANE") for c in choices)
        note = (f"{mane} panel genes on their MANE Select's Ensembl transcript, {other} on another transcript, "
                f"{len(choices) - mane - other} without one; per gene: {table.name}")
        run.record("panel_gff3", gff, run.url("ensembl_gff3"), note=note, source="ensembl_gff3")
        run.record("panel_transcripts", table, run.url("ensembl_gff3"), note="the transcript chosen per panel gene, "
                   "with MANE's RefSeq ID where it is MANE's", source="ensembl_gff3")


_POPULATION_KEYS = ("name", "af_field", "an_field", "faf_field", "nhomalt_field", "grpmax_field", "nhemi_field")


def write_config_fragment(entries: Mapping[str, ManifestEntry], src: Mapping[str, str], outdir: Path,
                          build: str) -> Path:
    """`resources.yaml` beside the manifest: the config keys that use the fetched files (paths as the fetch was
    given them), to pass after the run's config: `--configfile myrun/config.yaml resources/resources.yaml`."""
    import yaml

    def path(name: str) -> str:
        return str(outdir / entries[name].path)

    resources: dict[str, Any] = {"manifest": str(outdir / "manifest.json")}
    if "clinvar" in entries:
        resources["clinvar"] = {"vcf": path("clinvar")}
    if "population" in entries:
        resources["population"] = {"vcf": path("population"),
                                   "second_vcf": path("population_second") if "population_second" in entries else "",
                                   **{k: src[f"population_{k}"] for k in _POPULATION_KEYS if f"population_{k}" in src}}
    doc: dict[str, Any] = {"genome_build": build, "resources": resources}
    if "panel_gff3" in entries:
        doc["annotation"] = {"gff3": path("panel_gff3")}
    head = (f"# written by `pidtriage resources fetch` ({build}) with manifest.json: the config keys that use these\n"
            "# files. Pass it after your config: --configfile myrun/config.yaml " + str(outdir / "resources.yaml") + "\n")
    out = Path(outdir) / "resources.yaml"
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(head + yaml.safe_dump(doc, sort_keys=False))
    os.replace(tmp, out)
    return out


def _concat(parts: Sequence[Path], dest: Path) -> None:
    import pysam.bcftools

    if len(parts) == 1:
        os.replace(parts[0], dest)
        os.replace(str(parts[0]) + ".tbi", str(dest) + ".tbi")
        return
    pysam.bcftools.concat("--no-version", "-a", "-Oz", "-o", str(dest), *map(str, parts), catch_stdout=False)
    pysam.bcftools.index("-t", "-f", str(dest), catch_stdout=False)
    for p in parts:
        p.unlink()
        Path(str(p) + ".tbi").unlink(missing_ok=True)


def check_resources(directory: Path) -> list[str]:
    """Problems with the fetched resources (empty list: all good): missing files, checksum changes, missing or
    unreadable indexes."""
    import pysam

    problems = []
    directory = Path(directory)
    entries = read_manifest(directory)
    if not entries:
        return [f"{directory}: no manifest.json; run `pidtriage resources fetch` first"]
    for e in entries.values():
        p = directory / e.path
        if not p.exists():
            problems.append(f"{e.name}: {p} is missing; fetch it again")
            continue
        md5 = md5_of(p)
        if md5 != e.md5:
            problems.append(f"{e.name}: {p} changed since it was fetched (md5 {md5} != {e.md5}); fetch it again")
        if p.name.endswith((".vcf.gz", ".vcf.bgz")):
            try:
                with pysam.TabixFile(str(p)) as tbx:
                    tbx.contigs  # noqa: B018 - opening reads the index
            except OSError as exc:
                problems.append(f"{e.name}: {p} has no readable index ({exc}); run `tabix -p vcf {p}`")
                continue
            header = read_header(str(p), check_compression=False)
            build, evidence = detect_build(header.contigs, header.reference)
            if build and e.build and build != e.build:
                problems.append(f"{e.name}: {p} is {build} ({evidence}), the manifest says {e.build}")
    return problems
