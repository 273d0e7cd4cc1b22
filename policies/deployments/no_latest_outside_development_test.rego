package idp.deployments_test

import data.idp.deployments
import data.idp.testing

latest := {"image": "registry.local/shop:latest", "tag": "latest", "digest": null}

untagged := {"image": "registry.local/shop", "tag": null, "digest": null}

test_latest_denied_in_staging if {
	denied := deployments.deny with input as testing.deploy("staging", latest)
	testing.messages(denied, "deployments.no_latest_outside_development") == {"deployment.image registry.local/shop:latest runs the tag latest, which only development and preview environments may; a staging environment needs a version tag or a digest"}
}

test_no_tag_and_no_digest_means_latest if {
	denied := deployments.deny with input as testing.deploy("production", untagged)
	"deployments.no_latest_outside_development" in testing.rules(denied)
}

test_latest_allowed_in_development_and_preview if {
	development := deployments.deny with input as testing.deploy("development", latest)
	count(development) == 0
	preview := deployments.deny with input as testing.deploy("preview", untagged)
	count(preview) == 0
}

test_a_digest_without_tag_is_a_version if {
	pinned := {"image": "registry.local/shop@sha256:abc", "tag": null, "digest": "sha256:abc"}
	denied := deployments.deny with input as testing.deploy("staging", pinned)
	count(denied) == 0
}

test_latest_denied_for_a_requested_environment if {
	denied := deployments.deny with input as testing.request("staging", {"image": "registry.local/shop:latest"})
	testing.messages(denied, "deployments.no_latest_outside_development") == {"environment.image registry.local/shop:latest runs the tag latest, which only development and preview environments may; a staging environment needs a version tag or a digest"}
}
