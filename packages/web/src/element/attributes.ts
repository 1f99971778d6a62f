/** The element's configuration attributes, read into typed lists (docs/WEB.md lists them all). */
import { CONTROL_IDS, type ControlId } from "../controls/form.js";
import type { Spec } from "@samlab/sim";
import { parsePair } from "../state/compare.js";
import { VIEW_IDS, type ViewId } from "../views/view.js";

/** A comma- or space-separated list of ids from `all`; "all", "none"; `fallback` when the attribute is absent. */
function list<T extends string>(value: string | null, all: readonly T[], fallback: readonly T[]): T[] {
  if (value === null) return [...fallback];
  const t = value.trim();
  if (t === "all") return [...all];
  if (t === "none" || t === "") return [];
  return t.split(/[\s,]+/).filter((s): s is T => (all as readonly string[]).includes(s));
}

export function viewIds(el: Element): ViewId[] {
  return list(el.getAttribute("views"), VIEW_IDS, ["shares", "loss", "dominant", "table"]);
}

export function controlIds(el: Element): ControlId[] {
  return list(el.getAttribute("controls"), CONTROL_IDS, CONTROL_IDS);
}

/** The two algorithms of the comparison view (`compare`; default GD against the spec's algorithm, state/compare.ts). */
export function compareAlgos(el: Element, spec: Spec | undefined): [string, string] {
  return parsePair(el.getAttribute("compare"), spec);
}
