"""report.pdf from the same HTML as report.html, with WeasyPrint (chosen over headless Chromium: same page-one
content on the demo reports, CSS paged media for A4, a pip install of a few MB instead of a browser, 6x faster;
tests/benchmarks/RESULTS.md). The page makes no request: any URL fetch is refused."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

__all__ = ["write_pdf"]


def _no_fetch(url: str, *args: object, **kwargs: object) -> dict[str, object]:
    raise ValueError(f"report.pdf: refusing to fetch {url!r} (reports are self-contained)")


def _fetcher() -> Any:
    """A URL fetcher that refuses every URL (WeasyPrint logs a warning and leaves the resource out). WeasyPrint
    70 takes a `URLFetcher` object (a plain function fails inside it); earlier versions a function."""
    try:
        from weasyprint.urls import URLFetcher
    except ImportError:  # WeasyPrint < 70
        return _no_fetch

    class _Refuse(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: object = None) -> Any:
            return _no_fetch(url)

    return _Refuse()


def write_pdf(html: str, path: str | Path) -> None:
    import weasyprint  # heavy import, only when PDFs are enabled

    p = Path(path)
    tmp = p.with_name(f".{p.name}.{os.getpid()}.tmp")  # unique to this process
    weasyprint.HTML(string=html, url_fetcher=_fetcher()).write_pdf(str(tmp))
    tmp.replace(p)
