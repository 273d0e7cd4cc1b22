package idp.deployments_test

import data.idp.deployments
import data.idp.testing

test_registries_allow_a_listed_host if {
	denied := deployments.deny with input as testing.deploy("production", {})
	count(denied) == 0
}

test_registries_allow_a_listed_path if {
	image := {"image": "ghcr.io/acme/shop:1.2.3", "registry": "ghcr.io", "repository": "ghcr.io/acme/shop", "digest": null}
	denied := deployments.deny with input as testing.deploy("staging", image)
	count(denied) == 0
}

test_registries_deny_another_registry if {
	image := {"image": "docker.io/library/nginx:1.27", "registry": "docker.io", "repository": "docker.io/library/nginx", "tag": "1.27", "digest": null}
	denied := deployments.deny with input as testing.deploy("staging", image)
	testing.messages(denied, "deployments.allowed_registries") == {"deployment.image docker.io/library/nginx:1.27 is not from an allowed registry (allowed: registry.local, ghcr.io/acme, registry.acme.example)"}
}

test_registries_deny_a_name_that_only_starts_like_a_listed_path if {
	image := {"image": "ghcr.io/acmeco/shop:1", "registry": "ghcr.io", "repository": "ghcr.io/acmeco/shop", "tag": "1", "digest": null}
	denied := deployments.deny with input as testing.deploy("staging", image)
	"deployments.allowed_registries" in testing.rules(denied)
}

test_registries_apply_to_rollbacks if {
	image := {"image": "quay.io/x/shop:1", "registry": "quay.io", "repository": "quay.io/x/shop", "tag": "1", "digest": null}
	denied := deployments.deny with input as testing.rollback("staging", image)
	"deployments.allowed_registries" in testing.rules(denied)
}

test_registries_check_a_requested_environments_image if {
	denied := deployments.deny with input as testing.request("development", {"image": "nginx:1.27"})
	testing.messages(denied, "deployments.allowed_registries") == {"environment.image nginx:1.27 is not from an allowed registry (allowed: registry.local, ghcr.io/acme, registry.acme.example)"}
	allowed := deployments.deny with input as testing.request("development", {"image": "registry.local/shop:2"})
	count(allowed) == 0
	no_image := deployments.deny with input as testing.request("development", {"image": null})
	count(no_image) == 0
}

test_registries_come_from_data if {
	denied := deployments.deny with input as testing.deploy("production", {})
		with data.idp.config.registries as ["ghcr.io/acme"]
	testing.rules(denied) == {"deployments.allowed_registries"}
}

test_registries_deny_what_is_no_image_reference if {
	denied := deployments.deny with input as testing.request("staging", {"image": "Registry.Local/Shop:1"})
	testing.rules(denied) == {"deployments.allowed_registries"}
	testing.messages(denied, "deployments.allowed_registries") == {"environment.image Registry.Local/Shop:1 is not from an allowed registry (allowed: registry.local, ghcr.io/acme, registry.acme.example)"}
}
