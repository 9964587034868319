// Text selected in a message → a UTF-16 span of the message text, for
// annotating a passage. The message's text element contains only the text
// (as text nodes, some inside <mark>), so the length of the text from the
// element's start to a boundary is that boundary's offset.

export function offsetIn(container: Node, node: Node, offset: number): number {
  const r = document.createRange();
  r.setStart(container, 0);
  r.setEnd(node, offset);
  return r.toString().length;
}

/** The text element (`.text[data-mid]`) a node is in, if any. */
export function textElementOf(node: Node | null): HTMLElement | null {
  const el = node instanceof HTMLElement ? node : (node?.parentElement ?? null);
  return (el?.closest('.text[data-mid]') as HTMLElement | null) ?? null;
}

export interface TextSelection {
  messageId: number;
  span: [number, number];
  quote: string;
  rect: DOMRect;
}

/** The current selection when it lies within one message's text. */
export function currentSelection(): TextSelection | null {
  const sel = window.getSelection();
  if (!sel || sel.isCollapsed || sel.rangeCount === 0) return null;
  const range = sel.getRangeAt(0);
  const a = textElementOf(range.startContainer);
  const b = textElementOf(range.endContainer);
  if (!a || a !== b) return null;
  const start = offsetIn(a, range.startContainer, range.startOffset);
  const end = offsetIn(a, range.endContainer, range.endOffset);
  if (end <= start) return null;
  return { messageId: Number(a.dataset.mid), span: [start, end], quote: range.toString(), rect: range.getBoundingClientRect() };
}
