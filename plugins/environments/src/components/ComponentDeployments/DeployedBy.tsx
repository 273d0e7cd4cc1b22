import { parseEntityRef } from '@backstage/catalog-model';
import { EntityRefLink } from '@backstage/plugin-catalog-react';

/**
 * Who asked for a deployment: a link to the user's catalog page, or the
 * service's name as recorded (a pipeline is no catalog entity).
 */
export function DeployedBy(props: { createdBy: string }) {
  const { createdBy } = props;
  let isUser = false;
  try {
    isUser =
      parseEntityRef(createdBy).kind.toLocaleLowerCase('en-US') === 'user';
  } catch {
    // Not an entity reference: a service, such as `external:ci`.
  }
  return isUser ? (
    <EntityRefLink entityRef={createdBy} defaultKind="user" hideIcon />
  ) : (
    <>{createdBy}</>
  );
}
