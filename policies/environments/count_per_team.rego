package idp.environments

# METADATA
# title: Live environments per team
# description: >-
#   A team (the environment's owner) may have at most limits.environments live
#   environments of all types together (data.idp.config.environments.limits; a team's
#   own entry under teams overrides the default).
# custom:
#   id: environments.count_per_team
#   severity: deny
deny contains violation if {
	requesting
	max := limits.environments
	input.counts.ownerEnvironments >= max
	violation := {
		"rule": "environments.count_per_team",
		"message": sprintf(
			"%s already has %d live environments, the most a team may have (at most %d); delete one before requesting %s",
			[input.environment.ownerRef, input.counts.ownerEnvironments, max, input.environment.name],
		),
	}
}
