/** An object as a random-access buffer (hyparquet's AsyncBuffer): each slice is one ranged GET. */
import type { ObjectStore } from "./object-store.ts";

export interface RangeReadable {
  readonly byteLength: number;
  slice(start: number, end?: number): Promise<ArrayBuffer>;
}

export function objectAsyncBuffer(store: ObjectStore, uri: string, size: number): RangeReadable {
  return {
    byteLength: size,
    slice: async (start, end) => {
      const bytes = await store.get(uri, { offset: start, length: (end ?? size) - start });
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    },
  };
}
