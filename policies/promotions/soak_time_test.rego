package idp.promotions_test

import data.idp.promotions
import data.idp.testing

# testing.wednesday is 2026-12-02T10:00:00Z.

test_soak_time_allows_after_the_minutes if {
	denied := promotions.deny with input as testing.promote("staging", "production", "2026-12-02T09:30:00Z")
	count(denied) == 0
}

test_soak_time_denies_too_early if {
	denied := promotions.deny with input as testing.promote("staging", "production", "2026-12-02T09:49:30Z")
	testing.messages(denied, "promotions.soak_time") == {"promotion.from succeeded in shop-staging 10 minutes ago; promotions to production need 30 minutes there (possible in 20 minutes)"}
}

test_soak_time_reads_offsets if {
	# 10:45+01:00 is 09:45Z: 15 minutes before now
	denied := promotions.deny with input as testing.promote("staging", "production", "2026-12-02T10:45:00+01:00")
	"promotions.soak_time" in testing.rules(denied)
}

test_soak_time_not_for_a_type_without_one if {
	denied := promotions.deny with input as testing.promote("development", "staging", "2026-12-02T09:59:59Z")
	count(denied) == 0
}

test_soak_time_comes_from_data if {
	denied := promotions.deny with input as testing.promote("development", "staging", "2026-12-02T09:59:00Z")
		with data.idp.config.promotions.soakMinutes.staging as 5
	"promotions.soak_time" in testing.rules(denied)
}

test_soak_time_needs_the_time_it_succeeded if {
	denied := promotions.deny with input as testing.promote("staging", "production", null)
	testing.messages(denied, "promotions.soak_time") == {"promotion.from.succeededAt is missing or not an RFC 3339 time, so the time registry.local/shop:1.2.3@sha256:4f1c5a3e9d2b7c6a8e0f1d2c3b4a5968778695a4b3c2d1e0f9a8b7c6d5e4f3a2 has run in shop-staging is unknown"}
}
