/**
 * Sidebar labels for pages whose own titles do not fit the sidebar's width
 * (about 16 characters), by page extension id. The pages keep their titles
 * in their headers.
 */
export const sidebarLabels: Readonly<Record<string, string>> = {
  'page:catalog-import': 'Register',
  'page:app-visualizer': 'Visualizer',
};
