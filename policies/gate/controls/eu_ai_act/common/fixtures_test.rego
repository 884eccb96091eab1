# Shared test fixture: a compact EU AI Act evidence bundle, valid for every control in
# the framework, and helpers to build the policy input around it.
package gate.controls.eu_ai_act.fixtures_test

now := "2027-12-15T00:00:00Z"

digest := "sha256:0000000000000000000000000000000000000000000000000000000000000001"

# policy_input wraps a bundle in the policy input at a stage and time.
policy_input(b, stage, at) := {
	"bundle": b,
	"stage": stage,
	"context": {"now": at, "bundle_digest": digest, "repository": "acme/model", "ci": {}},
	"approvals": [],
}

# at_stage is the fixture bundle at a stage, in force.
at_stage(stage) := policy_input(bundle, stage, now)

# patched applies JSON-patch operations to the fixture bundle.
patched(ops) := json.patch(bundle, ops)

# without removes fields (JSON pointers) from the fixture bundle.
without(paths) := json.remove(bundle, paths)

# put replaces (or adds) one field given as a JSON pointer.
put(path, value) := json.patch(bundle, [{"op": "add", "path": path, "value": value}])

bundle := {
	"model": {
		"id": "credit-pd-retail",
		"version": "3.0.0",
		"use_case": "credit",
		"risk_tier": "high",
		"jurisdictions": [
			"US",
			"EU",
		],
		"continuous_learning": false,
	},
	"inventory": {
		"owner_id": "omar-owner",
		"developer_ids": [
			"dana-dev",
			"lee-dev",
		],
	},
	"artifact": {
		"sbom_uri": "sbom/credit-pd-retail-serving.cdx.json",
	},
	"data": {
		"datasets": [
			{
				"name": "train-2021-2024h1",
				"role": "train",
				"quality": {
					"missing_rate": 0.012,
					"label_error_rate": 0.006,
					"duplicate_rate": 0.0004,
				},
				"representativeness": {
					"reference_population": "2026 through-the-door applicants (US and EU)",
					"segments": [
						"age_band:18-24",
						"age_band:25-61",
					],
					"coverage_ratio_min": 0.88,
					"psi_vs_target": 0.046,
				},
				"context": {
					"geography": "US (all states) and EU (NL, DE, IE)",
					"channel": "online, branch, broker",
				},
			},
		],
		"governance": {
			"design_choices": "Application-level records; target is 90+ days past due within 12 months; rejected applications handled by parcelling.",
			"collection_origin": "Loan origination system and bureau pulls made at application time, 2021-2024, all US and EU branches and online.",
			"personal_data_original_purpose": "Credit decisioning and account servicing under the loan agreement.",
			"preparation_ops": [
				"Outcome labelling from servicing data",
				"De-duplication of repeat applications",
				"Winsorising of income at the 99.5th percentile",
				"Weight-of-evidence binning",
			],
			"assumptions": [
				"2021-2024 applicants represent the 2027 through-the-door population after reweighting",
				"Bureau data is current at application time",
			],
			"proxies": [
				{
					"name": "bureau_score",
					"proxy_for": "Historical repayment behaviour",
					"justification": "Standard industry summary of repayment history; reviewed for disparate impact.",
				},
			],
			"availability_assessment": "412k labelled applications; every segment above the 2,000-record minimum.",
			"bias_examination": {
				"uri": "reports/fairness/data-bias-examination.html",
				"attributes": [
					"race",
					"sex",
					"age_band",
				],
				"method": "BISG-proxied race, observed sex and age; label-rate and coverage comparison against census reference.",
				"findings": [
					"Applicants aged 18-24 under-represented by 12% relative to the reference population; corrected by reweighting.",
				],
			},
			"bias_mitigations": [
				"Sample reweighting by age band",
				"Removal of zip-code-derived features",
			],
			"data_gaps": [
				"No outcome labels for declined applicants; reject inference by parcelling documented in section 6.4.",
			],
			"special_category_processing": {
				"used": true,
				"necessity_rationale": "Proxied race is needed to test for disparate impact; no other data allows the test.",
				"safeguards": [
					"Held in a separate enclave",
					"Pseudonymised keys",
					"Not available to the scoring service",
				],
				"access_list": [
					"fiona-fairlending",
					"vera-validator",
				],
				"deletion_date": "2027-10-31",
				"ropa_ref": "ROPA-2026-031",
			},
		},
	},
	"testing": {
		"thresholds": {
			"auc": {
				"min": 0.75,
				"defined_at": "2026-06-05T09:30:00Z",
				"defined_in_commit": "7276bd91f3371d7200e0808e5a255393f8820b03",
			},
			"brier": {
				"max": 0.09,
				"defined_at": "2026-06-05T09:30:00Z",
				"defined_in_commit": "7276bd91f3371d7200e0808e5a255393f8820b03",
			},
		},
		"results": {
			"auc": 0.781,
			"gini": 0.562,
			"ks": 0.412,
			"brier": 0.071,
		},
		"ran_at": "2026-07-20T14:10:00Z",
		"robustness": {
			"uri": "reports/testing/robustness.html",
			"pass": true,
		},
		"security": {
			"data_poisoning": {
				"tested": true,
				"result": "pass",
				"uri": "reports/security/poisoning.html",
			},
			"model_poisoning": {
				"tested": true,
				"result": "pass",
				"uri": "reports/security/supply-chain.html",
			},
			"evasion": {
				"tested": true,
				"result": "mitigated",
				"uri": "reports/security/evasion.html",
			},
			"confidentiality": {
				"tested": true,
				"result": "pass",
				"uri": "reports/security/membership-inference.html",
			},
			"model_flaws": {
				"tested": true,
				"result": "pass",
				"uri": "reports/security/model-flaws.html",
			},
		},
		"feedback_loop_controls": [
			"Model is static; retraining only through a new gated version",
			"Approved-only outcome bias handled by reject inference",
		],
	},
	"ops": {
		"serving_config": {
			"uri": "config/serving/credit-pd-retail.yaml",
			"digest": "sha256:98a5d52ae0c73167dadd6a9ff16ac627dabb42c943f209357e1c07ddc151cf53",
		},
		"fallback": {
			"mode": "Route to manual underwriting queue",
			"tested_at": "2026-11-02T10:00:00Z",
		},
	},
	"change": {
		"id": "CHG-2026-0611",
		"type": "new_model",
		"first_commit_at": "2026-06-03T10:15:00Z",
	},
	"monitoring": {
		"job_status": "scheduled",
		"latest": {
			"period": {
				"start": "2026-10-01",
				"end": "2026-10-31",
			},
		},
		"incidents": [
			{
				"id": "INC-2026-118",
				"category": "general",
				"serious": false,
				"aware_at": "2026-10-14T08:20:00Z",
				"reported_at": "2026-10-20T10:00:00Z",
				"description": "Shadow-scoring feed delayed six hours; no customer decision affected; logged with the market surveillance authority as a precaution.",
			},
		],
	},
	"eu_ai_act": {
		"applicable": true,
		"role": "provider_and_deployer",
		"classification": {
			"annex_iii_point": "5(b)",
			"high_risk": true,
			"rationale": "Evaluates the creditworthiness of natural persons; no derogation claimed.",
			"profiling": true,
			"fraud_exception_claimed": false,
			"decided_at": "2026-05-20T10:00:00Z",
		},
		"risk_management": {
			"file_uri": "docs/eu-ai-act/risk-management.md",
			"version": "3.0",
			"model_version": "3.0.0",
			"misuse_scenarios": [
				"Use for pricing",
				"Use for collections prioritisation",
				"Use on small-business applicants",
			],
			"mitigations": [
				{
					"risk": "Disparate impact on younger applicants",
					"measure": "Reweighting and monotone constraints",
					"type": "design",
				},
				{
					"risk": "Use outside permitted purposes",
					"measure": "Serving API only reachable from the origination system",
					"type": "control",
				},
				{
					"risk": "Over-reliance by underwriters",
					"measure": "Instructions for use and training",
					"type": "information",
				},
			],
			"vulnerable_groups_considered": true,
			"residual_risk_acceptance": {
				"approver_id": "omar-owner",
				"date": "2026-10-25",
			},
		},
		"annex_iv": {
			"section_1": {
				"uri": "docs/eu-ai-act/annex-iv/section-1.md",
			},
			"section_2": {
				"uri": "docs/eu-ai-act/annex-iv/section-2.md",
			},
			"section_3": {
				"uri": "docs/eu-ai-act/annex-iv/section-3.md",
			},
			"section_4": {
				"uri": "docs/eu-ai-act/annex-iv/section-4.md",
			},
			"section_5": {
				"uri": "docs/eu-ai-act/annex-iv/section-5.md",
			},
			"section_6": {
				"uri": "docs/eu-ai-act/annex-iv/section-6.md",
			},
			"section_7": {
				"uri": "docs/eu-ai-act/annex-iv/section-7.md",
			},
			"section_8": {
				"uri": "docs/eu-ai-act/annex-iv/section-8.md",
			},
			"section_9": {
				"uri": "docs/eu-ai-act/annex-iv/section-9.md",
			},
			"model_version": "3.0.0",
			"updated_at": "2026-11-10T12:00:00Z",
		},
		"retention": {
			"docs_years": 10,
		},
		"test_reports": [
			{
				"uri": "reports/validation/VAL-2026-0193.pdf",
				"digest": "sha256:702cdc9cfc731b2d8f1615ac0bde99ce5216a704ebd47a10c2015dddfdeedd0b",
				"date": "2026-10-20",
				"signed_by": [
					"vera-validator",
					"victor-validator",
				],
				"signature": {
					"format": "sigstore",
					"uri": "reports/validation/VAL-2026-0193.pdf.sigstore.json",
					"verified": true,
				},
			},
		],
		"logging": {
			"enabled": true,
			"events": [
				"score_request",
				"score_response",
				"override",
				"fallback",
				"model_version_change",
			],
			"fields_map": {
				"risk": [
					"input_out_of_range",
					"fallback_reason",
				],
				"pmm": [
					"score",
					"model_version",
					"decision",
					"outcome_key",
				],
				"deployer_monitoring": [
					"override_flag",
					"underwriter_id",
				],
			},
			"retention_days": 2557,
			"store_uri": "s3://acme-ml-logs/credit-pd-retail/",
		},
		"ifu": {
			"uri": "docs/eu-ai-act/instructions-for-use.md",
			"sections": {
				"a": "#provider",
				"b_i": "#intended-purpose",
				"b_ii": "#accuracy-and-robustness",
				"b_iii": "#known-risks",
				"b_iv": "#explanations",
				"b_v": "#performance-by-group",
				"b_vi": "#input-data",
				"b_vii": "#reading-the-output",
				"c": "#predetermined-changes",
				"d": "#human-oversight",
				"e": "#resources-and-maintenance",
				"f": "#logs",
			},
			"declared_accuracy": {
				"auc": 0.781,
				"gini": 0.562,
				"ks": 0.412,
			},
		},
		"human_oversight": {
			"override_enabled": true,
			"disregard_path": "Underwriter selects 'manual decision' and records a reason.",
			"stop_mechanism_tested_at": "2026-11-04T09:00:00Z",
			"automation_bias_measures": [
				"Score shown after the underwriter's own assessment for referred cases",
				"Monthly override review",
			],
			"interpretation_tools": [
				"Principal reason codes",
				"Score band guide",
			],
			"assigned_overseers": [
				{
					"id": "ursula-underwriter",
					"training_completed_at": "2026-09-15T12:00:00Z",
				},
				{
					"id": "uma-underwriter",
					"training_completed_at": "2026-09-16T12:00:00Z",
				},
			],
		},
		"qms": {
			"ref": "QMS-RISK-2026",
			"modification_procedure_version": "4.2",
			"test_procedure_version": "3.1",
		},
		"predetermined_changes_uri": "docs/eu-ai-act/predetermined-changes.md",
		"substantial_modification": {
			"assessed": true,
			"is_substantial": false,
			"rationale": "First placing on the market of version 3; conformity assessed for this version, no later modification yet.",
		},
		"conformity": {
			"procedure": "annex_vi",
			"completed_at": "2026-11-12T17:00:00Z",
			"doc_uri": "docs/eu-ai-act/declaration-of-conformity.pdf",
			"doc_signed_by": "Chief Risk Officer, Acme Bank N.V.",
			"doc_signed_at": "2026-11-13T10:00:00Z",
			"ce_marking": true,
			"ce_marking_form": "digital",
			"eu_db_registration_id": "EUDB-HR-2026-004417",
		},
		"pmm_plan_uri": "docs/eu-ai-act/post-market-monitoring-plan.md",
		"incident_process": {
			"uri": "docs/eu-ai-act/serious-incident-process.md",
			"clock_days": {
				"general": 15,
				"death": 10,
				"widespread": 2,
			},
			"msa_contacts": [
				{
					"member_state": "NL",
					"authority": "Autoriteit Financi\u00eble Markten",
					"contact": "ai-incidents@example.nl",
				},
			],
		},
		"fria": {
			"uri": "docs/eu-ai-act/fria.md",
			"completed_at": "2026-11-14T12:00:00Z",
			"authority_notified_at": "2026-11-16T09:00:00Z",
		},
		"affected_person_notice_uri": "docs/eu-ai-act/applicant-notice.md",
		"explanation_process_uri": "docs/eu-ai-act/explanation-process.md",
	},
}
