# What a team may have: its limits are data.idp.config.environments.limits.default,
# overridden per owner by ...limits.teams["group:default/<team>"] (field by field).
package idp.environments

limits := object.union(
	data.idp.config.environments.limits.default,
	object.get(data.idp.config.environments.limits, ["teams", input.environment.ownerRef], {}),
)

requesting if input.action == "environment.request"

# A time to live is asked for when an environment is requested or extended.
asking_ttl if input.action in {"environment.request", "environment.extend"}
