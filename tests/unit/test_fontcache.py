"""The font cache gives back only what was made for the key asked for (issue 20, C11)."""

from __future__ import annotations

from evalreport.pipeline import fontcache


def test_an_entry_comes_back_for_its_key(tmp_path, monkeypatch):
    monkeypatch.setenv("EVALREPORT_CACHE", str(tmp_path))
    fontcache.put("a" * 64, b"subset of font A")
    assert fontcache.get("a" * 64) == b"subset of font A"
    assert fontcache.get("b" * 64) is None


def test_swapped_entries_are_refused_though_each_is_intact(tmp_path, monkeypatch):
    monkeypatch.setenv("EVALREPORT_CACHE", str(tmp_path))
    first, second = "1" * 64, "2" * 64
    fontcache.put(first, b"subset of font A")
    fontcache.put(second, b"subset of font B")
    folder = tmp_path / "fonts"
    a, b = (folder / f"{first}.bin").read_bytes(), (folder / f"{second}.bin").read_bytes()
    (folder / f"{first}.bin").write_bytes(b)
    (folder / f"{second}.bin").write_bytes(a)
    assert fontcache.get(first) is None and fontcache.get(second) is None
    assert fontcache.cached(first, lambda: b"subset of font A") == b"subset of font A"  # made again
    assert fontcache.get(first) == b"subset of font A"


def test_a_damaged_entry_is_made_again(tmp_path, monkeypatch):
    monkeypatch.setenv("EVALREPORT_CACHE", str(tmp_path))
    key = "3" * 64
    fontcache.put(key, b"subset")
    path = tmp_path / "fonts" / f"{key}.bin"
    path.write_bytes(path.read_bytes()[:-1] + b"X")
    assert fontcache.get(key) is None
