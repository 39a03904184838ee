"""The one command-line interface; the Makefile's targets call it."""

from __future__ import annotations

import argparse
import logging
import shutil
import sys
from pathlib import Path

from evalreport import paths
from evalreport.build import build_report
from evalreport.errors import ChapterError, ConfigError, DatasetError

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
    sub.add_parser("sample-data", help="write the bundled Vestre Toten case again").set_defaults(run=_sample_data)
    sub.add_parser("clean", help="remove everything the build made").set_defaults(run=_clean)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    for noisy in ("fontTools", "weasyprint", "papermill", "traitlets", "matplotlib"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    try:
        return args.run(args)
    except (ConfigError, DatasetError, ChapterError, FileNotFoundError) as exc:
        print(f"\nThe build stopped; the last good report was not changed.\n{exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
