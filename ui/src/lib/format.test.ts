import { describe, expect, it } from 'vitest';
import { bytes, money, num, percent, shortHash } from './format';

describe('format', () => {
  it('formats numbers', () => {
    expect(num(100000)).toBe('100,000');
    expect(num(null)).toBe('—');
    expect(bytes(512)).toBe('512 B');
    expect(bytes(1536)).toBe('1.5 KB');
    expect(bytes(50 * 1024 * 1024)).toBe('50 MB');
    expect(percent(0.125)).toBe('13%');
    expect(percent(0.05)).toBe('5.0%');
    expect(percent(1)).toBe('100%');
    expect(percent(null)).toBe('—');
    expect(shortHash('9024c4b073b574acf459a78b18a978cac1100b17cbe1c42b50e20e332045fc68')).toBe('9024c4b0…45fc68');
    expect(money('2000.00', 'CNY')).toBe('2000.00 CNY');
    expect(money(null, 'CNY')).toBe('');
  });
});
