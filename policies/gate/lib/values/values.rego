# METADATA
# title: Value helpers
# description: |
#   The one vocabulary every control uses to ask whether evidence is there: text,
#   non-empty lists and objects, numbers and booleans, hex digests. Not a control.
package gate.lib.values

# text holds for a string with something other than white space in it.
text(v) if {
	is_string(v)
	trim_space(v) != ""
}

# items holds for a non-empty list.
items(v) if {
	is_array(v)
	count(v) > 0
}

# present holds for text, a non-empty list or object, and any number or boolean.
present(v) if text(v)

present(v) if items(v)

present(v) if {
	is_object(v)
	count(v) > 0
}

present(v) if is_number(v)

present(v) if is_boolean(v)

# missing returns the fields of obj that are absent or empty.
missing(obj, fields) := {f |
	some f in fields
	not present(object.get(obj, f, null))
}

# hex holds for a string of exactly n lowercase hex digits.
hex(v, n) if {
	is_string(v)
	regex.match(sprintf("^[0-9a-f]{%d}$", [n]), v)
}

# sha256_digest holds for "sha256:" followed by 64 lowercase hex digits.
sha256_digest(v) if {
	is_string(v)
	regex.match(`^sha256:[0-9a-f]{64}$`, v)
}
