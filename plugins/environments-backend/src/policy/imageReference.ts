/** An image reference taken apart as policies look at it. */
export type ImageParts = {
  repository: string;
  /** The host the image is pulled from; `docker.io` when the reference names none. */
  registry: string;
  tag: string | null;
  digest: string | null;
};

/**
 * `registry.local:5000/shop:1.2@sha256:…` → registry `registry.local:5000`,
 * repository `registry.local:5000/shop`, tag `1.2`, digest `sha256:…`. As
 * Docker reads a reference: the first segment is a registry when it has a
 * dot or a port, or is `localhost`.
 */
export function imageParts(image: string): ImageParts {
  const at = image.indexOf('@');
  const named = at >= 0 ? image.slice(0, at) : image;
  const digest = at >= 0 ? image.slice(at + 1) : null;
  const lastSlash = named.lastIndexOf('/');
  const colon = named.indexOf(':', lastSlash + 1);
  const repository = colon >= 0 ? named.slice(0, colon) : named;
  const tag = colon >= 0 ? named.slice(colon + 1) : null;
  const slash = repository.indexOf('/');
  const first = slash >= 0 ? repository.slice(0, slash) : '';
  const registry =
    first &&
    (first.includes('.') || first.includes(':') || first === 'localhost')
      ? first
      : 'docker.io';
  return { repository, registry, tag, digest };
}
