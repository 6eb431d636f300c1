/*
 * tests/test_recorder.c: the results database (sim/recorder.h, docs/results.md): the schema and
 * its version, rows written and read back (NULL for the -1 sentinels, NaN and NULL strings),
 * batches, the run status lifecycle (complete, failed, and 'running' after a crash), and the
 * errors of open (not a database, another schema version, unwritable places, a full disk).
 *
 * Every file lives in one temporary directory made before the tests and removed after them.
 * Values are read back through the sqlite3 API, as an analysis would.
 */
#define _GNU_SOURCE
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_run.h"
#include "errors.h"
#include "recorder.h"

/* ---- the temporary directory ------------------------------------------------------------- */

static char g_dir[PATH_MAX];  /* the suite's, made and removed by the parent process */
static char g_tdir[PATH_MAX]; /* the current test's, inside it */

static void dir_setup(void)
{
    snprintf(g_dir, sizeof g_dir, "/tmp/akashsim-rec-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(g_dir));
}

static void test_dir_setup(void)
{
    int n = snprintf(g_tdir, sizeof g_tdir, "%s/t-XXXXXX", g_dir);
    ck_assert(n > 0 && (size_t)n < sizeof g_tdir);
    ck_assert_ptr_nonnull(mkdtemp(g_tdir));
}

static int make_removable(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)ftw;
    if (flag == FTW_D || flag == FTW_DNR)
        (void)chmod(p, (sb->st_mode & 07777) | S_IRWXU);
    return 0;
}

static int remove_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb, (void)flag, (void)ftw;
    (void)remove(p);
    return 0;
}

static void dir_teardown(void)
{
    (void)nftw(g_dir, make_removable, 16, FTW_PHYS);
    (void)nftw(g_dir, remove_one, 16, FTW_PHYS | FTW_DEPTH);
}

/* dir/name into buf (PATH_MAX bytes). */
static const char *join(char *buf, const char *dir, const char *name)
{
    int n = snprintf(buf, PATH_MAX, "%s/%s", dir, name);
    ck_assert(n > 0 && n < PATH_MAX);
    return buf;
}

/* The test's directory/name into buf. */
static const char *at(char *buf, const char *name)
{
    return join(buf, g_tdir, name);
}

static bool exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

static int entries(const char *dir)
{
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            n++;
    closedir(d);
    return n;
}

/* ---- reading back ------------------------------------------------------------------------ */

static sqlite3 *raw_open(const char *path)
{
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL);
    ck_assert_msg(rc == SQLITE_OK, "%s: %s", path, db ? sqlite3_errmsg(db) : "no handle");
    return db;
}

static void raw_close(sqlite3 *db)
{
    ck_assert_int_eq(sqlite3_close(db), SQLITE_OK);
}

static void raw_exec(sqlite3 *db, const char *sql)
{
    char *err = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &err);
    ck_assert_msg(rc == SQLITE_OK, "%s: %s", sql, err ? err : "?");
}

/* A query of one row; the statement is left positioned on it. */
static sqlite3_stmt *row1(sqlite3 *db, const char *fmt, ...)
{
    char sql[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof sql, fmt, ap);
    va_end(ap);
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    ck_assert_msg(rc == SQLITE_OK, "%s: %s", sql, sqlite3_errmsg(db));
    rc = sqlite3_step(st);
    ck_assert_msg(rc == SQLITE_ROW, "%s: no row (%s)", sql, sqlite3_errmsg(db));
    return st;
}

static void done(sqlite3_stmt *st)
{
    ck_assert_int_eq(sqlite3_finalize(st), SQLITE_OK);
}

static int64_t q_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = row1(db, "%s", sql);
    ck_assert_msg(sqlite3_column_type(st, 0) == SQLITE_INTEGER, "%s: not an integer", sql);
    int64_t v = sqlite3_column_int64(st, 0);
    done(st);
    return v;
}

static void q_text(sqlite3 *db, const char *sql, char *buf, size_t cap)
{
    sqlite3_stmt *st = row1(db, "%s", sql);
    const unsigned char *v = sqlite3_column_text(st, 0);
    ck_assert_msg(v, "%s: NULL", sql);
    snprintf(buf, cap, "%s", (const char *)v);
    done(st);
}

/* Column i of the current row: integer v, real v, text s, NULL. */
static void col_int(sqlite3_stmt *st, int i, int64_t v)
{
    ck_assert_msg(sqlite3_column_type(st, i) == SQLITE_INTEGER, "%s is not an integer",
                  sqlite3_column_name(st, i));
    ck_assert_msg(sqlite3_column_int64(st, i) == v, "%s = %lld, expected %lld",
                  sqlite3_column_name(st, i), (long long)sqlite3_column_int64(st, i),
                  (long long)v);
}

static void col_dbl(sqlite3_stmt *st, int i, double v)
{
    ck_assert_msg(sqlite3_column_type(st, i) == SQLITE_FLOAT, "%s is not a real",
                  sqlite3_column_name(st, i));
    ck_assert_msg(sqlite3_column_double(st, i) == v, "%s = %g, expected %g",
                  sqlite3_column_name(st, i), sqlite3_column_double(st, i), v);
}

static void col_text(sqlite3_stmt *st, int i, const char *s)
{
    const unsigned char *v = sqlite3_column_text(st, i);
    ck_assert_msg(v, "%s is NULL, expected '%s'", sqlite3_column_name(st, i), s);
    ck_assert_msg(strcmp((const char *)v, s) == 0, "%s = '%s', expected '%s'",
                  sqlite3_column_name(st, i), (const char *)v, s);
}

static void col_null(sqlite3_stmt *st, int i)
{
    ck_assert_msg(sqlite3_column_type(st, i) == SQLITE_NULL, "%s is not NULL",
                  sqlite3_column_name(st, i));
}

/* ---- rows to write ----------------------------------------------------------------------- */

static ak_rec_run_info run_info(uint64_t seed, int64_t point)
{
    return (ak_rec_run_info){
        .scenario_name = "baseline",
        .scenario_json = "{\"name\":\"baseline\"}",
        .seed = seed,
        .replication = 3,
        .point = point,
        .point_json = point >= 0 ? "{\"take\":0.02}" : NULL,
        .variant = point >= 0 ? "cheapest" : NULL,
        .command = point >= 0 ? "akashsim run x.json --seed 1" : NULL,
        .rules = "akash-v1",
        .version = "0.1.0",
        .started_unix = 1700000000, /* 2023-11-14T22:13:20Z */
    };
}

/* Sample i: every field a function of i; the GPU figures NaN (no GPU capacity, no leases). */
static ak_rec_metrics sample(int64_t i)
{
    return (ak_rec_metrics){
        .t_us = i * 60000000,
        .height = i * 10,
        .blocks = 10,
        .active_leases = 100 + i,
        .open_orders = 5,
        .open_bids = 7,
        .active_deployments = 90,
        .cpu_util = 0.5,
        .mem_util = 0.25,
        .gpu_util = NAN,
        .price_cpu_month_mean_usd = 1.5,
        .price_cpu_month_median_usd = 1.25,
        .price_gpu_hour_mean_usd = NAN,
        .price_gpu_hour_median_usd = NAN,
        .tenant_spend_uakt = 1000 + i,
        .provider_income_uakt = 980,
        .take_uakt = 20,
        .tenant_spend_usd = 0.003,
        .provider_income_usd = 0.00294,
        .take_usd = 0.00006,
        .community_pool_uakt = 123456789,
        .total_supply_uakt = INT64_C(250000000000000),
        .bonded_ratio = 0.55,
        .inflation = 0.13,
        .staking_apr = 0.2363636,
        .akt_usd = 3.0,
        .bonded_validators = 100,
        .jailed_validators = 2,
        .orders_unmet = 1,
        .deployments_created = 4,
        .leases_created = 3,
        .leases_closed = 2,
        .providers_down = 2 + i,
        .provider_failures = 1,
        .failures_noticed = 3 * i,
        .validators_offline = i % 3,
        .chain_halts = i % 2,
        .halted_s = 12.5 * (double)i,
        .active_providers = 50 + i,
        .providers_entered = i % 2,
        .providers_exited = i % 3,
        .arrivals_priced_out = 7 * i,
        .tenant_spend_uusdc = 1000 * i,
        .provider_income_uusdc = 800 * i,
        .take_uusdc = 200 * i,
    };
}

static const ak_rec_lease LEASE_OPEN = {
    .lease_id = "tenant7/1042/1/1/prov3",
    .tenant = "tenant7",
    .provider = "prov3",
    .kind = "gpu-inference",
    .created_us = 3600000000,
    .created_height = 600,
    .closed_us = -1,
    .closed_height = -1,
    .close_reason = NULL,
    .denom = "uakt",
    .price_per_block = 12.5,
    .price_usd_month = 81.0,
    .cpu_millis = 4000,
    .memory_bytes = INT64_C(17179869184),
    .storage_bytes = INT64_C(107374182400),
    .gpus = 1,
    .paid = 750000,
};

static const ak_rec_lease LEASE_CLOSED = {
    .lease_id = "tenant8/7/1/1/prov1",
    .tenant = "tenant8",
    .provider = "prov1",
    .kind = "web",
    .created_us = 1000,
    .created_height = 1,
    .closed_us = 2000000,
    .closed_height = 334,
    .close_reason = "insufficient_funds",
    .denom = "uusdc",
    .price_per_block = 0.5,
    .price_usd_month = 0.25,
    .cpu_millis = 500,
    .memory_bytes = 536870912,
    .storage_bytes = 1073741824,
    .gpus = 0,
    .paid = 166,
};

static const ak_rec_order ORDER = {
    .order_id = "tenant7/1042/1/1",
    .tenant = "tenant7",
    .kind = "gpu-inference",
    .created_us = 3000000000,
    .closed_us = -1,
    .bids = 4,
    .outcome = "open",
    .budget_per_block = 20.0,
};

static const ak_rec_provider PROVIDER = {
    .provider = "prov3",
    .region = "us-west",
    .gpu_model = "a100",
    .cpu_millis = 64000,
    .memory_bytes = INT64_C(274877906944),
    .storage_bytes = INT64_C(4398046511104),
    .gpus = 8,
    .bids = 40,
    .leases_won = 12,
    .income_uakt = 7350000,
    .income_uusdc = 125000,
    .failures = 3,
    .downtime_hours = 7.25,
    .entered_us = 86400000000,
    .exited_us = -1,
};

static const ak_rec_tenant TENANT = {
    .tenant = "tenant7",
    .deployments = 3,
    .leases = 2,
    .orders_unmet = 1,
    .deposited_uakt = 15000000,
    .refunded_uakt = 4000000,
    .deposited_uusdc = 5000000,
    .refunded_uusdc = 250000,
    .failures_noticed = 2,
    .redeployments = 1,
};

static const ak_rec_validator VALIDATOR = {
    .validator = "val12",
    .tokens_start = 1000000000,
    .tokens_end = 950000000,
    .status_end = "unbonding",
    .jailed_end = true,
    .times_jailed = 1,
    .blocks_proposed = 410,
    .blocks_missed = 9500,
    .commission_rate = 0.05,
    .failures = 2,
    .downtime_hours = 30.5,
    .double_signs = 1,
};

static const ak_rec_proposal PROPOSAL = {
    .proposal_id = 4,
    .title = "raise take",
    .messages = "[{\"module\":\"market\",\"take_rate\":\"0.04\"}]",
    .submit_us = 86400000000,
    .voting_start_us = 90000000000,
    .end_us = -1,
    .status = "voting",
    .yes = NAN,
    .no = NAN,
    .abstain = NAN,
    .veto = NAN,
    .turnout = 0.0,
};

static ak_rec *open_ok(const char *path)
{
    ak_rec *rec = NULL;
    char err[256];
    int rc = ak_rec_open(path, &rec, err, sizeof err);
    ck_assert_msg(rc == 0, "open %s: %d %s", path, rc, err);
    ck_assert_ptr_nonnull(rec);
    return rec;
}

#define OK(rec, call) ck_assert_msg((call) == 0, "%s: %s", #call, ak_rec_errmsg(rec))

/* Expect ak_rec_open(path) to fail with status and the message "path: tail". */
static void open_fails(const char *path, int status, const char *tail)
{
    ak_rec *rec = (ak_rec *)&rec; /* must be reset to NULL */
    char err[512], want[600];
    int rc = ak_rec_open(path, &rec, err, sizeof err);
    ck_assert_msg(rc == status, "open %s: %d, expected %d (%s)", path, rc, status, err);
    ck_assert_ptr_null(rec);
    snprintf(want, sizeof want, "%s: %s", path, tail);
    ck_assert_msg(strcmp(err, want) == 0, "message '%s', expected '%s'", err, want);
}

/* ---- tests ------------------------------------------------------------------------------- */

START_TEST(open_creates_schema_and_meta)
{
    char path[PATH_MAX], buf[64];
    at(path, "results.db");
    ak_rec *rec = open_ok(path);
    ck_assert_str_eq(ak_rec_errmsg(rec), "");
    ck_assert_int_eq(ak_rec_close(rec), 0);
    ck_assert(exists(path));

    sqlite3 *db = raw_open(path);
    q_text(db, "SELECT value FROM meta WHERE key = 'schema_version'", buf, sizeof buf);
    ck_assert_int_eq(atoi(buf), AK_REC_SCHEMA_VERSION);
    q_text(db, "PRAGMA journal_mode", buf, sizeof buf);
    ck_assert_str_eq(buf, "wal");
    static const char *const tables[] = {"meta",    "runs",      "metrics",    "leases",
                                         "orders",  "providers", "tenants",    "validators",
                                         "proposals"};
    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
        char sql[128];
        snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", tables[i]);
        ck_assert_int_eq(q_int(db, sql), i == 0 ? 1 : 0);
    }
    /* every table but meta carries run_id, first, referencing runs */
    for (size_t i = 2; i < sizeof tables / sizeof tables[0]; i++) {
        sqlite3_stmt *st = row1(db, "SELECT \"table\", \"from\", \"to\" "
                                    "FROM pragma_foreign_key_list('%s')", tables[i]);
        col_text(st, 0, "runs");
        col_text(st, 1, "run_id");
        col_text(st, 2, "run_id");
        done(st);
        st = row1(db, "SELECT name FROM pragma_table_info('%s') WHERE cid = 0", tables[i]);
        col_text(st, 0, "run_id");
        done(st);
    }
    /* the run indexes are built when a run ends (recorder.c, RUN_INDEXES) */
    ck_assert_int_eq(q_int(db, "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND "
                               "name IN ('metrics_run_t', 'leases_run_provider')"),
                     0);
    raw_close(db);
    rec = open_ok(path);
    int64_t id;
    ak_rec_run_info info = {.scenario_name = "s", .scenario_json = "{}", .seed = 1, .point = -1,
                            .rules = "akash-v1", .version = "test"};
    ck_assert_int_eq(ak_rec_begin_run(rec, &info, &id), 0);
    ck_assert_int_eq(ak_rec_end_run(rec, true, NULL, 0.5, 10, 5), 0);
    ck_assert_int_eq(ak_rec_close(rec), 0);
    db = raw_open(path);
    ck_assert_int_eq(q_int(db, "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND "
                               "name IN ('metrics_run_t', 'leases_run_provider', "
                               "'leases_run_tenant', 'orders_run_tenant', "
                               "'providers_run_provider', 'tenants_run_tenant', "
                               "'validators_run_validator', 'proposals_run_id', 'runs_status')"),
                     9);
    raw_close(db);

    /* opening it again keeps it as it is */
    rec = open_ok(path);
    ck_assert_int_eq(ak_rec_close(rec), 0);
    db = raw_open(path);
    ck_assert_int_eq(q_int(db, "SELECT count(*) FROM meta"), 1);
    raw_close(db);
}
END_TEST


/* The metrics row at the statement's current row is sample(i), columns in table order. */
static void check_sample(sqlite3_stmt *st, int64_t run_id, int64_t i)
{
    ak_rec_metrics m = sample(i);
    int c = 0;
    col_int(st, c++, run_id);
    col_int(st, c++, m.t_us);
    col_int(st, c++, m.height);
    col_int(st, c++, m.blocks);
    col_int(st, c++, m.active_leases);
    col_int(st, c++, m.open_orders);
    col_int(st, c++, m.open_bids);
    col_int(st, c++, m.active_deployments);
    col_dbl(st, c++, m.cpu_util);
    col_dbl(st, c++, m.mem_util);
    col_null(st, c++); /* gpu_util NaN */
    col_dbl(st, c++, m.price_cpu_month_mean_usd);
    col_dbl(st, c++, m.price_cpu_month_median_usd);
    col_null(st, c++);
    col_null(st, c++);
    col_int(st, c++, m.tenant_spend_uakt);
    col_int(st, c++, m.provider_income_uakt);
    col_int(st, c++, m.take_uakt);
    col_dbl(st, c++, m.tenant_spend_usd);
    col_dbl(st, c++, m.provider_income_usd);
    col_dbl(st, c++, m.take_usd);
    col_int(st, c++, m.community_pool_uakt);
    col_int(st, c++, m.total_supply_uakt);
    col_dbl(st, c++, m.bonded_ratio);
    col_dbl(st, c++, m.inflation);
    col_dbl(st, c++, m.staking_apr);
    col_dbl(st, c++, m.akt_usd);
    col_int(st, c++, m.bonded_validators);
    col_int(st, c++, m.jailed_validators);
    col_int(st, c++, m.orders_unmet);
    col_int(st, c++, m.deployments_created);
    col_int(st, c++, m.leases_created);
    col_int(st, c++, m.leases_closed);
    col_int(st, c++, m.providers_down);
    col_int(st, c++, m.provider_failures);
    col_int(st, c++, m.failures_noticed);
    col_int(st, c++, m.validators_offline);
    col_int(st, c++, m.chain_halts);
    col_dbl(st, c++, m.halted_s);
    col_int(st, c++, m.active_providers);
    col_int(st, c++, m.providers_entered);
    col_int(st, c++, m.providers_exited);
    col_int(st, c++, m.arrivals_priced_out);
    col_int(st, c++, m.tenant_spend_uusdc);
    col_int(st, c++, m.provider_income_uusdc);
    col_int(st, c++, m.take_uusdc);
    ck_assert_int_eq(sqlite3_column_count(st), c);
}

static void check_lease(sqlite3_stmt *st, const ak_rec_lease *l)
{
    int c = 0;
    col_int(st, c++, 1);
    col_text(st, c++, l->lease_id);
    col_text(st, c++, l->tenant);
    col_text(st, c++, l->provider);
    col_text(st, c++, l->kind);
    col_int(st, c++, l->created_us);
    col_int(st, c++, l->created_height);
    if (l->closed_us == -1) {
        col_null(st, c++);
        col_null(st, c++);
        col_null(st, c++);
    } else {
        col_int(st, c++, l->closed_us);
        col_int(st, c++, l->closed_height);
        col_text(st, c++, l->close_reason);
    }
    col_text(st, c++, l->denom);
    col_dbl(st, c++, l->price_per_block);
    col_dbl(st, c++, l->price_usd_month);
    col_int(st, c++, l->cpu_millis);
    col_int(st, c++, l->memory_bytes);
    col_int(st, c++, l->storage_bytes);
    col_int(st, c++, l->gpus);
    col_int(st, c++, l->paid);
    ck_assert_int_eq(sqlite3_column_count(st), c);
}

START_TEST(complete_run_round_trip)
{
    char path[PATH_MAX], buf[64];
    at(path, "results.db");
    ak_rec *rec = open_ok(path);
    ak_rec_run_info info = run_info(UINT64_MAX - 4, 2); /* above 2^63 - 1 */
    int64_t id = 0;
    OK(rec, ak_rec_begin_run(rec, &info, &id));
    ck_assert_int_eq(id, 1);

    /* the run row is committed at once: another connection sees it running */
    sqlite3 *db = raw_open(path);
    q_text(db, "SELECT status FROM runs WHERE run_id = 1", buf, sizeof buf);
    ck_assert_str_eq(buf, "running");

    const int n = AK_REC_BATCH + 10;
    for (int i = 0; i < n; i++) {
        ak_rec_metrics m = sample(i);
        OK(rec, ak_rec_write_metrics(rec, &m));
    }
    /* one batch committed, the next one open */
    ck_assert_int_eq(q_int(db, "SELECT count(*) FROM metrics"), AK_REC_BATCH);
    OK(rec, ak_rec_write_lease(rec, &LEASE_OPEN));
    OK(rec, ak_rec_write_lease(rec, &LEASE_CLOSED));
    OK(rec, ak_rec_write_order(rec, &ORDER));
    OK(rec, ak_rec_write_provider(rec, &PROVIDER));
    OK(rec, ak_rec_write_tenant(rec, &TENANT));
    OK(rec, ak_rec_write_validator(rec, &VALIDATOR));
    OK(rec, ak_rec_write_proposal(rec, &PROPOSAL));
    q_text(db, "SELECT status FROM runs WHERE run_id = 1", buf, sizeof buf);
    ck_assert_str_eq(buf, "running");
    OK(rec, ak_rec_end_run(rec, true, NULL, 12.5, 123456, 7890));
    /* everything is committed by end_run, before close */
    ck_assert_int_eq(q_int(db, "SELECT count(*) FROM metrics WHERE run_id = 1"), n);
    ck_assert_int_eq(ak_rec_close(rec), 0);

    sqlite3_stmt *st = row1(db, "SELECT * FROM runs");
    int c = 0;
    col_int(st, c++, 1);
    col_text(st, c++, "baseline");
    col_text(st, c++, "{\"name\":\"baseline\"}");
    col_int(st, c++, -5); /* UINT64_MAX - 4 as two's complement */
    col_int(st, c++, 3);
    col_int(st, c++, 2);
    col_text(st, c++, "{\"take\":0.02}");
    col_text(st, c++, "cheapest");
    col_text(st, c++, "akash-v1");
    col_text(st, c++, "0.1.0");
    col_text(st, c++, "2023-11-14T22:13:20Z");
    col_dbl(st, c++, 12.5);
    col_text(st, c++, "complete");
    col_null(st, c++);
    col_int(st, c++, 123456);
    col_int(st, c++, 7890);
    col_text(st, c++, "akashsim run x.json --seed 1");
    ck_assert_int_eq(sqlite3_column_count(st), c);
    done(st);
    /* the documented way back to the unsigned seed */
    q_text(db, "SELECT printf('%llu', seed) FROM runs", buf, sizeof buf);
    ck_assert_str_eq(buf, "18446744073709551611");

    ck_assert_int_eq(q_int(db, "SELECT count(*) FROM metrics"), n);
    ck_assert_int_eq(q_int(db, "SELECT count(DISTINCT t_us) FROM metrics"), n);
    static const int64_t probe[] = {0, 1, AK_REC_BATCH - 1, AK_REC_BATCH, AK_REC_BATCH + 9};
    for (size_t i = 0; i < sizeof probe / sizeof probe[0]; i++) {
        st = row1(db, "SELECT * FROM metrics WHERE run_id = 1 AND t_us = %lld",
                  (long long)sample(probe[i]).t_us);
        check_sample(st, 1, probe[i]);
        done(st);
    }

    st = row1(db, "SELECT * FROM leases WHERE closed_us IS NULL");
    check_lease(st, &LEASE_OPEN);
    done(st);
    st = row1(db, "SELECT * FROM leases WHERE closed_us IS NOT NULL");
    check_lease(st, &LEASE_CLOSED);
    done(st);
    ck_assert_int_eq(q_int(db, "SELECT count(*) FROM leases"), 2);

    st = row1(db, "SELECT * FROM orders");
    c = 0;
    col_int(st, c++, 1);
    col_text(st, c++, ORDER.order_id);
    col_text(st, c++, ORDER.tenant);
    col_text(st, c++, ORDER.kind);
    col_int(st, c++, ORDER.created_us);
    col_null(st, c++);
    col_int(st, c++, ORDER.bids);
    col_text(st, c++, ORDER.outcome);
    col_dbl(st, c++, ORDER.budget_per_block);
    ck_assert_int_eq(sqlite3_column_count(st), c);
    done(st);

    st = row1(db, "SELECT * FROM providers");
    c = 0;
    col_int(st, c++, 1);
    col_text(st, c++, PROVIDER.provider);
    col_text(st, c++, PROVIDER.region);
    col_text(st, c++, PROVIDER.gpu_model);
    col_int(st, c++, PROVIDER.cpu_millis);
    col_int(st, c++, PROVIDER.memory_bytes);
    col_int(st, c++, PROVIDER.storage_bytes);
    col_int(st, c++, PROVIDER.gpus);
    col_int(st, c++, PROVIDER.bids);
    col_int(st, c++, PROVIDER.leases_won);
    col_int(st, c++, PROVIDER.income_uakt);
    col_int(st, c++, PROVIDER.income_uusdc);
    col_int(st, c++, PROVIDER.failures);
    col_dbl(st, c++, PROVIDER.downtime_hours);
    col_int(st, c++, PROVIDER.entered_us);
    col_null(st, c++); /* exited_us -1 */
    ck_assert_int_eq(sqlite3_column_count(st), c);
    done(st);

    st = row1(db, "SELECT * FROM tenants");
    c = 0;
    col_int(st, c++, 1);
    col_text(st, c++, TENANT.tenant);
    col_int(st, c++, TENANT.deployments);
    col_int(st, c++, TENANT.leases);
    col_int(st, c++, TENANT.orders_unmet);
    col_int(st, c++, TENANT.deposited_uakt);
    col_int(st, c++, TENANT.refunded_uakt);
    col_int(st, c++, TENANT.deposited_uusdc);
    col_int(st, c++, TENANT.refunded_uusdc);
    col_int(st, c++, TENANT.failures_noticed);
    col_int(st, c++, TENANT.redeployments);
    ck_assert_int_eq(sqlite3_column_count(st), c);
    done(st);

    st = row1(db, "SELECT * FROM validators");
    c = 0;
    col_int(st, c++, 1);
    col_text(st, c++, VALIDATOR.validator);
    col_int(st, c++, VALIDATOR.tokens_start);
    col_int(st, c++, VALIDATOR.tokens_end);
    col_text(st, c++, VALIDATOR.status_end);
    col_int(st, c++, 1);
    col_int(st, c++, VALIDATOR.times_jailed);
    col_int(st, c++, VALIDATOR.blocks_proposed);
    col_int(st, c++, VALIDATOR.blocks_missed);
    col_dbl(st, c++, VALIDATOR.commission_rate);
    col_int(st, c++, VALIDATOR.failures);
    col_dbl(st, c++, VALIDATOR.downtime_hours);
    col_int(st, c++, VALIDATOR.double_signs);
    ck_assert_int_eq(sqlite3_column_count(st), c);
    done(st);

    st = row1(db, "SELECT * FROM proposals");
    c = 0;
    col_int(st, c++, 1);
    col_int(st, c++, PROPOSAL.proposal_id);
    col_text(st, c++, PROPOSAL.title);
    col_text(st, c++, PROPOSAL.messages);
    col_int(st, c++, PROPOSAL.submit_us);
    col_int(st, c++, PROPOSAL.voting_start_us);
    col_null(st, c++); /* end_us -1 */
    col_text(st, c++, PROPOSAL.status);
    col_null(st, c++); /* yes .. veto NaN */
    col_null(st, c++);
    col_null(st, c++);
    col_null(st, c++);
    col_dbl(st, c++, 0.0);
    ck_assert_int_eq(sqlite3_column_count(st), c);
    done(st);

    q_text(db, "PRAGMA integrity_check", buf, sizeof buf);
    ck_assert_str_eq(buf, "ok");
    ck_assert_int_eq(q_int(db, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
    raw_close(db);
}
END_TEST

/* A process that begins a run, writes a batch and a half and dies without end_run or close. */
static void crash_child(const char *path)
{
    ak_rec *rec = NULL;
    char err[256];
    if (ak_rec_open(path, &rec, err, sizeof err) != 0)
        _exit(2);
    ak_rec_run_info info = run_info(7, -1);
    int64_t id;
    if (ak_rec_begin_run(rec, &info, &id) != 0 || id != 1)
        _exit(3);
    for (int i = 0; i < AK_REC_BATCH + 5; i++) {
        ak_rec_metrics m = sample(i);
        if (ak_rec_write_metrics(rec, &m) != 0)
            _exit(4);
    }
    if (ak_rec_write_lease(rec, &LEASE_OPEN) != 0)
        _exit(5);
    _exit(0);
}

START_TEST(crash_leaves_running)
{
    char path[PATH_MAX], buf[64];
    at(path, "results.db");
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0)
        crash_child(path);
    int ws;
    ck_assert_int_eq(waitpid(pid, &ws, 0), pid);
    ck_assert_msg(WIFEXITED(ws) && WEXITSTATUS(ws) == 0, "child failed: %#x", ws);

    sqlite3 *db = raw_open(path);
    q_text(db, "SELECT status FROM runs WHERE run_id = 1", buf, sizeof buf);
    ck_assert_str_eq(buf, "running");
    /* the committed batch survives, the open one is lost */
    ck_assert_int_eq(q_int(db, "SELECT count(*) FROM metrics"), AK_REC_BATCH);
    ck_assert_int_eq(q_int(db, "SELECT count(*) FROM leases"), 0);
    sqlite3_stmt *st = row1(db, "SELECT wall_seconds, message, events, blocks FROM runs");
    for (int i = 0; i < 4; i++)
        col_null(st, i);
    done(st);
    raw_close(db);

    /* the file is usable: the next run gets the next id and the crashed one stays running */
    ak_rec *rec = open_ok(path);
    ak_rec_run_info info = run_info(8, -1);
    int64_t id = 0;
    OK(rec, ak_rec_begin_run(rec, &info, &id));
    ck_assert_int_eq(id, 2);
    OK(rec, ak_rec_end_run(rec, true, NULL, 1.0, 1, 1));
    ck_assert_int_eq(ak_rec_close(rec), 0);
    db = raw_open(path);
    q_text(db,
           "SELECT group_concat(s, ' ') FROM "
           "(SELECT run_id || ':' || status AS s FROM runs ORDER BY run_id)",
           buf, sizeof buf);
    ck_assert_str_eq(buf, "1:running 2:complete");
    ck_assert_int_eq(q_int(db, "SELECT count(*) FROM runs WHERE status = 'complete' AND "
                               "run_id IN (SELECT run_id FROM metrics)"),
                     0);
    raw_close(db);
}
END_TEST

START_TEST(failed_run_keeps_message)
{
    char path[PATH_MAX], buf[128];
    at(path, "results.db");
    ak_rec *rec = open_ok(path);
    ak_rec_run_info info = run_info(42, -1);
    int64_t id = 0;
    OK(rec, ak_rec_begin_run(rec, &info, &id));
    for (int i = 0; i < 3; i++) {
        ak_rec_metrics m = sample(i);
        OK(rec, ak_rec_write_metrics(rec, &m));
    }
    OK(rec, ak_rec_end_run(rec, false, "invariant broken: escrow balance -3 uakt", 0.75, 99, 12));
    ck_assert_int_eq(ak_rec_close(rec), 0);

    sqlite3 *db = raw_open(path);
    sqlite3_stmt *st = row1(db, "SELECT status, message, seed, point, point_json, wall_seconds, "
                                "events, blocks FROM runs WHERE run_id = %lld",
                            (long long)id);
    col_text(st, 0, "failed");
    col_text(st, 1, "invariant broken: escrow balance -3 uakt");
    col_int(st, 2, 42);
    col_null(st, 3); /* point -1: not in a sweep */
    col_null(st, 4);
    col_dbl(st, 5, 0.75);
    col_int(st, 6, 99);
    col_int(st, 7, 12);
    done(st);
    /* the rows written before the failure are kept */
    ck_assert_int_eq(q_int(db, "SELECT count(*) FROM metrics"), 3);
    q_text(db, "SELECT status FROM runs", buf, sizeof buf);
    ck_assert_str_ne(buf, "complete");
    raw_close(db);
}
END_TEST

START_TEST(reopen_appends_runs)
{
    char path[PATH_MAX], buf[128];
    at(path, "results.db");
    for (int r = 1; r <= 2; r++) {
        ak_rec *rec = open_ok(path);
        ak_rec_run_info info = run_info((uint64_t)r, r);
        int64_t id = 0;
        OK(rec, ak_rec_begin_run(rec, &info, &id));
        ck_assert_int_eq(id, r);
        for (int i = 0; i < r * 10; i++) {
            ak_rec_metrics m = sample(i);
            OK(rec, ak_rec_write_metrics(rec, &m));
        }
        OK(rec, ak_rec_end_run(rec, true, NULL, 1.0, 1, 1));
        ck_assert_int_eq(ak_rec_close(rec), 0);
    }
    /* a run begun while another is not ended: the first keeps its rows and stays running */
    ak_rec *rec = open_ok(path);
    ak_rec_run_info info = run_info(3, -1);
    int64_t id3 = 0, id4 = 0;
    OK(rec, ak_rec_begin_run(rec, &info, &id3));
    OK(rec, ak_rec_write_lease(rec, &LEASE_CLOSED));
    OK(rec, ak_rec_begin_run(rec, &info, &id4));
    OK(rec, ak_rec_write_lease(rec, &LEASE_OPEN));
    OK(rec, ak_rec_end_run(rec, true, NULL, 1.0, 1, 1));
    ck_assert_int_eq(ak_rec_close(rec), 0);
    ck_assert_int_eq(id3, 3);
    ck_assert_int_eq(id4, 4);

    sqlite3 *db = raw_open(path);
    q_text(db, "SELECT group_concat(s, ' ') FROM (SELECT run_id || ':' || status || ':' || "
               "seed AS s FROM runs ORDER BY run_id)",
           buf, sizeof buf);
    ck_assert_str_eq(buf, "1:complete:1 2:complete:2 3:running:3 4:complete:3");
    ck_assert_int_eq(q_int(db, "SELECT count(*) FROM metrics WHERE run_id = 1"), 10);
    ck_assert_int_eq(q_int(db, "SELECT count(*) FROM metrics WHERE run_id = 2"), 20);
    q_text(db, "SELECT lease_id FROM leases WHERE run_id = 3", buf, sizeof buf);
    ck_assert_str_eq(buf, LEASE_CLOSED.lease_id);
    q_text(db, "SELECT lease_id FROM leases WHERE run_id = 4", buf, sizeof buf);
    ck_assert_str_eq(buf, LEASE_OPEN.lease_id);
    /* the documented filter: complete runs only */
    ck_assert_int_eq(q_int(db, "SELECT count(*) FROM leases WHERE run_id IN "
                               "(SELECT run_id FROM runs WHERE status = 'complete')"),
                     1);
    raw_close(db);
}
END_TEST

START_TEST(other_schema_versions_refused)
{
    char path[PATH_MAX], other[PATH_MAX], nometa[PATH_MAX], buf[64];
    at(path, "results.db");
    ck_assert_int_eq(ak_rec_close(open_ok(path)), 0);
    sqlite3 *db = raw_open(path);
    raw_exec(db, "UPDATE meta SET value = '7' WHERE key = 'schema_version'");
    raw_close(db);
    char tail[96];
    snprintf(tail, sizeof tail, "schema version 7, this akashsim writes %d",
             AK_REC_SCHEMA_VERSION);
    open_fails(path, AK_EIO, tail);
    db = raw_open(path);
    q_text(db, "SELECT value FROM meta WHERE key = 'schema_version'", buf, sizeof buf);
    ck_assert_str_eq(buf, "7");
    raw_close(db);

    /* another program's database is refused and left as it was (not switched to WAL) */
    at(other, "other.db");
    db = NULL;
    ck_assert_int_eq(sqlite3_open_v2(other, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                                     NULL),
                     SQLITE_OK);
    raw_exec(db, "CREATE TABLE t (x); INSERT INTO t VALUES (1)");
    raw_close(db);
    open_fails(other, AK_EIO, "not an akashsim results database (it has tables but no meta)");
    db = raw_open(other);
    q_text(db, "PRAGMA journal_mode", buf, sizeof buf);
    ck_assert_str_eq(buf, "delete");
    raw_close(db);

    at(nometa, "nometa.db");
    ck_assert_int_eq(ak_rec_close(open_ok(nometa)), 0);
    db = raw_open(nometa);
    raw_exec(db, "DELETE FROM meta");
    raw_close(db);
    snprintf(tail, sizeof tail, "no schema version in table meta, this akashsim writes %d",
             AK_REC_SCHEMA_VERSION);
    open_fails(nometa, AK_EIO, tail);
}
END_TEST

START_TEST(not_a_database_refused)
{
    char path[PATH_MAX], buf[256];
    at(path, "x.db");
    static const char text[] = "scenario,seed\nbaseline,1\n"
                               "this is a CSV file that someone named x.db by mistake, "
                               "long enough to hold an SQLite header's worth of bytes\n";
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fputs(text, f) >= 0, 1);
    ck_assert_int_eq(fclose(f), 0);
    open_fails(path, AK_EIO, "file is not a database");
    /* left as it was */
    f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    ck_assert_str_eq(buf, text);
    ck_assert_int_eq(entries(g_tdir), 1);
}
END_TEST

START_TEST(unwritable_places_refused)
{
    char path[PATH_MAX], dir[PATH_MAX];
    /* a directory that does not exist */
    at(dir, "missing");
    join(path, dir, "results.db");
    open_fails(path, AK_EIO, "unable to open database file");
    ck_assert(!exists(dir));

    /* a "directory" that is a file */
    at(dir, "plain");
    FILE *f = fopen(dir, "w");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fclose(f), 0);
    join(path, dir, "results.db");
    open_fails(path, AK_EIO, "unable to open database file");
    ck_assert_int_eq(entries(g_tdir), 1);

    /* a read-only directory (root writes there anyway, so only as another user) */
    if (geteuid() != 0) {
        at(dir, "ro");
        ck_assert_int_eq(mkdir(dir, 0500), 0);
        join(path, dir, "results.db");
        open_fails(path, AK_EIO, "unable to open database file");
        ck_assert_int_eq(entries(dir), 0);
        ck_assert_int_eq(chmod(dir, 0700), 0);
    }

    /* a short buffer gets a truncated, terminated message */
    at(dir, "missing");
    join(path, dir, "results.db");
    char small[8];
    ak_rec *rec = NULL;
    ck_assert_int_eq(ak_rec_open(path, &rec, small, sizeof small), AK_EIO);
    ck_assert_ptr_null(rec);
    ck_assert_int_eq(strlen(small), sizeof small - 1);
    ck_assert_int_eq(strncmp(small, path, sizeof small - 1), 0);
    ck_assert_int_eq(ak_rec_open(path, &rec, NULL, 0), AK_EIO);
    ck_assert_ptr_null(rec);
}
END_TEST

START_TEST(misuse_is_einval)
{
    char path[PATH_MAX];
    at(path, "results.db");
    ak_rec *rec = open_ok(path);
    ak_rec_metrics m = sample(0);
    ck_assert_int_eq(ak_rec_write_metrics(rec, &m), AK_EINVAL);
    char want[PATH_MAX + 64];
    snprintf(want, sizeof want, "%s: no run begun (ak_rec_begin_run first)", path);
    ck_assert_str_eq(ak_rec_errmsg(rec), want);
    ck_assert_int_eq(ak_rec_write_lease(rec, &LEASE_OPEN), AK_EINVAL);
    ck_assert_int_eq(ak_rec_write_order(rec, &ORDER), AK_EINVAL);
    ck_assert_int_eq(ak_rec_write_provider(rec, &PROVIDER), AK_EINVAL);
    ck_assert_int_eq(ak_rec_write_tenant(rec, &TENANT), AK_EINVAL);
    ck_assert_int_eq(ak_rec_write_validator(rec, &VALIDATOR), AK_EINVAL);
    ck_assert_int_eq(ak_rec_write_proposal(rec, &PROPOSAL), AK_EINVAL);
    ck_assert_int_eq(ak_rec_end_run(rec, true, NULL, 0, 0, 0), AK_EINVAL);
    ck_assert_str_eq(ak_rec_errmsg(rec), want);
    ck_assert_int_eq(ak_rec_begin_run(rec, NULL, NULL), AK_EINVAL);

    /* after end_run there is no current run again */
    ak_rec_run_info info = run_info(1, -1);
    OK(rec, ak_rec_begin_run(rec, &info, NULL));
    ck_assert_int_eq(ak_rec_write_metrics(rec, NULL), AK_EINVAL);
    OK(rec, ak_rec_end_run(rec, true, NULL, 0, 0, 0));
    ck_assert_int_eq(ak_rec_write_metrics(rec, &m), AK_EINVAL);
    ck_assert_int_eq(ak_rec_end_run(rec, false, "twice", 0, 0, 0), AK_EINVAL);
    ck_assert_int_eq(ak_rec_close(rec), 0);

    ck_assert_int_eq(ak_rec_close(NULL), 0);
    ck_assert_int_eq(ak_rec_write_metrics(NULL, &m), AK_EINVAL);
    ck_assert_ptr_nonnull(ak_rec_errmsg(NULL));
    char err[64];
    ck_assert_int_eq(ak_rec_open(NULL, &rec, err, sizeof err), AK_EINVAL);
    ck_assert_int_eq(ak_rec_open(path, NULL, err, sizeof err), AK_EINVAL);

    sqlite3 *db = raw_open(path);
    ck_assert_int_eq(q_int(db, "SELECT count(*) FROM runs"), 1);
    ck_assert_int_eq(q_int(db, "SELECT count(*) FROM metrics"), 0);
    raw_close(db);
}
END_TEST

START_TEST(null_strings_written_null)
{
    char path[PATH_MAX];
    at(path, "results.db");
    ak_rec *rec = open_ok(path);
    ak_rec_run_info info = {.seed = 1, .point = -1};
    OK(rec, ak_rec_begin_run(rec, &info, NULL));
    ak_rec_lease l = LEASE_CLOSED;
    l.lease_id = l.tenant = l.provider = l.kind = l.close_reason = l.denom = NULL;
    OK(rec, ak_rec_write_lease(rec, &l));
    OK(rec, ak_rec_write_order(rec, &(ak_rec_order){.closed_us = -1}));
    OK(rec, ak_rec_write_provider(rec, &(ak_rec_provider){0}));
    OK(rec, ak_rec_write_tenant(rec, &(ak_rec_tenant){0}));
    OK(rec, ak_rec_write_validator(rec, &(ak_rec_validator){0}));
    OK(rec, ak_rec_write_proposal(rec, &(ak_rec_proposal){.submit_us = -1, .voting_start_us = -1,
                                                    .end_us = -1, .yes = NAN}));
    OK(rec, ak_rec_end_run(rec, false, NULL, NAN, 0, 0));
    ck_assert_int_eq(ak_rec_close(rec), 0);

    sqlite3 *db = raw_open(path);
    static const char *const nulls[] = {
        "SELECT count(*) FROM runs WHERE scenario_name IS NULL AND scenario_json IS NULL AND "
        "point IS NULL AND point_json IS NULL AND variant IS NULL AND command IS NULL AND "
        "rules IS NULL AND akashsim_version IS NULL "
        "AND message IS NULL AND wall_seconds IS NULL AND started IS NOT NULL",
        "SELECT count(*) FROM leases WHERE lease_id IS NULL AND tenant IS NULL AND provider IS "
        "NULL AND kind IS NULL AND close_reason IS NULL AND denom IS NULL",
        "SELECT count(*) FROM orders WHERE order_id IS NULL AND tenant IS NULL AND kind IS NULL "
        "AND outcome IS NULL AND closed_us IS NULL AND created_us = 0",
        "SELECT count(*) FROM providers WHERE provider IS NULL AND region IS NULL AND "
        "gpu_model IS NULL",
        "SELECT count(*) FROM tenants WHERE tenant IS NULL",
        "SELECT count(*) FROM validators WHERE validator IS NULL AND status_end IS NULL AND "
        "jailed_end = 0",
        "SELECT count(*) FROM proposals WHERE title IS NULL AND messages IS NULL AND status IS "
        "NULL AND submit_us IS NULL AND voting_start_us IS NULL AND end_us IS NULL AND yes IS "
        "NULL AND no = 0",
    };
    for (size_t i = 0; i < sizeof nulls / sizeof nulls[0]; i++)
        ck_assert_msg(q_int(db, nulls[i]) == 1, "%s", nulls[i]);
    char buf[64];
    q_text(db, "SELECT started FROM runs", buf, sizeof buf);
    ck_assert_str_eq(buf, "1970-01-01T00:00:00Z");
    raw_close(db);
}
END_TEST

/* Files can grow to at most `bytes` (SIGXFSZ ignored, so writes fail with EFBIG instead). */
static void limit_file_size(rlim_t bytes)
{
    struct rlimit rl;
    ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &rl), 0);
    rl.rlim_cur = bytes;
    ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &rl), 0);
}

static off_t size_of(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? sb.st_size : 0;
}

START_TEST(full_disk_is_eio_and_never_complete)
{
    char path[PATH_MAX], wal[PATH_MAX + 8], buf[64];
    at(path, "results.db");
    snprintf(wal, sizeof wal, "%s-wal", path);
    signal(SIGXFSZ, SIG_IGN);
    ak_rec *rec = open_ok(path);
    ak_rec_run_info info = run_info(5, -1);
    OK(rec, ak_rec_begin_run(rec, &info, NULL));
    const rlim_t limit = 384 * 1024;
    ck_assert_int_lt(size_of(path), limit);
    ck_assert_int_lt(size_of(wal), limit);
    limit_file_size(limit);
    int rc = 0;
    for (int i = 0; i < 4 * AK_REC_BATCH && rc == 0; i++) {
        ak_rec_metrics m = sample(i);
        rc = ak_rec_write_metrics(rec, &m);
    }
    limit_file_size(RLIM_INFINITY);
    ck_assert_int_eq(rc, AK_EIO);
    const char *msg = ak_rec_errmsg(rec);
    ck_assert_msg(strncmp(msg, path, strlen(path)) == 0 && msg[strlen(path)] == ':' &&
                      !strchr(msg, '\n'),
                  "message '%s' does not name %s", msg, path);
    /* the driver ends the run as failed; whatever happens, it is not complete */
    rc = ak_rec_end_run(rec, false, "results.db: disk full", 1.0, 0, 0);
    ck_assert_msg(rc == 0 || rc == AK_EIO, "end_run: %d", rc);
    rc = ak_rec_close(rec);
    ck_assert_msg(rc == 0 || rc == AK_EIO, "close: %d", rc);

    sqlite3 *db = raw_open(path);
    q_text(db, "PRAGMA integrity_check", buf, sizeof buf);
    ck_assert_str_eq(buf, "ok");
    ck_assert_int_eq(q_int(db, "SELECT count(*) FROM runs WHERE status = 'complete'"), 0);
    ck_assert_int_eq(q_int(db, "SELECT count(*) FROM runs"), 1);
    raw_close(db);
}
END_TEST

START_TEST(failed_create_leaves_no_file)
{
    char path[PATH_MAX];
    at(path, "results.db");
    signal(SIGXFSZ, SIG_IGN);
    limit_file_size(4096); /* the schema needs more pages than one */
    ak_rec *rec = NULL;
    char err[512];
    int rc = ak_rec_open(path, &rec, err, sizeof err);
    limit_file_size(RLIM_INFINITY);
    ck_assert_msg(rc == AK_EIO, "open: %d (%s)", rc, err);
    ck_assert_ptr_null(rec);
    ck_assert_msg(strncmp(err, path, strlen(path)) == 0, "message '%s'", err);
    ck_assert_int_eq(entries(g_tdir), 0);
}
END_TEST

/* docs/results.md documents each table under "### `name`" with a table whose rows begin
 * "| `column` | TYPE |": the same columns, in order, with the declared types. */
START_TEST(outcomes_aggregate_a_metric)
{
    char path[PATH_MAX];
    ak_rec *rec = open_ok(at(path, "results.db"));
    ck_assert(ak_rec_is_metric("take_usd"));
    ck_assert(ak_rec_is_metric("t_us"));
    ck_assert(ak_rec_is_metric("take_uusdc")); /* the last column */
    ck_assert(!ak_rec_is_metric("take"));
    ck_assert(!ak_rec_is_metric("run_id INTEGER"));
    ck_assert(!ak_rec_is_metric(""));
    ck_assert(!ak_rec_is_metric("lease_id")); /* a column of another table */
    double v;
    ck_assert_int_eq(ak_rec_outcome(rec, "x", "take_usd", AK_REC_SUM, 0, &v), AK_EINVAL);
    ck_assert_str_eq(strstr(ak_rec_errmsg(rec), ": ") + 2, "no run begun (ak_rec_begin_run first)");
    ak_rec_run_info info = run_info(1, -1);
    OK(rec, ak_rec_begin_run(rec, &info, NULL));
    ck_assert_int_eq(ak_rec_outcome(rec, "x", "bogus", AK_REC_SUM, 0, &v), AK_EINVAL);
    ck_assert_str_eq(strstr(ak_rec_errmsg(rec), ": ") + 2, "no metric \"bogus\"");
    /* samples i = 0..4: active_leases 100 + i, t_us i minutes; gpu_util NaN (NULL) */
    for (int64_t i = 0; i < 5; i++) {
        ak_rec_metrics m = sample(i);
        OK(rec, ak_rec_write_metrics(rec, &m));
    }
    static const struct {
        ak_rec_agg agg;
        int64_t from_us;
        double want;
    } cases[] = {
        {AK_REC_SUM, 0, 510},           {AK_REC_MEAN, 0, 102}, {AK_REC_LAST, 0, 104},
        {AK_REC_MIN, 0, 100},           {AK_REC_MAX, 0, 104},  {AK_REC_SUM, 120000000, 309},
        {AK_REC_LAST, 999999999999, NAN},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        OK(rec, ak_rec_outcome(rec, ak_rec_agg_names[cases[i].agg], "active_leases", cases[i].agg,
                               cases[i].from_us, &v));
        ck_assert_msg(isnan(cases[i].want) ? isnan(v) : v == cases[i].want,
                      "case %zu: %g, expected %g", i, v, cases[i].want);
    }
    OK(rec, ak_rec_outcome(rec, "gpu", "gpu_util", AK_REC_SUM, 0, &v));
    ck_assert(isnan(v)); /* every sample NULL: NULL, not 0 */
    OK(rec, ak_rec_end_run(rec, true, NULL, 1, 0, 0));
    ck_assert_int_eq(ak_rec_close(rec), 0);
    sqlite3 *db = raw_open(path);
    ck_assert_int_eq(q_int(db, "SELECT count(*) FROM outcomes"), 8);
    ck_assert_int_eq(q_int(db, "SELECT count(*) FROM outcomes WHERE value IS NULL"), 2);
    raw_close(db);
}
END_TEST

START_TEST(publish_copies_a_run_whole)
{
    char path[PATH_MAX], err[256];
    ak_rec *dst = open_ok(at(path, "results.db"));
    ck_assert_int_eq(ak_rec_close(dst), 0);
    for (int round = 0; round < 2; round++) {
        ak_rec *rec;
        ck_assert_int_eq(ak_rec_open_scratch(&rec, err, sizeof err), 0);
        ak_rec_run_info info = run_info(9, 0);
        info.run_id = 5; /* a sweep's fixed id */
        OK(rec, ak_rec_begin_run(rec, &info, NULL));
        for (int64_t i = 0; i < 3 + round; i++) {
            ak_rec_metrics m = sample(i);
            OK(rec, ak_rec_write_metrics(rec, &m));
        }
        OK(rec, ak_rec_write_lease(rec, &LEASE_CLOSED));
        OK(rec, ak_rec_end_run(rec, round == 1, NULL, 1, 0, 0));
        ck_assert_int_eq(ak_rec_publish(rec, path), 0);
        ck_assert_int_eq(ak_rec_close(rec), 0);
    }
    /* the second publish of run 5 replaced the first, rows and all */
    sqlite3 *db = raw_open(path);
    ck_assert_int_eq(q_int(db, "SELECT count(*) FROM runs"), 1);
    ck_assert_int_eq(q_int(db, "SELECT run_id FROM runs WHERE status = 'complete'"), 5);
    ck_assert_int_eq(q_int(db, "SELECT count(*) FROM metrics WHERE run_id = 5"), 4);
    ck_assert_int_eq(q_int(db, "SELECT count(*) FROM leases WHERE run_id = 5"), 1);
    raw_close(db);
    /* a destination that is not a results file of this schema takes nothing */
    ak_rec *rec;
    ck_assert_int_eq(ak_rec_open_scratch(&rec, err, sizeof err), 0);
    char other[PATH_MAX];
    ck_assert_int_eq(sqlite3_open(at(other, "other.db"), &db), SQLITE_OK);
    raw_exec(db, "CREATE TABLE t (x)");
    raw_close(db);
    ck_assert_int_eq(ak_rec_publish(rec, other), AK_EIO);
    char want[PATH_MAX + 64];
    snprintf(want, sizeof want, "%s: no such table: dst.meta", other);
    ck_assert_str_eq(ak_rec_errmsg(rec), want);
    ck_assert_int_eq(ak_rec_close(rec), 0);
}
END_TEST

START_TEST(docs_match_schema)
{
    char path[PATH_MAX];
    at(path, "results.db");
    ck_assert_int_eq(ak_rec_close(open_ok(path)), 0);
    sqlite3 *db = raw_open(path);

    FILE *f = fopen("docs/results.md", "r");
    ck_assert_msg(f, "docs/results.md: %s (run the suite from the repository root)",
                  strerror(errno));
    char line[1024], table[64] = "";
    int ntables = 0, col = 0;
    sqlite3_stmt *cols = NULL;
    while (fgets(line, sizeof line, f)) {
        char name[64], type[32];
        if (sscanf(line, "### `%63[a-z_]`", name) == 1) {
            if (cols) {
                ck_assert_msg(sqlite3_step(cols) == SQLITE_DONE,
                              "%s: column %s is not in docs/results.md", table,
                              sqlite3_column_text(cols, 0));
                done(cols);
            }
            snprintf(table, sizeof table, "%s", name);
            char sql[128];
            snprintf(sql, sizeof sql, "SELECT name, type FROM pragma_table_info('%s')", name);
            ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &cols, NULL), SQLITE_OK);
            ntables++;
            col = 0;
            continue;
        }
        if (!cols || sscanf(line, "| `%63[a-z_]` | %31[A-Z] |", name, type) != 2)
            continue;
        col++;
        ck_assert_msg(sqlite3_step(cols) == SQLITE_ROW,
                      "%s: docs/results.md lists %s, not in the table", table, name);
        ck_assert_msg(strcmp((const char *)sqlite3_column_text(cols, 0), name) == 0 &&
                          strcmp((const char *)sqlite3_column_text(cols, 1), type) == 0,
                      "%s column %d: docs say %s %s, the table has %s %s", table, col, name,
                      type, sqlite3_column_text(cols, 0), sqlite3_column_text(cols, 1));
    }
    fclose(f);
    ck_assert_ptr_nonnull(cols);
    ck_assert_msg(sqlite3_step(cols) == SQLITE_DONE, "%s: column %s is not in docs/results.md",
                  table, sqlite3_column_text(cols, 0));
    done(cols);
    ck_assert_int_eq(ntables, q_int(db, "SELECT count(*) FROM sqlite_master WHERE type = "
                                        "'table' AND name NOT LIKE 'sqlite_%'"));
    raw_close(db);
}
END_TEST

/* Run a suite in fork mode; returns the process exit status (tests/fixture.h). */
static int fx_run(Suite *s)
{
    return check_run(s);
}

int main(void)
{
    Suite *s = suite_create("recorder");
    TCase *tc = tcase_create("recorder");
    tcase_add_unchecked_fixture(tc, dir_setup, dir_teardown);
    tcase_add_checked_fixture(tc, test_dir_setup, NULL);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, open_creates_schema_and_meta);
    tcase_add_test(tc, complete_run_round_trip);
    tcase_add_test(tc, crash_leaves_running);
    tcase_add_test(tc, failed_run_keeps_message);
    tcase_add_test(tc, reopen_appends_runs);
    tcase_add_test(tc, other_schema_versions_refused);
    tcase_add_test(tc, not_a_database_refused);
    tcase_add_test(tc, unwritable_places_refused);
    tcase_add_test(tc, misuse_is_einval);
    tcase_add_test(tc, null_strings_written_null);
    tcase_add_test(tc, full_disk_is_eio_and_never_complete);
    tcase_add_test(tc, failed_create_leaves_no_file);
    tcase_add_test(tc, outcomes_aggregate_a_metric);
    tcase_add_test(tc, publish_copies_a_run_whole);
    tcase_add_test(tc, docs_match_schema);
    suite_add_tcase(s, tc);
    return fx_run(s);
}
