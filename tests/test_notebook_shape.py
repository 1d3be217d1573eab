"""Every notebook has one shape: sections that end with their chart or table and the sentence on it.

A reader meets each section the same way: a heading (and a line of context), perhaps a
generated paragraph, then the section's one chart or table, then the one sentence that says
what it shows, never a sentence floating before its output. A chart or a table is what a
function imported from ``analysis.charts``, ``analysis.tables`` or ``analysis.explorer_page``
makes. Logic lives in ``analysis``, so a notebook's cells only load, call and show: no
function, class or loop of their own. The test reads every notebook in ``notebooks/``, so a
new one is held to the same shape.

A section is what a ``## `` heading starts; the page head above the first one (the ``#``
title, the parameters, the headline and the introduction) is the report's own.
"""

import ast

import nbformat
import pytest

from analysis.paths import NOTEBOOKS_DIR

NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
LOGIC = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda, ast.For, ast.AsyncFor, ast.While)

DRAWING_MODULES = ("analysis.charts", "analysis.tables", "analysis.explorer_page")  # what draws a chart or table


def sections(cells):
    """The cells of each ``## `` section, heading first, in order (the page head left out)."""
    found = []
    for cell in cells:
        if cell.cell_type == "markdown" and cell.source.lstrip().startswith("## "):
            found.append([cell])
        elif found:
            found[-1].append(cell)
    return found


def output_makers(cells):
    """The names a notebook imports from DRAWING_MODULES: what draws a chart or a table."""
    names = set()
    for cell in cells:
        if cell.cell_type == "code":
            for node in ast.walk(ast.parse(cell.source)):
                if isinstance(node, ast.ImportFrom) and node.module in DRAWING_MODULES:
                    names |= {alias.asname or alias.name for alias in node.names}
    return names


def shows_output(cell, makers):
    """Whether a code cell ends by showing a chart or table (a call to one of ``makers`` in its last expression)."""
    body = ast.parse(cell.source).body
    if not body or not isinstance(body[-1], ast.Expr):
        return False
    calls = [node.func for node in ast.walk(body[-1]) if isinstance(node, ast.Call)]
    return any(isinstance(func, ast.Name) and func.id in makers for func in calls)


def shape_problems(cells):
    """What breaks the shape in a notebook's cells, as text (empty: none)."""
    problems, makers = [], output_makers(cells)
    for section in sections(cells):
        heading = section[0].source.strip().splitlines()[0]
        body = section[1:]
        kinds = [cell.cell_type for cell in body]
        if len(body) < 2 or kinds[-2:] != ["code", "markdown"]:
            problems.append(f"{heading}: does not end with a code cell and then a Markdown sentence")
            continue
        if "markdown" in kinds[:-1]:
            problems.append(f"{heading}: a Markdown cell stands between its outputs (a sentence before its output)")
        closing = body[-1].source.strip()
        if not closing.endswith((".", ".)", '."')) or closing.startswith("#"):
            problems.append(f"{heading}: the closing Markdown cell is not a sentence: {closing[:60]!r}")
        outputs = [cell for cell in body if cell.cell_type == "code" and shows_output(cell, makers)]
        if len(outputs) != 1 or outputs[0] is not body[-2]:
            problems.append(
                f"{heading}: {len(outputs)} charts or tables; a section shows one, last, before its sentence"
            )
    for cell in cells:
        if cell.cell_type == "code":
            logic = sorted(
                {type(node).__name__ for node in ast.walk(ast.parse(cell.source)) if isinstance(node, LOGIC)}
            )
            if logic:
                problems.append(f"code cell {cell.get('id', '?')}: logic belongs in analysis ({', '.join(logic)})")
    return problems


def test_there_are_notebooks_to_check():
    assert len(NOTEBOOKS) >= 4


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_section_ends_with_its_output_and_the_sentence_on_it(path):
    notebook = nbformat.read(path, as_version=4)
    assert sections(notebook.cells), "no ## section"
    assert shape_problems(notebook.cells) == []


def _cells(*cells):
    return [
        nbformat.v4.new_markdown_cell(source[3:]) if source.startswith("md:") else nbformat.v4.new_code_cell(source)
        for source in cells
    ]


IMPORTS = "from analysis.charts import chart\nfrom analysis.tables import table"


def test_the_shape_check_finds_each_kind_of_break():
    good = _cells("md:# Title", IMPORTS, "md:## A section\n\nContext.", "story(x)", "chart(x)", "md:What it shows.")
    assert shape_problems(good) == []
    before = _cells(IMPORTS, "md:## A section", "md:What the chart shows.", "chart(x)")
    assert shape_problems(before) == ["## A section: does not end with a code cell and then a Markdown sentence"]
    between = _cells(IMPORTS, "md:## A section", "chart(x)", "md:About the chart.", "table(x)", "md:About the table.")
    assert "## A section: a Markdown cell stands between its outputs (a sentence before its output)" in shape_problems(
        between
    )
    silent = _cells(IMPORTS, "md:## A section", "y = chart(x)", "md:What it shows.")
    assert "0 charts or tables" in shape_problems(silent)[0]
    two = _cells(IMPORTS, "md:## A section", "chart(x)", "table(x) if x else story(x)", "md:What they show.")
    assert "2 charts or tables" in shape_problems(two)[0]
    logic = _cells(IMPORTS, "md:## A section", "def f():\n    return 1\n\nf()", "chart(x)", "md:What it shows.")
    assert "logic belongs in analysis (FunctionDef)" in shape_problems(logic)[0]
