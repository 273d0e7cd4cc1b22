package idp.deployments

# METADATA
# title: No latest outside development
# description: >-
#   The tag latest, or an image with neither tag nor digest (which means latest), runs
#   only in the development types (data.idp.config.developmentTypes); elsewhere an image
#   names the version it runs.
# custom:
#   id: deployments.no_latest_outside_development
#   severity: deny
deny contains violation if {
	is_string(image.repository)
	means_latest
	not input.environment.type in data.idp.config.developmentTypes
	violation := {
		"rule": "deployments.no_latest_outside_development",
		"message": sprintf(
			"%s.image %s runs the tag latest, which only %s environments may; a %s environment needs a version tag or a digest",
			[image.field, image.image, concat(" and ", data.idp.config.developmentTypes), input.environment.type],
		),
	}
}

means_latest if image.tag == "latest"

means_latest if {
	image.tag == null
	image.digest == null
}
