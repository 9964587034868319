// Svelte actions shared by forms.

/** Ctrl+Enter (Cmd+Enter) in a text field submits: `use:ctrlEnter={save}`. */
export function ctrlEnter(node: HTMLElement, submit: () => void) {
  let fn = submit;
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      fn();
    }
  };
  node.addEventListener('keydown', onKey);
  return {
    update(next: () => void) {
      fn = next;
    },
    destroy() {
      node.removeEventListener('keydown', onKey);
    },
  };
}
