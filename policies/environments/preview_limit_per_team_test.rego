package idp.environments_test

import data.idp.environments
import data.idp.testing

test_preview_limit_allows_a_fifth if {
	inp := testing.request("preview", {"ttl": "4h"})
	denied := environments.deny with input as object.union(inp, {"counts": {"ownerEnvironmentsOfType": 4}})
	count(denied) == 0
}

test_preview_limit_denies_a_sixth if {
	inp := testing.request("preview", {"ttl": "4h", "name": "pr-42"})
	denied := environments.deny with input as object.union(inp, {"counts": {"ownerEnvironmentsOfType": 5}})
	testing.messages(denied, "environments.preview_limit_per_team") == {"group:default/team-a already has 5 live preview environments (at most 5 per team); delete one or let its time to live run out before requesting pr-42"}
}

test_preview_limit_is_not_for_other_types if {
	inp := testing.request("staging", {})
	denied := environments.deny with input as object.union(inp, {"counts": {"ownerEnvironmentsOfType": 5}})
	not "environments.preview_limit_per_team" in testing.rules(denied)
}

test_preview_limit_of_a_team_with_its_own if {
	inp := testing.request("preview", {"ttl": "4h", "ownerRef": "group:default/platform-team"})
	denied := environments.deny with input as object.union(inp, {"counts": {"ownerEnvironmentsOfType": 9}})
	not "environments.preview_limit_per_team" in testing.rules(denied)
}

test_preview_limit_comes_from_data if {
	inp := testing.request("preview", {"ttl": "4h"})
	denied := environments.deny with input as object.union(inp, {"counts": {"ownerEnvironmentsOfType": 2}})
		with data.idp.config.environments.limits.default.previewEnvironments as 2
	"environments.preview_limit_per_team" in testing.rules(denied)
}
