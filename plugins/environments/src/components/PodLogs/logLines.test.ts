import { appendLines, isAfter, parseLogLine, splitLines } from './logLines';

describe('log lines', () => {
  it('keeps the start of a line that a chunk cuts in two for the next chunk', () => {
    const first = splitLines('', 'one\ntw');
    expect(first).toEqual({ lines: ['one'], rest: 'tw' });

    expect(splitLines(first.rest, 'o\r\nthree\n')).toEqual({
      lines: ['two', 'three'],
      rest: '',
    });
  });

  it('reads the timestamp the backend puts before each line', () => {
    expect(
      parseLogLine(
        '2026-11-21T09:00:05.123456789Z {"level":"info","msg":"request served"}',
      ),
    ).toEqual({
      time: '2026-11-21T09:00:05.123456789Z',
      text: '{"level":"info","msg":"request served"}',
    });
    expect(parseLogLine('no timestamp here')).toEqual({
      text: 'no timestamp here',
    });
  });

  it('compares timestamps to the nanosecond', () => {
    expect(
      isAfter(
        '2026-11-21T09:00:05.000000002Z',
        '2026-11-21T09:00:05.000000001Z',
      ),
    ).toBe(true);
    expect(isAfter('2026-11-21T09:00:05Z', '2026-11-21T09:00:05.000Z')).toBe(
      false,
    );
  });

  it('adds only lines written after the last one shown, when resuming', () => {
    const shown = [{ time: '2026-11-21T09:00:05.5Z', text: 'b' }];
    const resumed = [
      { time: '2026-11-21T09:00:05.1Z', text: 'a' },
      { time: '2026-11-21T09:00:05.5Z', text: 'b' },
      { time: '2026-11-21T09:00:06.0Z', text: 'c' },
    ];

    expect(
      appendLines(shown, resumed, '2026-11-21T09:00:05.5Z').map(l => l.text),
    ).toEqual(['b', 'c']);
  });
});
