// The case view's transcript: the conversation around each hit, as runs of
// consecutive messages. Windows fetched around different hits are merged when
// they share messages, so a reviewer reads each stretch of conversation once;
// between runs the UI offers to load the messages in the gap.
//
// Order is the server's: (UTC time, id), messages without a time first.

import type { MessageItem } from '../api/types';
import { epochMs } from './time';

export interface Run {
  conversationId: number;
  conversation: string;
  messages: MessageItem[];
  /** More messages exist before the first / after the last. */
  moreBefore: boolean;
  moreAfter: boolean;
}

export function compareMessages(a: MessageItem, b: MessageItem): number {
  const ta = epochMs(a.timestamp);
  const tb = epochMs(b.timestamp);
  if (ta !== tb) return ta < tb ? -1 : 1;
  return a.id - b.id;
}

/**
 * Add a contiguous stretch of one conversation (a window or a page) to the
 * runs, merging every run it overlaps or touches through shared messages.
 */
export function addRun(runs: readonly Run[], add: Run): Run[] {
  if (add.messages.length === 0) return [...runs];
  let merged: Run = { ...add, messages: [...add.messages].sort(compareMessages) };
  const rest: Run[] = [];
  for (const r of runs) {
    const ids = new Set(merged.messages.map((m) => m.id));
    if (r.conversationId === merged.conversationId && r.messages.some((m) => ids.has(m.id))) {
      merged = union(merged, r);
    } else {
      rest.push(r);
    }
  }
  // A merge can make the new run overlap runs checked before it.
  const again = rest.findIndex((r) => r.conversationId === merged.conversationId && r.messages.some((m) => merged.messages.some((x) => x.id === m.id)));
  if (again >= 0) return addRun(rest, merged);
  return sortRuns([...rest, merged]);
}

function union(a: Run, b: Run): Run {
  const byId = new Map<number, MessageItem>();
  for (const m of b.messages) byId.set(m.id, m);
  // The newer copy (a) wins: it may carry fresher hits or annotations.
  for (const m of a.messages) byId.set(m.id, m);
  const messages = [...byId.values()].sort(compareMessages);
  const firstOf = (r: Run) => r.messages[0];
  const lastOf = (r: Run) => r.messages[r.messages.length - 1];
  const first = compareMessages(firstOf(a), firstOf(b)) <= 0 ? a : b;
  const last = compareMessages(lastOf(a), lastOf(b)) >= 0 ? a : b;
  return { conversationId: a.conversationId, conversation: a.conversation, messages, moreBefore: first.moreBefore, moreAfter: last.moreAfter };
}

/** Runs by conversation (in order of first appearance in time), then by time. */
export function sortRuns(runs: Run[]): Run[] {
  const convStart = new Map<number, MessageItem>();
  for (const r of runs) {
    const f = r.messages[0];
    const cur = convStart.get(r.conversationId);
    if (!cur || compareMessages(f, cur) < 0) convStart.set(r.conversationId, f);
  }
  return runs.sort((a, b) => {
    if (a.conversationId !== b.conversationId) {
      return compareMessages(convStart.get(a.conversationId)!, convStart.get(b.conversationId)!);
    }
    return compareMessages(a.messages[0], b.messages[0]);
  });
}

/** Replace one message everywhere (after an annotation changed, say). */
export function replaceMessage(runs: readonly Run[], m: MessageItem): Run[] {
  return runs.map((r) => (r.messages.some((x) => x.id === m.id) ? { ...r, messages: r.messages.map((x) => (x.id === m.id ? m : x)) } : r));
}
