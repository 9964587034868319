import { describe, expect, it } from 'vitest';
import type { Annotation, HitMark } from '../api/types';
import { annotationSpans, findQuote, hitSpans } from './marks';

const words = { rule: 'Rule', matched: 'Matched', terms: 'Terms', normalized: 'Normalised', conditions: 'Conditions' };
const palette = { title: (id: string) => (id === 'illicit-payments' ? 'Accepting payments' : id), color: () => 'var(--rl-0)' };

describe('marks', () => {
  it('describes each hit span for the tooltip', () => {
    const hit: HitMark = {
      hit_id: 3,
      pack: 'eight-red-lines',
      red_line: 'illicit-payments',
      rule: 'thanks-money',
      severity: 'high',
      terms: ['辛苦费'],
      normalizations: ['separators'],
      spans: [{ start: 4, end: 9 }],
      conditions: [],
    };
    const [s] = hitSpans('一点心意辛 苦 费', [hit], palette, words);
    expect([s.start, s.end, s.mark.id, s.mark.color]).toEqual([4, 9, 3, 'var(--rl-0)']);
    expect(s.mark.tip).toBe(
      'Accepting payments · high\nRule: eight-red-lines/thanks-money\nMatched: “辛 苦 费”\nTerms: 辛苦费\nNormalised: separators',
    );
  });
  it('marks annotated spans but not whole-message or deleted annotations', () => {
    const a = (id: number, span: [number, number] | null, deleted = false): Annotation => ({
      id,
      message_id: 1,
      case_id: 1,
      span,
      quote: null,
      label: 'evidence',
      text: 'key sentence',
      author: 'alice',
      created_at: '',
      updated_at: '',
      version: 1,
      deleted,
    });
    const spans = annotationSpans([a(1, [0, 2]), a(2, null), a(3, [1, 3], true)]);
    expect(spans.map((s) => [s.start, s.end, s.mark.tip])).toEqual([[0, 2, 'evidence: key sentence\n— alice']]);
  });
  it('finds a typed quote', () => {
    expect(findQuote('给您发个红包，一点辛苦费', ' 辛苦费 ')).toEqual([9, 12]);
    expect(findQuote('abc', 'x')).toBeNull();
    expect(findQuote('abc', '  ')).toBeNull();
  });
});
