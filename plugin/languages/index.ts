/** The language registry: adding a language = one module implementing `Language`, registered here. */
import type { LanguageName } from '../config/types.js';
import { javascript } from './javascript/index.js';
import { cpp } from './cpp/index.js';
import { python } from './python/index.js';
import type { Language } from './types.js';

const registry: Partial<Record<LanguageName, Language>> = { python, javascript, cpp };

export function getLanguage(name: LanguageName): Language | undefined {
  return registry[name];
}

export function availableLanguages(): LanguageName[] {
  return Object.keys(registry) as LanguageName[];
}

/** The languages of a run (in the config's order) that a task offers and this version can run. */
export function runLanguages(wanted: readonly LanguageName[], task: { languages: readonly LanguageName[] }): LanguageName[] {
  return wanted.filter((l) => task.languages.includes(l) && registry[l]);
}
