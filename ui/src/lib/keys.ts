// Keyboard shortcuts. Single keys act only when the reviewer is not typing;
// `g` starts a two-key sequence for going to a screen.

/** True when key presses belong to a text field, not to shortcuts. */
export function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || typeof el.tagName !== 'string') return false;
  const tag = el.tagName.toLowerCase();
  if (tag === 'textarea' || tag === 'select') return true;
  if (tag === 'input') {
    const type = ((el as HTMLInputElement).type || 'text').toLowerCase();
    return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color'].includes(type);
  }
  return el.isContentEditable === true;
}

/** `ctrl+enter`, `shift+?` → `?`, `j`: the key as shortcut tables name it. */
export function comboOf(e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey'>): string {
  const mods: string[] = [];
  if (e.ctrlKey || e.metaKey) mods.push('ctrl');
  if (e.altKey) mods.push('alt');
  let key = e.key.length === 1 ? e.key.toLowerCase() : e.key.toLowerCase();
  // Shift is part of the character for printable keys (`?`, `J`).
  if (e.shiftKey && e.key.length > 1) mods.push('shift');
  if (e.shiftKey && e.key.length === 1 && e.key !== e.key.toLowerCase()) key = `shift+${key}`;
  return [...mods, key].join('+');
}

/** The screens `g` + key goes to. */
export const GO_KEYS: Record<string, 'dashboard' | 'queue' | 'search' | 'people' | 'rules' | 'import'> = {
  d: 'dashboard',
  q: 'queue',
  s: 'search',
  p: 'people',
  r: 'rules',
  i: 'import',
};

export interface Shortcut {
  keys: string;
  /** i18n key of the description. */
  what: string;
}

/** Every shortcut, grouped, for the help overlay (`?`). */
export const SHORTCUTS: { group: string; items: Shortcut[] }[] = [
  {
    group: 'scGlobal',
    items: [
      { keys: '?', what: 'scHelp' },
      { keys: 'g d', what: 'scGoDashboard' },
      { keys: 'g q', what: 'scGoQueue' },
      { keys: 'g s', what: 'scGoSearch' },
      { keys: 'g p', what: 'scGoPeople' },
      { keys: 'g r', what: 'scGoRules' },
      { keys: 'g i', what: 'scGoImport' },
      { keys: '/', what: 'scFocusSearch' },
      { keys: 'Esc', what: 'scEscape' },
    ],
  },
  {
    group: 'scQueue',
    items: [
      { keys: 'j / ↓', what: 'scNextCase' },
      { keys: 'k / ↑', what: 'scPrevCase' },
      { keys: 'Enter', what: 'scOpenCase' },
      { keys: 'f', what: 'scFilters' },
    ],
  },
  {
    group: 'scCase',
    items: [
      { keys: 'n', what: 'scNextHit' },
      { keys: 'p', what: 'scPrevHit' },
      { keys: 's', what: 'scStartReview' },
      { keys: 'e', what: 'scEscalate' },
      { keys: '1', what: 'scViolation' },
      { keys: '2', what: 'scNoViolation' },
      { keys: '3', what: 'scFalsePositive' },
      { keys: '4', what: 'scInsufficient' },
      { keys: 'a', what: 'scAssignMe' },
      { keys: 't', what: 'scTag' },
      { keys: 'c', what: 'scNote' },
      { keys: 'm', what: 'scAnnotate' },
      { keys: 'h', what: 'scHistory' },
      { keys: 'x', what: 'scExport' },
      { keys: 'Ctrl+Enter', what: 'scSubmit' },
    ],
  },
];

/** A screen's key handler: returns true when it used the key. */
export type KeyHandler = (combo: string, e: KeyboardEvent) => boolean;

const handlers: KeyHandler[] = [];

/**
 * Register a handler; the most recently registered (the innermost screen)
 * is asked first. Returns the function that removes it.
 */
export function onKeys(h: KeyHandler): () => void {
  handlers.push(h);
  return () => {
    const i = handlers.lastIndexOf(h);
    if (i >= 0) handlers.splice(i, 1);
  };
}

/** Offer a key to the registered handlers, innermost first. */
export function dispatchKey(combo: string, e: KeyboardEvent): boolean {
  for (let i = handlers.length - 1; i >= 0; i--) {
    if (handlers[i](combo, e)) return true;
  }
  return false;
}
