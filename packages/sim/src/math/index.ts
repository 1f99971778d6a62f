/**
 * `@samlab/sim/math`: log, exp, log1p, sin and cos that give the same bits in every JavaScript
 * engine (the host `Math` differs between V8 versions), for anything that must be reproducible; and
 * SHA-256, the content hash of checkpoints and data files.
 */
export { portableLog, portableExp, portableLog1p, portableSin, portableCos } from "./portable-math.js";
export { Sha256, sha256 } from "./sha256.js";
