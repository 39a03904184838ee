"""The refresh of the region register from Statistics Norway's classification database KLASS.

`refresh_register(out_dir)` (or `python -m evalreport.klassrefresh [out_dir]`) asks KLASS's REST
API for the codes of classification 131 (kommuner) and 104 (fylker) over a range of dates, in
bokmål and nynorsk, and for their change lists; it turns them into the register files that
evalreport.regions reads (regions.csv, region_names.csv, region_changes.csv, and
region_register.json saying where and when they came from), checks them by reading them back,
and only then replaces the files in `out_dir`.

Two hand-kept inputs from the package's resources go in: sami_names.csv, the language of each
Sami and Kven name part (KLASS joins every official name into one string: "Gáivuotna - Kåfjord -
Kaivuono"), and region_starts.csv, the start of codes in use before the range asked for (the
fylker of 1919), which KLASS's range query cuts off.

KLASS's data are CC BY 4.0, Statistics Norway. API guide: https://data.ssb.no/api/klass/v1/api-guide.html
"""

from __future__ import annotations

import csv
import datetime as dt
import email.utils
import json
import logging
import os
import shutil
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import requests

from evalreport import regions, words

log = logging.getLogger(__name__)

API_ROOT = "https://data.ssb.no/api/klass/v1"
CLASSIFICATIONS = {"131": "kommune", "104": "fylke"}  # KLASS classification -> kind of region
FIRST_DAY = dt.date(regions.FIRST_YEAR, 1, 1)
# Codes in the classifications that are not kommuner or fylker: "unknown" and, should they
# appear, Svalbard, Jan Mayen and the continental shelf, which SSB counts apart.
EXCLUDED_PREFIXES = ("99", "21", "22", "23")
COUNTRY = {"code": "0", "kind": "land"}  # its names are words: regions.country in the catalogues of words
MIN_IN_USE = {"kommune": 300, "fylke": 10}  # fewer in use today means a broken answer, not a reform
RETRY_STATUSES = (429, 500, 502, 503, 504)
NAME_COLUMNS = ("code", "valid_from", "valid_to", "official", "nb", "nn", "en", "sme", "sma", "smj", "fkv", "source")


class KlassError(RuntimeError):
    """KLASS could not be read, or its answer cannot make a register; names the URL or the code."""


@dataclass(frozen=True)
class RefreshResult:
    """What a refresh wrote, and the names whose Norwegian part it could not tell."""

    directory: Path
    files: tuple[Path, ...]
    in_use: Mapping[str, int]  # kind -> codes in use on the last day asked for
    changes: int
    untagged_names: tuple[str, ...]  # official names with more than one part of unknown language


# --- HTTP ----------------------------------------------------------------------------------------

def _retry_after(value: str | None, default: float) -> float:
    if not value:
        return default
    try:
        return max(0.0, float(value))
    except ValueError:
        when = email.utils.parsedate_to_datetime(value)
        return max(0.0, (when - dt.datetime.now(when.tzinfo)).total_seconds())


def fetch_json(session, path: str, params: Mapping[str, str], *, attempts: int = 4, backoff: float = 2.0,
               timeout: float = 60.0, sleep: Callable[[float], None] = time.sleep) -> dict:
    """GET `API_ROOT/path` with `params` as JSON, retrying connection failures, 429 and 5xx
    (waiting as Retry-After says, else `backoff` seconds doubled each time); raise KlassError
    naming the URL, the status and KLASS's message otherwise."""
    url = f"{API_ROOT}/{path}"
    where = url + "?" + "&".join(f"{k}={v}" for k, v in params.items())
    wait = backoff
    for attempt in range(1, attempts + 1):
        try:
            response = session.get(url, params=dict(params), headers={"Accept": "application/json"}, timeout=timeout)
        except (requests.ConnectionError, requests.Timeout) as exc:
            if attempt == attempts:
                raise KlassError(f"KLASS: no answer from {where} after {attempts} attempts ({exc})") from exc
            log.warning("KLASS: %s failed (%s); trying again in %.0f s", where, exc, wait)
            sleep(wait)
            wait *= 2
            continue
        if response.status_code in RETRY_STATUSES and attempt < attempts:
            delay = _retry_after(response.headers.get("Retry-After"), wait)
            log.warning("KLASS: %s answered %s; trying again in %.0f s", where, response.status_code, delay)
            sleep(delay)
            wait *= 2
            continue
        if response.status_code != 200:
            raise KlassError(f"KLASS: {where} answered HTTP {response.status_code}: {response.text[:300]}")
        try:
            return response.json()
        except ValueError as exc:
            raise KlassError(f"KLASS: {where} did not answer JSON: {response.text[:200]!r}") from exc
    raise KlassError(f"KLASS: no answer from {where}")  # not reached: the loop returns or raises


def _items(body: dict, key: str, where: str, fields: Sequence[str]) -> list[dict]:
    """The list under `key`, each item checked for `fields`."""
    if not isinstance(body, dict) or not isinstance(body.get(key), list):
        raise KlassError(f"KLASS: the answer to {where} has no list '{key}'; the API may have changed")
    for number, item in enumerate(body[key], start=1):
        missing = [f for f in fields if not isinstance(item, dict) or f not in item]
        if missing:
            raise KlassError(f"KLASS: item {number} of '{key}' from {where} lacks {missing}: {str(item)[:200]}")
    return body[key]


# --- from KLASS's answers to the register's rows -------------------------------------------------

def _excluded(code: str) -> bool:
    return not code.isdigit() or code.startswith(EXCLUDED_PREFIXES)


def _date(text: str | None, where: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        raise KlassError(f"KLASS: {where}: {text!r} is not a date") from None


def split_name(official: str, languages: Mapping[str, str]) -> tuple[dict[str, str], bool]:
    """Split an official name ("Gáivuotna - Kåfjord - Kaivuono") into its Norwegian part and its
    Sami and Kven parts by `languages` (part -> language). Return the names by language and
    whether the Norwegian part was clear (exactly one part of no known other language)."""
    parts = [p.strip() for p in official.split(" - ")]
    names: dict[str, list[str]] = defaultdict(list)
    rest = []
    for part in parts:
        if part in languages:
            names[languages[part]].append(part)
        else:
            rest.append(part)
    clear = len(rest) == 1
    result = {lang: " / ".join(found) for lang, found in names.items()}
    result["nb"] = rest[0] if clear else official
    return result, clear


def build_register(codes: Mapping[str, Sequence[dict]], codes_nn: Mapping[str, Sequence[dict]],
                   changes: Mapping[str, Sequence[dict]], *, first: dt.date, to: dt.date,
                   languages: Mapping[str, str], starts: Mapping[str, dt.date]):
    """Build the register's rows from KLASS's answers per classification ("131", "104"): the
    items of /codes (from `first` to `to`, `to` not included) in bokmål and nynorsk, and the
    items of /changes. Return (regions rows, name rows, change rows, untagged names)."""
    region_rows, name_rows, untagged = [], [], []
    for classification, kind in CLASSIFICATIONS.items():
        nynorsk = {(i["code"], i.get("validFromInRequestedRange")): i["name"] for i in codes_nn.get(classification, ())}
        periods = defaultdict(list)
        for item in codes.get(classification, ()):
            code = str(item["code"])
            if _excluded(code):
                continue
            where = f"classification {classification}, code {code}"
            start = _date(item.get("validFromInRequestedRange"), where) or first
            end = _date(item.get("validToInRequestedRange"), where) or to
            nn = nynorsk.get((item["code"], item.get("validFromInRequestedRange")), "")
            periods[code].append((start, end, str(item["name"]).strip(), str(nn).strip()))
        for code, found in sorted(periods.items()):
            found.sort()
            for (_, end, _, _), (start, _, _, _) in zip(found, found[1:]):
                if start != end:
                    raise KlassError(f"KLASS: classification {classification}, code {code} is in use twice with "
                                     f"a gap ({end} to {start}); the register keeps one period per code")
            first_day, last_end = found[0][0], found[-1][1]
            valid_from = starts.get(code) if first_day <= first else first_day
            valid_to = last_end - dt.timedelta(days=1) if last_end < to else None
            merged = []  # consecutive items with the same name are one name
            for start, end, name, nn in found:
                if merged and merged[-1][2] == name and merged[-1][3] == nn:
                    merged[-1] = (merged[-1][0], end, name, nn)
                else:
                    merged.append((start, end, name, nn))
            for index, (start, end, name, nn) in enumerate(merged):
                split, clear = split_name(name, languages)
                if not clear:
                    untagged.append(f"{code} {name}")
                name_rows.append(dict(
                    code=code, valid_from=start.isoformat() if index else "",
                    valid_to=(end - dt.timedelta(days=1)).isoformat() if index < len(merged) - 1 else "",
                    official=name, nb=split["nb"], nn=nn if nn and nn != name else "", en="",
                    **{lang: split.get(lang, "") for lang in ("sme", "sma", "smj", "fkv")},
                    source=f"klass{classification}"))
            region_rows.append({"code": code, "kind": kind, "valid_from": valid_from.isoformat() if valid_from else "",
                                "valid_to": valid_to.isoformat() if valid_to else "", "name": name_rows[-1]["nb"],
                                "source": f"klass{classification}"})
    country = {language: words.text(language, "regions.country") for language in words.LANGUAGES}
    region_rows.insert(0, {"code": COUNTRY["code"], "kind": COUNTRY["kind"], "valid_from": "", "valid_to": "",
                           "name": country["nb"], "source": "hand"})
    name_rows.insert(0, {"code": COUNTRY["code"], "valid_from": "", "valid_to": "", "official": country["nb"],
                         **country, "sme": "", "sma": "", "smj": "", "fkv": "", "source": "hand"})
    known = {r["code"] for r in region_rows}
    change_rows = []
    for classification in CLASSIFICATIONS:
        for item in changes.get(classification, ()):
            old, new = str(item.get("oldCode") or ""), str(item.get("newCode") or "")
            date = _date(item.get("changeOccurred"), f"a change of classification {classification}")
            if not old or not new or date is None or date <= first or date >= to:
                continue  # a code that only began or ended has its dates in the code list already
            if old not in known or new not in known:
                if not (_excluded(old) or _excluded(new)):
                    log.warning("KLASS: change %s -> %s on %s names a code outside the register; left out",
                                old, new, date)
                continue
            change_rows.append({"date": date.isoformat(), "classification": classification, "old_code": old,
                                "old_name": item.get("oldName") or "", "new_code": new,
                                "new_name": item.get("newName") or "", "source": f"klass{classification}"})
    change_rows.sort(key=lambda r: (r["date"], r["classification"], r["old_code"], r["new_code"]))
    return region_rows, name_rows, change_rows, tuple(untagged)


# --- writing ---------------------------------------------------------------------------------------

def _write_csv(path: Path, columns: Sequence[str], rows: Sequence[Mapping[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(columns), lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def _read_inputs() -> tuple[dict[str, str], dict[str, dt.date]]:
    folder = resources.files("evalreport.resources")
    with folder.joinpath("sami_names.csv").open(encoding="utf-8") as f:
        languages = {row["name"]: row["language"] for row in csv.DictReader(f)}
    with folder.joinpath("region_starts.csv").open(encoding="utf-8") as f:
        starts = {row["code"]: dt.date.fromisoformat(row["valid_from"]) for row in csv.DictReader(f)}
    return languages, starts


def refresh_register(out_dir=None, *, to: dt.date | None = None, first: dt.date = FIRST_DAY, session=None,
                     sleep: Callable[[float], None] = time.sleep,
                     min_in_use: Mapping[str, int] = MIN_IN_USE) -> RefreshResult:
    """Fetch KLASS 131 and 104 from `first` to `to` (default: tomorrow, so today is in) and write the
    register files into `out_dir` (default: the package's resources folder).

    The files are replaced only when every request succeeded and the new register reads back
    without error, with at least `min_in_use` codes of each kind in use on the last day; otherwise
    KlassError, and the old files stay. `session` is a requests.Session or anything with its `get` (tests pass a fake).
    """
    to = to or dt.date.today() + dt.timedelta(days=1)
    out = Path(out_dir) if out_dir is not None else Path(str(resources.files("evalreport.resources")))
    session = session or requests.Session()
    span = {"from": first.isoformat(), "to": to.isoformat()}
    codes, codes_nn, changes, urls = {}, {}, {}, []
    for classification in CLASSIFICATIONS:
        path = f"classifications/{classification}/codes"
        fields = ("code", "name", "validFromInRequestedRange", "validToInRequestedRange")
        codes[classification] = _items(fetch_json(session, path, {**span, "language": "nb"}, sleep=sleep),
                                       "codes", path, fields)
        codes_nn[classification] = _items(fetch_json(session, path, {**span, "language": "nn"}, sleep=sleep),
                                          "codes", path, fields)
        path_changes = f"classifications/{classification}/changes"
        body = fetch_json(session, path_changes, span, sleep=sleep)
        changes[classification] = _items(body, "codeChanges", path_changes, ("changeOccurred",))
        urls += [f"{API_ROOT}/{path}", f"{API_ROOT}/{path_changes}"]
    languages, starts = _read_inputs()
    region_rows, name_rows, change_rows, untagged = build_register(
        codes, codes_nn, changes, first=first, to=to, languages=languages, starts=starts)
    for name in untagged:
        log.warning("KLASS: cannot tell the Norwegian part of %s; add its Sami or Kven parts to sami_names.csv", name)

    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".klass-", dir=out))
    try:
        _write_csv(staging / "regions.csv", ("code", "kind", "valid_from", "valid_to", "name", "source"), region_rows)
        _write_csv(staging / "region_names.csv", NAME_COLUMNS, name_rows)
        _write_csv(staging / "region_changes.csv",
                   ("date", "classification", "old_code", "old_name", "new_code", "new_name", "source"), change_rows)
        try:
            register = regions.read_register(staging)
        except regions.RegisterFileError as exc:
            raise KlassError(f"KLASS: the new register does not hold together ({exc}); the old files are kept") from exc
        last = to - dt.timedelta(days=1)
        in_use = {kind: sum(1 for r in register.regions.values() if r.kind == kind and r.in_use_on(last))
                  for kind in CLASSIFICATIONS.values()}
        short = {kind: n for kind, n in in_use.items() if n < min_in_use.get(kind, 0)}
        if short:
            raise KlassError(f"KLASS: only {short} in use on {last}; expected at least {dict(min_in_use)}. The old "
                             "files are kept")
        meta = {"retrieved": dt.date.today().isoformat(), "from": first.isoformat(), "to": to.isoformat(),
                "sources": urls, "licence": "CC BY 4.0, Statistics Norway (KLASS)",
                "hand_kept_inputs": ["sami_names.csv", "region_starts.csv", "the whole country '0'"],
                "in_use": in_use, "changes": len(change_rows), "untagged_names": list(untagged)}
        (staging / "region_register.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n",
                                                      encoding="utf-8")
        files = []
        for name in (*regions.FILES, "region_register.json"):
            os.replace(staging / name, out / name)
            files.append(out / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    regions._register.cache_clear()
    regions._name_keys.cache_clear()
    regions._regions_frame.cache_clear()
    return RefreshResult(out, tuple(files), in_use, len(change_rows), untagged)


if __name__ == "__main__":  # python -m evalreport.klassrefresh [out_dir]
    import sys

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        done = refresh_register(sys.argv[1] if len(sys.argv) > 1 else None)
    except KlassError as error:
        sys.exit(str(error))
    print(f"region register written to {done.directory}: {dict(done.in_use)} in use, {done.changes} changes"
          + (f"; names of unknown language: {', '.join(done.untagged_names)}" if done.untagged_names else ""))
