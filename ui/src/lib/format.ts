// Numbers for people: counts with thousands separators, sizes, rates.

export function num(n: number | null | undefined, lang: string = 'en'): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  return new Intl.NumberFormat(lang === 'zh' ? 'zh-CN' : 'en-US').format(n);
}

export function bytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n) || n < 0) return '—';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} B` : `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[u]}`;
}

export function percent(r: number | null | undefined): string {
  if (r === null || r === undefined || !Number.isFinite(r)) return '—';
  const p = r * 100;
  return `${p === 0 || p === 100 || p >= 10 ? Math.round(p) : p.toFixed(1)}%`;
}

/** `9024c4b0…45fc68` */
export function shortHash(h: string | null | undefined): string {
  if (!h) return '—';
  return h.length > 16 ? `${h.slice(0, 8)}…${h.slice(-6)}` : h;
}

/** Money as the export gave it: `2000.00 CNY`. */
export function money(amount: string | null, currency: string | null): string {
  if (!amount) return '';
  return currency ? `${amount} ${currency}` : amount;
}
