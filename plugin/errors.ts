/** Errors with a stable code, a place (file:line:col) and what to do next. */

export interface SourcePlace {
  file: string;
  line?: number; // 1-based
  col?: number; // 1-based
}

export type ErrorCode =
  | 'DG_CONFIG_MISSING'
  | 'DG_CONFIG_INVALID'
  | 'DG_SUITE_INVALID'
  | 'DG_SPEC_INVALID'
  | 'DG_YAML_SYNTAX'
  | 'DG_MODEL_UNKNOWN'
  | 'DG_SANDBOX_MISSING'
  | 'DG_AUDIT_MISSING'
  | 'DG_SANDBOX_FAILED'
  | 'DG_HARNESS_PROTOCOL'
  | 'DG_TOOLCHAIN_MISSING'
  | 'DG_INTERNAL';

export class DualGaugeError extends Error {
  readonly code: ErrorCode;
  readonly hint?: string;
  readonly place?: SourcePlace;

  constructor(code: ErrorCode, message: string, opts: { hint?: string; place?: SourcePlace; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.code = code;
    this.hint = opts.hint;
    this.place = opts.place;
    // A user's mistake, not our crash: no stack frames and no object dump, just the message and the hint.
    for (const k of ['code', 'hint', 'place']) Object.defineProperty(this, k, { enumerable: false });
    // The one frame that matters is the place in the user's file (clickable in terminals and editors).
    if (code !== 'DG_INTERNAL') this.stack = `${formatError(this)}${opts.place ? `\n    at ${formatPlace(opts.place)}` : ''}`;
  }

  override toString(): string {
    return formatError(this);
  }
}
DualGaugeError.prototype.name = 'DualGaugeError';

/** One problem found while validating a file; many are reported together. */
export interface Problem {
  place: SourcePlace;
  message: string;
  /** The offending source line with a caret under the column, when known. */
  frame?: string;
  hint?: string;
}

/** A file (or several) had problems; all of them are listed at once. */
export class ValidationError extends DualGaugeError {
  readonly problems: Problem[];
  constructor(code: ErrorCode, what: string, problems: Problem[]) {
    super(code, `${what}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n\n${problems.map(formatProblem).join('\n\n')}`, {
      place: problems[0]?.place,
    });
    this.problems = problems;
    Object.defineProperty(this, 'problems', { enumerable: false });
  }
}

export function formatPlace(p: SourcePlace): string {
  return p.line ? `${p.file}:${p.line}:${p.col ?? 1}` : p.file;
}

export function formatProblem(p: Problem): string {
  const lines = [`${formatPlace(p.place)} ${p.message}`];
  if (p.frame) lines.push(p.frame);
  if (p.hint) lines.push(`  hint: ${p.hint}`);
  return lines.join('\n');
}

export function formatError(e: DualGaugeError): string {
  const head = `[${e.code}] ${e.message}`;
  return e.hint ? `${head}\n  hint: ${e.hint}` : head;
}
