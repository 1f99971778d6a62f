/** The element's shadow-root stylesheet (so host pages neither leak into it nor get restyled by it). */
export const STYLES = `
:host { display: block; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; color: #1b1b1b; --accent: #0b5cad; --line: #d0d4da; --bg: #ffffff; --muted: #595f66; }
:host([hidden]) { display: none; }
[hidden] { display: none !important; }
* { box-sizing: border-box; }
.root { border: 1px solid var(--line); border-radius: 8px; background: var(--bg); padding: 10px; min-width: 0; }
.root:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.title { display: flex; flex-wrap: wrap; gap: 6px 12px; align-items: baseline; margin: 0 0 6px; }
.title h2 { font-size: 1.05em; margin: 0; }
.title .claim { color: var(--muted); font-size: .92em; margin: 0; }
.msg { margin: 4px 0; padding: 4px 8px; border-left: 4px solid #b45309; background: #fff7e6; font-size: .92em; overflow-wrap: anywhere; }
.msg.error { border-color: #b91c1c; background: #fdecec; }
.layout { display: grid; grid-template-columns: minmax(230px, 300px) minmax(0, 1fr); gap: 12px; }
.layout.nocontrols { grid-template-columns: minmax(0, 1fr); }
@media (max-width: 720px) { .layout { grid-template-columns: minmax(0, 1fr); } }
form.controls { display: flex; flex-direction: column; gap: 8px; min-width: 0; }
fieldset { border: 1px solid var(--line); border-radius: 6px; margin: 0; padding: 6px 8px 8px; min-width: 0; }
legend { font-weight: 600; font-size: .9em; padding: 0 4px; }
.row { display: grid; grid-template-columns: 7.5em minmax(0, 1fr); gap: 4px 6px; align-items: center; margin: 3px 0; }
.row label { font-size: .9em; }
input, select, button, textarea { font: inherit; font-size: .92em; min-width: 0; }
input[type=number], input[type=text], select, textarea { width: 100%; padding: 3px 4px; border: 1px solid #8a9099; border-radius: 4px; background: #fff; color: inherit; }
input:focus-visible, select:focus-visible, button:focus-visible, textarea:focus-visible, canvas:focus-visible { outline: 3px solid var(--accent); outline-offset: 1px; }
button { padding: 4px 10px; border: 1px solid #6b7280; border-radius: 4px; background: #f3f4f6; color: #111; cursor: pointer; min-height: 32px; }
button.primary { background: var(--accent); border-color: var(--accent); color: #fff; }
button:disabled { opacity: .5; cursor: default; }
.buttons { display: flex; flex-wrap: wrap; gap: 6px; }
.grid-editor { overflow-x: auto; }
.grid-editor table { border-collapse: collapse; }
.grid-editor td, .grid-editor th { padding: 1px; font-size: .85em; font-weight: normal; }
.grid-editor input { width: 4.2em; }
.grid-editor select { width: 3.6em; }
.views { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 320px), 1fr)); gap: 10px; min-width: 0; align-content: start; }
figure { margin: 0; border: 1px solid var(--line); border-radius: 6px; padding: 6px; min-width: 0; background: #fff; }
figure.wide { grid-column: 1 / -1; }
figcaption { font-weight: 600; font-size: .9em; margin-bottom: 2px; }
.fighead { display: flex; align-items: flex-start; gap: 6px; }
.fighead figcaption { flex: 1; }
button.help-toggle { min-height: 24px; min-width: 24px; padding: 0 6px; border-radius: 12px; font-weight: 700; line-height: 1; }
button.help-toggle[aria-expanded=true] { background: var(--accent); border-color: var(--accent); color: #fff; }
.help { margin: 2px 0 6px; padding: 4px 8px; border-left: 3px solid var(--accent); background: #f2f6fb; font-size: .88em; }
.pick { display: flex; flex-wrap: wrap; gap: 4px 12px; align-items: center; font-size: .9em; margin: 2px 0 4px; }
.pick select { width: auto; }
.chart { position: relative; height: 220px; width: 100%; }
.pair { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 260px), 1fr)); gap: 8px; }
.sub { margin: 2px 0; font-size: .85em; font-weight: 600; text-align: center; }
.note { color: var(--muted); font-size: .85em; margin: 4px 0 0; overflow-wrap: anywhere; }
.na { position: absolute; inset: 0; display: flex; align-items: center; justify-content: center; text-align: center; color: var(--muted); padding: 12px; background: rgba(255,255,255,.85); }
.na[hidden] { display: none; }
.status { margin: 8px 0 0; font-size: .92em; min-height: 1.4em; overflow-wrap: anywhere; }
table.values, table.weights { border-collapse: collapse; width: 100%; font-size: .85em; font-variant-numeric: tabular-nums; }
table.values th, table.values td, table.weights th, table.weights td { border-bottom: 1px solid #e5e7eb; padding: 2px 4px; text-align: right; }
table.values th:first-child, table.values td:first-child, table.weights th:first-child { text-align: left; }
table.weights td { white-space: nowrap; }
.tablewrap { max-height: 260px; overflow: auto; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 12px; font-size: .85em; margin-top: 4px; }
.swatch { display: inline-block; width: .9em; height: .9em; vertical-align: -2px; margin-right: 3px; border: 1px solid #888; }
.imagebox { width: 200px; max-width: 100%; }
.imagebox canvas { display: block; width: 100%; image-rendering: pixelated; }
.imagebox .colorbar { height: 12px; margin-top: 6px; }
.imagebox .scale { display: flex; justify-content: space-between; font-size: .8em; }
.swatch.guide { width: 1.4em; height: 0; border: 0; border-top: 2px dashed #111; vertical-align: 3px; }
output.share { display: block; font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: .8em; max-height: 5em; overflow: auto; overflow-wrap: anywhere; background: #f6f7f9; padding: 4px; margin-top: 4px; }
output.share:empty { display: none; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
details summary { cursor: pointer; font-size: .9em; }
@media (prefers-reduced-motion: reduce) { * { transition: none !important; animation: none !important; scroll-behavior: auto !important; } }
`;
