package idp.deployments

# METADATA
# title: Minimum replicas
# description: >-
#   An environment of a type listed in data.idp.config.minReplicas (production: 2) runs
#   at least that many replicas, so that one pod's restart is no outage.
# custom:
#   id: deployments.production_min_replicas
#   severity: deny
deny contains violation if {
	min := data.idp.config.minReplicas[input.environment.type]
	replicas := image.replicas
	is_number(replicas)
	replicas < min
	violation := {
		"rule": "deployments.production_min_replicas",
		"message": sprintf(
			"%s is %d; a %s environment runs at least %d replicas",
			[image.replicasField, replicas, input.environment.type, min],
		),
	}
}
