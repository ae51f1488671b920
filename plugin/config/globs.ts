/**
 * Globs over flat ids (task ids, model ids): only `*` and `?`.
 * Written by hand because ids are not paths and picomatch's path rules (slashes, dots) would surprise here.
 */
export function idGlob(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

export function matchesAny(id: string, patterns: string[]): boolean {
  return patterns.some((p) => idGlob(p).test(id));
}
