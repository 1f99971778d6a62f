/**
 * `@samlab/sim/math`: log, exp, log1p, sin and cos that give the same bits in every JavaScript
 * engine (the host `Math` differs between V8 versions), for anything that must be reproducible.
 */
export { portableLog, portableExp, portableLog1p, portableSin, portableCos } from "./portable-math.js";
