"""Clinical triage example: train, evaluate and write the machine evidence.

A device software function that flags breast fine-needle-aspirate cases as likely
malignant so a pathologist reads them first. Trained on the Wisconsin Diagnostic Breast
Cancer data that ships inside scikit-learn (sklearn/datasets/data/breast_cancer.csv).
Writes into OUT (default: out/ beside this file):

    model.json              the model artefact (byte-stable, see `write_canonical`)
    sbom.cdx.json           the artefact's software bill of materials (CycloneDX JSON)
    datasets.json           -> data.datasets
    split.json              -> data.split
    threshold.json          -> model.decision_thresholds.value
    threshold-commit.json   -> model.decision_thresholds.commit_sha (commit of the rule)
    testing.json            -> testing
    backtest.json           -> backtest
    benchmark.json          -> benchmark
    clinical_test.json      -> fda.clinical_test (results, subgroups, confidence intervals)
    pccp_eval.json          -> fda.pccp.protocol.performance_eval
    stability.json          -> monitoring.latest (score PSI and CSI, train vs test)
    reproducibility.json    -> reproducibility
    development-digest.json -> docs.development.digest
    test.csv                the frozen test set, for the validator's independent script

Run from anywhere:  python examples/clinical-triage/pipeline.py [--out DIR]
As in the credit example, `mrm-gate collect` records the code commit itself, and
`mrm-gate reproduce` re-runs the recorded command with MRM_GATE_SEED and
MRM_GATE_HYPERPARAMETERS set to the recorded values.
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

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import yaml  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import roc_auc_score  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from sklearn.tree import DecisionTreeClassifier  # noqa: E402

from gate.clock import resolve_now  # noqa: E402

HERE = Path(__file__).resolve().parent
DATA_PACKAGE = "sklearn"
DATA_RESOURCE = "datasets/data/breast_cancer.csv"
MODEL_FORMAT = "mrm-gate-example/standardised-logit/v1"
SITE = "uw-madison"  # every WDBC case comes from the University of Wisconsin Hospitals

DEFAULT_SEED = 20260701
DEFAULT_HYPERPARAMETERS: dict[str, Any] = {
    "C": 1.0,
    "solver": "lbfgs",
    "max_iter": 1000,
    "challenger_max_depth": 3,
}

# Six nucleus-morphology inputs (the data's column names, snake-cased).
FEATURES = [
    "mean_radius",
    "mean_texture",
    "mean_concavity",
    "worst_area",
    "worst_concave_points",
    "worst_smoothness",
]
TARGET = "malignant"
# Subgroups available in the data: lesion size and texture, split at the train median.
SUBGROUPS = {"lesion_size": "mean_radius", "texture": "mean_texture"}


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


LOCKED_PACKAGES = ("numpy", "pandas", "PyYAML", "scikit-learn")


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
    """Sorted-key JSON of rounded numbers; returns its sha256.

    The artefact is the fitted numbers themselves (scaler, coefficients, intercept,
    threshold) as text, not a pickle: a pickle embeds class layout and library versions,
    so equal fits can differ in bytes. Rounding to 12 significant digits removes the
    last-bit differences that summation order can cause, and sorted keys fix the layout.
    """
    data = (json.dumps(_clean(obj), sort_keys=True, indent=1, allow_nan=False) + "\n").encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ---------------------------------------------------------------- git facts


def _git(*args: str) -> str | None:
    try:
        out = subprocess.run(
            ["git", *args], cwd=HERE, capture_output=True, text=True, check=True, timeout=30
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip()


def repo_relative(path: Path) -> str:
    top = _git("rev-parse", "--show-toplevel")
    base = Path(top) if top else HERE
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
    return sha, datetime.fromisoformat(when).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# ---------------------------------------------------------------- data


def data_file() -> Path:
    return Path(str(resources.files(DATA_PACKAGE).joinpath(DATA_RESOURCE)))


def load_data() -> pd.DataFrame:
    """The bundled CSV: a header line (rows, columns, class names), then 30 features and
    the class (0 = malignant, 1 = benign)."""
    from sklearn.datasets import load_breast_cancer

    bunch = load_breast_cancer(as_frame=True)
    df = bunch.frame.rename(columns=lambda c: c.replace(" ", "_"))
    df[TARGET] = (df["target"] == 0).astype("int64")
    return df.drop(columns=["target"])


def split(
    df: pd.DataFrame, cfg: dict[str, Any], seed: int
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    train, rest = train_test_split(
        df, train_size=cfg["train_share"], stratify=df[TARGET], random_state=seed
    )
    tune, test = train_test_split(
        rest, train_size=cfg["tuning_share_of_rest"], stratify=rest[TARGET], random_state=seed
    )
    return train.sort_index(), tune.sort_index(), test.sort_index()


def frame_digest(df: pd.DataFrame) -> str:
    return "sha256:" + hashlib.sha256(df.to_csv(index=True).encode()).hexdigest()


def bands(df: pd.DataFrame, cuts: dict[str, float]) -> dict[str, np.ndarray]:
    """Subgroup label per row for each subgroup attribute ('below'/'above' the train median)."""
    return {
        attr: np.where(df[col].to_numpy() < cuts[attr], "below-median", "at-or-above-median")
        for attr, col in SUBGROUPS.items()
    }


# ---------------------------------------------------------------- model


def train_model(
    train: pd.DataFrame, tune: pd.DataFrame, hp: dict[str, Any], seed: int, cfg: dict[str, Any]
) -> dict[str, Any]:
    x = train[FEATURES].to_numpy(dtype=float)
    mean, scale = x.mean(axis=0), x.std(axis=0)
    lr = LogisticRegression(
        C=hp["C"], solver=hp["solver"], max_iter=hp["max_iter"], random_state=seed
    )
    lr.fit((x - mean) / scale, train[TARGET].to_numpy())
    model = {
        "format": MODEL_FORMAT,
        "output": "probability that the aspirate is malignant; flag when >= threshold",
        "features": [
            {"name": n, "mean": m, "scale": s, "coef": c}
            for n, m, s, c in zip(FEATURES, mean, scale, lr.coef_[0], strict=True)
        ],
        "intercept": float(lr.intercept_[0]),
        "threshold": 0.5,
    }
    model = json.loads(json.dumps(_clean(model)))
    model["threshold"] = operating_point(model, tune, cfg["operating_point"])
    return model


def predict(model: dict[str, Any], df: pd.DataFrame) -> np.ndarray:
    """Score with the serialised model only, so evaluation is of the artefact itself."""
    z = np.full(len(df), model["intercept"], dtype=float)
    for f in model["features"]:
        z += f["coef"] * (df[f["name"]].to_numpy(dtype=float) - f["mean"]) / f["scale"]
    return 1.0 / (1.0 + np.exp(-z))


def operating_point(model: dict[str, Any], tune: pd.DataFrame, rule: dict[str, Any]) -> float:
    p, y = predict(model, tune), tune[TARGET].to_numpy()
    step = rule["grid_step"]
    grid = [round(step * k, 6) for k in range(1, int(round(1 / step)))]
    ok = [t for t in grid if ((p >= t) & (y == 1)).sum() / y.sum() >= rule["target_sensitivity"]]
    if not ok:
        sys.exit("pipeline: no threshold reaches the target sensitivity on the tuning set")
    return max(ok)


# ---------------------------------------------------------------- metrics


def wilson(k: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    if n == 0:
        return 0.0, 1.0
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def auc_interval(auc: float, n_pos: int, n_neg: int, z: float = 1.959964) -> tuple[float, float]:
    """Hanley and McNeil (1982) standard error of the AUC."""
    q1, q2 = auc / (2 - auc), 2 * auc * auc / (1 + auc)
    var = (auc * (1 - auc) + (n_pos - 1) * (q1 - auc * auc) + (n_neg - 1) * (q2 - auc * auc)) / (
        n_pos * n_neg
    )
    se = math.sqrt(max(var, 0.0))
    return max(0.0, auc - z * se), min(1.0, auc + z * se)


def metrics(y: np.ndarray, p: np.ndarray, threshold: float) -> dict[str, float]:
    flag = p >= threshold
    out: dict[str, float] = {"flag_rate": float(flag.mean())}
    if y.sum() > 0:
        out["sensitivity"] = float((flag & (y == 1)).sum() / y.sum())
    if (y == 0).sum() > 0:
        out["specificity"] = float((~flag & (y == 0)).sum() / (y == 0).sum())
    if 0 < y.sum() < len(y):
        out["auc"] = float(roc_auc_score(y, p))
    return out


def intervals(y: np.ndarray, p: np.ndarray, threshold: float) -> dict[str, dict[str, float]]:
    flag = p >= threshold
    pos, neg = int(y.sum()), int((y == 0).sum())
    sens = wilson(int((flag & (y == 1)).sum()), pos)
    spec = wilson(int((~flag & (y == 0)).sum()), neg)
    auc = auc_interval(float(roc_auc_score(y, p)), pos, neg)
    return {
        "sensitivity": {"lower": sens[0], "upper": sens[1]},
        "specificity": {"lower": spec[0], "upper": spec[1]},
        "auc": {"lower": auc[0], "upper": auc[1]},
    }


def subgroup_results(
    df: pd.DataFrame, p: np.ndarray, threshold: float, cuts: dict[str, float]
) -> list[dict[str, Any]]:
    y = df[TARGET].to_numpy()
    out = []
    for attr, labels in bands(df, cuts).items():
        for seg in sorted(set(labels.tolist())):
            mask = labels == seg
            out.append(
                {
                    "attribute": attr,
                    "segment": seg,
                    "n": int(mask.sum()),
                    "metrics": metrics(y[mask], p[mask], threshold),
                }
            )
    return out


def within(bounds: dict[str, dict[str, float]], values: dict[str, float]) -> bool:
    return all(
        k in values and values[k] >= b.get("min", -math.inf) and values[k] <= b.get("max", math.inf)
        for k, b in bounds.items()
    )


def psi(expected: np.ndarray, actual: np.ndarray) -> float:
    e, a = np.clip(expected, 1e-6, None), np.clip(actual, 1e-6, None)
    return float(np.sum((a - e) * np.log(a / e)))


def shares(values: np.ndarray, edges: list[float]) -> np.ndarray:
    idx = np.searchsorted(edges, values, side="right")
    return np.bincount(idx, minlength=len(edges) + 1) / len(values)


def stability(
    train: pd.DataFrame, test: pd.DataFrame, p_train: np.ndarray, p_test: np.ndarray, bins: int
) -> dict[str, Any]:
    inner = sorted(set(np.quantile(p_train, np.linspace(0, 1, bins + 1)[1:-1]).tolist()))
    expected, actual = shares(p_train, inner), shares(p_test, inner)
    csi = {}
    for col in FEATURES:
        x = train[col].to_numpy(dtype=float)
        edges = sorted(set(np.quantile(x, np.linspace(0, 1, bins + 1)[1:-1]).tolist()))
        csi[col] = psi(shares(x, edges), shares(test[col].to_numpy(dtype=float), edges))
    top = sorted(csi, key=lambda k: (-_round(csi[k]), k))[:3]
    return {
        "baseline_id": "wdbc-train",
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


def sensitivity(
    model: dict[str, Any], test: pd.DataFrame, p: np.ndarray, cfg: dict[str, Any]
) -> dict[str, Any]:
    shock = cfg["relative_shock"]
    worst = 0.0
    for col in FEATURES:
        for sign in (-1, 1):
            shocked = test.assign(**{col: test[col] * (1 + sign * shock)})
            worst = max(worst, float(np.max(np.abs(predict(model, shocked) - p))))
    return {
        "perturbations": [f"{sign}{shock:.0%} on {col}" for col in FEATURES for sign in "-+"],
        "max_output_change": worst,
        "tolerance": cfg["tolerance"],
        "within_tolerance": worst <= cfg["tolerance"],
    }


def stress(model: dict[str, Any], test: pd.DataFrame, floor: dict[str, Any]) -> dict[str, Any]:
    """Performance when the image-analysis measurements drift (scanner calibration)."""
    scenarios = {
        "size_measured_5pct_small": lambda d: d.assign(
            mean_radius=d["mean_radius"] * 0.95, worst_area=d["worst_area"] * 0.9025
        ),
        "texture_measured_5pct_high": lambda d: d.assign(mean_texture=d["mean_texture"] * 1.05),
        "contour_measured_5pct_low": lambda d: d.assign(
            mean_concavity=d["mean_concavity"] * 0.95,
            worst_concave_points=d["worst_concave_points"] * 0.95,
        ),
    }
    y = test[TARGET].to_numpy()
    results = {}
    for name, shift in scenarios.items():
        m = metrics(y, predict(model, shift(test)), model["threshold"])
        kept = {k: m[k] for k in ("sensitivity", "specificity", "auc")}
        results[name] = {"metrics": kept, "pass": within(floor, kept)}
    return {"scenarios": sorted(scenarios), "results": results}


def sbom(out: Path) -> None:
    packages = ["numpy", "pandas", "scikit-learn", "scipy", "PyYAML"]
    components = [
        {
            "type": "library",
            "name": name,
            "version": metadata.version(name),
            "purl": f"pkg:pypi/{name.lower()}@{metadata.version(name)}",
        }
        for name in packages
    ]
    components.append({"type": "platform", "name": "python", "version": platform.python_version()})
    doc = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.5",
        "version": 1,
        "metadata": {"component": {"type": "machine-learning-model", "name": "wdbc-triage"}},
        "components": components,
    }
    write_canonical(out / "sbom.cdx.json", doc)


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


def main(argv: list[str] | None = None) -> int:  # noqa: PLR0915 - one linear script
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
    train, tune, test = split(df, cfg["split"], seed)
    frozen = committed_at(HERE / "config" / "thresholds.yml")
    started_at = run_at
    model = train_model(train, tune, hp, seed, cfg)
    artefact_sha = write_canonical(out / "model.json", model)
    model = json.loads((out / "model.json").read_text())  # evaluate what was written
    sbom(out)
    threshold = model["threshold"]
    cuts = {attr: float(np.median(train[col])) for attr, col in SUBGROUPS.items()}

    p = {name: predict(model, d) for name, d in (("train", train), ("tune", tune), ("test", test))}
    y_test = test[TARGET].to_numpy()
    m_test = metrics(y_test, p["test"], threshold)
    ran_at = run_at

    # data.datasets
    datasets = []
    for doc, frame in zip(datasets_doc["datasets"], (train, tune, test), strict=True):
        segs = {f"site:{SITE}": len(frame)}
        for attr, labels in bands(frame, cuts).items():
            for seg in sorted(set(labels.tolist())):
                segs[f"{attr}:{seg}"] = int((labels == seg).sum())
        datasets.append(
            doc
            | {
                "digest": frame_digest(frame),
                "rows": len(frame),
                "version": f"scikit-learn-{metadata.version('scikit-learn')}",
                "quality": {
                    "missing_rate": float(frame[FEATURES].isna().mean().mean()),
                    "duplicate_rate": float(frame.duplicated().mean()),
                    "schema_valid": True,
                    "range_checks_passed": bool((frame[FEATURES] >= 0).all().all()),
                },
                "representativeness": {
                    "reference_population": doc["population_statement"],
                    "segments": sorted(segs),
                    "n_per_segment": dict(sorted(segs.items())),
                    "min_n": 30,
                },
            }
        )
    write_canonical(out / "datasets.json", datasets)

    # data.split: one row per case; overlap counted on the full 30-measurement vector
    def keys(d: pd.DataFrame) -> set[str]:
        return set(d.drop(columns=[TARGET]).round(6).astype(str).agg("|".join, axis=1))

    overlap = len(keys(train) & keys(test)) + len(keys(tune) & keys(test))
    split_doc: dict[str, Any] = {
        "leakage_checks": {"entity_overlap": overlap},
        "training_started_at": started_at,
    }
    if frozen:
        split_doc["test_frozen_at"] = frozen[1]
    write_canonical(out / "split.json", split_doc)
    write_canonical(out / "threshold.json", threshold)
    if frozen:  # the commit of config/thresholds.yml, whose rule set the threshold
        write_canonical(out / "threshold-commit.json", frozen[0])

    # testing
    testing: dict[str, Any] = {
        "results": {k: m_test[k] for k in ("sensitivity", "specificity", "auc")},
        "ran_at": ran_at,
        "sensitivity": sensitivity(model, test, p["test"], cfg["sensitivity"])
        | {"uri": repo_relative(out / "testing.json")},
        "subgroup_results": subgroup_results(test, p["test"], threshold, cuts),
        "stress": stress(model, test, cfg["acceptance"])
        | {"uri": repo_relative(out / "testing.json")},
        "feedback_loop_controls": ["Locked model: changes only as gated PCCP modifications"],
    }
    testing["robustness"] = {
        "pass": within(cfg["acceptance"], testing["results"])
        and all(r["pass"] for r in testing["stress"]["results"].values()),
        "uri": repo_relative(out / "testing.json"),
    }
    if frozen:
        sha, when = frozen
        testing["thresholds"] = {
            k: v | {"defined_at": when, "defined_in_commit": sha}
            for k, v in cfg["acceptance"].items()
        }
    else:
        print("pipeline: config/thresholds.yml is not committed; testing.thresholds omitted")
    write_canonical(out / "testing.json", testing)

    # fda.clinical_test and the PCCP performance evaluation on the same frozen test set
    results = testing["results"]
    ci = intervals(y_test, p["test"], threshold)
    clinical = {
        "acceptance_criteria": cfg["acceptance"],
        "results": results,
        "subgroup_results": testing["subgroup_results"],
        "ci": {"level": 0.95, "intervals": ci},
    }
    write_canonical(out / "clinical_test.json", clinical)
    lower = {k: v["lower"] for k, v in ci.items()}
    pccp_values = results | {"flag_rate": m_test["flag_rate"]}
    write_canonical(
        out / "pccp_eval.json",
        {
            "acceptance_criteria": cfg["pccp_bounds"],
            "results": pccp_values,
            "pass": within(cfg["pccp_bounds"], pccp_values)
            and within({k: cfg["acceptance"][k] for k in lower}, lower),
        },
    )

    # backtest: out-of-sample outcome analysis on the frozen test set
    write_canonical(
        out / "backtest.json",
        {
            "excluded_from_dev": True,
            "horizon": "diagnosis at the time of aspiration (histology or follow-up)",
            "metrics": results,
            "thresholds": cfg["backtest"],
            "pass": within(cfg["backtest"], results),
        },
    )

    # benchmark: a shallow decision tree on the same six inputs
    tree = DecisionTreeClassifier(max_depth=hp["challenger_max_depth"], random_state=seed).fit(
        train[FEATURES].to_numpy(dtype=float), train[TARGET].to_numpy()
    )
    challenger = float(
        roc_auc_score(y_test, tree.predict_proba(test[FEATURES].to_numpy(dtype=float))[:, 1])
    )
    write_canonical(
        out / "benchmark.json",
        {
            "challenger_ids": [f"decision-tree-depth{hp['challenger_max_depth']}"],
            "metric": "auc",
            "higher_is_better": True,
            "champion_value": m_test["auc"],
            "challenger_value": challenger,
            "delta": m_test["auc"] - challenger,
        },
    )

    latest = stability(train, test, p["train"], p["test"], cfg["psi"]["bins"])
    write_canonical(out / "stability.json", latest | {"computed_at": ran_at})
    doc = HERE / "docs" / "development.md"
    write_canonical(out / "development-digest.json", "sha256:" + sha256_file(doc))
    test.to_csv(out / "test.csv", index=True)

    here_rel, out_rel = repo_relative(HERE), repo_relative(out)
    write_canonical(
        out / "reproducibility.json",
        {
            "data_snapshots": [
                {
                    "path": f"package:{DATA_PACKAGE}/{DATA_RESOURCE}",
                    "sha256": sha256_file(data_file()),
                    "source": f"scikit-learn {metadata.version('scikit-learn')} (PyPI)",
                }
            ],
            "environment": environment_lock(out),
            "hyperparameters": hp,
            "seed": seed,
            "training_command": f"python {here_rel}/pipeline.py --out {out_rel}",
            "artifact_path": f"{out_rel}/model.json",
            "artifact_sha256": artefact_sha,
        },
    )

    print(f"pipeline: model.json sha256 {artefact_sha}")
    print(
        f"pipeline: threshold {threshold}, test sensitivity {results['sensitivity']:.3f} "
        f"(95% CI lower {ci['sensitivity']['lower']:.3f}), specificity "
        f"{results['specificity']:.3f}, AUC {results['auc']:.3f}, challenger AUC "
        f"{challenger:.3f}, PSI {latest['psi_score']:.3f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
