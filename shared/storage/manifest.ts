/**
 * The commit manifest of a written dataset: `<dir>/_SUCCESS`, written last by the driver
 * once every task of a write succeeded. It lists the committed files, so readers see a
 * dataset exactly as committed: an overwrite switches from the old files to the new ones in
 * one PUT of this object. Spark writes an empty `_SUCCESS`; other tools ignore its content.
 */
import { z } from "zod";
import { ObjectNotFoundError, type ObjectStore } from "./object-store.ts";

export const MANIFEST_NAME = "_SUCCESS";
export const MANIFEST_VERSION = 1;

export const Manifest = z
  .object({
    sparkfnManifest: z.literal(MANIFEST_VERSION),
    jobToken: z.string(),
    format: z.string(),
    committedAt: z.string(),
    /** Names relative to the dataset directory. */
    files: z.array(z.object({ name: z.string().min(1), size: z.number().int().nonnegative(), rows: z.number().int().nonnegative() }).strict()),
  })
  .strict();
export type Manifest = z.infer<typeof Manifest>;

const dirOf = (dir: string) => (dir.endsWith("/") ? dir : `${dir}/`);

export function manifestUri(dir: string): string {
  return `${dirOf(dir)}${MANIFEST_NAME}`;
}

/** The dataset's manifest, or undefined when there is none (or `_SUCCESS` is Spark's empty marker). */
export async function readManifest(store: ObjectStore, dir: string): Promise<Manifest | undefined> {
  let bytes: Uint8Array;
  try {
    bytes = await store.get(manifestUri(dir));
  } catch (error) {
    if (error instanceof ObjectNotFoundError) return undefined;
    throw error;
  }
  if (bytes.byteLength === 0) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return undefined;
  }
  const parsed = Manifest.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}
