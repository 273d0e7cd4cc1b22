import { Alert } from '@backstage/ui';
import { EnvironmentPin } from '@internal/backstage-plugin-environments-common';
import { entityName, formatDateTime } from '../format';

/** That the environment is pinned after a rollback, why, by whom and since when. */
export function PinNotice(props: { pin: EnvironmentPin }) {
  const { pin } = props;
  return (
    <Alert
      status="warning"
      title={`Pinned after a rollback: ${pin.reason}`}
      description={`By ${entityName(pin.by)}, ${formatDateTime(
        pin.at,
      )}. CI, webhooks and promotions leave it where it is until someone deploys to it by hand.`}
    />
  );
}
