# METADATA
# title: Statistics the policies recompute
# description: |
#   Rego has no logarithm, so ln is computed here: x = m * 2^k with m in [1, 2), and
#   ln(m) = 2 * atanh((m - 1) / (m + 1)) summed to 21 terms (|y| <= 1/3, so the error
#   is below 1e-19). psi recomputes the population stability index from binned shares,
#   the way the gate's own monitor does (shares floored at share_floor). Not a control.
package gate.lib.stats

_ln2 := 0.6931471805599453

_pow(x, n) := product([x | some _ in numbers.range(1, n)]) if n > 0

_pow(_, 0) := 1

_pow(x, n) := 1 / product([x | some _ in numbers.range(1, 0 - n)]) if n < 0

# 2^k for k in -60..60, computed once per evaluation.
_powers_of_two := {k: _pow(2, k) | some k in numbers.range(-60, 60)}

_exponent(x) := max({k | some k, p in _powers_of_two; p <= x})

_series_term(y, j) := _pow(y, (2 * j) + 1) / ((2 * j) + 1)

_ln_unit(m) := 2 * sum([t | some j in numbers.range(0, 20); t := _series_term(y, j)]) if {
	y := (m - 1) / (m + 1)
}

# ln is the natural logarithm of a positive number between 2^-60 and 2^61.
ln(x) := (k * _ln2) + _ln_unit(x / _powers_of_two[k]) if {
	x > 0
	k := _exponent(x)
}

# psi is sum((a - e) * ln(a / e)) over the bins, each share floored at floor; undefined
# unless expected and actual are lists of numbers of the same length.
psi(expected, actual, floor) := sum([part |
	some i, raw_e in expected
	e := max({raw_e, floor})
	a := max({actual[i], floor})
	part := (a - e) * ln(a / e)
]) if {
	count(expected) == count(actual)
	every v in array.concat(expected, actual) {
		is_number(v)
	}
}
