# The image a request would run, whatever the action: a deployment's (deploy, promote,
# rollback) or, for environment.request, the environment's own. Each rule names the
# field it read in its message.
package idp.deployments

import data.idp.lib.images

image := object.union({"field": "deployment", "replicasField": "deployment.replicas", "replicas": d.replicas}, d) if {
	d := input.deployment
	d != null
}

image := object.union(
	{"field": "environment", "replicasField": "environment.replicas", "replicas": input.environment.replicas, "image": ref},
	parsed_or_unknown(ref),
) if {
	input.deployment == null
	input.action == "environment.request"
	ref := input.environment.image
	ref != null
}

# A reference that does not parse comes from no registry: allowed_registries denies it.
parsed_or_unknown(ref) := images.parse(ref)

parsed_or_unknown(ref) := {"registry": null, "repository": null, "tag": null, "digest": null} if not images.parse(ref)

# Rolling out anything new (a rollback restores what ran before).
rolling_out_new if input.action in {"deployment.deploy", "deployment.promote"}
