/*
 * tests/test_experiment.c: running, merging and summarizing sweeps (sim/experiment.h,
 * docs/sweeps.md): the same rows at any thread count and from any shard layout merged, a failed
 * run recorded with its message and command while the sweep goes on, resuming, the files a sweep
 * refuses, merge's checks, and the summary and sensitivity tables against formulas computed
 * here from the outcomes table.
 *
 * Sweeps run three simulated days of scenarios/baseline.json (a fraction of a second per run);
 * every file lives in one temporary directory.
 */
#define _GNU_SOURCE
#include <check.h>
#include <ftw.h>
#include <gsl/gsl_cdf.h>
#include <limits.h>
#include <math.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_run.h"
#include "errors.h"
#include "experiment.h"
#include "recorder.h"
#include "sweep.h"

static char g_dir[PATH_MAX];
static char g_base[PATH_MAX]; /* scenarios/baseline.json, absolute */

static void dir_setup(void)
{
    snprintf(g_dir, sizeof g_dir, "/tmp/akashsim-exp-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(g_dir));
    ck_assert_ptr_nonnull(realpath("scenarios/baseline.json", g_base));
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

/* g_dir/name, unique per test process (tests fork, and share the directory). */
static const char *at(char *buf, const char *name)
{
    int n = snprintf(buf, PATH_MAX, "%.200s/%ld-%.100s", g_dir, (long)getpid(), name);
    ck_assert(n > 0 && n < PATH_MAX);
    return buf;
}

/* Write a sweep: the common head (base, three days) and `body` (the rest of the object). */
static ak_sweep *sweep_of(const char *name, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static ak_sweep *sweep_of(const char *name, const char *fmt, ...)
{
    char body[4096], path[PATH_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(body, sizeof body, fmt, ap);
    va_end(ap);
    FILE *f = fopen(at(path, name), "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f, "{\"name\": \"%s\", \"base\": \"%s\", \"set\": {\"duration_days\": 3}, %s}", name,
            g_base, body);
    ck_assert_int_eq(fclose(f), 0);
    ak_sweep *sw;
    char why[1100];
    int rc = ak_sweep_load(path, &sw, why, sizeof why);
    ck_assert_msg(rc == 0, "%s", why);
    return sw;
}

#define SMALL                                                                                  \
    "\"parameters\": [{\"path\": \"agents.tenants.arrivals_per_day\", \"name\": \"arrivals\", " \
    "\"values\": [200, 400]}], \"replications\": 3, \"seed\": 7, \"outcomes\": "               \
    "[{\"metric\": \"take_usd\"}, {\"name\": \"util\", \"metric\": \"gpu_util\", "             \
    "\"aggregate\": \"mean\"}]"

static ak_exp_result sweep_ok(const ak_sweep *sw, const char *out, ak_exp_opts o)
{
    ak_exp_result res;
    char why[1100];
    o.quiet = true;
    int rc = ak_exp_sweep(sw, out, &o, &res, why, sizeof why);
    ck_assert_msg(rc == 0, "sweep into %s: %s", out, why);
    return res;
}

static sqlite3 *db_open(const char *path)
{
    sqlite3 *db;
    ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    return db;
}

static int64_t q_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK, "%s: %s", sql,
                  sqlite3_errmsg(db));
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* Every row of a query as one text, for comparing two files. */
static char *dump(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK, "%s: %s", sql,
                  sqlite3_errmsg(db));
    size_t cap = 1 << 16, len = 0;
    char *out = malloc(cap);
    ck_assert_ptr_nonnull(out);
    while (sqlite3_step(st) == SQLITE_ROW) {
        for (int i = 0; i < sqlite3_column_count(st); i++) {
            const char *v = (const char *)sqlite3_column_text(st, i);
            size_t n = v ? strlen(v) : 4;
            while (len + n + 2 > cap) {
                cap *= 2;
                out = realloc(out, cap);
                ck_assert_ptr_nonnull(out);
            }
            memcpy(out + len, v ? v : "NULL", n);
            len += n;
            out[len++] = i + 1 < sqlite3_column_count(st) ? '|' : '\n';
        }
    }
    sqlite3_finalize(st);
    out[len] = '\0';
    return out;
}

/* The tables the promise covers, in a fixed order (wall-clock columns of runs left out). */
static const char *const CONTENT[] = {
    "SELECT run_id, scenario_name, scenario_json, seed, replication, point, point_json, variant, "
    "rules, status, message, events, blocks, command FROM runs ORDER BY run_id",
    "SELECT * FROM metrics ORDER BY run_id, t_us",
    "SELECT * FROM leases ORDER BY run_id, lease_id",
    "SELECT * FROM orders ORDER BY run_id, order_id",
    "SELECT * FROM providers ORDER BY run_id, provider",
    "SELECT * FROM validators ORDER BY run_id, validator",
    "SELECT * FROM outcomes ORDER BY run_id, outcome",
    "SELECT name, sweep_json, base_json, design, points, variants, replications, seed, runs "
    "FROM sweep",
};

static void same_content(const char *a, const char *b)
{
    sqlite3 *da = db_open(a), *db = db_open(b);
    for (size_t i = 0; i < sizeof CONTENT / sizeof CONTENT[0]; i++) {
        char *x = dump(da, CONTENT[i]), *y = dump(db, CONTENT[i]);
        ck_assert_msg(x[0], "%s: no rows in %s", CONTENT[i], a);
        ck_assert_msg(strcmp(x, y) == 0, "%s differs between %s and %s", CONTENT[i], a, b);
        free(x);
        free(y);
    }
    sqlite3_close(da);
    sqlite3_close(db);
}

START_TEST(same_rows_at_any_thread_count)
{
    ak_sweep *sw = sweep_of("small", SMALL);
    char one[PATH_MAX], two[PATH_MAX];
    ak_exp_result r1 = sweep_ok(sw, at(one, "sraatc-j1.db"), (ak_exp_opts){.threads = 1});
    ak_exp_result r2 = sweep_ok(sw, at(two, "sraatc-j2.db"), (ak_exp_opts){.threads = 2});
    ck_assert_int_eq(r1.complete, 6);
    ck_assert_int_eq(r2.complete, 6);
    ck_assert_int_eq(r1.threads, 1);
    ck_assert_int_eq(r2.threads, 2);
    same_content(one, two);
    /* runs of one replication share a seed and streams; their rows differ by point only */
    sqlite3 *db = db_open(one);
    ck_assert_int_eq(q_int(db, "SELECT count(DISTINCT seed) FROM runs"), 1);
    ck_assert_int_eq(q_int(db, "SELECT count(*) FROM runs WHERE status = 'complete' AND "
                               "run_id = point * 3 + replication + 1"), 6);
    /* the outcome is the metric's sum over the run */
    ck_assert_int_eq(q_int(db, "SELECT count(*) FROM outcomes o WHERE outcome = 'take_usd_sum' "
                               "AND abs(value - (SELECT sum(take_usd) FROM metrics m WHERE "
                               "m.run_id = o.run_id)) < 1e-9"), 6);
    sqlite3_close(db);
    ak_sweep_free(sw);
}
END_TEST

START_TEST(shards_merged_match_one_run)
{
    ak_sweep *sw = sweep_of("small", SMALL);
    char one[PATH_MAX], s1[PATH_MAX], s2[PATH_MAX], m[PATH_MAX], m2[PATH_MAX];
    sweep_ok(sw, at(one, "smmor-one.db"), (ak_exp_opts){.threads = 2});
    ak_exp_result a = sweep_ok(sw, at(s1, "smmor-s1.db"), (ak_exp_opts){.shard = 1,
                                                                         .nshards = 2});
    ak_exp_result b = sweep_ok(sw, at(s2, "smmor-s2.db"), (ak_exp_opts){.shard = 2,
                                                                         .nshards = 2});
    ck_assert_int_eq(a.planned, 3);
    ck_assert_int_eq(b.planned, 3);
    ak_exp_merged mr;
    char why[1100];
    const char *ins[] = {s2, s1};
    ck_assert_msg(ak_exp_merge(at(m, "smmor-m.db"), ins, 2, &mr, why, sizeof why) == 0, "%s",
                  why);
    ck_assert_int_eq(mr.copied, 6);
    ck_assert_int_eq(mr.complete, 6);
    ck_assert_int_eq(mr.missing, 0);
    same_content(one, m);
    /* merging again copies nothing; a file merged with itself twice is the same */
    ck_assert_int_eq(ak_exp_merge(m, ins, 2, &mr, why, sizeof why), 0);
    ck_assert_int_eq(mr.copied, 0);
    ck_assert_int_eq(mr.duplicates, 6);
    const char *all[] = {one, s1};
    ck_assert_int_eq(ak_exp_merge(at(m2, "smmor-m2.db"), all, 2, &mr, why, sizeof why),
                     0);
    ck_assert_int_eq(mr.copied, 6);
    ck_assert_int_eq(mr.duplicates, 3);
    same_content(one, m2);
    ak_sweep_free(sw);
}
END_TEST

START_TEST(failed_run_recorded_and_sweep_goes_on)
{
    ak_sweep *sw = sweep_of("bad", "\"parameters\": [{\"path\": \"agents.tenants.arrivals_per_day\", "
                                   "\"values\": [300, -5]}], \"replications\": 2, "
                                   "\"outcomes\": [{\"metric\": \"take_usd\"}]");
    char out[PATH_MAX];
    ak_exp_result r = sweep_ok(sw, at(out, "frrasgo-bad.db"), (ak_exp_opts){.threads = 2});
    ck_assert_int_eq(r.complete, 2);
    ck_assert_int_eq(r.failed, 2);
    sqlite3 *db = db_open(out);
    ck_assert_int_eq(q_int(db, "SELECT count(*) FROM runs WHERE status = 'failed' AND point = 1 "
                               "AND message LIKE 'point 1: %arrivals_per_day%' AND command LIKE "
                               "'akashsim run % --seed 1 --replication _ --set duration_days=3 "
                               "--set agents.tenants.arrivals_per_day=-5'"), 2);
    ck_assert_int_eq(q_int(db, "SELECT count(*) FROM outcomes"), 2);
    sqlite3_close(db);
    /* a failed run is run again by the next invocation; complete ones are not */
    r = sweep_ok(sw, out, (ak_exp_opts){0});
    ck_assert_int_eq(r.skipped, 2);
    ck_assert_int_eq(r.failed, 2);
    ck_assert_int_eq(r.complete, 0);
    db = db_open(out);
    ck_assert_int_eq(q_int(db, "SELECT count(*) FROM runs"), 4);
    sqlite3_close(db);
    ak_sweep_free(sw);
}
END_TEST

START_TEST(resume_skips_complete_runs)
{
    ak_sweep *sw = sweep_of("small", SMALL);
    char one[PATH_MAX], part[PATH_MAX];
    sweep_ok(sw, at(one, "rscr-one.db"), (ak_exp_opts){.threads = 1});
    /* a stop before anything runs records nothing */
    volatile sig_atomic_t stop = 1;
    ak_exp_result r = sweep_ok(sw, at(part, "rscr-part.db"), (ak_exp_opts){.stop = &stop});
    ck_assert_int_eq(r.abandoned, 6);
    sqlite3 *db = db_open(part);
    ck_assert_int_eq(q_int(db, "SELECT count(*) FROM runs"), 0);
    sqlite3_close(db);
    /* half of it, then the whole: the rest is run, the half skipped */
    sweep_ok(sw, part, (ak_exp_opts){.shard = 2, .nshards = 2});
    r = sweep_ok(sw, part, (ak_exp_opts){.threads = 2});
    ck_assert_int_eq(r.planned, 6);
    ck_assert_int_eq(r.skipped, 3);
    ck_assert_int_eq(r.complete, 3);
    same_content(one, part);
    ak_sweep_free(sw);
}
END_TEST

START_TEST(other_files_refused)
{
    ak_sweep *sw = sweep_of("small", SMALL);
    ak_sweep *other = sweep_of("small2", SMALL); /* another name: another definition */
    char out[PATH_MAX], plain[PATH_MAX], why[1100], want[PATH_MAX + 200];
    ak_exp_result r;
    sweep_ok(sw, at(out, "ofr-s.db"), (ak_exp_opts){.shard = 1, .nshards = 3});
    ck_assert_int_eq(ak_exp_sweep(other, out, &(ak_exp_opts){.quiet = true}, &r, why, sizeof why),
                     AK_EINVAL);
    snprintf(want, sizeof want, "%s: holds the sweep \"small\" as it was defined when it began",
             out);
    ck_assert_msg(strncmp(why, want, strlen(want)) == 0, "%s", why);
    /* a file with runs of its own */
    ak_rec *rec;
    ck_assert_int_eq(ak_rec_open(at(plain, "ofr-plain.db"), &rec, why, sizeof why), 0);
    ck_assert_int_eq(ak_rec_begin_run(rec, &(ak_rec_run_info){.scenario_name = "x", .point = -1},
                                      NULL), 0);
    ck_assert_int_eq(ak_rec_end_run(rec, true, NULL, 0, 0, 0), 0);
    ck_assert_int_eq(ak_rec_close(rec), 0);
    ck_assert_int_eq(ak_exp_sweep(sw, plain, &(ak_exp_opts){.quiet = true}, &r, why, sizeof why),
                     AK_EINVAL);
    snprintf(want, sizeof want, "%s: holds 1 runs that are not part of a sweep; give a new file",
             plain);
    ck_assert_str_eq(why, want);

    /* merge: the output among the inputs, a plain file, another sweep, not a database */
    char m[PATH_MAX], junk[PATH_MAX];
    ak_exp_merged mr;
    const char *self[] = {out};
    ck_assert_int_eq(ak_exp_merge(out, self, 1, &mr, why, sizeof why), AK_EINVAL);
    snprintf(want, sizeof want, "%s: is also the output; merge into a new file", out);
    ck_assert_str_eq(why, want);
    const char *p[] = {plain};
    ck_assert_int_eq(ak_exp_merge(at(m, "ofr-m.db"), p, 1, &mr, why, sizeof why), AK_EINVAL);
    snprintf(want, sizeof want, "%s: holds no sweep (akashsim merge combines the files of "
                                "akashsim sweep --shard)", plain);
    ck_assert_str_eq(why, want);
    char o2[PATH_MAX];
    sweep_ok(other, at(o2, "ofr-o2.db"), (ak_exp_opts){.shard = 1, .nshards = 3});
    const char *two[] = {out, o2};
    ck_assert_int_eq(ak_exp_merge(m, two, 2, &mr, why, sizeof why), AK_EINVAL);
    snprintf(want, sizeof want, "%s: holds another sweep than the files before it (or the same "
                                "with another definition or base scenario)", o2);
    ck_assert_str_eq(why, want);
    sqlite3 *db = db_open(m);
    ck_assert_int_eq(q_int(db, "SELECT count(*) FROM runs"), 2); /* the first input went in */
    sqlite3_close(db);
    FILE *f = fopen(at(junk, "ofr-junk.db"), "w");
    ck_assert_ptr_nonnull(f);
    fputs("this is not a database, but it is long enough to have a header ......", f);
    fclose(f);
    const char *j[] = {junk};
    ck_assert_int_eq(ak_exp_merge(m, j, 1, &mr, why, sizeof why), AK_EINVAL);
    snprintf(want, sizeof want, "%s: file is not a database", junk);
    ck_assert_str_eq(why, want);
    const char *missing[] = {"/nonexistent/x.db"};
    ck_assert_int_eq(ak_exp_merge(m, missing, 1, &mr, why, sizeof why), AK_EINVAL);
    ck_assert_str_eq(why, "/nonexistent/x.db: No such file or directory");
    /* summarize: not a sweep */
    ck_assert_int_eq(ak_exp_summarize(plain, NULL, why, sizeof why), AK_EINVAL);
    snprintf(want, sizeof want, "%s: holds no sweep (akashsim summarize reads the results of "
                                "akashsim sweep)", plain);
    ck_assert_str_eq(why, want);
    ak_sweep_free(sw);
    ak_sweep_free(other);
}
END_TEST

/* The values of one outcome over the replications of (point, variant), from the outcomes. */
static size_t values(sqlite3 *db, const char *outcome, int point, const char *variant, double *v)
{
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT o.value FROM outcomes o JOIN runs r USING (run_id) WHERE o.outcome = '%s' "
             "AND r.point = %d AND r.variant IS %s%s%s ORDER BY r.replication", outcome, point,
             variant ? "'" : "", variant ? variant : "NULL", variant ? "'" : "");
    sqlite3_stmt *st;
    ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    size_t n = 0;
    while (sqlite3_step(st) == SQLITE_ROW)
        v[n++] = sqlite3_column_double(st, 0);
    sqlite3_finalize(st);
    return n;
}

static void expect_ci(const double *v, size_t n, double mean, double lo, double hi, double sd)
{
    double m = 0, ss = 0;
    for (size_t i = 0; i < n; i++)
        m += v[i] / (double)n;
    for (size_t i = 0; i < n; i++)
        ss += (v[i] - m) * (v[i] - m);
    double s = sqrt(ss / (double)(n - 1));
    double h = gsl_cdf_tdist_Pinv(0.975, (double)(n - 1)) * s / sqrt((double)n);
    double tol = 1e-9 * (fabs(m) + 1);
    ck_assert_msg(fabs(mean - m) < tol, "mean %.17g, expected %.17g", mean, m);
    ck_assert_msg(fabs(sd - s) < tol, "sd %.17g, expected %.17g", sd, s);
    ck_assert_msg(fabs(lo - (m - h)) < tol && fabs(hi - (m + h)) < tol,
                  "CI [%.17g, %.17g], expected [%.17g, %.17g]", lo, hi, m - h, m + h);
}

START_TEST(summary_matches_formulas)
{
    /* no parameters: one point, compared across two variants */
    ak_sweep *sw = sweep_of("vars2", "\"variants\": [{\"name\": \"base\", \"set\": {}}, {\"name\": \"more\", "
                           "\"set\": {\"agents.tenants.arrivals_per_day\": 400}}], "
                           "\"replications\": 4, \"outcomes\": [{\"metric\": "
                           "\"tenant_spend_usd\"}]");
    char out[PATH_MAX], why[1100];
    sweep_ok(sw, at(out, "smf-v.db"), (ak_exp_opts){.threads = 2});
    FILE *sink = fopen("/dev/null", "w");
    ck_assert_msg(ak_exp_summarize(out, sink, why, sizeof why) == 0, "%s", why);
    fclose(sink);
    sqlite3 *db = db_open(out);
    double a[8], b[8], d[8];
    ck_assert_int_eq(values(db, "tenant_spend_usd_sum", 0, "base", a), 4);
    ck_assert_int_eq(values(db, "tenant_spend_usd_sum", 0, "more", b), 4);
    sqlite3_stmt *st;
    ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT variant, n, mean, sd, ci_low, ci_high, diff_n, "
                                            "diff_mean, diff_sd, diff_ci_low, diff_ci_high "
                                            "FROM summary ORDER BY variant", -1, &st, NULL),
                     SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    ck_assert_str_eq((const char *)sqlite3_column_text(st, 0), "base");
    ck_assert_int_eq(sqlite3_column_int(st, 1), 4);
    expect_ci(a, 4, sqlite3_column_double(st, 2), sqlite3_column_double(st, 4),
              sqlite3_column_double(st, 5), sqlite3_column_double(st, 3));
    for (int c = 6; c <= 10; c++)
        ck_assert_int_eq(sqlite3_column_type(st, c), SQLITE_NULL);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    ck_assert_str_eq((const char *)sqlite3_column_text(st, 0), "more");
    expect_ci(b, 4, sqlite3_column_double(st, 2), sqlite3_column_double(st, 4),
              sqlite3_column_double(st, 5), sqlite3_column_double(st, 3));
    for (int i = 0; i < 4; i++)
        d[i] = b[i] - a[i];
    ck_assert_int_eq(sqlite3_column_int(st, 6), 4);
    expect_ci(d, 4, sqlite3_column_double(st, 7), sqlite3_column_double(st, 9),
              sqlite3_column_double(st, 10), sqlite3_column_double(st, 8));
    /* more arrivals, more spend, in every replication: the paired interval excludes 0 */
    ck_assert(sqlite3_column_double(st, 9) > 0);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
    ck_assert_int_eq(q_int(db, "SELECT count(*) FROM sensitivity"), 0); /* a grid */
    sqlite3_close(db);
    /* summarize twice: the tables are replaced, not appended to */
    ck_assert_int_eq(ak_exp_summarize(out, NULL, why, sizeof why), 0);
    db = db_open(out);
    ck_assert_int_eq(q_int(db, "SELECT count(*) FROM summary"), 2);
    sqlite3_close(db);
    ak_sweep_free(sw);
}
END_TEST

START_TEST(sensitivity_ranks_the_parameter_that_matters)
{
    /* arrivals drive spend; a bid window between 30 and 40 s hardly matters */
    ak_sweep *sw = sweep_of("morris", "\"design\": {\"type\": \"morris\", \"trajectories\": 3}, "
                                      "\"parameters\": [{\"path\": "
                                      "\"agents.tenants.bid_window_s\", \"name\": \"window\", "
                                      "\"min\": 30, \"max\": 40, \"type\": \"integer\"}, "
                                      "{\"path\": \"agents.tenants.arrivals_per_day\", \"name\": "
                                      "\"arrivals\", \"min\": 100, \"max\": 500}], "
                                      "\"outcomes\": [{\"metric\": \"tenant_spend_usd\"}]");
    char out[PATH_MAX], why[1100];
    ak_exp_result r = sweep_ok(sw, at(out, "srtptm-mo.db"), (ak_exp_opts){.threads = 2});
    ck_assert_int_eq(r.complete, 9);
    ck_assert_int_eq(ak_exp_summarize(out, NULL, why, sizeof why), 0);
    sqlite3 *db = db_open(out);
    ck_assert_int_eq(q_int(db, "SELECT count(*) FROM sensitivity WHERE method = 'morris'"), 2);
    ck_assert_int_eq(q_int(db, "SELECT rank FROM sensitivity WHERE parameter = 'arrivals'"), 1);
    ck_assert_int_eq(q_int(db, "SELECT n FROM sensitivity WHERE parameter = 'arrivals'"), 3);
    /* mu* is the mean |effect|: the effect of arrivals is positive, so mu* = mu */
    ck_assert_int_eq(q_int(db, "SELECT mu_star = mu AND mu > 0 AND sigma >= 0 AND rho IS NULL "
                               "AND first_order IS NULL FROM sensitivity WHERE "
                               "parameter = 'arrivals'"), 1);
    sqlite3_close(db);
    ak_sweep_free(sw);

    sw = sweep_of("lhs", "\"design\": {\"type\": \"lhs\", \"points\": 6}, \"parameters\": [{\"path\": "
                         "\"agents.tenants.arrivals_per_day\", \"name\": \"arrivals\", \"min\": 100, "
                         "\"max\": 500}], \"outcomes\": [{\"metric\": \"tenant_spend_usd\"}]");
    sweep_ok(sw, at(out, "srtptm-lhs.db"), (ak_exp_opts){.threads = 2});
    ck_assert_int_eq(ak_exp_summarize(out, NULL, why, sizeof why), 0);
    db = db_open(out);
    ck_assert_int_eq(q_int(db, "SELECT method = 'spearman' AND rank = 1 AND rho > 0.7 AND n = 6 "
                               "AND mu IS NULL FROM sensitivity"), 1);
    sqlite3_close(db);
    ak_sweep_free(sw);

    /* Sobol indices: arrivals carry the variance, a 30-40 s bid window next to none */
    sw = sweep_of("saltelli", "\"design\": {\"type\": \"saltelli\", \"points\": 16}, "
                              "\"parameters\": [{\"path\": \"agents.tenants.bid_window_s\", "
                              "\"name\": \"window\", \"min\": 30, \"max\": 40, \"type\": "
                              "\"integer\"}, {\"path\": \"agents.tenants.arrivals_per_day\", "
                              "\"name\": \"arrivals\", \"min\": 100, \"max\": 500}], "
                              "\"outcomes\": [{\"metric\": \"tenant_spend_usd\"}]");
    ck_assert_int_eq(sw->npoints, 64);
    ak_exp_result rs = sweep_ok(sw, at(out, "srtptm-sal.db"), (ak_exp_opts){.threads = 2});
    ck_assert_int_eq(rs.complete, 64);
    ck_assert_int_eq(ak_exp_summarize(out, NULL, why, sizeof why), 0);
    db = db_open(out);
    ck_assert_int_eq(q_int(db, "SELECT count(*) FROM sensitivity WHERE method = 'sobol' AND "
                               "n = 16 AND mu_star IS NULL"), 2);
    ck_assert_int_eq(q_int(db, "SELECT rank = 1 AND total_order > 0.5 FROM sensitivity WHERE "
                               "parameter = 'arrivals'"), 1);
    ck_assert_int_eq(q_int(db, "SELECT rank = 2 AND total_order < 0.1 FROM sensitivity WHERE "
                               "parameter = 'window'"), 1);
    sqlite3_close(db);
    ak_sweep_free(sw);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("experiment");
    TCase *tc = tcase_create("experiment");
    tcase_set_timeout(tc, 120);
    tcase_add_unchecked_fixture(tc, dir_setup, dir_teardown);
    tcase_add_test(tc, same_rows_at_any_thread_count);
    tcase_add_test(tc, shards_merged_match_one_run);
    tcase_add_test(tc, failed_run_recorded_and_sweep_goes_on);
    tcase_add_test(tc, resume_skips_complete_runs);
    tcase_add_test(tc, other_files_refused);
    tcase_add_test(tc, summary_matches_formulas);
    tcase_add_test(tc, sensitivity_ranks_the_parameter_that_matters);
    suite_add_tcase(s, tc);
    return check_run(s);
}
