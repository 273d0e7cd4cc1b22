# Inputs for the tests, in the shape of the policy contract: each passes every rule
# with policies/data.json, so a test changes only what its rule is about.
package idp.testing

# A Wednesday morning, outside every freeze.
wednesday := {
	"now": "2026-12-02T10:00:00Z",
	"clock": {"weekday": "Wednesday", "hour": 11, "minute": 0, "timeZone": "Europe/Berlin"},
}

types := {
	"development": {"name": "development", "ephemeral": false, "requiresApproval": false, "maxTtl": null},
	"preview": {"name": "preview", "ephemeral": true, "requiresApproval": false, "maxTtl": "3d"},
	"staging": {"name": "staging", "ephemeral": false, "requiresApproval": false, "maxTtl": null},
	"production": {"name": "production", "ephemeral": false, "requiresApproval": true, "maxTtl": null},
}

jane := {"ref": "user:default/jane", "groups": ["group:default/team-a"], "isAdmin": false}

environment(type) := {
	"name": concat("-", ["shop", type]),
	"type": type,
	"componentRef": "component:default/shop",
	"ownerRef": "group:default/team-a",
	"system": "system:default/commerce",
	"lifecycle": "production",
	"ttl": null,
	"replicas": 2,
	"image": "registry.local/shop:1.2.2",
}

counts := {"ownerEnvironments": 3, "ownerEnvironmentsOfType": 1}

# environment.request of a TYPE environment, with PATCH merged into input.environment.
request(type, patch) := object.union(wednesday, {
	"action": "environment.request",
	"user": jane,
	"environment": object.union(environment(type), patch),
	"type": types[type],
	"deployment": null,
	"promotion": null,
	"counts": counts,
})

# environment.extend of a TYPE environment to TTL.
extend(type, ttl) := object.union(request(type, {"ttl": ttl}), {"action": "environment.extend"})

deployment := {
	"image": "registry.local/shop:1.2.3@sha256:4f1c5a3e9d2b7c6a8e0f1d2c3b4a5968778695a4b3c2d1e0f9a8b7c6d5e4f3a2",
	"repository": "registry.local/shop",
	"registry": "registry.local",
	"tag": "1.2.3",
	"digest": "sha256:4f1c5a3e9d2b7c6a8e0f1d2c3b4a5968778695a4b3c2d1e0f9a8b7c6d5e4f3a2",
	"replicas": 2,
	"message": "Release 1.2.3",
}

# deployment.deploy to a TYPE environment, with PATCH merged into input.deployment.
deploy(type, patch) := object.union(wednesday, {
	"action": "deployment.deploy",
	"user": jane,
	"environment": environment(type),
	"type": types[type],
	"deployment": object.union(deployment, patch),
	"promotion": null,
	"counts": counts,
})

rollback(type, patch) := object.union(deploy(type, patch), {"action": "deployment.rollback"})

# deployment.promote from a FROM_TYPE environment into a TO_TYPE one, the source having
# succeeded at SUCCEEDED_AT (an hour before `wednesday` passes every soak time).
promote(from_type, to_type, succeeded_at) := object.union(deploy(to_type, {}), {
	"action": "deployment.promote",
	"promotion": {"from": {
		"environmentName": concat("-", ["shop", from_type]),
		"type": from_type,
		"state": "succeeded",
		"succeededAt": succeeded_at,
	}},
})

# Input at local time WEEKDAY HOUR:MINUTE (the UTC time does not matter to weekly freezes).
at(inp, weekday, hour, minute) := object.union(inp, {"clock": {"weekday": weekday, "hour": hour, "minute": minute}})

# The rules of a set of violations, and the messages of one rule.
rules(violations) := {v.rule | some v in violations}

messages(violations, rule) := {v.message | some v in violations; v.rule == rule}
