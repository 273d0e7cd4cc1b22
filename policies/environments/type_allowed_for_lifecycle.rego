package idp.environments

# METADATA
# title: Environment types per lifecycle
# description: >-
#   A component may only get environments of the types its catalog lifecycle allows
#   (data.idp.config.environments.typesByLifecycle); a lifecycle not listed there, or a
#   component without one, is not restricted.
# custom:
#   id: environments.type_allowed_for_lifecycle
#   severity: deny
deny contains violation if {
	requesting
	lifecycle := input.environment.lifecycle
	allowed := data.idp.config.environments.typesByLifecycle[lifecycle]
	not input.environment.type in allowed
	violation := {
		"rule": "environments.type_allowed_for_lifecycle",
		"message": sprintf(
			"environment.type %s is not allowed for %s, whose lifecycle is %s (allowed: %s)",
			[input.environment.type, input.environment.componentRef, lifecycle, concat(", ", sort(allowed))],
		),
	}
}
