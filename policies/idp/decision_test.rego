package idp_test

import data.idp
import data.idp.testing

test_decision_of_a_clean_request_is_empty if {
	idp.decision == {"deny": [], "warn": []} with input as testing.deploy("production", {})
	idp.decision == {"deny": [], "warn": []} with input as testing.request("preview", {"ttl": "4h"})
}

test_decision_lists_every_rule_sorted_by_rule_then_message if {
	inp := object.union(
		testing.deploy("production", {
			"image": "docker.io/library/shop:latest", "registry": "docker.io",
			"repository": "docker.io/library/shop", "tag": "latest", "digest": null, "replicas": 1,
		}),
		{"now": "2026-12-04T15:30:00Z"},
	)
	decision := idp.decision with input as testing.at(inp, "Friday", 16, 30)
	[v.rule | some v in decision.deny] == [
		"deployments.allowed_registries",
		"deployments.change_freeze",
		"deployments.no_latest_outside_development",
		"deployments.production_min_replicas",
	]
	decision.warn == []
}

test_decision_carries_warnings_apart_from_denials if {
	decision := idp.decision with input as testing.deploy("production", {"image": "registry.local/shop:1.2.3", "digest": null})
	decision.deny == []
	[v.rule | some v in decision.warn] == ["deployments.digest_recommended_for_production"]
}

test_decision_sorts_messages_of_one_rule if {
	windows := [
		{"name": "B freeze", "start": "2026-12-01T00:00:00Z", "end": "2026-12-03T00:00:00Z"},
		{"name": "A freeze", "start": "2026-12-01T00:00:00Z", "end": "2026-12-03T00:00:00Z"},
	]
	decision := idp.decision with input as testing.deploy("production", {}) with data.idp.config.freeze.windows as windows
	[v.message | some v in decision.deny] == [
		"production environments are frozen during the A freeze (2026-12-01T00:00:00Z to 2026-12-03T00:00:00Z); deploys and promotions resume 2026-12-03T00:00:00Z, rollbacks are allowed",
		"production environments are frozen during the B freeze (2026-12-01T00:00:00Z to 2026-12-03T00:00:00Z); deploys and promotions resume 2026-12-03T00:00:00Z, rollbacks are allowed",
	]
}

test_decision_of_every_area if {
	inp := testing.promote("development", "production", "2026-12-02T09:59:00Z")
	decision := idp.decision with input as inp
	[v.rule | some v in decision.deny] == ["promotions.soak_time", "promotions.stage_order"]
}
