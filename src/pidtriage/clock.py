"""Today's date for what the pipeline writes: `SOURCE_DATE_EPOCH` when set (reproducible-builds.org: the tests
set it so that golden files do not change with the day), else the machine's date (UTC)."""

from __future__ import annotations

import os
from datetime import UTC, datetime

__all__ = ["today"]


def today() -> str:
    """ISO date, e.g. 2026-11-30."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    moment = datetime.fromtimestamp(int(epoch), UTC) if epoch.isdigit() else datetime.now(UTC)
    return moment.strftime("%Y-%m-%d")
