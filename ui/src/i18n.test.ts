import { describe, expect, it } from 'vitest';
import { initialLang, strings, t } from './i18n';

describe('i18n', () => {
  it('has every key in both languages', () => {
    expect(Object.keys(strings.zh).sort()).toEqual(Object.keys(strings.en).sort());
  });
  it('translates', () => {
    expect(t('zh', 'language')).toBe('语言');
    expect(t('en', 'language')).toBe('Language');
  });
  it('starts in Chinese for a Chinese browser', () => {
    expect(initialLang(['zh-CN', 'en'])).toBe('zh');
    expect(initialLang(['en-GB'])).toBe('en');
  });
});
