"""A table none of whose columns is understood: every row rejected by one issue for the file."""

from __future__ import annotations

from typing import TYPE_CHECKING

from walktool.columns import Role
from walktool.errors import Issue
from walktool.normalize.model import (
    OBSERVATION_COLUMNS,
    PROFILE_FIELDS,
    WALK_FIELDS,
    Collector,
    Context,
    NormalizedTable,
)

if TYPE_CHECKING:
    import pandas as pd

    from walktool.readers import RawTable

# what makes a column something walktool can read answers or findings from
_ANSWER_KINDS = frozenset({"item", "item_detail"})
_FINDING_FIELDS = frozenset({"item", "principle"})
COLUMNS_LISTED = 25
_SHEET_FORMATS = ("findings-table", "walktool-sheet")


def understood(plan: dict[str, Role]) -> bool:
    """Whether any column is a checklist item (or its choice column) or names a finding's item or principle."""
    return any(r.kind in _ANSWER_KINDS or (r.kind == "context" and r.target in _FINDING_FIELDS) for r in plan.values())


def nothing_understood(
    raw: RawTable, ctx: Context, col: Collector, headers: list[str], plan: dict[str, Role], roots: pd.Series
) -> NormalizedTable:
    """Every row rejected, with one ``no-answers`` issue for the file (or sheet), before any position check."""
    import numpy as np
    import pandas as pd

    sheets = sorted({str(v) for v in raw.frame["__sheet"].unique() if str(v)}) if "__sheet" in raw.frame.columns else []
    # a workbook's sheets are tables of their own; an export's repeat files are one export
    sheet = sheets[0] if len(sheets) == 1 and raw.format in _SHEET_FORMATS else None
    key = f"no-answers\x1f{raw.file}\x1f{sheet or ''}"
    if key not in ctx.memo:  # once per file or sheet, not once per chunk
        ctx.memo[key] = True
        shown = headers[:COLUMNS_LISTED]
        more = f" … and {len(headers) - len(shown)} more" if len(headers) > len(shown) else ""
        what = f"sheet {sheet!r}" if sheet else "this file"
        seen = ", ".join(repr(h) for h in shown) + more if shown else "none"
        col.issues.append(
            Issue(
                "no-answers",
                f"no column of {what} is a checklist item or names a finding's item or principle, so none of its"
                f" {len(raw.frame) + raw.rejected_rows} row(s) could be read (columns seen: {seen}). Describe the"
                f" columns in a mapping file and pass --map MAPPING.yaml (see docs/mapping.md); `walktool import"
                f" --dry-run --map MAPPING.yaml` shows how each column is understood before anything is stored",
                "error",
                file=raw.file,
                sheet=sheet,
            )
        )
    n = len(raw.frame)
    empty = pd.DataFrame({c: pd.Series(dtype=object) for c in OBSERVATION_COLUMNS})
    return NormalizedTable(
        format=raw.format,
        file=raw.file,
        observations=empty,
        timed=np.zeros(0, dtype=bool),
        participants=pd.DataFrame(columns=["participant", "walk_id", "campaign", *PROFILE_FIELDS]),
        walks=pd.DataFrame(columns=["walk_id", *WALK_FIELDS]),
        issues=col.issues,
        rows=n + raw.rejected_rows,
        accepted=0,
        rejected=n + raw.rejected_rows,
        plan=plan,
        submissions=set(roots.astype(str)),
        no_answers=True,
    )
