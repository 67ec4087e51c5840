"""Bounds checked before parsing (walktool.limits)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from walktool import limits
from walktool.errors import SheetFormatError
from walktool.readers._base import split_rows


def test_json_nesting_and_long_numbers_are_refused_before_parsing() -> None:
    assert limits.loads_json('{"a": [1, 2.5, {"b": "[[[["}]}', "x.json") == {"a": [1, 2.5, {"b": "[[[["}]}
    with pytest.raises(SheetFormatError, match="nested more than 64 levels") as deep:
        limits.loads_json("[" * 65 + "]" * 65, "x.json")
    assert deep.value.code == "too-deep" and deep.value.file == "x.json"
    assert limits.json_depth("[" * 64 + "]" * 64) == 64
    with pytest.raises(SheetFormatError, match="digits") as long:
        limits.loads_json('{"x": ' + "9" * 65 + "}", "x.json")
    assert long.value.code == "number-too-long"
    with pytest.raises(SheetFormatError, match="line 1, column 6"):
        limits.loads_json('{"x":', "x.json")


def _zip(members: dict[str, bytes]) -> zipfile.ZipFile:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return zipfile.ZipFile(io.BytesIO(buf.getvalue()))


def test_zip_bounds_total_ratio_and_members(monkeypatch: pytest.MonkeyPatch) -> None:
    zf = _zip({"a.csv": b"a,b\n1,2\n", "bomb.jpg": bytes(4 << 20)})
    limits.check_zip(zf, "x.zip")
    with pytest.raises(SheetFormatError, match="unpacks to"):
        limits.check_zip(zf, "x.zip", limit=1 << 20)
    assert limits.member_refusal(zf.getinfo("a.csv"), 1 << 20) is None
    assert "compressed" in (limits.member_refusal(zf.getinfo("bomb.jpg"), 64 << 20) or "")
    assert "unpacks to" in (limits.member_refusal(zf.getinfo("bomb.jpg"), 1 << 20) or "")
    assert limits.read_member(zf, "a.csv", "x.zip") == b"a,b\n1,2\n"
    with pytest.raises(SheetFormatError, match=r"a\.csv in this zip cannot be read"):
        limits.read_member(zf, "a.csv", "x.zip", limit=4)


def test_protocol_text_bounds() -> None:
    assert limits.protocol_text_problem("id: x\nversion: '1'\nitems:\n- key: a\n  principle: p\n") is None
    many = "items:\n" + "".join(f"- {{key: i{i}}}\n" for i in range(limits.MAX_PROTOCOL_ITEMS + 1))
    assert "items" in (limits.protocol_text_problem(many) or "")
    assert "nested" in (limits.protocol_text_problem("x: " + "[" * 100 + "]" * 100) or "")
    assert "nested" in (limits.protocol_text_problem("".join("  " * d + f"k{d}:\n" for d in range(100))) or "")


def test_tables_past_the_row_and_cell_bounds(monkeypatch: pytest.MonkeyPatch) -> None:
    import walktool.readers._base as base

    for module in (limits, base):
        monkeypatch.setattr(module, "MAX_ROWS", 3)
        monkeypatch.setattr(module, "MAX_COLUMNS", 4)
    assert len(split_rows("a,b\n1,2\n3,4\n", "x.csv")) == 3
    with pytest.raises(SheetFormatError, match="more than 3 rows"):
        split_rows("a,b\n1,2\n3,4\n5,6\n", "x.csv")
    with pytest.raises(SheetFormatError, match="a row of 5 cells"):
        split_rows("a,b,c,d,e\n", "x.csv")


def test_a_file_past_the_size_bound(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "big.csv"
    path.write_bytes(b"x" * 100)
    limits.check_file_size(path)
    with pytest.raises(SheetFormatError, match="more than the 0 MB") as info:
        limits.check_file_size(path, limit=10)
    assert info.value.code == "too-large"
