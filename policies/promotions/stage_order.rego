package idp.promotions

# METADATA
# title: Promotion order
# description: >-
#   A promotion into a type listed in data.idp.config.promotions.sources comes from one
#   of the types listed for it (production only from staging); other targets take any
#   source.
# custom:
#   id: promotions.stage_order
#   severity: deny
deny contains violation if {
	promoting
	sources := data.idp.config.promotions.sources[input.environment.type]
	not from.type in sources
	violation := {
		"rule": "promotions.stage_order",
		"message": sprintf(
			"promotion.from.type %s cannot be promoted to a %s environment (promote from: %s)",
			[from.type, input.environment.type, concat(", ", sort(sources))],
		),
	}
}
