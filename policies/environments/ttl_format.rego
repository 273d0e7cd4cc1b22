package idp.environments

import data.idp.lib.time

# METADATA
# title: Time to live is a duration
# description: >-
#   An environment's ttl must be a duration the policies can compare: a whole number of
#   minutes, hours or days ("30m", "4h", "3d") or ISO 8601 days and time ("P7D", "PT24H").
# custom:
#   id: environments.ttl_format
#   severity: deny
deny contains violation if {
	asking_ttl
	ttl := input.environment.ttl
	ttl != null
	not time.duration_seconds(ttl)
	violation := {
		"rule": "environments.ttl_format",
		"message": sprintf(
			"environment.ttl \"%s\" is not a duration: use a whole number of minutes, hours or days such as 30m, 4h or 3d",
			[ttl],
		),
	}
}
