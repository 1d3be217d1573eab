"""The site around the pages: pages put in place, snapshot links, index.html and manifest.json."""

import json
import re
import shutil
from collections.abc import Container, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from analysis.files import write_atomic
from analysis.hashing import content_hash
from analysis.paths import DATA_DIR, NOTEBOOKS_DIR, PROJECT_ROOT, TABLES, TEMPLATES_DIR
from analysis.report.html import build_time, notebook_heading, reader_params
from analysis.report.outfolder import in_published_order
from analysis.report.plan import Page


def place_pages(
    pages: Sequence[tuple[Page, str]], cache: Path, staging: Path, keys: Container[str] | None = None
) -> None:
    """Copy each page's files from the cache into place; snapshot pages get links to their neighbours.

    ``keys``: only the pages of these units (a run places each unit's pages as soon as it is
    stored, while the others still run); the links are to all of ``pages``.
    Weekly snapshots share units and a page is over a megabyte: a snapshot page's text is read
    and its links retargeted once per unit and set of reports beside it, not once per date, and
    is written as bytes around the date's own line.
    """
    names: dict[str, set[str]] = {}
    for page, _ in pages:
        names.setdefault(page.folder, set()).add(page.unit.name)
    folders, built = sorted(names), {folder: frozenset(present) for folder, present in names.items()}
    retargeted: dict[tuple[str, frozenset[str]], tuple[bytes, bytes]] = {}
    for page, key in pages:
        if keys is not None and key not in keys:
            continue
        target = staging / page.folder
        target.mkdir(parents=True, exist_ok=True)
        name = page.unit.name
        shutil.copyfile(cache / key / f"{name}.ipynb", target / f"{name}.ipynb")
        if not page.folder:
            shutil.copyfile(cache / key / f"{name}.html", target / f"{name}.html")
            continue
        present = built[page.folder]
        if (key, present) not in retargeted:
            body = link_within_snapshot((cache / key / f"{name}.html").read_text(encoding="utf-8"), present)
            head, main, tail = body.encode().partition(MAIN)
            retargeted[key, present] = (head + main, tail)
        head, tail = retargeted[key, present]
        with (target / f"{name}.html").open("wb") as html:
            html.writelines([head, snapshot_nav(name, page, folders).encode() if tail else b"", tail])


MAIN = b"<main>"  # a snapshot page's own line goes first inside it


def snapshot_nav(name: str, page: Page, folders: list[str]) -> str:
    """A line at the top of a snapshot page: which date it shows, and its previous and next snapshot."""
    index = folders.index(page.folder)
    links = ['<a href="../index.html">all snapshots</a>']
    if index > 0:
        links.insert(0, f'<a href="../{folders[index - 1]}/{name}.html" rel="prev">← {folders[index - 1]}</a>')
    if index < len(folders) - 1:
        links.append(f'<a href="../{folders[index + 1]}/{name}.html" rel="next">{folders[index + 1]} →</a>')
    return (
        f'\n<nav class="snapshot-nav" aria-label="Snapshots"><p>Snapshot of {page.folder}: the record as it stood on '
        f"{page.record_as_of}. {' · '.join(links)}</p></nav>"
    )


def link_within_snapshot(body: str, present: Container[str]) -> str:
    """A snapshot page's links to other reports stay in its folder where that report was built
    (``present``: their names); the others, and the index, lead to the index of all snapshots."""

    def retarget(match: re.Match[str]) -> str:
        return match.group(0) if match.group(1) in present else 'href="../index.html"'

    return re.sub(r'href="([\w-]+)\.html"', retarget, body)


def citation() -> str:
    """How to cite, from CITATION.cff (the one place it is written)."""
    cff = yaml.safe_load((PROJECT_ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    authors = "; ".join(author.get("name", "") for author in cff.get("authors", []))
    return f"{authors}. {cff['title']}, version {cff['version']}. Code MIT, data CC BY 4.0."


def table_rows(data_dir: str | Path = DATA_DIR) -> dict[str, dict[str, str]]:
    """Each table's rows as {primary key: hash of the row's text}, to see what changed between runs."""
    from analysis.csvfile import read_csv

    tables: dict[str, dict[str, str]] = {}
    for name in sorted(TABLES):
        rows = read_csv(Path(data_dir) / f"{name}.csv").rows
        tables[name] = {row[0]: content_hash(*row) for row in rows}
    return tables


def data_changes(
    previous: Mapping[str, Mapping[str, str]], current: Mapping[str, Mapping[str, str]]
) -> dict[str, dict[str, int]]:
    """Rows added, changed and removed per table, between two manifests' row hashes."""
    changes: dict[str, dict[str, int]] = {}
    for table in sorted(set(previous) | set(current)):
        old, new = previous.get(table, {}), current.get(table, {})
        changes[table] = {
            "added": len(new.keys() - old.keys()),
            "removed": len(old.keys() - new.keys()),
            "changed": sum(1 for key in new.keys() & old.keys() if new[key] != old[key]),
        }
    return changes


def write_index(
    staging: Path,
    pages: Sequence[tuple[Page, str]],
    cache: Path,
    data_hash: str,
    versions: Mapping[str, str],
    counts: Mapping[str, int] | None,
    out: Path,
    kept: Sequence[dict[str, Any]] = (),
) -> None:
    """index.html and manifest.json for the run, comparing the data with the last published run."""
    try:
        last = json.loads((out / "manifest.json").read_text())
        previous = last["data"]
        previous["version"], previous["rows"]  # noqa: B018  (a manifest of this format)
    except (OSError, ValueError, KeyError, TypeError):  # first run, or an unreadable manifest: nothing to compare
        last, previous = None, None
    rows = table_rows()
    if previous is None:
        changes, since = None, None
    elif previous["version"] == data_hash:  # same data: keep describing its last change
        changes, since = previous["changes"], previous["since"]
    else:
        changes, since = data_changes(previous["rows"], rows), previous["version"]
    reports = []
    # A report's title and summary are its notebook's first heading and paragraph, which its
    # source holds as the executed notebook does: read once per notebook, not once per unit
    # (a weekly backfill's executed notebooks come to tens of megabytes, read after the last unit).
    headings: dict[str, tuple[str, str]] = {}
    seconds: dict[str, float] = {}  # per unit: the dates that share one share its run
    for page, key in pages:
        unit, prefix = page.unit, f"{page.folder}/" if page.folder else ""
        if unit.notebook not in headings:
            source = json.loads((NOTEBOOKS_DIR / f"{unit.notebook}.ipynb").read_text(encoding="utf-8"))
            headings[unit.notebook] = notebook_heading(source["cells"])
        if key not in seconds:
            seconds[key] = json.loads((cache / key / "run.json").read_text())["seconds"]
        title, summary = headings[unit.notebook]
        reports.append(
            {
                "name": unit.name,
                "notebook": unit.notebook,
                "snapshot": page.folder,
                "record_as_of": page.record_as_of,
                "title": title,
                "summary": summary,
                "parameters": unit.parameters,
                "seconds": seconds[key],
                "result": "ok",  # only successful runs publish; reuse shows in the run's summary, not here
                "key": key,
                "html": f"{prefix}{unit.name}.html",
                "notebook_file": f"{prefix}{unit.name}.ipynb",
            }
        )
    reports = in_published_order(out, [*reports, *kept])
    from analysis.feed import write_feed

    manifest = {
        "data": {"version": data_hash, "rows_per_table": counts, "rows": rows, "changes": changes, "since": since},
        "versions": versions,
        "reports": reports,
        "feed": write_feed(staging, last, rows, data_hash, DATA_DIR),  # feed.xml: the rows each publish changed
    }
    (staging / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    index = render_index(reports, data_hash, versions, counts, changes, since, record_currency(cache, data_hash))
    (staging / "index.html").write_text(index, encoding="utf-8")


def record_currency(cache: Path, data_hash: str) -> dict[str, str | None]:
    """How current the published record is: its latest dated entry and latest source, and the build time.

    The facts depend on the data only, so they are kept in the cache under the data's version:
    a run that changes nothing then reads a small file instead of importing pandas.
    """
    stored = cache / f"record-currency-{data_hash}.json"
    try:
        facts = json.loads(stored.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        facts = currency_of_record()
        cache.mkdir(parents=True, exist_ok=True)
        write_atomic(stored, json.dumps(facts, sort_keys=True))
    return {**facts, "built": build_time()}


def currency_of_record() -> dict[str, str | None]:
    """The record's latest dated entry and latest source, in words, with the source's address.

    Read without validating again: a run works these out only after it validated the data
    (``load_table`` would check each table once more, a fifth of a second of the run's CPU).
    """
    from analysis.data import read_validated_table
    from analysis.story import currency_facts
    from analysis.text import safe_url

    names = ("sources", "actors", "force_size", "pledges", "events")
    facts = currency_facts({name: read_validated_table(name) for name in names})
    return {**facts, "source_url": safe_url(facts.get("source_url"))}


def render_index(
    reports: Sequence[Mapping[str, Any]],
    data_hash: str,
    versions: Mapping[str, str],
    counts: Mapping[str, int] | None,
    changes: Mapping[str, Any] | None,
    since: str | None,
    currency: Mapping[str, str | None] | None = None,
) -> str:
    """A plain, script-free page listing the run's reports (and snapshots) and what changed in the data."""
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR), autoescape=True, keep_trailing_newline=True
    )
    latest: dict[str, dict[str, Any]] = {}
    for report in reports:  # one entry per report, from its latest snapshot
        latest[report["name"]] = {**report, "parameters_text": reader_params(report["parameters"])}
    snapshots: dict[str, dict[str, Any]] = {}
    for report in reports:
        if report["snapshot"]:
            snapshots.setdefault(
                report["snapshot"], {"date": report["snapshot"], "record_as_of": report["record_as_of"], "links": []}
            )
            snapshots[report["snapshot"]]["links"].append(report)
    return environment.get_template("index.html.j2").render(
        reports=list(latest.values()),
        snapshots=list(snapshots.values()),
        data_version=data_hash,
        versions=versions,
        counts=counts,
        changes=changes,
        since=since,
        citation=citation(),
        currency=currency or {},
        explorer_html=latest.get("explorer", {}).get("html"),  # None when this site has no explorer
        table_names={
            "force_size": "force sizes",
            **{t: t for t in ("sources", "actors", "pledges", "events", "claims")},
        },
    )
