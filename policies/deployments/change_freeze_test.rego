package idp.deployments_test

import data.idp.deployments
import data.idp.testing

friday_message := "production environments are frozen during the Weekend freeze (Friday 15:00 to Monday 00:00, Europe/Berlin); deploys and promotions resume Monday 00:00, rollbacks are allowed"

test_freeze_denies_production_on_friday_afternoon if {
	denied := deployments.deny with input as testing.at(testing.deploy("production", {}), "Friday", 15, 0)
	testing.messages(denied, "deployments.change_freeze") == {friday_message}
}

test_freeze_lasts_the_weekend if {
	saturday := deployments.deny with input as testing.at(testing.deploy("production", {}), "Saturday", 10, 0)
	"deployments.change_freeze" in testing.rules(saturday)
	sunday := deployments.deny with input as testing.at(testing.deploy("production", {}), "Sunday", 23, 59)
	"deployments.change_freeze" in testing.rules(sunday)
}

test_freeze_not_before_or_after if {
	before := deployments.deny with input as testing.at(testing.deploy("production", {}), "Friday", 14, 59)
	count(before) == 0
	after := deployments.deny with input as testing.at(testing.deploy("production", {}), "Monday", 0, 0)
	count(after) == 0
}

test_freeze_denies_promotions if {
	inp := testing.promote("staging", "production", "2026-12-04T09:00:00Z")
	denied := deployments.deny with input as testing.at(inp, "Friday", 16, 30)
	testing.messages(denied, "deployments.change_freeze") == {friday_message}
}

test_freeze_allows_rollbacks if {
	denied := deployments.deny with input as testing.at(testing.rollback("production", {}), "Friday", 16, 30)
	count(denied) == 0
}

test_freeze_only_for_frozen_types if {
	denied := deployments.deny with input as testing.at(testing.deploy("staging", {}), "Friday", 16, 30)
	count(denied) == 0
}

year_end := [{"name": "Year-end freeze", "start": "2026-12-21T00:00:00+01:00", "end": "2027-01-04T00:00:00+01:00"}]

test_freeze_denies_inside_a_calendar_window if {
	inp := object.union(testing.deploy("production", {}), {"now": "2026-12-28T09:00:00Z"})
	denied := deployments.deny with input as inp with data.idp.config.freeze.windows as year_end
	testing.messages(denied, "deployments.change_freeze") == {"production environments are frozen during the Year-end freeze (2026-12-21T00:00:00+01:00 to 2027-01-04T00:00:00+01:00); deploys and promotions resume 2027-01-04T00:00:00+01:00, rollbacks are allowed"}
}

test_freeze_calendar_window_edges if {
	# start inclusive, in the window's own offset: 2026-12-20T23:00:00Z is its first second
	first := object.union(testing.deploy("production", {}), {"now": "2026-12-20T23:00:00Z"})
	denied := deployments.deny with input as first with data.idp.config.freeze.windows as year_end
	"deployments.change_freeze" in testing.rules(denied)
	before := object.union(testing.deploy("production", {}), {"now": "2026-12-20T22:59:59Z"})
	allowed_before := deployments.deny with input as before with data.idp.config.freeze.windows as year_end
	count(allowed_before) == 0
	end := object.union(testing.deploy("production", {}), {"now": "2027-01-03T23:00:00Z"})
	allowed_at_end := deployments.deny with input as end with data.idp.config.freeze.windows as year_end
	count(allowed_at_end) == 0
}
