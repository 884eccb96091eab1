"""The monitoring run as SQL over the files, in one pass per window and bounded memory.

Each window is read by one ``SELECT`` of aggregates: the row count, the empty ids, for
every numeric column its empty, NaN and infinite values and its count in each frozen bin
(on DuckDB one native ``histogram``, exact, see :func:`gate.monitor.engines.bin_counts_of`;
on Spark the count below each inner edge, whose differences are the bins), for every
categorical input the count of each frozen category and of empty values, the first and
last prediction day; and its ids once more, by a ``COUNT(DISTINCT)`` of its own that
DuckDB can spill to disk, so memory stays within ``--memory-limit`` however many rows there
are. Approval by group is one ``GROUP BY`` per protected attribute. Only the matured
outcomes joined to their predictions (score, outcome, approval, groups, override) are
fetched into Python, in id order, for AUC, KS and calibration.

The queries use ``CASE``, ``SUM``, ``COUNT``, ``COUNT(DISTINCT)``, ``MIN``, ``MAX``,
``TRY_CAST``, ``date_trunc`` and a join, which DuckDB and Spark SQL run alike
(:mod:`gate.monitor.engines`); the figures come from integer counts through the same code
as the in-memory path (:func:`gate.monitor.run.assemble`), so they are equal to it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from gate.monitor import run
from gate.monitor.engines import Schema, SqlEngine, bin_counts_of
from gate.monitor.plan import Plan
from gate.monitor.tables import (
    STRING,
    TIME,
    Table,
    bad_column,
    check_same_shape,
    duplicate_ids,
    empty_ids,
    empty_window,
    not_finite,
)

BASELINE, CURRENT, OUTCOMES = "mrm_baseline", "mrm_current", "mrm_outcomes"


@dataclass
class Window:
    """One file seen through the engine: its view, label and column kinds."""

    engine: SqlEngine
    view: str
    label: str
    schema: Schema
    alias: str = ""

    def table(self) -> Table:
        """A column catalogue only, for the shape and presence checks."""
        return Table(self.label, 0, {k: kind for k, (kind, _) in self.schema.items()}, None)

    def col(self, name: str) -> str:
        prefix = f"{self.alias}." if self.alias else ""
        return prefix + self.engine.ident(name)

    def text(self, name: str) -> str:
        if self.schema[name][0] == STRING:
            return self.col(name)
        return f"CAST({self.col(name)} AS {self.engine.string_type})"

    def blank(self, name: str) -> str:
        return f"COALESCE({self.text(name)}, '') = ''"

    def num(self, name: str) -> str:
        return self.col(name) if self.schema[name][1] else f"CAST({self.col(name)} AS DOUBLE)"

    def stamp(self, name: str) -> str:
        if self.schema[name][0] == TIME:
            return self.col(name)
        return f"TRY_CAST({self.col(name)} AS TIMESTAMP)"

    def group(self, name: str) -> str:
        return f"CASE WHEN {self.blank(name)} THEN NULL ELSE {self.text(name)} END"


def count_if(condition: str) -> str:
    return f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END)"


def _double(x: float) -> str:
    return f"CAST({float(x)!r} AS DOUBLE)"


@dataclass
class Scan:
    """Aggregates gathered for one ``SELECT`` over one window; each ``add`` returns a
    getter for its value once the scan has run."""

    window: Window
    exprs: list[str] = field(default_factory=list)
    values: list[Any] = field(default_factory=list)

    def add(self, expr: str) -> Callable[[], int]:
        i = len(self.exprs)
        self.exprs.append(expr)
        return lambda: int(self.values[i] or 0)

    def add_value(self, expr: str) -> Callable[[], Any]:
        i = len(self.exprs)
        self.exprs.append(expr)
        return lambda: self.values[i]

    def add_text(self, expr: str) -> Callable[[], str | None]:
        i = len(self.exprs)
        self.exprs.append(expr)
        return lambda: None if self.values[i] is None else str(self.values[i])

    def run(self) -> None:
        w = self.window
        select = ", ".join(f"{e} AS a{i}" for i, e in enumerate(self.exprs))
        self.values = list(w.engine.one(f"SELECT {select} FROM {w.engine.ident(w.view)}"))


@dataclass
class Checks:
    """The getters of one window's scan: rows, ids, numeric and time columns."""

    scan: Scan
    rows: Callable[[], int]
    ids: tuple[Callable[[], int], Callable[[], int]] | None = None
    id_scan: Scan | None = None
    numeric: dict[str, list[Callable[[], int]]] = field(default_factory=dict)
    below: dict[str, list[Callable[[], int]]] = field(default_factory=dict)
    histograms: dict[str, tuple[Callable[[], Any], list[float]]] = field(default_factory=dict)
    categories: dict[str, list[Callable[[], int]]] = field(default_factory=dict)
    times: dict[str, list[Any]] = field(default_factory=dict)
    flags: dict[str, list[Callable[[], int]]] = field(default_factory=dict)
    blanks: dict[str, Callable[[], int]] = field(default_factory=dict)

    @classmethod
    def of(cls, window: Window) -> Checks:
        scan = Scan(window)
        return cls(scan, scan.add("COUNT(*)"))

    def want_ids(self, name: str) -> None:
        """Empty ids in the window's scan; distinct ids in a query of their own, so that
        DuckDB can spill their hash table to disk (beside the other aggregates of one
        ``SELECT`` it cannot, and runs out of its memory limit instead)."""
        w = self.scan.window
        self.id_scan = Scan(w)
        self.ids = (
            self.scan.add(count_if(w.blank(name))),
            self.id_scan.add(f"COUNT(DISTINCT {w.text(name)})"),
        )

    def run(self) -> None:
        self.scan.run()
        if self.id_scan is not None:
            self.id_scan.run()

    def want_numeric(self, name: str) -> None:
        if name in self.numeric:
            return
        w, add = self.scan.window, self.scan.add
        getters = [add(f"COUNT({w.col(name)})")]
        if w.schema[name][1]:
            getters.append(add(count_if(f"{w.col(name)} = CAST('NaN' AS DOUBLE)")))
            getters.append(add(count_if(f"ABS({w.col(name)}) = CAST('Infinity' AS DOUBLE)")))
        self.numeric[name] = getters

    def want_bins(self, name: str, edges: list[float]) -> None:
        self.want_numeric(name)
        w, inner = self.scan.window, edges[1:-1]
        native = w.engine.bins(w.num(name), inner)
        if native is not None:
            self.histograms[name] = (self.scan.add_value(native), inner)
            return
        self.below[name] = [self.scan.add(count_if(f"{w.num(name)} < {_double(e)}")) for e in inner]

    def want_categories(self, name: str, categories: list[str]) -> None:
        w = self.scan.window
        text = w.text(name)
        getters = [self.scan.add(count_if(f"{text} = {w.engine.literal(c)}")) for c in categories]
        self.categories[name] = [*getters, self.scan.add(count_if(w.blank(name)))]

    def want_time(self, name: str) -> None:
        w, add = self.scan.window, self.scan.add
        stamp = w.stamp(name)
        day = f"CAST(CAST({{}}({stamp}) AS DATE) AS {w.engine.string_type})"
        self.times[name] = [
            add(f"COUNT({w.col(name)})"),
            add(f"COUNT({stamp})"),
            self.scan.add_text(day.format("MIN")),
            self.scan.add_text(day.format("MAX")),
        ]

    def want_flags(self, name: str) -> None:
        self.want_numeric(name)
        num = self.scan.window.num(name)
        self.flags[name] = [
            self.scan.add(count_if(f"NOT ({num} = 0 OR {num} = 1)")),
            self.scan.add(count_if(f"{num} = 1")),
        ]

    def want_blanks(self, name: str) -> None:
        self.blanks[name] = self.scan.add(count_if(self.scan.window.blank(name)))

    # ------------------------------------------------ after the scan: refuse bad data

    def check_rows(self, role: str) -> int:
        if self.rows() == 0:
            raise empty_window(self.scan.window.label, role)
        return self.rows()

    def check_ids(self, name: str) -> None:
        assert self.ids is not None
        w, (empty, distinct) = self.scan.window, self.ids
        if empty():
            raise empty_ids(w.label, name, empty())
        if distinct() < self.rows():
            _raise_duplicates(w, name)

    def check_numeric(self, name: str) -> None:
        getters = self.numeric[name]
        nulls = self.rows() - getters[0]()
        nans, infs = (getters[1](), getters[2]()) if len(getters) == 3 else (0, 0)
        if nulls or nans or infs:
            raise not_finite(self.scan.window.label, name, (nulls, nans, infs), self.rows())

    def bin_counts(self, name: str) -> Any:
        if name in self.histograms:
            getter, inner = self.histograms[name]
            return np.asarray(bin_counts_of(getter(), inner, self.rows()), dtype=np.int64)
        below = [g() for g in self.below[name]]
        return np.diff(np.asarray([0, *below, self.rows()], dtype=np.int64))

    def category_counts(self, name: str) -> Any:
        *known, missing = (g() for g in self.categories[name])
        unseen = self.rows() - sum(known) - missing
        return np.asarray([*known, unseen, missing], dtype=np.int64)

    def check_time(self, name: str) -> tuple[str, str]:
        present, parsed, first, last = (g() for g in self.times[name])
        label = self.scan.window.label
        if self.rows() - present:
            raise bad_column(label, name, f"{self.rows() - present} empty time value(s)")
        if present - parsed:
            raise bad_column(
                label, name, f"has {present - parsed} value(s) that are not dates or times"
            )
        if first is None or last is None:  # no rows reach here (check_rows), but never assume
            raise bad_column(label, name, "has no time values to date the window by")
        return str(first), str(last)

    def check_flags(self, name: str) -> int:
        self.check_numeric(name)
        bad, ones = (g() for g in self.flags[name])
        if bad:
            raise run.not_flags(self.scan.window.label, name, bad)
        return ones


def _raise_duplicates(w: Window, name: str) -> None:
    ident = w.engine.ident
    dup = (
        f"SELECT k FROM (SELECT {w.text(name)} AS k, COUNT(*) AS n FROM {ident(w.view)} "
        "GROUP BY 1) d WHERE n > 1"
    )
    count = int(w.engine.one(f"SELECT COUNT(*) FROM ({dup}) c")[0])
    examples = [str(r[0]) for r in w.engine.rows(f"{dup} ORDER BY k LIMIT 5")]
    raise duplicate_ids(w.label, name, count, examples)


def _window(engine: SqlEngine, view: str, label: str, role: str) -> Window:
    """The view's columns; refuses an empty file first (a header-only CSV has no types)."""
    if not engine.rows(f"SELECT 1 FROM {engine.ident(view)} LIMIT 1"):
        raise empty_window(label, role)
    return Window(engine, view, label, engine.schema(view))


def _plan_scans(plan: Plan, base: Checks, cur: Checks, opts: run.Options, outcomes: bool) -> None:
    for checks in (base, cur):
        checks.want_ids(plan.id_col)
        for name, edges in {plan.score_col: plan.score_edges, **plan.numeric}.items():
            checks.want_bins(name, edges)
        for name, cats in plan.categorical.items():
            checks.want_categories(name, cats)
    if plan.time_col and (opts.period is None or outcomes):
        cur.want_time(plan.time_col)
    if plan.decision_col:
        cur.want_blanks(plan.decision_col)
    if plan.override_col:
        cur.want_flags(plan.override_col)


def _require(plan: Plan, base: Window, cur: Window) -> None:
    b, c = base.table(), cur.table()
    check_same_shape(b, c)
    for table in (b, c):
        table.require(plan.score_col, "score")
        for name in plan.input_columns():
            table.require(name, "model input")
        table.require(plan.id_col, "text")
    if plan.time_col:
        c.require(plan.time_col, "time")
    if plan.decision_col:
        c.require(plan.decision_col, "text")
    for attr, column in plan.groups.items():
        c.require(column, f"group ({attr})")
    if plan.override_col:
        c.require(plan.override_col, "numeric")


def compute_sql(
    plan: Plan,
    engine: SqlEngine,
    labels: dict[str, str],
    opts: run.Options,
) -> run.Result:
    """The run over the views ``mrm_baseline``, ``mrm_current`` and, when ``labels`` names
    it, ``mrm_outcomes``, registered on ``engine``."""
    run.check_period_known(plan, opts)
    base = _window(engine, BASELINE, labels[BASELINE], "baseline")
    cur = _window(engine, CURRENT, labels[CURRENT], "current")
    _require(plan, base, cur)
    b, c = Checks.of(base), Checks.of(cur)
    with_outcomes = OUTCOMES in labels
    _plan_scans(plan, b, c, opts, with_outcomes)
    b.run()
    c.run()
    b.check_rows("baseline")
    c.check_rows("current")
    c.check_ids(plan.id_col)
    b.check_ids(plan.id_col)
    counts: dict[str, tuple[Any, Any]] = {}
    for name in {plan.score_col: plan.score_edges, **plan.numeric}:
        b.check_numeric(name)
        c.check_numeric(name)
        counts[name] = (b.bin_counts(name), c.bin_counts(name))
    for name in plan.categorical:
        counts[name] = (b.category_counts(name), c.category_counts(name))
    days = c.check_time(plan.time_col) if plan.time_col and opts.period is None else None
    if plan.decision_col and (empty := c.blanks[plan.decision_col]()):
        raise run.empty_decisions(cur.label, plan.decision_col, empty)
    approval = {attr: _approval(plan, cur, column) for attr, column in plan.groups.items()}
    overrides = None
    if plan.override_col:
        overrides = (c.check_flags(plan.override_col), c.rows())
    matured = None
    if with_outcomes:
        out = _window(engine, OUTCOMES, labels[OUTCOMES], "outcomes")
        matured = _matured(plan, cur, c, out, opts)
    facts = run.Facts(
        base.label, cur.label, b.rows(), c.rows(), counts, days, approval, overrides, matured
    )
    return run.assemble(plan, facts, opts)


def _approved_expr(plan: Plan, w: Window) -> str:
    if plan.decision_col:
        values = ", ".join(w.engine.literal(v) for v in plan.approved)
        return f"CASE WHEN {w.text(plan.decision_col)} IN ({values}) THEN 1 ELSE 0 END"
    assert plan.cutoff is not None
    return f"CASE WHEN {w.num(plan.score_col)} <= {_double(plan.cutoff)} THEN 1 ELSE 0 END"


def _approval(plan: Plan, w: Window, column: str) -> tuple[dict[str, tuple[int, float]], int]:
    """Rows and approval rate of every non-empty group value, and the empty count."""
    sql = (
        f"SELECT g, COUNT(*), SUM(a) FROM (SELECT {w.group(column)} AS g, "
        f"{_approved_expr(plan, w)} AS a FROM {w.engine.ident(w.view)}) t GROUP BY g"
    )
    missing = 0
    rates: dict[str, tuple[int, float]] = {}
    for g, n, hits in sorted(w.engine.rows(sql), key=lambda r: (r[0] is not None, str(r[0]))):
        if g is None:
            missing = int(n)
        else:
            rates[str(g)] = (int(n), int(hits) / int(n))
    return rates, missing


def _check_outcome_file(plan: Plan, out: Window) -> Checks:
    table = out.table()
    table.require(plan.id_col, "text")
    table.require(plan.outcome_col, "numeric")
    table.require(plan.outcome_time_col, "time")
    o = Checks.of(out)
    o.want_ids(plan.id_col)
    o.want_flags(plan.outcome_col)
    o.want_time(plan.outcome_time_col)
    o.run()
    o.check_rows("outcomes")
    o.check_ids(plan.id_col)
    o.check_flags(plan.outcome_col)
    o.check_time(plan.outcome_time_col)
    return o


def _cut(opts: run.Options, plan: Plan) -> str:
    """Predictions at or before this time have matured (``time + delay <= as_of``)."""
    cut = opts.as_of - np.timedelta64(plan.label_delay_days, "D")
    return "TIMESTAMP '" + str(cut.astype("datetime64[s]")).replace("T", " ") + "'"


def _matured(plan: Plan, cur: Window, c: Checks, out: Window, opts: run.Options) -> run.Matured:
    """Join the outcomes to the predictions by id, refuse outcomes dated before their
    prediction, and fetch the matured pairs in id order (the order the in-memory path
    uses, so ties in the score fall into the same calibration groups)."""
    if not plan.time_col:
        raise run.no_prediction_times()
    c.check_time(plan.time_col)
    o = _check_outcome_file(plan, out)
    p, q = (
        Window(cur.engine, cur.view, cur.label, cur.schema, "p"),
        Window(out.engine, out.view, out.label, out.schema, "o"),
    )
    ident = cur.engine.ident
    pt = f"date_trunc('second', {p.stamp(plan.time_col)})"
    ot = f"date_trunc('second', {q.stamp(plan.outcome_time_col)})"
    join = (
        f"FROM {ident(cur.view)} p JOIN {ident(out.view)} o "
        f"ON {p.text(plan.id_col)} = {q.text(plan.id_col)}"
    )
    joined, early, example, used = cur.engine.one(
        f"SELECT COUNT(*), {count_if(f'{ot} < {pt}')}, "
        f"MIN(CASE WHEN {ot} < {pt} THEN {q.text(plan.id_col)} END), "
        f"{count_if(f'{pt} <= {_cut(opts, plan)}')} {join}"
    )
    if early:
        raise run.early_outcomes(plan, out.label, cur.label, int(early), str(example))
    fetched = _fetch_matured(plan, p, q, join, f"{pt} <= {_cut(opts, plan)}")
    y = np.asarray(fetched["y"], dtype=np.float64).astype(np.int64)
    counts = run.outcome_counts(plan, opts, o.rows(), int(joined), int(used or 0), y, out.label)
    approved = fetched.get("approved")
    override = fetched.get("override")
    return run.Matured(
        counts,
        y,
        np.asarray(fetched["score"], dtype=np.float64),
        None if approved is None else np.asarray(approved).astype(bool),
        {attr: fetched[f"group:{attr}"] for attr in plan.groups},
        None if override is None else np.asarray(override, dtype=np.float64).astype(bool),
    )


def _fetch_matured(plan: Plan, p: Window, q: Window, join: str, matured: str) -> dict[str, Any]:
    exprs = {"score": p.num(plan.score_col), "y": q.num(plan.outcome_col)}
    if plan.groups or plan.decision_col:
        exprs["approved"] = _approved_expr(plan, p)
    for attr, column in plan.groups.items():
        exprs[f"group:{attr}"] = p.group(column)
    if plan.override_col:
        exprs["override"] = p.num(plan.override_col)
    names = list(exprs)
    select = ", ".join(f"{e} AS c{i}" for i, e in enumerate(exprs.values()))
    table = p.engine.arrow(f"SELECT {select} {join} WHERE {matured} ORDER BY {p.text(plan.id_col)}")
    out: dict[str, Any] = {}
    for i, name in enumerate(names):
        column = table.column(f"c{i}")
        if name.startswith("group:"):
            out[name] = np.asarray(column.to_pylist(), dtype=object)
        else:
            out[name] = column.to_numpy(zero_copy_only=False)
    return out


def open_engine(
    kind: str, paths: dict[str, Path], *, memory_limit: str, spark_master: str
) -> tuple[SqlEngine, dict[str, str]]:
    """The engine with the files registered as views, and the label of each view."""
    from gate.monitor.engines import DuckDBEngine, SparkEngine

    roles = {BASELINE: "baseline", CURRENT: "current", OUTCOMES: "outcomes"}
    files = {view: (path, roles[view]) for view, path in paths.items()}
    engine: SqlEngine
    if kind == "spark":
        engine = SparkEngine(files, spark_master)
    else:
        engine = DuckDBEngine(files, memory_limit)
    return engine, {view: str(path) for view, path in paths.items()}
