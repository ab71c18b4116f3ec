/**
 * A stable hash of key values: FNV-1a over a canonical JSON encoding, so the same key lands
 * in the same partition in every process and on every machine.
 */
export function hashKey(values: readonly unknown[]): number {
  const text = JSON.stringify(values);
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
