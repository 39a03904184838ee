"""evalreport: final evaluation reports of Norwegian municipal restructuring programmes.

The one command-line interface; the Makefile's targets call it. Every command names its report
with --case <name> (reports/<name>.yaml) or --config <file>.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from evalreport import __version__
from evalreport.errors import ConfigError, EvalreportError

DEFAULT_CASE = "vestre_toten"  # the bundled sample, built when no case is named


def _project():
    from evalreport.project import Project

    return Project.find()


def _config_path(project, args) -> Path:
    if not args.case and not args.config:
        return project.config_path(case=DEFAULT_CASE)
    return project.config_path(case=args.case, config=args.config)


def _build(args: argparse.Namespace) -> int:
    from evalreport.pipeline.build import build_report

    if args.all or args.portfolio or args.scheduler:
        return _build_portfolio(args)
    project = _project()
    result = build_report(project, _config_path(project, args), jobs=args.jobs, draft=args.draft)
    print(f"The report is ready: {project.relative(result.pdf)} ({result.pages} pages); "
          f"HTML twin: {project.relative(result.html)}; Word copy for comments: "
          f"{project.relative(result.pdf.with_suffix('.docx'))}")
    return 0


def _build_portfolio(args: argparse.Namespace) -> int:
    """Every case (or those a portfolio file lists) on a Dask cluster: a local one, or --scheduler's."""
    from evalreport.pipeline import portfolio

    project = _project()
    if args.case or args.config:
        raise ConfigError("give --case/--config for one report, or --all/--portfolio for many, not both")
    configs = portfolio.portfolio_cases(project, project.resolve(args.portfolio) if args.portfolio else None)
    if not args.verbose:  # the portfolio says one line per report and chapter; the steps' own lines would interleave
        logging.getLogger("evalreport").setLevel(logging.WARNING)
    with portfolio.Cluster(args.scheduler, args.workers) as cluster:
        result = portfolio.build_portfolio(project, configs, cluster, draft=args.draft)
    print(result.summary(project))
    return 1 if result.failed else 0


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
    from evalreport.pipeline.build import check_report

    from evalreport.chapters import statements
    from evalreport.commands.newcase import unfinished_prose

    project = _project()
    path = _config_path(project, args)
    checked = check_report(project, path)
    config = checked.config
    print(f"{project.relative(path)}: the configuration and the data are valid")
    if checked.statements:
        print(statements.describe(checked.statements, project.relative(path), project.relative))
    unfinished = unfinished_prose(project.resolve(config.prose_dir or f"prose/{path.stem}"))
    if unfinished:
        print("Still to write (as 'make new-case' left them): "
              + ", ".join(project.relative(p) for p in unfinished), file=sys.stderr)
    return 0


def _new_case(args: argparse.Namespace) -> int:
    from evalreport.commands import newcase

    project = _project()
    written, notes = newcase.start_case(project, args.case, args.municipality, args.start, args.end, args.language,
                                        args.shock_year)
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
    import shutil

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
    new_case.add_argument("--start", required=True, type=int, help="the programme's first year")
    new_case.add_argument("--end", required=True, type=int, help="the programme's last year")
    new_case.add_argument("--language", default="nb", choices=["nb", "nn", "en"], help="the report's language")
    new_case.add_argument("--shock-year", type=int, default=None,
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
    from evalreport.commands import estimate as effect_command  # scipy is loaded only when it runs
    effect_command.add_parser(sub)
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
    from evalreport.pipeline.build import Published

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
