package idp.promotions_test

import data.idp.promotions
import data.idp.testing

test_stage_order_denies_skipping_staging if {
	denied := promotions.deny with input as testing.promote("development", "production", "2026-12-01T10:00:00Z")
	testing.messages(denied, "promotions.stage_order") == {"promotion.from.type development cannot be promoted to a production environment (promote from: staging)"}
}

test_stage_order_allows_listed_sources if {
	staging := promotions.deny with input as testing.promote("preview", "staging", "2026-12-01T10:00:00Z")
	count(staging) == 0
	unlisted_target := promotions.deny with input as testing.promote("staging", "development", "2026-12-01T10:00:00Z")
	count(unlisted_target) == 0
}
