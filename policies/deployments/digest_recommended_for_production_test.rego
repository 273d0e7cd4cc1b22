package idp.deployments_test

import data.idp.deployments
import data.idp.testing

tag_only := {"image": "registry.local/shop:1.2.3", "tag": "1.2.3", "digest": null}

test_digest_recommended_warns_for_a_tag_in_production if {
	warned := deployments.warn with input as testing.deploy("production", tag_only)
	testing.messages(warned, "deployments.digest_recommended_for_production") == {"deployment.image registry.local/shop:1.2.3 names a tag but no digest; for production, deploy registry.local/shop:1.2.3@sha256:... so that what runs is exactly what was tested"}
	denied := deployments.deny with input as testing.deploy("production", tag_only)
	count(denied) == 0
}

test_digest_recommended_silent_with_a_digest if {
	warned := deployments.warn with input as testing.deploy("production", {})
	count(warned) == 0
}

test_digest_recommended_silent_elsewhere if {
	warned := deployments.warn with input as testing.deploy("staging", tag_only)
	count(warned) == 0
}
