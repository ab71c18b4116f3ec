/**
 * The `console` that shipped code (functions, bundled modules) sees in its `node:vm` context:
 * a frozen object of its own whose methods forward to the host's console. The code can log,
 * but cannot replace or patch the executor's console (which would outlive its task in a warm
 * container). This is hygiene, not isolation: vm is not a security boundary (README, "Trust
 * and safety").
 */
const METHODS = ["log", "info", "warn", "error", "debug", "trace", "dir", "table", "time", "timeEnd", "timeLog", "count", "countReset", "group", "groupEnd", "assert"] as const;

export const guestConsole: Readonly<Pick<Console, (typeof METHODS)[number]>> = Object.freeze(
  Object.fromEntries(METHODS.map((name) => [name, (...args: unknown[]) => (console[name] as (...a: unknown[]) => void)(...args)])) as Pick<Console, (typeof METHODS)[number]>,
);
