/*
 * tests/test_akt_price.c: the AKT/USD price processes (models/akt_price.h): constants, the
 * grid, gbm's log-return moments and its exact deterministic path, the jump process's jump
 * mean, regime shares and holding times, CSV paths at and between rows, the fixed number of
 * draws per step (common random numbers), clamping, and every reader error with its exact
 * message and JSON path.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "akt_price.h"
#include "check_run.h"
#include "errors.h"
#include "rng.h"

#define YEAR_US (365 * 86400e6)

/* An assertion for hot loops: Check reports each passing ck_assert through a pipe. */
#define CHECK(cond, ...)                                                                       \
    do {                                                                                       \
        if (!(cond))                                                                           \
            ck_abort_msg(__VA_ARGS__);                                                         \
    } while (0)

/* Read {"akt_usd": <json>} as of the scenario file scen; true on success, else err. */
static bool try_read_in(const char *json, const char *scen, ak_price_spec *s, char *err)
{
    size_t cap = strlen(json) + 32;
    char *text = malloc(cap);
    ck_assert_ptr_nonnull(text);
    snprintf(text, cap, "{\"akt_usd\": %s}", json);
    cJSON *root = cJSON_Parse(text);
    ck_assert_msg(root != NULL, "does not parse: %s", text);
    free(text);
    jr r;
    jr_init(&r, "test", "t.json", root);
    bool ok = false;
    if (setjmp(r.on_error) == 0) {
        ak_price_read(&r, jr_opt(root, "akt_usd"), scen, s);
        ok = true;
    } else {
        snprintf(err, 1024, "%s", r.err);
    }
    cJSON_Delete(root);
    return ok;
}

static ak_price_spec must_read_in(const char *json, const char *scen)
{
    ak_price_spec s;
    char err[1024];
    ck_assert_msg(try_read_in(json, scen, &s, err), "%s: %s", json, err);
    return s;
}

static ak_price_spec must_read(const char *json)
{
    return must_read_in(json, NULL);
}

static gsl_rng *stream(uint32_t replication)
{
    gsl_rng *r = NULL;
    ck_assert_int_eq(ak_rng_stream(20240601, replication, AK_RNG_PRICE, &r), 0);
    return r;
}

static ak_price_state start(const ak_price_spec *s)
{
    ak_price_state st;
    ck_assert_int_eq(ak_price_init(s, &st), 0);
    return st;
}

/* Mean and variance of the log return of one step from price 1 (reset every step, so the
 * clamp never binds), over n steps. */
static void log_moments(const ak_price_spec *s, gsl_rng *r, long n, double *mean, double *var)
{
    ak_price_state st = start(s);
    double sum = 0, sq = 0;
    for (long k = 0; k < n; k++) {
        st.price = 1;
        ak_price_step(s, &st, r);
        double x = log(ak_price_now(&st));
        sum += x;
        sq += x * x;
    }
    *mean = sum / n;
    *var = sq / n - *mean * *mean;
}

START_TEST(table)
{
    static const char *const names[] = {"constant", "gbm", "jump", "regime", "csv"};
    static const unsigned draws[] = {0, 3, 3, 3, 0};
    const ak_price_type *const *t = ak_price_types();
    size_t n = 0;
    for (; t[n]; n++) {
        ck_assert_str_eq(t[n]->name, names[n]);
        ck_assert_ptr_eq(ak_price_find(names[n]), t[n]);
        ck_assert(t[n]->doc && t[n]->doc[0] && t[n]->keys && t[n]->read && t[n]->step);
        ck_assert_uint_eq(t[n]->draws, draws[n]);
        ck_assert(t[n]->stepped == (n > 0));
    }
    ck_assert_uint_eq(n, 5);
    ck_assert_ptr_null(ak_price_find("GBM"));
    ck_assert_ptr_null(ak_price_find(NULL));
}
END_TEST

START_TEST(constants)
{
    static const char *const json[] = {"1.14", "{\"process\": \"constant\", \"start\": 1.14}"};
    for (int i = 0; i < 2; i++) {
        ak_price_spec s = must_read(json[i]);
        ck_assert_str_eq(s.type->name, "constant");
        ck_assert(s.start == 1.14);
        ck_assert_int_eq(ak_price_step_us(&s), 0);
        ak_price_state st = start(&s);
        ck_assert(ak_price_now(&st) == 1.14);
        ak_price_step(&s, &st, NULL); /* never stepped; no draw */
        ck_assert(ak_price_now(&st) == 1.14 && st.steps == 0);
        ak_price_free(&s);
    }
    ak_price_spec c, s = must_read("1.14");
    ck_assert_int_eq(ak_price_constant(1.14, &c), 0);
    ck_assert(memcmp(&c, &s, sizeof c) == 0);
    ck_assert(must_read("0.000001").start == AK_PRICE_MIN);
    ck_assert(must_read("1e6").start == AK_PRICE_MAX);
    ak_price_spec before = c;
    ck_assert_int_eq(ak_price_constant(0, &c), AK_EINVAL);
    ck_assert_int_eq(ak_price_constant(2e6, &c), AK_EINVAL);
    ck_assert_int_eq(ak_price_constant(NAN, &c), AK_EINVAL);
    ck_assert(memcmp(&c, &before, sizeof c) == 0);

    ak_price_spec none;
    memset(&none, 0, sizeof none);
    ak_price_state st = {.price = 7, .steps = 3, .regime = 1};
    ck_assert_int_eq(ak_price_init(&none, &st), AK_EINVAL);
    ck_assert_int_eq(ak_price_init(NULL, &st), AK_EINVAL);
    ck_assert(st.price == 7 && st.steps == 3 && st.regime == 1);
    ak_price_free(NULL);
    ak_price_free(&none);
}
END_TEST

START_TEST(grid)
{
    static const struct {
        const char *hours;
        int64_t us;
    } cases[] = {
        {NULL, 3600000000}, {"1", 3600000000}, {"0.5", 1800000000}, {"24", 86400000000},
        {"0.016666666666666666", 60000000}, {"8760", 31536000000000}, {"1.0000000001", 3600000000},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char json[200];
        snprintf(json, sizeof json, "{\"process\": \"gbm\", \"start\": 1, \"volatility\": 0.5%s%s}",
                 cases[i].hours ? ", \"step_hours\": " : "", cases[i].hours ? cases[i].hours : "");
        ak_price_spec s = must_read(json);
        ck_assert_int_eq(ak_price_step_us(&s), cases[i].us);
        ck_assert(s.dt == (double)cases[i].us / YEAR_US);
    }
}
END_TEST

START_TEST(gbm_moments)
{
    ak_price_spec s = must_read("{\"process\": \"gbm\", \"start\": 1.14, \"drift\": 0.5, "
                                "\"volatility\": 0.8, \"step_hours\": 24}");
    gsl_rng *r = stream(1);
    const long n = 1000000;
    double mean, var;
    log_moments(&s, r, n, &mean, &var);
    double dt = 1 / 365.0, want_mean = (0.5 - 0.32) * dt, want_var = 0.64 * dt;
    ck_assert_msg(fabs(mean - want_mean) <= 5 * sqrt(want_var / n), "mean %g, want %g", mean,
                  want_mean);
    ck_assert_msg(fabs(var / want_var - 1) <= 0.01, "variance %g, want %g", var, want_var);

    /* A path over a year: the year's log return has the same law. */
    ak_price_spec h = must_read("{\"process\": \"gbm\", \"start\": 1, \"drift\": 0.2, "
                                "\"volatility\": 0.4}");
    double sum = 0, sq = 0;
    const int paths = 400;
    for (int p = 0; p < paths; p++) {
        ak_price_state st = start(&h);
        for (int k = 0; k < 8760; k++)
            ak_price_step(&h, &st, r);
        ck_assert_uint_eq(st.steps, 8760);
        double x = log(ak_price_now(&st));
        sum += x;
        sq += x * x;
    }
    mean = sum / paths;
    var = sq / paths - mean * mean;
    ck_assert_msg(fabs(mean - 0.12) <= 5 * 0.4 / sqrt(paths), "yearly mean %g", mean);
    ck_assert_msg(fabs(var / 0.16 - 1) <= 0.25, "yearly variance %g", var);
    gsl_rng_free(r);
}
END_TEST

START_TEST(zero_volatility)
{
    ak_price_spec s = must_read("{\"process\": \"gbm\", \"start\": 1.14, \"drift\": 0.3, "
                                "\"volatility\": 0}");
    gsl_rng *r = stream(2);
    ak_price_state st = start(&s);
    double p = 1.14, g = exp(0.3 * s.dt);
    for (int k = 1; k <= 8760; k++) {
        ak_price_step(&s, &st, r);
        p *= g;
        CHECK(ak_price_now(&st) == p, "step %d: %.17g, want %.17g", k, ak_price_now(&st), p);
    }
    ck_assert_double_eq_tol(ak_price_now(&st), 1.14 * exp(0.3), 1e-12);
    /* zero drift too: the price never moves */
    s = must_read("{\"process\": \"gbm\", \"start\": 1.14, \"volatility\": 0}");
    st = start(&s);
    for (int k = 0; k < 1000; k++)
        ak_price_step(&s, &st, r);
    ck_assert(ak_price_now(&st) == 1.14);
    gsl_rng_free(r);
}
END_TEST

START_TEST(jumps)
{
    /* one jump an hour on average: the log return's mean is the jump mean's */
    ak_price_spec s = must_read("{\"process\": \"jump\", \"start\": 1, \"drift\": 0, "
                                "\"volatility\": 0.1, \"jumps_per_year\": 8760, "
                                "\"jump_mean\": -0.01, \"jump_sd\": 0.005}");
    gsl_rng *r = stream(3);
    const long n = 400000;
    double mean, var, dt = 1 / 8760.0;
    log_moments(&s, r, n, &mean, &var);
    double want_mean = -0.005 * dt - 0.01, want_var = 0.01 * dt + 1 * (0.005 * 0.005 + 1e-4);
    ck_assert_msg(fabs(mean - want_mean) <= 5 * sqrt(want_var / n), "mean %g, want %g", mean,
                  want_mean);
    ck_assert_msg(fabs(var / want_var - 1) <= 0.03, "variance %g, want %g", var, want_var);

    /* at the limit of 100 jumps a step, the Poisson inversion still has the right mean and
     * variance */
    s = must_read("{\"process\": \"jump\", \"start\": 1, \"volatility\": 0, \"step_hours\": 24, "
                  "\"jumps_per_year\": 36500, \"jump_mean\": 0.001, \"jump_sd\": 0}");
    log_moments(&s, r, 100000, &mean, &var);
    ck_assert_msg(fabs(mean - 0.1) <= 5 * sqrt(100 * 1e-6 / 100000), "mean %g", mean);
    ck_assert_msg(fabs(var / 1e-4 - 1) <= 0.03, "variance %g", var);

    /* without jumps it is gbm, shock for shock */
    ak_price_spec j = must_read("{\"process\": \"jump\", \"start\": 1.14, \"drift\": 0.1, "
                                "\"volatility\": 0.7, \"jumps_per_year\": 0, \"jump_mean\": -1, "
                                "\"jump_sd\": 1}");
    ak_price_spec g = must_read("{\"process\": \"gbm\", \"start\": 1.14, \"drift\": 0.1, "
                                "\"volatility\": 0.7}");
    gsl_rng *a = stream(4), *b = stream(4);
    ak_price_state sj = start(&j), sg = start(&g);
    for (int k = 0; k < 10000; k++) {
        ak_price_step(&j, &sj, a);
        ak_price_step(&g, &sg, b);
        CHECK(ak_price_now(&sj) == ak_price_now(&sg), "step %d", k);
    }
    /* with jumps, the same diffusion: the paths differ only at steps with jumps */
    j = must_read("{\"process\": \"jump\", \"start\": 1.14, \"drift\": 0.1, "
                  "\"volatility\": 0.7, \"jumps_per_year\": 50, \"jump_mean\": -0.2, "
                  "\"jump_sd\": 0.1}");
    sj = start(&j);
    sg = start(&g);
    int jumped = 0;
    for (int k = 0; k < 8760; k++) {
        double rj = sj.price, rg = sg.price;
        ak_price_step(&j, &sj, a);
        ak_price_step(&g, &sg, b);
        double diff = log(sj.price / rj) - log(sg.price / rg);
        jumped += fabs(diff) > 1e-12;
    }
    ck_assert_int_gt(jumped, 25); /* about 50 a year */
    ck_assert_int_lt(jumped, 80);
    gsl_rng_free(a);
    gsl_rng_free(b);
    gsl_rng_free(r);
}
END_TEST

START_TEST(regimes)
{
    ak_price_spec s = must_read(
        "{\"process\": \"regime\", \"start\": 1.14, \"step_hours\": 24, \"regimes\": ["
        "{\"name\": \"bull\", \"drift\": 0.8, \"volatility\": 0.6, \"mean_days\": 120},"
        "{\"name\": \"bear\", \"drift\": -0.6, \"volatility\": 0.9, \"mean_days\": 40}]}");
    ck_assert_uint_eq(s.nregimes, 2);
    ck_assert_str_eq(s.regimes[0].name, "bull");
    ck_assert_str_eq(s.regimes[1].name, "bear");
    ck_assert_double_eq_tol(s.regimes[0].p_leave, 1 - exp(-1.0 / 120), 1e-15);
    gsl_rng *r = stream(5);
    ak_price_state st = start(&s);
    ck_assert_uint_eq(st.regime, 0);
    const long n = 365000; /* a thousand years of days */
    long days[2] = {0}, spells[2] = {0};
    double sum[2] = {0}, sq[2] = {0};
    for (long k = 0; k < n; k++) {
        uint32_t g = st.regime;
        st.price = 1;
        ak_price_step(&s, &st, r);
        double x = log(st.price);
        days[g]++;
        sum[g] += x;
        sq[g] += x * x;
        if (st.regime != g) {
            CHECK(st.regime == 1 - g, "regime %u after %u", st.regime, g);
            spells[g]++;
        }
    }
    /* shares of time: mean_days / 160, up to half a step per spell */
    double share = (double)days[0] / n;
    ck_assert_msg(fabs(share - 120.5 / 161) <= 0.025, "bull share %g", share);
    /* mean holding times */
    double hold0 = (double)days[0] / spells[0], hold1 = (double)days[1] / spells[1];
    ck_assert_msg(fabs(hold0 / 120.5 - 1) <= 0.06, "bull spells of %g days", hold0);
    ck_assert_msg(fabs(hold1 / 40.5 - 1) <= 0.06, "bear spells of %g days", hold1);
    /* each regime moves the price with its own parameters */
    static const double mu[2] = {0.8, -0.6}, sigma[2] = {0.6, 0.9};
    for (int g = 0; g < 2; g++) {
        double m = sum[g] / days[g], v = sq[g] / days[g] - m * m, dt = 1 / 365.0;
        double wm = (mu[g] - sigma[g] * sigma[g] / 2) * dt, wv = sigma[g] * sigma[g] * dt;
        ck_assert_msg(fabs(m - wm) <= 5 * sqrt(wv / days[g]), "regime %d mean %g", g, m);
        ck_assert_msg(fabs(v / wv - 1) <= 0.02, "regime %d variance %g, want %g", g, v, wv);
    }

    /* three regimes: always on to the next in the list; one regime: never leaves */
    s = must_read("{\"process\": \"regime\", \"start\": 1, \"regimes\": ["
                  "{\"name\": \"a\", \"volatility\": 0.1, \"mean_days\": 0.5},"
                  "{\"name\": \"b\", \"volatility\": 0.1, \"mean_days\": 1},"
                  "{\"name\": \"c\", \"volatility\": 0.1, \"mean_days\": 2}]}");
    st = start(&s);
    int moves = 0;
    for (int k = 0; k < 100000; k++) {
        uint32_t g = st.regime;
        ak_price_step(&s, &st, r);
        if (st.regime != g) {
            CHECK(st.regime == (g + 1) % 3, "%u after %u", st.regime, g);
            moves++;
        }
    }
    ck_assert_int_gt(moves, 1000);
    s = must_read("{\"process\": \"regime\", \"start\": 1, \"regimes\": ["
                  "{\"name\": \"only\", \"volatility\": 0.1, \"mean_days\": 0.01}]}");
    st = start(&s);
    for (int k = 0; k < 1000; k++)
        ak_price_step(&s, &st, r);
    ck_assert_uint_eq(st.regime, 0);
    gsl_rng_free(r);
}
END_TEST

/* A scratch directory for CSV files; the scenario is "s.json" in it. */
static void scratch(char *dir, size_t dcap, char *scen, size_t scap)
{
    snprintf(dir, dcap, "/tmp/akashsim-price-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(scen, scap, "%s/s.json", dir);
}

static void put(const char *dir, const char *name, const char *text)
{
    char path[160];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    ck_assert_int_eq(fclose(f), 0);
}

static void unput(const char *dir, const char *name)
{
    char path[160];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    unlink(path);
}

START_TEST(csv_paths)
{
    char dir[64], scen[96];
    scratch(dir, sizeof dir, scen, sizeof scen);
    put(dir, "akt.csv", "day,value\n0,1\n1,2\n3,1\n");
    /* twelve-hour steps: days 0.5, 1, 1.5, ... */
    static const double linear[] = {1, 1.5, 2, 1.75, 1.5, 1.25, 1, 1, 1};
    static const double step[] = {1, 1, 2, 2, 2, 2, 1, 1, 1};
    for (int m = 0; m < 2; m++) {
        ak_price_spec s = must_read_in(m ? "{\"process\": \"csv\", \"file\": \"akt.csv\", "
                                           "\"step_hours\": 12}"
                                         : "{\"process\": \"csv\", \"file\": \"akt.csv\", "
                                           "\"interpolate\": \"step\", \"step_hours\": 12}",
                                       scen);
        ck_assert_int_eq(ak_price_step_us(&s), 43200000000);
        ak_price_state st = start(&s);
        for (int k = 0; k < 9; k++) {
            ck_assert_msg(ak_price_now(&st) == (m ? linear : step)[k], "%s step %d: %.17g",
                          m ? "linear" : "step", k, ak_price_now(&st));
            ak_price_step(&s, &st, NULL); /* no randomness */
        }
        ak_price_free(&s);
        ck_assert_ptr_null(s.series.day);
    }
    /* the start is the first row's value; hourly steps land on whole days exactly */
    put(dir, "hourly.csv", "0,0.5\n1,0.75\n2,0.25\n");
    ak_price_spec s = must_read_in("{\"process\": \"csv\", \"file\": \"hourly.csv\"}", scen);
    ak_price_state st = start(&s);
    ck_assert(ak_price_now(&st) == 0.5);
    for (int k = 1; k <= 48; k++) {
        ak_price_step(&s, &st, NULL);
        if (k == 24)
            ck_assert(ak_price_now(&st) == 0.75);
        if (k == 12)
            ck_assert(ak_price_now(&st) == 0.625);
    }
    ck_assert(ak_price_now(&st) == 0.25);
    ak_price_free(&s);

    char err[1024], want[1024];
    ck_assert(!try_read_in("{\"process\": \"csv\", \"file\": \"none.csv\"}", scen, &s, err));
    snprintf(want, sizeof want, "test: t.json: $.akt_usd.file: %s/none.csv: cannot open: No "
             "such file or directory", dir);
    ck_assert_str_eq(err, want);
    put(dir, "low.csv", "0,1\n1,0\n");
    ck_assert(!try_read_in("{\"process\": \"csv\", \"file\": \"low.csv\"}", scen, &s, err));
    snprintf(want, sizeof want, "test: t.json: $.akt_usd.file: %s/low.csv: line 2: the value 0 "
             "is below the minimum 1e-06", dir);
    ck_assert_str_eq(err, want);
    put(dir, "high.csv", "0,1\n1,1e7\n");
    ck_assert(!try_read_in("{\"process\": \"csv\", \"file\": \"high.csv\"}", scen, &s, err));
    snprintf(want, sizeof want, "test: t.json: $.akt_usd.file: %s/high.csv: line 2: the value "
             "10000000 is above the maximum 1000000", dir);
    ck_assert_str_eq(err, want);
    put(dir, "late.csv", "day,value\n1,1\n");
    ck_assert(!try_read_in("{\"process\": \"csv\", \"file\": \"late.csv\"}", scen, &s, err));
    snprintf(want, sizeof want, "test: t.json: $.akt_usd.file: %s/late.csv: line 2: the first "
             "row's day must be 0 (genesis), found 1", dir);
    ck_assert_str_eq(err, want);
    static const char *const files[] = {"akt.csv", "hourly.csv", "low.csv", "high.csv",
                                        "late.csv"};
    for (size_t i = 0; i < 5; i++)
        unput(dir, files[i]);
    rmdir(dir);
}
END_TEST

/* Every random process draws AK_PRICE_DRAWS uniforms a step, whatever its parameters. */
START_TEST(draws_fixed)
{
    static const char *const specs[] = {
        "{\"process\": \"gbm\", \"start\": 1, \"volatility\": 0.5}",
        "{\"process\": \"gbm\", \"start\": 3, \"drift\": -2, \"volatility\": 0, "
        "\"step_hours\": 24}",
        "{\"process\": \"jump\", \"start\": 1, \"volatility\": 0.5, \"jumps_per_year\": 4, "
        "\"jump_mean\": -0.1, \"jump_sd\": 0.15}",
        "{\"process\": \"jump\", \"start\": 1, \"volatility\": 0.5, \"jumps_per_year\": 1e5, "
        "\"jump_mean\": 0.01, \"jump_sd\": 0.15}",
        "{\"process\": \"regime\", \"start\": 1, \"regimes\": [{\"name\": \"x\", "
        "\"volatility\": 1, \"mean_days\": 0.1}, {\"name\": \"y\", \"volatility\": 0.1, "
        "\"mean_days\": 3}]}",
    };
    gsl_rng *ref = stream(6);
    for (int k = 0; k < 2000 * AK_PRICE_DRAWS; k++)
        gsl_rng_uniform(ref);
    unsigned long want = gsl_rng_get(ref);
    for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++) {
        ak_price_spec s = must_read(specs[i]);
        gsl_rng *r = stream(6);
        ak_price_state st = start(&s);
        for (int k = 0; k < 2000; k++)
            ak_price_step(&s, &st, r);
        ck_assert_msg(gsl_rng_get(r) == want, "%s", specs[i]);
        gsl_rng_free(r);
    }
    gsl_rng_free(ref);
}
END_TEST

START_TEST(clamped)
{
    gsl_rng *r = stream(7);
    ak_price_spec s = must_read("{\"process\": \"gbm\", \"start\": 1e6, \"drift\": 100, "
                                "\"volatility\": 0}");
    ak_price_state st = start(&s);
    for (int k = 0; k < 100; k++)
        ak_price_step(&s, &st, r);
    ck_assert(ak_price_now(&st) == AK_PRICE_MAX);
    s = must_read("{\"process\": \"gbm\", \"start\": 1e-6, \"drift\": -100, \"volatility\": 0}");
    st = start(&s);
    ak_price_step(&s, &st, r);
    ck_assert(ak_price_now(&st) == AK_PRICE_MIN);
    /* wild paths stay finite and inside, and move on from the bounds */
    s = must_read("{\"process\": \"jump\", \"start\": 1, \"volatility\": 0, \"step_hours\": "
                  "8760, \"jumps_per_year\": 100, \"jump_mean\": 0, \"jump_sd\": 10}");
    st = start(&s);
    int at_min = 0, at_max = 0;
    for (int k = 0; k < 10000; k++) {
        ak_price_step(&s, &st, r);
        double p = ak_price_now(&st);
        CHECK(p >= AK_PRICE_MIN && p <= AK_PRICE_MAX, "step %d: %g", k, p);
        at_min += p == AK_PRICE_MIN;
        at_max += p == AK_PRICE_MAX;
    }
    ck_assert_int_gt(at_min, 100);
    ck_assert_int_gt(at_max, 100);
    s = must_read("{\"process\": \"gbm\", \"start\": 1, \"drift\": -100, \"volatility\": 100, "
                  "\"step_hours\": 8760}");
    st = start(&s);
    for (int k = 0; k < 1000; k++) {
        ak_price_step(&s, &st, r);
        CHECK(st.price >= AK_PRICE_MIN && st.price <= AK_PRICE_MAX, "step %d: %g", k, st.price);
    }
    gsl_rng_free(r);
}
END_TEST

/* Every reader error with its exact message; paths are below $.akt_usd. */
static const struct {
    const char *json, *err;
} bad[] = {
    /* a bare price */
    {"0", ": a price must be at least 0.000001 and at most 1000000 (USD per AKT)"},
    {"-1.14", ": a price must be at least 0.000001 and at most 1000000 (USD per AKT)"},
    {"2e6", ": a price must be at least 0.000001 and at most 1000000 (USD per AKT)"},
    {"1e999", ": expected a finite number, found inf"},
    {"\"1.14\"", ": expected a price in USD or a process like {\"process\": \"gbm\", \"start\": "
                 "1.14, \"volatility\": 0.8}, found a string"},
    {"null", ": expected a price in USD or a process like {\"process\": \"gbm\", \"start\": "
             "1.14, \"volatility\": 0.8}, found null"},
    {"[1.14]", ": expected a price in USD or a process like {\"process\": \"gbm\", \"start\": "
               "1.14, \"volatility\": 0.8}, found a list"},
    /* the process */
    {"{}", ".process: required key is missing"},
    {"{\"start\": 1}", ".process: required key is missing"},
    {"{\"process\": 1}", ".process: expected a string, found a number"},
    {"{\"process\": \"gmb\", \"start\": 1}",
     ".process: unknown process \"gmb\" (did you mean \"gbm\"?)"},
    {"{\"process\": \"heston\"}",
     ".process: unknown process \"heston\" (known: constant, gbm, jump, regime, csv)"},
    /* keys */
    {"{\"process\": \"constant\", \"start\": 1, \"step_hours\": 1}",
     ".step_hours: unknown key (allowed: process, start)"},
    {"{\"process\": \"gbm\", \"start\": 1.14, \"volatilty\": 0.8}",
     ".volatilty: unknown key (did you mean \"volatility\"?)"},
    {"{\"process\": \"gbm\", \"start\": 1.14, \"volatility\": 0.8, \"jumps_per_year\": 1}",
     ".jumps_per_year: unknown key (allowed: process, start, drift, volatility, step_hours)"},
    {"{\"process\": \"gbm\", \"start\": 1.14, \"volatility\": 0.8, \"start\": 2}",
     ".start: duplicate key"},
    {"{\"process\": \"regime\", \"start\": 1, \"drift\": 0.1, \"regimes\": []}",
     ".drift: unknown key (allowed: process, start, regimes, step_hours)"},
    {"{\"process\": \"csv\", \"file\": \"a.csv\", \"start\": 1}",
     ".start: unknown key (allowed: process, file, interpolate, step_hours)"},
    /* start, drift, volatility */
    {"{\"process\": \"constant\"}", ".start: required key is missing"},
    {"{\"process\": \"gbm\", \"volatility\": 0.8}", ".start: required key is missing"},
    {"{\"process\": \"gbm\", \"start\": 0, \"volatility\": 0.8}",
     ".start: start must be at least 0.000001 and at most 1000000 (USD per AKT)"},
    {"{\"process\": \"constant\", \"start\": \"1\"}", ".start: expected a number, found a string"},
    {"{\"process\": \"gbm\", \"start\": 1.14}", ".volatility: required key is missing"},
    {"{\"process\": \"gbm\", \"start\": 1.14, \"volatility\": -0.1}",
     ".volatility: volatility must be at least 0 and at most 100"},
    {"{\"process\": \"gbm\", \"start\": 1.14, \"volatility\": 101}",
     ".volatility: volatility must be at least 0 and at most 100"},
    {"{\"process\": \"gbm\", \"start\": 1.14, \"volatility\": 0.8, \"drift\": 100.5}",
     ".drift: drift must be at least -100 and at most 100"},
    {"{\"process\": \"gbm\", \"start\": 1.14, \"volatility\": 0.8, \"drift\": null}",
     ".drift: expected a number, found null"},
    /* step_hours */
    {"{\"process\": \"gbm\", \"start\": 1, \"volatility\": 0.8, \"step_hours\": 0}",
     ".step_hours: step_hours must be at least 1/60 (a minute) and at most 8760 (a year)"},
    {"{\"process\": \"gbm\", \"start\": 1, \"volatility\": 0.8, \"step_hours\": 0.01}",
     ".step_hours: step_hours must be at least 1/60 (a minute) and at most 8760 (a year)"},
    {"{\"process\": \"csv\", \"file\": \"a.csv\", \"step_hours\": 8761}",
     ".step_hours: step_hours must be at least 1/60 (a minute) and at most 8760 (a year)"},
    {"{\"process\": \"gbm\", \"start\": 1, \"volatility\": 0.8, \"step_hours\": \"1\"}",
     ".step_hours: expected a number, found a string"},
    /* jump */
    {"{\"process\": \"jump\", \"start\": 1, \"volatility\": 0.6, \"jump_mean\": 0, "
     "\"jump_sd\": 0.1}",
     ".jumps_per_year: required key is missing"},
    {"{\"process\": \"jump\", \"start\": 1, \"volatility\": 0.6, \"jumps_per_year\": -1, "
     "\"jump_mean\": 0, \"jump_sd\": 0.1}",
     ".jumps_per_year: jumps_per_year must not be negative"},
    {"{\"process\": \"jump\", \"start\": 1, \"volatility\": 0.6, \"jumps_per_year\": 1e6, "
     "\"jump_mean\": 0, \"jump_sd\": 0.1}",
     ".jumps_per_year: jumps_per_year x step_hours / 8760 must be at most 100 (jumps per step "
     "on average)"},
    {"{\"process\": \"jump\", \"start\": 1, \"volatility\": 0.6, \"jumps_per_year\": 4, "
     "\"jump_sd\": 0.1}",
     ".jump_mean: required key is missing"},
    {"{\"process\": \"jump\", \"start\": 1, \"volatility\": 0.6, \"jumps_per_year\": 4, "
     "\"jump_mean\": -11, \"jump_sd\": 0.1}",
     ".jump_mean: jump_mean must be at least -10 and at most 10"},
    {"{\"process\": \"jump\", \"start\": 1, \"volatility\": 0.6, \"jumps_per_year\": 4, "
     "\"jump_mean\": 0}",
     ".jump_sd: required key is missing"},
    {"{\"process\": \"jump\", \"start\": 1, \"volatility\": 0.6, \"jumps_per_year\": 4, "
     "\"jump_mean\": 0, \"jump_sd\": -0.1}",
     ".jump_sd: jump_sd must be at least 0 and at most 10"},
    {"{\"process\": \"jump\", \"start\": 1, \"volatility\": 0.6, \"jumps_per_year\": 4, "
     "\"jump_mean\": 0, \"jump_sd\": 0.1, \"jump_men\": 1}",
     ".jump_men: unknown key (did you mean \"jump_mean\"?)"},
    /* regime */
    {"{\"process\": \"regime\", \"start\": 1}", ".regimes: required key is missing"},
    {"{\"process\": \"regime\", \"start\": 1, \"regimes\": {}}",
     ".regimes: expected a list, found an object"},
    {"{\"process\": \"regime\", \"start\": 1, \"regimes\": []}",
     ".regimes: expected 1 to 8 regimes, found 0"},
    {"{\"process\": \"regime\", \"start\": 1, \"regimes\": [1]}",
     ".regimes[0]: expected an object, found a number"},
    {"{\"process\": \"regime\", \"start\": 1, \"regimes\": [{\"volatility\": 1, "
     "\"mean_days\": 1}]}",
     ".regimes[0].name: required key is missing"},
    {"{\"process\": \"regime\", \"start\": 1, \"regimes\": [{\"name\": 1, \"volatility\": 1, "
     "\"mean_days\": 1}]}",
     ".regimes[0].name: expected a string, found a number"},
    {"{\"process\": \"regime\", \"start\": 1, \"regimes\": [{\"name\": \"\", \"volatility\": 1, "
     "\"mean_days\": 1}]}",
     ".regimes[0].name: a regime's name must have 1 to 32 characters"},
    {"{\"process\": \"regime\", \"start\": 1, \"regimes\": [{\"name\": "
     "\"abcdefghijklmnopqrstuvwxyz0123456\", \"volatility\": 1, \"mean_days\": 1}]}",
     ".regimes[0].name: a regime's name must have 1 to 32 characters"},
    {"{\"process\": \"regime\", \"start\": 1, \"regimes\": ["
     "{\"name\": \"bull\", \"volatility\": 1, \"mean_days\": 1},"
     "{\"name\": \"bull\", \"volatility\": 1, \"mean_days\": 1}]}",
     ".regimes[1].name: regime \"bull\" is named twice"},
    {"{\"process\": \"regime\", \"start\": 1, \"regimes\": [{\"name\": \"a\", "
     "\"mean_days\": 1}]}",
     ".regimes[0].volatility: required key is missing"},
    {"{\"process\": \"regime\", \"start\": 1, \"regimes\": [{\"name\": \"a\", "
     "\"volatility\": 1}]}",
     ".regimes[0].mean_days: required key is missing"},
    {"{\"process\": \"regime\", \"start\": 1, \"regimes\": [{\"name\": \"a\", "
     "\"volatility\": 1, \"mean_days\": 0}]}",
     ".regimes[0].mean_days: mean_days must be more than 0 and at most 36500"},
    {"{\"process\": \"regime\", \"start\": 1, \"regimes\": [{\"name\": \"a\", "
     "\"volatility\": 1, \"mean_days\": 1, \"drift\": -200}]}",
     ".regimes[0].drift: drift must be at least -100 and at most 100"},
    {"{\"process\": \"regime\", \"start\": 1, \"regimes\": [{\"name\": \"a\", "
     "\"volatility\": 1, \"mean_day\": 1}]}",
     ".regimes[0].mean_day: unknown key (did you mean \"mean_days\"?)"},
    /* csv (file errors: csv_paths) */
    {"{\"process\": \"csv\"}", ".file: required key is missing"},
    {"{\"process\": \"csv\", \"file\": \"a.csv\", \"interpolate\": \"cubic\"}",
     ".interpolate: unknown interpolation \"cubic\" (known: step, linear)"},
    {"{\"process\": \"csv\", \"file\": \"\"}", ".file: expected a file name, found an empty "
                                             "string"},
};

START_TEST(reader_errors)
{
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ak_price_spec s, before;
        memset(&s, 0x5a, sizeof s);
        before = s;
        char err[1024], want[1024];
        ck_assert_msg(!try_read_in(bad[i].json, "nowhere/s.json", &s, err), "%s accepted",
                      bad[i].json);
        snprintf(want, sizeof want, "test: t.json: $.akt_usd%s", bad[i].err);
        ck_assert_msg(strcmp(err, want) == 0, "%s:\n  got  %s\n  want %s", bad[i].json, err,
                      want);
        ck_assert(memcmp(&s, &before, sizeof s) == 0); /* untouched */
    }
    /* nine regimes */
    char json[4096];
    size_t len = (size_t)sprintf(json, "{\"process\": \"regime\", \"start\": 1, \"regimes\": [");
    for (int i = 0; i < 9; i++)
        len += (size_t)sprintf(json + len, "%s{\"name\": \"r%d\", \"volatility\": 1, "
                               "\"mean_days\": 1}", i ? ", " : "", i);
    sprintf(json + len, "]}");
    ak_price_spec s;
    char err[1024];
    ck_assert(!try_read_in(json, NULL, &s, err));
    ck_assert_str_eq(err, "test: t.json: $.akt_usd.regimes: expected 1 to 8 regimes, found 9");
    /* eight is the limit */
    strcpy(strrchr(json, '{') - 2, "]}");
    s = must_read(json);
    ck_assert_uint_eq(s.nregimes, 8);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("akt_price");
    TCase *tc = tcase_create("akt_price");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, table);
    tcase_add_test(tc, constants);
    tcase_add_test(tc, grid);
    tcase_add_test(tc, gbm_moments);
    tcase_add_test(tc, zero_volatility);
    tcase_add_test(tc, jumps);
    tcase_add_test(tc, regimes);
    tcase_add_test(tc, csv_paths);
    tcase_add_test(tc, draws_fixed);
    tcase_add_test(tc, clamped);
    tcase_add_test(tc, reader_errors);
    suite_add_tcase(s, tc);
    return check_run(s);
}
