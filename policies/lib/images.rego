# Image references, as Kubernetes and container registries read them.
package idp.lib.images

# The parts of an image reference such as "registry.local/shop:1.2.3" or
# "ghcr.io/acme/shop@sha256:...": registry, repository (registry included), tag and
# digest (null when absent). A first path component without "." or ":" (and not
# "localhost") is a Docker Hub name: "nginx:1.27" is docker.io/library/nginx.
parse(image) := {
	"registry": registry,
	"repository": repository,
	"tag": tag,
	"digest": digest,
} if {
	is_string(image)
	m := regex.find_all_string_submatch_n(
		`^([a-z0-9][^@]*?)(?::([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?(?:@([a-z0-9]+:[A-Fa-f0-9]+))?$`,
		image, 1,
	)[0]
	name := m[1]
	first := split(name, "/")[0]
	registry := registry_of(name, first)
	repository := repository_of(name, first, registry)
	tag := null_if_empty(m[2])
	digest := null_if_empty(m[3])
}

registry_of(name, first) := first if {
	contains(name, "/")
	explicit_registry(first)
}

registry_of(name, first) := "docker.io" if not explicit_host(name, first)

explicit_host(name, first) if {
	contains(name, "/")
	explicit_registry(first)
}

explicit_registry(first) if contains(first, ".")

explicit_registry(first) if contains(first, ":")

explicit_registry("localhost")

repository_of(name, first, _) := name if explicit_host(name, first)

repository_of(name, first, "docker.io") := concat("/", ["docker.io", name]) if {
	not explicit_host(name, first)
	contains(name, "/")
}

repository_of(name, first, "docker.io") := concat("/", ["docker.io/library", name]) if {
	not explicit_host(name, first)
	not contains(name, "/")
}

null_if_empty("") := null

null_if_empty(s) := s if s != ""

# Is the repository in the allow-list entry? An entry is a registry host
# ("registry.local") or a host and path ("ghcr.io/acme"): it allows the repositories
# under it, not a prefix of a name ("ghcr.io/acme" does not allow "ghcr.io/acmeco/x").
allowed_by(_, registry, entry) if registry == entry

allowed_by(repository, _, entry) if startswith(repository, concat("", [entry, "/"]))
