# Time arithmetic that evaluates the same in OPA and in a wasm bundle run by
# @open-policy-agent/opa-wasm, which implements none of OPA's time.* built-ins:
# timestamps and durations are read with regular expressions and plain arithmetic.
package idp.lib.time

# Seconds since 1970-01-01T00:00:00Z of an RFC 3339 timestamp such as
# "2026-12-04T15:30:00Z" or "2026-12-04T16:30:00.250+01:00" (fractions dropped).
# Undefined when ts is not one.
seconds(ts) := s if {
	is_string(ts)
	m := regex.find_all_string_submatch_n(
		`^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?([Zz]|[+-]\d{2}:\d{2})$`,
		ts, 1,
	)[0]
	month := digits(m[2])
	month >= 1
	month <= 12
	day := digits(m[3])
	day >= 1
	day <= 31
	days := days_from_civil(digits(m[1]), month, day)
	local := ((days * 86400) + (digits(m[4]) * 3600)) + ((digits(m[5]) * 60) + digits(m[6]))
	s := local - offset_seconds(m[7])
}

offset_seconds(z) := 0 if lower(z) == "z"

offset_seconds(z) := (sign * minutes) * 60 if {
	lower(z) != "z"
	sign := {"+": 1, "-": -1}[substring(z, 0, 1)]
	minutes := (digits(substring(z, 1, 2)) * 60) + digits(substring(z, 4, 2))
}

# Days since 1970-01-01 of a date of the proleptic Gregorian calendar
# (H. Hinnant's days_from_civil, for years from 0).
days_from_civil(y, m, d) := days if {
	yy := y - january_or_february(m)
	era := floor(yy / 400)
	yoe := yy - (era * 400)
	doy := (floor(((153 * ((m + 9) % 12)) + 2) / 5) + d) - 1
	doe := (((yoe * 365) + floor(yoe / 4)) - floor(yoe / 100)) + doy
	days := ((era * 146097) + doe) - 719468
}

january_or_february(m) := 1 if m <= 2

january_or_february(m) := 0 if m > 2

# "0042" -> 42. to_number alone is not used on them: JSON numbers have no leading zeros.
digits(s) := 0 if trim_left(s, "0") == ""

digits(s) := to_number(trim_left(s, "0")) if trim_left(s, "0") != ""

# Seconds of a duration: the platform's own form ("30m", "4h", "3d", as in app-config's
# ttl) or ISO 8601 without years and months ("PT24H", "P7D", "P1DT12H"). Undefined for
# anything else.
duration_seconds(d) := n * {"m": 60, "h": 3600, "d": 86400}[m[2]] if {
	is_string(d)
	m := regex.find_all_string_submatch_n(`^(\d+)([mhd])$`, d, 1)[0]
	n := digits(m[1])
}

duration_seconds(d) := s if {
	is_string(d)
	d != "P"
	d != "PT"
	not endswith(d, "T")
	m := regex.find_all_string_submatch_n(`^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$`, d, 1)[0]
	days := (digits(m[1]) * 7) + digits(m[2])
	s := (((days * 86400) + (digits(m[3]) * 3600)) + (digits(m[4]) * 60)) + digits(m[5])
}

# Minutes of the local week, Monday 00:00 being 0, of a clock such as
# {"weekday": "Friday", "hour": 16, "minute": 30}.
minute_of_week(c) := (((weekday_index[c.weekday] * 24) + c.hour) * 60) + c.minute

weekday_index := {
	"Monday": 0,
	"Tuesday": 1,
	"Wednesday": 2,
	"Thursday": 3,
	"Friday": 4,
	"Saturday": 5,
	"Sunday": 6,
}

# Is the clock c inside the weekly window from (inclusive) until (exclusive)? A window
# whose end is before its start wraps over Sunday night (Friday 15:00 to Monday 00:00).
in_weekly_window(c, from, until) if {
	start := minute_of_week(from)
	end := minute_of_week(until)
	start < end
	now := minute_of_week(c)
	now >= start
	now < end
}

in_weekly_window(c, from, until) if {
	start := minute_of_week(from)
	end := minute_of_week(until)
	start >= end
	now := minute_of_week(c)
	not between(now, end, start)
}

between(x, lo, hi) if {
	x >= lo
	x < hi
}

# "Friday 15:00" for a clock or window edge.
clock_text(c) := sprintf("%s %s:%s", [c.weekday, two(c.hour), two(c.minute)])

two(n) := sprintf("0%d", [n]) if n < 10

two(n) := sprintf("%d", [n]) if n >= 10
