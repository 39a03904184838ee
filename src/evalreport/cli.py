"""evalreport: final evaluation reports of Norwegian municipal restructuring programmes.

The one command-line interface; the Makefile's targets call it. Every command names its report
with --case <name> (reports/<name>.yaml) or --config <file>. Each command's module (`evalreport.commands`)
is imported when the command runs: the build's modules take seconds to import, and `evalreport --help`
or a mistyped option need not wait for them.
"""

from __future__ import annotations

import argparse
import logging
import shutil
import sys
from pathlib import Path

from evalreport import __version__
from evalreport.errors import ConfigError, EvalreportError, Published
from evalreport.project import Project

DEFAULT_CASE = "vestre_toten"  # the bundled sample, built when no case is named
EFFECT_DESCRIPTION = ("Estimate the programme's effect on one unit with a synthetic control of the other units, "
                      "with placebo inference (every donor in turn as if treated).")


def _project() -> Project:
    return Project.find()


def _config_path(project, args) -> Path:
    if not args.case and not args.config:
        return project.config_path(case=DEFAULT_CASE)
    return project.config_path(case=args.case, config=args.config)


def _build(args: argparse.Namespace) -> int:
    if args.all or args.portfolio or args.scheduler:
        return _build_portfolio(args)
    from evalreport.commands import build

    project = _project()
    return build.build(project, _config_path(project, args), jobs=args.jobs, draft=args.draft)


def _build_portfolio(args: argparse.Namespace) -> int:
    """Every case (or those a portfolio file lists) on a Dask cluster: a local one, or --scheduler's."""
    from evalreport.commands import build

    project = _project()
    if args.case or args.config:
        raise ConfigError("give --case/--config for one report, or --all/--portfolio for many, not both")
    return build.build_portfolio(project, project.resolve(args.portfolio) if args.portfolio else None,
                                 args.scheduler, args.workers, draft=args.draft, verbose=args.verbose)


def _portfolio_report(args: argparse.Namespace) -> int:
    from evalreport.commands import overview as portfolioreport

    project = _project()
    written = portfolioreport.write_portfolio_report(
        project, project.resolve(args.portfolio) if args.portfolio else None, language=args.language)
    print(written.message(project))
    return 0


def _release(args: argparse.Namespace) -> int:
    from evalreport.commands import release

    project = _project()
    result = release.release_report(project, _config_path(project, args), args.version, force=args.force,
                                    jobs=args.jobs)
    print(release.describe(result, project))
    return 0


def _comments(args: argparse.Namespace) -> int:
    """The client's comments and tracked changes in a returned Word copy, as a checklist by file and line."""
    from evalreport.commands import comments

    project = _project()
    config = project.config_path(case=args.case, config=args.config) if args.case or args.config else None
    written = comments.write_checklist(project, Path(args.file), config)
    print(written.text, end="")
    logging.getLogger(__name__).info("Wrote %s (%d item(s)).", project.relative(written.path), written.items)
    return 0


def _preview(args: argparse.Namespace) -> int:
    from evalreport.commands import preview

    project = _project()
    return preview.run_preview(project, _config_path(project, args), port=args.port, jobs=args.jobs,
                               draft=args.draft)


def _check(args: argparse.Namespace) -> int:
    from evalreport.commands import build

    project = _project()
    return build.check(project, _config_path(project, args))


def _new_case(args: argparse.Namespace) -> int:
    from evalreport.commands import newcase

    # `make new-case` passes every variable, set or not: an empty one is missing, not a bad value.
    given = {"CASE": args.case, "MUNICIPALITY": args.municipality, "START": args.start, "END": args.end}
    missing = [name for name, value in given.items() if not value.strip()]
    if missing:
        raise ConfigError(f"new-case needs the case's name, the municipality and the programme's first and last "
                          f"year; missing: {', '.join(missing)}. For example: make new-case CASE=fraena "
                          f"MUNICIPALITY=1548 START=2011 END=2017")
    start, end = _year("START", args.start), _year("END", args.end)
    shock = _year("SHOCK", args.shock_year) if args.shock_year and args.shock_year.strip() else None
    project = _project()
    written, notes = newcase.start_case(project, args.case, args.municipality, start, end, args.language, shock)
    print(newcase.next_steps(project, args.case, written, notes))
    return 0


def _data_dictionary(args: argparse.Namespace) -> int:
    from evalreport.commands import datadict

    project = _project()
    path = datadict.write(project.root / datadict.PATH)
    print(f"wrote {project.relative(path)}")
    return 0


def _data(args: argparse.Namespace) -> int:
    """Fetch the public statistics from SSB into the data folder; the only command that uses the network."""
    from evalreport.commands import fetch

    project = _project()
    if args.regions:
        return fetch.refresh_regions(project)
    return fetch.fetch_statistics(project, _config_path(project, args), out=args.out, cache=args.cache,
                                  refresh=args.refresh, force=args.force, record=args.record, replay=args.replay)


def _clean(args: argparse.Namespace) -> int:
    build = _project().build_dir
    shutil.rmtree(build, ignore_errors=True)
    print(f"removed {build}")
    return 0


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number of chapters to run side by side, found {text!r}")
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more (found {value})")
    return value


def _year(name: str, text: str) -> int:
    """A year the analyst gave as NAME=text (a make variable, or the option of the same name)."""
    if not text.strip().isdigit() or len(text.strip()) != 4:
        raise ConfigError(f"{name}={text!r}: write the year with four digits, e.g. {name}=2011")
    return int(text)


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number, found {text!r}")
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"must be between 0 (any free port) and 65535 (found {value})")
    return value


def _add_report_options(parser: argparse.ArgumentParser) -> None:
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--case", help=f"the case's name: reports/<name>.yaml (default: {DEFAULT_CASE})")
    which.add_argument("--config", help="the report's YAML file, instead of --case")


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="evalreport", description=__doc__.split("\n\n")[0])
    parser.add_argument("--version", action="version", version=f"evalreport {__version__}")
    loudness = parser.add_mutually_exclusive_group()
    loudness.add_argument("-q", "--quiet", action="store_true", help="say only what went wrong, and where the report is")
    loudness.add_argument("-v", "--verbose", action="store_true", help="say more about each step")
    sub = parser.add_subparsers(dest="command", required=True, metavar="command")

    build = sub.add_parser("build", help="build the report's PDF and HTML twin")
    _add_report_options(build)
    build.add_argument("--jobs", type=_jobs, default=None, help="chapters run side by side (default: one per core)")
    build.add_argument("--draft", action="store_true", help="build as a draft, whatever the configuration says")
    build.add_argument("--all", action="store_true", help="build every case in reports/ on a Dask cluster")
    build.add_argument("--portfolio", default=None, help="build the cases a portfolio file lists (YAML, 'cases: [...]')")
    build.add_argument("--scheduler", default=None,
                       help="an existing Dask scheduler (tcp://host:8786); default: a local cluster, one worker per core")
    build.add_argument("--workers", type=_jobs, default=None, help="workers of the local cluster (default: one per core)")
    build.set_defaults(run=_build)

    overview = sub.add_parser("portfolio", help="write the portfolio overview (build/portfolio.pdf and .html) from "
                                                "the built reports")
    overview.add_argument("--portfolio", default=None, help="a portfolio file (default: every case in reports/)")
    overview.add_argument("--language", default=None, choices=["nb", "nn", "en"],
                          help="the overview's language (default: the portfolio file's, else nb)")
    overview.set_defaults(run=_portfolio_report)

    release = sub.add_parser("release", help="release a version to the council: dist/<name>-<version>.pdf, .html, "
                                             ".json, read-only, with their SHA-256 in dist/SHA256SUMS")
    release.add_argument("version", help="the version's name, e.g. 1.0 (never reused)")
    _add_report_options(release)
    release.add_argument("--force", action="store_true",
                         help="release a draft, or a project with uncommitted changes (an existing version never)")
    release.add_argument("--jobs", type=_jobs, default=None, help="chapters run side by side (default: one per core)")
    release.set_defaults(run=_release)

    comments = sub.add_parser("comments", help="list the comments and tracked changes of a Word copy the client "
                                               "returned, by the file and line they concern (build/<name>-comments.md)")
    comments.add_argument("file", help="the Word copy as the client returned it (.docx)")
    _add_report_options(comments)
    comments.set_defaults(run=_comments)

    preview = sub.add_parser("preview", help="build, serve the HTML twin on localhost and rebuild it at every edit")
    _add_report_options(preview)
    preview.add_argument("--port", type=_port, default=0, help="the port to serve on (default: a free one)")
    preview.add_argument("--jobs", type=_jobs, default=None, help="chapters run side by side (default: one per core)")
    preview.add_argument("--draft", action="store_true", help="build as a draft, whatever the configuration says")
    preview.set_defaults(run=_preview)

    check = sub.add_parser("check", help="check the configuration and the input data only")
    _add_report_options(check)
    check.set_defaults(run=_check)

    new_case = sub.add_parser("new-case", help="start a new case: configuration, data templates, prose files")
    new_case.add_argument("--case", required=True, help="the case's name (letters, digits, '_' and '-')")
    new_case.add_argument("--municipality", required=True, help="kommunenummer, old or current (e.g. 1563)")
    new_case.add_argument("--start", required=True, help="the programme's first year")
    new_case.add_argument("--end", required=True, help="the programme's last year")
    new_case.add_argument("--language", default="nb", choices=["nb", "nn", "en"], help="the report's language")
    new_case.add_argument("--shock-year", default=None,
                          help="the year of the shock that led to the programme: the effect estimate is fitted to "
                               "the years before it")
    new_case.set_defaults(run=_new_case)

    data = sub.add_parser("data", help="fetch the public statistics from SSB (PxWebApi v2) into the data folder")
    _add_report_options(data)
    data.add_argument("--out", default=None, help="folder to write (default: the configuration's data_dir)")
    data.add_argument("--cache", default="data/ssb_cache", help="folder of SSB's raw responses and manifest.json")
    data.add_argument("--refresh", action="store_true", help="fetch again instead of reading the cache")
    data.add_argument("--force", action="store_true", help="replace sample statistics in the data folder")
    data.add_argument("--regions", action="store_true",
                      help="fetch the region register (every kommune and fylke since 1994) anew from SSB's KLASS")
    data.add_argument("--record", default=None, help="also write every request and SSB's answer to this folder")
    data.add_argument("--replay", default=None,
                      help="answer every request from a folder written by --record, without the network")
    data.set_defaults(run=_data)

    sub.add_parser("data-dictionary", help="write docs/data-dictionary.md from the schemas").set_defaults(
        run=_data_dictionary)
    sub.add_parser("clean", help="remove everything the build made").set_defaults(run=_clean)
    _add_effect_parser(sub)
    return parser


def _effect(args: argparse.Namespace) -> int:
    from evalreport.commands import estimate

    return estimate.run(args)


def _add_effect_parser(sub) -> argparse.ArgumentParser:
    """Register the `effect` subcommand on the command line's subparsers."""
    parser = sub.add_parser("effect", help="synthetic-control effect estimate with placebo inference",
                            description=EFFECT_DESCRIPTION)
    parser.add_argument("--panel", required=True, help="long-form CSV or .xlsx: one row per unit and time")
    parser.add_argument("--unit", required=True, help="the column naming the unit (e.g. kommune)")
    parser.add_argument("--time", required=True, help="the column with the year")
    parser.add_argument("--outcome", required=True, help="the column to estimate the effect on")
    parser.add_argument("--treated", required=True, help="the unit that had the programme")
    parser.add_argument("--start", required=True, help="the programme's first year")
    parser.add_argument("--predictor", action="append", default=[], metavar="COL:YEARS",
                        help="mean of COL over YEARS (1988 or 1980-1988); repeat for more (default: the outcome's "
                             "mean over the years before the start)")
    parser.add_argument("--fit", default=None, metavar="YEARS",
                        help="years whose outcome MSPE chooses the predictor weights (default: every year before --start)")
    parser.add_argument("--donors", default=None, metavar="UNIT,UNIT,...", help="the units to build the control from "
                        "(default: every other unit)")
    parser.add_argument("--effect-years", default=None, metavar="YEARS",
                        help="the effect window the estimate and the test are about, e.g. 2011-2017 (default: every "
                             "year from --start); later years are reported as their own window")
    parser.add_argument("--index", default=None, metavar="YEARS",
                        help="take the outcome as an index, each unit's mean over YEARS = 100 (the report uses its fit "
                             "years)")
    parser.add_argument("--series-break", default=None, metavar="YEAR",
                        help="bridge a break in the statistics from YEAR on: chain-link every unit's outcome with the "
                             "median change that year (the report's rule for SSB's 2015 break)")
    parser.add_argument("--v-floor", default="0", metavar="SHARE",
                        help="the least share of an equal weight each predictor keeps in V (default 0: any V)")
    parser.add_argument("--noise-floor", default=None, metavar="POINTS",
                        help="use the post/pre-period MSPE ratio test with pre-period RMSPEs below POINTS counted as "
                             "POINTS instead of the studentised test (off by default; its size is not controlled)")
    parser.add_argument("--json", default=None, metavar="OUT.json", help="write the full result here")
    parser.add_argument("--workers", default="1", help="processes for the placebo fits (default 1)")
    parser.add_argument("--cache", default=None, metavar="DIR", help="reuse results for the same data and options")
    parser.set_defaults(run=_effect)
    return parser


def _configure_logging(args: argparse.Namespace) -> None:
    level = logging.WARNING if args.quiet else logging.DEBUG if args.verbose else logging.INFO
    logging.basicConfig(level=level, format="%(message)s")
    for noisy in ("fontTools", "weasyprint", "papermill", "traitlets", "matplotlib", "pikepdf", "asyncio",
                  "urllib3", "blib2to3", "nbconvert"):
        logging.getLogger(noisy).setLevel(logging.ERROR)


def main(argv: list[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    _configure_logging(args)
    try:
        return args.run(args)
    except EvalreportError as exc:
        return _stopped(args, str(exc), exc=exc)
    except KeyboardInterrupt as exc:
        return _stopped(args, "interrupted", code=130, exc=exc)
    except OSError as exc:
        # A full disk, a read-only folder, a file that vanished: what happened and where, in one line.
        where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
        return _stopped(args, f"{exc.strerror or exc}{where}", exc=exc)
    except Exception as exc:  # noqa: BLE001 - the last line of defence: no traceback for the analyst
        logging.getLogger(__name__).debug("unexpected error", exc_info=True)
        return _stopped(args, f"an unexpected error: {type(exc).__name__}: {exc}\n"
                              "This is a fault in evalreport, not in your files; run again with -v and report it.",
                        exc=exc)


def _stopped(args: argparse.Namespace, message: str, code: int = 1, exc: BaseException | None = None) -> int:
    published = Published.of(exc) if exc is not None else None
    if args.command == "build" and published:
        stopped = (f"The build stopped after publishing the new report: {', '.join(published)} are the new ones, "
                   "all of this build; the next build checks them again.")
    else:
        stopped = {"build": "The build stopped; the last good report was not changed.",
                   "release": "The release stopped; nothing was written to dist/."}.get(
                       args.command, f"'evalreport {args.command}' stopped.")
    print(f"\n{stopped}\n{message}", file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
