// samlab benchmark only (not shipped): a native C implementation of one discrete step of
// MODEL.md, with the operation order of packages/core-wasm/assembly/model.ts (so the final β of
// every engine can be compared). Built by bench/run.mjs twice: `gcc -O3 -march=native` and plain
// `gcc -O3` (SSE2, the 128-bit vector width of WebAssembly SIMD).
//
//   step.bin single <data.bin> <steps> <reps>   one run: x, y, w0 from the file
//   step.bin batch  <data.bin> <steps> <reps>   R runs sharing x, y (B1), one after another
//
// data.bin (little-endian f64): n, d, L, algo, loss, lr, rho, R, then x (n·d), y (n), w0 (R·L·d).
// Prints one JSON line: {"ns": [per rep], "beta": [final β of run 0 … R-1, d each]}.
//
// Order notes: margins z_i = Σ_j β_j·(y_i x_ij) with j ascending; g_j accumulated over i ascending.
// Rows are processed four at a time (four independent dot-product chains, then the four axpys in
// row order), which keeps exactly the sequential order of every sum. gcc's default -ffp-contract=fast
// fuses a*b+c with -march=native (FMA), so that build differs from the others by rounding only.
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

// ∇_w L at w into G (same order as model.ts `gradient`: beta, margins, g, layer grads).
static void gradient(Net *N, const double *restrict w, double *restrict G) {
  const int n = N->n, d = N->d, L = N->L;
  double *restrict beta = N->beta, *restrict g = N->g;
  const double *restrict yx = N->yx;
  for (int j = 0; j < d; j++) {
    double p = w[j];
    for (int l = 1; l < L; l++) p *= w[l * d + j];
    beta[j] = p;
  }
  for (int j = 0; j < d; j++) g[j] = 0;
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    const double *x0 = yx + (size_t)i * d, *x1 = x0 + d, *x2 = x1 + d, *x3 = x2 + d;
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (int j = 0; j < d; j++) {
      const double b = beta[j];
      s0 += b * x0[j];
      s1 += b * x1[j];
      s2 += b * x2[j];
      s3 += b * x3[j];
    }
    const double r0 = loss_prime(N->loss, s0) * N->invN, r1 = loss_prime(N->loss, s1) * N->invN;
    const double r2 = loss_prime(N->loss, s2) * N->invN, r3 = loss_prime(N->loss, s3) * N->invN;
    for (int j = 0; j < d; j++) g[j] = (((g[j] + r0 * x0[j]) + r1 * x1[j]) + r2 * x2[j]) + r3 * x3[j];
  }
  for (; i < n; i++) {
    const double *x0 = yx + (size_t)i * d;
    double s = 0;
    for (int j = 0; j < d; j++) s += beta[j] * x0[j];
    const double r = loss_prime(N->loss, s) * N->invN;
    for (int j = 0; j < d; j++) g[j] = g[j] + r * x0[j];
  }
  if (L == 1) {
    for (int j = 0; j < d; j++) G[j] = g[j];
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
  for (long s = 0; s < steps; s++) {
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
  N.beta = calloc(d, sizeof(double));
  N.g = calloc(d, sizeof(double));
  N.wn = calloc(LD, sizeof(double));
  N.wp = calloc(LD, sizeof(double));
  N.gr = calloc(LD, sizeof(double));
  N.grp = calloc(LD, sizeof(double));
  double *w = malloc(sizeof(double) * R * LD);
  const int runs = batch ? R : 1;
  printf("{\"ns\":[");
  for (int rep = 0; rep < reps; rep++) {
    memcpy(w, w0, sizeof(double) * R * LD);
    const double t0 = now_ns();
    for (int r = 0; r < runs; r++) {
      const long bad = run(&N, w + (size_t)r * LD, steps);
      if (bad) fprintf(stderr, "run %d: non-finite at step %ld\n", r, bad);
    }
    const double t1 = now_ns();
    printf("%s%.6g", rep ? "," : "", t1 - t0);
  }
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
