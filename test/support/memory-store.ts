/**
 * An in-memory ObjectStore for unit tests: counts requests, records which objects were read
 * with a range, and hands out copies (a reader cannot change what is stored).
 */
import { emptyCounts, ObjectNotFoundError, type ObjectInfo, type ObjectStore } from "../../shared/storage/object-store.ts";

export class MemoryStore implements ObjectStore {
  readonly objects = new Map<string, Uint8Array>();
  readonly counts = emptyCounts();
  /** Objects read with a range, in the order of the reads. */
  readonly ranged: string[] = [];

  async get(uri: string, range?: { offset: number; length: number }): Promise<Uint8Array> {
    this.counts.get++;
    const o = this.objects.get(uri);
    if (!o) throw new ObjectNotFoundError(uri);
    if (!range) return o.slice();
    this.ranged.push(uri);
    return o.slice(range.offset, range.offset + range.length);
  }
  async put(uri: string, body: Uint8Array | string): Promise<void> {
    this.counts.put++;
    this.objects.set(uri, typeof body === "string" ? new TextEncoder().encode(body) : body);
  }
  async copy(): Promise<void> {}
  async list(): Promise<ObjectInfo[]> {
    return [];
  }
  async head(uri: string): Promise<ObjectInfo | undefined> {
    const o = this.objects.get(uri);
    return o ? { uri, size: o.byteLength } : undefined;
  }
  async delete(): Promise<void> {}
}
