/**
 * POSIX shell word splitting that remembers which characters the shell would still interpret ($ and `
 * outside single quotes or escapes). Hand-written because no maintained JS library reports quoting context
 * per character, which is what tells a safely quoted value from a spliced one.
 */
export interface ShellWord {
  text: string;
  /** Offsets of the word's raw source in the command (quotes included): [start, end). */
  start: number;
  end: number;
  /** True when some `$` or backquote in the word is live (expansion happens). */
  expands: boolean;
}

const OPERATORS = new Set([';', '|', '&', '<', '>', '(', ')', '\n']);

/** Words of a command line; operators end words and are dropped. Returns null on unbalanced quotes. */
export function shellWords(command: string): ShellWord[] | null {
  const words: ShellWord[] = [];
  let cur: ShellWord | null = null;
  let i = 0;
  const push = () => {
    const w = cur as ShellWord | null;
    if (w) words.push({ ...w, end: i });
    cur = null;
  };
  const open = (): ShellWord => (cur ??= { text: '', start: i, end: i, expands: false });
  const add = (ch: string, live: boolean) => {
    const w = open();
    w.text += ch;
    if (live && (ch === '$' || ch === '`')) w.expands = true;
  };
  for (; i < command.length; i++) {
    const ch = command[i];
    if (ch === '\\') {
      if (i + 1 < command.length) {
        if (command[i + 1] !== '\n') add(command[i + 1], false);
        i++;
      }
    } else if (ch === "'") {
      const end = command.indexOf("'", i + 1);
      if (end < 0) return null;
      open().text += command.slice(i + 1, end);
      i = end;
    } else if (ch === '"') {
      open();
      let j = i + 1;
      for (; j < command.length && command[j] !== '"'; j++) {
        if (command[j] === '\\' && j + 1 < command.length && '$`"\\\n'.includes(command[j + 1])) {
          if (command[j + 1] !== '\n') add(command[j + 1], false);
          j++;
        } else add(command[j], true);
      }
      if (j >= command.length) return null;
      i = j;
    } else if (ch === ' ' || ch === '\t') {
      push();
    } else if (OPERATORS.has(ch)) {
      push();
      words.push({ text: ch, start: i, end: i + 1, expands: true });
    } else {
      add(ch, true);
    }
  }
  push();
  return words;
}

/** Does every occurrence of `value` in the command lie inside one inert word (quoted, no live expansion)? */
export function isInertWord(command: string, value: string): boolean {
  const words = shellWords(command);
  if (!words || !value) return false;
  for (let at = command.indexOf(value); at >= 0; at = command.indexOf(value, at + 1)) {
    const inside = words.some((w) => !w.expands && w.start <= at && at + value.length <= w.end);
    if (!inside) return false;
  }
  return true;
}
