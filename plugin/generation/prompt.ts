/**
 * The prompt a model receives for one task in one language: handlebars templates in prompts/ (system.hbs,
 * user.hbs, languages/<lang>.hbs as the `language` partial), optionally overridden file by file from a
 * model's own templates dir. See docs/prompts.md for the variables and the override rules.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Handlebars from 'handlebars';
import type { LanguageName } from '../config/types.js';
import { DualGaugeError } from '../errors.js';
import type { Language } from '../languages/types.js';
import { packageFile } from '../paths.js';
import { cppSignature, cppType } from '../languages/cpp/index.js';
import { interfaceFor, type Interface, type Param, type Task } from '../spec/task.js';

/**
 * Bump when the context computed here changes (a type mapping, a signature's form): the rendered prompt then
 * changes without any template byte changing, and the generation cache must not serve old answers.
 */
const CONTEXT_VERSION = 2;

export interface PromptParam {
  name: string;
  /** The type in the language's own notation (`str`, `std::string`). */
  type: string;
  /** The type as the spec writes it (`string`, `list<int>`). */
  spec: string;
  /** For a derived count (`value: {length_of: q}`): q; else null. */
  lengthOf: string | null;
  /** The parameter carries the result (`result: {param}`). */
  out: boolean;
}

/** Everything a template can use (strict mode: anything else is an error). */
export interface PromptContext {
  task: { id: string; title: string };
  /** The task's prompt, verbatim (trailing whitespace removed). */
  prompt: string;
  /** The task's notes for this language, or null. */
  notes: string | null;
  language: { name: string; label: string; fence: string; ext: string; mainFile: string };
  function: string;
  /** The name the task's prompt uses when this language renames the function (per_language), else null. */
  renamed: string | null;
  /** The function's declaration in the language's syntax. */
  signature: string;
  params: PromptParam[];
  returns: { type: string; spec: string; void: boolean };
  /** The out-parameter holding the result, or null. */
  result: string | null;
  /** Some parameter or the result has the spec type `any` (C++: nlohmann::json). */
  hasAny: boolean;
}

export interface RenderedPrompt {
  system: string;
  user: string;
  /** sha256 (16 hex) over the bytes of the three template files used: part of the generation cache key. */
  templateVersion: string;
}

export interface PromptOptions {
  /** A dir laid out like prompts/; each file it has replaces the built-in one, the others stay built-in. */
  templatesDir?: string;
}

const LABELS: Record<string, { label: string; fence: string }> = {
  python: { label: 'Python', fence: 'python' },
  javascript: { label: 'JavaScript', fence: 'javascript' },
  cpp: { label: 'C++', fence: 'cpp' },
};

// ---- spec types in each language's notation ----

interface TypeNode {
  name: string;
  args: TypeNode[];
}

/** `dict<list<int>>` → a tree; anything unparseable stays a leaf with its text, shown as written. */
function parseType(text: string): TypeNode {
  let i = 0;
  const s = text.replace(/\s+/g, '');
  const node = (): TypeNode => {
    const m = /^[A-Za-z_][\w]*/.exec(s.slice(i));
    if (!m) throw new Error('bad type');
    i += m[0].length;
    const args: TypeNode[] = [];
    if (s[i] === '<') {
      do {
        i++;
        args.push(node());
      } while (s[i] === ',');
      if (s[i++] !== '>') throw new Error('bad type');
    }
    return { name: m[0], args };
  };
  try {
    const n = node();
    if (i === s.length) return n;
  } catch {
    // fall through: shown as written
  }
  return { name: text, args: [] };
}

type Render = (t: TypeNode) => string;

const NOTATIONS: Partial<Record<LanguageName, Render>> = {
  python: (t) => {
    const r = NOTATIONS.python!;
    const [a] = t.args;
    switch (t.name) {
      case 'string': return 'str';
      case 'any': return 'Any';
      case 'void': return 'None';
      case 'list': return `list[${a ? r(a) : 'Any'}]`;
      case 'dict': return `dict[str, ${a ? r(a) : 'Any'}]`;
      case 'optional': return `${a ? r(a) : 'Any'} | None`;
      case 'tuple': return `tuple[${t.args.map(r).join(', ')}]`;
      default: return t.name; // int, float, bool, bytes
    }
  },
  javascript: (t) => {
    const r = NOTATIONS.javascript!;
    const [a] = t.args;
    const inner = (n?: TypeNode) => (n ? r(n) : 'any');
    switch (t.name) {
      case 'int': return 'number (an integer)';
      case 'float': return 'number';
      case 'bool': return 'boolean';
      case 'bytes': return 'Buffer';
      case 'void': return 'undefined';
      case 'list': return `Array<${inner(a)}>`;
      case 'dict': return `Record<string, ${inner(a)}>`;
      case 'optional': return `${inner(a)} | null`;
      case 'tuple': return `[${t.args.map(r).join(', ')}]`;
      default: return t.name; // string, any
    }
  },
};

function specType(p: Param): string {
  return p.type ?? (p.value ? 'int' : 'any');
}

function typeIn(lang: string, spec: string): string {
  // C++ shows the declaration the adapter compiles against (cppType, cppSignature): one rendering, not two.
  if (lang === 'cpp') return cppType(spec);
  const render = NOTATIONS[lang as LanguageName];
  return render ? render(parseType(spec)) : spec;
}

function signatureOf(lang: string, itf: Interface): string {
  const names = itf.params.map((p) => p.name).join(', ');
  if (lang === 'python') return `def ${itf.function}(${names}):`;
  if (lang === 'javascript') return `function ${itf.function}(${names})`;
  if (lang === 'cpp') return cppSignature(itf);
  return `${itf.function}(${names})`;
}

export function promptContext(task: Task, lang: Language): PromptContext {
  const itf = interfaceFor(task, lang.name);
  const params: PromptParam[] = itf.params.map((p) => ({
    name: p.name,
    spec: specType(p),
    type: lang.name === 'cpp' && p.value?.length_of ? 'size_t' : typeIn(lang.name, specType(p)),
    lengthOf: p.value?.length_of ?? null,
    out: itf.result?.param === p.name,
  }));
  const returns = { spec: itf.returns, type: typeIn(lang.name, itf.returns), void: itf.returns === 'void' };
  const notes = task.notes[lang.name]?.trim();
  const names = LABELS[lang.name] ?? { label: lang.name, fence: lang.name };
  return {
    task: { id: task.id, title: task.title },
    prompt: task.prompt.trimEnd(),
    notes: notes ? notes : null,
    language: { name: lang.name, label: names.label, fence: names.fence, ext: lang.ext, mainFile: lang.mainFile },
    function: itf.function,
    renamed: itf.function === task.interface.function ? null : task.interface.function,
    signature: signatureOf(lang.name, itf),
    params,
    returns,
    result: itf.result?.param ?? null,
    hasAny: [...params.map((p) => p.spec), itf.returns].some((t) => /(^|[<,\s])any([>,\s]|$)/.test(t)),
  };
}

// ---- templates ----

type Role = 'system' | 'user' | 'language';
interface TemplateFile {
  role: Role;
  path: string;
  /** Read once: the hash and the render see the same bytes even if the file is being edited. */
  bytes: Buffer;
}

/** Each role's file: the override dir's when it has one, else the built-in. */
function templateFiles(lang: Language, templatesDir?: string): TemplateFile[] {
  const builtIn = packageFile('prompts');
  let dir: string | undefined;
  if (templatesDir !== undefined) {
    dir = resolve(templatesDir);
    // A typo in the config must not fall back silently to the built-in prompt.
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      throw new DualGaugeError('DG_CONFIG_INVALID', `prompt templates dir ${dir} does not exist`, {
        hint: 'point it at a folder laid out like prompts/ (system.hbs, user.hbs, languages/<language>.hbs); see docs/prompts.md',
      });
    }
  }
  const rels: [Role, string][] = [['system', 'system.hbs'], ['user', 'user.hbs'], ['language', join('languages', `${lang.name}.hbs`)]];
  return rels.map(([role, rel]) => {
    const own = dir && join(dir, rel);
    const path = own && existsSync(own) ? own : join(builtIn, rel);
    if (!existsSync(path)) {
      throw new DualGaugeError('DG_INTERNAL', `no prompt template for ${lang.name}: ${path} is missing`, { hint: `add prompts/languages/${lang.name}.hbs` });
    }
    return { role, path, bytes: readFileSync(path) };
  });
}

function templateError(file: string, text: string, e: unknown): DualGaugeError {
  if (e instanceof DualGaugeError) return e;
  const msg = ((e as Error).message ?? String(e)).replace(/ in (?:\[object Object\]|undefined)(?= - \d+:\d+$)/, '');
  // Strict-mode misses end with "- line:col" (col from 0); parse errors say "on line N".
  const at = / - (\d+):(\d+)$/.exec(msg) ?? /on line (\d+)/.exec(msg);
  const line = at ? Number(at[1]) : undefined;
  const col = at?.[2] !== undefined ? Number(at[2]) + 1 : undefined;
  // Handlebars names only the last segment of a missing path ("label" for langauge.label): quote the line.
  const src = line ? text.split('\n')[line - 1]?.trim() : undefined;
  const where = line ? `${file}:${line}${col ? `:${col}` : ''}` : file;
  const what = at?.[2] !== undefined ? `${msg.replace(/ - \d+:\d+$/, '')}${src ? ` (in: ${src})` : ''}` : msg;
  return new DualGaugeError('DG_CONFIG_INVALID', `prompt template ${where}: ${what}`, {
    hint: 'the variables and the partial a prompt template can use are listed in docs/prompts.md',
    place: { file, line, col },
    cause: e,
  });
}

function compile(hbs: typeof Handlebars, f: TemplateFile): HandlebarsTemplateDelegate {
  const text = f.bytes.toString('utf8');
  try {
    hbs.parse(text); // compile() is lazy: surface syntax errors here, with the file
  } catch (e) {
    throw templateError(f.path, text, e);
  }
  const render = hbs.compile(text, { noEscape: true, strict: true });
  return (ctx, opts) => {
    try {
      return render(ctx, opts);
    } catch (e) {
      throw templateError(f.path, text, e);
    }
  };
}

/**
 * The system and user messages for a task in a language. Each message is trimmed and ends with one newline.
 * Throws DG_CONFIG_INVALID (naming the file) for a broken template or one that drops the task's prompt,
 * notes or function name.
 */
export function renderPrompt(task: Task, lang: Language, opts: PromptOptions = {}): RenderedPrompt {
  const files = templateFiles(lang, opts.templatesDir);
  const hash = createHash('sha256').update(`dualgauge-prompt/${CONTEXT_VERSION}\0`);
  for (const f of files) hash.update(f.role).update('\0').update(f.bytes).update('\0');
  const templateVersion = hash.digest('hex').slice(0, 16);

  const hbs = Handlebars.create();
  const [system, user, partial] = files.map((f) => compile(hbs, f));
  hbs.registerPartial('language', partial);
  const ctx = promptContext(task, lang);
  const out = { system: system(ctx).trim() + '\n', user: user(ctx).trim() + '\n', templateVersion };

  // An override may reword everything but must not lose what the benchmark defines the task by.
  const all = `${out.system}\n${out.user}`;
  const used = files.map((f) => f.path).join(', ');
  const must: [string, string][] = [['the task prompt ({{prompt}})', ctx.prompt], ['the function name ({{function}})', ctx.function]];
  if (ctx.notes) must.push([`the ${ctx.language.label} notes ({{notes}})`, ctx.notes]);
  for (const [what, text] of must) {
    if (!all.includes(text)) {
      throw new DualGaugeError('DG_CONFIG_INVALID', `the prompt templates (${used}) leave out ${what} for task ${task.id}`, {
        hint: 'a prompt template must include the task prompt, its notes and the function name verbatim (docs/prompts.md)',
        place: { file: files[1].path },
      });
    }
  }
  return out;
}
