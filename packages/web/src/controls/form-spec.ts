/**
 * The form's fields ↔ the spec, without building anything: `fillFields` writes a spec into the
 * fields (and the data editor), `specFromFields` reads the spec they describe. form.ts builds the
 * fields and calls these; an empty box stands for an absent option (the spec's default).
 */
import type { Spec } from "@samlab/sim";
import { webData } from "../state/spec-state.js";
import type { DataEditor } from "./data-editor.js";

export type Field = HTMLInputElement | HTMLSelectElement;

/** The form's fields by id (only the shown controls have one) and the inline-data editor. */
export interface FormFields {
  fields: Partial<Record<string, Field>>;
  editor?: DataEditor;
}

function parseList(text: string): number[] {
  return text
    .split(/[,;\s]+/)
    .filter((s) => s !== "")
    .map((s) => Number(s));
}

/** Writes `spec` (and the preset's id, "" for none) into the fields and the data editor. */
export function fillFields({ fields, editor }: FormFields, spec: Spec, presetId: string | undefined): void {
  const set = (id: string, v: string | number) => {
    const el = fields[id];
    if (el) el.value = String(v);
  };
  set("preset", presetId ?? "");
  set("algo", spec.algo);
  set("rho", spec.rho);
  set("lr", spec.lr);
  set("depth", spec.depth);
  set("loss", spec.loss);
  set("steps", spec.steps);
  set("seed", spec.seed);
  set("samGroup", spec.sam?.group ?? "");
  set("batch", spec.batch ?? "");
  set("ascentSteps", spec.sam?.ascentSteps ?? "");
  set("samXi", spec.sam?.xi ?? "");
  set("rhoSchedule", spec.rhoSchedule ?? "constant");
  set("switchStep", spec.switch?.step ?? "");
  set("switchAlgo", spec.switch?.algo ?? "sam-l2");
  set("switchRho", spec.switch?.rho ?? "");
  const sharp = fields.sharpness as HTMLInputElement | undefined;
  if (sharp) sharp.checked = spec.record.sharpness === true;
  const init = spec.init;
  if ("values" in init) {
    set("initMode", "values");
    set("values", init.values.map((r) => r.join(",")).join(";"));
  } else if ("random" in init) {
    set("initMode", "random");
    set("randomKind", init.random);
    set("alpha", init.alpha);
  } else if (Array.isArray(init.alpha)) {
    set("initMode", "per-coordinate");
    set("alphas", init.alpha.join(", "));
  } else {
    set("initMode", "constant");
    set("alpha", init.alpha);
  }
  const data = webData(spec);
  if ("source" in data) {
    set("dataKind", data.source);
  } else if ("x" in data) {
    set("dataKind", "inline");
    if (editor) editor.data = { x: data.x.map((r) => [...r]), y: [...(data.y ?? data.x.map(() => 1))] };
  } else if (data.generator === "single") {
    set("dataKind", "single");
    set("genD", data.d);
    set("genScale", data.scale ?? 1);
  } else {
    set("dataKind", data.generator);
    set("genD", data.d);
    set("genN", data.n);
    set("genK", data.k ?? Math.min(5, data.d));
    set("genSeed", data.seed ?? spec.seed);
  }
}

/** The family's boxes into `spec`: an empty box removes the field (the spec's default applies). */
function familyFromFields(fields: FormFields["fields"], spec: Record<string, unknown>): void {
  const opt = (id: string): number | undefined => {
    const v = fields[id]?.value.trim();
    return v === undefined || v === "" ? undefined : Number(v);
  };
  const sam: Record<string, number> = {};
  const put = (key: string, v: number | undefined) => {
    if (v !== undefined) sam[key] = v;
  };
  put("group", opt("samGroup"));
  put("ascentSteps", opt("ascentSteps"));
  put("xi", opt("samXi"));
  if (Object.keys(sam).length > 0) spec.sam = sam;
  else delete spec.sam;
  const b = opt("batch");
  if (b !== undefined) spec.batch = b;
  else delete spec.batch;
  const rs = fields.rhoSchedule?.value;
  if (rs && rs !== "constant") spec.rhoSchedule = rs;
  else delete spec.rhoSchedule;
  const at = opt("switchStep");
  const rho = opt("switchRho");
  if (at !== undefined) spec.switch = { step: at, algo: fields.switchAlgo?.value ?? "sam-l2", ...(rho !== undefined ? { rho } : {}) };
  else delete spec.switch;
}

/** The spec the form describes (fields without a control keep `cur`'s values). */
export function specFromFields({ fields, editor }: FormFields, cur: Spec): Record<string, unknown> {
  const val = (id: string) => fields[id]?.value;
  const numOr = (id: string, f: number) => {
    const v = val(id);
    return v === undefined || v.trim() === "" ? f : Number(v);
  };
  const edit = editor?.data ?? { x: [[1, 2]], y: [1] };
  const spec: Record<string, unknown> = { ...cur };
  delete spec.name;
  spec.algo = val("algo") ?? cur.algo;
  spec.rho = numOr("rho", cur.rho);
  spec.lr = numOr("lr", cur.lr);
  spec.depth = numOr("depth", cur.depth);
  spec.loss = val("loss") ?? cur.loss;
  spec.steps = numOr("steps", cur.steps);
  spec.seed = numOr("seed", cur.seed);
  if (fields.samGroup) familyFromFields(fields, spec);
  const sharp = fields.sharpness as HTMLInputElement | undefined;
  if (sharp) {
    const { sharpness: _, ...rec } = cur.record;
    spec.record = sharp.checked ? { ...rec, sharpness: true } : rec;
  }
  const kind = val("dataKind");
  if (kind === "inline") spec.data = { x: edit.x.map((r) => [...r]), y: [...edit.y] };
  else if (kind === "single") spec.data = { generator: "single", d: numOr("genD", 5), scale: numOr("genScale", 1) };
  else if (kind === "gaussian-sparse") spec.data = { generator: "gaussian-sparse", n: numOr("genN", 50), d: numOr("genD", 20), k: numOr("genK", 5), seed: numOr("genSeed", 1) };
  else if (kind === "sparse-regression") {
    // the generator's other fields (noise, test examples) stay as they were
    const prev = cur.data as unknown as Record<string, unknown>;
    const keep = prev.generator === "sparse-regression" ? prev : { test: 200 };
    spec.data = { ...keep, generator: "sparse-regression", n: numOr("genN", 20), d: numOr("genD", 30), k: numOr("genK", 3), seed: numOr("genSeed", 1) };
    spec.loss = "squared"; // the generator's targets are real numbers
  }
  else if (kind === "digits" || kind === "iris") {
    const data = webData(cur);
    spec.data = "source" in data && data.source === kind ? data : kind === "digits" ? { source: "digits", classes: [0, 1], n: 200, seed: 1 } : { source: "iris", classes: ["setosa", "versicolor"] };
  }
  const mode = val("initMode");
  const d = kind === "inline" ? edit.x[0]!.length : kind === "digits" ? 64 : kind === "iris" ? 4 : kind ? numOr("genD", 1) : undefined;
  if (mode === "constant") spec.init = { alpha: numOr("alpha", 0.1) };
  else if (mode === "per-coordinate") {
    let a = parseList(val("alphas") ?? "");
    if (d !== undefined && a.length !== d) a = Array.from({ length: d }, (_, j) => a[j] ?? a[a.length - 1] ?? 0.1);
    spec.init = { alpha: a };
  } else if (mode === "random") spec.init = { random: val("randomKind") ?? "abs-gaussian", alpha: numOr("alpha", 0.1), seed: numOr("seed", cur.seed) };
  else if (mode === "values") {
    spec.init = {
      values: (val("values") ?? "")
        .split(/[;|]/)
        .filter((r) => r.trim() !== "")
        .map(parseList),
    };
  }
  // A per-coordinate α that no longer matches d (data edited) follows the new d.
  const init = spec.init as { alpha?: unknown };
  if (d !== undefined && Array.isArray(init.alpha) && init.alpha.length !== d) {
    const a = init.alpha as number[];
    spec.init = { alpha: Array.from({ length: d }, (_, j) => a[j] ?? a[a.length - 1] ?? 0.1) };
  }
  if (d !== undefined && "values" in (spec.init as object)) {
    const rows = (spec.init as { values: number[][] }).values;
    if (rows.length !== spec.depth || rows.some((r) => r.length !== d)) spec.init = { alpha: 0.1 };
  }
  return spec;
}
