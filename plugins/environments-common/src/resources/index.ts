import { z } from 'zod';
import { postgresqlResourceSchema } from './postgresql';
import { redisResourceSchema } from './redis';

export { postgresqlResourceSchema } from './postgresql';
export type { PostgresqlResource } from './postgresql';
export { redisResourceSchema } from './redis';
export type { RedisResource } from './redis';

/**
 * One resource of a request, of any type the platform knows a request
 * schema for: a discriminated union on `type`, so that an unknown type is
 * reported as such rather than as a mismatch of fields. Which of these types
 * a backend can provision depends on the resource drivers installed in it.
 *
 * @public
 */
export const environmentResourceSchema = z.discriminatedUnion('type', [
  postgresqlResourceSchema,
  redisResourceSchema,
]);
