"""The one command-line interface; the Makefile's targets call it."""

from __future__ import annotations

import argparse
import logging
import shutil
import sys

from evalreport import paths
from evalreport.build import build_report
from evalreport.errors import ChapterError, ConfigError, DatasetError, PdfCheckError

DEFAULT_CONFIG = "reports/vestre_toten.yaml"


def _build(args: argparse.Namespace) -> int:
    result = build_report(args.config, jobs=args.jobs)
    print(f"The report is ready: {result.pdf} ({result.pages} pages); HTML twin: {result.html}")
    return 0


def _check(args: argparse.Namespace) -> int:
    from evalreport.config import load_config
    from evalreport.datasets import load_case

    config = load_config(args.config)
    load_case(config)
    print(f"{args.config}: configuration and data are valid")
    return 0


def _data(args: argparse.Namespace) -> int:
    """Fetch the public statistics from SSB into the data folder; the only command that uses the network."""
    import yaml

    from evalreport import ssb
    from evalreport.config import load_config

    config = load_config(args.config)
    out_dir = paths.resolve(args.out or config.data_dir)
    provenance_path = out_dir / "datasets.yaml"
    records = (yaml.safe_load(provenance_path.read_text(encoding="utf-8")) or {}) if provenance_path.is_file() else {}
    names = [d.name for d in ssb.DEFINITIONS]
    sample = [n for n in names if (records.get(n) or {}).get("status", "published") != "published"]
    if sample and not args.force:
        print(f"{out_dir}: {', '.join(sample)} hold sample (synthetic or reconstructed) data; give --out for "
              "another folder, or --force to replace them with SSB's figures", file=sys.stderr)
        return 1
    try:
        result = ssb.write_statistics([config.municipality, *config.comparison], config.period.start,
                                      config.period.end, out_dir, cache_dir=paths.resolve(args.cache),
                                      refresh=args.refresh)
    except ssb.SsbError as exc:
        print(f"\nFetching from SSB stopped:\n{exc}", file=sys.stderr)
        return 1
    if result.provenance:
        records.update(result.provenance)
        provenance_path.write_text(yaml.safe_dump(records, allow_unicode=True, sort_keys=False, width=100),
                                   encoding="utf-8")
    for path in result.written:
        print(f"wrote {path}")
    for problem in result.problems:
        print(f"  - {problem}", file=sys.stderr)
    left_out = [n for n in names if n not in result.provenance]
    if left_out:
        print(f"Not written: {', '.join(left_out)} (see above)", file=sys.stderr)
    return 1 if left_out else 0


def _sample_data(args: argparse.Namespace) -> int:
    from evalreport import samplecase

    root = paths.find_project_root()
    for path in samplecase.write_case(root / "data" / "reference", root / "data" / "vestre_toten"):
        print(f"wrote {path.relative_to(root)}")
    return 0


def _clean(args: argparse.Namespace) -> int:
    build = paths.find_project_root() / "build"
    shutil.rmtree(build, ignore_errors=True)
    print(f"removed {build}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="evalreport", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build", help="build the report's PDF and HTML twin")
    build.add_argument("--config", default=DEFAULT_CONFIG, help="the report's YAML file")
    build.add_argument("--jobs", type=int, default=None, help="chapters run side by side (default: one per core)")
    build.set_defaults(run=_build)
    check = sub.add_parser("check", help="check the configuration and the input data only")
    check.add_argument("--config", default=DEFAULT_CONFIG)
    check.set_defaults(run=_check)
    data = sub.add_parser("data", help="fetch the public statistics from SSB (PxWebApi v2) into the data folder")
    data.add_argument("--config", default=DEFAULT_CONFIG, help="the report's YAML file")
    data.add_argument("--out", default=None, help="folder to write (default: the configuration's data_dir)")
    data.add_argument("--cache", default="data/ssb_cache", help="folder of SSB's raw responses and manifest.json")
    data.add_argument("--refresh", action="store_true", help="fetch again instead of reading the cache")
    data.add_argument("--force", action="store_true", help="replace sample statistics in the data folder")
    data.set_defaults(run=_data)
    sub.add_parser("sample-data", help="write the bundled Vestre Toten case again").set_defaults(run=_sample_data)
    sub.add_parser("clean", help="remove everything the build made").set_defaults(run=_clean)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    for noisy in ("fontTools", "weasyprint", "papermill", "traitlets", "matplotlib", "pikepdf"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    try:
        return args.run(args)
    except (ConfigError, DatasetError, ChapterError, PdfCheckError, FileNotFoundError) as exc:
        stopped = ("The build stopped; the last good report was not changed." if args.command == "build"
                   else f"'evalreport {args.command}' stopped.")
        print(f"\n{stopped}\n{exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
