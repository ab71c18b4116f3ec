/**
 * The decisions of `sparkfn local up` and `down`, from facts gathered by the caller, so that
 * the rules are in one place and testable without Docker, Python or an emulator.
 */
import type { LocalState } from "./state.ts";
import { loopbackPort } from "./endpoint.ts";

export type StartPlan =
  /** An endpoint already answers: use it as it is, and never stop it. */
  | { readonly kind: "reuse" }
  /** Docker works and LOCALSTACK_AUTH_TOKEN is set: LocalStack with the compose file. */
  | { readonly kind: "compose" }
  /** Otherwise: MiniStack on the endpoint's port, in its own process group. */
  | { readonly kind: "ministack"; readonly port: number };

export interface StartFacts {
  readonly endpoint: string;
  readonly healthy: boolean;
  readonly authToken: string | undefined;
  /** Asked only when a LocalStack auth token is set (`docker info` takes a while). */
  readonly dockerWorks: () => boolean;
}

/** Throws LocalEmulatorError when nothing answers at an endpoint that is not this machine's. */
export function planStart(facts: StartFacts): StartPlan {
  if (facts.healthy) return { kind: "reuse" };
  const port = loopbackPort(facts.endpoint);
  if (facts.authToken && facts.dockerWorks()) return { kind: "compose" };
  return { kind: "ministack", port };
}

export type StopPlan =
  /** `up` started nothing (or `down` already ran). */
  | { readonly kind: "nothing" }
  | { readonly kind: "compose" }
  | { readonly kind: "ministack"; readonly pid: number }
  /** `up` started MiniStack, but that process is gone (or the pid now belongs to another program). */
  | { readonly kind: "gone"; readonly pid?: number };

/** `isMinistack(pid)`: whether a process with that pid runs and is MiniStack. */
export function planStop(state: LocalState, isMinistack: (pid: number) => boolean): StopPlan {
  switch (state.startedBy) {
    case undefined:
      return { kind: "nothing" };
    case "compose":
      return { kind: "compose" };
    case "ministack":
      if (state.pid !== undefined && isMinistack(state.pid)) return { kind: "ministack", pid: state.pid };
      return state.pid === undefined ? { kind: "gone" } : { kind: "gone", pid: state.pid };
  }
}
