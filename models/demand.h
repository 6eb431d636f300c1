/*
 * models/demand.h: the demand curve, a multiplier m(t) >= 0 of the tenants' base arrival rate
 * (agents.tenants.arrivals_per_day), t in days since genesis; its JSON reader; a piecewise
 * upper bound of m; and exact Poisson thinning to draw arrivals from base x m(t).
 *
 * A scenario writes the curve as the value of agents.tenants.demand (absent: m = 1):
 *
 *     {"trend":  {"kind": "linear", "per_year": 0.5},
 *      "daily":  {"amplitude": 0.3, "peak_hour": 15},
 *      "weekly": {"amplitude": 0.2, "peak_day": "wed"},
 *      "events": [{"kind": "step", "at_day": 30, "factor": 2},
 *                 {"kind": "spike", "at_day": 50, "days": 2, "factor": 5},
 *                 {"kind": "crash", "at_day": 100, "factor": 0.3, "recovery_days": 60}],
 *      "csv":    {"file": "demand.csv", "interpolate": "step"}}
 *
 * Every key is optional. The curve is the product of its parts, capped:
 *
 *     m(t) = min(AK_DEMAND_MAX, trend(t) x daily(t) x weekly(t) x prod_k event_k(t) x csv(t))
 *
 * trend (kind, then its parameters; g = per_year, a growth rate per 365-day year):
 *     constant      1
 *     linear        max(0, 1 + g t / 365)                -1000 <= g <= 1000
 *     exponential   (1 + g)^(t / 365)                     -1 < g <= 1000
 *
 * seasonality (a = amplitude, 0 <= a <= 1; h(t) = the hour of day UTC and w(t) the day of the
 * week, Monday 00:00 UTC = 0 .. Sunday 24:00 = 7, both continuous, of the instant genesis time
 * + t; 1970-01-01 was a Thursday, w = 3):
 *     daily         1 + a cos(2 pi (h(t) - peak_hour) / 24)      0 <= peak_hour < 24
 *     weekly        1 + a cos(2 pi (w(t) - p) / 7)               p = index of peak_day + 1/2
 * peak_day is "mon" .. "sun" (or "monday" .. "sunday"); the peak is at noon UTC of that day.
 * Both average 1 over their period, so they shape demand without changing its mean.
 *
 * events (up to AK_DEMAND_MAX_EVENTS, any order; f = factor, 0 <= f <= AK_DEMAND_MAX; at_day,
 * days and recovery_days at most AK_DEMAND_MAX_DAY):
 *     step     f for t >= at_day, else 1
 *     spike    f for at_day <= t < at_day + days (days > 0), else 1
 *     crash    with recovery_days R > 0: 1 before at_day, f + (1 - f)(t - at_day) / R on
 *              [at_day, at_day + R), 1 after; without recovery_days: f for t >= at_day
 *
 * csv (file, interpolate): the series of the CSV file (sim/series.h; the file name relative to
 * the scenario file's directory, interpolate "step" or "linear", default "linear"), values in
 * [0, AK_DEMAND_MAX].
 *
 * Thinning (Lewis and Shedler 1979). Arrivals are a Poisson process of rate base x m(t) per
 * day. ak_demand_bound gives B >= m on a window [t, u); candidates come at rate base x B and
 * each is kept with probability m(c) / B, which is exact; a candidate past u is dropped and
 * drawing restarts at u with the next window's bound (the exponential is memoryless). Windows
 * end at the parts' breakpoints (event edges, CSV rows) and are at most a day long (1/24 day
 * with daily seasonality, 1/4 day with weekly), so B is within a few percent of m.
 *
 * A curve is a value owned by its holder (the CSV series is malloc'd; ak_demand_free), and
 * read-only after reading: threads may share one.
 */
#ifndef AK_MODELS_DEMAND_H
#define AK_MODELS_DEMAND_H

#include <gsl/gsl_rng.h>
#include <stdbool.h>
#include <stdint.h>

#include "jread.h"
#include "series.h"
#include "types.h"

#define AK_DEMAND_MAX_EVENTS 64
#define AK_DEMAND_MAX 1e6          /* cap of m(t), and of factors and CSV values */
#define AK_DEMAND_MAX_DAY 36500.0  /* at_day, days and recovery_days: the longest run */
#define AK_DEMAND_MAX_GROWTH 1000.0 /* |per_year| */

typedef struct ak_demand_trend ak_demand_trend;
typedef struct ak_demand_event ak_demand_event;

/* A kind of trend (DESIGN.md convention 7); the table is static and const. */
typedef struct ak_demand_trend_type {
    const char *name;        /* what scenarios write as "kind" */
    const char *doc;         /* one line: the formula */
    const char *const *keys; /* its keys besides "kind", NULL-terminated */
    /* Read and check the parameters of obj (its keys already checked) into t, failing
     * through r; NULL when the kind has none. */
    void (*read)(jr *r, const cJSON *obj, ak_demand_trend *t);
    double (*at)(const ak_demand_trend *t, double day); /* >= 0 */
    /* The supremum of at over [day0, day1), day0 < day1. */
    double (*bound)(const ak_demand_trend *t, double day0, double day1);
} ak_demand_trend_type;

struct ak_demand_trend {
    const ak_demand_trend_type *type;
    double per_year; /* g */
};

/* A kind of event; the table is static and const. */
typedef struct ak_demand_event_type {
    const char *name;
    const char *doc;
    const char *const *keys; /* besides "kind" */
    void (*read)(jr *r, const cJSON *obj, ak_demand_event *e);
    double (*at)(const ak_demand_event *e, double day); /* the factor at day, >= 0 */
    /* The supremum of at over [day0, day1), day0 < day1. */
    double (*bound)(const ak_demand_event *e, double day0, double day1);
    /* The first day after day (> day) where at jumps or changes slope; INFINITY if none. */
    double (*next)(const ak_demand_event *e, double day);
} ak_demand_event_type;

struct ak_demand_event {
    const ak_demand_event_type *type;
    double at_day;
    double days;          /* spike: its length */
    double factor;
    double recovery_days; /* crash: R, or 0 for a permanent crash */
};

/* Daily or weekly seasonality: 1 + amplitude cos(2 pi ((t + offset) mod period) / period). */
typedef struct ak_demand_season {
    double amplitude; /* 0: absent */
    double period;    /* days: 1 or 7 */
    double offset;    /* days in [0, period): genesis's phase less the peak's */
} ak_demand_season;

typedef struct ak_demand {
    ak_demand_trend trend;
    ak_demand_season daily, weekly;
    ak_demand_event events[AK_DEMAND_MAX_EVENTS];
    uint32_t nevents;
    bool has_csv;
    ak_series csv;
    bool constant; /* m = 1 everywhere: no part but a constant trend */
    double window; /* days: the longest window of ak_demand_bound */
} ak_demand;

/* The NULL-terminated tables, in documentation order, and lookups by name (NULL if none). */
const ak_demand_trend_type *const *ak_demand_trend_types(void);
const ak_demand_trend_type *ak_demand_trend_find(const char *name);
const ak_demand_event_type *const *ak_demand_event_types(void);
const ak_demand_event_type *ak_demand_event_find(const char *name);

/* The constant curve m = 1 (what an absent "demand" means). Needs no ak_demand_free. */
void ak_demand_init_constant(ak_demand *d);

/* Read the curve at node (an object as above; NULL, an absent key, gives the constant curve).
 * genesis is the scenario's genesis time (the phase of daily and weekly seasonality);
 * scenario_file the scenario's file name as the user gave it (CSV names are relative to its
 * directory; NULL: to the working directory). On failure does not return: fails through
 * jr_fail with one line naming the JSON path, e.g.
 *   $.agents.tenants.demand.trend.kind: unknown trend "exponentail" (did you mean
 *       "exponential"?)
 *   $.agents.tenants.demand.daily.amplitude: amplitude must be at least 0 and at most 1
 *   $.agents.tenants.demand.events[2].recovery_days: recovery_days must be more than 0 and at
 *       most 36500
 *   $.agents.tenants.demand.csv.file: scenarios/demand.csv: line 4: the value -1 is below the
 *       minimum 0
 * *out is written only on success and then owns the CSV series: free it with ak_demand_free. */
void ak_demand_read(jr *r, const cJSON *node, ak_unix genesis, const char *scenario_file,
                    ak_demand *out);

/* m(day) as above; 1 for d NULL. */
double ak_demand_at(const ak_demand *d, double day);

/* An upper bound B >= m(t) for every t in [day, *until), with *until > day: the product of
 * the parts' suprema over the window, capped like m, times (1 + 1e-12) against rounding.
 * *until is the end of the window described above, INFINITY for the constant curve (and d
 * NULL), whose bound is 1. B may be 0 (no arrival can happen in the window). */
double ak_demand_bound(const ak_demand *d, double day, double *until);

/* The first arrival after day of a Poisson process of rate base_per_day x m(t) per day, by
 * thinning on r. Returns 1 with the arrival's day in *next (day <= *next < end_day), or 0 when
 * there is none before end_day (or base_per_day is not a positive finite number, or
 * day >= end_day: no draw then).
 *
 * Draws. For the constant curve (d NULL or d->constant): exactly one gsl_rng_uniform u per
 * call, and *next = day + (-mu * log1p(-u)) with mu = 1 / base_per_day, the gap being
 * bit for bit gsl_ran_exponential(r, mu) (GSL 2.7 draws its exponential so), so runs without
 * a curve keep their streams. Otherwise each candidate draws u1 for its gap,
 * -log1p(-u1) / (base_per_day x B), and, when it falls inside its window, u2 for its
 * acceptance, kept when u2 < m(c) / B; a window with B = 0 is skipped without drawing. */
int ak_demand_next_arrival(const ak_demand *d, double base_per_day, double day, gsl_rng *r,
                           double end_day, double *next);

/* Free the CSV series of d and make it the constant curve; NULL is a no-op. */
void ak_demand_free(ak_demand *d);

#endif
