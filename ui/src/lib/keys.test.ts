import { describe, expect, it } from 'vitest';
import { comboOf, dispatchKey, isTyping, onKeys } from './keys';

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

describe('key handlers', () => {
  it('ask the innermost handler first and stop at the first that uses the key', () => {
    const seen: string[] = [];
    const offOuter = onKeys((c) => (seen.push(`outer:${c}`), c === 'j'));
    const offInner = onKeys((c) => (seen.push(`inner:${c}`), c === 'n'));
    const e = {} as KeyboardEvent;
    expect(dispatchKey('n', e)).toBe(true);
    expect(dispatchKey('j', e)).toBe(true);
    expect(dispatchKey('x', e)).toBe(false);
    expect(seen).toEqual(['inner:n', 'inner:j', 'outer:j', 'inner:x', 'outer:x']);
    offInner();
    seen.length = 0;
    dispatchKey('n', e);
    expect(seen).toEqual(['outer:n']);
    offOuter();
    expect(dispatchKey('j', e)).toBe(false);
  });
});
