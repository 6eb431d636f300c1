/*
 * sim/dist.h: the named probability distributions scenarios use for random quantities
 * (lifetimes, sizes, prices, delays), and their JSON reader.
 *
 * A scenario writes a distribution as an object naming it and giving its parameters,
 *     {"dist": "lognormal", "mu": 0.5, "sigma": 1.0}
 * or as a bare JSON number, which is a constant. The distributions are one const table of
 * ak_dist_type (DESIGN.md convention 7, like gsl_rng_type), each backed by GSL:
 *
 *   name         parameters                 notes
 *   constant     value                      draws nothing
 *   uniform      min, max                   min < max; on [min, max]
 *   exponential  mean                       mean > 0
 *   normal       mean, sd                   sd > 0
 *   lognormal    mu, sigma                  of the underlying normal; sigma > 0
 *   weibull      scale, shape               both > 0; P(X > x) = exp(-(x/scale)^shape)
 *   gamma        shape, scale               both > 0; mean shape * scale
 *   pareto       scale, shape               x_m and alpha, both > 0; X >= scale; mean NAN
 *                                           (infinite) for shape <= 1
 *   poisson      mean                       0 < mean <= 1e9; integer values
 *   choice       values, weights            1 to 16 values; weights >= 0, not all zero,
 *                                           optional (equal when absent)
 *
 * Every parameter is a finite JSON number. Any distribution also takes optional "min" and
 * "max", which clamp the sample to [min, max] (min <= max). Clamping, not truncation: a sample
 * below min becomes min, so sampling still costs exactly one draw and streams stay aligned;
 * the clamped values carry the probability mass of the cut tails. For uniform, "min" and "max"
 * are its parameters (a clamp to the same range would change nothing).
 *
 * Draws: every sample of a non-constant distribution consumes exactly one gsl_rng_uniform of
 * the stream, whatever the distribution and its parameters, so two runs that differ in a
 * distribution's parameters keep the rest of the stream aligned (common random numbers across
 * a sweep). Constant consumes none. uniform, exponential, normal, lognormal, weibull, pareto
 * and choice invert their CDF at that uniform (so a sample is monotone in it); gamma and
 * poisson, whose GSL samplers use rejection, run GSL's sampler on a private xoshiro256**
 * stream seeded from that uniform (see ak_rng_local).
 */
#ifndef AK_DIST_H
#define AK_DIST_H

#include <gsl/gsl_rng.h>
#include <stddef.h>
#include <stdint.h>

#include "jread.h"

#define AK_DIST_MAX_PARAMS 4  /* numeric parameters of any type, in ak_dist.p */
#define AK_DIST_MAX_VALUES 16 /* values of a choice */

typedef struct ak_dist ak_dist;

/* One named distribution. The table of them is static and const (ak_dist_types). */
typedef struct ak_dist_type {
    const char *name;          /* what scenarios write as "dist" */
    const char *const *params; /* its parameter keys, NULL-terminated; numeric ones are the
                                  leading entries of ak_dist.p, in this order */
    const char *doc;           /* one line for help and docs */
    unsigned draws;            /* gsl_rng_uniform calls per sample: 0 or 1 */
    /* Custom reader of the parameters of object obj into d (failing through r), for types whose
     * parameters are not all plain numbers; NULL: each of params is a required finite number,
     * stored in p[] in order, then validated with check. */
    void (*read)(jr *r, const cJSON *obj, ak_dist *d);
    /* NULL when d's parameters are valid; otherwise a message ("sigma must be positive") and,
     * in *bad, the index in params of the parameter to blame. NULL pointer: all valid. */
    const char *(*check)(const ak_dist *d, int *bad);
    /* One sample, before clamping, consuming `draws` uniforms of r. */
    double (*sample)(const ak_dist *d, gsl_rng *r);
    /* The analytic mean, before clamping; NAN where it is undefined or infinite. */
    double (*mean)(const ak_dist *d);
} ak_dist_type;

/* A distribution with its parameters: a plain value, copied with = and never freed. */
struct ak_dist {
    const ak_dist_type *type;
    double p[AK_DIST_MAX_PARAMS]; /* numeric parameters, in type->params order */
    double lo, hi;                /* clamp; -INFINITY / +INFINITY when absent */
    uint32_t n;                   /* choice: number of values */
    double values[AK_DIST_MAX_VALUES];
    double weights[AK_DIST_MAX_VALUES]; /* as written (all 1 when absent) */
    double cum[AK_DIST_MAX_VALUES];     /* normalized cumulative weights; exactly 1 from the
                                           last positive weight on */
};

/* The NULL-terminated table of distribution types, in documentation order. */
const ak_dist_type *const *ak_dist_types(void);

/* The type called name; NULL when there is none (or name is NULL). Case-sensitive. */
const ak_dist_type *ak_dist_find(const char *name);

/* Read a distribution from node: a finite JSON number (a constant) or an object as described
 * above. On failure does not return: fails through jr_fail with one line naming the JSON path
 * of the offending node, e.g.
 *   $.tenants.lifetime.dist: unknown distribution "lognorml" (did you mean "lognormal"?)
 *   $.tenants.lifetime.sigma: required key is missing
 *   $.tenants.lifetime.sigmaa: unknown key (did you mean "sigma"?)
 *   $.tenants.lifetime.sigma: expected a number, found a string
 *   $.tenants.lifetime.sigma: sigma must be positive
 * Any node (NULL, any JSON type, non-finite numbers such as 1e999) is handled. *out is written
 * only on success. */
void ak_dist_read(jr *r, const cJSON *node, ak_dist *out);

/* A distribution of a type whose parameters are all numbers (not choice), with no clamp:
 * p holds the values of type->params in order. Returns 0, or AK_EINVAL when type is NULL or
 * choice, a parameter is not finite, or check rejects them; *out is written only on success. */
int ak_dist_init(ak_dist *out, const ak_dist_type *type, const double *p);

/* The constant distribution v (v finite, or the samples are v anyway). */
ak_dist ak_dist_constant(double v);

/* One sample of d, clamped to [d->lo, d->hi], consuming d->type->draws (0 or 1)
 * gsl_rng_uniform calls of r. Poisson samples are integers. The result is finite unless the
 * parameters are near the limits of double range (e.g. lognormal mu = 700) and no max clamps
 * it: callers converting samples to integers range-check or clamp them. */
double ak_dist_sample(const ak_dist *d, gsl_rng *r);

/* The analytic mean of d before clamping; NAN where undefined (pareto with shape <= 1). */
double ak_dist_mean(const ak_dist *d);

/* A one-line description for docs and summaries, e.g. "lognormal(mu=0.5, sigma=1)",
 * "lognormal(mu=0.5, sigma=1, max=100)", "choice(values=[1, 2], weights=[1, 3])"; a constant
 * without clamp is its bare value ("3"). Numbers are written in the shortest form that reads
 * back exactly. Writes at most cap bytes, NUL-terminated when cap > 0 (cut like snprintf). */
void ak_dist_format(const ak_dist *d, char *buf, size_t cap);


#endif
