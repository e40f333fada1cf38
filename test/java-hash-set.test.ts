import { describe, expect, it } from 'vitest';
import { JavaHashSet, javaStringHashCode } from '../sim/zk/java-hash-set.js';

// Expected orders printed by OpenJDK 17 (java.util.HashSet) for the same adds and removes.
describe('JavaHashSet emulates java.util.HashSet<String> iteration order', () => {
  const names = ['/a/e-0000000003', '/b', '/a/b/x', '/lock-0000000012', '/q/n', '/c', '/a/e-0000000004', '/z', '/m/n/o', '/p1', '/p2', '/p3', '/p4', '/p5'];
  const build = () => {
    const s = new JavaHashSet();
    for (const n of names) s.add(n);
    for (const n of ['/b', '/p2', '/z', '/p5']) s.remove(n);
    s.add('/b');
    return s;
  };

  it('String.hashCode', () => {
    expect(javaStringHashCode('/a')).toBe(1554);
    expect(javaStringHashCode('hello')).toBe(99162322);
    // Overflows 32 bits, as Java's int does: "polygenelubricants".hashCode() == Integer.MIN_VALUE.
    expect(javaStringHashCode('polygenelubricants')).toBe(-2147483648);
  });

  it('a grown set (table of 32 after 14 adds)', () => {
    expect(build().order().join(' ')).toBe('/a/e-0000000003 /a/e-0000000004 /a/b/x /p1 /p3 /p4 /b /c /q/n /lock-0000000012 /m/n/o');
  });

  it('its clone (a table sized for 11 elements)', () => {
    expect(build().clone().order().join(' ')).toBe('/p1 /a/e-0000000003 /p3 /a/e-0000000004 /p4 /b /c /q/n /lock-0000000012 /m/n/o /a/b/x');
  });

  it('withHistory rebuilds the same set from its members and peak size', () => {
    const s = build();
    const members = ['/a/e-0000000003', '/a/b/x', '/lock-0000000012', '/q/n', '/c', '/a/e-0000000004', '/m/n/o', '/p1', '/p3', '/p4', '/b'];
    expect(JavaHashSet.withHistory(members, 14).order()).toEqual(s.order());
  });
});
