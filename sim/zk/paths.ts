/**
 * Znode paths as ZooKeeper checks them (PathUtils.validatePath): absolute, no trailing slash except
 * the root, no empty / "." / ".." components, no NUL, control, surrogate or private-use characters.
 */

/** Why `path` is not a valid znode path, or undefined when it is. */
export function pathProblem(path: string): string | undefined {
  if (path.length === 0) return 'path length must be > 0';
  if (path.charCodeAt(0) !== 0x2f) return 'path must start with / character';
  if (path.length === 1) return undefined;
  if (path.charCodeAt(path.length - 1) === 0x2f) return 'path must not end with / character';
  let last = 0x2f;
  for (let i = 1; i < path.length; i++) {
    const c = path.charCodeAt(i);
    const next = i + 1 < path.length ? path.charCodeAt(i + 1) : -1;
    if (c === 0) return `null character not allowed @${i}`;
    if (c === 0x2f && last === 0x2f) return `empty node name specified @${i}`;
    if (c === 0x2e && last === 0x2e && path.charCodeAt(i - 2) === 0x2f && (next === -1 || next === 0x2f)) return `relative paths not allowed @${i}`;
    if (c === 0x2e && last === 0x2f && (next === -1 || next === 0x2f)) return `relative paths not allowed @${i}`;
    if ((c > 0 && c <= 0x1f) || (c >= 0x7f && c <= 0x9f) || (c >= 0xd800 && c <= 0xf8ff) || (c >= 0xfff0 && c <= 0xffff)) {
      return `invalid character @${i}`;
    }
    last = c;
  }
  return undefined;
}

export function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

export function nameOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export function childPath(parent: string, name: string): string {
  return parent === '/' ? `/${name}` : `${parent}/${name}`;
}

/** The root and the system nodes; deleting them is BAD_ARGUMENTS (DataTree.isSpecialPath). */
export const SPECIAL_PATHS: ReadonlySet<string> = new Set(['/', '/zookeeper', '/zookeeper/quota', '/zookeeper/config']);

/** Path and every ancestor up to the root, nearest first ("/a/b" → "/a/b", "/a", "/"). */
export function selfAndAncestors(path: string): string[] {
  const out = [path];
  let p = path;
  while (p !== '/') {
    p = parentOf(p);
    out.push(p);
  }
  return out;
}

/** UTF-8 byte length, which is what ZooKeeper's dataLength counts. */
export function utf8Length(s: string | null): number {
  if (s === null) return 0;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** Sequential suffix: the parent's child-creation counter as a signed 32-bit int, %010d. */
export function sequentialSuffix(counter: number): string {
  const v = counter | 0;
  return v < 0 ? `-${String(-v).padStart(9, '0')}` : String(v).padStart(10, '0');
}
