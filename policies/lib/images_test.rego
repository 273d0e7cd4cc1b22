package idp.lib.images_test

import data.idp.lib.images

test_parse_a_tagged_image if {
	images.parse("registry.local/shop:1.2.3") == {
		"registry": "registry.local", "repository": "registry.local/shop",
		"tag": "1.2.3", "digest": null,
	}
}

test_parse_a_registry_with_a_port if {
	images.parse("localhost:5000/team/shop") == {
		"registry": "localhost:5000", "repository": "localhost:5000/team/shop",
		"tag": null, "digest": null,
	}
}

test_parse_tag_and_digest if {
	ref := images.parse("ghcr.io/acme/shop:1.0@sha256:abc123")
	ref.repository == "ghcr.io/acme/shop"
	ref.tag == "1.0"
	ref.digest == "sha256:abc123"
}

test_parse_docker_hub_names if {
	images.parse("nginx:1.27").repository == "docker.io/library/nginx"
	images.parse("nginx:1.27").registry == "docker.io"
	images.parse("bitnami/redis").repository == "docker.io/bitnami/redis"
}

test_parse_rejects_what_is_no_reference if {
	not images.parse("Shop:1")
	not images.parse("")
	not images.parse(null)
}

test_allowed_by_host_or_path if {
	images.allowed_by("registry.local/shop", "registry.local", "registry.local")
	images.allowed_by("ghcr.io/acme/shop", "ghcr.io", "ghcr.io/acme")
	not images.allowed_by("ghcr.io/acmeco/shop", "ghcr.io", "ghcr.io/acme")
	not images.allowed_by("registry.local.evil.example/shop", "registry.local.evil.example", "registry.local")
}
