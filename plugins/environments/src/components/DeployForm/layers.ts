import {
  CONFIG_LAYERS,
  ConfigLayer,
  ConfigLayers,
  ConfigLayerValues,
} from '@internal/backstage-plugin-environments-common';

/** A layer as people call it. */
export const LAYER_LABELS: Record<ConfigLayer, string> = {
  baseline: 'baseline',
  component: 'component default',
  override: 'override',
};

/** The value a layer gives a path such as `replicas`, `resources.cpu` or `env.LOG_LEVEL`. */
function valueAt(
  values: ConfigLayerValues,
  path: string,
): string | number | undefined {
  const [head, ...rest] = path.split('.');
  const name = rest.join('.');
  switch (head) {
    case 'image':
    case 'port':
    case 'replicas':
      return values[head];
    case 'resources':
      return values.resources?.[name as 'cpu' | 'memory'];
    case 'env':
    case 'secretRefs':
      return values[head]?.[name];
    default:
      return undefined;
  }
}

/** What each layer that sets a path gives it, lowest first. */
export function layerValues(
  layers: ConfigLayers,
  path: string,
): Array<{ layer: ConfigLayer; value: string }> {
  return CONFIG_LAYERS.flatMap(layer => {
    const value = valueAt(layers[layer], path);
    return value === undefined ? [] : [{ layer, value: String(value) }];
  });
}

/**
 * Where a value comes from, in words: "From the component default (2);
 * baseline 1." or, with no layer setting it, the `fallback`.
 */
export function describeLayers(
  layers: ConfigLayers,
  origin: ConfigLayer | undefined,
  path: string,
  fallback: string,
): string {
  const values = layerValues(layers, path);
  if (!origin || values.length === 0) return fallback;
  const winning = values.find(v => v.layer === origin);
  const others = values
    .filter(v => v.layer !== origin)
    .map(v => `${LAYER_LABELS[v.layer]} ${v.value}`);
  return `From the ${LAYER_LABELS[origin]}${
    winning ? ` (${winning.value})` : ''
  }${others.length > 0 ? `; ${others.join(', ')}` : ''}.`;
}
