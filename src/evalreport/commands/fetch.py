"""`make data`: fetch a case's public statistics from SSB into its data folder (the only command that
uses the network).

Two options make a run reproducible offline: `--record <folder>` (`make data RECORD=<folder>`) writes
every request and response to the folder (one JSON file per call), and `--replay <folder>`
(`REPLAY=<folder>`) answers every request from such a folder and never touches the network (tests
replay `make data` this way; see tests/data/ssb/recorded/README.md).
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

from evalreport import klassrefresh, ssb
from evalreport.config import load_config

def make_client(project, cache: str, refresh: bool, record: str | None = None, replay: str | None = None):
    """The SSB client of this run: the network, or the recordings in the folder `replay`; recording
    every call in the folder `record`."""
    session = ssb.make_replay_session(project.resolve(replay)) if replay else None
    recorder = ssb.Recorder(project.resolve(record)) if record else None
    return ssb.SsbClient(project.resolve(cache), refresh=refresh, session=session, recorder=recorder)


def fetch_statistics(project, config_path: Path, out: str | None, cache: str, refresh: bool, force: bool,
                     record: str | None = None, replay: str | None = None) -> int:
    """Write the statistics datasets of the case from SSB (or its cache); return the exit code."""
    # The data come before the report is written: an empty author or organisation is no reason to wait.
    config = load_config(config_path, project.relative(config_path), require_authorship=False)
    out_dir = project.resolve(out or config.data_dir)
    provenance_path = out_dir / "datasets.yaml"
    records = (yaml.safe_load(provenance_path.read_text(encoding="utf-8")) or {}) if provenance_path.is_file() else {}
    names = [d.name for d in ssb.DEFINITIONS] + ["donor_pool_employment"]
    sample = [n for n in names if (records.get(n) or {}).get("status", "published") in ("reconstructed", "synthetic")]
    if sample and not force:
        print(f"{project.relative(out_dir)}: {', '.join(sample)} hold sample (synthetic or reconstructed) data; "
              "give OUT=<folder> for another folder, or --force to replace them with SSB's figures", file=sys.stderr)
        return 1
    client = make_client(project, cache, refresh, record, replay)
    try:
        result = ssb.write_statistics([config.municipality, *config.comparison], config.period.start,
                                      config.period.end, out_dir, client=client)
        donor_problems = []
        if (records.get("donor_pool_employment") or {}).get("status", "published") in ("reconstructed", "synthetic") \
                and not force:
            donor_problems.append("donor_pool_employment holds sample data; kept (use --force to replace it)")
        else:
            try:
                # Every year the tables have, from the first (2000): the control group is fitted to the
                # years before the programme, and the more of them the better it fits and tests.
                donors = ssb.write_donor_pool(min(ssb.EMPLOYMENT_FIRST_YEAR, config.period.start), None, out_dir,
                                              client=client)
                result.written.extend(donors.written)
                result.provenance.update(donors.provenance)
                donor_problems += donors.problems
                if donors.left_out:
                    donor_problems.append(f"{len(donors.left_out)} municipalities that took in another and kept "
                                          "their number are left out of the donor pool; donor_pool_left_out.csv "
                                          "gives each with its reason")
            except ssb.SsbUnreachable:
                raise
            except ssb.SsbError as exc:
                donor_problems.append(f"the donor pool (employment in every municipality) could not be fetched: {exc}")
        result.problems.extend(donor_problems)
    except ssb.SsbUnreachable as exc:
        print(f"\nFetching from SSB stopped:\n{exc}", file=sys.stderr)
        return 1
    except ssb.SsbError as exc:
        print(f"\nFetching from SSB stopped:\n{exc}", file=sys.stderr)
        return 1
    if result.provenance:
        records.update(result.provenance)
        provenance_path.write_text(yaml.safe_dump(records, allow_unicode=True, sort_keys=False, width=100),
                                   encoding="utf-8")
    for path in result.written:
        print(f"wrote {project.relative(Path(path))}")
    for problem in result.problems:
        print(f"  - {problem}", file=sys.stderr)
    left_out = [n for n in names if n not in result.provenance]
    if left_out:
        print(f"Not written: {', '.join(left_out)} (see above)", file=sys.stderr)
    return 1 if left_out else 0


def refresh_regions(project) -> int:
    """Fetch the region register anew from SSB's KLASS (classifications 131 and 104, with changes)."""
    try:
        result = klassrefresh.refresh_register()
    except klassrefresh.KlassError as exc:
        print(f"\nFetching the region register from KLASS stopped; the register was not changed:\n{exc}",
              file=sys.stderr)
        return 1
    print(f"updated the region register: {result}")
    return 0
