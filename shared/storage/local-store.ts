import { closeSync, mkdirSync, openSync, readSync, writeFileSync } from "node:fs";
import { copyFile, mkdir, open, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import {
  emptyCounts,
  ObjectNotFoundError,
  type ObjectInfo,
  type ObjectStore,
  type StoreRequestCounts,
} from "./object-store.ts";

/** Turns a plain path or a `file://` URI into an absolute path. */
export function toLocalPath(uri: string): string {
  return path.resolve(uri.startsWith("file://") ? fileURLToPath(uri) : uri);
}

/**
 * A location as the driver keeps it: S3 URIs as they are, local paths absolute (resolved
 * against the working directory once, where the user gave them), a trailing "/" kept. So a
 * relative path written and then read back names the same files, and workers never see a
 * path relative to another process's working directory.
 */
export function absoluteLocation(uri: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri) && !uri.startsWith("file://")) return uri;
  const resolved = toLocalPath(uri);
  return uri.endsWith("/") && !resolved.endsWith("/") ? `${resolved}/` : resolved;
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === "ENOENT";
}

/**
 * Reads and writes up to this size go straight to the file system: a small file from the page
 * cache takes microseconds, and the thread-pool round trips of the asynchronous calls (open,
 * read or write, close: each a hop) cost more than that, several times per task.
 */
const SYNC_IO_MAX_BYTES = 4 << 20;

/** Local files as an ObjectStore, for the `local[N]` master and for tests without AWS. */
export class LocalObjectStore implements ObjectStore {
  readonly counts: StoreRequestCounts = emptyCounts();

  async get(uri: string, range?: { offset: number; length: number }): Promise<Uint8Array> {
    const file = toLocalPath(uri);
    this.counts.get++;
    try {
      if (!range) {
        const bytes = new Uint8Array(await readFile(file));
        this.counts.bytesRead += bytes.byteLength;
        return bytes;
      }
      if (range.length <= SYNC_IO_MAX_BYTES) {
        const fd = openSync(file, "r");
        try {
          const buffer = new Uint8Array(range.length);
          const bytesRead = readSync(fd, buffer, 0, range.length, range.offset);
          this.counts.bytesRead += bytesRead;
          return buffer.subarray(0, bytesRead);
        } finally {
          closeSync(fd);
        }
      }
      const handle = await open(file, "r");
      try {
        const buffer = new Uint8Array(range.length);
        const { bytesRead } = await handle.read(buffer, 0, range.length, range.offset);
        this.counts.bytesRead += bytesRead;
        return buffer.subarray(0, bytesRead);
      } finally {
        await handle.close();
      }
    } catch (error) {
      if (isMissing(error)) throw new ObjectNotFoundError(uri);
      throw error;
    }
  }

  async copy(fromUri: string, toUri: string): Promise<void> {
    const to = toLocalPath(toUri);
    await mkdir(path.dirname(to), { recursive: true });
    this.counts.put++;
    try {
      await copyFile(toLocalPath(fromUri), to);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") throw new ObjectNotFoundError(fromUri);
      throw error;
    }
  }

  async put(uri: string, body: Uint8Array | string): Promise<void> {
    const file = toLocalPath(uri);
    this.counts.put++;
    if ((typeof body === "string" ? body.length * 3 : body.byteLength) <= SYNC_IO_MAX_BYTES) {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, body);
    } else {
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, body);
    }
    this.counts.bytesWritten += typeof body === "string" ? Buffer.byteLength(body) : body.byteLength;
  }

  async list(prefixUri: string): Promise<ObjectInfo[]> {
    const prefix = toLocalPath(prefixUri) + (prefixUri.endsWith("/") ? path.sep : "");
    // A prefix may end inside a file name ("data/part-"), so walk from its directory.
    const root = prefix.endsWith(path.sep) ? prefix : path.dirname(prefix);
    this.counts.list++;
    const out: ObjectInfo[] = [];
    const walk = async (dir: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (error) {
        if (isMissing(error)) return;
        throw error;
      }
      for (const entry of entries) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) await walk(full);
        else if (entry.isFile() && full.startsWith(prefix)) {
          out.push({ uri: full, size: (await stat(full)).size });
        }
      }
    };
    await walk(root);
    return out.sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0));
  }

  async head(uri: string): Promise<ObjectInfo | undefined> {
    this.counts.head++;
    try {
      const info = await stat(toLocalPath(uri));
      return info.isFile() ? { uri: toLocalPath(uri), size: info.size } : undefined;
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async delete(uris: readonly string[]): Promise<void> {
    this.counts.delete++;
    await Promise.all(uris.map((uri) => rm(toLocalPath(uri), { force: true })));
  }
}
