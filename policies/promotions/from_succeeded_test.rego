package idp.promotions_test

import data.idp.promotions
import data.idp.testing

test_from_succeeded_denies_a_failed_source if {
	inp := testing.promote("staging", "production", null)
	denied := promotions.deny with input as inp with input.promotion.from.state as "failed"
	testing.messages(denied, "promotions.from_succeeded") == {"promotion.from.state is failed: only a deployment that succeeded in shop-staging may be promoted to shop-production"}
}

test_promotion_rules_only_for_promotions if {
	denied := promotions.deny with input as testing.deploy("production", {})
	count(denied) == 0
}
