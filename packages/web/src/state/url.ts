/**
 * The spec's way in and out of the page: which spec an element starts with (URL, `spec` attribute,
 * `preset` attribute), the URL kept in sync with the current spec (`url-state`), and the link that
 * "Copy link" shares. spec-state.ts does the parsing and the caps; this file touches `location` and
 * `history`.
 */
import { SpecError, type Spec } from "@samlab/sim";
import { DEFAULT_PRESET } from "./presets.js";
import { acceptSpecText, loadFromQuery, presetSpec, queryFor, type Loaded } from "./spec-state.js";

declare const __SAMLAB_APP_URL__: string;

/** A `spec` attribute that failed validation: no spec, the error naming the field. */
export interface RejectedAttribute {
  spec: undefined;
  messages: string[];
  error: { field: string; message: string };
  source: "attribute";
  presetId: undefined;
}

/** What an element reads its attributes through (so this file needs no element). */
export interface Attributes {
  getAttribute(name: string): string | null;
  hasAttribute(name: string): boolean;
}

/**
 * The spec an element starts with: the page URL's `?spec=`/`?preset=` (with `url-state`), else the
 * `spec` attribute, else the `preset` attribute (default: DEFAULT_PRESET). A rejected URL spec loads
 * the preset instead and says why (`error`); a rejected `spec` attribute loads nothing (`spec`
 * undefined) and the element shows the error.
 */
export function initialSpec(attrs: Attributes): Loaded | RejectedAttribute {
  const urlState = attrs.hasAttribute("url-state");
  const attrSpec = attrs.getAttribute("spec");
  const attrPreset = attrs.getAttribute("preset") ?? DEFAULT_PRESET;
  if (urlState && (location.search.includes("spec=") || location.search.includes("preset="))) {
    return loadFromQuery(location.search, attrPreset);
  }
  if (attrSpec !== null) {
    try {
      const { spec, messages } = acceptSpecText(attrSpec);
      return { spec, messages, source: "attribute", presetId: undefined };
    } catch (e) {
      const err = e instanceof SpecError ? e : new SpecError("spec", String(e));
      // Nothing runs: the element shows the error instead (a silent fallback hides the mistake).
      return { spec: undefined, messages: [`spec attribute not loaded: ${err.message}`], error: { field: err.field, message: err.message }, source: "attribute", presetId: undefined };
    }
  }
  return loadFromQuery(`?preset=${encodeURIComponent(attrPreset)}`, DEFAULT_PRESET);
}

/** Puts the spec (and the compared pair, when set) in the address bar (replacing the history entry). Called on every spec change with `url-state`. */
export function writeUrl(spec: Spec, compare?: string | null): void {
  const pair = compare ? `&compare=${encodeURIComponent(compare)}` : "";
  history.replaceState(null, "", `${location.pathname}${queryFor(spec)}${pair}${location.hash}`);
}

/** The compared pair in the page's address (`?…&compare=gd,sam-linf`), read once on connect with `url-state`. */
export function compareFromUrl(): string | null {
  return new URLSearchParams(location.search).get("compare");
}

/** Where shared links point: `app-url`, else this page (with `url-state`), else the explorer page next to the script. */
export function appUrl(attrs: Attributes): string {
  const attr = attrs.getAttribute("app-url");
  if (attr) return new URL(attr, location.href).href.split("?")[0]!;
  if (attrs.hasAttribute("url-state")) return location.href.split(/[?#]/)[0]!;
  return new URL(__SAMLAB_APP_URL__, import.meta.url).href;
}

/** The link that reproduces `spec` in the explorer page. */
export function shareUrl(attrs: Attributes, spec: Spec | undefined): string {
  return spec ? `${appUrl(attrs)}${queryFor(spec)}` : "";
}
