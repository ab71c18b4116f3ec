/**
 * npm's rules for a new package's name (those of validate-npm-package-name for new packages),
 * so that `sparkfn init` writes a package.json npm accepts.
 */
import { builtinModules } from "node:module";

const MAX_LENGTH = 214;
/** Lowercase, URL-safe, not starting with "." or "_"; optionally one @scope/. */
const NAME = /^(?:@[a-z0-9~-][a-z0-9._~-]*\/)?[a-z0-9~-][a-z0-9._~-]*$/;
const RESERVED = new Set(["node_modules", "favicon.ico"]);

/** Why `name` cannot be the project's package name, or undefined when it can. */
export function packageNameProblem(name: string): string | undefined {
  if (name.length === 0) return "it is empty";
  if (name.length > MAX_LENGTH) return `it is longer than ${MAX_LENGTH} characters`;
  if (name.trim() !== name) return "it starts or ends with spaces";
  if (name !== name.toLowerCase()) return "it has capital letters";
  if (RESERVED.has(name)) return `"${name}" is reserved`;
  if (builtinModules.includes(name)) return `"${name}" is a Node.js core module`;
  // npm refuses to install a package into a project of the same name.
  if (name === "sparkfn") return 'a project named "sparkfn" cannot depend on sparkfn';
  if (!NAME.test(name)) return 'it may hold only lowercase letters, digits and "-", ".", "_", "~" (not first: "." or "_"), with an optional @scope/ in front';
  return undefined;
}
