import { AuthService } from '@backstage/backend-plugin-api';
import {
  ANNOTATION_LOCATION,
  ANNOTATION_SOURCE_LOCATION,
  Entity,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';

/** Where the golden paths put the component's image (`registry.local/orders-service:latest`). */
export const IMAGE_ANNOTATION = 'environments.idp.dev/image';

/** A component built from a repository, with the image repository it deploys. */
export interface RepositoryComponent {
  componentRef: string;
  /** `registry.local/orders-service`, or undefined when the component names no image. */
  imageRepository?: string;
}

/** `url:http://host/owner/repo/src/branch/main/` → `http://host/owner/repo/src/branch/main/`. */
function locationUrl(annotation: string | undefined): string | undefined {
  const match = annotation && /^url:(.+)$/.exec(annotation.trim());
  return match ? match[1] : undefined;
}

/**
 * Whether `url` lies inside the repository whose page is `repositoryUrl`:
 * the page itself or a path below it (`/src/branch/main/...`, `.git`),
 * matched at a path boundary so that `idp/orders` does not match
 * `idp/orders-service`. Scheme and host compare case-insensitively; Gitea
 * owner and repository names are case-insensitive too.
 */
export function isInRepository(url: string, repositoryUrl: string): boolean {
  const base = repositoryUrl.replace(/\/+$/, '').toLocaleLowerCase('en-US');
  const candidate = url.toLocaleLowerCase('en-US');
  return (
    candidate === base ||
    candidate.startsWith(`${base}/`) ||
    candidate === `${base}.git` ||
    candidate.startsWith(`${base}.git/`)
  );
}

/** The image reference without its tag or digest: `registry.local/orders-service`. */
export function imageRepositoryOf(image: string): string | undefined {
  const withoutDigest = image.trim().split('@')[0];
  const lastSlash = withoutDigest.lastIndexOf('/');
  const lastColon = withoutDigest.lastIndexOf(':');
  const repository =
    lastColon > lastSlash ? withoutDigest.slice(0, lastColon) : withoutDigest;
  return repository || undefined;
}

/**
 * The catalog's components whose source is the Gitea repository at
 * `repositoryUrl`. The catalog writes `backstage.io/source-location`
 * (`url:<repository>/src/branch/<branch>/`) and
 * `backstage.io/managed-by-location` (`url:<repository>/src/branch/<branch>/catalog-info.yaml`)
 * on every entity registered from a URL, as the golden paths'
 * `catalog:register` does; either lying in the repository is a match. The
 * repository's page URL is compared rather than its name, so that a
 * component named differently from its repository, or registered from
 * another branch, still matches, and one of the same name in another
 * repository does not.
 */
export async function findRepositoryComponents(options: {
  catalog: CatalogService;
  auth: AuthService;
  repositoryUrl: string;
}): Promise<RepositoryComponent[]> {
  const { catalog, auth, repositoryUrl } = options;
  const { items } = await catalog.getEntities(
    {
      filter: { kind: 'component' },
      fields: [
        'kind',
        'metadata.name',
        'metadata.namespace',
        'metadata.annotations',
      ],
    },
    { credentials: await auth.getOwnServiceCredentials() },
  );
  return items
    .filter((entity: Entity) => {
      const annotations = entity.metadata.annotations ?? {};
      return [ANNOTATION_SOURCE_LOCATION, ANNOTATION_LOCATION]
        .map(name => locationUrl(annotations[name]))
        .some(url => url !== undefined && isInRepository(url, repositoryUrl));
    })
    .map(entity => {
      const image = entity.metadata.annotations?.[IMAGE_ANNOTATION];
      return {
        componentRef: stringifyEntityRef(entity).toLocaleLowerCase('en-US'),
        imageRepository: image ? imageRepositoryOf(image) : undefined,
      };
    })
    .sort((a, b) => a.componentRef.localeCompare(b.componentRef));
}
