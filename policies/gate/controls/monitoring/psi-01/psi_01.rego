# METADATA
# title: Score and characteristic stability (PSI/CSI) within bands
# description: |
#   Score PSI between the development or validation baseline and the current population,
#   and CSI for every model input with the top drift contributors named, are computed each
#   period. Below amber passes; amber to red warns (investigate); above red blocks
#   (escalate, open a revalidation or recalibration ticket), except in tiers where red is
#   report-only. The stricter of the monitoring plan's bands and the policy's bands applies.
#   The headline psi_score is recomputed from the score bins it summarises (shares floored
#   at settings monitoring.psi_share_floor); a headline that differs from the bins by more
#   than monitoring.psi_recompute_tolerance is denied, since the bands would otherwise
#   judge a number the distributions do not support. Each input's CSI is recomputed the
#   same way from that input's bins (bins.<input>) when the run records them. The score
#   bins are required at the stages of settings monitoring.bins_required_stages
#   (monitoring).
# custom:
#   control_id: MON-PSI-01
#   framework: Model monitoring conventions
#   section: Industry PSI/CSI convention; supports SR117-MON-01 and EUAIA-PMM-01
#   severity: high
#   stages: [staging, monitoring]
package gate.controls.monitoring["psi-01"]

import data.gate.lib.config
import data.gate.lib.result
import data.gate.lib.stats
import data.gate.lib.values

control := result.control(rego.metadata.chain())

_tier := object.get(
	config.settings.monitoring.tiers,
	object.get(input.bundle, ["model", "risk_tier"], ""),
	config.settings.monitoring.tiers.high,
)

_latest := object.get(input.bundle, ["monitoring", "latest"], {})

_plan_thresholds := object.get(input.bundle, ["monitoring", "plan", "thresholds"], {})

_csi := object.get(_latest, "csi", {})

# The stricter of the plan's band and the policy's band.
_band(plan_band) := {
	"amber": min({plan_band.amber, _tier.psi.amber}),
	"red": min({plan_band.red, _tier.psi.red}),
}

_has_band(b) if {
	is_number(b.amber)
	is_number(b.red)
}

_psi_band := _band(_plan_thresholds.psi) if _has_band(_plan_thresholds.psi)

_psi_band := _tier.psi if not _has_band(object.get(_plan_thresholds, "psi", {}))

_csi_band := _band(_plan_thresholds.csi) if _has_band(_plan_thresholds.csi)

_csi_band := _psi_band if not _has_band(object.get(_plan_thresholds, "csi", {}))

# ------------------------------------------------------------------ presence

deny contains result.violation(
	rego.metadata.chain(),
	"the monitoring plan sets no PSI band (amber and red)",
	"$.monitoring.plan.thresholds.psi",
	"set monitoring.plan.thresholds.psi {amber, red} in the monitoring plan",
) if {
	not _has_band(object.get(_plan_thresholds, "psi", {}))
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the latest stability run has no %s", [field]),
	sprintf("$.monitoring.latest.%s", [field]),
	"compute score PSI against the named baseline for the period and record it",
) if {
	some field in ["psi_score", "baseline_id", "period"]
	not _recorded(field)
}

_recorded("psi_score") if is_number(_latest.psi_score)

_recorded("baseline_id") if values.text(_latest.baseline_id)

_recorded("period") if is_object(_latest.period)

deny contains result.violation(
	rego.metadata.chain(),
	"the latest monitoring run has no score bins (edges, expected and actual shares)",
	"$.monitoring.latest.bins",
	"record the binned expected and actual distributions the PSI was computed from",
) if {
	input.stage in config.settings.monitoring.bins_required_stages
	count(object.get(_latest, "bins", {})) == 0
}

_inputs := {f.name | some f in object.get(input.bundle, ["model", "features"], [])}

deny contains result.violation(
	rego.metadata.chain(),
	"no characteristic stability (CSI) was computed",
	"$.monitoring.latest.csi",
	"compute CSI for every model input",
) if {
	count(_csi) == 0
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("no CSI for model input(s) %s", [concat(", ", sort(missing))]),
	"$.monitoring.latest.csi",
	"compute CSI for every model input",
) if {
	count(_csi) > 0
	missing := {name | some name in _inputs; not is_number(object.get(_csi, name, null))}
	count(missing) > 0
}

_contributors := {c | some c in object.get(_latest, "csi_top_contributors", [])}

deny contains result.violation(
	rego.metadata.chain(),
	"the top drift contributors are not reported",
	"$.monitoring.latest.csi_top_contributors",
	"list the inputs with the largest CSI, largest first",
) if {
	count(_csi) > 0
	count(_contributors) == 0
}

_largest := max({v | some v in _csi})

_should_list contains name if {
	some name, v in _csi
	v == _largest
}

_should_list contains name if {
	some name, v in _csi
	v >= _csi_band.amber
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("input(s) %s drift the most or are amber/red but are not among the top contributors", [concat(", ", sort(left_out))]),
	"$.monitoring.latest.csi_top_contributors",
	"list every amber or red input and the largest contributor among the top drift contributors",
) if {
	count(_contributors) > 0
	left_out := _should_list - _contributors
	count(left_out) > 0
}

# ------------------------------------------------------------------ bands

_red_blocks if _tier.red_action == "block"

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("score PSI %v is red (above %v): escalate and open a revalidation or recalibration ticket", [_latest.psi_score, _psi_band.red]),
	"$.monitoring.latest.psi_score",
	"investigate the population shift, escalate it and recalibrate or revalidate the model",
) if {
	_latest.psi_score > _psi_band.red
	_red_blocks
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("CSI of %s is %v, red (above %v)", [name, v, _csi_band.red]),
	"$.monitoring.latest.csi",
	"investigate the input's shift, escalate it and recalibrate or revalidate the model",
) if {
	some name, v in _csi
	v > _csi_band.red
	_red_blocks
}

warn contains result.violation(
	rego.metadata.chain(),
	sprintf("score PSI %v is red (above %v); this tier only reports it", [_latest.psi_score, _psi_band.red]),
	"$.monitoring.latest.psi_score",
	"investigate the population shift and record the outcome",
) if {
	_latest.psi_score > _psi_band.red
	not _red_blocks
}

warn contains result.violation(
	rego.metadata.chain(),
	sprintf("CSI of %s is %v, red (above %v); this tier only reports it", [name, v, _csi_band.red]),
	"$.monitoring.latest.csi",
	"investigate the input's shift and record the outcome",
) if {
	some name, v in _csi
	v > _csi_band.red
	not _red_blocks
}

warn contains result.violation(
	rego.metadata.chain(),
	sprintf("score PSI %v is amber (%v to %v): investigate", [_latest.psi_score, _psi_band.amber, _psi_band.red]),
	"$.monitoring.latest.psi_score",
	"investigate the population shift and record the outcome",
) if {
	_latest.psi_score >= _psi_band.amber
	_latest.psi_score <= _psi_band.red
}

warn contains result.violation(
	rego.metadata.chain(),
	sprintf("CSI of %s is %v, amber (%v to %v): investigate", [name, v, _csi_band.amber, _csi_band.red]),
	"$.monitoring.latest.csi",
	"investigate the input's shift and record the outcome",
) if {
	some name, v in _csi
	v >= _csi_band.amber
	v <= _csi_band.red
}

# ------------------------------------------------------------------ recomputation

_score_bins := object.get(_latest, ["bins", "score"], null)

_recomputed_psi := stats.psi(_score_bins.expected, _score_bins.actual, config.settings.monitoring.psi_share_floor)

deny contains result.violation(
	rego.metadata.chain(),
	"the score bins cannot be read: expected and actual must be lists of shares of the same length",
	"$.monitoring.latest.bins.score",
	"record the score bins as equal-length lists of expected and actual shares",
) if {
	_score_bins != null
	not _recomputed_psi
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the headline score PSI %v disagrees with the PSI of its bins, %v (tolerance %v)", [_latest.psi_score, round(_recomputed_psi * 10000) / 10000, tolerance]),
	"$.monitoring.latest.psi_score",
	"report the PSI computed from the recorded bins (mrm-gate monitor computes both from the data)",
) if {
	tolerance := config.settings.monitoring.psi_recompute_tolerance
	abs(_latest.psi_score - _recomputed_psi) > tolerance
}

# Each input's CSI against the bins recorded for it (bins.<input>, written by mrm-gate
# monitor next to bins.score); an input without bins is judged on its headline alone.
_feature_bins[name] := bins if {
	some name, _ in _csi
	bins := object.get(_latest, ["bins", name], null)
	bins != null
}

_recomputed_csi[name] := stats.psi(bins.expected, bins.actual, config.settings.monitoring.psi_share_floor) if {
	some name, bins in _feature_bins
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the bins of input %s cannot be read: expected and actual must be lists of shares of the same length", [name]),
	sprintf("$.monitoring.latest.bins.%s", [name]),
	"record each input's bins as equal-length lists of expected and actual shares",
) if {
	some name, _ in _feature_bins
	not _recomputed_csi[name]
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the CSI %v of input %s disagrees with the CSI of its bins, %v (tolerance %v)", [_csi[name], name, round(csi * 10000) / 10000, tolerance]),
	sprintf("$.monitoring.latest.csi.%s", [name]),
	"report the CSI computed from the recorded bins (mrm-gate monitor computes both from the data)",
) if {
	tolerance := config.settings.monitoring.psi_recompute_tolerance
	some name, csi in _recomputed_csi
	is_number(_csi[name])
	abs(_csi[name] - csi) > tolerance
}
