import { configApiRef, useApi } from '@backstage/frontend-plugin-api';

/**
 * The organization's name (`organization.name`) and what the portal is
 * called after it: `app.title` without the name in front ("Developer
 * Platform" of "Acme Developer Platform").
 */
export function useOrganizationName(): { name: string; product: string } {
  const config = useApi(configApiRef);
  const name = config.getOptionalString('organization.name') ?? 'Backstage';
  const title = config.getOptionalString('app.title') ?? '';
  const product = title.startsWith(`${name} `)
    ? title.slice(name.length + 1)
    : title;
  return { name, product };
}
