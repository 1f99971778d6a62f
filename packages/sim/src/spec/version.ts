/**
 * The samlab version, stamped into every Result (`samlab.version`), every sweep manifest and
 * `samlab --version`. The packages are versioned together (a test keeps every package.json equal to
 * this). Within one version the same spec gives bit-identical results; a version that changes any
 * result's bits gets a new minor version and a line in CHANGELOG.md.
 */
export const SAMLAB_VERSION = "0.2.0";
