package gate.lib.values_test

import data.gate.lib.values

test_success_present_values if {
	values.present("x")
	values.present([1])
	values.present({"a": 1})
	values.present(0)
	values.present(false)
}

test_fail_empty_values_are_missing if {
	values.missing({"a": "", "b": [], "c": {}, "d": "  ", "e": "ok"}, ["a", "b", "c", "d", "e", "f"]) == {"a", "b", "c", "d", "f"}
}

test_success_digests if {
	values.sha256_digest("sha256:4d0facd44515f7e2b02b6b685a9c6e30cddb7e9e207fc91128618167d2e2aca4")
	values.hex("46955eda4c13726b609071049f8c56231f1565f5", 40)
}

test_fail_malformed_digests if {
	not values.sha256_digest("sha256:4D0FACD4")
	not values.sha256_digest("md5:0ea3adac39e0150d2606c5ab81035c8e")
	not values.hex("46955eda", 40)
}
