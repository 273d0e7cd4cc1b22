import {
  compareQuantities,
  isWithinMaximum,
  parseCpuCores,
  parseCpuMillicores,
  parseMemoryBytes,
} from './quantity';

describe('parseCpuCores', () => {
  it.each([
    ['2', 2],
    ['0.5', 0.5],
    ['1.5', 1.5],
    ['500m', 0.5],
    ['100m', 0.1],
    ['1e3', 1000],
    ['+1', 1],
  ])('reads %s as %s cores', (quantity, cores) => {
    expect(parseCpuCores(quantity)).toBe(cores);
  });

  it('rejects text that is not a quantity, naming the expected format', () => {
    expect(() => parseCpuCores('two')).toThrow(
      'Invalid cpu quantity: must be a CPU quantity in cores, such as "2" or "1.5", or in millicores, such as "500m" (got "two")',
    );
  });

  it.each(['', ' 2', '500 m', '1.5.2', '2cores', '1e', '.'])(
    'rejects %j',
    quantity => {
      expect(() => parseCpuCores(quantity)).toThrow('Invalid cpu quantity');
    },
  );

  it('rejects negative quantities', () => {
    expect(() => parseCpuCores('-1')).toThrow(
      'Invalid cpu quantity: must not be negative (got "-1")',
    );
  });

  it('rejects steps finer than a millicore, which Kubernetes cannot count', () => {
    expect(() => parseCpuCores('0.0005')).toThrow(
      'must be a whole number of millicores; 1m (0.001 cores) is the smallest step (got "0.0005")',
    );
  });
});

describe('parseCpuMillicores', () => {
  it.each([
    ['2', 2000],
    ['1.5', 1500],
    ['250m', 250],
    // 0.07 * 1000 is 70.00000000000001 in floating point
    ['0.07', 70],
  ])('reads %s as %s millicores', (quantity, millicores) => {
    expect(parseCpuMillicores(quantity)).toBe(millicores);
  });
});

describe('parseMemoryBytes', () => {
  it.each([
    ['512Mi', 536870912],
    ['2Gi', 2147483648],
    ['1.5Gi', 1610612736],
    ['1Ki', 1024],
    ['1G', 1000000000],
    ['1k', 1000],
    ['1000000', 1000000],
    ['1e6', 1000000],
  ])('reads %s as %s bytes', (quantity, bytes) => {
    expect(parseMemoryBytes(quantity)).toBe(bytes);
  });

  it('rejects text that is not a quantity, naming the expected format', () => {
    expect(() => parseMemoryBytes('2GB')).toThrow(
      'Invalid memory quantity: must be a memory quantity such as "512Mi", "2Gi" or "1G", or a number of bytes such as "1000000" (got "2GB")',
    );
  });

  it('explains that "100m" means a tenth of a byte and suggests "100Mi"', () => {
    expect(() => parseMemoryBytes('100m')).toThrow(
      'must be a whole number of bytes; "100m" is 0.1 bytes (did you mean "100Mi"?)',
    );
  });

  it('rejects fractions of a byte', () => {
    expect(() => parseMemoryBytes('0.3Ki')).toThrow(
      'must be a whole number of bytes',
    );
  });
});

describe('compareQuantities', () => {
  it('compares memory by amount, not by text', () => {
    expect(compareQuantities('memory', '100Mi', '1Gi')).toBeLessThan(0);
    expect(compareQuantities('memory', '1Gi', '1024Mi')).toBe(0);
    expect(compareQuantities('memory', '1Gi', '1G')).toBeGreaterThan(0);
  });

  it('treats equal CPU amounts written differently as equal', () => {
    expect(compareQuantities('cpu', '1.5', '1500m')).toBe(0);
    expect(compareQuantities('cpu', '0.1', '100m')).toBe(0);
    expect(compareQuantities('cpu', '2', '500m')).toBeGreaterThan(0);
  });

  it('sorts quantities in ascending order of amount', () => {
    expect(
      ['2G', '1Gi', '100Mi'].sort((a, b) => compareQuantities('memory', a, b)),
    ).toEqual(['100Mi', '1Gi', '2G']);
  });

  it('rejects an invalid quantity instead of guessing', () => {
    expect(() => compareQuantities('cpu', 'lots', '1')).toThrow(
      'Invalid cpu quantity',
    );
  });
});

describe('isWithinMaximum', () => {
  it('includes the maximum itself', () => {
    expect(isWithinMaximum('cpu', '4', '4')).toBe(true);
    expect(isWithinMaximum('cpu', '4000m', '4')).toBe(true);
  });

  it('excludes anything above the maximum', () => {
    expect(isWithinMaximum('cpu', '4001m', '4')).toBe(false);
    expect(isWithinMaximum('memory', '3Gi', '2Gi')).toBe(false);
  });

  it('accepts values below the maximum in other units', () => {
    expect(isWithinMaximum('memory', '1000Mi', '1Gi')).toBe(true);
    expect(isWithinMaximum('memory', '512Mi', '2G')).toBe(true);
  });
});
