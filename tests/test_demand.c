/*
 * tests/test_demand.c: the demand curve (models/demand.h): each trend, seasonality and event
 * at chosen times, a CSV part, the product and its cap, the window bounds (they bound m on a
 * fine grid over a year, and closely), thinning (the count and the shape of a year of
 * arrivals, windows of zero demand, determinism), the constant curve drawing exactly as
 * gsl_ran_exponential, and every reader error with its exact message and JSON path.
 */
#include <check.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_run.h"
#include "demand.h"
#include "errors.h"
#include "rng.h"

#define GENESIS ((ak_unix)1767225600) /* 2026-01-01T00:00:00Z, a Thursday */
#define HOUR (1.0 / 24)

/* An assertion for hot loops: Check reports each passing ck_assert through a pipe. */
#define CHECK(cond, ...)                                                                       \
    do {                                                                                       \
        if (!(cond))                                                                           \
            ck_abort_msg(__VA_ARGS__);                                                         \
    } while (0)

/* {"agents": {"tenants": {"demand": <json>}}} and a reader over it. */
typedef struct fx {
    cJSON *root;
    const cJSON *node;
    jr r;
} fx;

static void fx_init(fx *f, const char *json)
{
    size_t cap = strlen(json) + 64;
    char *text = malloc(cap);
    ck_assert_ptr_nonnull(text);
    snprintf(text, cap, "{\"agents\": {\"tenants\": {\"demand\": %s}}}", json);
    f->root = cJSON_Parse(text);
    ck_assert_msg(f->root != NULL, "does not parse: %s", text);
    free(text);
    f->node = jr_opt(jr_opt(jr_opt(f->root, "agents"), "tenants"), "demand");
    jr_init(&f->r, "test", "t.json", f->root);
}

/* Read json as of a scenario file scen at genesis g; true on success, else the error in err. */
static bool try_read_at(const char *json, ak_unix g, const char *scen, ak_demand *d, char *err)
{
    fx f;
    fx_init(&f, json);
    bool ok = false;
    if (setjmp(f.r.on_error) == 0) {
        ak_demand_read(&f.r, f.node, g, scen, d);
        ok = true;
    } else {
        snprintf(err, 1024, "%s", f.r.err);
    }
    cJSON_Delete(f.root);
    return ok;
}

static ak_demand must_read_at(const char *json, ak_unix g, const char *scen)
{
    ak_demand d;
    char err[1024];
    ck_assert_msg(try_read_at(json, g, scen, &d, err), "%s: %s", json, err);
    return d;
}

static ak_demand must_read(const char *json)
{
    return must_read_at(json, GENESIS, NULL);
}

static gsl_rng *stream(uint32_t replication)
{
    gsl_rng *r = NULL;
    ck_assert_int_eq(ak_rng_stream(20240601, replication, AK_RNG_TENANTS, &r), 0);
    return r;
}

/* A scratch directory holding the scenario "s.json" (not written) and CSV files. */
typedef struct scratch {
    char dir[64], scen[96];
} scratch;

static void scratch_init(scratch *s)
{
    snprintf(s->dir, sizeof s->dir, "/tmp/akashsim-demand-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(s->dir));
    snprintf(s->scen, sizeof s->scen, "%s/s.json", s->dir);
}

static void scratch_put(const scratch *s, const char *name, const char *text)
{
    char path[160];
    snprintf(path, sizeof path, "%s/%s", s->dir, name);
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    ck_assert_int_eq(fclose(f), 0);
}

static void scratch_fini(const scratch *s, const char *const *names)
{
    char path[160];
    for (size_t i = 0; names[i]; i++) {
        snprintf(path, sizeof path, "%s/%s", s->dir, names[i]);
        unlink(path);
    }
    rmdir(s->dir);
}

START_TEST(tables)
{
    static const char *const trends[] = {"constant", "linear", "exponential"};
    static const char *const events[] = {"step", "spike", "crash"};
    const ak_demand_trend_type *const *t = ak_demand_trend_types();
    size_t n = 0;
    for (; t[n]; n++) {
        ck_assert_str_eq(t[n]->name, trends[n]);
        ck_assert_ptr_eq(ak_demand_trend_find(trends[n]), t[n]);
        ck_assert(t[n]->doc && t[n]->doc[0]);
        ck_assert(t[n]->keys && t[n]->at && t[n]->bound);
    }
    ck_assert_uint_eq(n, 3);
    const ak_demand_event_type *const *e = ak_demand_event_types();
    for (n = 0; e[n]; n++) {
        ck_assert_str_eq(e[n]->name, events[n]);
        ck_assert_ptr_eq(ak_demand_event_find(events[n]), e[n]);
        ck_assert(e[n]->doc && e[n]->doc[0]);
        ck_assert(e[n]->keys && e[n]->read && e[n]->at && e[n]->bound && e[n]->next);
    }
    ck_assert_uint_eq(n, 3);
    ck_assert_ptr_null(ak_demand_trend_find("Linear"));
    ck_assert_ptr_null(ak_demand_trend_find(NULL));
    ck_assert_ptr_null(ak_demand_event_find("boom"));
    ck_assert_ptr_null(ak_demand_event_find(NULL));
}
END_TEST

/* The key absent: the reader gets NULL. */
static void read_absent(ak_demand *d)
{
    fx f;
    fx_init(&f, "{}");
    if (setjmp(f.r.on_error) == 0)
        ak_demand_read(&f.r, NULL, GENESIS, NULL, d);
    else
        ck_abort_msg("%s", f.r.err);
    cJSON_Delete(f.root);
}

START_TEST(absent_is_constant)
{
    static const char *const constants[] = {
        NULL, "{}", "{\"trend\": {\"kind\": \"constant\"}, \"events\": []}",
        "{\"daily\": {\"amplitude\": 0, \"peak_hour\": 3}}",
    };
    for (size_t i = 0; i < sizeof constants / sizeof constants[0]; i++) {
        ak_demand d;
        if (constants[i]) {
            d = must_read(constants[i]);
        } else {
            read_absent(&d);
        }
        ck_assert(d.constant);
        for (double t = 0; t < 400; t += 7.3)
            ck_assert(ak_demand_at(&d, t) == 1);
        double until = 0;
        ck_assert(ak_demand_bound(&d, 12.5, &until) == 1);
        ck_assert(isinf(until));
        ak_demand_free(&d);
    }
    ck_assert(ak_demand_at(NULL, 3) == 1);
    double until = 0;
    ck_assert(ak_demand_bound(NULL, 3, &until) == 1 && isinf(until));
    ak_demand c;
    ak_demand_init_constant(&c);
    ck_assert(c.constant && ak_demand_at(&c, 5) == 1);
    ak_demand_free(NULL);
}
END_TEST

START_TEST(trends)
{
    ak_demand d = must_read("{\"trend\": {\"kind\": \"linear\", \"per_year\": 0.5}}");
    ck_assert(!d.constant);
    ck_assert(ak_demand_at(&d, 0) == 1);
    ck_assert(ak_demand_at(&d, 365) == 1.5);
    ck_assert(ak_demand_at(&d, 730) == 2);
    ck_assert(ak_demand_at(&d, 73) == 1.1);
    d = must_read("{\"trend\": {\"kind\": \"linear\", \"per_year\": -0.5}}");
    ck_assert(ak_demand_at(&d, 365) == 0.5);
    ck_assert(ak_demand_at(&d, 730) == 0);
    ck_assert(ak_demand_at(&d, 1000) == 0); /* floored */
    d = must_read("{\"trend\": {\"kind\": \"exponential\", \"per_year\": 1}}");
    ck_assert(ak_demand_at(&d, 0) == 1);
    ck_assert(ak_demand_at(&d, 365) == 2);
    ck_assert(ak_demand_at(&d, 730) == 4);
    ck_assert_double_eq_tol(ak_demand_at(&d, 182.5), M_SQRT2, 1e-15);
    d = must_read("{\"trend\": {\"kind\": \"exponential\", \"per_year\": -0.5}}");
    ck_assert(ak_demand_at(&d, 365) == 0.5);
    ck_assert(ak_demand_at(&d, 1095) == 0.125);
    d = must_read("{\"trend\": {\"kind\": \"exponential\", \"per_year\": 0}}");
    ck_assert(ak_demand_at(&d, 1000) == 1);
}
END_TEST

START_TEST(seasons)
{
    /* daily: the peak at 15:00 UTC, the trough at 03:00, 1 at 09:00 and 21:00 */
    ak_demand d = must_read("{\"daily\": {\"amplitude\": 0.3, \"peak_hour\": 15}}");
    ck_assert(ak_demand_at(&d, 15 * HOUR) == 1.3);
    ck_assert(ak_demand_at(&d, 3 * HOUR) == 0.7);
    ck_assert(ak_demand_at(&d, 1 + 15 * HOUR) == 1.3);
    ck_assert(ak_demand_at(&d, 364 + 3 * HOUR) == 0.7);
    ck_assert_double_eq_tol(ak_demand_at(&d, 9 * HOUR), 1, 1e-15);
    ck_assert_double_eq_tol(ak_demand_at(&d, 21 * HOUR), 1, 1e-15);
    ck_assert_double_eq_tol(ak_demand_at(&d, 0), 1 + 0.3 * cos(2 * M_PI * -15 / 24), 1e-15);
    /* its mean over a day is 1 */
    double sum = 0;
    for (int k = 0; k < 1440; k++)
        sum += ak_demand_at(&d, 10 + k / 1440.0);
    ck_assert_double_eq_tol(sum / 1440, 1, 1e-12);
    /* genesis at 06:00 UTC: 15:00 comes 9 hours in */
    d = must_read_at("{\"daily\": {\"amplitude\": 0.3, \"peak_hour\": 15}}", GENESIS + 6 * 3600,
                     NULL);
    ck_assert(ak_demand_at(&d, 9 * HOUR) == 1.3);
    ck_assert(ak_demand_at(&d, 21 * HOUR) == 0.7);
    /* peak_hour 0 and amplitude 1: 2 at midnight, 0 at noon */
    d = must_read("{\"daily\": {\"amplitude\": 1, \"peak_hour\": 0}}");
    ck_assert(ak_demand_at(&d, 3) == 2);
    ck_assert(ak_demand_at(&d, 3.5) == 0);

    /* weekly: genesis is Thursday 00:00, so Thursday noon is t = 0.5 */
    d = must_read("{\"weekly\": {\"amplitude\": 0.2, \"peak_day\": \"thu\"}}");
    ck_assert(ak_demand_at(&d, 0.5) == 1.2);
    ck_assert(ak_demand_at(&d, 4) == 0.8); /* three and a half days later */
    ck_assert(ak_demand_at(&d, 7.5) == 1.2);
    d = must_read("{\"weekly\": {\"amplitude\": 0.2, \"peak_day\": \"wed\"}}");
    ck_assert(ak_demand_at(&d, 6.5) == 1.2);
    ck_assert(ak_demand_at(&d, 3) == 0.8);
    d = must_read("{\"weekly\": {\"amplitude\": 0.2, \"peak_day\": \"monday\"}}");
    ck_assert(ak_demand_at(&d, 4.5) == 1.2);
    ck_assert(ak_demand_at(&d, 1) == 0.8);
    d = must_read("{\"weekly\": {\"amplitude\": 0.2, \"peak_day\": \"sun\"}}");
    ck_assert(ak_demand_at(&d, 3.5) == 1.2);
    /* genesis on a Saturday at 18:00 (2026-01-03T18:00:00Z): Sunday noon is 18 hours in */
    d = must_read_at("{\"weekly\": {\"amplitude\": 0.2, \"peak_day\": \"sun\"}}",
                     GENESIS + 2 * 86400 + 18 * 3600, NULL);
    ck_assert(ak_demand_at(&d, 18 * HOUR) == 1.2);
    /* genesis before 1970 works too: 1969-12-29T00:00:00Z was a Monday */
    d = must_read_at("{\"weekly\": {\"amplitude\": 0.2, \"peak_day\": \"mon\"}}", -3 * 86400,
                     NULL);
    ck_assert(ak_demand_at(&d, 0.5) == 1.2);
    d = must_read_at("{\"daily\": {\"amplitude\": 0.5, \"peak_hour\": 23.5}}", -1800, NULL);
    ck_assert(ak_demand_at(&d, 0) == 1.5); /* genesis at 23:30 */
}
END_TEST

START_TEST(events)
{
    ak_demand d = must_read("{\"events\": [{\"kind\": \"step\", \"at_day\": 30, \"factor\": 2}]}");
    ck_assert(ak_demand_at(&d, 29.999) == 1);
    ck_assert(ak_demand_at(&d, 30) == 2);
    ck_assert(ak_demand_at(&d, 1000) == 2);
    d = must_read("{\"events\": [{\"kind\": \"spike\", \"at_day\": 50, \"days\": 2, "
                  "\"factor\": 5}]}");
    ck_assert(ak_demand_at(&d, 49.99) == 1);
    ck_assert(ak_demand_at(&d, 50) == 5);
    ck_assert(ak_demand_at(&d, 51.99) == 5);
    ck_assert(ak_demand_at(&d, 52) == 1);
    d = must_read("{\"events\": [{\"kind\": \"crash\", \"at_day\": 100, \"factor\": 0.25, "
                  "\"recovery_days\": 60}]}");
    ck_assert(ak_demand_at(&d, 99.9) == 1);
    ck_assert(ak_demand_at(&d, 100) == 0.25);
    ck_assert(ak_demand_at(&d, 130) == 0.625);
    ck_assert(ak_demand_at(&d, 145) == 0.8125);
    ck_assert(ak_demand_at(&d, 160) == 1);
    ck_assert(ak_demand_at(&d, 500) == 1);
    d = must_read("{\"events\": [{\"kind\": \"crash\", \"at_day\": 100, \"factor\": 0.3}]}");
    ck_assert(ak_demand_at(&d, 99) == 1);
    ck_assert(ak_demand_at(&d, 100) == 0.3);
    ck_assert(ak_demand_at(&d, 10000) == 0.3); /* permanent */
    /* a crash with factor > 1 is a surge that decays */
    d = must_read("{\"events\": [{\"kind\": \"crash\", \"at_day\": 0, \"factor\": 3, "
                  "\"recovery_days\": 4}]}");
    ck_assert(ak_demand_at(&d, 0) == 3 && ak_demand_at(&d, 2) == 2 && ak_demand_at(&d, 4) == 1);

    /* Events multiply, in any order. */
    static const char *const ev[] = {
        "{\"kind\": \"step\", \"at_day\": 30, \"factor\": 2}",
        "{\"kind\": \"spike\", \"at_day\": 31, \"days\": 2, \"factor\": 5}",
        "{\"kind\": \"crash\", \"at_day\": 32, \"factor\": 0.5, \"recovery_days\": 10}",
    };
    char a[1024], b[1024];
    snprintf(a, sizeof a, "{\"events\": [%s, %s, %s]}", ev[0], ev[1], ev[2]);
    snprintf(b, sizeof b, "{\"events\": [%s, %s, %s]}", ev[2], ev[0], ev[1]);
    ak_demand da = must_read(a), db = must_read(b);
    ck_assert(ak_demand_at(&da, 31.5) == 10);
    ck_assert_double_eq_tol(ak_demand_at(&da, 32.5), 2 * 5 * 0.525, 1e-14);
    ck_assert(ak_demand_at(&da, 50) == 2);
    for (double t = 0; t < 60; t += 0.01)
        CHECK(fabs(ak_demand_at(&da, t) - ak_demand_at(&db, t)) <= 1e-15 * ak_demand_at(&da, t),
              "at %g", t);
}
END_TEST

/* The product and the cap. */
START_TEST(product_and_cap)
{
    ak_demand d = must_read("{\"trend\": {\"kind\": \"exponential\", \"per_year\": 1000}, "
                            "\"events\": [{\"kind\": \"step\", \"at_day\": 0, \"factor\": 1e6}]}");
    ck_assert(ak_demand_at(&d, 0) == AK_DEMAND_MAX);
    ck_assert(ak_demand_at(&d, 365) == AK_DEMAND_MAX);
    double until;
    ck_assert(ak_demand_bound(&d, 365, &until) == AK_DEMAND_MAX * (1 + 1e-12));
    /* a zero part wins over an overflowing one: 0, not NaN */
    char json[8192];
    size_t len = (size_t)sprintf(json, "{\"events\": [");
    for (int i = 0; i < AK_DEMAND_MAX_EVENTS; i++)
        len += (size_t)sprintf(json + len, "%s{\"kind\": \"step\", \"at_day\": %d, \"factor\": "
                               "%s}", i ? ", " : "", i == 63 ? 5 : 0, i == 63 ? "0" : "1e6");
    sprintf(json + len, "]}");
    d = must_read(json);
    ck_assert_uint_eq(d.nevents, 64);
    ck_assert(ak_demand_at(&d, 1) == AK_DEMAND_MAX); /* 1e6^63: inf, capped */
    ck_assert(ak_demand_at(&d, 5) == 0);
    ck_assert(ak_demand_bound(&d, 5, &until) == 0);
    ck_assert(until == 6);
}
END_TEST

/* The curve of tests below: every part, a CSV among them. */
static const char composite_csv[] = "day,value\n0,1\n90,1.5\n180,0.8\n270,1.2\n";

static const char composite_json[] =
    "{\"trend\": {\"kind\": \"linear\", \"per_year\": 0.5},"
    " \"daily\": {\"amplitude\": 0.3, \"peak_hour\": 15},"
    " \"weekly\": {\"amplitude\": 0.2, \"peak_day\": \"wed\"},"
    " \"events\": [{\"kind\": \"step\", \"at_day\": 30, \"factor\": 2},"
    "              {\"kind\": \"spike\", \"at_day\": 50, \"days\": 2, \"factor\": 5},"
    "              {\"kind\": \"crash\", \"at_day\": 100, \"factor\": 0.3,"
    "               \"recovery_days\": 60}],"
    " \"csv\": {\"file\": \"d.csv\", \"interpolate\": \"%s\"}}";

static ak_demand read_composite(const scratch *s, const char *interp)
{
    scratch_put(s, "d.csv", composite_csv);
    char json[2048];
    snprintf(json, sizeof json, composite_json, interp);
    return must_read_at(json, GENESIS, s->scen);
}

/* The composite curve from its formulas (genesis Thursday 00:00). */
static double composite_m(double t, bool linear)
{
    double trend = fmax(0, 1 + 0.5 * t / 365);
    double daily = 1 + 0.3 * cos(2 * M_PI * (t - 15.0 / 24));
    double weekly = 1 + 0.2 * cos(2 * M_PI * (3 + t - 2.5) / 7);
    double ev = (t >= 30 ? 2 : 1) * (t >= 50 && t < 52 ? 5 : 1);
    if (t >= 100 && t < 160)
        ev *= 0.3 + 0.7 * (t - 100) / 60;
    static const double rd[] = {0, 90, 180, 270}, rv[] = {1, 1.5, 0.8, 1.2};
    int i = t >= 270 ? 3 : t >= 180 ? 2 : t >= 90 ? 1 : 0;
    double csv = rv[i];
    if (linear && i < 3)
        csv = rv[i] + (rv[i + 1] - rv[i]) * (t - rd[i]) / (rd[i + 1] - rd[i]);
    return trend * daily * weekly * ev * csv;
}

START_TEST(composite)
{
    scratch s;
    scratch_init(&s);
    for (int lin = 0; lin < 2; lin++) {
        ak_demand d = read_composite(&s, lin ? "linear" : "step");
        ck_assert(d.has_csv && !d.constant);
        ck_assert_int_eq(d.csv.interp, lin ? AK_SERIES_LINEAR : AK_SERIES_STEP);
        ck_assert(d.window == HOUR);
        for (double t = 0; t < 400; t += 0.137) {
            double want = composite_m(t, lin);
            CHECK(fabs(ak_demand_at(&d, t) - want) <= 1e-12 * want, "m(%g) = %.17g, want %.17g",
                  t, ak_demand_at(&d, t), want);
        }
        ak_demand_free(&d);
        ck_assert(d.constant && !d.has_csv);
    }
    scratch_fini(&s, (const char *const[]){"d.csv", NULL});
}
END_TEST

/* The bound holds on a fine grid of every window over a year, and wastes little. */
static void check_bound(const ak_demand *d, double end, double max_waste)
{
    double day = 0, sum_b = 0, sum_m = 0;
    long windows = 0;
    while (day < end) {
        double until;
        double b = ak_demand_bound(d, day, &until);
        CHECK(until > day, "window [%g, %g)", day, until);
        CHECK(until - day <= d->window * (1 + 1e-9), "window [%g, %g) longer than %g", day,
              until, d->window);
        for (int k = 0; k <= 64; k++) {
            double t = k < 64 ? day + (until - day) * k / 64 : nextafter(until, 0);
            double m = ak_demand_at(d, t);
            CHECK(m <= b, "m(%.17g) = %.17g above the bound %.17g of [%.17g, %.17g)", t, m, b,
                  day, until);
            if (k < 64) {
                sum_m += m * (until - day) / 64;
                sum_b += b * (until - day) / 64;
            }
        }
        windows++;
        day = until;
    }
    ck_assert_int_gt(windows, 0);
    CHECK(sum_b <= (1 + max_waste) * sum_m, "bounds waste %.2f %%", 100 * (sum_b / sum_m - 1));
}

START_TEST(bound_bounds)
{
    scratch s;
    scratch_init(&s);
    for (int lin = 0; lin < 2; lin++) {
        ak_demand d = read_composite(&s, lin ? "linear" : "step");
        check_bound(&d, 365, 0.06);
        ak_demand_free(&d);
    }
    scratch_fini(&s, (const char *const[]){"d.csv", NULL});
    /* Each part alone, and their windows. */
    static const struct {
        const char *json;
        double window, waste;
    } parts[] = {
        {"{\"trend\": {\"kind\": \"linear\", \"per_year\": -0.9}}", 1, 0.01},
        {"{\"trend\": {\"kind\": \"exponential\", \"per_year\": 3}}", 1, 0.01},
        {"{\"daily\": {\"amplitude\": 1, \"peak_hour\": 7.25}}", HOUR, 0.1},
        {"{\"weekly\": {\"amplitude\": 1, \"peak_day\": \"fri\"}}", 0.25, 0.1},
        {"{\"events\": [{\"kind\": \"crash\", \"at_day\": 10.3, \"factor\": 0}, "
         "{\"kind\": \"step\", \"at_day\": 0.1, \"factor\": 0.5}]}", 1, 1e-9},
        {"{\"events\": [{\"kind\": \"crash\", \"at_day\": 10.3, \"factor\": 4, "
         "\"recovery_days\": 30.7}, {\"kind\": \"spike\", \"at_day\": 5.5, \"days\": 0.01, "
         "\"factor\": 100}]}", 1, 0.02},
    };
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        ak_demand d = must_read(parts[i].json);
        ck_assert(d.window == parts[i].window);
        check_bound(&d, 365, parts[i].waste);
    }
    /* Windows end at the events' edges. */
    ak_demand d = must_read("{\"events\": [{\"kind\": \"spike\", \"at_day\": 5.5, \"days\": 0.25, "
                            "\"factor\": 3}]}");
    double until;
    ck_assert(ak_demand_bound(&d, 5, &until) == 1 * (1 + 1e-12) && until == 5.5);
    ck_assert(ak_demand_bound(&d, 5.5, &until) == 3 * (1 + 1e-12) && until == 5.75);
    ck_assert(ak_demand_bound(&d, 5.75, &until) == 1 * (1 + 1e-12) && until == 6.75);
}
END_TEST

/* Expected arrivals of base x m over [a, b): the midpoint rule on minutes. */
static double expected(const ak_demand *d, double base, double a, double b)
{
    double sum = 0, h = 1.0 / 1440;
    for (double t = a + h / 2; t < b; t += h)
        sum += ak_demand_at(d, t);
    return base * sum * h;
}

START_TEST(thinning_counts)
{
    scratch s;
    scratch_init(&s);
    ak_demand d = read_composite(&s, "linear");
    const double base = 40;
    gsl_rng *r = stream(1);
    int month[13] = {0}, hour[24] = {0};
    long n = 0;
    double t = 0, next;
    while (ak_demand_next_arrival(&d, base, t, r, 365, &next)) {
        CHECK(next >= t && next < 365, "arrival %g after %g", next, t);
        month[(int)(next / 30)]++;
        hour[(int)((next - floor(next)) * 24)]++;
        n++;
        t = next;
    }
    double lambda = expected(&d, base, 0, 365);
    ck_assert_msg(fabs(n - lambda) <= 5 * sqrt(lambda), "%ld arrivals, expected %.1f", n,
                  lambda);
    /* the shape: months (the events and the CSV) and hours of the day (the daily cycle) */
    for (int k = 0; k < 13; k++) {
        double e = expected(&d, base, 30 * k, fmin(30 * k + 30, 365));
        ck_assert_msg(fabs(month[k] - e) <= 5 * sqrt(e), "month %d: %d, expected %.1f", k,
                      month[k], e);
    }
    for (int k = 0; k < 24; k++) {
        double e = 0;
        for (int day = 0; day < 365; day++)
            e += expected(&d, base, day + k * HOUR, day + (k + 1) * HOUR);
        ck_assert_msg(fabs(hour[k] - e) <= 5 * sqrt(e), "hour %d: %d, expected %.1f", k,
                      hour[k], e);
    }
    gsl_rng_free(r);
    ak_demand_free(&d);
    scratch_fini(&s, (const char *const[]){"d.csv", NULL});
}
END_TEST

/* Short spikes of 50 times the base: the counts inside and outside them. Windows end at the
 * spikes' edges, and a candidate past its window's end is dropped, not kept on the old bound. */
START_TEST(thinning_spikes)
{
    char json[8192];
    size_t len = (size_t)sprintf(json, "{\"events\": [");
    for (int k = 0; k < 30; k++)
        len += (size_t)sprintf(json + len, "%s{\"kind\": \"spike\", \"at_day\": %g, \"days\": "
                               "0.2, \"factor\": 50}", k ? ", " : "", 3 * k + 0.7);
    sprintf(json + len, "]}");
    ak_demand d = must_read(json);
    gsl_rng *r = stream(5);
    long in = 0, out = 0;
    double t = 0, next;
    while (ak_demand_next_arrival(&d, 20, t, r, 90, &next)) {
        double x = fmod(next, 3);
        if (x >= 0.7 && x < 0.9)
            in++;
        else
            out++;
        t = next;
    }
    double e_in = 20 * 50 * 0.2 * 30, e_out = 20 * (90 - 0.2 * 30);
    ck_assert_msg(fabs(in - e_in) <= 5 * sqrt(e_in), "%ld in spikes, expected %g", in, e_in);
    ck_assert_msg(fabs(out - e_out) <= 5 * sqrt(e_out), "%ld outside, expected %g", out, e_out);
    gsl_rng_free(r);
}
END_TEST

/* Without a curve: one uniform per arrival, the gap of gsl_ran_exponential bit for bit. */
START_TEST(constant_draws_as_gsl)
{
    ak_demand empty = must_read("{}");
    const ak_demand *curves[] = {NULL, &empty};
    for (int c = 0; c < 2; c++) {
        gsl_rng *a = stream(2), *b = stream(2);
        const double base = 137.5;
        double t = 0, next;
        for (int k = 0; k < 20000; k++) {
            CHECK(ak_demand_next_arrival(curves[c], base, t, a, 1e9, &next) == 1, "no arrival");
            double want = t + gsl_ran_exponential(b, 1 / base);
            CHECK(next == want, "arrival %d: %.17g, gsl %.17g", k, next, want);
            t = next;
        }
        ck_assert_uint_eq(gsl_rng_get(a), gsl_rng_get(b));
        /* past the end: no arrival, but the draw is made */
        ck_assert_int_eq(ak_demand_next_arrival(curves[c], base, t, a, t + 1e-9, &next), 0);
        gsl_rng_uniform(b);
        ck_assert_uint_eq(gsl_rng_get(a), gsl_rng_get(b));
        gsl_rng_free(a);
        gsl_rng_free(b);
    }
}
END_TEST

START_TEST(thinning_edges)
{
    gsl_rng *a = stream(3), *b = stream(3);
    double next = -1;
    /* nothing to draw: no draw */
    ak_demand d = must_read("{\"daily\": {\"amplitude\": 0.5, \"peak_hour\": 12}}");
    ck_assert_int_eq(ak_demand_next_arrival(&d, 0, 0, a, 10, &next), 0);
    ck_assert_int_eq(ak_demand_next_arrival(&d, -1, 0, a, 10, &next), 0);
    ck_assert_int_eq(ak_demand_next_arrival(&d, NAN, 0, a, 10, &next), 0);
    ck_assert_int_eq(ak_demand_next_arrival(&d, INFINITY, 0, a, 10, &next), 0);
    ck_assert_int_eq(ak_demand_next_arrival(&d, 5, 10, a, 10, &next), 0);
    ck_assert_int_eq(ak_demand_next_arrival(NULL, 5, 11, a, 10, &next), 0);
    ck_assert(next == -1);
    ck_assert_uint_eq(gsl_rng_get(a), gsl_rng_get(b));
    /* a day beyond any run, where windows cannot advance: no arrival, and no endless loop */
    ck_assert_int_eq(ak_demand_next_arrival(&d, 5, 1e300, a, INFINITY, &next), 0);

    /* demand stops at day 10: arrivals before, none after, and no draws in the dead windows */
    d = must_read("{\"events\": [{\"kind\": \"crash\", \"at_day\": 10, \"factor\": 0}]}");
    double t = 0;
    int n = 0;
    while (ak_demand_next_arrival(&d, 100, t, a, 365, &next)) {
        ck_assert(next < 10);
        t = next;
        n++;
    }
    ck_assert_int_gt(n, 800);
    ck_assert_int_lt(n, 1200);
    gsl_rng_memcpy(b, a);
    ck_assert_int_eq(ak_demand_next_arrival(&d, 100, 10, a, 365, &next), 0);
    ck_assert_uint_eq(gsl_rng_get(a), gsl_rng_get(b));

    /* a curve that is zero for a while, then positive: the first arrival is after it */
    d = must_read("{\"events\": [{\"kind\": \"crash\", \"at_day\": 0, \"factor\": 0, "
                  "\"recovery_days\": 5}, {\"kind\": \"step\", \"at_day\": 0, \"factor\": 0}, "
                  "{\"kind\": \"step\", \"at_day\": 0, \"factor\": 1}]}");
    ck_assert_int_eq(ak_demand_next_arrival(&d, 100, 0, a, 365, &next), 0); /* step 0 forever */
    d = must_read("{\"events\": [{\"kind\": \"spike\", \"at_day\": 0, \"days\": 3.5, "
                  "\"factor\": 0}]}");
    ck_assert_int_eq(ak_demand_next_arrival(&d, 100, 0, a, 365, &next), 1);
    ck_assert(next >= 3.5 && next < 3.6);

    /* the same stream, the same arrivals */
    d = must_read("{\"trend\": {\"kind\": \"exponential\", \"per_year\": 2}, "
                  "\"weekly\": {\"amplitude\": 0.9, \"peak_day\": \"sat\"}}");
    gsl_rng_free(a);
    gsl_rng_free(b);
    a = stream(4);
    b = stream(4);
    double ta = 0, tb = 0, na, nb;
    for (int k = 0; k < 5000; k++) {
        ck_assert_int_eq(ak_demand_next_arrival(&d, 30, ta, a, 1e4, &na), 1);
        ck_assert_int_eq(ak_demand_next_arrival(&d, 30, tb, b, 1e4, &nb), 1);
        CHECK(na == nb, "arrival %d", k);
        ta = na;
        tb = nb;
    }
    gsl_rng_free(a);
    gsl_rng_free(b);
}
END_TEST

/* Every reader error with its exact message; paths are below $.agents.tenants.demand. */
static const struct {
    const char *json, *err;
} bad[] = {
    {"\"x\"", ": expected an object, found a string"},
    {"null", ": expected an object, found null"},
    {"[]", ": expected an object, found a list"},
    {"{\"trnd\": {}}", ".trnd: unknown key (did you mean \"trend\"?)"},
    {"{\"foo\": 1}", ".foo: unknown key (allowed: trend, daily, weekly, events, csv)"},
    {"{\"daily\": {\"amplitude\": 0.1, \"peak_hour\": 1}, \"daily\": {}}",
     ".daily: duplicate key"},
    /* trend */
    {"{\"trend\": 1}", ".trend: expected an object, found a number"},
    {"{\"trend\": {}}", ".trend.kind: required key is missing"},
    {"{\"trend\": {\"kind\": 1}}", ".trend.kind: expected a string, found a number"},
    {"{\"trend\": {\"kind\": \"exponentail\", \"per_year\": 1}}",
     ".trend.kind: unknown trend \"exponentail\" (did you mean \"exponential\"?)"},
    {"{\"trend\": {\"kind\": \"log\"}}",
     ".trend.kind: unknown trend \"log\" (known: constant, linear, exponential)"},
    {"{\"trend\": {\"kind\": \"linear\"}}", ".trend.per_year: required key is missing"},
    {"{\"trend\": {\"kind\": \"linear\", \"per_yaer\": 1}}",
     ".trend.per_yaer: unknown key (did you mean \"per_year\"?)"},
    {"{\"trend\": {\"kind\": \"constant\", \"per_year\": 1}}",
     ".trend.per_year: unknown key (allowed: kind)"},
    {"{\"trend\": {\"kind\": \"linear\", \"per_year\": \"1\"}}",
     ".trend.per_year: expected a number, found a string"},
    {"{\"trend\": {\"kind\": \"linear\", \"per_year\": 1001}}",
     ".trend.per_year: per_year must be at least -1000 and at most 1000"},
    {"{\"trend\": {\"kind\": \"linear\", \"per_year\": -1000.5}}",
     ".trend.per_year: per_year must be at least -1000 and at most 1000"},
    {"{\"trend\": {\"kind\": \"exponential\", \"per_year\": -1}}",
     ".trend.per_year: per_year must be more than -1 and at most 1000"},
    {"{\"trend\": {\"kind\": \"exponential\", \"per_year\": 1e999}}",
     ".trend.per_year: expected a finite number, found inf"},
    /* daily */
    {"{\"daily\": 0.3}", ".daily: expected an object, found a number"},
    {"{\"daily\": {\"amplitude\": 1.5, \"peak_hour\": 3}}",
     ".daily.amplitude: amplitude must be at least 0 and at most 1"},
    {"{\"daily\": {\"amplitude\": -0.1, \"peak_hour\": 3}}",
     ".daily.amplitude: amplitude must be at least 0 and at most 1"},
    {"{\"daily\": {\"peak_hour\": 3}}", ".daily.amplitude: required key is missing"},
    {"{\"daily\": {\"amplitude\": 0.5}}", ".daily.peak_hour: required key is missing"},
    {"{\"daily\": {\"amplitude\": 0.5, \"peak_hour\": 24}}",
     ".daily.peak_hour: peak_hour must be at least 0 and less than 24"},
    {"{\"daily\": {\"amplitude\": 0.5, \"peak_hour\": -1}}",
     ".daily.peak_hour: peak_hour must be at least 0 and less than 24"},
    {"{\"daily\": {\"amplitude\": 0.5, \"peak_hour\": null}}",
     ".daily.peak_hour: expected a number, found null"},
    {"{\"daily\": {\"amplitude\": 0.5, \"peak_hour\": 3, \"peak\": 1}}",
     ".daily.peak: unknown key (allowed: amplitude, peak_hour)"},
    {"{\"daily\": {\"amplitud\": 0.5, \"peak_hour\": 3}}",
     ".daily.amplitud: unknown key (did you mean \"amplitude\"?)"},
    /* weekly */
    {"{\"weekly\": {\"amplitude\": 0.2, \"peak_day\": \"wedn\"}}",
     ".weekly.peak_day: unknown day \"wedn\" (did you mean \"wed\"?)"},
    {"{\"weekly\": {\"amplitude\": 0.2, \"peak_day\": \"Wed\"}}",
     ".weekly.peak_day: unknown day \"Wed\" (did you mean \"wed\"?)"},
    {"{\"weekly\": {\"amplitude\": 0.2, \"peak_day\": \"holiday\"}}",
     ".weekly.peak_day: unknown day \"holiday\" (known: mon, tue, wed, thu, fri, sat, sun)"},
    {"{\"weekly\": {\"amplitude\": 0.2, \"peak_day\": 3}}",
     ".weekly.peak_day: expected a string, found a number"},
    {"{\"weekly\": {\"amplitude\": 0.2}}", ".weekly.peak_day: required key is missing"},
    {"{\"weekly\": {\"amplitude\": 2, \"peak_day\": \"mon\"}}",
     ".weekly.amplitude: amplitude must be at least 0 and at most 1"},
    {"{\"weekly\": {\"amplitude\": 0.2, \"peak_hour\": 3}}",
     ".weekly.peak_hour: unknown key (allowed: amplitude, peak_day)"},
    /* events */
    {"{\"events\": {}}", ".events: expected a list, found an object"},
    {"{\"events\": [3]}", ".events[0]: expected an object, found a number"},
    {"{\"events\": [{\"at_day\": 3, \"factor\": 2}]}", ".events[0].kind: required key is missing"},
    {"{\"events\": [{\"kind\": \"step\", \"at_day\": 1, \"factor\": 2}, "
     "{\"kind\": \"spkie\", \"at_day\": 3}]}",
     ".events[1].kind: unknown event kind \"spkie\" (did you mean \"spike\"?)"},
    {"{\"events\": [{\"kind\": \"boom\"}]}",
     ".events[0].kind: unknown event kind \"boom\" (known: step, spike, crash)"},
    {"{\"events\": [{\"kind\": \"step\", \"factor\": 2}]}",
     ".events[0].at_day: required key is missing"},
    {"{\"events\": [{\"kind\": \"step\", \"at_day\": -1, \"factor\": 2}]}",
     ".events[0].at_day: at_day must be at least 0 and at most 36500"},
    {"{\"events\": [{\"kind\": \"step\", \"at_day\": 36501, \"factor\": 2}]}",
     ".events[0].at_day: at_day must be at least 0 and at most 36500"},
    {"{\"events\": [{\"kind\": \"step\", \"at_day\": \"3\", \"factor\": 2}]}",
     ".events[0].at_day: expected a number, found a string"},
    {"{\"events\": [{\"kind\": \"step\", \"at_day\": 3}]}",
     ".events[0].factor: required key is missing"},
    {"{\"events\": [{\"kind\": \"step\", \"at_day\": 3, \"factor\": -1}]}",
     ".events[0].factor: factor must be at least 0 and at most 1000000"},
    {"{\"events\": [{\"kind\": \"step\", \"at_day\": 3, \"factor\": 1e7}]}",
     ".events[0].factor: factor must be at least 0 and at most 1000000"},
    {"{\"events\": [{\"kind\": \"step\", \"at_day\": 3, \"factor\": 2, \"days\": 1}]}",
     ".events[0].days: unknown key (allowed: kind, at_day, factor)"},
    {"{\"events\": [{\"kind\": \"step\", \"at_day\": 1, \"factor\": 1, \"at_day\": 2}]}",
     ".events[0].at_day: duplicate key"},
    {"{\"events\": [{\"kind\": \"spike\", \"at_day\": 3, \"factor\": 2}]}",
     ".events[0].days: required key is missing"},
    {"{\"events\": [{\"kind\": \"spike\", \"at_day\": 3, \"days\": 0, \"factor\": 2}]}",
     ".events[0].days: days must be more than 0 and at most 36500"},
    {"{\"events\": [{\"kind\": \"spike\", \"at_day\": 3, \"days\": 1, \"factor\": 2, "
     "\"recovery_days\": 1}]}",
     ".events[0].recovery_days: unknown key (allowed: kind, at_day, days, factor)"},
    {"{\"events\": [{\"kind\": \"crash\", \"at_day\": 3, \"factor\": 0.5, "
     "\"recovery_days\": 0}]}",
     ".events[0].recovery_days: recovery_days must be more than 0 and at most 36500"},
    {"{\"events\": [{\"kind\": \"crash\", \"at_day\": 3, \"factor\": 0.5, "
     "\"recovery_days\": -5}]}",
     ".events[0].recovery_days: recovery_days must be more than 0 and at most 36500"},
    {"{\"events\": [{\"kind\": \"crash\", \"at_day\": 3, \"factor\": 0.5, "
     "\"recovery_day\": 5}]}",
     ".events[0].recovery_day: unknown key (did you mean \"recovery_days\"?)"},
    {"{\"events\": [{\"kind\": \"crash\", \"at_day\": 3, \"recovery_days\": 5}]}",
     ".events[0].factor: required key is missing"},
    /* csv (file errors: csv_errors) */
    {"{\"csv\": 1}", ".csv: expected an object, found a number"},
    {"{\"csv\": {}}", ".csv.file: required key is missing"},
    {"{\"csv\": {\"file\": \"d.csv\", \"interp\": \"step\"}}",
     ".csv.interp: unknown key (allowed: file, interpolate)"},
    {"{\"csv\": {\"file\": \"d.csv\", \"interpolate\": \"steps\"}}",
     ".csv.interpolate: unknown interpolation \"steps\" (did you mean \"step\"?)"},
    {"{\"csv\": {\"file\": 7}}", ".csv.file: expected a string, found a number"},
};

START_TEST(reader_errors)
{
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ak_demand d, before;
        ak_demand_init_constant(&d);
        d.nevents = 77;
        before = d;
        char err[1024], want[1024];
        ck_assert_msg(!try_read_at(bad[i].json, GENESIS, NULL, &d, err), "%s accepted",
                      bad[i].json);
        snprintf(want, sizeof want, "test: t.json: $.agents.tenants.demand%s", bad[i].err);
        ck_assert_msg(strcmp(err, want) == 0, "%s:\n  got  %s\n  want %s", bad[i].json, err,
                      want);
        ck_assert(memcmp(&d, &before, sizeof d) == 0); /* untouched */
    }
    /* 65 events */
    char json[8192];
    size_t len = (size_t)sprintf(json, "{\"events\": [");
    for (int i = 0; i < 65; i++)
        len += (size_t)sprintf(json + len, "%s{\"kind\": \"step\", \"at_day\": 1, \"factor\": 1}",
                               i ? ", " : "");
    sprintf(json + len, "]}");
    ak_demand d;
    char err[1024];
    ck_assert(!try_read_at(json, GENESIS, NULL, &d, err));
    ck_assert_str_eq(err, "test: t.json: $.agents.tenants.demand.events: expected at most 64 "
                          "events, found 65");
}
END_TEST

START_TEST(csv_errors)
{
    scratch s;
    scratch_init(&s);
    char err[1024], want[1024];
    ak_demand d;
    ck_assert(!try_read_at("{\"csv\": {\"file\": \"none.csv\"}}", GENESIS, s.scen, &d, err));
    snprintf(want, sizeof want, "test: t.json: $.agents.tenants.demand.csv.file: %s/none.csv: "
             "cannot open: No such file or directory", s.dir);
    ck_assert_str_eq(err, want);

    scratch_put(&s, "bad.csv", "day,value\n0,1\n5,2\n4,1\n");
    ck_assert(!try_read_at("{\"csv\": {\"file\": \"bad.csv\"}}", GENESIS, s.scen, &d, err));
    snprintf(want, sizeof want, "test: t.json: $.agents.tenants.demand.csv.file: %s/bad.csv: "
             "line 4: the day 4 is not after the previous row's 5", s.dir);
    ck_assert_str_eq(err, want);

    scratch_put(&s, "neg.csv", "0,1\n1,-0.5\n");
    ck_assert(!try_read_at("{\"csv\": {\"file\": \"neg.csv\"}}", GENESIS, s.scen, &d, err));
    snprintf(want, sizeof want, "test: t.json: $.agents.tenants.demand.csv.file: %s/neg.csv: "
             "line 2: the value -0.5 is below the minimum 0", s.dir);
    ck_assert_str_eq(err, want);

    scratch_put(&s, "big.csv", "0,1\n1,2e6\n");
    ck_assert(!try_read_at("{\"csv\": {\"file\": \"big.csv\"}}", GENESIS, s.scen, &d, err));
    snprintf(want, sizeof want, "test: t.json: $.agents.tenants.demand.csv.file: %s/big.csv: "
             "line 2: the value 2000000 is above the maximum 1000000", s.dir);
    ck_assert_str_eq(err, want);

    /* relative to the scenario's directory, not the working directory */
    scratch_put(&s, "ok.csv", "0,2\n");
    ck_assert(!try_read_at("{\"csv\": {\"file\": \"ok.csv\"}}", GENESIS, "elsewhere/s.json", &d,
                           err));
    ck_assert_str_eq(err, "test: t.json: $.agents.tenants.demand.csv.file: elsewhere/ok.csv: "
                          "cannot open: No such file or directory");
    d = must_read_at("{\"csv\": {\"file\": \"ok.csv\"}}", GENESIS, s.scen);
    ck_assert(ak_demand_at(&d, 7) == 2);
    ak_demand_free(&d);
    scratch_fini(&s, (const char *const[]){"bad.csv", "neg.csv", "big.csv", "ok.csv", NULL});
}
END_TEST

int main(void)
{
    Suite *s = suite_create("demand");
    TCase *tc = tcase_create("demand");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, tables);
    tcase_add_test(tc, absent_is_constant);
    tcase_add_test(tc, trends);
    tcase_add_test(tc, seasons);
    tcase_add_test(tc, events);
    tcase_add_test(tc, product_and_cap);
    tcase_add_test(tc, composite);
    tcase_add_test(tc, bound_bounds);
    tcase_add_test(tc, thinning_counts);
    tcase_add_test(tc, thinning_spikes);
    tcase_add_test(tc, constant_draws_as_gsl);
    tcase_add_test(tc, thinning_edges);
    tcase_add_test(tc, reader_errors);
    tcase_add_test(tc, csv_errors);
    suite_add_tcase(s, tc);
    return check_run(s);
}
