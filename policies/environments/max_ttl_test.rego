package idp.environments_test

import data.idp.environments
import data.idp.testing

test_max_ttl_allows_up_to_the_types_maximum if {
	denied := environments.deny with input as testing.request("preview", {"ttl": "3d"})
	count(denied) == 0
}

test_max_ttl_denies_longer_than_the_type_allows if {
	denied := environments.deny with input as testing.request("preview", {"ttl": "PT96H"})
	testing.messages(denied, "environments.max_ttl") == {"environment.ttl PT96H is longer than the type allows for preview environments (at most 3d)"}
}

test_max_ttl_applies_to_extending if {
	denied := environments.deny with input as testing.extend("preview", "4d")
	"environments.max_ttl" in testing.rules(denied)
	allowed := environments.deny with input as testing.extend("preview", "2d")
	count(allowed) == 0
}

test_max_ttl_holds_a_team_to_its_own_shorter_limit if {
	denied := environments.deny with input as testing.request("preview", {"ttl": "2d"})
		with data.idp.config.environments.limits.teams["group:default/team-a"] as {"maxTtl": {"preview": "1d"}}
	testing.messages(denied, "environments.max_ttl") == {"environment.ttl 2d is longer than the limit of group:default/team-a allows for preview environments (at most 1d)"}
}

test_max_ttl_names_only_the_tightest_limit if {
	denied := environments.deny with input as testing.request("preview", {"ttl": "5d"})
		with data.idp.config.environments.limits.teams["group:default/team-a"] as {"maxTtl": {"preview": "4d"}}
	testing.messages(denied, "environments.max_ttl") == {"environment.ttl 5d is longer than the type allows for preview environments (at most 3d)"}
}

test_max_ttl_without_a_limit_or_a_ttl if {
	no_limit := environments.deny with input as testing.request("development", {"ttl": "365d"})
	count(no_limit) == 0
	no_ttl := environments.deny with input as testing.request("preview", {"ttl": null})
	count(no_ttl) == 0
}
