package idp.environments_test

import data.idp.environments
import data.idp.testing

test_count_per_team_allows_below_the_limit if {
	inp := testing.request("development", {})
	denied := environments.deny with input as object.union(inp, {"counts": {"ownerEnvironments": 19}})
	not "environments.count_per_team" in testing.rules(denied)
}

test_count_per_team_denies_at_the_limit if {
	inp := testing.request("development", {})
	denied := environments.deny with input as object.union(inp, {"counts": {"ownerEnvironments": 20}})
	testing.messages(denied, "environments.count_per_team") == {"group:default/team-a already has 20 live environments, the most a team may have (at most 20); delete one before requesting shop-development"}
}

test_count_per_team_takes_the_teams_own_limit if {
	inp := testing.request("development", {"ownerRef": "group:default/platform-team"})
	allowed := environments.deny with input as object.union(inp, {"counts": {"ownerEnvironments": 20}})
	not "environments.count_per_team" in testing.rules(allowed)
	denied := environments.deny with input as object.union(inp, {"counts": {"ownerEnvironments": 50}})
	"environments.count_per_team" in testing.rules(denied)
}

test_count_per_team_does_not_apply_to_extending if {
	inp := testing.extend("preview", "1d")
	denied := environments.deny with input as object.union(inp, {"counts": {"ownerEnvironments": 99}})
	not "environments.count_per_team" in testing.rules(denied)
}
