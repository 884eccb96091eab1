# METADATA
# title: Design controls, risk file, SBOM and security scanning maintained
# description: |
#   Software lifecycle traceability (requirements to tests) and an ISO 14971 risk file are
#   kept, the serving artefact has a software bill of materials, and a vulnerability scan
#   shows no unresolved critical findings.
# custom:
#   control_id: FDA-GMLP-02
#   framework: FDA GMLP / PCCP
#   section: GMLP Principle 2 (good software engineering and security practices)
#   severity: high
#   stages: [merge]
#   effective_from_data: [fda, guidances, GMLP, effective_from]
package gate.controls.fda["gmlp-02"]

import data.gate.lib.result
import data.gate.lib.values

control := result.control(rego.metadata.chain())

not_applicable_reason := "the model is not a device software function (fda.device_function is not true)" if {
	object.get(input.bundle, ["fda", "device_function"], false) != true
}

_required := {
	"$.fda.design_controls.traceability_uri": ["fda", "design_controls", "traceability_uri"],
	"$.fda.risk_file_uri": ["fda", "risk_file_uri"],
	"$.artifact.sbom_uri": ["artifact", "sbom_uri"],
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("%s is not recorded", [path]),
	path,
	"keep the design-control traceability matrix, the ISO 14971 risk file and the SBOM, and link them",
) if {
	some path, ref in _required
	not values.text(object.get(input.bundle, ref, null))
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the vulnerability scan reports %v unresolved critical finding(s), or no scan is recorded", [object.get(input.bundle, ["security", "vuln_scan", "critical"], "an unknown number of")]),
	"$.security.vuln_scan.critical",
	"scan the device software, fix or mitigate the critical findings and rescan",
) if {
	object.get(input.bundle, ["security", "vuln_scan", "critical"], -1) != 0
}
