import { ResponseError } from '@backstage/errors';
import { policyDenialOf } from '@internal/backstage-plugin-environments-common';
import { CliError, exitCodeOf, isConnectionError } from './exitCodes';
import { Colors } from './output/color';
import { policyDenialLines } from './output/policy';

type Issue = { field?: unknown; rule?: unknown };

/**
 * What `idp` says when a command fails: the backend's own message (it names
 * the field and the rule) and its issues as they are, or idp's own, plus a
 * hint when the cause is one a user can act on.
 */
export function describeFailure(
  error: unknown,
  options: { backendUrl?: string; colors: Colors },
): string {
  const { colors } = options;
  const lines: string[] = [];
  const denial = policyDenialOf(error);
  if (error instanceof CliError) {
    lines.push(error.message, ...error.details.map(detail => `  ${detail}`));
  } else if (denial) {
    // Every rule that denied, each on its line, not the one-line summary.
    lines.push(...policyDenialLines(denial, colors));
  } else if (error instanceof ResponseError) {
    const body = error.body?.error as
      | { name?: string; message?: string; issues?: Issue[] }
      | undefined;
    const message = body?.message ?? error.message;
    lines.push(message);
    for (const issue of body?.issues ?? []) {
      const line = `${issue.field}: ${issue.rule}`;
      if (!message.includes(line)) lines.push(`  ${line}`);
    }
    if (error.statusCode === 401) {
      lines.push(
        `Not logged in to ${
          options.backendUrl ?? 'the backend'
        }, or the login expired: run idp login (or set IDP_TOKEN)`,
      );
    }
  } else if (isConnectionError(error)) {
    lines.push(
      `Cannot reach the backend at ${options.backendUrl ?? 'its URL'}: ${
        (error as { cause?: { message?: string } }).cause?.message ??
        (error as Error).message
      }. Is it running? Set another with --backend-url or IDP_BACKEND_URL.`,
    );
  } else if (error instanceof Error) {
    lines.push(error.message);
  } else {
    lines.push(String(error));
  }
  const [first, ...rest] = lines;
  return `${colors.red('error:')} ${first}\n${rest
    .map(line => `${line}\n`)
    .join('')}`;
}

export { exitCodeOf };
