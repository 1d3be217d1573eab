"""Run the notebooks and publish their executed copies and HTML, all or nothing.

Everything is built in a staging folder beside the output folder; the output folder is
replaced only when every notebook ran and exported. A failed run leaves the last published
reports as they were and keeps the staging folder for diagnosis.
"""

import shutil
import tempfile
import time
from pathlib import Path

from analysis.data import parse_as_of, validate_data
from analysis.errors import ParameterError
from analysis.paths import NOTEBOOKS_DIR, REPORTS_DIR, shown_path


class ReportError(RuntimeError):
    """A notebook failed; the message says which and where its executed copy was kept."""


def notebook_paths(only=None, notebooks_dir=NOTEBOOKS_DIR):
    """The notebooks to run, in name order; ``only`` restricts them to the names given."""
    found = {path.stem: path for path in sorted(Path(notebooks_dir).glob("*.ipynb"))}
    unknown = sorted(set(only or ()) - set(found))
    if unknown:
        raise ParameterError("only", unknown, ", ".join(found))
    return [path for name, path in found.items() if not only or name in only]


def build_reports(as_of=None, out=REPORTS_DIR, only=None, log=print):
    """Run each notebook with papermill, export it to HTML, then publish the lot.

    Parameters are checked and the data validated before any kernel starts. Returns the
    published folder.
    """
    parse_as_of(as_of)
    notebooks = notebook_paths(only)
    validate_data()
    import nbformat
    import papermill
    from nbconvert import HTMLExporter

    out = Path(out).resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-build-", dir=out.parent))
    exporter = HTMLExporter(
        template_name="lab", exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True
    )
    parameters = {} if as_of is None else {"as_of": str(as_of)}
    for notebook in notebooks:
        started = time.perf_counter()
        executed = staging / notebook.name
        try:
            papermill.execute_notebook(
                str(notebook), str(executed), parameters=parameters, cwd=str(notebook.parent), progress_bar=False
            )
        except papermill.PapermillExecutionError as error:
            raise ReportError(
                f"{notebook.stem} failed ({error.ename}: {error.evalue}); executed copy kept at "
                f"{shown_path(executed)}; published reports left unchanged"
            ) from None
        body, _ = exporter.from_notebook_node(nbformat.read(executed, as_version=4))
        executed.with_suffix(".html").write_text(body, encoding="utf-8")
        log(f"{notebook.stem}: ok in {time.perf_counter() - started:.1f} s")
    publish(staging, out)
    return out


def publish(staging, out):
    """Swap the finished staging folder in for ``out`` by renaming, never by copying."""
    staging.chmod(0o755)  # mkdtemp makes it private; published reports are for readers
    retired = out.with_name(f".{out.name}-retired")
    shutil.rmtree(retired, ignore_errors=True)
    if out.exists():
        out.rename(retired)
    staging.rename(out)
    shutil.rmtree(retired, ignore_errors=True)
