// samlab benchmark only (not shipped): a native C implementation of one discrete step of
// MODEL.md, with the operation order of packages/core-wasm/assembly/model.ts (so the final β of
// every engine can be compared). Built by bench/run.mjs twice: `gcc -O3 -march=native` and plain
// `gcc -O3` (SSE2, the 128-bit vector width of WebAssembly SIMD).
//
//   step.bin single <data.bin> <steps> <reps>   one run: x, y, w0 from the file
//   step.bin batch  <data.bin> <steps> <reps>   R runs sharing x, y (B1), one after another
//
// data.bin (little-endian f64): n, d, L, algo, loss, lr, rho, R, then x (n·d), y (n), w0 (R·L·d).
// Prints one JSON line: {"ns": [wall, per rep], "cpu": [process CPU time, per rep], "beta": [final β of run 0 … R-1, d each]}.
//
// The same kernels as packages/core-wasm/assembly/fast.ts (same data layout, same blocking, 128-bit
// vectors through gcc's vector extensions): n = 1, d = 2, L = 2 in registers; otherwise one pass over
// the rows per gradient, 16 rows at a time as row pairs. Margins z_i = Σ_j β_j·(y_i x_ij) keep j
// ascending and g_j is accumulated over i ascending within the row blocks of assembly/order.ts,
// whose sums are then added in block order, exactly the engines' order. gcc's default
// -ffp-contract=fast fuses a*b+c with -march=native (FMA), so that build differs by rounding only.
#define _POSIX_C_SOURCE 199309L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { GD = 0, SAM_L2 = 1, SAM_LINF = 2, USAM = 3 };

typedef struct {
  int n, d, L, LD, algo, loss;
  double lr, rho, invN;
  const double *yx; // n*d
  double *beta, *g, *wn, *wp, *gr, *grp;
} Net;

static inline double loss_prime(int loss, double z) {
  return loss == 0 ? -1.0 / (1.0 + exp(z)) : -exp(-z);
}

typedef double v2d __attribute__((vector_size(16)));
static inline v2d splat(double v) { return (v2d){v, v}; }
static inline v2d ld2(const double *p) { v2d v; memcpy(&v, p, 16); return v; }
static inline void st2(double *p, v2d v) { memcpy(p, &v, 16); }

// y_i x_i as row pairs (lane 0 = row 2p, lane 1 = row 2p+1; an odd last row paired with 0), as in
// packages/core-wasm/assembly/fast.ts
static double *pairs;

static void make_pairs(const Net *N) {
  const int n = N->n, d = N->d, np = (n + 1) / 2;
  pairs = aligned_alloc(64, sizeof(double) * ((size_t)np * 2 * d + 8));
  for (int p = 0; p < np; p++)
    for (int j = 0; j < d; j++) {
      pairs[((size_t)p * d + j) * 2] = N->yx[(size_t)(2 * p) * d + j];
      pairs[((size_t)p * d + j) * 2 + 1] = 2 * p + 1 < n ? N->yx[(size_t)(2 * p + 1) * d + j] : 0.0;
    }
}

static inline v2d loss_prime2(int loss, v2d z) {
  v2d r;
  r[0] = loss_prime(loss, z[0]);
  r[1] = loss_prime(loss, z[1]);
  return r;
}

// One row block of g = ∂L/∂β into `out` (rows.ts `gradRows`): pairs [pBeg, pEnd) and, when `odd`,
// the odd last row; rows in blocks of 16 (8 pairs): margins as sequential f64x2 dot products of two
// rows, then out_j updated in row order, two columns at a time (the same order of every sum).
static void grad_rows(const Net *N, int pBeg, int pEnd, int odd, double *restrict g) {
  const int d = N->d, np = pEnd, dEven = d & ~1;
  const double *restrict B = N->beta;
  const v2d iv = splat(N->invN);
  for (int j = 0; j < d; j++) g[j] = 0;
  int p = pBeg;
  for (; p + 8 <= np; p += 8) {
    const double *q[8];
    for (int k = 0; k < 8; k++) q[k] = pairs + (size_t)(p + k) * 2 * d;
    v2d s[8];
    for (int k = 0; k < 8; k++) s[k] = splat(0);
    for (int j = 0; j < d; j++) {
      const v2d b = splat(B[j]);
      for (int k = 0; k < 8; k++) s[k] = s[k] + b * ld2(q[k] + 2 * j);
    }
    v2d rl[8], rh[8];
    for (int k = 0; k < 8; k++) {
      const v2d r = loss_prime2(N->loss, s[k]) * iv;
      rl[k] = splat(r[0]);
      rh[k] = splat(r[1]);
    }
    const __attribute__((vector_size(16))) long lo = {0, 2}, hi = {1, 3};
    // two passes of 8 rows (the same order for every g_j; shorter chains per column pair)
    int j = 0;
    for (int half = 0; half < 8; half += 4) {
      for (j = 0; j < dEven; j += 2) {
        v2d acc = ld2(g + j);
        for (int k = half; k < half + 4; k++) {
          const v2d u = ld2(q[k] + 2 * j), v = ld2(q[k] + 2 * j + 2);
          acc = acc + rl[k] * __builtin_shuffle(u, v, lo);
          acc = acc + rh[k] * __builtin_shuffle(u, v, hi);
        }
        st2(g + j, acc);
      }
    }
    if (j < d) {
      double a = g[j];
      for (int k = 0; k < 8; k++) {
        a += rl[k][0] * q[k][2 * j];
        a += rh[k][0] * q[k][2 * j + 1];
      }
      g[j] = a;
    }
  }
  for (; p < np; p++) {
    const double *p0 = pairs + (size_t)p * 2 * d;
    v2d s0 = splat(0);
    for (int j = 0; j < d; j++) s0 = s0 + splat(B[j]) * ld2(p0 + 2 * j);
    const v2d r0 = loss_prime2(N->loss, s0) * iv;
    for (int j = 0; j < d; j++) g[j] = (g[j] + r0[0] * p0[2 * j]) + r0[1] * p0[2 * j + 1];
  }
  if (odd) {
    const double *p0 = pairs + (size_t)np * 2 * d;
    double s = 0;
    for (int j = 0; j < d; j++) s += B[j] * p0[2 * j];
    const double r = loss_prime(N->loss, s) * N->invN;
    for (int j = 0; j < d; j++) g[j] = g[j] + r * p0[2 * j];
  }
}

// g = ∂L/∂β in the row blocks of packages/core-wasm/assembly/order.ts: block 0 into g, each later
// block into a partial sum that is then added to g (fast.ts `gradG`).
enum { ROW_BLOCK = 128 };
static double *gpart;
static void grad_g(const Net *N) {
  const int n = N->n, d = N->d, np = n / 2, half = ROW_BLOCK / 2, nb = (n + ROW_BLOCK - 1) / ROW_BLOCK;
  for (int b = 0; b < nb; b++) {
    const int last = b == nb - 1;
    grad_rows(N, b * half, last ? np : (b + 1) * half, last && (n & 1), b == 0 ? N->g : gpart);
    if (b != 0)
      for (int j = 0; j < d; j++) N->g[j] = N->g[j] + gpart[j];
  }
}

// ∇_w L at w into G (model.ts `gradient`: β, g, layer grads with prefix/suffix products).
static void gradient(Net *N, const double *restrict w, double *restrict G) {
  const int d = N->d, L = N->L;
  double *restrict beta = N->beta, *restrict g = N->g;
  for (int j = 0; j < d; j++) {
    double p = w[j];
    for (int l = 1; l < L; l++) p *= w[l * d + j];
    beta[j] = p;
  }
  grad_g(N);
  if (L == 1) {
    for (int j = 0; j < d; j++) G[j] = g[j];
    return;
  }
  if (L == 2) { // 1·a = a exactly
    for (int j = 0; j < d; j++) {
      G[j] = g[j] * w[d + j];
      G[d + j] = g[j] * w[j];
    }
    return;
  }
  for (int j = 0; j < d; j++) {
    double p = 1;
    for (int l = 0; l < L; l++) {
      G[l * d + j] = p;
      p *= w[l * d + j];
    }
    double s = 1;
    const double gj = g[j];
    for (int l = L - 1; l >= 0; l--) {
      G[l * d + j] = gj * (G[l * d + j] * s);
      s *= w[l * d + j];
    }
  }
}

// n = 1, d = 2, L = 2 in registers (fast.ts `tinyStep`); returns 0 when an entry is non-finite.
static int tiny_step(const Net *N, const double *w, double *out) {
  const double a0 = w[0], a1 = w[1], b0 = w[2], b1 = w[3], x0 = N->yx[0], x1 = N->yx[1];
  double z = (a0 * b0) * x0 + (a1 * b1) * x1;
  double r = loss_prime(N->loss, z);
  double g0 = 0 + r * x0, g1 = 0 + r * x1;
  double ga0 = g0 * b0, ga1 = g1 * b1, gb0 = g0 * a0, gb1 = g1 * a1;
  if (N->algo != GD) {
    const double rh = N->rho;
    double pa0, pa1, pb0, pb1;
    if (N->algo == SAM_L2) {
      const double norm = sqrt(ga0 * ga0 + ga1 * ga1 + gb0 * gb0 + gb1 * gb1);
      if (norm == 0) {
        pa0 = a0; pa1 = a1; pb0 = b0; pb1 = b1;
      } else {
        const double sc = rh / norm;
        pa0 = a0 + sc * ga0; pa1 = a1 + sc * ga1; pb0 = b0 + sc * gb0; pb1 = b1 + sc * gb1;
      }
    } else if (N->algo == SAM_LINF) {
      pa0 = a0 + (ga0 > 0 ? rh : ga0 < 0 ? -rh : 0.0);
      pa1 = a1 + (ga1 > 0 ? rh : ga1 < 0 ? -rh : 0.0);
      pb0 = b0 + (gb0 > 0 ? rh : gb0 < 0 ? -rh : 0.0);
      pb1 = b1 + (gb1 > 0 ? rh : gb1 < 0 ? -rh : 0.0);
    } else {
      pa0 = a0 + rh * ga0; pa1 = a1 + rh * ga1; pb0 = b0 + rh * gb0; pb1 = b1 + rh * gb1;
    }
    z = (pa0 * pb0) * x0 + (pa1 * pb1) * x1;
    r = loss_prime(N->loss, z);
    g0 = 0 + r * x0;
    g1 = 0 + r * x1;
    ga0 = g0 * pb0; ga1 = g1 * pb1; gb0 = g0 * pa0; gb1 = g1 * pa1;
  }
  const double lr = N->lr;
  out[0] = a0 - lr * ga0;
  out[1] = a1 - lr * ga1;
  out[2] = b0 - lr * gb0;
  out[3] = b1 - lr * gb1;
  return isfinite(out[0]) && isfinite(out[1]) && isfinite(out[2]) && isfinite(out[3]);
}

static void perturb(Net *N, const double *restrict w, const double *restrict G, double *restrict out) {
  const int LD = N->LD;
  const double rho = N->rho;
  if (N->algo == SAM_L2) {
    double s = 0;
    for (int k = 0; k < LD; k++) s += G[k] * G[k];
    const double norm = sqrt(s);
    if (norm == 0) {
      memcpy(out, w, sizeof(double) * LD);
      return;
    }
    const double scale = rho / norm;
    for (int k = 0; k < LD; k++) out[k] = w[k] + scale * G[k];
  } else if (N->algo == SAM_LINF) {
    for (int k = 0; k < LD; k++) out[k] = w[k] + (G[k] > 0 ? rho : G[k] < 0 ? -rho : 0.0);
  } else {
    for (int k = 0; k < LD; k++) out[k] = w[k] + rho * G[k];
  }
}

// Runs `steps` steps from w (in place, double-buffered); returns 0, or the failing step.
static long run(Net *N, double *w, long steps) {
  double *cur = w, *nxt = N->wn;
  const int tiny = N->n == 1 && N->d == 2 && N->L == 2;
  for (long s = 0; s < steps; s++) {
    if (tiny) {
      if (!tiny_step(N, cur, nxt)) return s + 1;
      double *t = cur;
      cur = nxt;
      nxt = t;
      continue;
    }
    gradient(N, cur, N->gr);
    const double *upd = N->gr;
    if (N->algo != GD) {
      perturb(N, cur, N->gr, N->wp);
      gradient(N, N->wp, N->grp);
      upd = N->grp;
    }
    int bad = 0;
    for (int k = 0; k < N->LD; k++) {
      const double v = cur[k] - N->lr * upd[k];
      nxt[k] = v;
      bad |= !isfinite(v);
    }
    if (bad) return s + 1;
    double *t = cur;
    cur = nxt;
    nxt = t;
  }
  if (cur != w) memcpy(w, cur, sizeof(double) * N->LD);
  return 0;
}

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static double cpu_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(int argc, char **argv) {
  if (argc < 5) {
    fprintf(stderr, "usage: %s single|batch data.bin steps reps\n", argv[0]);
    return 2;
  }
  const int batch = strcmp(argv[1], "batch") == 0;
  FILE *f = fopen(argv[2], "rb");
  if (!f) {
    perror(argv[2]);
    return 2;
  }
  const long steps = atol(argv[3]);
  const int reps = atoi(argv[4]);
  double h[8];
  if (fread(h, sizeof(double), 8, f) != 8) return 3;
  Net N;
  N.n = (int)h[0];
  N.d = (int)h[1];
  N.L = (int)h[2];
  N.LD = N.L * N.d;
  N.algo = (int)h[3];
  N.loss = (int)h[4];
  N.lr = h[5];
  N.rho = h[6];
  N.invN = 1.0 / N.n;
  const int R = (int)h[7];
  const int n = N.n, d = N.d, LD = N.LD;
  double *x = malloc(sizeof(double) * n * d), *y = malloc(sizeof(double) * n), *w0 = malloc(sizeof(double) * R * LD);
  if (fread(x, sizeof(double), (size_t)n * d, f) != (size_t)n * d || fread(y, sizeof(double), n, f) != (size_t)n ||
      fread(w0, sizeof(double), (size_t)R * LD, f) != (size_t)R * LD)
    return 3;
  fclose(f);
  double *yx = aligned_alloc(64, sizeof(double) * ((size_t)n * d + 8));
  for (int i = 0; i < n; i++)
    for (int j = 0; j < d; j++) yx[(size_t)i * d + j] = y[i] * x[(size_t)i * d + j];
  N.yx = yx;
  make_pairs(&N);
  gpart = aligned_alloc(64, sizeof(double) * ((size_t)N.d + 8));
  N.beta = calloc(d, sizeof(double));
  N.g = calloc(d, sizeof(double));
  N.wn = calloc(LD, sizeof(double));
  N.wp = calloc(LD, sizeof(double));
  N.gr = calloc(LD, sizeof(double));
  N.grp = calloc(LD, sizeof(double));
  double *w = malloc(sizeof(double) * R * LD);
  const int runs = batch ? R : 1;
  double *cpu = malloc(sizeof(double) * reps);
  printf("{\"ns\":[");
  for (int rep = 0; rep < reps; rep++) {
    memcpy(w, w0, sizeof(double) * R * LD);
    const double c0 = cpu_ns(), t0 = now_ns();
    for (int r = 0; r < runs; r++) {
      const long bad = run(&N, w + (size_t)r * LD, steps);
      if (bad) fprintf(stderr, "run %d: non-finite at step %ld\n", r, bad);
    }
    const double t1 = now_ns();
    cpu[rep] = cpu_ns() - c0;
    printf("%s%.6g", rep ? "," : "", t1 - t0);
  }
  printf("],\"cpu\":[");
  for (int rep = 0; rep < reps; rep++) printf("%s%.6g", rep ? "," : "", cpu[rep]);
  printf("],\"beta\":[");
  for (int r = 0; r < runs; r++) {
    const double *wr = w + (size_t)r * LD;
    for (int j = 0; j < d; j++) {
      double p = wr[j];
      for (int l = 1; l < N.L; l++) p *= wr[l * d + j];
      printf("%s%.17g", r || j ? "," : "", p);
    }
  }
  printf("]}\n");
  return 0;
}
