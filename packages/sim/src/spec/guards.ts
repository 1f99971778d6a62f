/**
 * Guards every loader of outside JSON (specs, sweeps, checkpoints, sweep manifests) applies before
 * walking a value: a bounded nesting depth (recursive walkers — structuredClone, zod, JSON.stringify
 * — would overflow the stack on a crafted 10⁵-deep value), keys that would reach Object.prototype
 * when used as a property path, and a canonical JSON text for content hashes.
 */

/** The deepest nesting a spec, sweep or checkpoint may have (the deepest real spec field is ~6 levels). */
export const MAX_NESTING = 64;

/**
 * The nesting depth of a JSON-like value, walked iteratively (no recursion), stopping as soon as it
 * exceeds `max`. Returns the path of the first too-deep value, or undefined when within bounds.
 */
export function tooDeep(value: unknown, max = MAX_NESTING): string | undefined {
  return scan(value, max, false);
}

/**
 * The path of the first own "__proto__" key in a JSON value (JSON.parse makes it an own property;
 * copying it with `o[k] = v` would set a prototype instead), or undefined. Walked iteratively.
 */
export function protoKey(value: unknown, max = MAX_NESTING): string | undefined {
  return scan(value, max, true);
}

/** Array entries walked at most (above every array cap of the spec: 10⁶ examples, 10⁶ coordinates). */
const WALK_CAP = 2_000_000;

function scan(value: unknown, max: number, proto: boolean): string | undefined {
  const stack: [unknown, number, string][] = [[value, 0, ""]];
  const seen = new WeakSet<object>(); // an API caller's cyclic value is walked once, not forever
  while (stack.length) {
    const [v, depth, path] = stack.pop()!;
    if (typeof v !== "object" || v === null || seen.has(v)) continue;
    seen.add(v);
    if (depth >= max) return proto ? undefined : path || "(top)";
    if (proto && !Array.isArray(v) && Object.prototype.hasOwnProperty.call(v, "__proto__")) return path ? `${path}.__proto__` : "__proto__";
    if (Array.isArray(v)) {
      // a crafted sparse array may claim 2³²−1 entries: no spec field holds more than WALK_CAP, and
      // the caps refuse longer arrays before anything recurses into them, so the walk stops there
      const end = Math.min(v.length, WALK_CAP);
      for (let i = 0; i < end; i++) if (typeof v[i] === "object" && v[i] !== null) stack.push([v[i], depth + 1, `${path}[${i}]`]);
    } else {
      for (const k of Object.keys(v)) {
        const c = (v as Record<string, unknown>)[k];
        if (typeof c === "object" && c !== null) stack.push([c, depth + 1, path ? `${path}.${k}` : k]);
      }
    }
  }
  return undefined;
}

/** Property names that reach a prototype when used as a path segment (`o["__proto__"].x = …`). */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

/**
 * JSON with object keys sorted at every level: the same value always gives the same text (content
 * hashes of specs and sweeps; shards of one sweep are recognised by it).
 */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? "null" : canonicalJson(x))).join(",")}]`;
  if (typeof v === "object" && v !== null) {
    const keys = Object.keys(v).filter((k) => (v as Record<string, unknown>)[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`).join(",")}}`;
  }
  return JSON.stringify(v) ?? "null";
}
