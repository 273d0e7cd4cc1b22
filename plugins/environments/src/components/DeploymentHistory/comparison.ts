/**
 * The deployments picked for comparison after the user toggles one: at most
 * two, and picking a third lets go of the one picked first, so that "any
 * two" never needs un-picking first.
 */
export function togglePicked(
  picked: ReadonlyArray<string>,
  id: string,
): string[] {
  if (picked.includes(id)) return picked.filter(p => p !== id);
  return [...picked, id].slice(-2);
}
