// The queue's filter, sort and view survive leaving the screen (a reviewer
// who looks up a person and comes back finds the queue as it was).

import type { CaseFilter, CaseSort } from '../api/types';
import { emptyFilter } from '../lib/views';

export const queue = $state({
  filter: emptyFilter() as CaseFilter,
  sort: 'priority' as CaseSort,
  viewId: 'all',
  scrollTop: 0,
});

/** Open the queue with one condition set (from the dashboard, people, rules). */
export function filterQueue(patch: Partial<CaseFilter>): void {
  queue.filter = { ...emptyFilter(), ...patch };
  queue.viewId = '';
  queue.scrollTop = 0;
}
