package idp.environments_test

import data.idp.environments
import data.idp.testing

test_ttl_format_denies_what_is_no_duration if {
	denied := environments.deny with input as testing.request("preview", {"ttl": "1d12h"})
	testing.messages(denied, "environments.ttl_format") == {"environment.ttl \"1d12h\" is not a duration: use a whole number of minutes, hours or days such as 30m, 4h or 3d"}
	not "environments.max_ttl" in testing.rules(denied)
}

test_ttl_format_accepts_both_forms if {
	platform := environments.deny with input as testing.request("preview", {"ttl": "36h"})
	count(platform) == 0
	iso := environments.deny with input as testing.request("preview", {"ttl": "P1DT12H"})
	count(iso) == 0
}
