/*
 * tests/test_calibrate.c: the calibration comparison (sim/calibrate.h, docs/calibration.md):
 * the gap, the in-range mark and number formatting; the target table itself (every row
 * consistent and sourced); every figure measured on a results database written by the recorder
 * with known rows, against values worked out by hand below; run selection and every error of
 * open and select; the file left byte for byte as it was; the table and JSON output.
 *
 * Every file lives in one temporary directory made before the tests and removed after them.
 */
#define _GNU_SOURCE
#include <check.h>
#include <ftw.h>
#include <limits.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "calibrate.h"
#include "check_run.h"
#include "errors.h"
#include "recorder.h"

#define HOUR_US (3600LL * 1000000)
#define DAY_US (24 * HOUR_US)

/* ---- the temporary directory ------------------------------------------------------------- */

static char g_dir[PATH_MAX];

static void dir_setup(void)
{
    snprintf(g_dir, sizeof g_dir, "/tmp/akashsim-cal-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(g_dir));
}

static int remove_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb, (void)flag, (void)ftw;
    (void)remove(p);
    return 0;
}

static void dir_teardown(void)
{
    (void)nftw(g_dir, remove_one, 16, FTW_PHYS | FTW_DEPTH);
}

/* g_dir/name into buf (PATH_MAX bytes), a name unique to the test. */
static const char *at(char *buf, const char *name)
{
    int n = snprintf(buf, PATH_MAX, "%s/%d-%s", g_dir, (int)getpid(), name);
    ck_assert(n > 0 && n < PATH_MAX);
    return buf;
}

static void raw_exec(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    char *err = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &err);
    ck_assert_msg(rc == SQLITE_OK, "%s: %s", sql, err ? err : "?");
    ck_assert_int_eq(sqlite3_close(db), SQLITE_OK);
}

/* The whole file into a malloc'd buffer; *n its size. */
static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
    long len = ftell(f);
    ck_assert(len >= 0);
    rewind(f);
    char *b = malloc((size_t)len + 1);
    ck_assert_ptr_nonnull(b);
    ck_assert_uint_eq(fread(b, 1, (size_t)len, f), (size_t)len);
    fclose(f);
    *n = (size_t)len;
    return b;
}

/* ---- the pure parts ---------------------------------------------------------------------- */

START_TEST(gap_is_relative_and_signed)
{
    ck_assert_double_eq_tol(ak_cal_gap(110, 100), 0.1, 1e-15);
    ck_assert_double_eq_tol(ak_cal_gap(90, 100), -0.1, 1e-15);
    ck_assert_double_eq(ak_cal_gap(0.5, 0.5), 0);
    ck_assert_double_eq_tol(ak_cal_gap(6815, 253000 / (365.25 / 4)), 1.4596, 1e-4);
    ck_assert(isnan(ak_cal_gap(NAN, 100)));
    ck_assert(isnan(ak_cal_gap(5, 0)));
}
END_TEST

START_TEST(inside_as_shown)
{
    ck_assert(ak_cal_inside(58, 58, 60, 0));
    ck_assert(ak_cal_inside(60, 58, 60, 0));
    ck_assert(!ak_cal_inside(61, 58, 60, 0));
    ck_assert(!ak_cal_inside(57, 58, 60, 0));
    /* a take of 1.999995 % reads "2.00", so it is inside "2.00 to 4.00"; 1.994 reads "1.99" */
    ck_assert(ak_cal_inside(1.999995, 2, 4, 2));
    ck_assert(!ak_cal_inside(1.994, 2, 4, 2));
    /* 100 x 0.08 is 8.000000000000002 */
    ck_assert(ak_cal_inside(100 * 0.08, 4, 8, 2));
    ck_assert(!ak_cal_inside(8.006, 4, 8, 2));
    /* bounds are rounded as shown too: 293.6 reads "294" */
    ck_assert(ak_cal_inside(293.5, 293.6, 440.4, 0));
    ck_assert(!ak_cal_inside(293.4, 293.6, 440.4, 0));
    ck_assert(!ak_cal_inside(NAN, 0, 1, 2));
    ck_assert(!ak_cal_inside(INFINITY, 0, INFINITY, 2));
    /* decimals out of 0..9 are clamped */
    ck_assert(ak_cal_inside(2.4, 1, 2, -3));
    ck_assert(ak_cal_inside(2.0000000001, 1, 2, 40)); /* 9 decimals: "2.000000000" */
    ck_assert(!ak_cal_inside(2.000000002, 1, 2, 40));
}
END_TEST

START_TEST(figure_set_fills_gap_and_mark)
{
    const ak_cal_target t = {.name = "x", .figure = "x", .unit = "u", .point = 100, .low = 80,
                             .high = 120, .decimals = 1, .sql = "SELECT ?1", .sources = {1}};
    ak_cal_figure f;
    ak_cal_figure_set(&f, &t, 130);
    ck_assert_ptr_eq(f.target, &t);
    ck_assert_double_eq(f.simulated, 130);
    ck_assert_double_eq_tol(f.gap, 0.3, 1e-15);
    ck_assert(!f.inside);
    ak_cal_figure_set(&f, &t, 80);
    ck_assert(f.inside);
    ck_assert_double_eq_tol(f.gap, -0.2, 1e-15);
    ak_cal_figure_set(&f, &t, NAN);
    ck_assert(isnan(f.simulated) && isnan(f.gap) && !f.inside);
}
END_TEST

static void fmt_is(double v, int decimals, const char *want)
{
    char b[64];
    int n = ak_cal_format(b, sizeof b, v, decimals);
    ck_assert_msg(strcmp(b, want) == 0, "%.17g with %d decimals: '%s', expected '%s'", v,
                  decimals, b, want);
    ck_assert_int_eq(n, (int)strlen(want));
}

START_TEST(format_groups_digits)
{
    fmt_is(0, 0, "0");
    fmt_is(999, 0, "999");
    fmt_is(1000, 0, "1,000");
    fmt_is(15000, 0, "15,000");
    fmt_is(10929.929, 0, "10,930");
    fmt_is(1234567.891, 2, "1,234,567.89");
    fmt_is(123456, 1, "123,456.0");
    fmt_is(-1234.5, 1, "-1,234.5");
    fmt_is(-999999, 0, "-999,999");
    fmt_is(0.5, 3, "0.500");
    fmt_is(-0.001, 2, "0.00"); /* no "-0.00" */
    fmt_is(-0.4, 0, "0");
    fmt_is(NAN, 2, "n/a");
    fmt_is(INFINITY, 2, "n/a");
    fmt_is(2.5, -1, "2");   /* clamped to 0 decimals; printf rounds half to even */
    fmt_is(1.0 / 3, 12, "0.333333333"); /* clamped to 9 */
    char big[512];
    int n = ak_cal_format(big, sizeof big, 1e300, 0);
    ck_assert_int_eq(n, 301 + 100); /* 301 digits and 100 commas */
    ck_assert_int_eq(big[0], '1');
    ck_assert_int_eq(big[1], ',');
    /* a short buffer is truncated and terminated; the full length is returned */
    char small[4];
    ck_assert_int_eq(ak_cal_format(small, sizeof small, 15000, 0), 6);
    ck_assert_str_eq(small, "15,");
}
END_TEST

/* Every target is consistent and sourced, and every source is cited. */
START_TEST(target_table_is_consistent)
{
    ck_assert_uint_ge(ak_cal_ntargets, 10);
    bool cited[64] = {false};
    ck_assert_uint_lt(ak_cal_nsources, sizeof cited / sizeof cited[0]);
    for (size_t i = 0; i < ak_cal_ntargets; i++) {
        const ak_cal_target *t = &ak_cal_targets[i];
        ck_assert_msg(t->name && t->figure && t->unit && t->basis && t->how && t->sql,
                      "target %zu has a NULL field", i);
        for (const char *c = t->name; *c; c++)
            ck_assert_msg((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_',
                          "%s: not snake_case", t->name);
        for (size_t j = 0; j < i; j++) {
            ck_assert_str_ne(t->name, ak_cal_targets[j].name);
            ck_assert_str_ne(t->figure, ak_cal_targets[j].figure);
        }
        ck_assert_msg(t->point > 0 && t->low <= t->point && t->point <= t->high &&
                          t->low < t->high,
                      "%s: point %g, range %g to %g", t->name, t->point, t->low, t->high);
        ck_assert_msg(t->decimals >= 0 && t->decimals <= 9, "%s: decimals", t->name);
        ck_assert_msg(strlen(t->figure) <= 24 && strlen(t->unit) <= 12, "%s: too wide", t->name);
        ck_assert_msg(strstr(t->sql, "?1") != NULL, "%s: the query ignores the run", t->name);
        ck_assert_msg(t->sources[0] != 0, "%s: no source", t->name);
        for (int k = 0; k < AK_CAL_MAX_SOURCES && t->sources[k]; k++) {
            ck_assert_uint_le(t->sources[k], ak_cal_nsources);
            cited[t->sources[k]] = true;
        }
    }
    for (size_t s = 0; s < ak_cal_nsources; s++) {
        const ak_cal_source *c = &ak_cal_sources[s];
        ck_assert_msg(cited[s + 1], "source %zu is cited by no target", s + 1);
        ck_assert_msg(c->section && c->metric && c->value && c->date && c->source,
                      "source %zu has a NULL field", s + 1);
        ck_assert_msg(strncmp(c->section, "4.", 2) == 0, "source %zu: %s", s + 1, c->section);
        ck_assert_msg(strstr(c->source, "https://") != NULL, "source %zu has no address", s + 1);
    }
}
END_TEST

/* ---- a results database with known rows -------------------------------------------------- */

static ak_rec_run_info info(const char *name, uint64_t seed)
{
    return (ak_rec_run_info){.scenario_name = name, .scenario_json = "{}", .seed = seed,
                             .point = -1, .rules = "akash-v1", .version = "test",
                             .started_unix = 1700000000};
}

static ak_rec_lease lease(const char *id, const char *provider, int64_t gpus, double usd_month,
                          int64_t created_us, int64_t closed_us)
{
    return (ak_rec_lease){.lease_id = id, .tenant = "t1", .provider = provider, .kind = "k",
                          .created_us = created_us, .created_height = 1, .closed_us = closed_us,
                          .closed_height = closed_us < 0 ? -1 : 2,
                          .close_reason = closed_us < 0 ? NULL : "owner", .denom = "uakt",
                          .price_per_block = 1, .price_usd_month = usd_month,
                          .cpu_millis = 1000, .memory_bytes = 1, .storage_bytes = 1,
                          .gpus = gpus};
}

static ak_rec_provider provider(const char *name, const char *model, int64_t cpu_millis,
                                double mem_tb, double storage_tb, int64_t gpus, int64_t exited)
{
    return (ak_rec_provider){.provider = name, .region = "us-west", .gpu_model = model,
                             .cpu_millis = cpu_millis, .memory_bytes = (int64_t)(mem_tb * 1e12),
                             .storage_bytes = (int64_t)(storage_tb * 1e12), .gpus = gpus,
                             .entered_us = -1, .exited_us = exited};
}

static ak_rec_metrics sample(int64_t t_us)
{
    ak_rec_metrics m;
    memset(&m, 0, sizeof m);
    m.t_us = t_us;
    m.cpu_util = m.mem_util = m.gpu_util = NAN;
    m.price_cpu_month_mean_usd = m.price_cpu_month_median_usd = NAN;
    m.price_gpu_hour_mean_usd = m.price_gpu_hour_median_usd = NAN;
    m.bonded_ratio = m.staking_apr = NAN;
    return m;
}

/*
 * Run 1 (complete, seed 11): one day in two samples.
 *   sample 12 h: 3 providers, GPU util 0.5, AKT $0.40, 10 leases, spend $100, take 20 of 1000
 *                uakt and 200 of 1000 uusdc, supply 300 M AKT, inflation 7 %, 90 bonded
 *                validators
 *   sample 24 h: 4 providers, GPU util 0.7, AKT $0.60, 20 leases, spend $200, take 30 of 1500
 *                uakt and 100 of 500 uusdc, supply 301 M AKT, inflation 5 %, 95 bonded
 *                validators
 *   providers: h1 (H100, 8 GPUs, 64 CPUs, 0.5 TB memory, 2 TB storage), a1 (A100, 4 GPUs,
 *   32 CPUs, 0.25 TB, 1 TB), c1 (16 CPUs, 0.1 TB, 0.5 TB), and gone (100 GPUs, exited).
 *   leases (USD/month = GPU-hour price x GPUs x 730.5):
 *     on h1: 1 GPU at $1/h over [0, 12 h]; 2 at $2/h from 6 h, open; 1 at $3/h over [0, 24 h];
 *            4 at $4/h over [18 h, 24 h]
 *     on a1: 1 GPU at $2/h from 0, open;  on c1: a CPU lease;  on gone: 100 GPUs at $9/h.
 * Run 2: failed.  Run 3: complete, no leases and no GPUs, one sample at 6 h.  Run 4: running.
 *
 * Run 1 by hand: providers 4; GPUs 8 + 4 + 0 = 12; GPUs leased (GPU-days over one day)
 * 1 x 0.5 + 2 x 0.75 + 1 x 1 + 4 x 0.25 + 1 x 1 + 100 x 1 = 105; GPU util 60 %; vCPUs 112;
 * memory 0.85 TB; storage 3.5 TB; 30 leases a day; $300 a day; take 50 / 2500 = 2 % on AKT
 * and 300 / 1500 = 20 % on USDC;
 * H100 median of 1, 2, 3, 4 and 9 (the provider that left; its lease counts) = 3; A100 2;
 * AKT $0.50; supply 301 M; inflation 5 %; 95 bonded.
 */
static void make_db(const char *path)
{
    ak_rec *rec;
    char why[256];
    ck_assert_int_eq(ak_rec_open(path, &rec, why, sizeof why), 0);
    ak_rec_run_info i1 = info("known", 11);
    ck_assert_int_eq(ak_rec_begin_run(rec, &i1, NULL), 0);
    ak_rec_metrics m = sample(12 * HOUR_US);
    m.active_providers = 3, m.gpu_util = 0.5, m.akt_usd = 0.4, m.leases_created = 10;
    m.tenant_spend_usd = 100, m.take_uakt = 20, m.provider_income_uakt = 980;
    m.take_uusdc = 200, m.provider_income_uusdc = 800;
    m.total_supply_uakt = 300000000000000, m.inflation = 0.07, m.bonded_validators = 90;
    ck_assert_int_eq(ak_rec_write_metrics(rec, &m), 0);
    m = sample(DAY_US);
    m.active_providers = 4, m.gpu_util = 0.7, m.akt_usd = 0.6, m.leases_created = 20;
    m.tenant_spend_usd = 200, m.take_uakt = 30, m.provider_income_uakt = 1470;
    m.take_uusdc = 100, m.provider_income_uusdc = 400;
    m.total_supply_uakt = 301000000000000, m.inflation = 0.05, m.bonded_validators = 95;
    ck_assert_int_eq(ak_rec_write_metrics(rec, &m), 0);
    ak_rec_provider ps[] = {
        provider("h1", "h100", 64000, 0.5, 2, 8, -1),
        provider("a1", "A100", 32000, 0.25, 1, 4, -1), /* the model matches in any case */
        provider("c1", NULL, 16000, 0.1, 0.5, 0, -1),
        provider("gone", "h100", 8000, 1, 1, 100, 6 * HOUR_US),
    };
    for (size_t k = 0; k < sizeof ps / sizeof ps[0]; k++)
        ck_assert_int_eq(ak_rec_write_provider(rec, &ps[k]), 0);
    ak_rec_lease ls[] = {
        lease("t1/1/1/1/h1", "h1", 1, 1 * 1 * 730.5, 0, 12 * HOUR_US),
        lease("t1/2/1/1/h1", "h1", 2, 2 * 2 * 730.5, 6 * HOUR_US, -1),
        lease("t1/3/1/1/h1", "h1", 1, 3 * 1 * 730.5, 0, DAY_US),
        lease("t1/4/1/1/h1", "h1", 4, 4 * 4 * 730.5, 18 * HOUR_US, DAY_US),
        lease("t1/5/1/1/a1", "a1", 1, 2 * 1 * 730.5, 0, -1),
        lease("t1/6/1/1/c1", "c1", 0, 50, 0, -1),
        lease("t1/7/1/1/gone", "gone", 100, 9 * 100 * 730.5, 0, -1),
    };
    for (size_t k = 0; k < sizeof ls / sizeof ls[0]; k++)
        ck_assert_int_eq(ak_rec_write_lease(rec, &ls[k]), 0);
    ck_assert_int_eq(ak_rec_end_run(rec, true, NULL, 1.0, 100, 100), 0);

    ak_rec_run_info i2 = info("broken", 12);
    ck_assert_int_eq(ak_rec_begin_run(rec, &i2, NULL), 0);
    ck_assert_int_eq(ak_rec_end_run(rec, false, "invariant broken: test", 1.0, 1, 1), 0);

    /* a run whose leases must not leak into run 1's figures */
    ak_rec_run_info i3 = info("empty", UINT64_MAX);
    ck_assert_int_eq(ak_rec_begin_run(rec, &i3, NULL), 0);
    m = sample(6 * HOUR_US);
    m.active_providers = 1;
    ck_assert_int_eq(ak_rec_write_metrics(rec, &m), 0);
    ak_rec_provider p3 = provider("h1", NULL, 1000, 0.001, 0.001, 0, -1);
    ck_assert_int_eq(ak_rec_write_provider(rec, &p3), 0);
    ck_assert_int_eq(ak_rec_end_run(rec, true, NULL, 1.0, 1, 1), 0);

    ak_rec_run_info i4 = info("unfinished", 14);
    ck_assert_int_eq(ak_rec_begin_run(rec, &i4, NULL), 0);
    ck_assert_int_eq(ak_rec_close(rec), 0); /* stays 'running' */
}

/* The figure called name in figs. */
static const ak_cal_figure *fig(const ak_cal_figure *figs, const char *name)
{
    for (size_t i = 0; i < ak_cal_ntargets; i++)
        if (strcmp(figs[i].target->name, name) == 0)
            return &figs[i];
    ck_abort_msg("no figure %s", name);
    return NULL;
}

static void fig_is(const ak_cal_figure *figs, const char *name, double want)
{
    const ak_cal_figure *f = fig(figs, name);
    ck_assert_msg(fabs(f->simulated - want) <= 1e-9 * fmax(1, fabs(want)),
                  "%s = %.17g, expected %.17g", name, f->simulated, want);
    ck_assert_double_eq_tol(f->gap, (want - f->target->point) / f->target->point, 1e-9);
}

START_TEST(measures_known_run)
{
    char path[PATH_MAX];
    make_db(at(path, "known.db"));
    ak_cal *cal;
    char why[256];
    ck_assert_int_eq(ak_cal_open(path, &cal, why, sizeof why), 0);
    ck_assert_str_eq(ak_cal_errmsg(cal), "");
    ak_cal_run run;
    ck_assert_int_eq(ak_cal_select_run(cal, 1, &run), 0);
    ck_assert_int_eq(run.run_id, 1);
    ck_assert_str_eq(run.scenario, "known");
    ck_assert_str_eq(run.rules, "akash-v1");
    ck_assert_uint_eq(run.seed, 11);
    ck_assert_double_eq(run.days, 1);
    ak_cal_figure figs[64];
    ck_assert_uint_le(ak_cal_ntargets, 64);
    ck_assert_int_eq(ak_cal_measure(cal, 1, figs), 0);
    for (size_t i = 0; i < ak_cal_ntargets; i++)
        ck_assert_ptr_eq(figs[i].target, &ak_cal_targets[i]);
    fig_is(figs, "active_providers", 4);
    fig_is(figs, "gpus", 12);
    fig_is(figs, "gpus_leased", 105);
    fig_is(figs, "gpu_util", 60);
    fig_is(figs, "vcpus", 112);
    fig_is(figs, "memory_tb", 0.85);
    fig_is(figs, "storage_tb", 3.5);
    fig_is(figs, "leases_per_day", 30);
    fig_is(figs, "revenue_usd_per_day", 300);
    fig_is(figs, "take_akt", 2);
    fig_is(figs, "take_usdc", 20);
    fig_is(figs, "h100_usd_gpu_hour", 3);
    fig_is(figs, "a100_usd_gpu_hour", 2);
    fig_is(figs, "akt_usd", 0.5);
    fig_is(figs, "total_supply_makt", 301);
    fig_is(figs, "inflation", 5);
    fig_is(figs, "bonded_validators", 95);
    ck_assert(fig(figs, "take_akt")->inside);
    ck_assert(fig(figs, "take_usdc")->inside);
    ck_assert(!fig(figs, "gpus")->inside);
    ck_assert(fig(figs, "akt_usd")->inside);

    /* run 3: no leases, no GPUs; the seed above 2^63-1 comes back whole */
    ck_assert_int_eq(ak_cal_select_run(cal, 3, &run), 0);
    ck_assert_uint_eq(run.seed, UINT64_MAX);
    ck_assert_double_eq(run.days, 0.25);
    ck_assert_int_eq(ak_cal_measure(cal, 3, figs), 0);
    fig_is(figs, "active_providers", 1);
    fig_is(figs, "gpus", 0);
    fig_is(figs, "gpus_leased", 0);
    fig_is(figs, "leases_per_day", 0);
    ck_assert(isnan(fig(figs, "gpu_util")->simulated));
    ck_assert(isnan(fig(figs, "take_akt")->simulated)); /* nothing paid: no share */
    ck_assert(isnan(fig(figs, "take_usdc")->simulated));
    ck_assert(isnan(fig(figs, "h100_usd_gpu_hour")->simulated));
    ck_assert(isnan(fig(figs, "a100_usd_gpu_hour")->simulated));
    ck_assert(isnan(fig(figs, "gpu_util")->gap) && !fig(figs, "gpu_util")->inside);
    ak_cal_close(cal);
}
END_TEST

START_TEST(selects_runs)
{
    char path[PATH_MAX];
    make_db(at(path, "select.db"));
    ak_cal *cal;
    ck_assert_int_eq(ak_cal_open(path, &cal, NULL, 0), 0);
    ak_cal_run run;
    memset(&run, 0x5a, sizeof run);
    /* the default is the complete run with the highest id: 3 (4 is running) */
    ck_assert_int_eq(ak_cal_select_run(cal, 0, &run), 0);
    ck_assert_int_eq(run.run_id, 3);
    ck_assert_str_eq(run.scenario, "empty");

    ak_cal_run kept = run;
    char want[PATH_MAX + 64];
    ck_assert_int_eq(ak_cal_select_run(cal, 2, &run), AK_EINVAL);
    snprintf(want, sizeof want, "%s: run 2 is not complete (its status is failed)", path);
    ck_assert_str_eq(ak_cal_errmsg(cal), want);
    ck_assert_int_eq(ak_cal_select_run(cal, 4, &run), AK_EINVAL);
    snprintf(want, sizeof want, "%s: run 4 is not complete (its status is running)", path);
    ck_assert_str_eq(ak_cal_errmsg(cal), want);
    ck_assert_int_eq(ak_cal_select_run(cal, 5, &run), AK_EINVAL);
    snprintf(want, sizeof want, "%s: no run 5", path);
    ck_assert_str_eq(ak_cal_errmsg(cal), want);
    ck_assert(memcmp(&run, &kept, sizeof run) == 0); /* untouched on failure */

    ck_assert_int_eq(ak_cal_select_run(cal, -1, &run), AK_EINVAL);
    ck_assert_int_eq(ak_cal_select_run(cal, 1, NULL), AK_EINVAL);
    ck_assert_int_eq(ak_cal_select_run(NULL, 1, &run), AK_EINVAL);
    ck_assert_int_eq(ak_cal_measure(cal, 0, (ak_cal_figure[1]){{0}}), AK_EINVAL);
    ck_assert_int_eq(ak_cal_measure(cal, 1, NULL), AK_EINVAL);
    ck_assert_int_eq(ak_cal_measure(NULL, 1, (ak_cal_figure[1]){{0}}), AK_EINVAL);
    ak_cal_close(cal);

    /* no complete run at all */
    raw_exec(path, "UPDATE runs SET status = 'failed' WHERE status = 'complete'");
    ck_assert_int_eq(ak_cal_open(path, &cal, NULL, 0), 0);
    ck_assert_int_eq(ak_cal_select_run(cal, 0, &run), AK_EINVAL);
    snprintf(want, sizeof want, "%s: no complete run", path);
    ck_assert_str_eq(ak_cal_errmsg(cal), want);
    ak_cal_close(cal);
    ak_cal_close(NULL);
}
END_TEST

/* open must fail with status and the message "path: what". */
static void open_fails(const char *path, int status, const char *what)
{
    ak_cal *cal = (ak_cal *)1;
    char why[PATH_MAX + 200], want[PATH_MAX + 200];
    ck_assert_int_eq(ak_cal_open(path, &cal, why, sizeof why), status);
    ck_assert_ptr_null(cal);
    snprintf(want, sizeof want, "%s: %s", path, what);
    ck_assert_str_eq(why, want);
}

START_TEST(open_refuses_what_is_not_a_results_database)
{
    char path[PATH_MAX];
    open_fails(at(path, "absent.db"), AK_EIO, "cannot open: No such file or directory");
    ck_assert_int_ne(access(path, F_OK), 0); /* not created */
    open_fails(g_dir, AK_EIO, "cannot open: Is a directory");

    FILE *f = fopen(at(path, "text.db"), "w");
    ck_assert_ptr_nonnull(f);
    fputs("not a database, and long enough to have a header that sqlite reads", f);
    fclose(f);
    open_fails(path, AK_EIO, "file is not a database");

    f = fopen(at(path, "empty.db"), "w");
    ck_assert_ptr_nonnull(f);
    fclose(f);
    open_fails(path, AK_EIO, "not an akashsim results database (no runs table)");

    raw_exec(at(path, "other.db"), "CREATE TABLE t (x INTEGER)");
    open_fails(path, AK_EIO, "not an akashsim results database (no runs table)");

    raw_exec(at(path, "nometa.db"), "CREATE TABLE runs (run_id INTEGER)");
    open_fails(path, AK_EIO, "not an akashsim results database (no meta table)");

    make_db(at(path, "v7.db"));
    raw_exec(path, "UPDATE meta SET value = '7' WHERE key = 'schema_version'");
    open_fails(path, AK_EIO, "schema version 7, this akashsim reads 2");
    raw_exec(path, "DELETE FROM meta");
    open_fails(path, AK_EIO, "no schema version in table meta, this akashsim reads 2");

    ak_cal *cal;
    ck_assert_int_eq(ak_cal_open(NULL, &cal, NULL, 0), AK_EINVAL);
    ck_assert_int_eq(ak_cal_open(path, NULL, NULL, 0), AK_EINVAL);
    ck_assert_str_eq(ak_cal_errmsg(NULL), "no database");
}
END_TEST

/* A file of this schema version written before a column was added: that figure reads n/a,
 * the others are measured. */
START_TEST(missing_column_reads_na)
{
    char path[PATH_MAX];
    make_db(at(path, "nocol.db"));
    raw_exec(path, "ALTER TABLE metrics DROP COLUMN take_uusdc");
    ak_cal *cal;
    ck_assert_int_eq(ak_cal_open(path, &cal, NULL, 0), 0);
    ak_cal_figure figs[64];
    ck_assert_int_eq(ak_cal_measure(cal, 1, figs), 0);
    ck_assert_str_eq(ak_cal_errmsg(cal), "");
    ck_assert(isnan(fig(figs, "take_usdc")->simulated));
    fig_is(figs, "take_akt", 2);
    fig_is(figs, "bonded_validators", 95);
    ak_cal_close(cal);
}
END_TEST

/* Any other failed query names the file and SQLite's reason. */
START_TEST(measure_reports_a_failed_query)
{
    char path[PATH_MAX];
    make_db(at(path, "notable.db"));
    raw_exec(path, "DROP TABLE metrics");
    ak_cal *cal;
    ck_assert_int_eq(ak_cal_open(path, &cal, NULL, 0), 0);
    ak_cal_figure figs[64];
    ck_assert_int_eq(ak_cal_measure(cal, 1, figs), AK_EIO);
    char want[PATH_MAX + 64];
    snprintf(want, sizeof want, "%s: no such table: metrics", path);
    ck_assert_str_eq(ak_cal_errmsg(cal), want);
    ak_cal_close(cal);
}
END_TEST

START_TEST(reading_changes_nothing)
{
    char path[PATH_MAX];
    make_db(at(path, "same.db"));
    size_t n0, n1;
    char *before = slurp(path, &n0);
    ak_cal *cal;
    ck_assert_int_eq(ak_cal_open(path, &cal, NULL, 0), 0);
    ak_cal_run run;
    ak_cal_figure figs[64];
    ck_assert_int_eq(ak_cal_select_run(cal, 0, &run), 0);
    ck_assert_int_eq(ak_cal_measure(cal, 1, figs), 0);
    ak_cal_close(cal);
    char *after = slurp(path, &n1);
    ck_assert_uint_eq(n0, n1);
    ck_assert(memcmp(before, after, n0) == 0);
    free(before);
    free(after);
    /* whatever WAL file a reader leaves holds nothing */
    char wal[PATH_MAX + 8];
    snprintf(wal, sizeof wal, "%s-wal", path);
    struct stat sb;
    if (stat(wal, &sb) == 0)
        ck_assert_int_eq(sb.st_size, 0);
}
END_TEST

/* text contains needle; else both go to stderr (too long for a Check message). */
static void has(const char *text, const char *needle)
{
    if (!strstr(text, needle)) {
        fprintf(stderr, "---- expected:\n%s\n---- in:\n%s\n", needle, text);
        ck_abort_msg("output lacks an expected text (on stderr)");
    }
}

/* The output of f(figs) into a malloc'd string. */
static char *print_to_string(const char *path, const ak_cal_run *run, const ak_cal_figure *figs,
                             bool json)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ck_assert_ptr_nonnull(f);
    int rc = json ? ak_cal_print_json(f, figs, ak_cal_ntargets)
                  : ak_cal_print(f, path, run, figs, ak_cal_ntargets);
    ck_assert_int_eq(rc, 0);
    fclose(f);
    return buf;
}

START_TEST(prints_table_and_json)
{
    char path[PATH_MAX];
    make_db(at(path, "print.db"));
    ak_cal *cal;
    ck_assert_int_eq(ak_cal_open(path, &cal, NULL, 0), 0);
    ak_cal_run run;
    ak_cal_figure figs[64];
    ck_assert_int_eq(ak_cal_select_run(cal, 1, &run), 0);
    ck_assert_int_eq(ak_cal_measure(cal, 1, figs), 0);
    ak_cal_close(cal);

    char *t = print_to_string("x.db", &run, figs, false);
    has(t, "x.db, run 1: known, seed 11, 1.0 simulated days, rules akash-v1\n\n");
    ck_assert_ptr_eq(strstr(t, "x.db, run 1"), t);
    /* one line per figure: 4 providers against 58 is -93.1 %, outside 58 to 60 */
    has(t, "active providers (end)   providers            4        58  58 to 60"
           "          -93.1 %  no       1 2\n");
    has(t, "AKT price (mean)         USD/AKT          0.500     0.500  "
           "0.500 to 0.676      0.0 %  yes      11 12\n");
    has(t, "vCPUs (end)              vCPUs              112    15,000  "
           "12,000 to 18,000  -99.3 %  no       2\n");
    size_t lines = 0;
    for (const char *c = t; *c; c++)
        lines += *c == '\n';
    /* header, blank, column names, figures, blank, two notes, one line per source */
    ck_assert_uint_eq(lines, 3 + ak_cal_ntargets + 3 + ak_cal_nsources);
    has(t, "\n  2  4.1 Market activity, \"Capacity snapshot\" (Sep 2026): ~59 active providers");
    free(t);

    /* a figure the run lacks reads n/a */
    ak_cal_figure_set(&figs[0], figs[0].target, NAN);
    t = print_to_string("x.db", &run, figs, false);
    has(t, "active providers (end)   providers          n/a        58  58 to 60"
           "              n/a  n/a      1 2\n");
    free(t);

    char *j = print_to_string("x.db", &run, figs, true);
    ck_assert_int_eq(j[0], '[');
    has(j, "\"name\": \"active_providers\",\n    \"figure\": \"active providers "
           "(end)\",\n    \"unit\": \"providers\",\n    \"simulated\": null,\n"
           "    \"target\": 58,\n    \"low\": 58,\n    \"high\": 60,\n"
           "    \"gap_pct\": null,\n    \"inside\": null,");
    has(j, "\"name\": \"take_akt\",\n    \"figure\": \"take on AKT leases\",\n"
           "    \"unit\": \"%\",\n    \"simulated\": 2,\n"
           "    \"target\": 2,\n    \"low\": 2,\n    \"high\": 4,\n"
           "    \"gap_pct\": 0,\n    \"inside\": true,");
    has(j, "{\"section\": \"4.3 Token, staking and protocol parameters\", \"metric\": "
           "\"AKT price\"");
    free(j);

    /* a stream that cannot be written */
    FILE *ro = fopen("/dev/null", "r");
    ck_assert_ptr_nonnull(ro);
    ck_assert_int_eq(ak_cal_print(ro, "x.db", &run, figs, ak_cal_ntargets), AK_EIO);
    clearerr(ro);
    ck_assert_int_eq(ak_cal_print_json(ro, figs, ak_cal_ntargets), AK_EIO);
    fclose(ro);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("calibrate");
    TCase *tc = tcase_create("calibrate");
    tcase_add_unchecked_fixture(tc, dir_setup, dir_teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, gap_is_relative_and_signed);
    tcase_add_test(tc, inside_as_shown);
    tcase_add_test(tc, figure_set_fills_gap_and_mark);
    tcase_add_test(tc, format_groups_digits);
    tcase_add_test(tc, target_table_is_consistent);
    tcase_add_test(tc, measures_known_run);
    tcase_add_test(tc, selects_runs);
    tcase_add_test(tc, open_refuses_what_is_not_a_results_database);
    tcase_add_test(tc, missing_column_reads_na);
    tcase_add_test(tc, measure_reports_a_failed_query);
    tcase_add_test(tc, reading_changes_nothing);
    tcase_add_test(tc, prints_table_and_json);
    suite_add_tcase(s, tc);
    return check_run(s);
}
