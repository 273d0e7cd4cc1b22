import { Colors, visibleLength } from './color';

export type Column<T> = {
  header: string;
  value(row: T): string;
  /** The text as shown (coloured); `value` is what is measured and cut. */
  render?(value: string, row: T): string;
};

const GAP = 3;
const MIN_WIDTH = 6;

function truncate(text: string, width: number): string {
  if (text.length <= width) return text;
  return `${text.slice(0, Math.max(0, width - 1))}…`;
}

/**
 * Lays rows out in columns. On a terminal (`width` given) the table fits it:
 * the widest columns are cut, with an ellipsis, until it does. Piped output
 * is never cut, so that `grep` and `awk` see every character.
 */
export function renderTable<T>(
  rows: ReadonlyArray<T>,
  columns: ReadonlyArray<Column<T>>,
  options: { colors: Colors; width?: number },
): string {
  const cells = rows.map(row =>
    columns.map(column => column.value(row).replace(/\s*\n\s*/g, ' ')),
  );
  const widths = columns.map((column, index) =>
    Math.max(column.header.length, ...cells.map(row => row[index].length)),
  );
  if (options.width) {
    const available = options.width - GAP * (columns.length - 1);
    let total = widths.reduce((sum, width) => sum + width, 0);
    // One character at a time off the widest column, so that cuts spread
    // over the long columns rather than wiping out one.
    while (total > available) {
      const widest = widths.indexOf(Math.max(...widths));
      if (widths[widest] <= MIN_WIDTH) break;
      widths[widest] -= 1;
      total -= 1;
    }
  }
  const pad = (text: string, shown: string, width: number, last: boolean) =>
    last ? shown : shown + ' '.repeat(Math.max(0, width - visibleLength(text)));
  const lines = [
    columns
      .map((column, index) =>
        pad(
          truncate(column.header, widths[index]),
          options.colors.bold(truncate(column.header, widths[index])),
          widths[index],
          index === columns.length - 1,
        ),
      )
      .join(' '.repeat(GAP)),
    ...cells.map((row, rowIndex) =>
      row
        .map((value, index) => {
          const text = truncate(value, widths[index]);
          const shown = columns[index].render?.(text, rows[rowIndex]) ?? text;
          return pad(text, shown, widths[index], index === columns.length - 1);
        })
        .join(' '.repeat(GAP)),
    ),
  ];
  return `${lines.map(line => line.trimEnd()).join('\n')}\n`;
}

/** `key: value` lines, keys aligned, for one object. */
export function renderFields(
  fields: ReadonlyArray<[string, string | undefined]>,
  colors: Colors,
): string {
  const shown = fields.filter(
    (field): field is [string, string] =>
      field[1] !== undefined && field[1] !== '',
  );
  const width = Math.max(...shown.map(([key]) => key.length)) + 1;
  return `${shown
    .map(([key, value]) => `${colors.bold(`${key}:`.padEnd(width))} ${value}`)
    .join('\n')}\n`;
}
