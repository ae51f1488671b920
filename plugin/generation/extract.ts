/**
 * From a model's answer (markdown text) to the candidate's file, or a sample-level outcome.
 *
 * Rules, in order (docs/prompts.md, "Extraction"):
 * 1. The provider's own refusal signal (`refused`: OpenAI `message.refusal`, Anthropic
 *    `stop_reason: 'refusal'`) → `refusal`, whatever the text holds: the vendor cut or replaced the answer,
 *    so any code in it is not the model's finished attempt.
 * 2. null or whitespace-only answer → `empty`.
 * 3. Fenced blocks (``` or ~~~, three or more, info string optional; CRLF tolerated; an unclosed fence
 *    runs to the end of the answer, as in a truncated answer). Blocks with only whitespace are ignored.
 *    Candidates, best tier first; within a tier, a block that defines the interface function beats one
 *    that only mentions its name, which beats the rest, and then the longest wins:
 *      a. blocks whose info string names the language (`python`/`py`, `js`/`node`/..., `cpp`/`c++`/...;
 *         also `lang:file`, `{.lang}` and a file name with the language's extension);
 *      b. untagged blocks that define the function;
 *      c. blocks tagged otherwise that still define the function in the language's syntax (C++ in a
 *         ```c block, Python in ```text);
 *      d. any untagged block.
 *    A block tagged as another language that does not define the function (bash install commands, JSON
 *    examples) is never chosen. Fences only, all empty → `empty`.
 * 4. No fence at all: the whole answer is the code when it defines the function with the language's syntax
 *    (`def name(`; `function name(`, `name = (...) =>`, `exports.name`; a C++ definition `T name(...) {`).
 * 5. Otherwise no code: `refusal` when the text reads like one ("I can't help with that", "I'm sorry,
 *    but ..."), else `no-code`. An answer with code is never a refusal by its wording.
 * The code is kept byte-exact (line endings included) except for a leading BOM, and for the indentation
 * of an indented fence, which is removed from its lines as markdown does. It is keyed by `lang.mainFile`.
 */
import type { Language } from '../languages/types.js';
import type { Outcome } from '../results/outcomes.js';

/** Like `Sample['failure']` (samples.ts), plus `refusal`, which only an answer can produce. */
export interface ExtractFailure {
  outcome: Extract<Outcome, 'refusal' | 'empty' | 'no-code'>;
  message: string;
}

export type Extraction = { files: Record<string, Buffer>; failure?: undefined } | { failure: ExtractFailure; files?: undefined };

export interface ExtractOptions {
  /** The interface function's name in this language (`interfaceFor(task, lang).function`): ranks blocks. */
  functionName?: string;
  /** The provider said the model refused. */
  refused?: boolean;
}

export interface FencedBlock {
  /** The info string after the opening fence, trimmed (`python title="x"`), '' when absent. */
  info: string;
  code: string;
  /** The answer ended before the closing fence. */
  unclosed: boolean;
}

/** Info-string words that name each language (lower case). */
const TAGS: Record<string, string[]> = {
  python: ['python', 'py', 'python3', 'py3'],
  javascript: ['javascript', 'js', 'node', 'nodejs', 'mjs', 'cjs'],
  cpp: ['cpp', 'c++', 'cc', 'cxx', 'hpp', 'hxx', 'h++'],
};

/** Splits into lines that keep their terminators, so the code between fences is the answer's own bytes. */
function lines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

const OPEN = /^([ \t]*)(`{3,}|~{3,})([^\r\n]*)$/;
/** A line without its terminator (LF, CRLF, or a CR at the very end). */
const bare = (l: string) => l.replace(/\r?\n?$/, '');

export function fencedBlocks(answer: string): FencedBlock[] {
  const ls = lines(answer);
  const blocks: FencedBlock[] = [];
  for (let i = 0; i < ls.length; i++) {
    const m = OPEN.exec(bare(ls[i]));
    if (!m) continue;
    const [, indent, fence, rest] = m;
    // CommonMark: a backtick fence's info string has no backticks (else it is inline code, e.g. ```x```).
    if (fence[0] === '`' && rest.includes('`')) continue;
    const closing = new RegExp(`^[ \\t]*${fence[0] === '`' ? '`' : '~'}{${fence.length},}[ \\t]*$`);
    const body: string[] = [];
    let j = i + 1;
    for (; j < ls.length && !closing.test(bare(ls[j])); j++) body.push(ls[j]);
    // An indented fence (inside a list item) indents its lines too: remove up to that much, as markdown does.
    const width = indent.length;
    const code = width ? body.map((l) => l.replace(new RegExp(`^[ \\t]{0,${width}}`), '')).join('') : body.join('');
    blocks.push({ info: rest.trim(), code, unclosed: j >= ls.length });
    i = j;
  }
  return blocks;
}

type Tag = 'match' | 'untagged' | 'other';

function tagOf(info: string, lang: Language): Tag {
  const word = info.split(/\s+/)[0].toLowerCase().replace(/^[{.]+|[}]+$/g, '');
  if (!word) return 'untagged';
  const names = TAGS[lang.name] ?? [lang.name, lang.ext];
  const forms = [word, word.split(':')[0], word.includes('.') ? word.slice(word.lastIndexOf('.') + 1) : ''];
  return forms.some((f) => names.includes(f)) ? 'match' : 'other';
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Does the text define the function (any function when the name is unknown) in the language's syntax? */
function definer(lang: Language, functionName?: string): (code: string) => boolean {
  const n = functionName ? `(?<![\\w$])${escape(functionName)}(?![\\w$])` : '';
  const any = '[A-Za-z_$][\\w$]*';
  let re: RegExp;
  if (lang.name === 'python') re = new RegExp(`^[ \\t]*(?:async[ \\t]+)?def[ \\t]+${n || any}[ \\t]*\\(`, 'm');
  else if (lang.name === 'javascript') {
    re = functionName
      ? new RegExp(`\\bfunction\\b\\s*\\*?\\s*${n}\\s*\\(|${n}\\s*[=:]\\s*(?:async\\b\\s*)?(?:function\\b|\\(|${any}\\s*=>)|\\bexports\\.${n}|module\\.exports\\s*=\\s*\\{[^}]*${n}`)
      : /\bfunction\b\s*\*?\s*[A-Za-z_$][\w$]*\s*\(|\bmodule\.exports\b|\bexport\s+(?:default\s+)?(?:async\s+)?function\b/;
  } else if (lang.name === 'cpp') {
    // A return type, the name, a parameter list and a body: a call (`if (f(x)) {`) has no type before it.
    re = new RegExp(`(?:[\\w>&*\\]]\\s+|[*&]\\s*)${n || '[A-Za-z_]\\w*'}\\s*\\([^;{}]*\\)\\s*(?:const\\s*)?(?:noexcept\\s*)?(?:->[^;{}]*)?\\{`);
  } else re = new RegExp(n || '$^');
  return (code) => re.test(code);
}

/** Common ways models decline, tested only on answers without code. */
const REFUSALS = [
  /\bI(?:'m| am)?\s*(?:can't|cannot|can not|won't|will not|unable to|not able to)\s+(?:help|assist|comply|provide|write|create|fulfil|complete|support|do)\b/i,
  /\b(?:I(?:'m| am) sorry|sorry|I apologi[sz]e)\b[^\n]{0,80}?\bbut\b/i,
  /\bI (?:must|have to|need to) (?:decline|refuse)\b/i,
  /\bI(?:'m| am) not (?:comfortable|going to) (?:help|assist|provid|writ|creat)/i,
];

export function looksLikeRefusal(text: string): boolean {
  const t = text.replace(/[\u2018\u2019\u02bc]/g, "'");
  return REFUSALS.some((re) => re.test(t));
}

const fail = (outcome: ExtractFailure['outcome'], message: string): Extraction => ({ failure: { outcome, message } });

function excerpt(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > 160 ? `${one.slice(0, 157)}...` : one;
}

function best(blocks: FencedBlock[], defines: (c: string) => boolean, mentions: (c: string) => boolean): FencedBlock | undefined {
  let top: FencedBlock | undefined;
  let topKey: [number, number] = [-1, -1];
  for (const b of blocks) {
    const key: [number, number] = [defines(b.code) ? 2 : mentions(b.code) ? 1 : 0, b.code.length];
    // Strictly greater: on a tie the first block wins.
    if (key[0] > topKey[0] || (key[0] === topKey[0] && key[1] > topKey[1])) [top, topKey] = [b, key];
  }
  return top;
}

function chooseBlock(blocks: FencedBlock[], lang: Language, functionName?: string): FencedBlock | undefined {
  const defines = definer(lang, functionName);
  const nameRe = functionName ? new RegExp(`(?<![\\w$])${escape(functionName)}(?![\\w$])`) : null;
  const mentions = (c: string) => (nameRe ? nameRe.test(c) : false);
  const by = (t: Tag) => blocks.filter((b) => tagOf(b.info, lang) === t);
  const tagged = by('match');
  if (tagged.length) return best(tagged, defines, mentions);
  const untagged = by('untagged');
  return best(untagged.filter((b) => defines(b.code)), defines, mentions)
    ?? best(by('other').filter((b) => defines(b.code)), defines, mentions)
    ?? best(untagged, defines, mentions);
}

const stripBom = (s: string) => (s.charCodeAt(0) === 0xfeff ? s.slice(1) : s);

export function extractProgram(answer: string | null, lang: Language, opts: ExtractOptions = {}): Extraction {
  if (opts.refused) return fail('refusal', answer?.trim() ? `the provider reported a refusal: "${excerpt(answer)}"` : 'the provider reported a refusal');
  if (answer === null || answer.trim() === '') return fail('empty', 'the answer is empty');
  const text = stripBom(answer);
  const file = (code: string): Extraction => ({ files: { [lang.mainFile]: Buffer.from(stripBom(code), 'utf8') } });

  const all = fencedBlocks(text);
  const blocks = all.filter((b) => b.code.trim() !== '');
  if (blocks.length) {
    const chosen = chooseBlock(blocks, lang, opts.functionName);
    if (chosen) return file(chosen.code);
  } else if (all.length) {
    return fail('empty', `the answer's code block${all.length === 1 ? ' is' : 's are'} empty`);
  } else if (definer(lang, opts.functionName)(text)) {
    return file(text);
  }

  if (looksLikeRefusal(text)) return fail('refusal', `the answer declines the task: "${excerpt(text)}"`);
  const tags = [...new Set(blocks.map((b) => b.info.split(/\s+/)[0] || 'untagged'))];
  return fail('no-code', blocks.length
    ? `the answer has no ${lang.name} code block (only ${tags.join(', ')})`
    : `the answer has no fenced code block and is not ${lang.name} code${opts.functionName ? ` defining ${opts.functionName}` : ''}: "${excerpt(text)}"`);
}
