/** The terminal table: pure rows → text. */
import type { Row } from '../plugin/results/metrics.js';

const pct = (v: number | null | undefined) => (v === null || v === undefined ? '   –  ' : `${(v * 100).toFixed(1).padStart(5)}%`);

export function renderTable(rows: (Row & { suite?: string })[], ks: number[]): string {
  const head = ['model', 'language', 'tasks', 'n', ...ks.flatMap((k) => [`pass@${k}`, `secure@${k}`, `sec-pass@${k}`]), 'PR', 'SPR', 'other outcomes'];
  const body = rows.map((r) => [
    r.model + (r.incomplete ? ' (incomplete)' : ''),
    r.language,
    String(r.tasks),
    String(r.n),
    ...ks.flatMap((k) => [pct(r.passAtK[k]), pct(r.secureAtK[k]), pct(r.securePassAtK[k])]),
    pct(r.pr),
    pct(r.spr),
    Object.entries(r.outcomes).filter(([o]) => o !== 'passed' && o !== 'failed').map(([o, c]) => `${o}:${c}`).join(' ') || '–',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 || i === cells.length - 1 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  const notes = rows.flatMap((r) => r.notes.map((n) => `  note (${r.model} · ${r.language}): ${n}`));
  return [line(head), line(widths.map((w) => '─'.repeat(w))), ...body.map(line), ...notes].join('\n');
}
