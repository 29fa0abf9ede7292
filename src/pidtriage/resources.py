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

__all__ = ["ManifestEntry", "check_resources", "download", "fetch_resources", "panel_gff3", "read_manifest",
           "slice_remote_vcf"]

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

    if not path.name.endswith((".vcf.gz", ".vcf.bgz", ".vcf")):
        return ""
    opener = gzip.open if path.suffix in (".gz", ".bgz") else open
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


def fetch_resources(sources: Mapping[str, Any], outdir: Path, *, build: str, panel_bed: Path | None,
                    only: Sequence[str] = (), session: Any = None,
                    panel_transcripts: set[str] | None = None) -> dict[str, ManifestEntry]:
    """Fetch what `sources` (the config's resources.sources) names into `outdir`; update the manifest."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    entries = read_manifest(outdir)
    today = dt.date.today().isoformat()

    def wanted(name: str) -> bool:
        return not only or name in only

    def record(name: str, path: Path, url: str, note: str = "") -> None:
        entries[name] = ManifestEntry(name=name, path=path.name, url=url, fetched=today, version=_version_of(path),
                                      md5=md5_of(path), size=path.stat().st_size, build=build, note=note)
        _write_manifest(outdir, entries)

    clinvar = str(sources.get("clinvar_vcf", "")).format(build=build)
    if clinvar and wanted("clinvar"):
        dest = outdir / f"clinvar.{build}.vcf.gz"
        download(clinvar, dest, session=session, md5=str(sources.get("clinvar_md5", "auto")))
        download(clinvar + ".tbi", dest.with_name(dest.name + ".tbi"), session=session)
        record("clinvar", dest, clinvar)
    gnomad = str(sources.get("population_vcf", ""))
    if gnomad and wanted("population"):
        if panel_bed is None:
            raise ResourceError("population: slicing gnomAD needs the panel BED (the panel in the config)")
        bed_lines = [line for line in panel_bed.read_text().splitlines() if line.strip()]
        chroms = sorted({line.split("\t")[0] for line in bed_lines})
        parts = []
        if "{chrom}" not in gnomad:  # one file for every chromosome
            part = outdir / f"population.{build}.all.vcf.gz"
            slice_remote_vcf(gnomad.format(build=build), panel_bed, part, session=session)
            parts.append(part)
        for chrom in chroms if "{chrom}" in gnomad else ():
            url = gnomad.format(build=build, chrom=chrom.removeprefix("chr"))
            part = outdir / f"population.{build}.{chrom}.vcf.gz"
            bed = outdir / f".panel.{chrom}.bed"
            bed.write_text("".join(line + "\n" for line in bed_lines if line.split("\t")[0] == chrom))
            slice_remote_vcf(url, bed, part, session=session)
            bed.unlink()
            parts.append(part)
        dest = outdir / f"population.{build}.panel.vcf.gz"
        _concat(parts, dest)
        record("population", dest, gnomad, note=f"panel regions only ({len(chroms)} chromosome(s)), remote tabix")
    for name in ("mane_gff3", "mane_summary"):
        url = str(sources.get(name, ""))
        if url and wanted(name):
            dest = outdir / url.rsplit("/", 1)[-1]
            download(url, dest, session=session, md5=str(sources.get(f"{name}_md5", "")))
            record(name, dest, url)
            if name == "mane_gff3" and panel_transcripts:
                gff = outdir / f"panel_transcripts.{build}.gff3"
                n = panel_gff3(dest, panel_transcripts, gff)
                record("panel_gff3", gff, url, note=f"{n} MANE transcripts of the panel, Ensembl-style for bcftools csq")
    for key, url in sorted(sources.items()):  # optional score tables: score_<name> = URL of a tabix-indexed table
        if key.startswith("score_") and url and wanted(key):
            dest = outdir / str(url).rsplit("/", 1)[-1]
            download(str(url), dest, session=session, md5=str(sources.get(f"{key}_md5", "")))
            download(str(url) + ".tbi", dest.with_name(dest.name + ".tbi"), session=session)
            record(key, dest, str(url), note="score table; add it to resources.scores with its column")
    return entries


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


def panel_gff3(source: Path, transcripts: set[str], out: Path) -> int:
    """An Ensembl-style GFF3 (what bcftools csq reads: `ID=gene:`/`ID=transcript:` prefixes, `biotype`) holding
    only the given transcripts (unversioned Ensembl IDs, e.g. the panel's MANE Select) and their genes, from a
    GENCODE/MANE-style GFF3 (`ID=ENSG...`, `Parent=ENST...`, `gene_name`, `gene_type`). Returns the number of
    transcripts written. Contig names are kept as in the source."""
    from pidtriage.io.gff3 import read_gff3

    def unversioned(x: str) -> str:
        return x.split(".")[0]

    genes: dict[str, str] = {}
    keep_tx: dict[str, str] = {}  # transcript ID -> gene ID
    rows = []  # every gene line (few), and the lines of the wanted transcripts: not the whole GFF3 in memory
    for f, attrs in read_gff3(source):
        fid = attrs.get("ID", "").split(":")[-1]
        parent = attrs.get("Parent", "").split(":")[-1]
        if f[2] in ("transcript", "mRNA") and unversioned(fid) in transcripts:
            keep_tx[fid] = parent
        if f[2] == "gene" or unversioned(fid) in transcripts or unversioned(parent) in transcripts:
            rows.append((f, attrs))
    wanted_genes = set(keep_tx.values())
    lines = ["##gff-version 3"]
    for f, attrs in rows:
        fid, parent = attrs.get("ID", "").split(":")[-1], attrs.get("Parent", "").split(":")[-1]
        if f[2] == "gene" and fid in wanted_genes:
            genes[fid] = attrs.get("gene_name", attrs.get("Name", fid))
            new = f"ID=gene:{fid};Name={genes[fid]};biotype={attrs.get('gene_type', attrs.get('biotype', 'protein_coding'))}"
        elif f[2] in ("transcript", "mRNA") and fid in keep_tx:
            new = (f"ID=transcript:{fid};Parent=gene:{parent};Name={attrs.get('transcript_name', fid)};"
                   f"biotype={attrs.get('transcript_type', attrs.get('biotype', 'protein_coding'))}")
            f = [*f[:2], "mRNA", *f[3:]]
        elif f[2] in ("exon", "CDS", "five_prime_UTR", "three_prime_UTR") and parent in keep_tx:
            new = f"Parent=transcript:{parent}" + (f";ID=CDS:{parent}" if f[2] == "CDS" else "")
        else:
            continue
        lines.append("\t".join([*f[:8], new]))
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text("\n".join(lines) + "\n")
    os.replace(tmp, out)
    return len(keep_tx)
