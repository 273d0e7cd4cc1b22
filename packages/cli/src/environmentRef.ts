import { Environment } from '@internal/backstage-plugin-environments-common';
import { CliContext } from './context';
import { CliError, EXIT } from './exitCodes';
import { componentRefOf } from './validate';

/** How commands accept an environment, for their --help. */
export const ENVIRONMENT_ARGUMENT =
  'the environment: <component>/<name> (orders-service/development) or its id';

/**
 * Finds the environment an argument names: `<component>/<name>`, where the
 * component is a name or an entity reference (`orders-service/development`,
 * `component:default/orders-service/staging`), or the environment's id.
 */
export async function resolveEnvironment(
  ctx: CliContext,
  argument: string,
): Promise<Environment> {
  const slash = argument.lastIndexOf('/');
  if (slash < 0) {
    return ctx.client.getEnvironment(argument);
  }
  const component = argument.slice(0, slash);
  const name = argument.slice(slash + 1);
  if (!component || !name) {
    throw new CliError(
      `environment must be <component>/<name> or an id (got "${argument}")`,
      EXIT.invalid,
    );
  }
  const componentRef = componentRefOf(component).toLowerCase();
  const { items } = await ctx.client.listEnvironments({ componentRef });
  const found = items.find(environment => environment.name === name);
  if (!found) {
    const names = items.map(environment => environment.name);
    throw new CliError(
      `${componentRef} has no environment named "${name}"${
        names.length ? ` (it has: ${names.join(', ')})` : ' (it has none)'
      }`,
      EXIT.notFound,
    );
  }
  return found;
}
