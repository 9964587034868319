import { describe, expect, it } from 'vitest';
import { clampSpan, segments } from './segments';

const join = (s: { text: string }[]) => s.map((x) => x.text).join('');
const view = (text: string, spans: { start: number; end: number; mark: string }[]) =>
  segments(text, spans).map((s) => [s.text, s.marks.join('+')]);

describe('segments', () => {
  it('returns the plain text as one segment without spans', () => {
    expect(view('hello', [])).toEqual([['hello', '']]);
    expect(segments('', [{ start: 0, end: 3, mark: 'a' }])).toEqual([]);
  });

  it('cuts Chinese text at UTF-16 offsets', () => {
    const text = '给您发个红包，一点辛苦费';
    expect(view(text, [{ start: 4, end: 6, mark: 'pay' }, { start: 9, end: 12, mark: 'thanks' }])).toEqual([
      ['给您发个', ''],
      ['红包', 'pay'],
      ['，一点', ''],
      ['辛苦费', 'thanks'],
    ]);
  });

  it('gives overlapping spans a segment carrying both marks', () => {
    const text = 'abcdefgh';
    expect(view(text, [{ start: 1, end: 5, mark: 'A' }, { start: 3, end: 7, mark: 'B' }])).toEqual([
      ['a', ''],
      ['bc', 'A'],
      ['de', 'A+B'],
      ['fg', 'B'],
      ['h', ''],
    ]);
  });

  it('keeps a span nested in another', () => {
    expect(view('0123456789', [{ start: 0, end: 10, mark: 'outer' }, { start: 4, end: 6, mark: 'inner' }])).toEqual([
      ['0123', 'outer'],
      ['45', 'outer+inner'],
      ['6789', 'outer'],
    ]);
  });

  it('keeps adjacent spans apart', () => {
    expect(view('红包转账', [{ start: 0, end: 2, mark: 'A' }, { start: 2, end: 4, mark: 'B' }])).toEqual([
      ['红包', 'A'],
      ['转账', 'B'],
    ]);
  });

  it('counts an emoji as two units and never splits one', () => {
    const text = '🧧红包🧧ok';
    // 🧧 is U+1F9E7: two UTF-16 units.
    expect(text.length).toBe(8);
    expect(view(text, [{ start: 2, end: 4, mark: 'A' }])).toEqual([
      ['🧧', ''],
      ['红包', 'A'],
      ['🧧ok', ''],
    ]);
    // A span that ends between the halves of an emoji is widened to include it.
    expect(view(text, [{ start: 2, end: 5, mark: 'A' }])).toEqual([
      ['🧧', ''],
      ['红包🧧', 'A'],
      ['ok', ''],
    ]);
    expect(clampSpan(text, 1, 2)).toEqual([0, 2]);
  });

  it('clamps spans that run past the text and ignores empty or reversed ones', () => {
    expect(view('abc', [{ start: 1, end: 99, mark: 'A' }, { start: 2, end: 2, mark: 'E' }, { start: 3, end: 1, mark: 'R' }])).toEqual([
      ['a', ''],
      ['bc', 'A'],
    ]);
    expect(view('abc', [{ start: -5, end: 1, mark: 'A' }, { start: NaN, end: 2, mark: 'N' }])).toEqual([
      ['a', 'A'],
      ['bc', ''],
    ]);
  });

  it('gives back the text unchanged, markup included', () => {
    const text = '<img src=x onerror=window.__xss=1> 红包 <script>window.__xss=2</script>';
    const segs = segments(text, [{ start: 35, end: 37, mark: 'A' }]);
    expect(join(segs)).toBe(text);
    expect(segs[1].text).toBe('红包');
  });

  it('records offsets on every segment', () => {
    const segs = segments('abcdef', [{ start: 2, end: 4, mark: 1 }]);
    expect(segs.map((s) => [s.start, s.end])).toEqual([[0, 2], [2, 4], [4, 6]]);
  });
});
