# METADATA
# title: Statistics the policies recompute
# description: |
#   Rego has no logarithm, so ln is computed here: x = m * 2^k with m in [1, 2), and
#   ln(m) = 2 * atanh((m - 1) / (m + 1)) summed to 21 terms (|y| <= 1/3, so the error
#   is below 1e-19), in Horner form so that each term costs one multiplication. psi
#   recomputes the population stability index from binned shares, the way the gate's own
#   monitor does (shares floored at share_floor). Not a control.
package gate.lib.stats

_ln2 := 0.6931471805599453

_pow(x, n) := product([x | some _ in numbers.range(1, n)]) if n > 0

_pow(_, 0) := 1

_pow(x, n) := 1 / product([x | some _ in numbers.range(1, 0 - n)]) if n < 0

# 2^k for k in -60..60, computed once per evaluation.
_powers_of_two := {k: _pow(2, k) | some k in numbers.range(-60, 60)}

# 2^(8j) for j in -8..7: the exponent is found among 16 of these, then among 8 powers of
# two, instead of among all 121.
_powers_of_256 := {j: _pow(2, 8 * j) | some j in numbers.range(-8, 7)}

# _exponent(x) is the largest k in -60..60 with 2^k <= x.
_exponent(x) := max({k |
	some i in numbers.range(0, 7)
	k := (8 * j) + i
	_powers_of_two[k] <= x
}) if {
	j := max({j | some j, p in _powers_of_256; p <= x})
}

# 1 + z/3 + z^2/5 + ... + z^20/41 in Horner form: 21 terms, one multiplication each
# (the series summed term by term costs 441).
_atanh_series(z) := s0 if {
	s20 := 1 / 41
	s19 := (1 / 39) + (z * s20)
	s18 := (1 / 37) + (z * s19)
	s17 := (1 / 35) + (z * s18)
	s16 := (1 / 33) + (z * s17)
	s15 := (1 / 31) + (z * s16)
	s14 := (1 / 29) + (z * s15)
	s13 := (1 / 27) + (z * s14)
	s12 := (1 / 25) + (z * s13)
	s11 := (1 / 23) + (z * s12)
	s10 := (1 / 21) + (z * s11)
	s9 := (1 / 19) + (z * s10)
	s8 := (1 / 17) + (z * s9)
	s7 := (1 / 15) + (z * s8)
	s6 := (1 / 13) + (z * s7)
	s5 := (1 / 11) + (z * s6)
	s4 := (1 / 9) + (z * s5)
	s3 := (1 / 7) + (z * s4)
	s2 := (1 / 5) + (z * s3)
	s1 := (1 / 3) + (z * s2)
	s0 := 1 + (z * s1)
}

_ln_unit(m) := (2 * y) * _atanh_series(y * y) if {
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
