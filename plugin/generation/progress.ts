/**
 * The live progress line of generation (main process): samples answered of those the run plans to ask for,
 * how many came from the cache, failures, and what has been spent. Whole lines on stderr, never `\r` rewrites:
 * Vitest's terminal renderer keeps its own status area at the bottom and prints other output above it, where a
 * rewritten line would smear. A terminal gets a line at most every 2 s, a log (CI) every 10 s, and both one
 * more when the last planned sample is in.
 */
import type { GenerationProgress } from './service-ledger.js';

const TTY_EVERY_MS = 2_000;
const LOG_EVERY_MS = 10_000;

export function progressLine(p: GenerationProgress): string {
  const of = p.total === null ? '' : `/${p.total}`;
  const cost = `$${p.spentUsd.toFixed(4)}${p.unknownCostSamples ? ` + ${p.unknownCostSamples} of unknown cost` : ''}`;
  const extra = [p.failed && `${p.failed} failed`, p.missing && `${p.missing} over budget`, p.skipped && `${p.skipped} skipped`].filter(Boolean);
  return `generation: ${p.done}${of} samples (${p.cached} from the cache, ${p.generated} generated${extra.length ? `, ${extra.join(', ')}` : ''}) · ${cost}`;
}

export function progressPrinter(out: NodeJS.WriteStream = process.stderr): (p: GenerationProgress) => void {
  let last = 0;
  let finished = false;
  return (p) => {
    const now = Date.now();
    const complete = p.total !== null && p.done >= p.total;
    if (finished) return;
    if (complete || now - last >= (out.isTTY ? TTY_EVERY_MS : LOG_EVERY_MS)) {
      out.write(`${progressLine(p)}\n`);
      last = now;
    }
    finished = complete;
  };
}
