/**
 * Reads the log of audit mode (strace `-f -y -xx`, see AUDIT_STRACE_ARGS in bwrap.ts) into syscall records.
 * Hand-written because no library parses strace output; `-xx` keeps it tractable: every string is hex-escaped,
 * so quotes, commas and brackets inside paths cannot confuse the argument splitter.
 */
import { posix } from 'node:path';

export interface Syscall {
  /** Host tid of the calling thread. */
  tid: number;
  name: string;
  /** Top-level arguments as strace printed them. */
  args: string[];
  /** Return value as printed (`0`, `3<…>`, `-1 ENOENT (…)`, `?`). */
  ret: string;
}

const LINE = /^(\d+) +(.*)$/;
const UNFINISHED = ' <unfinished ...>';
const RESUMED = /^<\.\.\. ([a-z0-9_]+) resumed>(.*)$/;

/**
 * The complete syscalls of a log, in the order they started. A call another thread interrupted is printed as
 * `name(args <unfinished ...>` and later `<... name resumed>rest`; the two halves are joined at the first.
 * Calls cut off by the process's death (no `resumed` half) are kept with ret `?`.
 */
export function parseStraceLog(text: string): Syscall[] {
  const out: (Syscall | null)[] = [];
  const pending = new Map<number, { at: number; head: string }>();
  for (const raw of text.split('\n')) {
    const m = LINE.exec(raw);
    if (!m) continue;
    const tid = Number(m[1]);
    const body = m[2];
    if (body.endsWith(UNFINISHED)) {
      pending.set(tid, { at: out.length, head: body.slice(0, -UNFINISHED.length) });
      out.push(null);
      continue;
    }
    const r = RESUMED.exec(body);
    if (r) {
      const p = pending.get(tid);
      if (!p) continue;
      pending.delete(tid);
      out[p.at] = parseCall(tid, p.head + r[2]);
      continue;
    }
    out.push(parseCall(tid, body));
  }
  for (const [tid, p] of pending) out[p.at] = parseCall(tid, p.head + ') = ?');
  return out.filter((s): s is Syscall => s !== null);
}

function parseCall(tid: number, body: string): Syscall | null {
  const open = body.indexOf('(');
  if (open <= 0) return null;
  const name = body.slice(0, open);
  if (!/^[a-z0-9_]+$/.test(name)) return null;
  // The argument list ends at the bracket that closes the first one; strings hold no brackets (-xx).
  let depth = 0;
  let end = -1;
  for (let i = open; i < body.length; i++) {
    const ch = body[i];
    if (ch === '"') i = body.indexOf('"', i + 1);
    else if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') {
      depth--;
      if (depth === 0) {
        end = i;
        break;
      }
    }
    if (i < 0) return null;
  }
  if (end < 0) return null;
  const ret = /^\s*=\s*(.*)$/.exec(body.slice(end + 1))?.[1] ?? '?';
  return { tid, name, args: splitArgs(body.slice(open + 1, end)), ret };
}

function splitArgs(s: string): string[] {
  const args: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (ch === '"') {
      const close = s.indexOf('"', i + 1);
      if (close < 0) break;
      i = close;
    } else if (ch === '(' || ch === '[' || ch === '{' || ch === '<') depth++;
    else if (ch === ')' || ch === ']' || ch === '}' || ch === '>') depth--;
    else if (ch === ',' && depth === 0) {
      args.push(s.slice(start, i).trim());
      start = i + 1;
    }
  }
  const last = s.slice(start).trim();
  if (last || args.length) args.push(last);
  return args;
}

/** `\x2f\x74` (what -xx prints between the quotes) → text. */
export function unhex(escaped: string): string {
  return Buffer.from(escaped.replace(/\\x/g, ''), 'hex').toString('utf8');
}

/** `"\x2f\x74"` (and a truncated `"…"...`) → text; null for anything that is not a string. */
export function hexString(arg: string | undefined): string | null {
  const m = arg === undefined ? null : /^"((?:\\x[0-9a-f]{2})*)"(\.\.\.)?/.exec(arg);
  return m ? unhex(m[1]) : null;
}

/** The path strace annotated an fd argument or return value with (`3<\x2f…>`, `AT_FDCWD<…>`). */
export function fdPath(arg: string | undefined): string | null {
  const m = arg === undefined ? null : /<((?:\\x[0-9a-f]{2})*)>/.exec(arg);
  return m ? unhex(m[1]) : null;
}

/** `0`, `3<…>` → 'ok'; `-1 ENOENT (…)` → 'ENOENT'; `?` (the process died) → 'unfinished'. */
export function outcomeOf(ret: string): string {
  const e = /^-1 (E[A-Z0-9]+)/.exec(ret);
  if (e) return e[1];
  return ret.startsWith('?') ? 'unfinished' : 'ok';
}

/** A path argument resolved against its directory fd (lexically: `..` collapses, symlinks stay). */
export function resolveAt(dir: string | null, path: string): string {
  return path.startsWith('/') ? posix.normalize(path) : posix.resolve(dir ?? '/', path);
}
