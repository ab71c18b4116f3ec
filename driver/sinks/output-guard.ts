/**
 * What a write may never target. An overwrite deletes every data object under its output
 * location at commit, and any write adds objects there, so before a write runs its output
 * location is refused when it:
 *
 * - is the root of a bucket (s3://bucket/), the filesystem root, or is (or contains) the
 *   user's home directory;
 * - is inside, equal to, or contains a location the engine reserves (shared/storage/keys.ts:
 *   `apps/` scratch and `runs/` markers in any bucket, the local[N] scratch folders);
 * - is inside, equal to, or contains one of the write's own inputs: an overwrite would
 *   delete data while it is read, and files written inside an input are read back as input.
 *
 * Locations compare by path component, so `s3://b/data2/` is not inside `s3://b/data/`, and
 * a glob input (`s3://b/data/2024-*`) overlaps only the locations its pattern can match.
 */
import { homedir, tmpdir } from "node:os";
import * as path from "node:path";
import { UserError } from "../../shared/errors.ts";
import type { UnresolvedPlan } from "../../shared/plan/logical.ts";
import { LOCAL_SCRATCH_GLOB, RESERVED_PREFIXES } from "../../shared/storage/keys.ts";
import { absoluteLocation } from "../../shared/storage/local-store.ts";
import { isS3Uri, parseS3Uri } from "../../shared/storage/object-store.ts";
import { GLOB, globToRegExp } from "../sources/list-files.ts";

/** A write's output location is one sparkfn refuses to write to; the message says why and what to do. */
export class UnsafeOutputError extends UserError {
  override readonly name = "UnsafeOutputError";
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`Refusing to write to ${path}: ${reason}.`);
  }
}

/** A location's path components, the scheme first: `s3://b/x/` → ["s3:", "b", "x"], `/tmp/x` → ["file:", "tmp", "x"]. */
function components(location: string): string[] {
  const absolute = absoluteLocation(location);
  const [scheme, rest] = isS3Uri(absolute) ? ["s3:", absolute.slice("s3://".length)] : ["file:", absolute];
  return [scheme, ...rest.split("/").filter((part) => part !== "")];
}

/** Like components(), a component holding a glob (`*`, `?`, `[...]`) as the pattern it stands for. */
function patternComponents(location: string): (string | RegExp)[] {
  return components(location).map((part) => (GLOB.test(part) ? globToRegExp(part) : part));
}

/** How `output` lies relative to `other`: inside it, the same, containing it, or apart. */
function relation(output: readonly string[], other: readonly (string | RegExp)[]): "inside" | "same" | "contains" | undefined {
  const shared = Math.min(output.length, other.length);
  for (let i = 0; i < shared; i++) {
    const part = other[i]!;
    if (typeof part === "string" ? part !== output[i] : !part.test(output[i]!)) return undefined;
  }
  return output.length > other.length ? "inside" : output.length === other.length ? "same" : "contains";
}

const RELATION_WORDS = { inside: "is inside", same: "is", contains: "contains" } as const;

/** What goes wrong when a write's output lies so to one of its inputs. */
const INPUT_HARM = {
  same: "an overwrite would delete the data while it is read, and any other write would change that input",
  contains: "an overwrite would delete that input's data while it is read",
  inside: "its files would be read back as part of that input",
} as const;

/** The locations a plan reads: every path of its file scans (as given to spark.read, globs included). */
export function inputLocations(plan: UnresolvedPlan): string[] {
  const found: string[] = [];
  const visit = (node: UnresolvedPlan): void => {
    if (node.kind === "unresolvedScan") found.push(...node.paths);
    else if (node.kind === "scan") found.push(...node.source.files.map((f) => f.uri));
    if ("input" in node) visit(node.input);
    if ("inputs" in node) node.inputs.forEach(visit);
    if ("left" in node) {
      visit(node.left);
      visit(node.right);
    }
  };
  visit(plan);
  return found;
}

export interface GuardEnvironment {
  /** The user's home directory (os.homedir()). */
  readonly home: string;
  /** The OS temporary folder, where local[N] scratch folders live (os.tmpdir()). */
  readonly tmp: string;
}

/**
 * Throws UnsafeOutputError when a write to `output` could destroy what it must not: see the
 * module comment. `inputs` are the locations the written DataFrame reads (inputLocations).
 */
export function checkOutputLocation(output: string, inputs: readonly string[], env: GuardEnvironment = { home: homedir(), tmp: tmpdir() }): void {
  const out = components(output);
  const refuse = (reason: string): never => {
    throw new UnsafeOutputError(output, reason);
  };
  if (isS3Uri(output)) {
    const { bucket } = parseS3Uri(output);
    if (out.length <= 2) {
      refuse(`it is the root of bucket "${bucket}", where an overwrite would delete everything in the bucket (its data, run markers and other applications' scratch data). Write to a folder of the bucket instead, e.g. s3://${bucket}/output/<name>/`);
    }
    for (const { prefix, holds } of RESERVED_PREFIXES) {
      const how = relation(out, components(`s3://${bucket}/${prefix}`));
      if (how) refuse(`it ${RELATION_WORDS[how]} s3://${bucket}/${prefix}, which sparkfn reserves for ${holds}. Write outside ${RESERVED_PREFIXES.map((r) => r.prefix).join(" and ")}`);
    }
  } else {
    if (out.length <= 1) refuse("it is the root of the filesystem. Write to a folder of its own, e.g. ./output/<name>/");
    const home = relation(out, components(env.home));
    if (home === "same" || home === "contains") {
      refuse(`it ${RELATION_WORDS[home]} your home directory ${env.home}, where an overwrite would delete your files. Write to a folder of its own, e.g. ${path.join(env.home, "output", "<name>")}/`);
    }
    const scratch = path.join(env.tmp, LOCAL_SCRATCH_GLOB);
    const how = relation(out, patternComponents(scratch));
    if (how) refuse(`it ${RELATION_WORDS[how]} the local scratch folders of sparkfn applications (${scratch}), which are deleted when their session stops. Write somewhere else`);
  }
  for (const input of inputs) {
    const how = relation(out, patternComponents(input));
    if (!how) continue;
    refuse(`it ${RELATION_WORDS[how]} ${input}, an input of this write: ${INPUT_HARM[how]}. Write to a separate location (then replace the input, if that is the aim)`);
  }
}
