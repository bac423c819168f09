/**
 * The final tie-break of both v2 orderings is "x's event_id is less than y's". Synapse (Python
 * str) and Ruma (Rust bytes) compare by code point; JS `<` compares UTF-16 code units, which
 * disagrees only when astral characters meet BMP characters above U+D7FF. v1/v2 room event IDs
 * are chosen by the sender, so compare by code point to stay in agreement.
 */
export function compareEventIds(a: string, b: string): number {
  if (a === b) return 0;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      return (a.codePointAt(i) as number) < (b.codePointAt(i) as number) ? -1 : 1;
    }
    return x < y ? -1 : 1;
  }
  return a.length < b.length ? -1 : 1;
}
