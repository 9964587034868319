import { describe, expect, it } from 'vitest';
import { comboOf, isTyping } from './keys';

const ev = (key: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; altKey: boolean; shiftKey: boolean }> = {}) => ({
  key,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  shiftKey: false,
  ...mods,
});

describe('keys', () => {
  it('names combinations', () => {
    expect(comboOf(ev('j'))).toBe('j');
    expect(comboOf(ev('?', { shiftKey: true }))).toBe('?');
    expect(comboOf(ev('J', { shiftKey: true }))).toBe('shift+j');
    expect(comboOf(ev('Enter', { ctrlKey: true }))).toBe('ctrl+enter');
    expect(comboOf(ev('Enter', { metaKey: true }))).toBe('ctrl+enter');
    expect(comboOf(ev('ArrowDown'))).toBe('arrowdown');
    expect(comboOf(ev('Tab', { shiftKey: true }))).toBe('shift+tab');
  });
  it('knows when the reviewer is typing', () => {
    expect(isTyping({ tagName: 'TEXTAREA' } as unknown as EventTarget)).toBe(true);
    expect(isTyping({ tagName: 'INPUT', type: 'text' } as unknown as EventTarget)).toBe(true);
    expect(isTyping({ tagName: 'INPUT', type: 'checkbox' } as unknown as EventTarget)).toBe(false);
    expect(isTyping({ tagName: 'DIV', isContentEditable: true } as unknown as EventTarget)).toBe(true);
    expect(isTyping({ tagName: 'BUTTON' } as unknown as EventTarget)).toBe(false);
    expect(isTyping(null)).toBe(false);
  });
});
