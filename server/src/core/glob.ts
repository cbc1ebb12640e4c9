// Minimal glob matching for config patterns: `**`, `*`, `?`, `{a,b}` and character classes.
// Paths are matched with forward slashes, relative to the config's folder.

const cache = new Map<string, RegExp>();

export function globToRegExp(pattern: string): RegExp {
  const cached = cache.get(pattern);
  if (cached) return cached;
  let re = '';
  let i = 0;
  let inGroup = 0;
  while (i < pattern.length) {
    const c = pattern[i];
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        // `**/` matches zero or more folders; a trailing `**` matches everything below.
        const slash = pattern[i + 2] === '/';
        re += slash ? '(?:[^/]*/)*' : '.*';
        i += slash ? 3 : 2;
        continue;
      }
      re += '[^/]*';
    } else if (c === '?') {
      re += '[^/]';
    } else if (c === '{') {
      inGroup++;
      re += '(?:';
    } else if (c === '}' && inGroup > 0) {
      inGroup--;
      re += ')';
    } else if (c === ',' && inGroup > 0) {
      re += '|';
    } else if (c === '[') {
      const close = pattern.indexOf(']', i + 1);
      if (close > i) {
        re += '[' + pattern.slice(i + 1, close).replace(/^!/, '^').replace(/\\/g, '\\\\') + ']';
        i = close + 1;
        continue;
      }
      re += '\\[';
    } else {
      re += c.replace(/[.+^$()|\\/]/g, '\\$&');
    }
    i++;
  }
  const result = new RegExp(`^${re}$`);
  cache.set(pattern, result);
  return result;
}

export function matchesGlob(relativePath: string, pattern: string): boolean {
  const path = relativePath.replace(/\\/g, '/').replace(/^\.\//, '');
  const pat = pattern.replace(/^\.\//, '');
  return globToRegExp(pat).test(path);
}

export function matchesAny(relativePath: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => matchesGlob(relativePath, p));
}
