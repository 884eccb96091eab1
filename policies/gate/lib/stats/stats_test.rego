package gate.lib.stats_test

import data.gate.lib.stats

_close(a, b) if abs(a - b) < 1e-12

test_success_ln_known_values if {
	# reference values: ln 2, ln 10, ln 0.5, ln 1e-4 to 16 digits (any table of logarithms)
	_close(stats.ln(1), 0)
	_close(stats.ln(2), 0.6931471805599453)
	_close(stats.ln(10), 2.302585092994046)
	_close(stats.ln(0.5), -0.6931471805599453)
	_close(stats.ln(0.0001), -9.210340371976184)
}

test_fail_ln_undefined_for_non_positive if {
	not stats.ln(0)
	not stats.ln(-1)
}

test_success_psi_by_hand if {
	# two bins 0.5/0.5 -> 0.3/0.7: (0.3-0.5) ln(0.6) + (0.7-0.5) ln(1.4) = 0.16945957207744
	abs(stats.psi([0.5, 0.5], [0.3, 0.7], 0.0001) - 0.16945957207744) < 1e-10
	stats.psi([0.2, 0.8], [0.2, 0.8], 0.0001) == 0
}

test_success_empty_bin_floored if {
	# actual [0, 1] floors the empty bin at 1e-4: (1e-4 - 0.1) ln(1e-3) + (1 - 0.9) ln(1 / 0.9) = 0.70062080393610
	abs(stats.psi([0.1, 0.9], [0, 1], 0.0001) - 0.7006208039361) < 1e-9
}

test_fail_psi_undefined_on_malformed_bins if {
	not stats.psi([0.5, 0.5], [1], 0.0001)
	not stats.psi([0.5, "x"], [0.5, 0.5], 0.0001)
}
