# METADATA
# title: Sensitivity analysis within tolerance
# description: |
#   A sensitivity analysis perturbs inputs or parameters, reports the largest output
#   change and its tolerance, and finds the model stable. A change above the tolerance
#   is instability.
# custom:
#   control_id: SR117-DEV-04
#   framework: SR 11-7 / SR 26-2
#   section: SR 11-7 §IV (sensitivity analysis) and §V (conceptual soundness); SR 26-2 §V
#   severity: medium
#   stages: [merge, staging]
#   effective_from_data: [sr117, guidances, "SR 11-7", effective_from]
package gate.controls.sr117["dev-04"]

import data.gate.lib.result
import data.gate.lib.values

control := result.control(rego.metadata.chain())

_sensitivity := object.get(input.bundle, ["testing", "sensitivity"], {})

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the sensitivity analysis has no %s", [field]),
	sprintf("$.testing.sensitivity.%s", [field]),
	"run a sensitivity analysis and record its report, perturbations, largest output change and tolerance",
) if {
	some field in values.missing(_sensitivity, ["uri", "perturbations", "max_output_change", "tolerance", "within_tolerance"])
}

deny contains result.violation(
	rego.metadata.chain(),
	"the sensitivity analysis found the model outside its tolerance",
	"$.testing.sensitivity.within_tolerance",
	"investigate the instability and redesign or constrain the model",
) if {
	_sensitivity.within_tolerance == false
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the largest output change %v exceeds the tolerance %v", [_sensitivity.max_output_change, _sensitivity.tolerance]),
	"$.testing.sensitivity.max_output_change",
	"investigate the instability; the analysis cannot report within tolerance above it",
) if {
	_sensitivity.max_output_change > _sensitivity.tolerance
}
