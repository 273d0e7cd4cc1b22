import { HomePageWidgetData } from '@backstage/plugin-home-react/alpha';

/**
 * The widgets a developer looks at first, in this order, by widget name; any
 * other installed widget follows them, in the order it was installed.
 */
export const WIDGET_ORDER = [
  'HomeMyComponents',
  'EnvironmentsApprovals',
  'EnvironmentsMine',
  'EnvironmentsRecentDeployments',
];

export function orderWidgets(
  widgets: ReadonlyArray<HomePageWidgetData>,
): HomePageWidgetData[] {
  const rank = (widget: HomePageWidgetData) => {
    const index = WIDGET_ORDER.indexOf(widget.name ?? '');
    return index === -1 ? WIDGET_ORDER.length : index;
  };
  // Array.prototype.sort is stable: unranked widgets keep their order.
  return [...widgets].sort((a, b) => rank(a) - rank(b));
}
