package idp.lib.time_test

import data.idp.lib.time

test_seconds_of_utc_timestamps if {
	time.seconds("1970-01-01T00:00:00Z") == 0
	time.seconds("2026-12-04T15:30:00Z") == 1796398200
	time.seconds("2000-03-01T00:00:00Z") == 951868800
}

test_seconds_of_a_leap_day if time.seconds("2024-02-29T23:59:59Z") == 1709251199

test_seconds_with_an_offset_are_utc if {
	time.seconds("1999-12-31T23:00:00-01:00") == 946684800
	time.seconds("2026-12-04T16:30:00+01:00") == time.seconds("2026-12-04T15:30:00Z")
}

test_seconds_drop_fractions if time.seconds("2026-12-04T15:30:00.999Z") == 1796398200

test_seconds_of_non_timestamps_are_undefined if {
	not time.seconds("2026-13-01T00:00:00Z")
	not time.seconds("2026-12-04 15:30:00Z")
	not time.seconds("2026-12-04T15:30:00")
	not time.seconds("yesterday")
	not time.seconds(null)
}

test_platform_durations if {
	time.duration_seconds("30m") == 1800
	time.duration_seconds("4h") == 14400
	time.duration_seconds("3d") == 259200
}

test_iso_8601_durations if {
	time.duration_seconds("PT24H") == 86400
	time.duration_seconds("P7D") == 604800
	time.duration_seconds("P1DT12H") == 129600
	time.duration_seconds("PT90S") == 90
	time.duration_seconds("P2W") == 1209600
}

test_non_durations_are_undefined if {
	not time.duration_seconds("1d12h")
	not time.duration_seconds("P")
	not time.duration_seconds("PT")
	not time.duration_seconds("P1DT")
	not time.duration_seconds("P1M")
	not time.duration_seconds("3 days")
	not time.duration_seconds(3)
}

friday_15 := {"weekday": "Friday", "hour": 15, "minute": 0}

monday_0 := {"weekday": "Monday", "hour": 0, "minute": 0}

test_a_window_over_the_weekend if {
	time.in_weekly_window({"weekday": "Friday", "hour": 15, "minute": 0}, friday_15, monday_0)
	time.in_weekly_window({"weekday": "Saturday", "hour": 12, "minute": 0}, friday_15, monday_0)
	time.in_weekly_window({"weekday": "Sunday", "hour": 23, "minute": 59}, friday_15, monday_0)
	not time.in_weekly_window({"weekday": "Friday", "hour": 14, "minute": 59}, friday_15, monday_0)
	not time.in_weekly_window({"weekday": "Monday", "hour": 0, "minute": 0}, friday_15, monday_0)
}

test_a_window_that_wraps_over_sunday_night if {
	from := {"weekday": "Sunday", "hour": 22, "minute": 0}
	until := {"weekday": "Monday", "hour": 6, "minute": 0}
	time.in_weekly_window({"weekday": "Sunday", "hour": 23, "minute": 0}, from, until)
	time.in_weekly_window({"weekday": "Monday", "hour": 5, "minute": 59}, from, until)
	not time.in_weekly_window({"weekday": "Monday", "hour": 6, "minute": 0}, from, until)
	not time.in_weekly_window({"weekday": "Wednesday", "hour": 12, "minute": 0}, from, until)
}

test_clock_text if time.clock_text({"weekday": "Friday", "hour": 9, "minute": 5}) == "Friday 09:05"
