// How @kubernetes/client-node's ApiException writes itself: the status code,
// a generic message, the response body as JSON, and every response header.
const API_EXCEPTION =
  /(?:\w*Error: )?HTTP-Code: (\d+)\nMessage: ([^\n]*)\nBody: ([^\n]*)\nHeaders: [^\n]*/g;

// Long enough for a Kubernetes validation message, short enough for a status.
const MAX_LENGTH = 500;

/** The `message` of the Kubernetes `Status` in a response body, if it is one. */
function statusMessage(body: string): string | undefined {
  try {
    let parsed: unknown = JSON.parse(body);
    // The body arrives as text, which the exception serialized once more.
    if (typeof parsed === 'string') {
      parsed = JSON.parse(parsed);
    }
    const message = (parsed as { message?: unknown } | null)?.message;
    return typeof message === 'string' && message ? message : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One sentence about why a job failed, for an environment's `reason`: the
 * message of the Kubernetes `Status` instead of the HTTP exchange (status
 * line, body, headers) the client library puts in its errors. The whole
 * error belongs in the log.
 */
export function failureSummary(message: string): string {
  const summary = message
    .replace(/;? caused by (\w*Error: )?(?=HTTP-Code: )/g, ': ')
    .replace(
      API_EXCEPTION,
      (_match, code: string, generic: string, body: string) =>
        statusMessage(body) ??
        `the Kubernetes API answered ${code}${
          generic && generic !== 'Unknown API Status Code!'
            ? ` (${generic})`
            : ''
        }`,
    )
    .replace(/\s+/g, ' ')
    .trim();
  return summary.length > MAX_LENGTH
    ? `${summary.slice(0, MAX_LENGTH - 1)}…`
    : summary;
}
