package idp.deployments

import data.idp.lib.time

# METADATA
# title: Change freezes
# description: >-
#   No deploys or promotions to the types in data.idp.config.freeze.types during a
#   weekly window (freeze.weekly; by default Friday 15:00 to Monday 00:00, local time of
#   the platform) or a calendar window (freeze.windows, RFC 3339 start inclusive and end
#   exclusive). Rollbacks stay allowed: they restore what ran before.
# custom:
#   id: deployments.change_freeze
#   severity: deny
deny contains violation if {
	rolling_out_new
	input.environment.type in data.idp.config.freeze.types
	some window in data.idp.config.freeze.weekly
	time.in_weekly_window(input.clock, window.from, window.until)
	violation := {
		"rule": "deployments.change_freeze",
		"message": sprintf(
			"%s environments are frozen during the %s (%s to %s, %s); deploys and promotions resume %s, rollbacks are allowed",
			[
				input.environment.type, window.name,
				time.clock_text(window.from), time.clock_text(window.until), input.clock.timeZone,
				time.clock_text(window.until),
			],
		),
	}
}

deny contains violation if {
	rolling_out_new
	input.environment.type in data.idp.config.freeze.types
	now := time.seconds(input.now)
	some window in data.idp.config.freeze.windows
	now >= time.seconds(window.start)
	now < time.seconds(window.end)
	violation := {
		"rule": "deployments.change_freeze",
		"message": sprintf(
			"%s environments are frozen during the %s (%s to %s); deploys and promotions resume %s, rollbacks are allowed",
			[input.environment.type, window.name, window.start, window.end, window.end],
		),
	}
}
