"""Benchmark-family cards: the one declaration of what the project knows about each ``tasks/<family>/``.

Each family folder holds a ``card.toml`` (TOML, not YAML: lm-eval parses every ``*.yaml`` under its include
path). A card lists the family's lm-eval tasks with their metrics and primary metric, its leaderboard columns
(and the seed column each replaces), what decontamination must exclude, the fields of the per-sample record the
leaderboard's sample view reads, how to prepare its offline caches and how to self-test it. Entry points are
``module:function`` strings resolved by the CLI, so this module (harness core) reads files and never imports a
task. The schema is documented in ``harness/README.md``; :func:`load_cards` validates it and names the file and
field of the first problem.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from nearcoder.harness.paths import tasks_dir

CARD_FILE = "card.toml"
RECORD_ROLES = ("text", "verdict", "reason", "log", "tests")
_ENTRY = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_]\w*$")


class CardError(ValueError):
    """A card is missing, unreadable or breaks the schema; the message names the file and the field."""


@dataclass(frozen=True)
class Metric:
    name: str
    higher_is_better: bool
    text: str = ""


@dataclass(frozen=True)
class Task:
    name: str
    family: str
    description: str
    metrics: tuple[str, ...]
    primary_metric: str
    group: bool = True  # listed in tasks/_near.yaml (the ``near`` group)
    not_on_leaderboard: tuple[str, ...] = ()  # metrics no column shows (still in the per-model view)
    why: str = ""


@dataclass(frozen=True)
class Column:
    """One leaderboard column: a metric of one or more tasks of a family (the mean over those present)."""

    col_name: str
    tasks: tuple[str, ...]
    metrics: tuple[str, ...]  # accepted spellings of the metric, first is canonical
    seed: bool  # one of the seed deck's eight columns
    description: str
    higher_is_better: bool = True
    replaces: str = ""  # the seed column this stronger measure replaces
    displayed: bool = True  # shown by default
    in_average: bool = True  # counted in "average (ours)"

    @property
    def metric(self) -> str:
        return self.metrics[0]


@dataclass(frozen=True)
class TextSource:
    """Texts decontamination excludes: fields of JSONL files in the family folder or the data mirror, or the
    whole mirror files a JSON listing names."""

    files: tuple[str, ...] = ()  # globs relative to the family folder
    mirror_files: tuple[str, ...] = ()  # paths relative to the data mirror
    fields: tuple[str, ...] = ()  # empty: every string field, however nested
    id_field: str = "id"
    source_field: str = ""  # a field naming a passage "<path>#<section>" to exclude as well
    sources_root: str = ""  # mirror folder the source paths are relative to
    listing: str = ""  # a JSON file {"corpus_root": ..., "files": [...]} in the family folder


@dataclass(frozen=True)
class Decontamination:
    set_name: str
    texts: tuple[TextSource, ...] = ()
    repository_files: tuple[str, ...] = ()  # globs of JSONL files whose ``repository_field`` names a repo
    repository_field: str = ""
    # TSV files (header line first) whose first column starts with a mirror folder the family drew from
    repository_folders: tuple[str, ...] = ()


@dataclass(frozen=True)
class Prepare:
    target: str  # ``nearcoder prepare TARGET``
    description: str
    entries: tuple[str, ...]  # ``module:function(log=callable)``, run in order
    needs: tuple[str, ...] = ()  # programs that must be on PATH


@dataclass(frozen=True)
class SelftestRun:
    name: str
    entry: str  # ``module:function``; returns an exit code (0: every reference behaved)
    args: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Selftest:
    command: str  # the ``nearcoder selftest COMMAND`` with the family's own options
    runs: tuple[SelftestRun, ...]


@dataclass(frozen=True)
class Card:
    family: str
    path: Path
    order: int
    summary: str
    tasks: dict[str, Task]
    metrics: dict[str, Metric]
    columns: tuple[Column, ...]
    decontamination: Decontamination | None = None
    record: dict[str, str] = field(default_factory=dict)  # role -> field of a logged JSON response
    prepare: Prepare | None = None
    selftest: Selftest | None = None

    @property
    def folder(self) -> Path:
        return self.path.parent


# ------------------------------------------------------------------------------------------------ reading


class _Reader:
    """Typed access to one table of a card, with errors that name the file and the dotted field."""

    def __init__(self, path: Path, table: dict, where: str = ""):
        self.path, self.table, self.where = path, table, where

    def fail(self, key: str, problem: str):
        raise CardError(f"{self.path}: field '{self._name(key)}': {problem}")

    def _name(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def get(self, key: str, kind, default=...):
        if key not in self.table:
            if default is ...:
                self.fail(key, "missing")
            return default
        value = self.table[key]
        if kind is tuple:
            if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
                self.fail(key, f"expected a list of non-empty strings, got {value!r}")
            return tuple(value)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            self.fail(key, f"expected {kind.__name__}, got {type(value).__name__} {value!r}")
        if kind is str and not value.strip():
            self.fail(key, "must not be empty")
        return value

    def sub(self, key: str, default=...) -> _Reader | None:
        table = self.get(key, dict, default)
        return None if table is None else _Reader(self.path, table, self._name(key))

    def subs(self, key: str) -> list[_Reader]:
        items = self.table.get(key, [])
        if not isinstance(items, list) or not all(isinstance(t, dict) for t in items):
            self.fail(key, "expected an array of tables ([[...]])")
        return [_Reader(self.path, t, f"{self._name(key)}[{i}]") for i, t in enumerate(items)]

    def unknown(self, allowed: set[str]) -> None:
        extra = sorted(set(self.table) - allowed)
        if extra:
            self.fail(extra[0], f"unknown field (allowed: {', '.join(sorted(allowed))})")

    def entry(self, key: str, value: str) -> str:
        if not _ENTRY.match(value):
            self.fail(key, f"{value!r} is not a 'package.module:function' entry point")
        return value


def _metric(r: _Reader, name: str) -> Metric:
    r.unknown({"higher_is_better", "text"})
    return Metric(name, r.get("higher_is_better", bool), r.get("text", str, ""))


def _task(r: _Reader, name: str, family: str, metrics: dict[str, Metric]) -> Task:
    r.unknown({"description", "metrics", "primary_metric", "group", "not_on_leaderboard", "why"})
    task_metrics = r.get("metrics", tuple)
    for m in task_metrics:
        if m not in metrics:
            r.fail("metrics", f"metric {m!r} has no [metrics.{m!r}] table")
    primary = r.get("primary_metric", str)
    if primary not in task_metrics:
        r.fail("primary_metric", f"{primary!r} is not one of the task's metrics {list(task_metrics)}")
    hidden = r.get("not_on_leaderboard", tuple, ())
    if set(hidden) - set(task_metrics):
        r.fail("not_on_leaderboard", f"{sorted(set(hidden) - set(task_metrics))} are not metrics of the task")
    why = r.get("why", str, "")
    if hidden and not why:
        r.fail("why", "say why the metrics in not_on_leaderboard have no column")
    return Task(name, family, r.get("description", str), task_metrics, primary, r.get("group", bool, True),
                hidden, why)


def _column(r: _Reader, tasks: dict[str, Task], metrics: dict[str, Metric]) -> Column:
    r.unknown({"name", "tasks", "metrics", "seed", "replaces", "description", "displayed", "in_average"})
    name = r.get("name", str)
    col_tasks = r.get("tasks", tuple)
    for t in col_tasks:
        if t not in tasks:
            r.fail("tasks", f"{t!r} is not a task of this card")
    spellings = r.get("metrics", tuple)
    canonical = spellings[0]
    if canonical not in metrics:
        r.fail("metrics", f"the first (canonical) metric {canonical!r} has no [metrics.{canonical!r}] table")
    for t in col_tasks:
        if canonical not in tasks[t].metrics:
            r.fail("metrics", f"task {t!r} does not report {canonical!r}")
    seed = r.get("seed", bool, False)
    replaces = r.get("replaces", str, "")
    if seed and replaces:
        r.fail("replaces", "a seed column replaces nothing")
    higher = metrics[canonical].higher_is_better
    return Column(name, col_tasks, spellings, seed, r.get("description", str), higher, replaces,
                  r.get("displayed", bool, True), r.get("in_average", bool, not seed and higher))


def _text_source(r: _Reader) -> TextSource:
    r.unknown({"files", "mirror_files", "fields", "id_field", "source_field", "sources_root", "listing"})
    src = TextSource(r.get("files", tuple, ()), r.get("mirror_files", tuple, ()), r.get("fields", tuple, ()),
                     r.get("id_field", str, "id"), r.get("source_field", str, ""), r.get("sources_root", str, ""),
                     r.get("listing", str, ""))
    if sum(map(bool, (src.files, src.mirror_files, src.listing))) != 1:
        r.fail("files", "give exactly one of files, mirror_files, listing")
    return src


def _decontamination(r: _Reader, family: str) -> Decontamination:
    r.unknown({"set", "texts", "repositories"})
    repos = r.sub("repositories", None)
    repo_files, repo_field, repo_folders = (), "", ()
    if repos is not None:
        repos.unknown({"files", "field", "folders"})
        repo_files, repo_field = repos.get("files", tuple), repos.get("field", str)
        repo_folders = repos.get("folders", tuple, ())
    return Decontamination(r.get("set", str, family), tuple(_text_source(t) for t in r.subs("texts")),
                           repo_files, repo_field, repo_folders)


def _prepare(r: _Reader) -> Prepare:
    r.unknown({"target", "description", "entries", "needs"})
    entries = r.get("entries", tuple)
    for e in entries:
        r.entry("entries", e)
    return Prepare(r.get("target", str), r.get("description", str), entries, r.get("needs", tuple, ()))


def _selftest(r: _Reader) -> Selftest:
    r.unknown({"command", "runs"})
    runs = []
    for run in r.subs("runs"):
        run.unknown({"name", "entry", "args"})
        runs.append(SelftestRun(run.get("name", str), run.entry("entry", run.get("entry", str)),
                                dict(run.get("args", dict, {}))))
    if not runs:
        r.fail("runs", "list at least one run")
    return Selftest(r.get("command", str), tuple(runs))


def read_card(path: Path) -> Card:
    """Parse and validate one ``card.toml``; raises :class:`CardError` naming the file and field."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise CardError(f"{path}: not a readable TOML card ({exc})") from exc
    r = _Reader(Path(path), data)
    r.unknown({"family", "order", "summary", "tasks", "metrics", "columns", "decontamination", "record",
               "prepare", "selftest"})
    family = r.get("family", str)
    if family != Path(path).parent.name:
        r.fail("family", f"{family!r} must equal the folder name {Path(path).parent.name!r}")
    metrics_r = r.sub("metrics")
    metrics = {name: _metric(metrics_r.sub(name), name) for name in metrics_r.table}
    tasks_r = r.sub("tasks")
    if not tasks_r.table:
        r.fail("tasks", "declare at least one task")
    tasks = {name: _task(tasks_r.sub(name), name, family, metrics) for name in tasks_r.table}
    columns = tuple(_column(c, tasks, metrics) for c in r.subs("columns"))
    record_r = r.sub("record", None)
    record = {}
    if record_r is not None:
        record_r.unknown(set(RECORD_ROLES))
        record = {role: record_r.get(role, str) for role in record_r.table}
    decon = r.sub("decontamination", None)
    prep = r.sub("prepare", None)
    self_r = r.sub("selftest", None)
    return Card(family, Path(path), r.get("order", int), r.get("summary", str), tasks, metrics, columns,
                _decontamination(decon, family) if decon else None, record,
                _prepare(prep) if prep else None, _selftest(self_r) if self_r else None)


# ------------------------------------------------------------------------------------------------ registry


@lru_cache(maxsize=8)
def _load(root: Path) -> tuple[Card, ...]:
    cards = [read_card(p) for p in sorted(root.glob(f"*/{CARD_FILE}"))]
    if not cards:
        raise CardError(f"{root}: no */{CARD_FILE} found")
    seen_tasks: dict[str, Path] = {}
    seen_cols: dict[str, Path] = {}
    seen_targets: dict[str, Path] = {}
    higher: dict[str, tuple[bool, Path]] = {}
    for card in cards:
        for name in card.tasks:
            if name in seen_tasks:
                raise CardError(f"{card.path}: task {name!r} is also declared in {seen_tasks[name]}")
            seen_tasks[name] = card.path
        for col in card.columns:
            if col.col_name in seen_cols:
                raise CardError(f"{card.path}: column {col.col_name!r} is also declared in {seen_cols[col.col_name]}")
            seen_cols[col.col_name] = card.path
        for m in card.metrics.values():
            prev = higher.setdefault(m.name, (m.higher_is_better, card.path))
            if prev[0] != m.higher_is_better:
                raise CardError(f"{card.path}: field 'metrics.{m.name}.higher_is_better' disagrees with {prev[1]}")
        if card.prepare:
            if card.prepare.target in seen_targets or card.prepare.target == "all":
                raise CardError(f"{card.path}: field 'prepare.target': {card.prepare.target!r} is taken")
            seen_targets[card.prepare.target] = card.path
    seeds = {c.col_name for card in cards for c in card.columns if c.seed}
    for card in cards:
        for col in card.columns:
            if col.replaces and col.replaces not in seeds:
                raise CardError(f"{card.path}: column {col.col_name!r} replaces {col.replaces!r}, not a seed column")
    return tuple(sorted(cards, key=lambda c: (c.order, c.family)))


def load_cards(root: Path | None = None) -> tuple[Card, ...]:
    """Every family's card under ``root`` (default: the installed tasks folder), validated, in card order."""
    return _load(Path(root or tasks_dir()).resolve())


def tasks(root: Path | None = None) -> dict[str, Task]:
    """Every declared task by name."""
    return {name: t for card in load_cards(root) for name, t in card.tasks.items()}


def task_card(name: str, root: Path | None = None) -> Card:
    """The card that declares task ``name``; :class:`KeyError` naming the known tasks otherwise."""
    for card in load_cards(root):
        if name in card.tasks:
            return card
    raise KeyError(f"no card declares the task {name!r} (known: {', '.join(tasks(root))})")


def primary_metric(task: str, root: Path | None = None) -> tuple[str, bool]:
    """(the task's primary metric, whether higher is better)."""
    card = task_card(task, root)
    metric = card.tasks[task].primary_metric
    return metric, card.metrics[metric].higher_is_better


def primary_metric_or_none(task: str, root: Path | None = None) -> tuple[str, bool] | None:
    """:func:`primary_metric`, or None for a task no card declares (a user's own task in a gate run)."""
    try:
        return primary_metric(task, root)
    except KeyError:
        return None


def group_tasks(root: Path | None = None) -> list[str]:
    """The tasks of the ``near`` group (``tasks/_near.yaml`` must list exactly these)."""
    return [name for name, t in tasks(root).items() if t.group]


def leaderboard_columns(root: Path | None = None) -> tuple[Column, ...]:
    """Every leaderboard column: the seed's columns first, then the project's own, each in card order."""
    columns = [c for card in load_cards(root) for c in card.columns]
    return tuple([c for c in columns if c.seed] + [c for c in columns if not c.seed])


def metric_texts(root: Path | None = None) -> dict[str, str]:
    """Metric name -> its explanation (first card that explains it)."""
    texts: dict[str, str] = {}
    for card in load_cards(root):
        for m in card.metrics.values():
            if m.text:
                texts.setdefault(m.name, m.text)
    return texts


def prepare_targets(root: Path | None = None) -> dict[str, Prepare]:
    """``nearcoder prepare`` target -> what it runs, in card order."""
    return {card.prepare.target: card.prepare for card in load_cards(root) if card.prepare}
