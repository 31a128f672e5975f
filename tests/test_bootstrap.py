"""The start-up step: create_app() changes nothing, the bootstrap step does everything once,
two processes bootstrapping one database at once leave it consistent, nothing is written
into the source tree, and no module of dsar/ imports one that imports it back."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import create_engine, inspect, select

from dsar import create_app
from dsar.bootstrap import bootstrap
from dsar.config import load_settings
from dsar.db import make_engine, make_session_factory
from dsar.directory.models import Organisation
from dsar.directory.services import curated_records

ROOT = Path(__file__).resolve().parent.parent


def test_create_app_does_not_migrate_or_seed(tmp_path, databases):
    url = databases.url(tmp_path / "empty.sqlite3")
    app = create_app({"DSAR_INSTANCE_PATH": str(tmp_path), "DSAR_DATABASE_URL": url, "DSAR_SECRET_KEY": "x"})
    app.extensions["dsar_engine"].dispose()
    engine = create_engine(url)
    assert inspect(engine).get_table_names() == []
    engine.dispose()
    assert not (tmp_path / "catalogs").exists()


def test_bootstrap_migrates_seeds_and_compiles_once(tmp_path, databases):
    settings = load_settings({"DSAR_INSTANCE_PATH": str(tmp_path), "DSAR_SECRET_KEY": "x",
                              "DSAR_DATABASE_URL": databases.url(tmp_path / "dsar.sqlite3")})
    first = bootstrap(settings)
    assert first.directory_records_changed == len(curated_records())
    assert first.catalogs_compiled == 2  # the Welsh and German interface
    assert (settings.compiled_catalogs / "cy" / "LC_MESSAGES" / "messages.mo").is_file()
    second = bootstrap(settings)
    assert (second.directory_records_changed, second.catalogs_compiled) == (0, 0)


def test_two_processes_bootstrapping_at_once_leave_one_consistent_database(tmp_path, databases):
    # Two real processes, started together on one new database: without the lock (a file
    # lock on SQLite, an advisory lock on PostgreSQL) both would create the tables and one
    # would fail with "table already exists".
    url = databases.url(tmp_path / "dsar.sqlite3")
    env = {**os.environ, "DSAR_INSTANCE_PATH": str(tmp_path), "DSAR_SECRET_KEY": "x",
           "DSAR_DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, str(ROOT / "run.py"), "db", "upgrade"]
    processes = [subprocess.Popen(command, env=env, cwd=tmp_path, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [p.communicate(timeout=120) + (p.returncode,) for p in processes]
    assert [code for _out, _err, code in results] == [0, 0], results
    changed = sorted(int(out.split("directory records changed\t")[1].split()[0])
                     for out, _err, _code in results)
    assert changed == [0, len(curated_records())]  # one seeded, the other found it done
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        slugs = session.scalars(select(Organisation.slug)).all()
    engine.dispose()
    assert len(slugs) == len(set(slugs)) == len(curated_records())


def test_nothing_is_written_into_the_source_tree(tmp_path, make_request, databases):
    from dsar.letters.compose import compose
    from dsar.letters.text import render_text

    started = time.time() - 1
    bootstrap(load_settings({"DSAR_INSTANCE_PATH": str(tmp_path), "DSAR_SECRET_KEY": "x",
                             "DSAR_DATABASE_URL": databases.url(tmp_path / "dsar.sqlite3")}))
    render_text(compose(make_request(locale="cy")))
    written = [p for folder in ("dsar", "letters", "templates", "static")
               for p in (ROOT / folder).rglob("*")
               if p.is_file() and "__pycache__" not in p.parts and p.stat().st_mtime > started]
    assert written == []
    assert list(ROOT.glob("dsar/**/*.mo")) + list(ROOT.glob("letters/**/*.mo")) == []


def _module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, root: Path, modules: set[str]) -> set[str]:
    """Every module of ``modules`` that ``path`` imports, at the top or inside a function."""
    name = _module_name(path, root)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name in modules}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([node.module] if node.module else []))
            for alias in node.names:
                if f"{base}.{alias.name}" in modules:
                    found.add(f"{base}.{alias.name}")
                elif base in modules:
                    found.add(base)
    return found - {name}


def find_import_cycles(package_dir: Path) -> list[list[str]]:
    root = package_dir.parent
    paths = {_module_name(p, root): p for p in package_dir.rglob("*.py")}
    graph = {name: _imports(path, root, set(paths)) for name, path in paths.items()}
    cycles, done = [], set()

    def visit(name: str, trail: list[str]) -> None:
        if name in trail:
            cycles.append(trail[trail.index(name):] + [name])
            return
        if name in done:
            return
        for target in sorted(graph[name]):
            visit(target, trail + [name])
        done.add(name)

    for name in sorted(graph):
        visit(name, [])
    return cycles


def test_no_module_imports_one_that_imports_it_back():
    cycles = find_import_cycles(ROOT / "dsar")
    assert cycles == [], "\n".join(" → ".join(c) for c in cycles)


def test_the_cycle_finder_finds_a_cycle(tmp_path):
    package = tmp_path / "dsar"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sub" / "__init__.py").write_text("")
    (package / "a.py").write_text("from dsar.sub import b\n")
    (package / "sub" / "b.py").write_text("def f():\n    from .. import a\n")
    assert find_import_cycles(package) == [["dsar.a", "dsar.sub.b", "dsar.a"]]
