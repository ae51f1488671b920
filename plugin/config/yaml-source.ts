/** YAML files with positions: every value can be traced back to file:line:col. */
import { readFileSync } from 'node:fs';
import { LineCounter, isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import { DualGaugeError, ValidationError, type ErrorCode, type Problem, type SourcePlace } from '../errors.js';

export type Path = (string | number)[];

export interface YamlSource {
  file: string;
  text: string;
  doc: Document.Parsed;
  lineCounter: LineCounter;
  /** The document as plain data; integers are bigint so that 1 and 1.0 stay apart. */
  data: unknown;
}

export function readYaml(file: string, code: ErrorCode): YamlSource {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new DualGaugeError(code, `cannot read ${file}: ${(e as Error).message}`, { place: { file }, hint: 'check the path' });
  }
  return parseYaml(file, text, code);
}

export function parseYaml(file: string, text: string, code: ErrorCode): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, intAsBigInt: true, prettyErrors: false, uniqueKeys: true });
  const src: YamlSource = { file, text, doc, lineCounter, data: undefined };
  if (doc.errors.length > 0) {
    const problems: Problem[] = doc.errors.map((err) => {
      const place = placeAtOffset(src, err.pos[0]);
      return { place, message: `YAML syntax: ${err.message.split('\n')[0]}`, frame: codeFrame(src, place), hint: 'fix the YAML syntax (indentation, quotes, a missing colon)' };
    });
    throw new ValidationError('DG_YAML_SYNTAX', `invalid YAML in ${file}`, problems);
  }
  src.data = doc.toJS({ maxAliasCount: 100 });
  return src;
}

export function placeAtOffset(src: YamlSource, offset: number): SourcePlace {
  const { line, col } = src.lineCounter.linePos(Math.max(0, Math.min(offset, src.text.length)));
  return { file: src.file, line, col };
}

/** The node at a data path (the value node, or the key node with `key: true`). */
export function nodeAt(src: YamlSource, path: Path, key = false): Node | undefined {
  let node: unknown = src.doc.contents;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) return node as Node;
      if (key && i === path.length - 1) return pair.key as Node;
      node = pair.value ?? pair.key;
    } else if (isSeq(node)) {
      const item = node.items[Number(seg)];
      if (item === undefined) return node as Node;
      node = item;
    } else {
      return node as Node | undefined;
    }
  }
  return node as Node | undefined;
}

export function placeOf(src: YamlSource, path: Path, key = false): SourcePlace {
  const node = nodeAt(src, path, key);
  const offset = node?.range?.[0] ?? 0;
  return placeAtOffset(src, offset);
}

/** The source line with a caret under the column, like a compiler. */
export function codeFrame(src: YamlSource, place: SourcePlace): string {
  if (!place.line) return '';
  const lines = src.text.split('\n');
  const text = lines[place.line - 1] ?? '';
  const gutter = String(place.line).padStart(4);
  return `${gutter} | ${text}\n${' '.repeat(gutter.length)} | ${' '.repeat(Math.max(0, (place.col ?? 1) - 1))}^`;
}

export function problemAt(src: YamlSource, path: Path, message: string, opts: { key?: boolean; hint?: string } = {}): Problem {
  const place = placeOf(src, path, opts.key);
  return { place, message, frame: codeFrame(src, place), hint: opts.hint };
}

/** Plain JSON-ish data for schema validation: bigint → number. */
export function toPlain(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(toPlain);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toPlain(v);
    return out;
  }
  return value;
}
