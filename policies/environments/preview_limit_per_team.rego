package idp.environments

# METADATA
# title: Preview environments per team
# description: >-
#   A team may have at most limits.previewEnvironments live environments of each preview
#   type (data.idp.config.environments.previewTypes), default 5.
# custom:
#   id: environments.preview_limit_per_team
#   severity: deny
deny contains violation if {
	requesting
	input.environment.type in data.idp.config.environments.previewTypes
	max := limits.previewEnvironments
	input.counts.ownerEnvironmentsOfType >= max
	violation := {
		"rule": "environments.preview_limit_per_team",
		"message": sprintf(
			"%s already has %d live %s environments (at most %d per team); delete one or let its time to live run out before requesting %s",
			[input.environment.ownerRef, input.counts.ownerEnvironmentsOfType, input.environment.type, max, input.environment.name],
		),
	}
}
