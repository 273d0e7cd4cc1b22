# Whole requests, one or more per rule, that scripts/local-opa checks the embedded
# evaluator on: @open-policy-agent/opa-wasm, given the built bundle, must decide each
# exactly as opa does (messages included), and together they must set off every rule.
package idp.testing

friday_afternoon(inp) := at(object.union(inp, {"now": "2026-12-04T15:30:00Z"}), "Friday", 16, 30)

examples := {
	"a clean deploy to production": deploy("production", {}),
	"a clean preview request": request("preview", {"ttl": "4h"}),
	"everything wrong with a production deploy on a Friday afternoon": friday_afternoon(deploy("production", {
		"image": "docker.io/library/shop:latest", "registry": "docker.io",
		"repository": "docker.io/library/shop", "tag": "latest", "digest": null, "replicas": 1,
	})),
	"a production deploy by tag alone": deploy("production", {"image": "registry.local/shop:1.2.3", "digest": null}),
	"a preview request over every limit": object.union(
		request("preview", {"ttl": "P5D", "image": "nginx:1.27", "lifecycle": "deprecated"}),
		{"counts": {"ownerEnvironments": 20, "ownerEnvironmentsOfType": 5}},
	),
	"a request with a ttl that is no duration": request("preview", {"ttl": "1d12h"}),
	"a production request for an experiment": request("production", {"lifecycle": "experimental", "replicas": 1}),
	"a promotion from development straight to production, too early": promote("development", "production", "2026-12-02T09:50:00Z"),
	"a promotion of a failed deployment": object.union(
		promote("staging", "production", null),
		{"promotion": {"from": {"state": "failed"}}},
	),
	"a rollback on a Friday afternoon": friday_afternoon(rollback("production", {})),
}
