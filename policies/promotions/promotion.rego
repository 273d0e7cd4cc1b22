# What every promotion rule reads: the promotion and where it comes from.
package idp.promotions

promoting if {
	input.action == "deployment.promote"
	input.promotion != null
}

from := input.promotion.from
