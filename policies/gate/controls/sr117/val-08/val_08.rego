# METADATA
# title: Periodic review and revalidation not overdue
# description: |
#   The last revalidation is within the tier's interval (settings
#   sr117.tiers.<tier>.revalidation_months), the inventory's next validation date has
#   not passed and does not exceed that interval, and the last periodic review is
#   recent enough. The review interval depends on the guidance applied on the decision
#   date (settings sr117.guidance, and before SR 26-2 was issued SR 11-7 whatever the
#   setting): under SR 26-2, which drops the fixed annual cadence in favour of
#   materiality, it is the tier's periodic_review_months; under SR 11-7 ("at least
#   annually") it is the guidance's fixed_periodic_review_months (12) for every model,
#   not stretched by tier. The message names the guidance applied and the one in force. Overdue models
#   are blocked from promotion and flagged at monitoring.
# custom:
#   control_id: SR117-VAL-08
#   framework: SR 11-7 / SR 26-2
#   section: SR 11-7 §V (periodic review at least annually; revalidation); SR 26-2 §V (risk-based review cadence)
#   severity: high
#   stages: [production, monitoring]
#   effective_from_data: [sr117, guidances, "SR 11-7", effective_from]
package gate.controls.sr117["val-08"]

import data.gate.controls.sr117.lib
import data.gate.lib.dates
import data.gate.lib.result

control := result.control(rego.metadata.chain())

_inventory := object.get(input.bundle, "inventory", {})

# The intervals are the policy data's alone (settings sr117.tiers.<tier>): no fallback
# here, and one that is not a whole number of months is reported below.
_revalidation_months := lib.tier.revalidation_months

# The review interval in months: a guidance with a fixed cadence (SR 11-7: at least
# annually) sets it for every model, whatever its tier; otherwise the tier's.
review_months := lib.rules.fixed_periodic_review_months

review_months := lib.tier.periodic_review_months if not lib.rules.fixed_periodic_review_months

_whole_months(n) if {
	is_number(n)
	n >= 1
	n == floor(n)
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the policy data's %s for %s-tier models is %s, not a whole number of months", [key, input.bundle.model.risk_tier, json.marshal(object.get(tier, key, null))]),
	sprintf("data.gate.config.sr117.tiers.%s.%s", [input.bundle.model.risk_tier, key]),
	"set the interval in the policy data (or an override) to a whole number of months",
) if {
	tier := lib.tier
	some key in ["revalidation_months", "periodic_review_months"]
	not _whole_months(object.get(tier, key, null))
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the MRM guidance setting %v names no known guidance (known: %s)", [lib.guidance, concat(", ", sort(object.keys(lib.settings.guidances)))]),
	"data.gate.config.sr117.guidance",
	"set sr117.guidance in the policy data (or an override) to a known guidance",
) if {
	not lib.rules
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the inventory record has no valid %s", [field]),
	sprintf("$.inventory.%s", [field]),
	"record the date (YYYY-MM-DD) of the last periodic review, the last validation and the next validation due",
) if {
	some field in ["last_periodic_review_date", "last_validation_date", "next_validation_due"]
	not dates.is_date(object.get(_inventory, field, null))
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the last periodic review (%s) is more than %d months old under %s; it was due by %s", [_inventory.last_periodic_review_date, review_months, lib.note, due]),
	"$.inventory.last_periodic_review_date",
	"complete the periodic review and record its date in the inventory",
) if {
	dates.is_date(_inventory.last_periodic_review_date)
	due := dates.add_months(_inventory.last_periodic_review_date, review_months)
	due < lib.today
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the last validation (%s) is more than %d months old for a %s-tier model; revalidation was due by %s", [_inventory.last_validation_date, _revalidation_months, input.bundle.model.risk_tier, due]),
	"$.inventory.last_validation_date",
	"revalidate the model and record the date in the inventory",
) if {
	dates.is_date(_inventory.last_validation_date)
	due := dates.add_months(_inventory.last_validation_date, _revalidation_months)
	due < lib.today
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the next validation was due on %s", [_inventory.next_validation_due]),
	"$.inventory.next_validation_due",
	"revalidate the model, or record the approved new due date in the inventory",
) if {
	dates.is_date(_inventory.next_validation_due)
	_inventory.next_validation_due < lib.today
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the next validation due date %s is later than the %d-month %s-tier interval allows (%s)", [_inventory.next_validation_due, _revalidation_months, input.bundle.model.risk_tier, latest]),
	"$.inventory.next_validation_due",
	"set the next validation date within the tier's revalidation interval",
) if {
	dates.is_date(_inventory.next_validation_due)
	dates.is_date(_inventory.last_validation_date)
	latest := dates.add_months(_inventory.last_validation_date, _revalidation_months)
	_inventory.next_validation_due > latest
}
