# The one entrypoint the platform evaluates (idp/decision): every rule's word on a
# request, in the shape of the policy contract (policies/README.md).
package idp

import data.idp.deployments
import data.idp.environments
import data.idp.promotions

# METADATA
# title: Decision
# description: >-
#   deny and warn of every area, each a list of {rule, message} sorted by rule, then
#   message.
# entrypoint: true
decision := {"deny": ordered(deny), "warn": ordered(warn)}

# Every area's rules. A new package of rules is added here, to both.
deny contains v if some v in environments.deny

deny contains v if some v in deployments.deny

deny contains v if some v in promotions.deny

warn contains v if some v in environments.warn

warn contains v if some v in deployments.warn

warn contains v if some v in promotions.warn

ordered(violations) := [{"rule": pair[0], "message": pair[1]} |
	some pair in sort({[v.rule, v.message] | some v in violations})
]
