/*
 * tests/test_engine.c: one simulation run (sim/engine.h, sim/world.h, models/tenant.c,
 * models/provider.c; DESIGN.md "One run", "Time and blocks", "Determinism"; docs/results.md).
 *
 *   determinism   the same scenario and seed give the same rows in every results table
 *                 (wall-clock columns of `runs` aside) and the same summary, even with two runs
 *                 stepped in lockstep in one process; another seed or replication differs.
 *   --check       a run with ak_app_check after every block completes and records the same.
 *   stepping      ak_sim_step and ak_sim_run_until semantics, block heights and times, header
 *                 times; a run cut into run_until chunks ends like one stepped event by event.
 *   capacity      after every event, for every provider: free + leased + reserved == capacity
 *                 (leased and reserved recomputed from the w_dep/w_bid records), nothing
 *                 negative, the world's counters agree with the records and with the chain.
 *   market        budgets below every price give no lease; the lease is the cheapest bid;
 *                 leases go to the cheaper fleet; GPU orders only reach their GPU model.
 *   escrow        without top-ups a lease closes for insufficient funds on the funds monitor's
 *                 grid, about deposit_days after it starts; with top-ups none does.
 *   hearing       max_bids_per_order bounds the bids an order receives.
 *   results       metrics rows on the sampling grid, period flows summing to the run's
 *                 totals, `runs` complete, final provider/tenant/validator rows.
 *
 * Scenarios are small (4 validators, a few providers, 30 tenants, 1 to 4 days) and built from
 * one text with --set overrides. Databases go to one temporary directory made before the tests
 * and removed after them.
 */
#define _GNU_SOURCE
#include <check.h>
#include <ftw.h>
#include <gsl/gsl_errno.h>
#include <limits.h>
#include <math.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "check_run.h"
#include "engine.h"
#include "errors.h"
#include "market.h"
#include "recorder.h"
#include "scenario.h"
#include "world.h"

#define NONE UINT32_MAX
#define DAY_US 86400000000LL
#define HOUR_US 3600000000LL

/* ---- the scenario ------------------------------------------------------------------------ */

/* A CPU fleet of 4 and an H100 fleet of 3 providers, 30 tenants, 60 arrivals a day (about 80 %
 * web, 20 % GPU), lifetimes of half a day on average, two days sampled every 6 hours. */
static const char BASE[] =
    "{\n"
    "  \"name\": \"engine-small\",\n"
    "  \"duration_days\": 2,\n"
    "  \"seed\": 7,\n"
    "  \"sample_interval_hours\": 6,\n"
    "  \"akt_usd\": 0.5,\n"
    "  \"genesis\": {\n"
    "    \"time\": \"2026-01-01T00:00:00Z\",\n"
    "    \"holders_akt\": 10000000,\n"
    "    \"validators\": {\"count\": 4, \"stake_akt\": {\"dist\": \"uniform\", \"min\": 100000,"
    " \"max\": 200000}},\n"
    "    \"providers\": [\n"
    "      {\"name\": \"cpu\", \"count\": 4, \"regions\": [\"us-west\", \"eu-central\"],\n"
    "       \"cpu_cores\": {\"dist\": \"uniform\", \"min\": 32, \"max\": 64},\n"
    "       \"memory_gib\": {\"dist\": \"uniform\", \"min\": 128, \"max\": 256},\n"
    "       \"storage_gib\": {\"dist\": \"uniform\", \"min\": 1000, \"max\": 2000}},\n"
    "      {\"name\": \"gpu\", \"count\": 3, \"regions\": [\"us-east\"],\n"
    "       \"cpu_cores\": 64, \"memory_gib\": 512, \"storage_gib\": 4000,\n"
    "       \"gpus\": {\"dist\": \"choice\", \"values\": [4, 8]}, \"gpu_model\": \"h100\",\n"
    "       \"prices_usd\": {\"gpu\": 900}}\n"
    "    ]\n"
    "  },\n"
    "  \"agents\": {\n"
    "    \"tenants\": {\n"
    "      \"count\": 30,\n"
    "      \"balance_akt\": {\"dist\": \"uniform\", \"min\": 100, \"max\": 1000},\n"
    "      \"arrivals_per_day\": 60,\n"
    "      \"bid_window_s\": 60,\n"
    "      \"deposit_days\": 3,\n"
    "      \"top_up\": {\"below_days\": 1, \"days\": 3},\n"
    "      \"workloads\": [\n"
    "        {\"kind\": \"web\", \"weight\": 0.8,\n"
    "         \"units\": {\"dist\": \"choice\", \"values\": [1, 2]},\n"
    "         \"cpu_millis\": {\"dist\": \"choice\", \"values\": [500, 1000, 2000]},\n"
    "         \"memory_mib\": {\"dist\": \"choice\", \"values\": [512, 1024, 2048]},\n"
    "         \"storage_mib\": {\"dist\": \"choice\", \"values\": [1024, 5120]},\n"
    "         \"lifetime_days\": {\"dist\": \"exponential\", \"mean\": 0.5},\n"
    "         \"budget_usd\": {\"cpu\": 4.0, \"memory\": 2.0, \"storage\": 0.1, \"endpoint\":"
    " 0.05},\n"
    "         \"budget_factor\": {\"dist\": \"uniform\", \"min\": 0.8, \"max\": 1.2}},\n"
    "        {\"kind\": \"gpu\", \"weight\": 0.2,\n"
    "         \"units\": 1, \"gpus\": {\"dist\": \"choice\", \"values\": [1, 2]},"
    " \"gpu_model\": \"h100\",\n"
    "         \"cpu_millis\": 8000, \"memory_mib\": 65536, \"storage_mib\": 102400,\n"
    "         \"lifetime_days\": {\"dist\": \"exponential\", \"mean\": 0.5},\n"
    "         \"budget_usd\": {\"cpu\": 4.0, \"memory\": 2.0, \"storage\": 0.1, \"gpu\": 1400}}\n"
    "      ]\n"
    "    }\n"
    "  }\n"
    "}\n";

static ak_scenario *load(const char *const *sets, uint32_t nsets)
{
    ak_scenario *sc = NULL;
    char why[1200];
    int rc = ak_scenario_load_text("engine.json", BASE, strlen(BASE), sets, nsets, -1, &sc, why,
                                   sizeof why);
    ck_assert_msg(rc == 0, "scenario: %s", why);
    return sc;
}

#define SETS(...) ((const char *const[]){__VA_ARGS__})
#define NSETS(...) ((uint32_t)(sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *)))
#define LOAD(...) load(SETS(__VA_ARGS__), NSETS(__VA_ARGS__))

/* An assertion for hot loops: Check's ck_assert_* write to a pipe even when they pass, which
 * costs more than a whole event; this one costs nothing unless it fails. */
#define REQUIRE(cond, ...)                                                                         \
    do {                                                                                           \
        if (!(cond))                                                                               \
            ck_abort_msg(__VA_ARGS__);                                                             \
    } while (0)

/* ---- the temporary directory ------------------------------------------------------------- */

static char g_dir[PATH_MAX];

static int remove_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb, (void)flag, (void)ftw;
    (void)remove(p);
    return 0;
}

/* dir/<test>-<name>.db into buf (PATH_MAX bytes); each test process has its own pid. */
static const char *db_path(char *buf, const char *name)
{
    int n = snprintf(buf, PATH_MAX, "%s/%ld-%s.db", g_dir, (long)getpid(), name);
    ck_assert(n > 0 && n < PATH_MAX);
    (void)remove(buf);
    return buf;
}

/* ---- running ----------------------------------------------------------------------------- */

typedef struct runner {
    const ak_scenario *sc;
    ak_rec *rec;
    ak_sim *sim;
    ak_sim_summary sum;
    int64_t steps; /* ak_sim_step calls that returned 1 */
    bool done;
} runner;

/* Open path, begin the run row, create the run with a recorder. */
static void runner_start(runner *r, const ak_scenario *sc, const char *path, uint32_t replication,
                         bool check)
{
    memset(r, 0, sizeof *r);
    r->sc = sc;
    char why[1200];
    ck_assert_msg(ak_rec_open(path, &r->rec, why, sizeof why) == 0, "%s", why);
    char *json = ak_scenario_json(sc);
    ck_assert_ptr_nonnull(json);
    ak_rec_run_info info = {
        .scenario_name = sc->name,
        .scenario_json = json,
        .seed = sc->seed,
        .replication = replication,
        .point = -1,
        .rules = "akash-v1",
        .version = "test",
        .started_unix = (int64_t)time(NULL),
    };
    int64_t id = 0;
    ck_assert_msg(ak_rec_begin_run(r->rec, &info, &id) == 0, "%s", ak_rec_errmsg(r->rec));
    free(json);
    ak_sim_opts o = {.replication = replication, .check = check, .rec = r->rec};
    ck_assert_msg(ak_sim_create(sc, &o, &r->sim, why, sizeof why) == 0, "%s", why);
}

/* One step; at the end, finish, summarize and end the run row (complete). Returns the step's
 * status (1 or 0). */
static int runner_step(runner *r)
{
    if (r->done)
        return 0;
    int rc = ak_sim_step(r->sim);
    ck_assert_msg(rc >= 0, "the run failed: %s", ak_sim_errmsg(r->sim));
    if (rc == 1) {
        r->steps++;
        return 1;
    }
    ck_assert_msg(ak_sim_finish(r->sim) == 0, "finish: %s", ak_sim_errmsg(r->sim));
    ak_sim_summarize(r->sim, &r->sum);
    /* a wall-clock figure that differs between runs on purpose: it must not matter */
    double wall = (double)r->steps / 1e6 + (double)(clock() % 1000) / 1e3;
    ck_assert_msg(ak_rec_end_run(r->rec, true, NULL, wall, r->sum.events, r->sum.blocks) == 0, "%s",
                  ak_rec_errmsg(r->rec));
    ck_assert_int_eq(ak_rec_close(r->rec), 0);
    r->rec = NULL;
    r->done = true;
    return 0;
}

/* The run to its end; the sim stays for inspection (the caller destroys it). */
static ak_sim *run_db(const ak_scenario *sc, const char *path, uint32_t replication, bool check,
                      ak_sim_summary *sum)
{
    runner r;
    runner_start(&r, sc, path, replication, check);
    while (runner_step(&r) == 1)
        ;
    if (sum)
        *sum = r.sum;
    return r.sim;
}

/* A run without a recorder, to its end (for summaries). */
static void run_plain(const ak_scenario *sc, ak_sim_summary *sum)
{
    ak_sim *s;
    char why[1200];
    ak_sim_opts o = {0};
    ck_assert_msg(ak_sim_create(sc, &o, &s, why, sizeof why) == 0, "%s", why);
    int rc;
    while ((rc = ak_sim_step(s)) == 1)
        ;
    ck_assert_msg(rc == 0, "the run failed: %s", ak_sim_errmsg(s));
    ak_sim_summarize(s, sum);
    ak_sim_destroy(s);
}

/* ---- reading the database ---------------------------------------------------------------- */

static sqlite3 *db_open(const char *path)
{
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL);
    ck_assert_msg(rc == SQLITE_OK, "%s: %s", path, db ? sqlite3_errmsg(db) : "no handle");
    return db;
}

/* Every row of a query as text, one line per row, every column but run_id, values exact
 * (doubles in hex). */
static char *dump(const char *path, const char *sql)
{
    sqlite3 *db = db_open(path);
    sqlite3_stmt *st;
    ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK, "%s: %s", sql,
                  sqlite3_errmsg(db));
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ck_assert_ptr_nonnull(f);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        for (int i = 0; i < sqlite3_column_count(st); i++) {
            if (strcmp(sqlite3_column_name(st, i), "run_id") == 0)
                continue;
            fprintf(f, "%s=", sqlite3_column_name(st, i));
            switch (sqlite3_column_type(st, i)) {
            case SQLITE_NULL: fputs("NULL", f); break;
            case SQLITE_INTEGER: fprintf(f, "%lld", (long long)sqlite3_column_int64(st, i)); break;
            case SQLITE_FLOAT: fprintf(f, "%a", sqlite3_column_double(st, i)); break;
            default: fprintf(f, "'%s'", (const char *)sqlite3_column_text(st, i)); break;
            }
            fputc('|', f);
        }
        fputc('\n', f);
    }
    ck_assert_msg(rc == SQLITE_DONE, "%s: %s", sql, sqlite3_errmsg(db));
    fclose(f);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return buf;
}

static int64_t q_int(const char *path, const char *fmt, ...)
{
    char sql[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof sql, fmt, ap);
    va_end(ap);
    sqlite3 *db = db_open(path);
    sqlite3_stmt *st;
    ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK, "%s: %s", sql,
                  sqlite3_errmsg(db));
    ck_assert_msg(sqlite3_step(st) == SQLITE_ROW, "%s: no row", sql);
    int64_t v = sqlite3_column_type(st, 0) == SQLITE_NULL ? INT64_MIN : sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

static char *q_text(const char *path, const char *sql)
{
    sqlite3 *db = db_open(path);
    sqlite3_stmt *st;
    ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK, "%s: %s", sql,
                  sqlite3_errmsg(db));
    ck_assert_msg(sqlite3_step(st) == SQLITE_ROW, "%s: no row", sql);
    const unsigned char *t = sqlite3_column_text(st, 0);
    char *v = strdup(t ? (const char *)t : "(null)");
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

/* The tables a run writes, each in a total order, and the non-wall-clock columns of `runs`. */
static const char *const TABLES[][2] = {
    {"metrics", "SELECT * FROM metrics ORDER BY t_us"},
    {"leases", "SELECT * FROM leases ORDER BY lease_id, created_us"},
    {"orders", "SELECT * FROM orders ORDER BY order_id, created_us"},
    {"providers", "SELECT * FROM providers ORDER BY provider"},
    {"tenants", "SELECT * FROM tenants ORDER BY tenant"},
    {"validators", "SELECT * FROM validators ORDER BY validator"},
    {"proposals", "SELECT * FROM proposals ORDER BY proposal_id"},
    {"runs", "SELECT scenario_name, scenario_json, seed, replication, point, point_json, rules,"
             " akashsim_version, status, message, events, blocks FROM runs ORDER BY run_id"},
};
#define NTABLES (sizeof TABLES / sizeof TABLES[0])

/* The first line where a and b differ, for the failure message. */
static const char *first_diff(const char *a, const char *b, char *out, size_t cap)
{
    const char *la = a, *lb = b;
    while (*la && *lb) {
        const char *ea = strchr(la, '\n'), *eb = strchr(lb, '\n');
        size_t na = ea ? (size_t)(ea - la) : strlen(la), nb = eb ? (size_t)(eb - lb) : strlen(lb);
        if (na != nb || memcmp(la, lb, na) != 0) {
            snprintf(out, cap, "\n  A: %.*s\n  B: %.*s", (int)(na > 400 ? 400 : na), la,
                     (int)(nb > 400 ? 400 : nb), lb);
            return out;
        }
        la += na + (ea ? 1 : 0);
        lb += nb + (eb ? 1 : 0);
    }
    snprintf(out, cap, "\n  one table has more rows (A: %.200s | B: %.200s)", la, lb);
    return out;
}

static void assert_same_tables(const char *a, const char *b)
{
    for (size_t i = 0; i < NTABLES; i++) {
        char *x = dump(a, TABLES[i][1]), *y = dump(b, TABLES[i][1]);
        char diff[1000];
        ck_assert_msg(strcmp(x, y) == 0, "table %s differs:%s", TABLES[i][0],
                      first_diff(x, y, diff, sizeof diff));
        free(x);
        free(y);
    }
}

static bool same_table(const char *a, const char *b, const char *sql)
{
    char *x = dump(a, sql), *y = dump(b, sql);
    bool same = strcmp(x, y) == 0;
    free(x);
    free(y);
    return same;
}

static bool same_double(double a, double b)
{
    return (isnan(a) && isnan(b)) || a == b;
}

static void assert_same_summary(const ak_sim_summary *a, const ak_sim_summary *b)
{
#define SAME_I(f) ck_assert_msg(a->f == b->f, #f ": %lld vs %lld", (long long)a->f, (long long)b->f)
#define SAME_D(f) ck_assert_msg(same_double(a->f, b->f), #f ": %.17g vs %.17g", a->f, b->f)
    SAME_D(days);
    SAME_I(height);
    SAME_I(events);
    SAME_I(blocks);
    SAME_I(deployments);
    SAME_I(leases);
    SAME_I(active_leases);
    SAME_I(orders_unmet);
    SAME_I(tx_failed);
    SAME_D(cpu_util);
    SAME_D(gpu_util);
    SAME_D(cpu_month_usd);
    SAME_D(gpu_hour_usd);
    SAME_D(spend_usd);
    SAME_D(income_usd);
    SAME_D(take_usd);
    SAME_D(supply_akt);
    SAME_D(community_pool_akt);
    SAME_D(bonded_ratio);
    SAME_D(inflation);
    SAME_I(nfailures);
    for (uint32_t i = 0; i < a->nfailures; i++) {
        SAME_I(failures[i].type);
        SAME_I(failures[i].code);
        SAME_I(failures[i].count);
    }
#undef SAME_I
#undef SAME_D
}

/* ---- 1. determinism ---------------------------------------------------------------------- */

/* The base scenario with hearing bounded below the fleets' sizes, so that which providers hear
 * an order is drawn too. */
#define DETERMINISM_SETS "agents.providers.max_bids_per_order=3"

START_TEST(same_seed_same_rows)
{
    ak_scenario *sc = LOAD(DETERMINISM_SETS);
    char pa[PATH_MAX], pb[PATH_MAX], pc[PATH_MAX];
    db_path(pa, "a");
    db_path(pb, "b");
    db_path(pc, "c");
    /* a alone; then b and c stepped in lockstep in this process: no state is shared */
    ak_sim_summary sa;
    ak_sim_destroy(run_db(sc, pa, 0, false, &sa));
    runner rb, rc;
    runner_start(&rb, sc, pb, 0, false);
    runner_start(&rc, sc, pc, 0, false);
    int sb = 1, sc2 = 1;
    while (sb || sc2) {
        if (sb)
            sb = runner_step(&rb);
        if (sc2)
            sc2 = runner_step(&rc);
    }
    ck_assert_msg(sa.leases >= 40, "only %lld leases: the scenario is too small to tell",
                  (long long)sa.leases);
    ck_assert_int_gt(q_int(pa, "SELECT count(*) FROM leases"), 40);
    assert_same_summary(&sa, &rb.sum);
    assert_same_summary(&sa, &rc.sum);
    assert_same_tables(pa, pb);
    assert_same_tables(pa, pc);
    ak_sim_destroy(rb.sim);
    ak_sim_destroy(rc.sim);
    ak_scenario_free(sc);
}
END_TEST

START_TEST(other_seed_other_rows)
{
    ak_scenario *s7 = LOAD(DETERMINISM_SETS);
    char pa[PATH_MAX], pb[PATH_MAX], pr[PATH_MAX];
    db_path(pa, "seed7");
    db_path(pb, "seed8");
    db_path(pr, "seed7-rep1");
    ak_scenario *s8 = NULL;
    char why[1200];
    ck_assert_msg(ak_scenario_load_text("engine.json", BASE, strlen(BASE), SETS(DETERMINISM_SETS),
                                        1, 8, &s8, why, sizeof why) == 0,
                  "%s", why);
    ck_assert_uint_eq(s8->seed, 8);
    ak_sim_destroy(run_db(s7, pa, 0, false, NULL));
    ak_sim_destroy(run_db(s8, pb, 0, false, NULL));
    ak_sim_destroy(run_db(s7, pr, 1, false, NULL));
    ck_assert_msg(!same_table(pa, pb, "SELECT * FROM metrics ORDER BY t_us"),
                  "seeds 7 and 8 gave the same metrics");
    ck_assert_msg(!same_table(pa, pb, "SELECT * FROM leases ORDER BY lease_id, created_us"),
                  "seeds 7 and 8 gave the same leases");
    ck_assert_msg(!same_table(pa, pr, "SELECT * FROM leases ORDER BY lease_id, created_us"),
                  "replications 0 and 1 gave the same leases");
    ak_scenario_free(s7);
    ak_scenario_free(s8);
}
END_TEST

/* ---- 2. --check -------------------------------------------------------------------------- */

START_TEST(check_mode_same_results)
{
    ak_scenario *sc = LOAD("duration_days=1");
    char pa[PATH_MAX], pb[PATH_MAX];
    db_path(pa, "plain");
    db_path(pb, "checked");
    ak_sim_summary sa, sb;
    ak_sim_destroy(run_db(sc, pa, 0, false, &sa));
    ak_sim_destroy(run_db(sc, pb, 0, true, &sb));
    ck_assert_int_gt(sa.leases, 10);
    assert_same_summary(&sa, &sb);
    assert_same_tables(pa, pb);
    ak_scenario_free(sc);
}
END_TEST

/* ---- 3. stepping ------------------------------------------------------------------------- */

START_TEST(step_events_blocks_and_times)
{
    /* 2.5 s blocks: header times are the whole seconds of the simulated time */
    ak_scenario *sc =
        LOAD("duration_days=0.5", "consensus.timeout_commit_ms=2000", "consensus.gossip_ms=500");
    const int64_t block_us = 2500000;
    ak_sim *s;
    char why[1200];
    ak_sim_opts o = {0};
    ck_assert_msg(ak_sim_create(sc, &o, &s, why, sizeof why) == 0, "%s", why);
    const ak_app *app = ak_sim_app(s);
    ck_assert_int_eq(ak_sim_height(s), 0);
    ck_assert_int_eq(ak_sim_time(s), 0);
    ck_assert_int_eq(ak_sim_next_time(s), 0);
    int64_t steps = 0, blocks = 0;
    int rc;
    for (;;) {
        ak_usec t0 = ak_sim_time(s), next = ak_sim_next_time(s);
        ak_height h0 = ak_sim_height(s);
        uint64_t e0 = ak_sim_events(s);
        rc = ak_sim_step(s);
        REQUIRE(rc >= 0, "the run failed: %s", ak_sim_errmsg(s));
        if (rc == 0)
            break;
        steps++;
        REQUIRE(ak_sim_events(s) == e0 + 1, "step %lld: events %llu after %llu", (long long)steps,
                (unsigned long long)ak_sim_events(s), (unsigned long long)e0);
        /* the event that ran was the next one; time never goes back nor past the end */
        REQUIRE(ak_sim_time(s) == next && next >= t0 && next <= sc->duration_us,
                "step %lld: time %lld, next was %lld, before %lld", (long long)steps,
                (long long)ak_sim_time(s), (long long)next, (long long)t0);
        if (ak_sim_height(s) != h0) {
            blocks++;
            ak_height h = ak_sim_height(s);
            REQUIRE(h == h0 + 1 && ak_app_height(app) == h, "height %lld after %lld (app %lld)",
                    (long long)h, (long long)h0, (long long)ak_app_height(app));
            REQUIRE(ak_sim_time(s) == (h - 1) * block_us, "block %lld at %lld us", (long long)h,
                    (long long)ak_sim_time(s));
            REQUIRE(ak_app_time(app) == sc->genesis_time + ak_sim_time(s) / 1000000,
                    "block %lld at %lld us has header time %lld", (long long)h,
                    (long long)ak_sim_time(s), (long long)ak_app_time(app));
        }
    }
    ck_assert_int_eq(ak_sim_time(s), sc->duration_us);
    /* the block at the run's last instant is in */
    ck_assert_int_eq(ak_sim_height(s), sc->duration_us / block_us + 1);
    ck_assert_int_eq(blocks, ak_sim_height(s));
    ck_assert_int_gt(steps, blocks); /* agents acted too */
    /* over: more steps return 0 and change nothing */
    uint64_t ev = ak_sim_events(s);
    ck_assert_int_eq(ak_sim_step(s), 0);
    ck_assert_int_eq(ak_sim_step(s), 0);
    ck_assert_uint_eq(ak_sim_events(s), ev);
    ck_assert_int_eq(ak_sim_time(s), sc->duration_us);
    ck_assert_int_eq(ak_sim_run_until(s, INT64_MAX, INT64_MAX), 0);
    ck_assert_uint_eq(ak_sim_events(s), ev);
    /* events counts the end event too, once */
    ck_assert_msg(ev == (uint64_t)steps || ev == (uint64_t)steps + 1,
                  "%llu events after %lld steps", (unsigned long long)ev, (long long)steps);
    ak_sim_summary sum;
    ak_sim_summarize(s, &sum);
    ck_assert_int_eq(sum.height, ak_sim_height(s));
    ck_assert_int_eq(sum.blocks, blocks);
    ck_assert_int_eq(sum.events, (int64_t)ev);
    ck_assert_msg(fabs(sum.days - 0.5) < 1e-12, "days %g", sum.days);
    ak_sim_destroy(s);
    ak_scenario_free(sc);
}
END_TEST

START_TEST(default_block_interval_is_6s)
{
    ak_scenario *sc = load(NULL, 0);
    ak_sim *s;
    char why[1200];
    ak_sim_opts o = {0};
    ck_assert_msg(ak_sim_create(sc, &o, &s, why, sizeof why) == 0, "%s", why);
    ck_assert_int_eq(ak_sim_run_until(s, INT64_MAX, 11), 1);
    ck_assert_int_eq(ak_sim_height(s), 11);
    ck_assert_int_eq(ak_sim_time(s), 60000000);
    ck_assert_int_eq(ak_app_time(ak_sim_app(s)), sc->genesis_time + 60);
    ck_assert_int_eq(ak_sim_run_until(s, INT64_MAX, 14401), 1);
    ck_assert_int_eq(ak_sim_time(s), DAY_US);
    ck_assert_int_eq(ak_app_time(ak_sim_app(s)), sc->genesis_time + 86400);
    ak_sim_destroy(s);
    ak_scenario_free(sc);
}
END_TEST

START_TEST(run_until_time_and_height)
{
    ak_scenario *sc =
        LOAD("duration_days=1", "consensus.timeout_commit_ms=2000", "consensus.gossip_ms=500");
    const int64_t block_us = 2500000;
    ak_sim_summary whole;
    run_plain(sc, &whole);

    ak_sim *s;
    char why[1200];
    ak_sim_opts o = {0};
    ck_assert_msg(ak_sim_create(sc, &o, &s, why, sizeof why) == 0, "%s", why);
    /* increasing times, off every grid and on one; each followed by a jump of a few heights */
    const ak_usec ts[] = {1234567, HOUR_US, 2 * HOUR_US + 1, 7777777777, 12 * HOUR_US + 1250000};
    for (size_t i = 0; i < sizeof ts / sizeof ts[0]; i++) {
        ck_assert_int_eq(ak_sim_run_until(s, ts[i], INT64_MAX), 1);
        ck_assert_msg(ak_sim_time(s) <= ts[i], "stopped at %lld, past %lld",
                      (long long)ak_sim_time(s), (long long)ts[i]);
        ck_assert_msg(ak_sim_next_time(s) > ts[i], "the next event (%lld) is not after %lld",
                      (long long)ak_sim_next_time(s), (long long)ts[i]);
        /* the last block before t has run: height = blocks at 0, 2.5 s, ... <= t */
        ck_assert_int_eq(ak_sim_height(s), ts[i] / block_us + 1);
        /* heights in between */
        ak_height h = ak_sim_height(s) + 1 + (ak_height)(i * 37);
        ck_assert_int_eq(ak_sim_run_until(s, INT64_MAX, h), 1);
        ck_assert_int_eq(ak_sim_height(s), h);
        ck_assert_int_eq(ak_sim_time(s), (h - 1) * block_us);
        ck_assert_int_eq(ak_app_height(ak_sim_app(s)), h);
    }
    /* a height already reached: nothing runs */
    uint64_t ev = ak_sim_events(s);
    ck_assert_int_eq(ak_sim_run_until(s, INT64_MAX, 5), 1);
    ck_assert_uint_eq(ak_sim_events(s), ev);
    /* a time already past: nothing runs */
    ck_assert_int_eq(ak_sim_run_until(s, 1000, INT64_MAX), 1);
    ck_assert_uint_eq(ak_sim_events(s), ev);
    /* to the end: same as one stepped run */
    ck_assert_int_eq(ak_sim_run_until(s, INT64_MAX, INT64_MAX), 0);
    ck_assert_int_eq(ak_sim_time(s), sc->duration_us);
    ak_sim_summary chunked;
    ak_sim_summarize(s, &chunked);
    assert_same_summary(&whole, &chunked);
    ak_sim_destroy(s);
    ak_scenario_free(sc);
}
END_TEST

/* ---- 4. capacity bookkeeping -------------------------------------------------------------- */

typedef struct books {
    int64_t checks, quiet; /* checks made; of them, with no live deployment */
    int64_t max_reserved, max_leased_deps;
} books;

/* Recompute every provider's leased and reserved capacity from the deployment and bid records
 * and check them against free and capacity, and the world's counters against the records and
 * the chain. */
static void check_books(const ak_world *w, books *bk)
{
    uint32_t np = w->nproviders;
    int64_t(*leased)[4] = calloc(np ? np : 1, sizeof *leased);
    int64_t(*reserved)[4] = calloc(np ? np : 1, sizeof *reserved);
    REQUIRE(leased && reserved, "out of memory");
    int64_t tot_leased[4] = {0}, nleased = 0, nopen_bids = 0, nopen_orders = 0, live = 0;
    int64_t nres = 0;
    const ak_market *mk = ak_app_market(w->app);
    for (uint32_t d = 0; d < w->ndeps; d++) {
        const w_dep *dep = &w->deps[d];
        if (dep->state == W_DEP_FREE)
            continue;
        live++;
        if (dep->order_open)
            nopen_orders++;
        int dep_leased = 0;
        uint32_t guard = 0;
        for (uint32_t b = dep->bids; b != NONE; b = w->bids[b].next) {
            REQUIRE(++guard <= w->nbids, "dep %u: its bid list loops", d);
            const w_bid *bid = &w->bids[b];
            REQUIRE(bid->dep == d, "bid %u of dep %u says dep %u", b, d, bid->dep);
            REQUIRE(bid->provider < np, "%s < %s", "bid->provider", "np");
            if (bid->chain_open)
                nopen_bids++;
            int64_t(*into)[4] = NULL;
            if (bid->state == W_BID_RESERVED) {
                into = reserved;
                nres++;
                /* a reservation is for a bid the chain has open, or whose MsgCreateBid is
                 * still in the mempool: one lost, closed or leased holds nothing */
                ak_bid_id id = {w->tenants[dep->tenant].addr, dep->dseq, 1, 1,
                                w->providers[bid->provider].addr};
                const ak_bid *cb = ak_app_find_bid(w->app, id);
                REQUIRE(!cb || cb->state == AK_BID_OPEN,
                        "dep %u: provider %u holds a reservation for a bid the chain has %s", d,
                        bid->provider, ak_bid_state_name(cb->state));
            } else if (bid->state == W_BID_LEASED) {
                into = leased;
                dep_leased++;
                nleased++;
                REQUIRE(dep->provider == bid->provider,
                        "dep %u leased to %u, its leased bid is of %u", d, dep->provider,
                        bid->provider);
                REQUIRE(dep->state == W_DEP_LEASED || dep->state == W_DEP_CLOSING,
                        "dep %u has a leased bid in state %u", d, dep->state);
                /* the chain has that lease active */
                ak_bid_id id = {w->tenants[dep->tenant].addr, dep->dseq, 1, 1,
                                w->providers[bid->provider].addr};
                const ak_bid *cb = ak_app_find_bid(w->app, id);
                REQUIRE(cb && cb->lease_state == AK_LEASE_ACTIVE,
                        "dep %u: leased bid without an active lease on the chain", d);
            } else {
                REQUIRE(bid->state == W_BID_RELEASED, "bid %u in state %u", b, bid->state);
            }
            if (into)
                for (int k = 0; k < 4; k++) {
                    int64_t amt = dep->need[k] * (int64_t)dep->units;
                    into[bid->provider][k] += amt;
                    if (into == leased)
                        tot_leased[k] += amt;
                }
        }
        if (dep->state == W_DEP_LEASED)
            REQUIRE(dep_leased == 1, "leased dep %u has %d leased bids", d, dep_leased);
        else if (dep->state != W_DEP_CLOSING)
            REQUIRE(dep_leased == 0, "dep %u in state %u has a leased bid", d, dep->state);
    }
    for (uint32_t p = 0; p < np; p++) {
        const w_provider *pv = &w->providers[p];
        for (int k = 0; k < 4; k++) {
            REQUIRE(pv->free[k] >= 0, "provider %u resource %d: free %lld", p, k,
                    (long long)pv->free[k]);
            REQUIRE(pv->free[k] + leased[p][k] + reserved[p][k] == pv->cap[k],
                    "provider %u resource %d at %.6f days: free %lld + leased %lld + "
                    "reserved %lld != capacity %lld",
                    p, k, (double)w->now / 86400e6, (long long)pv->free[k], (long long)leased[p][k],
                    (long long)reserved[p][k], (long long)pv->cap[k]);
        }
    }
    for (int k = 0; k < 4; k++)
        REQUIRE(tot_leased[k] == w->leased[k], "leased[%d]: records %lld, world %lld", k,
                (long long)tot_leased[k], (long long)w->leased[k]);
    REQUIRE(nleased == w->active_leases, "active leases: records %lld, world %lld",
            (long long)nleased, (long long)w->active_leases);
    REQUIRE(nopen_bids == w->open_bids, "open bids: records %lld, world %lld",
            (long long)nopen_bids, (long long)w->open_bids);
    REQUIRE(nopen_orders == w->open_orders, "open orders: records %lld, world %lld",
            (long long)nopen_orders, (long long)w->open_orders);
    /* the chain's active leases are the world's */
    int64_t chain_active = 0;
    for (uint32_t h = 0; h < mk->bids.len; h++) {
        const ak_bid *cb = ak_pool_at(&mk->bids, h);
        if (cb->lease_state == AK_LEASE_ACTIVE)
            chain_active++;
    }
    REQUIRE(chain_active == w->active_leases, "active leases: chain %lld, world %lld",
            (long long)chain_active, (long long)w->active_leases);
    if (live == 0) {
        bk->quiet++;
        for (uint32_t p = 0; p < np; p++)
            for (int k = 0; k < 4; k++)
                REQUIRE(w->providers[p].free[k] == w->providers[p].cap[k],
                        "nothing is live, but provider %u resource %d has %lld of %lld free", p, k,
                        (long long)w->providers[p].free[k], (long long)w->providers[p].cap[k]);
    }
    if (nres > bk->max_reserved)
        bk->max_reserved = nres;
    if (nleased > bk->max_leased_deps)
        bk->max_leased_deps = nleased;
    bk->checks++;
    free(leased);
    free(reserved);
}

static void step_checking_books(const ak_scenario *sc, books *bk, ak_sim_summary *sum)
{
    ak_sim *s;
    char why[1200];
    ak_sim_opts o = {0};
    ck_assert_msg(ak_sim_create(sc, &o, &s, why, sizeof why) == 0, "%s", why);
    memset(bk, 0, sizeof *bk);
    check_books(s, bk);
    int rc;
    while ((rc = ak_sim_step(s)) == 1)
        check_books(s, bk);
    ck_assert_msg(rc == 0, "the run failed: %s", ak_sim_errmsg(s));
    check_books(s, bk);
    ak_sim_summarize(s, sum);
    ak_sim_destroy(s);
}

START_TEST(capacity_books_every_event)
{
    /* small CPU providers, so that orders compete for capacity and some do not fit */
    ak_scenario *sc = LOAD("genesis.providers[0].cpu_cores={\"dist\":\"uniform\",\"min\":6,"
                           "\"max\":12}",
                           "genesis.providers[1].count=2", "agents.tenants.arrivals_per_day=120");
    books bk;
    ak_sim_summary sum;
    step_checking_books(sc, &bk, &sum);
    ck_assert_int_gt(sum.leases, 40);
    ck_assert_int_gt(bk.max_reserved, 0);
    ck_assert_int_gt(bk.max_leased_deps, 5);
    ak_scenario_free(sc);
}
END_TEST

START_TEST(capacity_returns_when_idle)
{
    /* few, short-lived deployments: the market empties now and then, and then every provider
     * must have all its capacity back */
    ak_scenario *sc =
        LOAD("agents.tenants.arrivals_per_day=24", "agents.tenants.workloads[0].lifetime_days=0.01",
             "agents.tenants.workloads[1].lifetime_days=0.01");
    books bk;
    ak_sim_summary sum;
    step_checking_books(sc, &bk, &sum);
    ck_assert_int_gt(sum.leases, 20);
    ck_assert_msg(bk.quiet > 100, "only %lld checks with an empty market", (long long)bk.quiet);
    ak_scenario_free(sc);
}
END_TEST

/* ---- 5. market behaviour ----------------------------------------------------------------- */

START_TEST(budget_below_every_price_no_lease)
{
    ak_scenario *sc =
        LOAD("duration_days=1",
             "agents.tenants.workloads[0].budget_usd={\"cpu\":0.2,\"memory\":0.1,\"storage\":0.002,"
             "\"endpoint\":0.05}",
             "agents.tenants.workloads[0].budget_factor=1",
             "agents.tenants.workloads[1].budget_usd={\"cpu\":0.2,\"memory\":0.1,\"storage\":0.002,"
             "\"gpu\":50}");
    char p[PATH_MAX];
    db_path(p, "cheap-tenants");
    ak_sim_summary sum;
    ak_sim_destroy(run_db(sc, p, 0, false, &sum));
    ck_assert_int_gt(sum.deployments, 20);
    ck_assert_int_eq(sum.leases, 0);
    ck_assert_int_eq(q_int(p, "SELECT count(*) FROM leases"), 0);
    ck_assert_int_eq(q_int(p, "SELECT count(*) FROM orders WHERE outcome = 'leased'"), 0);
    ck_assert_int_eq(q_int(p, "SELECT count(*) FROM orders WHERE bids > 0"), 0);
    int64_t unfilled = q_int(p, "SELECT count(*) FROM orders WHERE outcome = 'unfilled'");
    int64_t open = q_int(p, "SELECT count(*) FROM orders WHERE outcome = 'open'");
    ck_assert_int_gt(unfilled, 20);
    ck_assert_int_eq(unfilled + open, q_int(p, "SELECT count(*) FROM orders"));
    /* only an order whose bid window outlasts the run may still be open */
    ck_assert_int_eq(q_int(p,
                           "SELECT count(*) FROM orders WHERE outcome = 'open' AND"
                           " created_us < %lld",
                           (long long)(sc->duration_us - sc->bid_window_us)),
                     0);
    ck_assert_int_eq(q_int(p,
                           "SELECT count(*) FROM orders WHERE outcome = 'unfilled' AND"
                           " closed_us - created_us < %lld",
                           (long long)sc->bid_window_us),
                     0);
    ck_assert_int_eq(q_int(p, "SELECT sum(orders_unmet) FROM metrics"), unfilled);
    ck_assert_int_eq(sum.orders_unmet, unfilled);
    ck_assert_int_eq(q_int(p, "SELECT sum(bids) FROM providers"), 0);
    ck_assert_int_eq(q_int(p, "SELECT sum(orders_unmet) FROM tenants"), unfilled);
    ak_scenario_free(sc);
}
END_TEST

/* A cheap CPU fleet with room for everything, a dear one, and two GPU fleets; CPU and GPU
 * workloads of both models. */
static ak_scenario *market_scenario(void)
{
    return LOAD(
        "genesis.providers=["
        "{\"name\":\"dear\",\"count\":3,\"cpu_cores\":256,\"memory_gib\":1024,"
        "\"storage_gib\":8000},"
        "{\"name\":\"cheap\",\"count\":3,\"cpu_cores\":256,\"memory_gib\":1024,"
        "\"storage_gib\":8000,\"prices_usd\":{\"cpu\":1.0,\"memory\":0.5,\"storage\":0.01}},"
        "{\"name\":\"h100\",\"count\":2,\"cpu_cores\":128,\"memory_gib\":1024,"
        "\"storage_gib\":8000,\"gpus\":8,\"gpu_model\":\"h100\",\"prices_usd\":{\"cpu\":3.0,"
        "\"memory\":2.0,\"storage\":0.05,\"gpu\":900}},"
        "{\"name\":\"a100\",\"count\":2,\"cpu_cores\":128,\"memory_gib\":1024,"
        "\"storage_gib\":8000,\"gpus\":8,\"gpu_model\":\"a100\",\"prices_usd\":{\"cpu\":3.0,"
        "\"memory\":2.0,\"storage\":0.05,\"gpu\":600}}]",
        "agents.tenants.workloads=["
        "{\"kind\":\"web\",\"weight\":0.6,\"units\":{\"dist\":\"choice\",\"values\":[1,2]},"
        "\"cpu_millis\":{\"dist\":\"choice\",\"values\":[500,1000,2000]},"
        "\"memory_mib\":{\"dist\":\"choice\",\"values\":[512,1024,2048]},"
        "\"storage_mib\":{\"dist\":\"choice\",\"values\":[1024,5120]},"
        "\"lifetime_days\":{\"dist\":\"exponential\",\"mean\":0.5},"
        "\"budget_usd\":{\"cpu\":4.0,\"memory\":2.0,\"storage\":0.1}},"
        "{\"kind\":\"gpu-h100\",\"weight\":0.2,\"gpus\":{\"dist\":\"choice\",\"values\":[1,2]},"
        "\"gpu_model\":\"h100\",\"cpu_millis\":8000,\"memory_mib\":65536,\"storage_mib\":102400,"
        "\"lifetime_days\":{\"dist\":\"exponential\",\"mean\":0.3},"
        "\"budget_usd\":{\"cpu\":4.0,\"memory\":2.0,\"storage\":0.1,\"gpu\":1400}},"
        "{\"kind\":\"gpu-a100\",\"weight\":0.2,\"gpus\":{\"dist\":\"choice\",\"values\":[1,2]},"
        "\"gpu_model\":\"a100\",\"cpu_millis\":8000,\"memory_mib\":65536,\"storage_mib\":102400,"
        "\"lifetime_days\":{\"dist\":\"exponential\",\"mean\":0.3},"
        "\"budget_usd\":{\"cpu\":4.0,\"memory\":2.0,\"storage\":0.1,\"gpu\":1400}}]");
}

START_TEST(leases_go_to_the_cheaper_fleet_and_gpu_model)
{
    ak_scenario *sc = market_scenario();
    char p[PATH_MAX];
    db_path(p, "market");
    ak_sim_summary sum;
    ak_sim_destroy(run_db(sc, p, 0, false, &sum));
    ck_assert_int_gt(q_int(p, "SELECT count(*) FROM leases WHERE kind = 'web'"), 30);
    ck_assert_int_gt(q_int(p, "SELECT count(*) FROM leases WHERE kind = 'gpu-h100'"), 3);
    ck_assert_int_gt(q_int(p, "SELECT count(*) FROM leases WHERE kind = 'gpu-a100'"), 3);
    /* the cheap fleet has room for every CPU order and undercuts every other provider */
    ck_assert_int_eq(q_int(p, "SELECT count(*) FROM leases WHERE kind = 'web' AND provider NOT"
                              " LIKE 'cheap-%%'"),
                     0);
    /* the dear fleet did compete */
    ck_assert_int_gt(q_int(p, "SELECT sum(bids) FROM providers WHERE provider LIKE 'dear-%%'"), 0);
    ck_assert_int_eq(
        q_int(p, "SELECT sum(leases_won) FROM providers WHERE provider LIKE 'dear-%%'"), 0);
    /* GPU orders only reach providers of their model */
    ck_assert_int_eq(q_int(p, "SELECT count(*) FROM leases WHERE kind = 'gpu-h100' AND provider"
                              " NOT LIKE 'h100-%%'"),
                     0);
    ck_assert_int_eq(q_int(p, "SELECT count(*) FROM leases WHERE kind = 'gpu-a100' AND provider"
                              " NOT LIKE 'a100-%%'"),
                     0);
    ck_assert_int_eq(q_int(p, "SELECT count(*) FROM leases WHERE gpus > 0 AND kind = 'web'"), 0);
    ck_assert_int_eq(q_int(p, "SELECT count(*) FROM leases WHERE gpus = 0 AND kind <> 'web'"), 0);
    /* no bid the chain refused */
    for (uint32_t i = 0; i < sum.nfailures; i++)
        ck_assert_msg(sum.failures[i].type != AK_MSG_CREATE_BID, "%lld MsgCreateBid failed with %s",
                      (long long)sum.failures[i].count, ak_err_name(sum.failures[i].code));
    ak_scenario_free(sc);
}
END_TEST

/* The GPU model a provider's fleet has, "" for none. */
static const char *fleet_model(const ak_world *w, uint32_t p)
{
    return w->sc->fleets[w->providers[p].fleet].gpu_model;
}

START_TEST(lease_is_the_cheapest_bid)
{
    /* a small cheap fleet that fills up, so that leases also go to dearer providers, and
     * every lease is checked against every bid of its order on the chain */
    ak_scenario *sc = LOAD("genesis.providers=["
                           "{\"name\":\"dear\",\"count\":3,\"cpu_cores\":{\"dist\":\"uniform\","
                           "\"min\":16,\"max\":32},\"memory_gib\":256,\"storage_gib\":2000,"
                           "\"prices_usd\":{\"cpu\":2.0,\"memory\":1.0,\"storage\":0.02}},"
                           "{\"name\":\"mid\",\"count\":2,\"cpu_cores\":8,\"memory_gib\":64,"
                           "\"storage_gib\":2000},"
                           "{\"name\":\"cheap\",\"count\":1,\"cpu_cores\":6,\"memory_gib\":64,"
                           "\"storage_gib\":2000,\"prices_usd\":{\"cpu\":1.0,\"memory\":0.5,"
                           "\"storage\":0.01}},"
                           "{\"name\":\"gpu\",\"count\":3,\"cpu_cores\":64,\"memory_gib\":512,"
                           "\"storage_gib\":4000,\"gpus\":{\"dist\":\"choice\",\"values\":[4,8]},"
                           "\"gpu_model\":\"h100\",\"prices_usd\":{\"cpu\":2.0,\"gpu\":900}}]",
                           "agents.tenants.arrivals_per_day=120");
    ak_sim *s;
    char why[1200];
    ak_sim_opts o = {0};
    ck_assert_msg(ak_sim_create(sc, &o, &s, why, sizeof why) == 0, "%s", why);
    const ak_world *w = s;
    const ak_app *app = ak_sim_app(s);
    const ak_market *mk = ak_app_market(app);
    int64_t leases = 0, contested = 0, by_fleet[8] = {0}, gpu_bids = 0;
    int rc;
    ak_height h0 = 0;
    while ((rc = ak_sim_step(s)) == 1) {
        if (ak_sim_height(s) == h0)
            continue;
        h0 = ak_sim_height(s);
        size_t n;
        const ak_event *ev = ak_app_events(app, &n);
        for (size_t i = 0; i < n; i++) {
            if (ev[i].type == AK_EV_BID_CREATED) {
                uint32_t d = world_dep_find(w, ev[i].id.owner, ev[i].id.dseq);
                uint32_t p = ak_map_get(&w->provider_index, ak_key2(ev[i].id.provider, 0));
                REQUIRE(d != NONE && p != NONE, "a bid of an unknown deployment or provider");
                const char *want = sc->workloads[w->deps[d].workload].gpu_model;
                if (want[0]) {
                    gpu_bids++;
                    REQUIRE(strcmp(fleet_model(w, p), want) == 0,
                            "a %s order got a bid from a provider of model '%s'", want,
                            fleet_model(w, p));
                }
            }
            if (ev[i].type != AK_EV_LEASE_CREATED)
                continue;
            leases++;
            const ak_bid *won = ak_app_find_bid(app, ev[i].id);
            REQUIRE(won, "no bid for a lease");
            const ak_order *ord = ak_pool_at(&mk->orders, won->order);
            int nb = 0;
            const ak_bid *min = NULL;
            for (uint32_t b = ord->bids; b != AK_POOL_NONE;) {
                const ak_bid *cb = ak_pool_at(&mk->bids, b);
                if (cb->state == AK_BID_ACTIVE || cb->state == AK_BID_LOST) {
                    nb++;
                    if (!min || ak_dec_cmp(cb->price.amount, min->price.amount) < 0)
                        min = cb;
                }
                b = cb->next;
            }
            REQUIRE(min, "a lease whose order has no bid");
            REQUIRE(ak_dec_cmp(won->price.amount, min->price.amount) == 0,
                    "lease %s/%llu at %.6f uakt/block, but %s bid %.6f",
                    ak_app_str(app, ev[i].id.owner), (unsigned long long)ev[i].id.dseq,
                    (double)won->price.amount.v / 1e18, ak_app_str(app, min->id.provider),
                    (double)min->price.amount.v / 1e18);
            if (nb > 1)
                contested++;
            uint32_t p = ak_map_get(&w->provider_index, ak_key2(ev[i].id.provider, 0));
            by_fleet[w->providers[p].fleet]++;
        }
    }
    ck_assert_msg(rc == 0, "the run failed: %s", ak_sim_errmsg(s));
    ck_assert_int_gt(leases, 60);
    ck_assert_int_gt(contested, 30);
    ck_assert_int_gt(gpu_bids, 10);
    /* the cheap provider is full at times: the others get leases too */
    ck_assert_int_gt(by_fleet[2], 5);
    ck_assert_int_gt(by_fleet[0] + by_fleet[1], 5);
    ak_sim_destroy(s);
    ak_scenario_free(sc);
}
END_TEST

/* ---- 6. escrow --------------------------------------------------------------------------- */

/* Leases of 10 days, deposits of 1 day at exactly the lease's price (budget = the providers'
 * prices), a funds monitor every 7 minutes (so that 1 day is not on its grid), withdrawals
 * every 31.7 hours (off that grid too). */
static ak_scenario *escrow_scenario(const char *top_up)
{
    char topup_set[200];
    snprintf(topup_set, sizeof topup_set, "agents.tenants.top_up=%s", top_up);
    return LOAD("duration_days=4", topup_set, "agents.tenants.deposit_days=1",
                "agents.tenants.arrivals_per_day=30",
                "agents.providers={\"funds_monitor_minutes\":7,\"withdrawal_period_hours\":31.7}",
                "genesis.providers=[{\"name\":\"cpu\",\"count\":4,\"cpu_cores\":64,"
                "\"memory_gib\":256,\"storage_gib\":2000,\"prices_usd\":{\"cpu\":60,"
                "\"memory\":10,\"storage\":1,\"endpoint\":0.05}}]",
                "agents.tenants.workloads=[{\"kind\":\"web\",\"cpu_millis\":2000,"
                "\"memory_mib\":2048,\"storage_mib\":1024,\"lifetime_days\":10,"
                "\"budget_usd\":{\"cpu\":60,\"memory\":10,\"storage\":1,\"endpoint\":0.05}}]");
}

START_TEST(no_top_up_closes_for_insufficient_funds)
{
    ak_scenario *sc = escrow_scenario("false");
    ck_assert(!sc->top_up);
    char p[PATH_MAX];
    db_path(p, "dry");
    ak_sim_destroy(run_db(sc, p, 0, false, NULL));
    const int64_t iv = sc->monitor_interval_us;
    ck_assert_int_eq(iv, 7 * 60 * 1000000LL);
    int64_t total = q_int(p, "SELECT count(*) FROM leases");
    int64_t dry = q_int(p, "SELECT count(*) FROM leases WHERE close_reason = 'insufficient_funds'");
    ck_assert_int_gt(total, 40);
    ck_assert_int_gt(dry, 30);
    /* nothing else closes a lease here */
    ck_assert_int_eq(q_int(p, "SELECT count(*) FROM leases WHERE closed_us IS NOT NULL AND"
                              " close_reason IS NOT 'insufficient_funds'"),
                     0);
    /* about a day after the start: the deposit covers one day at the lease's price, and the
     * monitor looks on its grid counted from the lease's start */
    int64_t lo = q_int(p, "SELECT min(closed_us - created_us) FROM leases WHERE close_reason ="
                          " 'insufficient_funds'");
    int64_t hi = q_int(p, "SELECT max(closed_us - created_us) FROM leases WHERE close_reason ="
                          " 'insufficient_funds'");
    ck_assert_msg(lo >= DAY_US - iv && hi <= DAY_US + 2 * iv,
                  "closed between %.4f and %.4f days after the start", (double)lo / DAY_US,
                  (double)hi / DAY_US);
    ck_assert_int_eq(q_int(p,
                           "SELECT count(*) FROM leases WHERE close_reason ="
                           " 'insufficient_funds' AND (closed_us - created_us) %% %lld <> 0",
                           (long long)iv),
                     0);
    /* every lease that had a day and two monitor ticks before the end ran dry */
    char cond[200];
    snprintf(cond, sizeof cond, "closed_us IS NULL AND created_us + %lld < %lld",
             (long long)(DAY_US + 2 * iv), (long long)sc->duration_us);
    char sql[400];
    snprintf(sql, sizeof sql,
             "SELECT coalesce(group_concat(lease_id || '@' || created_us), '') FROM leases"
             " WHERE %s",
             cond);
    char *open = q_text(p, sql);
    ck_assert_msg(q_int(p, "SELECT count(*) FROM leases WHERE %s", cond) == 0,
                  "leases never closed: %.300s", open);
    free(open);
    /* the provider was paid what the deposit held: one day at the lease's price, no more */
    ck_assert_int_eq(q_int(p, "SELECT count(*) FROM leases WHERE close_reason ="
                              " 'insufficient_funds' AND (paid <= 0 OR paid > price_per_block"
                              " * 14400 + 1)"),
                     0);
    ak_scenario_free(sc);
}
END_TEST

START_TEST(top_up_keeps_leases_funded)
{
    ak_scenario *sc = escrow_scenario("{\"below_days\":0.5,\"days\":1}");
    ck_assert(sc->top_up);
    char p[PATH_MAX];
    db_path(p, "topup");
    ak_sim_destroy(run_db(sc, p, 0, false, NULL));
    ck_assert_int_gt(q_int(p, "SELECT count(*) FROM leases"), 40);
    int64_t dry = q_int(p, "SELECT count(*) FROM leases WHERE close_reason = 'insufficient_funds'");
    ck_assert_msg(dry == 0, "%lld leases closed for insufficient funds with top-ups on",
                  (long long)dry);
    /* lifetimes outlast the run: every lease is still open */
    ck_assert_int_eq(q_int(p, "SELECT count(*) FROM leases WHERE closed_us IS NOT NULL"), 0);
    /* tenants deposited more than their first deposits */
    ck_assert_int_gt(q_int(p, "SELECT sum(deposited_uakt) FROM tenants"),
                     q_int(p, "SELECT sum(deployments) FROM tenants") *
                         q_int(p, "SELECT min(budget_per_block) * 14400 FROM orders"));
    ak_scenario_free(sc);
}
END_TEST

/* ---- 7. hearing is bounded --------------------------------------------------------------- */

START_TEST(bids_per_order_bounded)
{
    ak_scenario *sc = LOAD("duration_days=1", "agents.providers.max_bids_per_order=2",
                           "genesis.providers=[{\"name\":\"p\",\"count\":20,\"cpu_cores\":64,"
                           "\"memory_gib\":256,\"storage_gib\":4000}]",
                           "agents.tenants.workloads=[{\"kind\":\"web\",\"cpu_millis\":1000,"
                           "\"memory_mib\":1024,\"storage_mib\":1024,\"lifetime_days\":0.5,"
                           "\"budget_usd\":{\"cpu\":4.0,\"memory\":2.0,\"storage\":0.1}}]");
    ck_assert_uint_eq(sc->max_bids_per_order, 2);
    char p[PATH_MAX];
    db_path(p, "hearing");
    ak_sim_destroy(run_db(sc, p, 0, false, NULL));
    ck_assert_int_gt(q_int(p, "SELECT count(*) FROM orders"), 30);
    ck_assert_int_eq(q_int(p, "SELECT max(bids) FROM orders"), 2);
    /* every provider fits every order: both that heard it bid */
    ck_assert_int_eq(q_int(p, "SELECT count(*) FROM orders WHERE outcome <> 'open' AND bids <> 2"),
                     0);
    ck_assert_int_eq(q_int(p, "SELECT sum(bids) FROM providers"),
                     q_int(p, "SELECT sum(bids) FROM orders"));
    /* and hearing is spread over the fleet */
    ck_assert_int_gt(q_int(p, "SELECT count(*) FROM providers WHERE bids > 0"), 10);
    ak_scenario_free(sc);
}
END_TEST

/* ---- 8. results rows --------------------------------------------------------------------- */

/* The metrics grid, the period flows against the run's totals, and the final rows. */
static void check_results(const ak_scenario *sc, const char *p, const ak_sim *s,
                          const ak_sim_summary *sum)
{
    const ak_world *w = s;
    int64_t iv = sc->sample_us;
    int64_t nrows = q_int(p, "SELECT count(*) FROM metrics");
    ck_assert_int_gt(nrows, 0);
    ck_assert_int_eq(
        q_int(p, "SELECT count(*) FROM metrics WHERE t_us %% %lld <> 0", (long long)iv), 0);
    ck_assert_int_eq(q_int(p, "SELECT min(t_us) FROM metrics"), iv);
    ck_assert_int_eq(q_int(p, "SELECT count(DISTINCT t_us) FROM metrics"), nrows);
    ck_assert_int_eq(q_int(p, "SELECT max(t_us) FROM metrics"), sc->duration_us);
    ck_assert_int_eq(q_int(p, "SELECT count(*) FROM metrics WHERE height <> t_us / %lld + 1",
                           (long long)w->block_us),
                     0);
    /* flows of the periods sum to the run's totals */
    ck_assert_int_eq(q_int(p, "SELECT sum(blocks) FROM metrics"), sum->blocks);
    ck_assert_int_eq(q_int(p, "SELECT sum(leases_created) FROM metrics"), sum->leases);
    ck_assert_int_eq(q_int(p, "SELECT sum(deployments_created) FROM metrics"), sum->deployments);
    ck_assert_int_eq(q_int(p, "SELECT sum(orders_unmet) FROM metrics"), sum->orders_unmet);
    ck_assert_int_eq(q_int(p, "SELECT sum(leases_closed) FROM metrics"),
                     q_int(p, "SELECT count(*) FROM leases WHERE closed_us IS NOT NULL"));
    ck_assert_int_eq(q_int(p, "SELECT sum(provider_income_uakt) FROM metrics"), w->total.income);
    ck_assert_int_eq(q_int(p, "SELECT sum(take_uakt) FROM metrics"), w->total.take);
    ck_assert_int_eq(q_int(p, "SELECT active_leases FROM metrics ORDER BY t_us DESC LIMIT 1"),
                     sum->active_leases);
    /* the entity rows */
    ck_assert_int_eq(q_int(p, "SELECT count(*) FROM leases"), sum->leases);
    ck_assert_int_eq(q_int(p, "SELECT count(*) FROM leases WHERE closed_us IS NULL"),
                     sum->active_leases);
    ck_assert_int_eq(q_int(p, "SELECT count(*) FROM orders"), sum->deployments);
    ck_assert_int_eq(q_int(p, "SELECT count(*) FROM orders WHERE outcome = 'leased'"), sum->leases);
    ck_assert_int_eq(q_int(p, "SELECT count(*) FROM providers"), sc->nproviders);
    ck_assert_int_eq(q_int(p, "SELECT count(*) FROM validators"), sc->nvalidators);
    int64_t with_deps = 0;
    for (uint32_t i = 0; i < w->ntenants; i++)
        with_deps += w->tenants[i].deployments > 0;
    ck_assert_int_eq(q_int(p, "SELECT count(*) FROM tenants"), with_deps);
    ck_assert_int_le(with_deps, sc->ntenants);
    ck_assert_int_eq(q_int(p, "SELECT sum(leases) FROM tenants"), sum->leases);
    ck_assert_int_eq(q_int(p, "SELECT sum(leases_won) FROM providers"), sum->leases);
    ck_assert_int_eq(q_int(p, "SELECT sum(blocks_proposed) FROM validators"), sum->blocks);
    /* provider rows carry the drawn capacities */
    for (uint32_t i = 0; i < w->nproviders; i++) {
        const w_provider *pv = &w->providers[i];
        const char *name = ak_app_str(w->app, pv->addr);
        ck_assert_int_eq(q_int(p, "SELECT cpu_millis FROM providers WHERE provider = '%s'", name),
                         pv->cap[W_CPU]);
        ck_assert_int_eq(q_int(p, "SELECT gpus FROM providers WHERE provider = '%s'", name),
                         pv->cap[W_GPU]);
    }
    /* the run row */
    char *status = q_text(p, "SELECT status FROM runs");
    ck_assert_str_eq(status, "complete");
    free(status);
    ck_assert_int_eq(q_int(p, "SELECT count(*) FROM runs"), 1);
    ck_assert_int_eq(q_int(p, "SELECT events FROM runs"), sum->events);
    ck_assert_int_eq(q_int(p, "SELECT blocks FROM runs"), sum->blocks);
    ck_assert_int_eq(q_int(p, "SELECT seed FROM runs"), (int64_t)sc->seed);
}

START_TEST(results_rows)
{
    ak_scenario *sc = load(NULL, 0);
    char p[PATH_MAX];
    db_path(p, "results");
    ak_sim_summary sum;
    ak_sim *s = run_db(sc, p, 0, false, &sum);
    ck_assert_int_eq(q_int(p, "SELECT count(*) FROM metrics"), 8);
    check_results(sc, p, s, &sum);
    ck_assert_int_eq(q_int(p, "SELECT count(*) FROM providers WHERE provider LIKE 'gpu-%%' AND"
                              " gpu_model = 'h100'"),
                     3);
    ck_assert_int_eq(q_int(p, "SELECT count(*) FROM providers WHERE provider LIKE 'cpu-%%' AND"
                              " gpu_model IS NULL AND gpus = 0"),
                     4);
    ck_assert_int_eq(q_int(p, "SELECT count(*) FROM providers WHERE provider = 'cpu-1' AND"
                              " region = 'us-west'"),
                     1);
    ck_assert_int_eq(q_int(p, "SELECT count(*) FROM providers WHERE provider = 'cpu-2' AND"
                              " region = 'eu-central'"),
                     1);
    ck_assert_int_eq(q_int(p, "SELECT count(*) FROM validators WHERE status_end = 'bonded'"), 4);
    ak_sim_destroy(s);
    ak_scenario_free(sc);
}
END_TEST

START_TEST(results_rows_duration_off_the_grid)
{
    /* 30 hours sampled every 4: the grid is 4, 8, ..., 28 h; the flows of the last 2 hours must
     * still be in some row (docs/results.md: summing a run's rows gives the run's total) */
    ak_scenario *sc = LOAD("duration_days=1.25", "sample_interval_hours=4");
    char p[PATH_MAX];
    db_path(p, "offgrid");
    ak_sim_summary sum;
    ak_sim *s = run_db(sc, p, 0, false, &sum);
    ck_assert_int_gt(sum.leases, 20);
    int64_t blocks = q_int(p, "SELECT sum(blocks) FROM metrics");
    ck_assert_msg(blocks == sum.blocks,
                  "the metrics rows hold %lld blocks of the run's %lld (last row at %.2f h)",
                  (long long)blocks, (long long)sum.blocks,
                  (double)q_int(p, "SELECT max(t_us) FROM metrics") / HOUR_US);
    ck_assert_int_eq(q_int(p, "SELECT sum(leases_created) FROM metrics"), sum.leases);
    ak_sim_destroy(s);
    ak_scenario_free(sc);
}
END_TEST

int main(void)
{
    gsl_set_error_handler_off();
    snprintf(g_dir, sizeof g_dir, "/tmp/akashsim-engine-XXXXXX");
    if (!mkdtemp(g_dir)) {
        perror("mkdtemp");
        return 1;
    }
    Suite *s = suite_create("engine");
    const struct {
        const char *name;
        const TTest *test;
    } tests[] = {
        {"same_seed_same_rows", same_seed_same_rows},
        {"other_seed_other_rows", other_seed_other_rows},
        {"check_mode_same_results", check_mode_same_results},
        {"step_events_blocks_and_times", step_events_blocks_and_times},
        {"default_block_interval_is_6s", default_block_interval_is_6s},
        {"run_until_time_and_height", run_until_time_and_height},
        {"capacity_books_every_event", capacity_books_every_event},
        {"capacity_returns_when_idle", capacity_returns_when_idle},
        {"budget_below_every_price_no_lease", budget_below_every_price_no_lease},
        {"leases_go_to_the_cheaper_fleet_and_gpu_model",
         leases_go_to_the_cheaper_fleet_and_gpu_model},
        {"lease_is_the_cheapest_bid", lease_is_the_cheapest_bid},
        {"no_top_up_closes_for_insufficient_funds", no_top_up_closes_for_insufficient_funds},
        {"top_up_keeps_leases_funded", top_up_keeps_leases_funded},
        {"bids_per_order_bounded", bids_per_order_bounded},
        {"results_rows", results_rows},
        {"results_rows_duration_off_the_grid", results_rows_duration_off_the_grid},
    };
    /* one case per test, so that CK_RUN_CASE=<name> runs one */
    for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
        TCase *tc = tcase_create(tests[i].name);
        tcase_set_timeout(tc, 60);
        tcase_add_test(tc, tests[i].test);
        suite_add_tcase(s, tc);
    }
    int rc = check_run(s);
    (void)nftw(g_dir, remove_one, 16, FTW_PHYS | FTW_DEPTH);
    return rc;
}
