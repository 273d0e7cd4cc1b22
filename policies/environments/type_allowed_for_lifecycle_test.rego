package idp.environments_test

import data.idp.environments
import data.idp.testing

test_lifecycle_allows_its_types if {
	denied := environments.deny with input as testing.request("preview", {"lifecycle": "experimental", "ttl": "4h"})
	count(denied) == 0
}

test_lifecycle_denies_production_for_an_experiment if {
	denied := environments.deny with input as testing.request("production", {"lifecycle": "experimental"})
	testing.messages(denied, "environments.type_allowed_for_lifecycle") == {"environment.type production is not allowed for component:default/shop, whose lifecycle is experimental (allowed: development, preview)"}
}

test_lifecycle_denies_previews_of_a_deprecated_component if {
	denied := environments.deny with input as testing.request("preview", {"lifecycle": "deprecated", "ttl": "4h"})
	"environments.type_allowed_for_lifecycle" in testing.rules(denied)
}

test_lifecycle_unknown_or_unlisted_is_not_restricted if {
	no_lifecycle := environments.deny with input as testing.request("production", {"lifecycle": null})
	count(no_lifecycle) == 0
	unlisted := environments.deny with input as testing.request("production", {"lifecycle": "beta"})
	count(unlisted) == 0
}

test_lifecycle_is_checked_on_request_only if {
	denied := environments.deny with input as testing.extend("production", null)
		with input.environment.lifecycle as "experimental"
	count(denied) == 0
}
