package idp.deployments

import data.idp.lib.images

# METADATA
# title: Images only from allowed registries
# description: >-
#   A deployment's image (or a requested environment's) must come from one of
#   data.idp.config.registries: a registry host, or a host and path under which
#   repositories are allowed.
# custom:
#   id: deployments.allowed_registries
#   severity: deny
deny contains violation if {
	image.image
	not from_allowed_registry
	violation := {
		"rule": "deployments.allowed_registries",
		"message": sprintf(
			"%s.image %s is not from an allowed registry (allowed: %s)",
			[image.field, image.image, concat(", ", data.idp.config.registries)],
		),
	}
}

from_allowed_registry if {
	is_string(image.repository)
	some entry in data.idp.config.registries
	images.allowed_by(image.repository, image.registry, entry)
}
