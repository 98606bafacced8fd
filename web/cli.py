"""The `sifter` command line: index, search, export, extract, serve."""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import asdict
from pathlib import Path

DEFAULT_INDEX = os.environ.get("SIFTER_INDEX", "var/index")

EXIT_OK, EXIT_REJECTS, EXIT_ERROR = 0, 1, 2
REJECTS_FILE = "sifter-rejects.jsonl"  # in the index folder: the last run's rejects
SHOWN_REJECTS = 50  # printed by `sifter index`; the rejects file has them all


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return args.run(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `sifter extract ... | head` closed the pipe: not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sifter", description=__doc__)
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    index = commands.add_parser("index", help="index corpus files or folders")
    index.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    index.add_argument("--index", type=Path, default=DEFAULT_INDEX, help="index folder")
    index.add_argument("--no-progress", action="store_true", help="no progress bar")
    index.add_argument(
        "--rejects",
        type=Path,
        default=None,
        help=f"write what was not indexed here as JSONL (default: INDEX/{REJECTS_FILE})",
    )
    index.add_argument(
        "--rebuild", action="store_true", help="build a new index generation from scratch"
    )
    index.set_defaults(run=_index)

    search = commands.add_parser("search", help="search the index")
    search.add_argument("query")
    _query_arguments(search)
    search.add_argument("--page", default="1")
    search.add_argument("--per-page", default="10")
    search.add_argument("--json", action="store_true", help="print the JSON API's body")
    search.add_argument("--index", type=Path, default=DEFAULT_INDEX)
    search.set_defaults(run=_search)

    export = commands.add_parser(
        "export", help="every hit of a query as JSONL or CSV (streamed to stdout or a file)"
    )
    export.add_argument("query")
    _query_arguments(export)
    export.add_argument("--collapse", action="store_true", help="one row per near-duplicate group")
    export.add_argument("--format", default="jsonl", help="jsonl (default) or csv")
    export.add_argument("--fields", default="", help=_fields_help())
    export.add_argument("--output", "-o", type=Path, help="write to this file, not stdout")
    export.add_argument("--index", type=Path, default=DEFAULT_INDEX)
    export.set_defaults(run=_export)

    extract = commands.add_parser("extract", help="show what the pipeline makes of files")
    extract.add_argument("paths", nargs="+", type=Path, metavar="FILE")
    extract.add_argument("--json", action="store_true", help="one JSON object per document")
    extract.set_defaults(run=_extract)

    serve = commands.add_parser("serve", help="serve the web UI and API (waitress)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--threads", type=int, default=None, help="worker threads (default: 2 per core, 4-16)"
    )
    serve.add_argument("--index", type=Path, default=DEFAULT_INDEX)
    serve.set_defaults(run=_serve)
    return parser


def _query_arguments(parser: argparse.ArgumentParser) -> None:
    """The query's filters and sort, as `sifter search` and `sifter export` share them."""
    parser.add_argument("--lang", action="append", default=[])
    parser.add_argument("--source", action="append", default=[])
    parser.add_argument("--year", action="append", default=[])
    parser.add_argument("--host", action="append", default=[], help="a host and its subdomains")
    parser.add_argument("--template", action="append", default=[], help="a template line")
    parser.add_argument("--in", dest="scope", default="body", help="body or chrome")
    parser.add_argument("--date-from", default="", help="first date, YYYY-MM-DD (inclusive)")
    parser.add_argument("--date-to", default="", help="last date, YYYY-MM-DD (inclusive)")
    parser.add_argument("--sort", default="relevance")


def _query_params(args: argparse.Namespace) -> dict[str, list[str]]:
    """The API's parameters for `_query_arguments`."""
    return {
        "q": [args.query],
        "lang": args.lang,
        "source": args.source,
        "year": args.year,
        "host": args.host,
        "template": args.template,
        "in": [args.scope],
        "date_from": [args.date_from],
        "date_to": [args.date_to],
        "sort": [args.sort],
    }


def _index(args: argparse.Namespace) -> int:
    from indexer.write import IndexBusy, build

    progress = not args.no_progress and sys.stderr.isatty()
    try:
        report = build(args.paths, args.index, progress=progress, rebuild=args.rebuild)
    except IndexBusy as error:
        print(f"sifter: {error}; try again when it has finished", file=sys.stderr)
        return EXIT_ERROR
    rejects = [("failed", item) for item in report.failed]
    rejects += [("skipped", item) for item in report.skipped]
    rejects_file = args.rejects or args.index / REJECTS_FILE
    write_rejects(rejects_file, rejects)
    print(
        f"indexed {report.indexed} documents, unchanged {report.unchanged}, "
        f"deleted {report.deleted}, skipped {len(report.skipped)}, "
        f"failed {len(report.failed)} in {report.seconds:.1f} s -> {args.index}"
    )
    print(f"rejected {len(rejects)} files or records, listed in {rejects_file}")
    for status, item in rejects[:SHOWN_REJECTS]:
        print(f"  {'FAILED ' if status == 'failed' else 'skipped'} {_where(item)}: {item.reason}")
    if len(rejects) > SHOWN_REJECTS:
        print(f"  ... and {len(rejects) - SHOWN_REJECTS} more in {rejects_file}")
    return EXIT_REJECTS if rejects else EXIT_OK


def write_rejects(path: Path, rejects: list[tuple[str, object]]) -> None:
    """The run's rejects as JSONL, one `{"status", "path", "record", "reason"}` a line,
    replaced whole (a reader never sees half a list)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        for status, item in rejects:
            row = {"status": status, "path": item.path, "record": item.record}
            handle.write(json.dumps({**row, "reason": item.reason}, ensure_ascii=False) + "\n")
    os.replace(tmp, path)


def _where(item) -> str:
    return f"{item.path} {item.record}" if item.record else item.path


def _search(args: argparse.Namespace) -> int:
    from search.engine import Engine, IndexMissing
    from search.query import QueryError
    from web.payload import request_from_params, results_payload

    params = {**_query_params(args), "page": [args.page], "per_page": [args.per_page]}
    try:
        results = Engine(args.index).search(request_from_params(params))
    except (QueryError, ValueError, IndexMissing) as error:
        print(f"sifter: {error}", file=sys.stderr)
        return EXIT_ERROR
    payload = results_payload(results)
    if args.json:
        print(json.dumps(payload, ensure_ascii=False))
        return EXIT_OK
    print(
        f"{payload['total']} results for {payload['parsed_query'] or '(everything)'} "
        f"({payload['took_ms']} ms), page {payload['page']} of {payload['pages']}"
    )
    for note in payload["notes"]:
        print(f"note: {note}")
    if payload["suggestion"]:
        print(f"Did you mean: {payload['suggestion']}")
    for number, hit in enumerate(
        payload["hits"], start=(results.request.page - 1) * results.request.per_page + 1
    ):
        print(f"\n{number}. {hit['title']}  [{hit['lang']}] {hit['source']} {hit['date'] or ''}")
        print(f"   id {hit['id']}")
        print("   " + _plain(hit["snippet"]))
    for name, facet in payload["facets"].items():
        values = ", ".join(
            f"{'*' if v['selected'] else ''}{v['value']} ({v['count']})" for v in facet["values"]
        )
        print(f"\n{name}: {values or '-'}")
    return EXIT_OK


def _fields_help() -> str:
    from web.export import DEFAULT_FIELDS, FIELDS

    return f"comma-separated, from: {', '.join(FIELDS)} (default: {','.join(DEFAULT_FIELDS)})"


def _export(args: argparse.Namespace) -> int:
    """The same export as GET /api/export, written as it is read."""
    from search.engine import Engine, IndexMissing
    from search.query import QueryError
    from web.export import start_export

    params = {
        **_query_params(args),
        "collapse": ["true" if args.collapse else "false"],
        "format": [args.format],
        "fields": [args.fields],
    }
    try:
        export = start_export(Engine(args.index), params)
    except (QueryError, ValueError, IndexMissing) as error:
        print(f"sifter: {error}", file=sys.stderr)
        return EXIT_ERROR
    if args.output:
        # newline="": the CSV's own \r\n line ends are written as they are.
        with open(args.output, "w", encoding="utf-8", newline="") as out:
            for chunk in export.lines():
                out.write(chunk)
    else:
        for chunk in export.lines():
            sys.stdout.write(chunk)
    print(f"exported {export.walk.total} hits", file=sys.stderr)
    return EXIT_OK


def _plain(snippet_html: str) -> str:
    import html
    import re

    return html.unescape(re.sub(r"</?mark[^>]*>", "*", snippet_html))


def _extract(args: argparse.Namespace) -> int:
    from indexer.model import Failure
    from indexer.pipeline import process
    from indexer.read import list_files, read_file

    status = EXIT_OK
    for path in args.paths:
        files, failures = list_files(path)
        items = [*failures] + [item for file in files for item in read_file(file)]
        for item in items:
            result = item if isinstance(item, Failure) else process(item)
            if isinstance(result, Failure):
                status = EXIT_REJECTS
                print(f"sifter: {_where(result)}: {result.reason}", file=sys.stderr)
                continue
            print(
                json.dumps(extract_payload(result), ensure_ascii=False)
                if args.json
                else _extract_text(result)
            )
    return status


def extract_payload(doc) -> dict:
    """The stable JSON of `sifter extract --json`: one object per document."""
    date, kind = doc.dates.best
    return {
        "path": doc.path,
        "record": doc.record,
        "id": doc.id,
        "url": doc.url,
        "title": doc.title,
        "lang": doc.lang,
        "lang_confidence": doc.lang_confidence,
        "script": doc.script,
        "lang_mix": doc.lang_mix,
        "source": doc.source,
        "host": doc.host,
        "date": date,
        "date_kind": kind,
        "dates": asdict(doc.dates),
        "encoding": doc.encoding,
        "truncated": doc.truncated,
        "body": doc.body,
        "chrome": list(doc.chrome),
        "repairs": list(doc.repairs),
    }


def _extract_text(doc) -> str:
    data = extract_payload(doc)
    lines = [
        f"== {data['path']}{' ' + data['record'] if data['record'] else ''}",
        f"title:    {data['title']}",
        f"language: {data['lang']} ({data['lang_confidence']:.2f})"
        + (f" {data['script']}" if data["script"] else "")
        + f"  mix {data['lang_mix']}",
        f"source:   {data['source']}" + (f"  host {data['host']}" if data["host"] else ""),
        f"date:     {data['date'] or '-'}" + (f" ({data['date_kind']})" if data["date"] else ""),
        f"encoding: {data['encoding']}",
    ]
    lines += [f"repair:   {r}" for r in data["repairs"]]
    lines += [f"chrome:   {c}" for c in data["chrome"]]
    lines += ["", data["body"], ""]
    return "\n".join(lines)


def serve_threads(cores: int | None = None) -> int:
    """Worker threads for this machine: searches are CPU-bound under the GIL, so more
    threads than ~2 per core only queue; a few spare ones keep fast pages (health, static
    files) answering while slow searches run. Each thread keeps its own open searcher."""
    cores = cores or os.cpu_count() or 1
    return max(4, min(16, 2 * cores))


def waitress_options(threads: int | None = None) -> dict:
    """How `sifter serve` runs waitress (the tests' server uses the same)."""
    return {
        "threads": threads or serve_threads(),
        "ident": "sifter",  # the Server header
        "channel_timeout": 60,  # seconds a silent connection is kept
        "clear_untrusted_proxy_headers": True,
    }


def _serve(args: argparse.Namespace) -> int:
    import waitress

    from web.app import create_app

    options = waitress_options(args.threads)
    print(
        f"Sifter on http://{args.host}:{args.port}/ "
        f"(index {args.index}, {options['threads']} threads)",
        file=sys.stderr,
    )
    waitress.serve(create_app(args.index), host=args.host, port=args.port, **options)
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
