/** Children named `<prefix><10-digit sequence>`, in sequence order (what ZooKeeper recipes sort by). */
export function bySequence(children: readonly string[], includes: (name: string) => boolean = () => true): string[] {
  return children.filter(includes).sort((a, b) => sequenceOf(a) - sequenceOf(b) || (a < b ? -1 : 1));
}

export function sequenceOf(name: string): number {
  return Number(name.slice(name.length - 10));
}
