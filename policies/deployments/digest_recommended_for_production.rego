package idp.deployments

# METADATA
# title: Digest recommended for production
# description: >-
#   An image deployed to a type in data.idp.config.digestRecommendedTypes by tag alone
#   may change under the same tag; a digest pins exactly what was tested. A warning: the
#   deployment goes ahead.
# custom:
#   id: deployments.digest_recommended_for_production
#   severity: warn
warn contains violation if {
	input.deployment != null
	input.environment.type in data.idp.config.digestRecommendedTypes
	image.tag != null
	image.tag != "latest"
	image.digest == null
	violation := {
		"rule": "deployments.digest_recommended_for_production",
		"message": sprintf(
			"deployment.image %s names a tag but no digest; for %s, deploy %s@sha256:... so that what runs is exactly what was tested",
			[image.image, input.environment.type, image.image],
		),
	}
}
