package idp.promotions

# METADATA
# title: Promote only what succeeded
# description: >-
#   A promotion takes a deployment that succeeded in its source environment, from one of
#   the source types data.idp.config.promotions.sources lists for the target type.
# custom:
#   id: promotions.from_succeeded
#   severity: deny
deny contains violation if {
	promoting
	from.state != "succeeded"
	violation := {
		"rule": "promotions.from_succeeded",
		"message": sprintf(
			"promotion.from.state is %s: only a deployment that succeeded in %s may be promoted to %s",
			[from.state, from.environmentName, input.environment.name],
		),
	}
}
