package idp.deployments_test

import data.idp.deployments
import data.idp.testing

test_min_replicas_allows_two_in_production if {
	denied := deployments.deny with input as testing.deploy("production", {"replicas": 2})
	count(denied) == 0
}

test_min_replicas_denies_one_in_production if {
	denied := deployments.deny with input as testing.deploy("production", {"replicas": 1})
	testing.messages(denied, "deployments.production_min_replicas") == {"deployment.replicas is 1; a production environment runs at least 2 replicas"}
}

test_min_replicas_applies_to_rollbacks if {
	denied := deployments.deny with input as testing.rollback("production", {"replicas": 0})
	"deployments.production_min_replicas" in testing.rules(denied)
}

test_min_replicas_not_for_other_types if {
	denied := deployments.deny with input as testing.deploy("staging", {"replicas": 1})
	count(denied) == 0
}

test_min_replicas_of_a_requested_environment if {
	denied := deployments.deny with input as testing.request("production", {"replicas": 1})
	testing.messages(denied, "deployments.production_min_replicas") == {"environment.replicas is 1; a production environment runs at least 2 replicas"}
	unset := deployments.deny with input as testing.request("production", {"replicas": null})
	count(unset) == 0
}
