"""The control catalogue, read from the policies' own METADATA with `opa inspect`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gate.errors import EngineError
from gate.report.text import md_cell

CATALOGUE_HEADER = "# Control catalogue"


@dataclass(frozen=True)
class Control:
    """One control as its package annotation describes it."""

    id: str
    framework: str
    section: str
    title: str
    severity: str
    stages: tuple[str, ...]
    effective_from: str
    effective_until: str
    description: str
    file: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "framework": self.framework,
            "section": self.section,
            "title": self.title,
            "severity": self.severity,
            "stages": list(self.stages),
            "effective_from": self.effective_from,
            "effective_until": self.effective_until,
            "description": self.description,
            "file": self.file,
        }


def _data_date(settings: Any, path: Any) -> str:
    """The date at ``path`` (custom.effective_from_data) below the policy settings."""
    value = settings
    for key in path if isinstance(path, list) else ():
        value = value.get(key) if isinstance(value, dict) else None
    if not isinstance(value, str):
        raise EngineError(
            f"effective_from_data {path!r} names no date in the policy data",
            hint="point custom.effective_from_data at a YYYY-MM-DD string of the settings",
        )
    return value


def controls_from_inspect(doc: Any, root: Path, settings: Any | None = None) -> list[Control]:
    """Controls from `opa inspect --annotations --format json` output, sorted by id.

    A control whose in-force date lives in the policy data (custom.effective_from_data)
    takes it from ``settings`` (data.gate.lib.config.settings), as the policy does.
    """
    if not isinstance(doc, dict):
        raise EngineError("`opa inspect` printed something other than a JSON object")
    found: dict[str, Control] = {}
    for entry in doc.get("annotations") or []:
        ann = entry.get("annotations", {})
        custom = ann.get("custom") or {}
        if ann.get("scope") != "package" or "control_id" not in custom:
            continue
        file = str(entry.get("location", {}).get("file", ""))
        try:
            file = Path(file).resolve().relative_to(root.resolve().parent).as_posix()
        except ValueError:
            pass
        ctl = Control(
            id=str(custom["control_id"]),
            framework=str(custom.get("framework", "")),
            section=str(custom.get("section", "")),
            title=str(ann.get("title", "")),
            severity=str(custom.get("severity", "")),
            stages=tuple(str(s) for s in custom.get("stages") or ()),
            effective_from=(
                _data_date(settings or {}, custom["effective_from_data"])
                if "effective_from_data" in custom
                else str(custom.get("effective_from", ""))
            ),
            effective_until=str(custom.get("effective_until", "")),
            description=" ".join(str(ann.get("description", "")).split()),
            file=file,
        )
        found[ctl.id] = ctl
    return [found[k] for k in sorted(found)]


def inspect_controls(opa: str, policy_dir: Path, timeout: float = 60.0) -> list[Control]:
    """Run `opa inspect` on the policy directory and return its controls."""
    from gate.engine.opa_process import run_opa

    stdout = run_opa(
        opa,
        ["inspect", "--annotations", "--format", "json", str(policy_dir)],
        what="`inspect` of the policy annotations",
        timeout=timeout,
    )
    try:
        doc = json.loads(stdout)
    except ValueError:
        raise EngineError(
            "`opa inspect` printed output that is not JSON", detail=stdout[:500]
        ) from None
    return controls_from_inspect(doc, policy_dir, _settings(opa, policy_dir, timeout))


def _settings(opa: str, policy_dir: Path, timeout: float) -> Any:
    """The policy settings (data.gate.lib.config.settings), merged by the policy itself."""
    from gate.engine.opa_process import run_opa

    stdout = run_opa(
        opa,
        ["eval", "--format", "json", "-d", str(policy_dir), "data.gate.lib.config.settings"],
        what="evaluation of the policy settings",
        timeout=timeout,
    )
    try:
        return json.loads(stdout)["result"][0]["expressions"][0]["value"]
    except (ValueError, KeyError, IndexError, TypeError):
        raise EngineError(
            "`opa eval` of the policy settings printed no value", detail=stdout[:500]
        ) from None


def to_markdown(controls: list[Control]) -> str:
    """The catalogue as Markdown, one table row per control, grouped by framework."""
    lines = [
        CATALOGUE_HEADER,
        "",
        "Generated from the policies' METADATA by `mrm-gate controls --format markdown`; "
        "do not edit by hand (`make docs` regenerates it, and a test fails when it is stale).",
        "",
        f"{len(controls)} controls.",
        "",
    ]
    frameworks = sorted({c.framework for c in controls})
    for fw in frameworks:
        rows = [c for c in controls if c.framework == fw]
        lines += [
            f"## {fw}",
            "",
            "| id | title | source | severity | stages | in force |",
            "|---|---|---|---|---|---|",
        ]
        for c in rows:
            window = c.effective_from or "always"
            if c.effective_until:
                window += f" until {c.effective_until}"
            elif c.effective_from:
                window = "from " + window
            lines.append(
                f"| {c.id} | {md_cell(c.title)} | {md_cell(c.section)} | {c.severity} | "
                f"{', '.join(c.stages)} | {window} |"
            )
        lines.append("")
    return "\n".join(lines)


def to_table(controls: list[Control]) -> str:
    if not controls:
        return "no controls found\n"
    w_id = max(len(c.id) for c in controls)
    w_sev = max(len(c.severity) for c in controls)
    out = [f"{'id'.ljust(w_id)}  {'severity'.ljust(w_sev)}  stages / title"]
    out += [
        f"{c.id.ljust(w_id)}  {c.severity.ljust(w_sev)}  [{','.join(c.stages)}] {c.title}"
        for c in controls
    ]
    return "\n".join(out) + "\n"
