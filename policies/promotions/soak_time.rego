package idp.promotions

import data.idp.lib.time

# METADATA
# title: Soak time before promotion
# description: >-
#   A deployment is promoted into a type listed in data.idp.config.promotions.soakMinutes
#   only after it has run successfully that many minutes in its source environment
#   (production: 30).
# custom:
#   id: promotions.soak_time
#   severity: deny
deny contains violation if {
	promoting
	from.state == "succeeded"
	minutes := data.idp.config.promotions.soakMinutes[input.environment.type]
	minutes > 0
	soaked := soaked_seconds
	soaked < minutes * 60
	violation := {
		"rule": "promotions.soak_time",
		"message": sprintf(
			"promotion.from succeeded in %s %d minutes ago; promotions to %s need %d minutes there (possible in %d minutes)",
			[from.environmentName, floor(soaked / 60), input.environment.type, minutes, ceil(((minutes * 60) - soaked) / 60)],
		),
	}
}

deny contains violation if {
	promoting
	from.state == "succeeded"
	data.idp.config.promotions.soakMinutes[input.environment.type] > 0
	not soaked_seconds
	violation := {
		"rule": "promotions.soak_time",
		"message": sprintf(
			"promotion.from.succeededAt is missing or not an RFC 3339 time, so the time %s has run in %s is unknown",
			[input.deployment.image, from.environmentName],
		),
	}
}

soaked_seconds := time.seconds(input.now) - time.seconds(from.succeededAt)
