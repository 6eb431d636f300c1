/*
 * sim/design.h: experimental designs on the unit cube [0,1]^k, for parameter sweeps and
 * sensitivity analysis (issue 6): points drawn at random, Latin hypercubes, Sobol' sequences,
 * Saltelli's design for Sobol' indices and Morris's elementary-effects trajectories. A sweep
 * maps each factor's [0,1] onto the range of the parameter it varies; sim/stats.h summarises
 * the outputs.
 *
 * Every design writes its points of k factors row-major into caller memory (n points, or as
 * many as its contract says), x[i*k + j] = factor j of point i, and writes them only on
 * success: every argument is checked before the first value is written. Nothing here keeps
 * state between calls, allocates for the caller, or reads the clock; the random designs draw
 * from the gsl_rng they are given only, in the order each contract states, so a design is
 * reproducible from its stream (sim/rng.h).
 *
 * The random designs draw integers with gsl_rng_uniform_int, so they need a generator whose
 * range (gsl_rng_max - gsl_rng_min) is at least the largest integer they draw (n for
 * ak_design_lhs, levels and k for ak_design_morris); akashsim's xoshiro256** and GSL's
 * mt19937 have 2^32 - 1. A narrower generator is refused with AK_EINVAL.
 */
#ifndef AK_DESIGN_H
#define AK_DESIGN_H

#include <gsl/gsl_rng.h>
#include <stdint.h>

/* The largest k of ak_design_sobol: GSL's gsl_qrng_sobol has direction numbers for 40. */
#define AK_DESIGN_SOBOL_MAX_K 40
/* The largest n of ak_design_sobol: GSL's generator has 30 bits, so it gives 2^30 - 1 points
 * after the origin. */
#define AK_DESIGN_SOBOL_MAX_N (UINT32_C(1) << 30)

/* n points drawn independently and uniformly in [0,1)^k: x[i*k + j] is the (i*k + j)-th
 * gsl_rng_uniform of r (n*k draws, row-major order).
 * Returns 0, or AK_EINVAL when r or x is NULL, n or k is 0, or n*k doubles do not fit in
 * memory's address range. */
int ak_design_random(gsl_rng *r, uint32_t n, uint32_t k, double *x);

/* A Latin hypercube of n points in [0,1)^k (McKay, Beckman and Conover 1979): for every factor,
 * each of the n strata [s/n, (s+1)/n) holds exactly one point, at a uniform position inside its
 * stratum, and the strata are matched across factors by independent uniform random
 * permutations. "Inside" holds in floating point too: floor(x[i*k + j] * n) is the stratum,
 * and x < 1 (a position that rounds onto the next stratum's edge is moved back below it).
 * Draws, factor by factor (j = 0..k-1): n gsl_rng_uniform for the positions in strata
 * 0..n-1, then n - 1 gsl_rng_uniform_int for a Fisher-Yates shuffle of them over the points.
 * Returns 0, or AK_EINVAL for a NULL r or x, n or k 0, n*k too large, or a generator whose
 * range is below n. */
int ak_design_lhs(gsl_rng *r, uint32_t n, uint32_t k, double *x);

/* The first n points of the Sobol' sequence in k dimensions, from GSL's gsl_qrng_sobol
 * (Bratley and Fox 1988, ACM TOMS algorithm 659), counting the origin as point 0:
 *     point 0 = (0, ..., 0);  points 1..n-1 = the first n - 1 points gsl_qrng_get returns.
 * GSL skips the origin (its first point is (0.5, 0.5, ...)); it is put back here because only
 * the sequence that starts at the origin is balanced: its first 2^m points, for every m, hold
 * one point in each interval [s/2^m, (s+1)/2^m) of every single factor (and its first two
 * factors form a (0, m, 2)-net), which GSL's own first 2^m points do not (its first two are 0.5
 * and 0.75 in factor 0). Owen, "On dropping the first Sobol' point" (2022), argues the same.
 * So use n a power of 2, and mind that point 0 lies on the cube's corner: a caller that maps a
 * factor through an inverse CDF with an infinite tail at 0 must handle it. In 2 dimensions the
 * points are (0, 0), (0.5, 0.5), (0.75, 0.25), (0.25, 0.75), (0.375, 0.375), (0.875, 0.875),
 * (0.625, 0.125), (0.125, 0.625), ... Values lie in [0, 1) on a 2^-30 grid.
 * Deterministic: no random stream. Returns 0; AK_EINVAL for a NULL x, n or k 0,
 * k > AK_DESIGN_SOBOL_MAX_K or n > AK_DESIGN_SOBOL_MAX_N; AK_ENOMEM when GSL cannot allocate
 * its generator (x untouched). */
int ak_design_sobol(uint32_t n, uint32_t k, double *x);

/* The largest k of ak_design_saltelli: its base matrices take 2k dimensions of the Sobol'
 * sequence, and GSL's goes to AK_DESIGN_SOBOL_MAX_K = 40. */
#define AK_DESIGN_SALTELLI_MAX_K 20
/* The largest n of ak_design_saltelli: points 1..n of GSL's sequence, which has 2^30 - 1 after
 * the origin. */
#define AK_DESIGN_SALTELLI_MAX_N (AK_DESIGN_SOBOL_MAX_N - 1)

/* Saltelli's design for first-order and total Sobol' indices (Saltelli et al. 2010, "Variance
 * based sensitivity analysis of model output", Comput. Phys. Commun. 181; ak_stats_sobol in
 * sim/stats.h estimates them from its outputs). Base matrices A and B (n x k each) come from
 * points 1..n of the 2k-dimensional Sobol' sequence (GSL's points, skipping the all-zeros
 * point 0 of ak_design_sobol: A_j is the first k coordinates of point j + 1, B_j the last k),
 * and for each factor i the matrix AB_i is A with column i taken from B. The origin is skipped
 * because A_0 = B_0 would make sample 0 useless (every AB_i,0 equals A_0); the points are then
 * those of ak_design_sobol(n + 1, 2k) after its first, bit for bit.
 *
 * x receives n (k + 2) points of k coordinates, row-major, grouped by base sample: for sample
 * j, point j(k+2) is A_j, point j(k+2)+1 is B_j, and point j(k+2)+2+i is AB_i,j, that is
 *     x[(j(k+2) + p) k + c] = A[j][c] (p = 0), B[j][c] (p = 1), and for p = 2 + i,
 *                             B[j][c] if c == i else A[j][c].
 * Grouping by sample keeps each sample's k + 2 runs together, so the first m samples are
 * exactly ak_design_saltelli(m, k): a sweep cut short still leaves a design.
 * Use n a power of 2 (the balance ak_design_sobol describes holds for points 0..2^m - 1, so
 * points 1..2^m miss it by one point; the estimates do not need it). Values lie in (0, 1) on a
 * 2^-30 grid. Deterministic: no random stream.
 * Returns 0; AK_EINVAL for a NULL x, n or k 0, k > AK_DESIGN_SALTELLI_MAX_K,
 * n > AK_DESIGN_SALTELLI_MAX_N, or n (k + 2) k doubles beyond the address range; AK_ENOMEM
 * when GSL cannot allocate its generator. x is written only on success. */
int ak_design_saltelli(uint32_t n, uint32_t k, double *x);

/* Morris's elementary-effects design (Morris 1991), with trajectories started at random
 * levels as in Campolongo, Cariboni and Saltelli (2007): `trajectories` trajectories of k + 1
 * points each on the grid {0, 1/(levels-1), ..., 1} of `levels` levels per factor (levels
 * even, >= 2), with step delta = levels / (2 (levels - 1)), that is levels/2 grid steps.
 *
 * A trajectory starts at a grid point whose every factor sits at a level drawn uniformly from
 * all `levels`. With this delta every level can move by delta in exactly one direction (levels
 * below 1/2 up, those above down), so the start fixes each factor's direction and both
 * directions are equally likely: this is Morris's random base point in [0, 1 - delta] with a
 * random sign per factor. Then the factors move one at a time, in a uniformly random order,
 * each exactly once, so consecutive points differ in one factor by exactly +/-delta as grid
 * levels (as doubles, each coordinate is exactly level / (double)(levels - 1), so the
 * difference is delta within rounding) and every point lies on the grid, in [0, 1].
 *
 * Output, for point i of the trajectories*(k+1) points (trajectory t = i / (k+1)):
 *   x[i*k + j]  factor j of point i;
 *   factor[i]   for a trajectory's first point UINT32_MAX; otherwise the factor that moved
 *               from point i - 1 to point i;
 *   step[i]     for a trajectory's first point 0; otherwise the signed move, +delta or -delta
 *               (exactly the double levels / (2.0 * (levels - 1)) or its negation).
 * Draws, trajectory by trajectory: k gsl_rng_uniform_int(r, levels) for the start levels of
 * factors 0..k-1, then k - 1 gsl_rng_uniform_int for a Fisher-Yates shuffle of the move order.
 * Returns 0, or AK_EINVAL for a NULL pointer, trajectories or k 0, levels odd or < 2, arrays
 * too large for the address range, or a generator whose range is below levels or k. */
int ak_design_morris(gsl_rng *r, uint32_t trajectories, uint32_t k, uint32_t levels, double *x,
                     uint32_t *factor, double *step);

#endif
