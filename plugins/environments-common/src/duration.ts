import { z } from 'zod';

const DURATION_PATTERN = /^(?<count>\d+)(?<unit>[mhd])$/;

const MILLISECONDS_PER_UNIT: Record<string, number> = {
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

// Ten years: longer than any environment lives, and short enough that now
// plus the duration is still a date (a count of days in the millions is not).
const MAX_DURATION_MS = 3650 * 86_400_000;

const EXPECTED_FORMAT =
  'a duration: a whole number followed by m (minutes), h (hours) or d (days), such as "30m", "4h" or "3d"';

function readDuration(
  text: string,
): { milliseconds: number } | { problem: string } {
  const groups = DURATION_PATTERN.exec(text)?.groups;
  if (!groups) {
    return { problem: `must be ${EXPECTED_FORMAT} (got "${text}")` };
  }
  const milliseconds =
    Number(groups.count) * MILLISECONDS_PER_UNIT[groups.unit];
  if (!(milliseconds > 0)) {
    return { problem: `must be longer than 0 (got "${text}")` };
  }
  if (milliseconds > MAX_DURATION_MS) {
    return { problem: `must be at most 3650d, ten years (got "${text}")` };
  }
  return { milliseconds };
}

/**
 * Parses a time to live such as "30m", "4h" or "3d" into milliseconds.
 *
 * Only one unit per duration is accepted ("36h", not "1d12h"); that keeps
 * app-config and requests easy to read and compare.
 *
 * @public
 * @throws Error naming the duration and the expected format when it is not a
 * positive whole number of minutes, hours or days.
 */
export function parseDuration(duration: string): number {
  const result = readDuration(duration);
  if ('problem' in result) {
    throw new Error(`Invalid duration: ${result.problem}`);
  }
  return result.milliseconds;
}

/** A zod schema for a positive duration as accepted by {@link parseDuration}. */
export const durationSchema = z
  .string({
    error: issue =>
      issue.input === undefined ? 'is required' : `must be ${EXPECTED_FORMAT}`,
  })
  .superRefine((text, ctx) => {
    const result = readDuration(text);
    if ('problem' in result) {
      ctx.addIssue({ code: 'custom', message: result.problem });
    }
  });
