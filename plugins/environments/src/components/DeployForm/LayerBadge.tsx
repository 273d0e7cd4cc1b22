import { Badge } from '@backstage/ui';
import { ConfigLayer } from '@internal/backstage-plugin-environments-common';
import { RiStackLine, RiUserLine, RiBox3Line } from '@remixicon/react';
import { LAYER_LABELS } from './layers';

const ICONS: Record<ConfigLayer, JSX.Element> = {
  baseline: <RiStackLine size={12} aria-hidden />,
  component: <RiBox3Line size={12} aria-hidden />,
  override: <RiUserLine size={12} aria-hidden />,
};

/** The layer a value comes from, beside the value; the field's description says it in words. */
export function LayerBadge(props: { layer: ConfigLayer | undefined }) {
  const { layer } = props;
  if (!layer) return null;
  const label = LAYER_LABELS[layer];
  return (
    <Badge size="small" icon={ICONS[layer]} data-layer={layer}>
      {label.charAt(0).toLocaleUpperCase('en-US') + label.slice(1)}
    </Badge>
  );
}
