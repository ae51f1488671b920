/**
 * POSIX shell word splitting that remembers which characters the shell would still interpret ($ and `
 * outside single quotes or escapes). Hand-written because no maintained JS library reports quoting context
 * per character, which is what tells a safely quoted value from a spliced one.
 */
export interface ShellWord {
  text: string;
  /** True when some `$` or backquote in the word is live (expansion happens). */
  expands: boolean;
}

const OPERATORS = new Set([';', '|', '&', '<', '>', '(', ')', '\n']);

/** Words of a command line; operators end words and are dropped. Returns null on unbalanced quotes. */
export function shellWords(command: string): ShellWord[] | null {
  const words: ShellWord[] = [];
  let cur: ShellWord | null = null;
  const push = () => {
    if (cur) words.push(cur);
    cur = null;
  };
  const add = (ch: string, live: boolean) => {
    cur ??= { text: '', expands: false };
    cur.text += ch;
    if (live && (ch === '$' || ch === '`')) cur.expands = true;
  };
  for (let i = 0; i < command.length; i++) {
    const ch = command[i];
    if (ch === '\\') {
      if (i + 1 < command.length) {
        if (command[i + 1] !== '\n') add(command[i + 1], false);
        i++;
      }
    } else if (ch === "'") {
      const end = command.indexOf("'", i + 1);
      if (end < 0) return null;
      cur ??= { text: '', expands: false };
      cur.text += command.slice(i + 1, end);
      i = end;
    } else if (ch === '"') {
      cur ??= { text: '', expands: false };
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
      words.push({ text: ch, expands: true });
    } else {
      add(ch, true);
    }
  }
  push();
  return words;
}

/** Does `value` reach the shell inside one inert word (quoted or escaped, no live expansion)? */
export function isInertWord(command: string, value: string): boolean {
  const words = shellWords(command);
  if (!words) return false;
  return words.some((w) => !w.expands && w.text.includes(value));
}
