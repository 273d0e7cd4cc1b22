package idp.environments

import data.idp.lib.time

# METADATA
# title: Time to live within the limit
# description: >-
#   An environment's ttl (requested or extended) must not be longer than its type's maxTtl
#   nor than the team's limits.maxTtl for that type (a team may be held to less than the
#   type allows); both forms of duration are read ("3d", "PT72H").
# custom:
#   id: environments.max_ttl
#   severity: deny
deny contains violation if {
	asking_ttl
	ttl := input.environment.ttl
	ttl != null
	seconds := time.duration_seconds(ttl)
	limit := tightest_ttl_limit
	seconds > limit.seconds
	violation := {
		"rule": "environments.max_ttl",
		"message": sprintf(
			"environment.ttl %s is longer than %s allows for %s environments (at most %s)",
			[ttl, limit.source, input.environment.type, limit.text],
		),
	}
}

# The shorter of the two limits; the type's when they are equal.
tightest_ttl_limit := sort([[l.seconds, l.order, l] | some l in ttl_limits])[0][2]

ttl_limits contains {"order": 0, "source": "the type", "text": max, "seconds": time.duration_seconds(max)} if {
	max := input.type.maxTtl
	max != null
}

ttl_limits contains {"order": 1, "source": sprintf("the limit of %s", [input.environment.ownerRef]), "text": max, "seconds": time.duration_seconds(max)} if {
	max := limits.maxTtl[input.environment.type]
}
