# METADATA
# title: No unmasked personal or confidential data outside production
# description: |
#   A recent scan of non-production data, fixtures and artefacts found no unmasked
#   personal data, and every dataset not in production declares its environment and a
#   masking method other than none.
# custom:
#   control_id: SOC2-CM-08
#   framework: SOC 2
#   section: TSC CC8.1 (protects confidential and personal information, 2022 points of focus)
#   severity: high
#   stages: [merge]
package gate.controls.soc2["cm-08"]

import data.gate.lib.config
import data.gate.lib.dates
import data.gate.lib.result

control := result.control(rego.metadata.chain())

_scan := object.get(input.bundle, ["security", "pii_scan"], {})

_max_age_days := config.settings.soc2.pii_scan_max_age_days

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("no personal-data scan of non-production data in the last %v days", [_max_age_days]),
	"$.security.pii_scan.scanned_at",
	"scan non-production datasets, fixtures and artefacts for personal data",
) if {
	not _recent(object.get(_scan, "scanned_at", null))
}

_recent(ts) if dates.within_days(ts, input.context.now, _max_age_days)

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the personal-data scan found %v unmasked finding(s), or its result is not recorded", [object.get(_scan, "non_prod_pii_found", "an unknown number of")]),
	"$.security.pii_scan.non_prod_pii_found",
	"mask or remove the personal data found outside production and rescan",
) if {
	object.get(_scan, "non_prod_pii_found", -1) != 0
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("dataset %v is outside production without masking (masking_method %v)", [object.get(ds, "name", i), object.get(ds, "masking_method", "unset")]),
	sprintf("$.data.datasets[%d].masking_method", [i]),
	"mask, pseudonymise or synthesise the dataset before using it outside production, and record the method",
) if {
	some i, ds in object.get(input.bundle, ["data", "datasets"], [])
	object.get(ds, "env", "") != "production"
	object.get(ds, "masking_method", "none") == "none"
}
