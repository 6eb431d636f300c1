/*
 * models/akt_price.h: the AKT/USD price processes a scenario can choose for `akt_usd`, their
 * JSON reader, and stepping a price path on a fixed time grid.
 *
 * A scenario writes akt_usd as a bare number (a constant price) or an object naming a process:
 *
 *     {"process": "constant", "start": 1.14}
 *     {"process": "gbm", "start": 1.14, "drift": 0, "volatility": 0.8, "step_hours": 1}
 *     {"process": "jump", "start": 1.14, "drift": 0, "volatility": 0.6, "jumps_per_year": 4,
 *      "jump_mean": -0.1, "jump_sd": 0.15, "step_hours": 1}
 *     {"process": "regime", "start": 1.14, "step_hours": 1,
 *      "regimes": [{"name": "bull", "drift": 0.8, "volatility": 0.6, "mean_days": 120},
 *                  {"name": "bear", "drift": -0.6, "volatility": 0.9, "mean_days": 90}]}
 *     {"process": "csv", "file": "akt.csv", "interpolate": "linear", "step_hours": 1}
 *
 * The processes are one const table of ak_price_type (DESIGN.md convention 7). Time steps by
 * dt = step_hours / 8760 years (365-day years; step_hours default 1, from 1/60 to 8760), and
 * drift mu and volatility sigma are annualized. With Z, Z' standard normals:
 *
 *   constant  S = start; never stepped.
 *   gbm       geometric Brownian motion, stepped exactly:
 *                 S(t + dt) = S(t) exp((mu - sigma^2 / 2) dt + sigma sqrt(dt) Z)
 *             so E[log S(t)/S(0)] = (mu - sigma^2/2) t, Var = sigma^2 t, E[S(t)] = S(0) e^(mu t).
 *   jump      Merton's jump diffusion: gbm times log-normal jumps,
 *                 S(t + dt) = S(t) exp((mu - sigma^2/2) dt + sigma sqrt(dt) Z + J),
 *                 N ~ Poisson(lambda dt),  J = N m + sqrt(N) s Z'  (the sum of N jumps
 *                 N(m, s^2); J = 0 when N = 0)
 *             with lambda = jumps_per_year, m = jump_mean, s = jump_sd (of the log jump). The
 *             jumps are not compensated: mu and sigma are the diffusion's, exactly as in gbm,
 *             and the jumps add E[J] = lambda m dt to the log return per step
 *             (E[S(t)] = S(0) exp((mu + lambda (e^(m + s^2/2) - 1)) t)). lambda dt <= 100.
 *   regime    Markov switching between 1 to AK_PRICE_MAX_REGIMES regimes, each a gbm with its
 *             own drift and volatility. The run starts in the first; each step moves the price
 *             with the current regime's parameters, then leaves the regime with probability
 *             1 - exp(-dt / mean_days) (days), for the next regime in the list (after the last,
 *             the first): holding times are geometric on the grid, the discrete exponential,
 *             with mean dt / (1 - exp(-dt / mean_days)) ~ mean_days + dt / 2, so the share of
 *             time in a regime is mean_days / (sum of mean_days) up to that half step.
 *   csv       the series of a CSV file (sim/series.h; file relative to the scenario file,
 *             interpolate "step" or "linear", default "linear"), sampled at each step's time:
 *             S(k dt) = x(k dt). No randomness.
 *
 * Every price is clamped to [AK_PRICE_MIN, AK_PRICE_MAX] USD after each step (start and CSV
 * values must lie there); a path at a bound moves on from it.
 *
 * Draws: every step of a random process (gbm, jump, regime) consumes exactly AK_PRICE_DRAWS
 * gsl_rng_uniform calls, whatever the process, its parameters and the outcome: u1 gives the
 * diffusion's Z = Pinv(u1) (the standard normal quantile, gsl_cdf_ugaussian_Pinv), u2 the
 * jump count by inversion of the Poisson CDF or the regime switch (u2 < its probability), u3
 * the jumps' Z' = Pinv(u3); a process ignores what it does not use. So runs that differ in the
 * process or its parameters see the same shocks (common random numbers): a gbm and a jump
 * process with the same drift and volatility share their diffusion, step for step. constant
 * and csv draw nothing.
 */
#ifndef AK_MODELS_AKT_PRICE_H
#define AK_MODELS_AKT_PRICE_H

#include <gsl/gsl_rng.h>
#include <stdbool.h>
#include <stdint.h>

#include "jread.h"
#include "series.h"

#define AK_PRICE_MIN 1e-6 /* USD per AKT */
#define AK_PRICE_MAX 1e6
#define AK_PRICE_MAX_REGIMES 8
#define AK_PRICE_MAX_NAME 32 /* bytes of a regime name */
#define AK_PRICE_DRAWS 3     /* uniforms per step of a random process */

typedef struct ak_price_spec ak_price_spec;

/* The state of a path: the price now and where it is on the grid. Plain data, caller memory;
 * tests may set price between steps. */
typedef struct ak_price_state {
    double price;    /* USD per AKT, in [AK_PRICE_MIN, AK_PRICE_MAX] */
    uint64_t steps;  /* steps taken: the time is steps x step_us */
    uint32_t regime; /* regime: index of the current regime; 0 otherwise */
} ak_price_state;

/* One named process; the table of them is static and const (ak_price_types). */
typedef struct ak_price_type {
    const char *name;        /* what scenarios write as "process" */
    const char *doc;         /* one line */
    const char *const *keys; /* its keys besides "process", NULL-terminated */
    bool stepped;            /* moves on a grid of step_hours (all but constant) */
    unsigned draws;          /* gsl_rng_uniform calls per step: 0 or AK_PRICE_DRAWS */
    /* Read and check the parameters of obj (its keys already checked; step_hours, step_us and
     * dt already read) into s, failing through r; scenario_file resolves file names. */
    void (*read)(jr *r, const cJSON *obj, const char *scenario_file, ak_price_spec *s);
    /* The price after the step from st (st->steps not yet advanced), from the step's uniforms
     * u[0..draws); may update st->regime. Unclamped. */
    double (*step)(const ak_price_spec *s, ak_price_state *st, const double *u);
} ak_price_type;

typedef struct ak_price_regime {
    char name[AK_PRICE_MAX_NAME + 1];
    double drift, volatility; /* per year */
    double mean_days;         /* mean holding time */
    double p_leave;           /* 1 - exp(-dt / mean_days): leave after a step */
} ak_price_regime;

/* A process with its parameters. A value; owns the CSV series of csv (ak_price_free). */
struct ak_price_spec {
    const ak_price_type *type;
    double start;                   /* S(0); csv: x(0) */
    double drift, volatility;       /* gbm, jump: mu, sigma per year */
    double jumps_per_year, jump_mean, jump_sd; /* jump: lambda, m, s */
    double p_no_jump;               /* jump: exp(-lambda dt) */
    ak_price_regime regimes[AK_PRICE_MAX_REGIMES];
    uint32_t nregimes;
    ak_series series;               /* csv */
    double step_hours;
    int64_t step_us;                /* the grid; 0 for constant: never stepped */
    double dt;                      /* step_us in 365-day years */
};

/* The NULL-terminated table of processes, in documentation order, and lookup by name. */
const ak_price_type *const *ak_price_types(void);
const ak_price_type *ak_price_find(const char *name);

/* The constant process at usd. 0, or AK_EINVAL when usd is not in [AK_PRICE_MIN,
 * AK_PRICE_MAX] (*out untouched). Needs no ak_price_free. */
int ak_price_constant(double usd, ak_price_spec *out);

/* Read akt_usd from node: a number (constant) or an object as above. scenario_file is the
 * scenario's file name as the user gave it (CSV names are relative to its directory). On
 * failure does not return: fails through jr_fail naming the JSON path, e.g.
 *   $.akt_usd.process: unknown process "gmb" (did you mean "gbm"?)
 *   $.akt_usd.volatility: volatility must be at least 0 and at most 100
 *   $.akt_usd.regimes[1].mean_days: required key is missing
 *   $.akt_usd.file: akt.csv: line 9: the day 7 is not after the previous row's 7
 * *out is written only on success; free it with ak_price_free. */
void ak_price_read(jr *r, const cJSON *node, const char *scenario_file, ak_price_spec *out);

/* Start a path of spec at time 0: price start, no step, the first regime. 0, or AK_EINVAL for
 * a spec without a type (*st untouched). */
int ak_price_init(const ak_price_spec *spec, ak_price_state *st);

/* The price now, USD per AKT. */
double ak_price_now(const ak_price_state *st);

/* Advance st by one step of spec->step_us, drawing spec->type->draws uniforms of r (r may be
 * NULL for constant and csv). constant: no change. */
void ak_price_step(const ak_price_spec *spec, ak_price_state *st, gsl_rng *r);

/* The step in microseconds: step_hours x 3.6e9 rounded to the microsecond; 0 for constant. */
int64_t ak_price_step_us(const ak_price_spec *spec);

/* Free the CSV series of spec, if any; NULL is a no-op. */
void ak_price_free(ak_price_spec *spec);

#endif
