import { OutputStream } from '../io';

export type Colors = {
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
};

const plain: Colors = {
  bold: t => t,
  dim: t => t,
  red: t => t,
  green: t => t,
  yellow: t => t,
  cyan: t => t,
};

const sgr = (open: number, close: number) => (text: string) =>
  `\u001b[${open}m${text}\u001b[${close}m`;

const ansi: Colors = {
  bold: sgr(1, 22),
  dim: sgr(2, 22),
  red: sgr(31, 39),
  green: sgr(32, 39),
  yellow: sgr(33, 39),
  cyan: sgr(36, 39),
};

/**
 * Colours only for a terminal, and never when NO_COLOR is set
 * (https://no-color.org), TERM is dumb or --no-color is given.
 */
export function colorsFor(
  stream: OutputStream,
  env: Record<string, string | undefined>,
  enabled = true,
): Colors {
  const wanted =
    enabled && Boolean(stream.isTTY) && !env.NO_COLOR && env.TERM !== 'dumb';
  return wanted ? ansi : plain;
}

/** The colour of a status or state: green when done well, red when failed, yellow while under way. */
export function colorOfState(colors: Colors, state: string): string {
  switch (state) {
    case 'ready':
    case 'succeeded':
    case 'approved':
      return colors.green(state);
    case 'failed':
    case 'rejected':
    case 'expired':
      return colors.red(state);
    case 'requested':
    case 'provisioning':
    case 'rolling-out':
    case 'pending-approval':
    case 'deleting':
      return colors.yellow(state);
    default:
      return state;
  }
}

const ANSI_PATTERN = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/** Text without its colour codes. */
export function stripColors(text: string): string {
  return text.replace(ANSI_PATTERN, '');
}

/** The width of text on screen, colour codes left out. */
export function visibleLength(text: string): number {
  return stripColors(text).length;
}
