import { describe, expect, it } from 'vitest';
import { colorSlot, colorVar, PALETTE_SIZE, severityRank } from './colors';

describe('red line colours', () => {
  const known = ['illicit-payments', 'secret-leaks', 'side-business'];
  it('follow the order of the packs', () => {
    expect(colorSlot('illicit-payments', known)).toBe(0);
    expect(colorSlot('secret-leaks', known)).toBe(1);
    expect(colorVar('side-business', known)).toBe('var(--rl-2)');
  });
  it('are stable for red lines no pack lists', () => {
    const a = colorSlot('retired-line', known);
    expect(a).toBe(colorSlot('retired-line', []));
    expect(a).toBeGreaterThanOrEqual(0);
    expect(a).toBeLessThan(PALETTE_SIZE);
  });
  it('wrap around the palette', () => {
    const many = Array.from({ length: 18 }, (_, i) => `rl${i}`);
    expect(colorSlot('rl17', many)).toBe(1);
  });
});

describe('severity', () => {
  it('ranks critical first', () => {
    expect(['low', 'critical', 'odd', 'medium', 'high'].sort((a, b) => severityRank(a) - severityRank(b))).toEqual([
      'critical',
      'high',
      'medium',
      'low',
      'odd',
    ]);
  });
});
