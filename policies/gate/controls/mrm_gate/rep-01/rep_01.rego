# METADATA
# title: Training is reproducible from recorded references
# description: |
#   The bundle records everything needed to retrain the model: the code commit, the
#   hashes of the data snapshots, the training environment (a container image digest or
#   the sha256 of a lock file), the hyperparameters, the seed and the training command, and the sha256
#   of the artefact that training produced, which must be the artefact being gated.
#   A retraining by `mrm-gate reproduce` that produced a different artefact fails the
#   control; at the stages and tiers named in data (production for high tier by
#   default) a successful retraining must be on record.
# custom:
#   control_id: GATE-REP-01
#   framework: mrm-gate
#   section: "SR 11-7 §IV and §VI documentation (enough detail to reproduce) / SR 26-2 §V; EU AI Act Annex IV(2); FDA GMLP principle 2"
#   severity: high
#   stages: [merge]
#   effective_from_data: [mrm_gate, controls_effective_from]
package gate.controls.mrm_gate["rep-01"]

import data.gate.lib.config
import data.gate.lib.result
import data.gate.lib.values

control := result.control(rego.metadata.chain())

_settings := config.settings.mrm_gate

_rep := object.get(input.bundle, "reproducibility", {})

_missing contains ["git_commit", "the code commit (40 hex digits)"] if not values.hex(object.get(_rep, "git_commit", null), 40)

_missing contains ["seed", "the random seed"] if not is_number(object.get(_rep, "seed", null))

_missing contains ["training_command", "the training command"] if {
	cmd := object.get(_rep, "training_command", null)
	not values.text(cmd)
}

_missing contains ["artifact_sha256", "the sha256 of the trained artefact"] if {
	not values.hex(object.get(_rep, "artifact_sha256", null), 64)
}

_environment := object.get(_rep, "environment", {})

_pinned_environment if values.sha256_digest(object.get(_environment, "image_digest", null))

_pinned_environment if values.hex(object.get(_environment, "lockfile_sha256", null), 64)

_missing contains ["environment", "the training environment (environment.image_digest sha256:... or environment.lockfile_sha256)"] if {
	not _pinned_environment
}

_hyperparameters_recorded if {
	is_object(_rep.hyperparameters)
	count(_rep.hyperparameters) > 0
}

_missing contains ["hyperparameters", "the hyperparameters"] if not _hyperparameters_recorded

_missing contains ["data_snapshots", "at least one data snapshot hash"] if {
	count(object.get(_rep, "data_snapshots", [])) == 0
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the reproducibility record lacks %s", [what]),
	sprintf("$.reproducibility.%s", [field]),
	"record it in the pipeline (mrm-gate collect fills git and data hashes from git and DVC)",
) if {
	some [field, what] in _missing
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("data snapshot %v has no md5 or sha256", [object.get(snap, "path", i)]),
	sprintf("$.reproducibility.data_snapshots[%d]", [i]),
	"record the snapshot's hash (dvc.lock or a .dvc file gives it)",
) if {
	some i, snap in object.get(_rep, "data_snapshots", [])
	not values.hex(object.get(snap, "md5", null), 32)
	not values.hex(object.get(snap, "sha256", null), 64)
}

deny contains result.violation(
	rego.metadata.chain(),
	"the recorded training output is not the artefact being gated",
	"$.reproducibility.artifact_sha256",
	"retrain, or gate the artefact that the recorded training produced",
) if {
	values.hex(_rep.artifact_sha256, 64)
	object.get(input.bundle, ["artifact", "digest"], "") != concat(":", ["sha256", _rep.artifact_sha256])
}

deny contains result.violation(
	rego.metadata.chain(),
	"retraining from the recorded references produced a different artefact",
	"$.reproducibility.reproduced_artifact_sha256",
	"find the source of non-determinism (seed, threads, serialisation, data) and retrain",
) if {
	is_string(_rep.reproduced_artifact_sha256)
	_rep.reproduced_artifact_sha256 != object.get(_rep, "artifact_sha256", "")
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("a %v-tier model needs a successful retraining on record at stage %v", [tier, input.stage]),
	"$.reproducibility.reproduced_artifact_sha256",
	"run `mrm-gate reproduce --output` and collect its result",
) if {
	tier := object.get(input.bundle, ["model", "risk_tier"], "")
	input.stage in object.get(_settings.reproduction_required_at, tier, [])
	not is_string(object.get(_rep, "reproduced_artifact_sha256", null))
}
