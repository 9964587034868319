import { describe, expect, it } from 'vitest';
import { initialLang, strings, t } from './i18n';
import { SHORTCUTS } from './lib/keys';

describe('i18n', () => {
  it('has every key in both languages, none empty', () => {
    expect(Object.keys(strings.zh).sort()).toEqual(Object.keys(strings.en).sort());
    for (const lang of ['en', 'zh'] as const) {
      for (const [k, v] of Object.entries(strings[lang])) expect(v.trim(), `${lang}.${k}`).not.toBe('');
    }
  });
  it('uses the same parameters in both languages', () => {
    const params = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const k of Object.keys(strings.en) as (keyof typeof strings.en)[]) {
      if (k.endsWith('_one')) continue;
      expect(params(strings.zh[k]), k).toEqual(params(strings.en[k]));
    }
  });
  it('translates and fills parameters', () => {
    expect(t('zh', 'language')).toBe('语言');
    expect(t('en', 'language')).toBe('Language');
    expect(t('en', 'hitOf', { i: 2, n: 5 })).toBe('Hit 2 of 5');
    expect(t('zh', 'hitOf', { i: 2, n: 5 })).toBe('第 2 / 5 处命中');
    expect(t('en', 'nHits')).toBe('{n} hits');
    expect(t('en', 'nHits', { n: 1 })).toBe('1 hit');
    expect(t('en', 'nHits', { n: '1,000' })).toBe('1,000 hits');
    expect(t('zh', 'nHits', { n: 1 })).toBe('1 次命中');
  });
  it('has a description for every shortcut', () => {
    for (const g of SHORTCUTS) {
      expect(g.group in strings.en, g.group).toBe(true);
      for (const s of g.items) expect(s.what in strings.en, s.what).toBe(true);
    }
  });
  it('starts in Chinese for a Chinese browser', () => {
    expect(initialLang(['zh-CN', 'en'])).toBe('zh');
    expect(initialLang(['en-GB'])).toBe('en');
  });
});
