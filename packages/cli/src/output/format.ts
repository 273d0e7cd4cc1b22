import YAML from 'yaml';
import { CliError, EXIT } from '../exitCodes';

export const OUTPUT_FORMATS = ['table', 'json', 'yaml'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export function parseOutputFormat(value: string | undefined): OutputFormat {
  const format = value ?? 'table';
  if (!(OUTPUT_FORMATS as ReadonlyArray<string>).includes(format)) {
    throw new CliError(
      `--output must be one of: ${OUTPUT_FORMATS.join(', ')} (got "${format}")`,
      EXIT.invalid,
    );
  }
  return format as OutputFormat;
}

/** The API's object as it is, for scripts: `-o json` or `-o yaml`. */
export function renderData(
  data: unknown,
  format: Exclude<OutputFormat, 'table'>,
): string {
  return format === 'json'
    ? `${JSON.stringify(data, null, 2)}\n`
    : YAML.stringify(data);
}
