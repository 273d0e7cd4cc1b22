// Shared by the benchmarks: every item of a paginated list of the
// environments API (items, nextPageToken), read 500 at a time. The list
// answers 100 at a time unless asked for more, and an item beyond the first
// page is neither missing nor deleted.
export async function allPages(get, path) {
  const items = [];
  let pageToken;
  do {
    const page = await get(
      `${path}${path.includes('?') ? '&' : '?'}limit=500${
        pageToken ? `&pageToken=${encodeURIComponent(pageToken)}` : ''
      }`,
    );
    items.push(...page.items);
    pageToken = page.nextPageToken;
  } while (pageToken);
  return items;
}
