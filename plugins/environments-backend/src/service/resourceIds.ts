// Ids are UUIDs; anything else (unicode, NUL, a path) names no environment
// or deployment, and must not reach the database, where PostgreSQL refuses
// some of it.
const RESOURCE_ID = /^[A-Za-z0-9-]{1,64}$/;

/** Whether `id` is of the form of an environment's or a deployment's id. */
export function isResourceId(id: unknown): id is string {
  return typeof id === 'string' && RESOURCE_ID.test(id);
}
