import { z } from 'zod';
import { dns1123LabelSchema } from '../names';
import { quantitySchema } from '../quantity';

/**
 * A Redis instance provisioned with an environment: its name (a DNS-1123
 * label, it names the Service and the Secret), an optional version (the tag
 * of the `redis` image) and an optional storage size.
 *
 * @public
 */
export const redisResourceSchema = z.strictObject({
  type: z.literal('redis'),
  name: dns1123LabelSchema(),
  version: z
    .string()
    .regex(
      /^\d+(\.\d+){0,2}$/,
      'must be a Redis version such as "7", "7.2" or "7.2.5"',
    )
    .optional(),
  storage: quantitySchema('memory').optional(),
});

/**
 * A Redis resource of a validated request.
 *
 * @public
 */
export type RedisResource = z.output<typeof redisResourceSchema>;
