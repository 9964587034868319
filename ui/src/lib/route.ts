// Hash routes (`#/queue/12`): they work the same in the desktop shell's
// custom protocol and in `redline serve`, and the back button works.

export type Route =
  | { screen: 'dashboard' }
  | { screen: 'queue'; caseId: number | null }
  | { screen: 'search'; q: string }
  | { screen: 'conversation'; messageId: number }
  | { screen: 'people'; id: number | null }
  | { screen: 'rules' }
  | { screen: 'import' };

export type Screen = Route['screen'];

const id = (s: string | undefined): number | null => {
  if (!s || !/^\d+$/.test(s)) return null;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : null;
};

export function parseRoute(hash: string): Route {
  const h = hash.replace(/^#\/?/, '');
  const [path, query = ''] = h.split('?', 2);
  const parts = path.split('/').filter(Boolean);
  const params = new URLSearchParams(query);
  switch (parts[0]) {
    case 'queue':
      return { screen: 'queue', caseId: id(parts[1]) };
    case 'case':
      return { screen: 'queue', caseId: id(parts[1]) };
    case 'search':
      return { screen: 'search', q: params.get('q') ?? '' };
    case 'conversation': {
      const m = id(parts[1]);
      return m === null ? { screen: 'search', q: '' } : { screen: 'conversation', messageId: m };
    }
    case 'people':
      return { screen: 'people', id: id(parts[1]) };
    case 'rules':
      return { screen: 'rules' };
    case 'import':
      return { screen: 'import' };
    default:
      return { screen: 'dashboard' };
  }
}

export function formatRoute(r: Route): string {
  switch (r.screen) {
    case 'queue':
      return r.caseId === null ? '#/queue' : `#/queue/${r.caseId}`;
    case 'search':
      return r.q ? `#/search?${new URLSearchParams({ q: r.q })}` : '#/search';
    case 'conversation':
      return `#/conversation/${r.messageId}`;
    case 'people':
      return r.id === null ? '#/people' : `#/people/${r.id}`;
    default:
      return `#/${r.screen}`;
  }
}
