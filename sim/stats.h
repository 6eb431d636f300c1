/*
 * sim/stats.h: statistics of a sweep's outputs (issue 6): the mean of an output over Monte
 * Carlo replications with its Student-t confidence interval, Morris's elementary-effects
 * measures over a design from ak_design_morris (sim/design.h), first-order and total Sobol'
 * indices over a design from ak_design_saltelli, and Spearman's rank correlation of an output
 * with a factor.
 *
 * A NaN output is a failed or missing run: every function here skips it (and says how), so a
 * sweep can record NaN for a run that failed and still summarise the rest. Infinities are
 * values, and propagate into the results as IEEE arithmetic makes them. Nothing keeps state,
 * does I/O or reads the clock; only ak_stats_spearman allocates, and frees before returning.
 */
#ifndef AK_STATS_H
#define AK_STATS_H

#include <stddef.h>
#include <stdint.h>

typedef struct ak_stats_ci {
    uint32_t n;      /* values used */
    double mean, sd; /* sd: sample standard deviation (n - 1), NaN when n < 2 */
    double lo, hi;   /* the two-sided confidence interval of the mean at `level` with
                      * Student's t (n - 1 degrees of freedom; the quantile Pinv((1+level)/2)
                      * computed as gsl_cdf_tdist_Qinv((1-level)/2), accurate near level 1);
                      * NaN when n < 2; equal to mean when sd is 0 */
} ak_stats_ci;

/* Mean, standard deviation and confidence interval of the non-NaN values of y[0..n):
 *     mean +/- t_{(1+level)/2, n-1} sd / sqrt(n).
 * level is in (0, 1), e.g. 0.95. n == 0 or all values NaN gives out->n = 0 and NaN mean, sd,
 * lo and hi, with status 0; y may be NULL when n is 0. The mean and sd come from a corrected
 * two-pass sum (accurate for values far from 0 with a small spread).
 * Returns 0, AK_EINVAL for a level outside (0, 1) (NaN included), a NULL out, or a NULL y with
 * n > 0, or AK_EOVERFLOW when more than UINT32_MAX values are used. *out is written only on
 * success. */
int ak_stats_mean_ci(const double *y, size_t n, double level, ak_stats_ci *out);

/* Morris measures of one factor. C gives typedef names and functions one name space, so the
 * type cannot also be called ak_stats_morris: it is ak_stats_effects, or struct
 * ak_stats_morris (the tag, a separate name space), which is the same type. */
typedef struct ak_stats_morris {
    uint32_t n;     /* elementary effects used */
    double mu;      /* mean of the elementary effects; NaN when n is 0 */
    double mu_star; /* mean of their absolute values (Campolongo et al. 2007); NaN when n is 0 */
    double sigma;   /* their sample standard deviation, NaN when n < 2 */
} ak_stats_effects;

/* Morris measures per factor from outputs y of the design made by ak_design_morris (same
 * trajectories, k, factor and step arrays; y has trajectories*(k+1) values, y[i] the output at
 * point i). Each point i that is not its trajectory's first is a move of factor[i] by step[i],
 * whose elementary effect is (y[i] - y[i-1]) / step[i]. A move where y[i] or y[i-1] is NaN (a
 * failed run) is skipped, so a NaN output drops the effects of the moves into and out of its
 * point: two for a point inside a trajectory, one at either end. out has k entries; out[j]
 * summarises the effects of factor j. The design is not required to move each factor once per
 * trajectory (any one-at-a-time path where point i differs from point i - 1 in factor[i]
 * only works); a trajectory's first factor and step are ignored.
 * Returns 0, or AK_EINVAL for a NULL pointer, trajectories or k 0, k == UINT32_MAX, or a move
 * whose factor is not below k or whose step is 0 or not finite. out is written only on
 * success. */
int ak_stats_morris(const double *y, uint32_t trajectories, uint32_t k, const uint32_t *factor,
                    const double *step, ak_stats_effects *out);

/* First-order and total Sobol' indices of k factors from the outputs y of the design made by
 * ak_design_saltelli (same n and k; y has n (k + 2) values in the design's order: y[j(k+2)] is
 * f(A_j), y[j(k+2)+1] is f(B_j), y[j(k+2)+2+i] is f(AB_i,j)). Over the m base samples used,
 * with f0 the mean and V the sample variance (2m - 1 denominator) of their 2m values f(A_j)
 * and f(B_j) together:
 *   s1[i] = S_i  = (1/m) sum_j (f(B_j) - f0) (f(AB_i,j) - f(A_j)) / V   (Saltelli 2010, (b))
 *   st[i] = ST_i = (1/(2m)) sum_j (f(A_j) - f(AB_i,j))^2 / V            (Jansen 1999)
 * Saltelli's (b) multiplies by f(B_j) itself; it is applied here to the output less f0, which
 * changes nothing in expectation (f(AB_i,j) - f(A_j) has mean 0) but takes the output's
 * offset out of S_i: with the raw product the noise grows as |mean| / sd of the output, some
 * 10^6 times for a balance near 1e12 with a spread near 1e6. Both estimators are then
 * unchanged, up to rounding, when a constant is added to y or y is scaled by a nonzero
 * constant. S_i can come out slightly negative, or above ST_i, by its estimation error.
 * A base sample j with any NaN among its k + 2 outputs (a failed run) is left out of every
 * index, V and f0 included; *used receives m, the number of samples used. s1 and st get k
 * values each, all NaN when m < 2 or V is 0 (all those f(A) and f(B) equal, or differences so
 * small that their squares underflow). Infinite outputs propagate as IEEE arithmetic makes
 * them (into NaN indices, as a rule).
 * Returns 0, or AK_EINVAL for a NULL pointer, n or k 0, or n (k + 2) values beyond the address
 * range. s1, st and *used are written only on success. */
int ak_stats_sobol(const double *y, uint32_t n, uint32_t k, double *s1, double *st,
                   uint32_t *used);

/* Spearman's rank correlation of the pairs (x[i*stride_x], y[i]) for i < n where neither is
 * NaN: Pearson's correlation of their ranks, ties getting the average of the ranks they span
 * (so with ties it is not 1 - 6 sum d^2 / (m (m^2 - 1))). stride_x >= 1 lets x be one factor's
 * column of a row-major design (x = design + j, stride_x = k). *rho is in [-1, 1], or NaN when
 * fewer than 3 pairs remain or either variable is constant over them.
 * Allocates work space for the pairs it uses and frees it before returning.
 * Returns 0, AK_EINVAL for a NULL rho, stride_x 0, or a NULL x or y with n > 0, or AK_ENOMEM
 * (*rho untouched). */
int ak_stats_spearman(const double *x, size_t stride_x, const double *y, size_t n, double *rho);

#endif
