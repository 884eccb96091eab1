"""The JSON Schemas in schemas/ and the example bundles that must satisfy them."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from clock import NOW as CLOCK_NOW
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError

from gate.clock import parse_instant

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = ROOT / "schemas"
BUNDLES = Path(__file__).resolve().parent / "assets" / "bundles"
SCHEMA_FILES = [
    "evidence-bundle.schema.json",
    "decision.schema.json",
    "decision-record.schema.json",
    "mrm-gate-config.schema.json",
    "reproduction-result.schema.json",
]
EXAMPLES = ["credit-complete.json", "clinical-complete.json"]
NOW = parse_instant(CLOCK_NOW)


def load(path: Path) -> Any:
    return json.loads(path.read_text("utf-8"))


def schema(name: str) -> dict[str, Any]:
    doc = load(SCHEMAS / name)
    assert isinstance(doc, dict)
    return doc


def validator(name: str, checker: FormatChecker | None = None) -> Draft202012Validator:
    return Draft202012Validator(
        schema(name), format_checker=checker or Draft202012Validator.FORMAT_CHECKER
    )


def bundle_validator() -> Draft202012Validator:
    return validator("evidence-bundle.schema.json")


def example(name: str) -> dict[str, Any]:
    doc = load(BUNDLES / name)
    assert isinstance(doc, dict)
    return doc


def errors(v: Draft202012Validator, doc: Any) -> list[ValidationError]:
    return sorted(v.iter_errors(doc), key=lambda e: e.json_path)


def strict_checker() -> FormatChecker:
    """The default checker, plus a real RFC 3339 date-time check when jsonschema lacks one
    (it only checks date-time when an optional package is installed)."""
    checker = FormatChecker()
    checker.checkers = dict(Draft202012Validator.FORMAT_CHECKER.checkers)
    if checker.conforms("not a time", "date-time"):
        pattern = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")

        def is_datetime(value: object) -> bool:
            if not isinstance(value, str):
                return True
            if not pattern.match(value):
                return False
            dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
            return True

        checker.checks("date-time", raises=ValueError)(is_datetime)
    return checker


def parse_time(value: str) -> dt.datetime:
    if "T" not in value:
        return dt.datetime.fromisoformat(value + "T00:00:00+00:00")
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


# --------------------------------------------------------------------------- the schemas


@pytest.mark.parametrize("name", SCHEMA_FILES)
def test_schema_is_valid_draft_2020_12(name: str) -> None:
    doc = schema(name)
    assert doc["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert doc["$id"] == f"https://mrm-gate.dev/schemas/{name}"
    Draft202012Validator.check_schema(doc)


@pytest.mark.parametrize("name", SCHEMA_FILES)
def test_schema_refs_resolve(name: str) -> None:
    doc = schema(name)
    defs = doc.get("$defs", {})
    refs = [node["$ref"] for node in walk(doc) if isinstance(node.get("$ref"), str)]
    assert refs or name == "mrm-gate-config.schema.json" or defs == {}
    for ref in refs:
        assert ref.startswith("#/$defs/"), ref
        assert ref.removeprefix("#/$defs/") in defs, f"{name}: dangling {ref}"


def walk(node: Any) -> Iterator[dict[str, Any]]:
    """Every schema object inside a schema document."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def property_schemas(doc: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(location, schema) for every named property anywhere in a schema document."""

    def visit(node: Any, where: str) -> Iterator[tuple[str, dict[str, Any]]]:
        if isinstance(node, dict):
            props = node.get("properties")
            if isinstance(props, dict):
                for key, sub in props.items():
                    yield f"{where}.{key}", sub
            for key, value in node.items():
                if key == "properties" and isinstance(value, dict):
                    for pkey, sub in value.items():
                        yield from visit(sub, f"{where}.{pkey}")
                elif key not in ("enum", "const", "required"):
                    yield from visit(value, f"{where}/{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                yield from visit(value, f"{where}[{i}]")

    yield from visit(doc, "#")


@pytest.mark.parametrize("name", SCHEMA_FILES)
def test_every_property_has_a_description(name: str) -> None:
    found = list(property_schemas(schema(name)))
    assert len(found) >= 9  # the smallest schema, the reproduction result, has nine
    missing = [
        where
        for where, sub in found
        if not isinstance(sub, dict)
        or not isinstance(sub.get("description"), str)
        or not sub["description"].strip()
    ]
    assert missing == [], f"properties without a description: {missing}"


def test_every_def_and_map_value_has_a_description() -> None:
    doc = schema("evidence-bundle.schema.json")
    for key, sub in doc["$defs"].items():
        assert sub.get("description", "").strip(), f"$defs/{key}"
    for node in walk(doc):
        extra = node.get("additionalProperties")
        if isinstance(extra, dict):
            assert extra.get("description", "").strip(), f"map values undescribed: {node}"
        items = node.get("items")
        if isinstance(items, dict):
            assert items.get("description", "").strip(), f"array items undescribed: {node}"


def test_bundle_root_is_closed_and_has_no_approvals() -> None:
    doc = schema("evidence-bundle.schema.json")
    assert doc["additionalProperties"] is False
    assert set(doc["required"]) == {"apiVersion", "model"}
    assert "approvals" not in doc["properties"]
    assert "approvals" not in doc["$defs"]
    assert doc["properties"]["apiVersion"]["const"] == "mrm-gate/v1"
    assert set(doc["$defs"]["model"]["required"]) == {"id", "version", "use_case", "risk_tier"}


def test_bundle_sections() -> None:
    props = set(schema("evidence-bundle.schema.json")["properties"])
    assert props == {
        "apiVersion", "model", "inventory", "artifact", "docs", "data", "model_design",
        "validation", "benchmark", "backtest", "fairness", "testing", "change",
        "limitations", "exceptions", "vendor", "reproducibility", "monitoring",
        "eu_ai_act", "fda", "adverse_action", "security", "ops", "provenance", "collected",
        "waivers",
    }  # fmt: skip


# Every bundle path that a control of CONTROLS.md reads (approvals[] excepted: approvals are
# collected from GitHub and are deliberately not part of the bundle). Syntax: '.' separates
# keys, '[]' steps into array items, '{}' into the values of a map, and one '{a,b}' group
# expands to several paths.
CONTROL_PATHS = """
model.{id,version,use_case,risk_tier,intended_purpose,is_vendor,continuous_learning}
model.jurisdictions[]
model.features[].{name,type,protected}
model.tiering.{exposure,purpose,rationale_uri}
model.user_group_ids[]
model.decision_thresholds.{value,commit_sha}
inventory.{record_id,status,owner_id,last_validation_date,next_validation_due}
inventory.{developer_ids[],validator_ids[],permitted_uses[],restricted_uses[]}
inventory.last_periodic_review_date
artifact.{digest,signature,provenance,commit_sha,build_run_id,sbom_uri}
docs.development.{uri,digest,model_version}
docs.development.sections.{purpose,theory,methodology,assumptions,limitations,data,testing}
docs.development.sections.use_restrictions
data.datasets[].{role,uri,digest,source_system,lineage_uri,time_window,env,masking_method}
data.datasets[].quality.{missing_rate,duplicate_rate,label_error_rate,schema_valid}
data.datasets[].quality.range_checks_passed
data.datasets[].representativeness.{reference_population,segments[],coverage_ratio_min}
data.datasets[].representativeness.{psi_vs_target,n_per_segment{},min_n}
data.datasets[].context.{geography,channel}
data.governance.{design_choices,collection_origin,personal_data_original_purpose}
data.governance.{preparation_ops[],assumptions[],proxies[],availability_assessment}
data.governance.{bias_mitigations[],data_gaps[]}
data.governance.bias_examination.{uri,attributes[],method,findings[]}
data.governance.special_category_processing.{used,necessity_rationale,safeguards[]}
data.governance.special_category_processing.{access_list[],deletion_date,ropa_ref}
data.split.{method,oot_window,test_frozen_at,training_started_at}
data.split.leakage_checks.entity_overlap
testing.thresholds{}.{min,max,defined_at,defined_in_commit}
testing.{results{},ran_at,feedback_loop_controls[],subgroup_results[]}
testing.stress.{scenarios[],results}
testing.robustness.{uri,pass}
testing.sensitivity.{uri,perturbations[],max_output_change,tolerance,within_tolerance}
testing.security.data_poisoning.{tested,result,uri}
testing.security.{model_poisoning,evasion,confidentiality,model_flaws}
validation.{record_id,artifact_digest,outcome,scope,completed_at,validator_ids[]}
validation.{conditions[],effective_challenge_log_uri,edds_attestation}
validation.independence_attestation.{uri,reporting_line}
validation.conceptual_soundness.{uri,conclusion,reviewed_assumptions[]}
validation.findings[].{id,severity,status,due_date,owner}
benchmark.{challenger_ids[],metric,champion_value,challenger_value,delta,justification_uri}
backtest.{window,excluded_from_dev,horizon,metrics{},thresholds{},pass}
change.{id,type,classification_rationale,materiality_rules_version,ticket_id}
change.{ticket_approved_at,first_commit_at,commit_sha,author_ids[],ci_run_id,ci_commit_sha}
change.{tests_passed,required_checks[],risk_assessment,affected_components[]}
change.{rollback_plan_uri,description,deployer_id,deploy_via_pipeline}
change.emergency.{reason,retro_approval_at,window_hours,pir_uri,followup_validation_ticket}
change.pccp.{modification_id,within_bounds}
limitations.items[].{description,impact,compensating_control}
limitations.overlays[].{id,magnitude,approved_by,expires_at}
exceptions[].{id,policy_ref,reason,approved_by,expires_at,compensating_controls[]}
exceptions[].usage_limits
vendor.{name,dev_evidence_uri,own_data_validation_uri,customizations_uri}
vendor.contingency_plan_uri
monitoring.plan.{uri,metrics[],frequency,owner_id,escalation_path}
monitoring.plan.thresholds.{override_rate,psi,csi}
monitoring.plan.thresholds.psi.{amber,red}
monitoring.job_status
monitoring.latest.{override_rate,override_outcome_delta,psi_score,baseline_id,period,bins}
monitoring.latest.{csi{},csi_top_contributors[],air{},min_air,group_error_rates{}}
monitoring.incidents[].{aware_at,reported_at}
fairness.{protected_attributes[],proxy_method,reference_group,air{},min_air,significance{}}
fairness.{smd{},proxy_review_uri,prohibited_features_in_model,air_baseline{}}
fairness.lda_search.{uri,alternatives_evaluated,selected_reason}
fairness.age_usage.{used,elderly_negative_weight}
adverse_action.{applicable,method,reason_code_catalog_uri,max_reasons_disclosed}
adverse_action.{coverage_rate,banned_generic_codes_present,notice_sla_days}
adverse_action.notices_late_count
adverse_action.fidelity.{agreement_rate,threshold,test_uri,model_version}
eu_ai_act.applicable
eu_ai_act.classification.{annex_iii_point,art_6_3_assessment_uri,profiling}
eu_ai_act.classification.{fraud_exception_claimed,decided_at}
eu_ai_act.risk_management.{file_uri,version,model_version,misuse_scenarios[],mitigations[]}
eu_ai_act.risk_management.vulnerable_groups_considered
eu_ai_act.risk_management.residual_risk_acceptance.{approver_id,date}
eu_ai_act.annex_iv.{section_1,section_2,section_3,section_4,section_5}
eu_ai_act.annex_iv.{section_6,section_7,section_8,section_9}
eu_ai_act.annex_iv.section_1.uri
eu_ai_act.annex_iv.section_9.uri
eu_ai_act.annex_iv.{model_version,updated_at}
eu_ai_act.retention.docs_years
eu_ai_act.test_reports[].{uri,digest,date,signed_by,signature}
eu_ai_act.logging.{enabled,events[],retention_days,store_uri}
eu_ai_act.logging.fields_map.{risk,pmm,deployer_monitoring}
eu_ai_act.ifu.{uri,declared_accuracy{}}
eu_ai_act.ifu.sections.{a,b_i,b_ii,b_iii,b_iv,b_v,b_vi,b_vii,c,d,e,f}
eu_ai_act.human_oversight.{override_enabled,disregard_path,stop_mechanism_tested_at}
eu_ai_act.human_oversight.{automation_bias_measures[],interpretation_tools[]}
eu_ai_act.human_oversight.assigned_overseers[].{id,training_completed_at}
eu_ai_act.qms.{ref,modification_procedure_version,test_procedure_version}
eu_ai_act.predetermined_changes_uri
eu_ai_act.substantial_modification.{assessed,is_substantial,rationale}
eu_ai_act.conformity.{procedure,completed_at,doc_uri,doc_signed_by,doc_signed_at}
eu_ai_act.conformity.{ce_marking,eu_db_registration_id}
eu_ai_act.pmm_plan_uri
eu_ai_act.incident_process.{uri,msa_contacts[]}
eu_ai_act.incident_process.clock_days.{general,death,widespread}
eu_ai_act.fria.{uri,completed_at,authority_notified_at}
eu_ai_act.{affected_person_notice_uri,explanation_process_uri}
fda.{device_function,device_version,risk_file_uri,intended_population_uri}
fda.{design_rationale_uri,user_communication_uri,retraining_triggers[]}
fda.review_panel[].{role,id}
fda.design_controls.traceability_uri
fda.reference_standard.{method,adjudication,inter_rater_kappa,limitations,uri}
fda.human_ai_study.{uri,result,reader_count}
fda.clinical_test.{uri,conditions[],acceptance_criteria{},results{},subgroup_results[],ci}
fda.labeling.{uri,updated_at}
fda.labeling.sections.{intended_use,performance,subgroups,data,limitations,update_info}
fda.pccp.{authorized_version,modification_ids[],bounds{}}
fda.pccp.protocol.{data_management_uri,retraining_uri,update_procedure_uri}
fda.pccp.protocol.performance_eval.{acceptance_criteria{},results{},pass}
fda.pccp.impact_assessment.{uri,cumulative_changes[],risk_controls[]}
security.branch_protection.{required_reviews,dismiss_stale,enforce_admins}
security.pii_scan.{scanned_at,non_prod_pii_found}
security.access.{registry_writers[],deployers[],last_review_at}
security.vuln_scan.{critical,high,scanned_at}
ops.serving_config.digest
ops.baseline_config.{iac_commit,drift_detected}
ops.fallback.{mode,tested_at}
ops.alerting.{configured,channels[]}
ops.{runbook_uri,rollback_tested_at}
ops.retention.decision_records_months
reproducibility.{git_commit,seed,training_command,artifact_path,artifact_sha256}
reproducibility.{reproduced_artifact_sha256,reproduced_at,hyperparameters{}}
reproducibility.data_snapshots[].{path,md5,sha256,source}
reproducibility.environment.{python,platform,lockfile_sha256,image_digest}
provenance.sources[].{path,sha256,kind}
provenance.collector_version
collected.git.{commit,tree_clean,change_range,authors[],committers[]}
collected.ci.{provider,repository,run_id,run_attempt,workflow,ref,sha,event_name,actor}
collected.ci.server_url
collected.collected_at
"""


def expand(line: str) -> list[str]:
    def inner(text: str) -> list[str]:
        match = re.search(r"\{([^{}]+)\}", text)
        if not match:
            return [text]
        out: list[str] = []
        for option in match.group(1).split(","):
            out.extend(inner(text[: match.start()] + option + text[match.end() :]))
        return out

    return [p.replace("\0", "{}") for p in inner(line.replace("{}", "\0"))]


def resolve(doc: dict[str, Any], path: str) -> dict[str, Any] | None:
    """The sub-schema a bundle path leads to, or None when the schema does not declare it."""

    def deref(node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node:
            node = doc["$defs"][node["$ref"].removeprefix("#/$defs/")]
        return node

    node = doc
    for token in re.findall(r"[A-Za-z0-9_]+|\[\]|\{\}", path):
        node = deref(node)
        if token == "[]":
            if node.get("type") != "array":
                return None
            node = node["items"]
        elif token == "{}":
            extra = node.get("additionalProperties")
            if node.get("type") != "object" or not isinstance(extra, dict):
                return None
            node = extra
        else:
            sub = node.get("properties", {}).get(token)
            if sub is None:
                return None
            node = sub
    return deref(node)


def test_control_paths_expand() -> None:
    assert expand("a.{b,c}.d{}.{e,f}") == ["a.b.d{}.e", "a.b.d{}.f", "a.c.d{}.e", "a.c.d{}.f"]
    assert expand("a.{b{},c[]}") == ["a.b{}", "a.c[]"]


def test_every_control_field_is_declared() -> None:
    doc = schema("evidence-bundle.schema.json")
    paths = [p for line in CONTROL_PATHS.split() for p in expand(line)]
    assert len(paths) > 300
    undeclared = [p for p in paths if resolve(doc, p) is None]
    assert undeclared == []


def test_resolve_reports_undeclared_paths() -> None:
    doc = schema("evidence-bundle.schema.json")
    assert resolve(doc, "validation.artifact_digest") is not None
    assert resolve(doc, "validation.artifact_digests") is None
    assert resolve(doc, "approvals[]") is None
    assert resolve(doc, "model.id[]") is None


def test_free_form_maps_are_typed() -> None:
    doc = schema("evidence-bundle.schema.json")
    for path in (
        "testing.results{}",
        "fairness.air{}",
        "monitoring.latest.csi{}",
        "validation.metrics.overall{}",
        "eu_ai_act.ifu.declared_accuracy{}",
    ):
        sub = resolve(doc, path)
        assert sub is not None and sub.get("type") == "number", path
    spec = resolve(doc, "testing.thresholds{}")
    assert spec is not None and set(spec["required"]) == {"defined_at", "defined_in_commit"}


# --------------------------------------------------------------------------- the examples


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_bundle_is_valid(name: str) -> None:
    problems = errors(bundle_validator(), example(name))
    assert [f"{e.json_path}: {e.message}" for e in problems] == []


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_bundle_dates_are_rfc3339(name: str) -> None:
    v = validator("evidence-bundle.schema.json", strict_checker())
    assert [f"{e.json_path}: {e.message}" for e in errors(v, example(name))] == []


def test_strict_checker_rejects_bad_date_times() -> None:
    bundle = example("credit-complete.json")
    bundle["validation"]["completed_at"] = "20 October 2026"
    v = validator("evidence-bundle.schema.json", strict_checker())
    assert [e.json_path for e in errors(v, bundle)] == ["$.validation.completed_at"]


def test_bundle_with_approvals_is_rejected() -> None:
    bundle = example("credit-complete.json")
    bundle["approvals"] = [
        {"role": "validator", "approver_id": "vera-validator", "decision": "approved"}
    ]
    problems = errors(bundle_validator(), bundle)
    assert len(problems) == 1
    assert problems[0].validator == "additionalProperties"
    assert "approvals" in problems[0].message
    assert problems[0].json_path == "$"


def test_unknown_field_in_a_section_is_rejected() -> None:
    bundle = example("credit-complete.json")
    bundle["validation"]["validator_id"] = "vera-validator"
    problems = errors(bundle_validator(), bundle)
    assert [(e.json_path, e.validator) for e in problems] == [
        ("$.validation", "additionalProperties")
    ]


def test_wrong_risk_tier_is_rejected_with_its_path() -> None:
    bundle = example("credit-complete.json")
    bundle["model"]["risk_tier"] = "tier-1"
    problems = errors(bundle_validator(), bundle)
    assert [(e.json_path, e.validator) for e in problems] == [("$.model.risk_tier", "enum")]
    assert list(problems[0].absolute_path) == ["model", "risk_tier"]


@pytest.mark.parametrize(
    ("path", "value", "where", "keyword"),
    [
        (["artifact", "digest"], "sha256:" + "A" * 64, "$.artifact.digest", "pattern"),
        (["artifact", "digest"], "f" * 64, "$.artifact.digest", "pattern"),
        (
            ["validation", "artifact_digest"],
            "md5:" + "a" * 32,
            "$.validation.artifact_digest",
            "pattern",
        ),
        (
            ["reproducibility", "artifact_sha256"],
            "sha256:" + "a" * 64,
            "$.reproducibility.artifact_sha256",
            "pattern",
        ),
        (
            ["inventory", "next_validation_due"],
            "2027-13-40",
            "$.inventory.next_validation_due",
            "format",
        ),
        (["change", "type"], "major", "$.change.type", "enum"),
        (["model", "use_case"], "lending", "$.model.use_case", "enum"),
        (["apiVersion"], "mrm-gate/v2", "$.apiVersion", "const"),
        (["inventory", "owner_id"], "Omar Owner", "$.inventory.owner_id", "pattern"),
        (["fairness", "air", "sex:female"], "0.95", "$.fairness.air['sex:female']", "type"),
        (["data", "datasets", 0, "role"], "holdout", "$.data.datasets[0].role", "enum"),
    ],
)
def test_bad_values_are_rejected(path: list[Any], value: Any, where: str, keyword: str) -> None:
    bundle = example("credit-complete.json")
    node: Any = bundle
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    problems = errors(bundle_validator(), bundle)
    assert [(e.json_path, e.validator) for e in problems] == [(where, keyword)]


def test_threshold_needs_min_or_max() -> None:
    bundle = example("credit-complete.json")
    del bundle["testing"]["thresholds"]["auc"]["min"]
    problems = errors(bundle_validator(), bundle)
    assert [e.json_path for e in problems] == ["$.testing.thresholds.auc"]


def test_minimal_bundle_is_valid_and_model_fields_are_required() -> None:
    minimal = {
        "apiVersion": "mrm-gate/v1",
        "model": {"id": "m", "version": "1.0.0", "use_case": "fraud", "risk_tier": "low"},
    }
    assert errors(bundle_validator(), minimal) == []
    for field in ("id", "version", "use_case", "risk_tier"):
        broken = copy.deepcopy(minimal)
        del broken["model"][field]
        problems = errors(bundle_validator(), broken)
        assert [(e.json_path, e.validator) for e in problems] == [("$.model", "required")]
    assert [e.validator for e in errors(bundle_validator(), {"apiVersion": "mrm-gate/v1"})] == [
        "required"
    ]


# The examples are used as "everything satisfied" fixtures by the policy tests, so their
# values must be consistent with the controls, not only well-formed.


def test_credit_example_switches() -> None:
    b = example("credit-complete.json")
    assert b["model"]["use_case"] == "credit"
    assert b["model"]["risk_tier"] == "high"
    assert b["model"]["jurisdictions"] == ["US", "EU"]
    assert b["eu_ai_act"]["applicable"] is True
    assert b["eu_ai_act"]["classification"]["annex_iii_point"] == "5(b)"
    assert b["fda"]["device_function"] is False
    assert b["adverse_action"]["applicable"] is True


def test_clinical_example_switches() -> None:
    b = example("clinical-complete.json")
    assert b["model"]["use_case"] == "clinical"
    assert b["fda"]["device_function"] is True
    assert b["eu_ai_act"]["applicable"] is False
    assert b["adverse_action"]["applicable"] is False


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_identity_and_binding(name: str) -> None:
    b = example(name)
    validators = set(b["validation"]["validator_ids"])
    assert validators == set(b["inventory"]["validator_ids"])
    builders = (
        set(b["inventory"]["developer_ids"])
        | {b["inventory"]["owner_id"]}
        | set(b["change"]["author_ids"])
        | set(b["model"]["user_group_ids"])
        | {
            p["login"]
            for p in b["collected"]["git"]["authors"] + b["collected"]["git"]["committers"]
        }
    )
    assert validators and validators.isdisjoint(builders)
    assert b["change"]["deployer_id"] not in b["change"]["author_ids"]
    digest = b["artifact"]["digest"]
    assert b["validation"]["artifact_digest"] == digest
    assert b["reproducibility"]["artifact_sha256"] == digest.removeprefix("sha256:")
    assert b["reproducibility"]["reproduced_artifact_sha256"] == digest.removeprefix("sha256:")
    assert (
        b["change"]["ci_commit_sha"]
        == b["artifact"]["commit_sha"]
        == b["collected"]["git"]["commit"]
    )
    assert b["validation"]["outcome"] in ("approved", "conditional")
    assert all(f["status"] in ("closed", "risk_accepted") for f in b["validation"]["findings"])
    assert b["docs"]["development"]["model_version"] == b["model"]["version"]
    assert parse_time(b["change"]["ticket_approved_at"]) < parse_time(
        b["change"]["first_commit_at"]
    )
    assert all(c["conclusion"] == "success" for c in b["change"]["required_checks"])
    assert b["change"]["tests_passed"] is True
    assert b["change"]["deploy_via_pipeline"] is True


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_dates_fit_now(name: str) -> None:
    b = example(name)
    inv = b["inventory"]
    assert parse_time(inv["next_validation_due"]) > NOW
    assert NOW - parse_time(inv["last_validation_date"]) < dt.timedelta(days=365)
    assert NOW - parse_time(inv["last_periodic_review_date"]) < dt.timedelta(days=365)
    assert parse_time(b["validation"]["completed_at"]) < NOW
    split = b["data"]["split"]
    assert parse_time(split["test_frozen_at"]) < parse_time(split["training_started_at"])
    assert split["leakage_checks"]["entity_overlap"] == 0
    for item in b.get("exceptions", []) + b["limitations"].get("overlays", []):
        assert parse_time(item["expires_at"]) > NOW


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_testing_meets_preregistered_thresholds(name: str) -> None:
    t = example(name)["testing"]
    ran_at = parse_time(t["ran_at"])
    assert t["thresholds"]
    for metric, spec in t["thresholds"].items():
        assert parse_time(spec["defined_at"]) < ran_at, metric
        result = t["results"][metric]
        assert result >= spec.get("min", result), metric
        assert result <= spec.get("max", result), metric


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_monitoring_is_green(name: str) -> None:
    m = example(name)["monitoring"]
    bands = m["plan"]["thresholds"]
    assert bands["psi"] == {"amber": 0.10, "red": 0.25}
    assert m["latest"]["psi_score"] < bands["psi"]["amber"]
    assert max(m["latest"]["csi"].values()) < bands["csi"]["amber"]
    assert m["latest"]["override_rate"] <= bands["override_rate"]
    assert m["job_status"] == "scheduled"


def test_credit_example_fairness_and_adverse_action() -> None:
    b = example("credit-complete.json")
    f = b["fairness"]
    assert f["min_air"] == min(f["air"].values()) >= 0.80
    assert set(f["air"]) == set(f["air_baseline"]) == set(f["significance"])
    assert not any(s["significant"] for s in f["significance"].values())
    assert f["prohibited_features_in_model"] == []
    assert not any(feat["protected"] for feat in b["model"]["features"])
    latest = b["monitoring"]["latest"]
    assert latest["min_air"] == min(latest["air"].values()) >= 0.80
    for group, value in latest["air"].items():
        assert value >= f["air_baseline"][group] - 0.05
    aa = b["adverse_action"]
    assert aa["max_reasons_disclosed"] == 4
    assert aa["coverage_rate"] == 1.0
    assert aa["banned_generic_codes_present"] is False
    assert aa["fidelity"]["agreement_rate"] >= aa["fidelity"]["threshold"]
    assert aa["fidelity"]["model_version"] == b["model"]["version"]
    assert aa["notice_sla_days"] <= 30
    assert b["ops"]["retention"]["decision_records_months"] >= 25


def test_credit_example_eu_ai_act() -> None:
    b = example("credit-complete.json")
    eu = b["eu_ai_act"]
    assert all(eu["annex_iv"][f"section_{n}"]["uri"] for n in range(1, 10))
    assert eu["annex_iv"]["model_version"] == b["model"]["version"]
    assert eu["retention"]["docs_years"] >= 10
    assert eu["logging"]["retention_days"] >= 183
    assert eu["incident_process"]["clock_days"] == {"general": 15, "death": 10, "widespread": 2}
    assert eu["conformity"]["procedure"] == "annex_vi"
    assert eu["ifu"]["declared_accuracy"].items() <= b["testing"]["results"].items()
    assert set(eu["ifu"]["sections"]) == {
        "a", "b_i", "b_ii", "b_iii", "b_iv", "b_v", "b_vi", "b_vii", "c", "d", "e", "f"
    }  # fmt: skip
    for incident in b["monitoring"]["incidents"]:
        days = eu["incident_process"]["clock_days"][incident["category"]]
        delay = parse_time(incident["reported_at"]) - parse_time(incident["aware_at"])
        assert delay <= dt.timedelta(days=days)


def test_clinical_example_fda() -> None:
    b = example("clinical-complete.json")
    fda = b["fda"]
    assert b["data"]["split"]["method"] in ("patient", "site")
    assert b["change"]["pccp"]["modification_id"] in fda["pccp"]["modification_ids"]
    assert b["change"]["pccp"]["within_bounds"] is True
    ev = fda["pccp"]["protocol"]["performance_eval"]
    assert ev["pass"] is True
    for metric, bound in ev["acceptance_criteria"].items():
        assert ev["results"][metric] >= bound.get("min", ev["results"][metric])
    for metric, bound in fda["clinical_test"]["acceptance_criteria"].items():
        assert fda["clinical_test"]["ci"]["intervals"][metric]["lower"] >= bound["min"]
    for ds in b["data"]["datasets"]:
        rep = ds["representativeness"]
        assert min(rep["n_per_segment"].values()) >= rep["min_n"]
    assert fda["device_version"] == b["model"]["version"] != fda["previous_device_version"]
    assert {p["role"] for p in fda["review_panel"]} >= {
        "clinical",
        "data_science",
        "human_factors",
        "regulatory",
    }


# --------------------------------------------------------------------------- decision


def sample_decision() -> dict[str, Any]:
    violation = {
        "control_id": "SR117-VAL-01",
        "framework": "SR 11-7 / SR 26-2",
        "section": "SR 11-7 §V",
        "severity": "critical",
        "title": "Validated before production",
        "msg": "the validated artefact digest differs from the artefact being promoted",
        "remediation": "validate this artefact",
        "evidence_path": "$.validation.artifact_digest",
    }
    return {
        "allow": False,
        "stage": "production",
        "violations": [violation],
        "warnings": [],
        "waived": [
            {
                **violation,
                "control_id": "SR117-MON-01",
                "waiver": {
                    "control_id": "SR117-MON-01",
                    "justification": "monitoring job ships in the next release",
                    "approved_by": "omar-owner",
                    "expires_at": "2027-01-31T00:00:00Z",
                },
            }
        ],
        "controls": [
            {
                "id": "SR117-VAL-01",
                "framework": "SR 11-7 / SR 26-2",
                "title": "Validated",
                "section": "§V",
                "severity": "critical",
                "status": "fail",
                "reason": "",
            },
            {
                "id": "FDA-PCCP-01",
                "framework": "FDA PCCP",
                "status": "not_applicable",
                "reason": "fda.device_function is false",
            },
        ],
        "required_approvals": [
            {
                "role": "validator",
                "count": 1,
                "reason": "SR117-VAL-01",
                "satisfied": True,
                "satisfied_by": ["vera-validator"],
            }
        ],
        "stale_approvals": [
            {
                "role": "validator",
                "login": "victor-validator",
                "via": "review",
                "commit_sha": "a" * 40,
                "reason": "approved an earlier commit",
            }
        ],
        "bundle_digest": "sha256:" + "0" * 64,
        "policy_revision": "policies@3f2c1a0",
        "opa_version": "1.4.2",
        "decided_at": "2026-11-30T12:00:00Z",
        "engine": "local",
        "guidance": {
            "selected": "SR 26-2",
            "applied": "SR 26-2",
            "in_force": "SR 26-2",
            "effective_from": "2026-04-17",
            "effective_until": "",
        },
    }


def test_sample_decision_is_valid() -> None:
    assert errors(validator("decision.schema.json"), sample_decision()) == []


@pytest.mark.parametrize(
    ("mutate", "where", "keyword"),
    [
        (lambda d: d.pop("bundle_digest"), "$", "required"),
        (lambda d: d.update(bundle_digest="sha256:xyz"), "$.bundle_digest", "pattern"),
        (lambda d: d.update(stage="prod"), "$.stage", "enum"),
        (lambda d: d["controls"][0].update(status="skipped"), "$.controls[0].status", "enum"),
        (
            lambda d: d["violations"][0].update(severity="blocker"),
            "$.violations[0].severity",
            "enum",
        ),
        (lambda d: d["violations"][0].pop("remediation"), "$.violations[0]", "required"),
        (lambda d: d["waived"][0].pop("waiver"), "$.waived[0]", "required"),
        (
            lambda d: d["required_approvals"][0].update(satisfied="yes"),
            "$.required_approvals[0].satisfied",
            "type",
        ),
        (lambda d: d.update(engine="cloud"), "$.engine", "enum"),
        (lambda d: d.pop("engine"), "$", "required"),
        (lambda d: d.pop("guidance"), "$", "required"),
        (lambda d: d["guidance"].pop("in_force"), "$.guidance", "required"),
        (
            lambda d: d["guidance"].update(effective_from="17 Apr 2026"),
            "$.guidance.effective_from",
            "pattern",
        ),
        (lambda d: d.update(extra=1), "$", "additionalProperties"),
    ],
)
def test_bad_decisions_are_rejected(mutate: Any, where: str, keyword: str) -> None:
    decision = sample_decision()
    mutate(decision)
    problems = errors(validator("decision.schema.json"), decision)
    assert [(e.json_path, e.validator) for e in problems] == [(where, keyword)]


def test_a_recorded_decision_needs_what_a_decision_file_needs() -> None:
    # A record carries the decision the gate wrote, and the documentation pack reads it back
    # with the decision reader: a record the schema lets into the ledger must be readable.
    decision = schema("decision.schema.json")
    recorded = schema("decision-record.schema.json")
    assert recorded["properties"]["decision"]["required"] == decision["required"]
    assert recorded["$defs"]["guidance"] == decision["$defs"]["guidance"]
    assert "guidance" in decision["required"] and "engine" in decision["required"]


# --------------------------------------------------------------------------- config


def sample_config() -> dict[str, Any]:
    return {
        "apiVersion": "mrm-gate/v1",
        "model_id": "credit-pd-retail",
        "documentation": ["evidence/model.yaml", "evidence/eu_ai_act.yaml"],
        "metrics": [{"path": "reports/test_metrics.json", "section": "testing.results"}],
        "validation": [{"path": "reports/validation.json", "section": "validation"}],
        "artefacts": [
            {"path": "models/model.joblib", "role": "model"},
            {"path": "models/binning.joblib", "role": "preprocessor"},
        ],
        "dvc": ["dvc.lock"],
        "mlflow_run": "reports/mlflow_run.json",
        "roles": {
            "validator": "acme-bank/model-validation",
            "model_risk_committee": "acme-bank/mrc",
            "fair_lending": "acme-bank/fair-lending",
        },
        "policy": {"bundle": "https://policies.example.com/mrm-gate/bundle-2026.11.tar.gz"},
        "limits": {"max_file_bytes": 10485760},
    }


def test_sample_config_is_valid() -> None:
    assert errors(validator("mrm-gate-config.schema.json"), sample_config()) == []


def test_config_roles_cover_every_approval_role() -> None:
    roles = schema("mrm-gate-config.schema.json")["properties"]["roles"]["properties"]
    assert set(roles) >= {
        "validator",
        "legal",
        "fair_lending",
        "executive",
        "model_risk_committee",
        "clinical_lead",
        "regulatory_affairs",
        "dpo",
        "deployer_compliance",
        "mrm",
    }


@pytest.mark.parametrize(
    ("mutate", "where", "keyword"),
    [
        (lambda c: c.pop("model_id"), "$", "required"),
        (lambda c: c.update(apiVersion="v1"), "$.apiVersion", "const"),
        (lambda c: c["documentation"].append("/etc/passwd"), "$.documentation[2]", "not"),
        (lambda c: c["documentation"].append("../secrets.yaml"), "$.documentation[2]", "not"),
        (lambda c: c["metrics"][0].update(section="approvals"), "$.metrics[0].section", "pattern"),
        (
            lambda c: c["metrics"][0].update(section="collected.git"),
            "$.metrics[0].section",
            "pattern",
        ),
        (lambda c: c["artefacts"][0].update(role="weights"), "$.artefacts[0].role", "enum"),
        (lambda c: c["roles"].update(validator="model-validation"), "$.roles.validator", "pattern"),
        (lambda c: c.update(approvals=[]), "$", "additionalProperties"),
        (lambda c: c["limits"].update(max_file_bytes=0), "$.limits.max_file_bytes", "minimum"),
    ],
)
def test_bad_configs_are_rejected(mutate: Any, where: str, keyword: str) -> None:
    config = sample_config()
    mutate(config)
    problems = errors(validator("mrm-gate-config.schema.json"), config)
    assert [(e.json_path, e.validator) for e in problems] == [(where, keyword)]
