import { z } from 'zod';
import { dns1123LabelSchema } from '../names';
import { quantitySchema } from '../quantity';

/**
 * A PostgreSQL database provisioned with an environment: its name (a
 * DNS-1123 label, it names the Service and the Secret), an optional major or
 * minor version and an optional storage size.
 *
 * @public
 */
export const postgresqlResourceSchema = z.strictObject({
  type: z.literal('postgresql'),
  name: dns1123LabelSchema(),
  version: z
    .string()
    .regex(
      /^\d+(\.\d+)?$/,
      'must be a PostgreSQL version such as "16" or "16.4"',
    )
    .optional(),
  storage: quantitySchema('memory').optional(),
});

/**
 * A PostgreSQL resource of a validated request.
 *
 * @public
 */
export type PostgresqlResource = z.output<typeof postgresqlResourceSchema>;
