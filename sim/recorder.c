/*
 * sim/recorder.c: the results database (see recorder.h; DESIGN.md "Results database"; the
 * schema a user reads is docs/results.md, which must list the columns created here, in order).
 *
 * One connection per recorder, opened SQLITE_OPEN_NOMUTEX: the recorder is used by one thread.
 * Every statement is prepared once at open and reset after each use. Rows go into a
 * transaction begun (IMMEDIATE, so a writer waits on the busy timeout rather than failing on a
 * stale snapshot) at the first row of a batch and committed every AK_REC_BATCH rows, at
 * ak_rec_end_run, at the next ak_rec_begin_run and at ak_rec_close.
 */
#include "recorder.h"

#include <inttypes.h>
#include <math.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "errors.h"

/* How long a writer waits for another connection's transaction before SQLITE_BUSY. */
#define BUSY_TIMEOUT_MS 5000

/* The schema, version AK_REC_SCHEMA_VERSION. docs/results.md documents every column in this
 * order (tests/test_recorder.c compares the two). Column names are the field names of the row
 * structs in recorder.h. No STRICT tables: readers with an SQLite older than 3.37 (Python on
 * older distributions) could not open the file. */
static const char SCHEMA[] =
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);\n"
    "CREATE TABLE runs (\n"
    "  run_id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
    "  scenario_name TEXT, scenario_json TEXT,\n"
    "  seed INTEGER NOT NULL, replication INTEGER NOT NULL,\n"
    "  point INTEGER, point_json TEXT, variant TEXT,\n"
    "  rules TEXT, akashsim_version TEXT,\n"
    "  started TEXT, wall_seconds REAL,\n"
    "  status TEXT NOT NULL DEFAULT 'running'\n"
    "    CHECK (status IN ('running', 'complete', 'failed')),\n"
    "  message TEXT, events INTEGER, blocks INTEGER, command TEXT);\n"
    "CREATE TABLE metrics (\n"
    "  run_id INTEGER NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,\n"
    "  t_us INTEGER NOT NULL, height INTEGER, blocks INTEGER,\n"
    "  active_leases INTEGER, open_orders INTEGER, open_bids INTEGER,\n"
    "  active_deployments INTEGER,\n"
    "  cpu_util REAL, mem_util REAL, gpu_util REAL,\n"
    "  price_cpu_month_mean_usd REAL, price_cpu_month_median_usd REAL,\n"
    "  price_gpu_hour_mean_usd REAL, price_gpu_hour_median_usd REAL,\n"
    "  tenant_spend_uakt INTEGER, provider_income_uakt INTEGER, take_uakt INTEGER,\n"
    "  tenant_spend_usd REAL, provider_income_usd REAL, take_usd REAL,\n"
    "  community_pool_uakt INTEGER, total_supply_uakt INTEGER,\n"
    "  bonded_ratio REAL, inflation REAL, staking_apr REAL, akt_usd REAL,\n"
    "  bonded_validators INTEGER, jailed_validators INTEGER,\n"
    "  orders_unmet INTEGER, deployments_created INTEGER,\n"
    "  leases_created INTEGER, leases_closed INTEGER,\n"
    "  providers_down INTEGER, provider_failures INTEGER, failures_noticed INTEGER,\n"
    "  validators_offline INTEGER, chain_halts INTEGER, halted_s REAL,\n"
    "  active_providers INTEGER, providers_entered INTEGER, providers_exited INTEGER,\n"
    "  arrivals_priced_out INTEGER, tenant_spend_uusdc INTEGER,\n"
    "  provider_income_uusdc INTEGER, take_uusdc INTEGER);\n"
    "CREATE TABLE leases (\n"
    "  run_id INTEGER NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,\n"
    "  lease_id TEXT, tenant TEXT, provider TEXT, kind TEXT,\n"
    "  created_us INTEGER, created_height INTEGER,\n"
    "  closed_us INTEGER, closed_height INTEGER, close_reason TEXT,\n"
    "  denom TEXT, price_per_block REAL, price_usd_month REAL,\n"
    "  cpu_millis INTEGER, memory_bytes INTEGER, storage_bytes INTEGER, gpus INTEGER,\n"
    "  paid INTEGER);\n"
    "CREATE TABLE orders (\n"
    "  run_id INTEGER NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,\n"
    "  order_id TEXT, tenant TEXT, kind TEXT,\n"
    "  created_us INTEGER, closed_us INTEGER, bids INTEGER, outcome TEXT,\n"
    "  budget_per_block REAL);\n"
    "CREATE TABLE providers (\n"
    "  run_id INTEGER NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,\n"
    "  provider TEXT, region TEXT, gpu_model TEXT,\n"
    "  cpu_millis INTEGER, memory_bytes INTEGER, storage_bytes INTEGER, gpus INTEGER,\n"
    "  bids INTEGER, leases_won INTEGER, income_uakt INTEGER, income_uusdc INTEGER,\n"
    "  failures INTEGER, downtime_hours REAL, entered_us INTEGER, exited_us INTEGER);\n"
    "CREATE TABLE tenants (\n"
    "  run_id INTEGER NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,\n"
    "  tenant TEXT, deployments INTEGER, leases INTEGER, orders_unmet INTEGER,\n"
    "  deposited_uakt INTEGER, refunded_uakt INTEGER,\n"
    "  deposited_uusdc INTEGER, refunded_uusdc INTEGER,\n"
    "  failures_noticed INTEGER, redeployments INTEGER);\n"
    "CREATE TABLE validators (\n"
    "  run_id INTEGER NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,\n"
    "  validator TEXT, tokens_start INTEGER, tokens_end INTEGER, status_end TEXT,\n"
    "  jailed_end INTEGER, times_jailed INTEGER, blocks_proposed INTEGER,\n"
    "  blocks_missed INTEGER, commission_rate REAL,\n"
    "  failures INTEGER, downtime_hours REAL, double_signs INTEGER);\n"
    "CREATE TABLE proposals (\n"
    "  run_id INTEGER NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,\n"
    "  proposal_id INTEGER, title TEXT, messages TEXT,\n"
    "  submit_us INTEGER, voting_start_us INTEGER, end_us INTEGER, status TEXT,\n"
    "  yes REAL, no REAL, abstain REAL, veto REAL, turnout REAL);\n"
    "CREATE TABLE outcomes (\n"
    "  run_id INTEGER NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,\n"
    "  outcome TEXT, value REAL);\n"
    "CREATE TABLE sweep (\n"
    "  name TEXT, description TEXT, file TEXT, sweep_json TEXT,\n"
    "  base_file TEXT, base_json TEXT, design TEXT,\n"
    "  points INTEGER, variants INTEGER, replications INTEGER, seed INTEGER, runs INTEGER,\n"
    "  akashsim_version TEXT, created TEXT);\n"
    "CREATE TABLE summary (\n"
    "  point INTEGER, point_json TEXT, variant TEXT, outcome TEXT,\n"
    "  n INTEGER, mean REAL, sd REAL, ci_low REAL, ci_high REAL,\n"
    "  diff_n INTEGER, diff_mean REAL, diff_sd REAL, diff_ci_low REAL, diff_ci_high REAL);\n"
    "CREATE TABLE sensitivity (\n"
    "  variant TEXT, outcome TEXT, parameter TEXT, method TEXT, rank INTEGER, n INTEGER,\n"
    "  mu_star REAL, mu REAL, sigma REAL, rho REAL, first_order REAL, total_order REAL);\n"
    "CREATE INDEX runs_status ON runs(status);\n";

/* Each child table has an index led by run_id, which also keeps the foreign key checks of a
 * DELETE FROM runs from scanning whole tables. They are built when a run ends, not with the
 * schema: the first run into a file then inserts its rows without them (the lease and order
 * indexes by provider and tenant take each row at a random page) and SQLite builds each index
 * in one sort, a few seconds for the scale scenario's two million rows instead of ten of
 * random inserts. Later runs into the same file find them and keep them up to date. */
static const char RUN_INDEXES[] =
    "CREATE INDEX IF NOT EXISTS metrics_run_t ON metrics(run_id, t_us);\n"
    "CREATE INDEX IF NOT EXISTS leases_run_provider ON leases(run_id, provider);\n"
    "CREATE INDEX IF NOT EXISTS leases_run_tenant ON leases(run_id, tenant);\n"
    "CREATE INDEX IF NOT EXISTS orders_run_tenant ON orders(run_id, tenant);\n"
    "CREATE INDEX IF NOT EXISTS providers_run_provider ON providers(run_id, provider);\n"
    "CREATE INDEX IF NOT EXISTS tenants_run_tenant ON tenants(run_id, tenant);\n"
    "CREATE INDEX IF NOT EXISTS validators_run_validator ON validators(run_id, validator);\n"
    "CREATE INDEX IF NOT EXISTS proposals_run_id ON proposals(run_id, proposal_id);\n"
    "CREATE INDEX IF NOT EXISTS outcomes_run ON outcomes(run_id, outcome);\n";

enum {
    S_BEGIN,
    S_COMMIT,
    S_ROLLBACK,
    S_RUN,
    S_END,
    S_METRICS,
    S_LEASE,
    S_ORDER,
    S_PROVIDER,
    S_TENANT,
    S_VALIDATOR,
    S_PROPOSAL,
    S_COUNT
};

static const char *const STMT_SQL[S_COUNT] = {
    [S_BEGIN] = "BEGIN IMMEDIATE",
    [S_COMMIT] = "COMMIT",
    [S_ROLLBACK] = "ROLLBACK",
    [S_RUN] = "INSERT INTO runs (run_id, scenario_name, scenario_json, seed, replication, point, "
              "point_json, variant, rules, akashsim_version, started, command, status) "
              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'running')",
    [S_END] = "UPDATE runs SET status = ?, message = ?, wall_seconds = ?, events = ?, "
              "blocks = ? WHERE run_id = ?",
    [S_METRICS] = "INSERT INTO metrics VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                  "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                  "?, ?, ?)",
    [S_LEASE] = "INSERT INTO leases VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    [S_ORDER] = "INSERT INTO orders VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    [S_PROVIDER] = "INSERT INTO providers VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                   "?, ?)",
    [S_TENANT] = "INSERT INTO tenants VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    [S_VALIDATOR] = "INSERT INTO validators VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    [S_PROPOSAL] = "INSERT INTO proposals VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
};

struct ak_rec {
    sqlite3 *db;
    char *path;
    sqlite3_stmt *st[S_COUNT];
    int64_t run_id;  /* the current run, 0 when none */
    bool in_txn;     /* a batch transaction is open */
    bool scratch;    /* ak_rec_open_scratch: no indexes, published whole */
    size_t pending;  /* rows in the open batch */
    char err[512];
};

/* ---- messages ---------------------------------------------------------------------------- */

/* Set "path: <message>" and return status. */
static int fail(ak_rec *rec, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(ak_rec *rec, int status, const char *fmt, ...)
{
    int n = snprintf(rec->err, sizeof rec->err, "%s: ", rec->path);
    if (n < 0 || (size_t)n >= sizeof rec->err)
        n = 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(rec->err + n, sizeof rec->err - (size_t)n, fmt, ap);
    va_end(ap);
    return status;
}

static int status_of(int src)
{
    return (src & 0xff) == SQLITE_NOMEM ? AK_ENOMEM : AK_EIO;
}

/* An SQLite failure src: its message, AK_ENOMEM or AK_EIO. Keeps in_txn true to SQLite's
 * state, since some errors (SQLITE_FULL, SQLITE_IOERR, SQLITE_NOMEM) roll a transaction back. */
static int sqlfail(ak_rec *rec, int src)
{
    const char *msg = rec->db ? sqlite3_errmsg(rec->db) : sqlite3_errstr(src);
    fail(rec, status_of(src), "%s", msg);
    if (rec->db && rec->in_txn && sqlite3_get_autocommit(rec->db)) {
        rec->in_txn = false; /* SQLite rolled the batch back */
        rec->pending = 0;
    }
    return status_of(src);
}

/* ---- statements -------------------------------------------------------------------------- */

/* Step a statement that returns no rows, then reset it and clear its bindings. */
static int run(ak_rec *rec, sqlite3_stmt *st)
{
    int src = sqlite3_step(st);
    int status = 0;
    if (src != SQLITE_DONE)
        status = sqlfail(rec, src);
    /* sqlite3_reset returns the error of the step just reported, or SQLITE_OK */
    (void)sqlite3_reset(st);
    int crc = sqlite3_clear_bindings(st);
    if (!status && crc != SQLITE_OK)
        status = sqlfail(rec, crc);
    return status;
}

static int begin(ak_rec *rec)
{
    if (rec->in_txn)
        return 0;
    int status = run(rec, rec->st[S_BEGIN]);
    if (status)
        return status;
    rec->in_txn = true;
    rec->pending = 0;
    return 0;
}

/* Roll the open transaction back, keeping the message of the failure that led here. */
static void rollback(ak_rec *rec)
{
    if (!rec->db || sqlite3_get_autocommit(rec->db)) {
        rec->in_txn = false;
        rec->pending = 0;
        return;
    }
    char keep[sizeof rec->err];
    memcpy(keep, rec->err, sizeof keep);
    (void)run(rec, rec->st[S_ROLLBACK]); /* a failed ROLLBACK leaves nothing better to do */
    memcpy(rec->err, keep, sizeof keep);
    rec->in_txn = !sqlite3_get_autocommit(rec->db);
    rec->pending = 0;
}

/* Commit the open batch, if any. On failure the batch is rolled back (lost). */
static int commit(ak_rec *rec)
{
    if (!rec->in_txn)
        return 0;
    int status = run(rec, rec->st[S_COMMIT]);
    if (status) {
        rollback(rec);
        return status;
    }
    rec->in_txn = false;
    rec->pending = 0;
    return 0;
}

/* Binding the parameters of one statement, in order; the first SQLite error is kept. */
typedef struct binder {
    sqlite3_stmt *st;
    int col;
    int src;
} binder;

static void b_int(binder *b, int64_t v)
{
    if (b->src == SQLITE_OK)
        b->src = sqlite3_bind_int64(b->st, ++b->col, v);
}

/* -1 (not reached, not in a sweep, still open) is written NULL. */
static void b_opt(binder *b, int64_t v)
{
    if (b->src != SQLITE_OK)
        return;
    if (v == -1)
        b->src = sqlite3_bind_null(b->st, ++b->col);
    else
        b->src = sqlite3_bind_int64(b->st, ++b->col, v);
}

static void b_dbl(binder *b, double v)
{
    if (b->src != SQLITE_OK)
        return;
    if (isnan(v))
        b->src = sqlite3_bind_null(b->st, ++b->col);
    else
        b->src = sqlite3_bind_double(b->st, ++b->col, v);
}

/* Static: the statement is stepped and its bindings cleared before the caller's row goes. */
static void b_text(binder *b, const char *s)
{
    if (b->src != SQLITE_OK)
        return;
    if (!s)
        b->src = sqlite3_bind_null(b->st, ++b->col);
    else
        b->src = sqlite3_bind_text64(b->st, ++b->col, s, strlen(s), SQLITE_STATIC, SQLITE_UTF8);
}

/* Bound everything? Then step. On a binding error the bindings are cleared for the next use. */
static int bound_run(ak_rec *rec, binder *b)
{
    if (b->src == SQLITE_OK && b->col != sqlite3_bind_parameter_count(b->st))
        return fail(rec, AK_EIO, "internal error: %d values for %d parameters of \"%.40s\"",
                    b->col, sqlite3_bind_parameter_count(b->st), sqlite3_sql(b->st));
    if (b->src != SQLITE_OK) {
        int status = sqlfail(rec, b->src);
        int crc = sqlite3_clear_bindings(b->st);
        return crc == SQLITE_OK ? status : sqlfail(rec, crc);
    }
    return run(rec, b->st);
}

/* Start a row of the current run: check there is one, open a batch, bind run_id. */
static int row_start(ak_rec *rec, const void *row, int which, binder *b)
{
    if (!rec)
        return AK_EINVAL;
    if (!row)
        return fail(rec, AK_EINVAL, "row is NULL");
    if (!rec->run_id)
        return fail(rec, AK_EINVAL, "no run begun (ak_rec_begin_run first)");
    int status = begin(rec);
    if (status)
        return status;
    *b = (binder){rec->st[which], 0, SQLITE_OK};
    b_int(b, rec->run_id);
    return 0;
}

static int row_finish(ak_rec *rec, binder *b)
{
    int status = bound_run(rec, b);
    if (status)
        return status;
    if (++rec->pending >= AK_REC_BATCH)
        return commit(rec);
    return 0;
}

/* ---- open and close ---------------------------------------------------------------------- */

/* Run one statement that may return rows (a pragma) and ignore them. */
static int exec1(ak_rec *rec, const char *sql)
{
    sqlite3_stmt *st;
    int src = sqlite3_prepare_v2(rec->db, sql, -1, &st, NULL);
    if (src != SQLITE_OK)
        return sqlfail(rec, src);
    while ((src = sqlite3_step(st)) == SQLITE_ROW)
        ;
    int status = src == SQLITE_DONE ? 0 : sqlfail(rec, src);
    src = sqlite3_finalize(st);
    if (!status && src != SQLITE_OK)
        status = sqlfail(rec, src);
    return status;
}

/* The value of meta.schema_version into ver (cap bytes); "" when the key is absent. */
static int read_version(ak_rec *rec, char *ver, size_t cap)
{
    sqlite3_stmt *st;
    int src = sqlite3_prepare_v2(rec->db, "SELECT value FROM meta WHERE key = 'schema_version'",
                                 -1, &st, NULL);
    if (src != SQLITE_OK)
        return sqlfail(rec, src);
    int status = 0;
    ver[0] = '\0';
    src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        const unsigned char *v = sqlite3_column_text(st, 0);
        if (v)
            snprintf(ver, cap, "%s", (const char *)v);
        else if (sqlite3_errcode(rec->db) == SQLITE_NOMEM)
            status = sqlfail(rec, SQLITE_NOMEM);
        else
            snprintf(ver, cap, "NULL");
    } else if (src != SQLITE_DONE) {
        status = sqlfail(rec, src);
    }
    src = sqlite3_finalize(st);
    if (!status && src != SQLITE_OK)
        status = sqlfail(rec, src);
    return status;
}

/* How many tables the file has, and whether one of them is meta. */
static int count_tables(ak_rec *rec, int *ntables, bool *has_meta)
{
    sqlite3_stmt *st;
    int src = sqlite3_prepare_v2(rec->db,
                                 "SELECT count(*), coalesce(sum(name = 'meta'), 0) "
                                 "FROM sqlite_master WHERE type = 'table'",
                                 -1, &st, NULL);
    if (src != SQLITE_OK)
        return sqlfail(rec, src);
    int status = 0;
    src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        *ntables = sqlite3_column_int(st, 0);
        *has_meta = sqlite3_column_int(st, 1) != 0;
    } else {
        status = sqlfail(rec, src == SQLITE_DONE ? SQLITE_ERROR : src);
    }
    src = sqlite3_finalize(st);
    if (!status && src != SQLITE_OK)
        status = sqlfail(rec, src);
    return status;
}

/* Create the schema in an empty file, or check the version of an existing one. */
static int schema(ak_rec *rec)
{
    int status = exec1(rec, "BEGIN IMMEDIATE");
    if (status)
        return status;
    int ntables = 0;
    bool has_meta = false;
    status = count_tables(rec, &ntables, &has_meta);
    if (status)
        goto out;
    if (has_meta) {
        char ver[32];
        status = read_version(rec, ver, sizeof ver);
        if (status)
            goto out;
        char want[32];
        snprintf(want, sizeof want, "%d", AK_REC_SCHEMA_VERSION);
        if (!ver[0])
            status = fail(rec, AK_EIO, "no schema version in table meta, this akashsim writes %d",
                          AK_REC_SCHEMA_VERSION);
        else if (strcmp(ver, want) != 0)
            status = fail(rec, AK_EIO, "schema version %s, this akashsim writes %d", ver,
                          AK_REC_SCHEMA_VERSION);
        goto out;
    }
    if (ntables > 0) {
        status = fail(rec, AK_EIO, "not an akashsim results database (it has tables but no meta)");
        goto out;
    }
    int src = sqlite3_exec(rec->db, SCHEMA, NULL, NULL, NULL);
    if (src != SQLITE_OK) {
        status = sqlfail(rec, src);
        goto out;
    }
    char sql[96];
    snprintf(sql, sizeof sql, "INSERT INTO meta VALUES ('schema_version', '%d')",
             AK_REC_SCHEMA_VERSION);
    status = exec1(rec, sql);
out:
    if (status) {
        if (!sqlite3_get_autocommit(rec->db)) {
            char keep[sizeof rec->err];
            memcpy(keep, rec->err, sizeof keep);
            (void)exec1(rec, "ROLLBACK"); /* closing the connection rolls back anyway */
            memcpy(rec->err, keep, sizeof keep);
        }
        return status;
    }
    return exec1(rec, "COMMIT");
}

/* Finalize the statements and close the connection; 0 or AK_EIO (message set). */
static int shut(ak_rec *rec)
{
    int status = 0;
    for (int i = 0; i < S_COUNT; i++) {
        if (!rec->st[i])
            continue;
        /* every use was reset, so finalize reports only its own failure */
        int src = sqlite3_finalize(rec->st[i]);
        rec->st[i] = NULL;
        if (src != SQLITE_OK && !status)
            status = sqlfail(rec, src);
    }
    if (rec->db) {
        int src = sqlite3_close(rec->db);
        if (src != SQLITE_OK) {
            if (!status)
                status = sqlfail(rec, src);
            (void)sqlite3_close_v2(rec->db); /* frees it once whatever holds it is gone */
        }
        rec->db = NULL;
    }
    return status;
}

static void destroy(ak_rec *rec)
{
    free(rec->path);
    free(rec);
}

/* Remove path and its companions, which this failed open created. */
static void unlink_created(const char *path)
{
    static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
    size_t n = strlen(path);
    char *p = malloc(n + sizeof "-journal");
    if (!p)
        return;
    for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
        memcpy(p, path, n);
        strcpy(p + n, suffix[i]);
        (void)unlink(p); /* absent is fine; otherwise the open has failed already */
    }
    free(p);
}

int ak_rec_open(const char *path, ak_rec **out, char *errbuf, size_t cap)
{
    if (errbuf && cap)
        errbuf[0] = '\0';
    if (out)
        *out = NULL;
    if (!path || !out) {
        if (errbuf && cap)
            snprintf(errbuf, cap, "%s: invalid argument", path ? path : "(null)");
        return AK_EINVAL;
    }
    ak_rec *rec = calloc(1, sizeof *rec);
    char *copy = strdup(path);
    if (!rec || !copy) {
        free(rec);
        free(copy);
        if (errbuf && cap)
            snprintf(errbuf, cap, "%s: out of memory", path);
        return AK_ENOMEM;
    }
    rec->path = copy;

    /* SQLite creates the file at open; if anything below fails, a file we made is removed. */
    bool special = !path[0] || strcmp(path, ":memory:") == 0;
    struct stat sb;
    bool existed = special || stat(path, &sb) == 0;

    int status = 0;
    int src = sqlite3_open_v2(path, &rec->db,
                              SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                              NULL);
    if (src != SQLITE_OK) {
        status = sqlfail(rec, src);
        goto failed;
    }
    if (sqlite3_db_readonly(rec->db, "main") == 1) {
        status = fail(rec, AK_EIO, "%s", sqlite3_errstr(SQLITE_READONLY));
        goto failed;
    }
    src = sqlite3_busy_timeout(rec->db, BUSY_TIMEOUT_MS);
    if (src != SQLITE_OK) {
        status = sqlfail(rec, src);
        goto failed;
    }
    /* The schema is checked before the journal mode is set, so a file refused (another
     * version, another program's database) is left as it was; the schema check is the first
     * read of the header, where a file that is not SQLite fails. WAL is not insisted on: where
     * it is unavailable (no shared memory) SQLite keeps a rollback journal, slower for readers
     * but recording the same rows. */
    /* A 64 MiB page cache: a year of a large network inserts millions of rows whose indexes
     * (by provider, by tenant) land on random pages; with SQLite's 2 MiB default most of those
     * inserts read a page back from the file. Checkpoints (each a write back and an fsync)
     * every 16,384 pages (64 MiB of WAL) rather than SQLite's 1,000. */
    if ((status = exec1(rec, "PRAGMA synchronous = NORMAL")) ||
        (status = exec1(rec, "PRAGMA cache_size = -65536")) ||
        (status = exec1(rec, "PRAGMA wal_autocheckpoint = 16384")) ||
        (status = exec1(rec, "PRAGMA foreign_keys = ON")) || (status = schema(rec)) ||
        (status = exec1(rec, "PRAGMA journal_mode = WAL")))
        goto failed;
    for (int i = 0; i < S_COUNT; i++) {
        src = sqlite3_prepare_v3(rec->db, STMT_SQL[i], -1, SQLITE_PREPARE_PERSISTENT, &rec->st[i],
                                 NULL);
        if (src != SQLITE_OK) {
            status = sqlfail(rec, src);
            goto failed;
        }
    }
    *out = rec;
    return 0;

failed:
    if (errbuf && cap)
        snprintf(errbuf, cap, "%s", rec->err);
    (void)shut(rec);
    if (!existed)
        unlink_created(path);
    destroy(rec);
    return status;
}

int ak_rec_close(ak_rec *rec)
{
    if (!rec)
        return 0;
    int status = rec->db ? commit(rec) : 0;
    int s2 = shut(rec);
    destroy(rec);
    return status ? status : s2;
}

const char *ak_rec_errmsg(const ak_rec *rec)
{
    return rec ? rec->err : "no recorder";
}

/* ---- runs -------------------------------------------------------------------------------- */

int ak_rec_begin_run(ak_rec *rec, const ak_rec_run_info *info, int64_t *run_id)
{
    if (!rec)
        return AK_EINVAL;
    if (!info)
        return fail(rec, AK_EINVAL, "run info is NULL");
    /* the rows of a run not ended are kept; that run stays 'running' */
    int status = commit(rec);
    if (status)
        return status;
    rec->run_id = 0;

    char started[32];
    bool have_started = false;
    struct tm tm;
    time_t t = (time_t)info->started_unix;
    if (gmtime_r(&t, &tm) && strftime(started, sizeof started, "%Y-%m-%dT%H:%M:%SZ", &tm) > 0)
        have_started = true;

    binder b = {rec->st[S_RUN], 0, SQLITE_OK};
    b_opt(&b, info->run_id > 0 ? info->run_id : -1); /* NULL: the next id */
    b_text(&b, info->scenario_name);
    b_text(&b, info->scenario_json);
    b_int(&b, (int64_t)info->seed); /* two's complement above INT64_MAX (docs/results.md) */
    b_int(&b, info->replication);
    b_opt(&b, info->point);
    b_text(&b, info->point_json);
    b_text(&b, info->variant);
    b_text(&b, info->rules);
    b_text(&b, info->version);
    b_text(&b, have_started ? started : NULL);
    b_text(&b, info->command);
    /* autocommit: the row is committed when the step returns */
    status = bound_run(rec, &b);
    if (status)
        return status;
    rec->run_id = sqlite3_last_insert_rowid(rec->db);
    if (run_id)
        *run_id = rec->run_id;
    return 0;
}

int ak_rec_end_run(ak_rec *rec, bool ok, const char *message, double wall_seconds,
                   int64_t events, int64_t blocks)
{
    if (!rec)
        return AK_EINVAL;
    if (!rec->run_id)
        return fail(rec, AK_EINVAL, "no run begun (ak_rec_begin_run first)");
    int64_t id = rec->run_id;
    rec->run_id = 0; /* ended, whatever happens below */
    int status = begin(rec);
    if (status)
        return status;
    /* the indexes first, in the same transaction: a run is complete with its indexes or not */
    int src = rec->scratch ? SQLITE_OK : sqlite3_exec(rec->db, RUN_INDEXES, NULL, NULL, NULL);
    if (src != SQLITE_OK) {
        status = sqlfail(rec, src);
        rollback(rec);
        return status;
    }
    binder b = {rec->st[S_END], 0, SQLITE_OK};
    b_text(&b, ok ? "complete" : "failed");
    b_text(&b, message);
    b_dbl(&b, wall_seconds);
    b_int(&b, events);
    b_int(&b, blocks);
    b_int(&b, id);
    status = bound_run(rec, &b);
    if (!status && sqlite3_changes(rec->db) != 1)
        status = fail(rec, AK_EIO, "run %" PRId64 " is no longer in table runs", id);
    if (status) {
        rollback(rec);
        return status;
    }
    return commit(rec);
}

/* ---- rows -------------------------------------------------------------------------------- */

int ak_rec_write_metrics(ak_rec *rec, const ak_rec_metrics *m)
{
    binder b;
    int status = row_start(rec, m, S_METRICS, &b);
    if (status)
        return status;
    b_int(&b, m->t_us);
    b_int(&b, m->height);
    b_int(&b, m->blocks);
    b_int(&b, m->active_leases);
    b_int(&b, m->open_orders);
    b_int(&b, m->open_bids);
    b_int(&b, m->active_deployments);
    b_dbl(&b, m->cpu_util);
    b_dbl(&b, m->mem_util);
    b_dbl(&b, m->gpu_util);
    b_dbl(&b, m->price_cpu_month_mean_usd);
    b_dbl(&b, m->price_cpu_month_median_usd);
    b_dbl(&b, m->price_gpu_hour_mean_usd);
    b_dbl(&b, m->price_gpu_hour_median_usd);
    b_int(&b, m->tenant_spend_uakt);
    b_int(&b, m->provider_income_uakt);
    b_int(&b, m->take_uakt);
    b_dbl(&b, m->tenant_spend_usd);
    b_dbl(&b, m->provider_income_usd);
    b_dbl(&b, m->take_usd);
    b_int(&b, m->community_pool_uakt);
    b_int(&b, m->total_supply_uakt);
    b_dbl(&b, m->bonded_ratio);
    b_dbl(&b, m->inflation);
    b_dbl(&b, m->staking_apr);
    b_dbl(&b, m->akt_usd);
    b_int(&b, m->bonded_validators);
    b_int(&b, m->jailed_validators);
    b_int(&b, m->orders_unmet);
    b_int(&b, m->deployments_created);
    b_int(&b, m->leases_created);
    b_int(&b, m->leases_closed);
    b_int(&b, m->providers_down);
    b_int(&b, m->provider_failures);
    b_int(&b, m->failures_noticed);
    b_int(&b, m->validators_offline);
    b_int(&b, m->chain_halts);
    b_dbl(&b, m->halted_s);
    b_int(&b, m->active_providers);
    b_int(&b, m->providers_entered);
    b_int(&b, m->providers_exited);
    b_int(&b, m->arrivals_priced_out);
    b_int(&b, m->tenant_spend_uusdc);
    b_int(&b, m->provider_income_uusdc);
    b_int(&b, m->take_uusdc);
    return row_finish(rec, &b);
}

int ak_rec_write_lease(ak_rec *rec, const ak_rec_lease *l)
{
    binder b;
    int status = row_start(rec, l, S_LEASE, &b);
    if (status)
        return status;
    b_text(&b, l->lease_id);
    b_text(&b, l->tenant);
    b_text(&b, l->provider);
    b_text(&b, l->kind);
    b_int(&b, l->created_us);
    b_int(&b, l->created_height);
    b_opt(&b, l->closed_us);
    b_opt(&b, l->closed_height);
    b_text(&b, l->close_reason);
    b_text(&b, l->denom);
    b_dbl(&b, l->price_per_block);
    b_dbl(&b, l->price_usd_month);
    b_int(&b, l->cpu_millis);
    b_int(&b, l->memory_bytes);
    b_int(&b, l->storage_bytes);
    b_int(&b, l->gpus);
    b_int(&b, l->paid);
    return row_finish(rec, &b);
}

int ak_rec_write_order(ak_rec *rec, const ak_rec_order *o)
{
    binder b;
    int status = row_start(rec, o, S_ORDER, &b);
    if (status)
        return status;
    b_text(&b, o->order_id);
    b_text(&b, o->tenant);
    b_text(&b, o->kind);
    b_int(&b, o->created_us);
    b_opt(&b, o->closed_us);
    b_int(&b, o->bids);
    b_text(&b, o->outcome);
    b_dbl(&b, o->budget_per_block);
    return row_finish(rec, &b);
}

int ak_rec_write_provider(ak_rec *rec, const ak_rec_provider *p)
{
    binder b;
    int status = row_start(rec, p, S_PROVIDER, &b);
    if (status)
        return status;
    b_text(&b, p->provider);
    b_text(&b, p->region);
    b_text(&b, p->gpu_model);
    b_int(&b, p->cpu_millis);
    b_int(&b, p->memory_bytes);
    b_int(&b, p->storage_bytes);
    b_int(&b, p->gpus);
    b_int(&b, p->bids);
    b_int(&b, p->leases_won);
    b_int(&b, p->income_uakt);
    b_int(&b, p->income_uusdc);
    b_int(&b, p->failures);
    b_dbl(&b, p->downtime_hours);
    b_opt(&b, p->entered_us);
    b_opt(&b, p->exited_us);
    return row_finish(rec, &b);
}

int ak_rec_write_tenant(ak_rec *rec, const ak_rec_tenant *t)
{
    binder b;
    int status = row_start(rec, t, S_TENANT, &b);
    if (status)
        return status;
    b_text(&b, t->tenant);
    b_int(&b, t->deployments);
    b_int(&b, t->leases);
    b_int(&b, t->orders_unmet);
    b_int(&b, t->deposited_uakt);
    b_int(&b, t->refunded_uakt);
    b_int(&b, t->deposited_uusdc);
    b_int(&b, t->refunded_uusdc);
    b_int(&b, t->failures_noticed);
    b_int(&b, t->redeployments);
    return row_finish(rec, &b);
}

int ak_rec_write_validator(ak_rec *rec, const ak_rec_validator *v)
{
    binder b;
    int status = row_start(rec, v, S_VALIDATOR, &b);
    if (status)
        return status;
    b_text(&b, v->validator);
    b_int(&b, v->tokens_start);
    b_int(&b, v->tokens_end);
    b_text(&b, v->status_end);
    b_int(&b, v->jailed_end ? 1 : 0);
    b_int(&b, v->times_jailed);
    b_int(&b, v->blocks_proposed);
    b_int(&b, v->blocks_missed);
    b_dbl(&b, v->commission_rate);
    b_int(&b, v->failures);
    b_dbl(&b, v->downtime_hours);
    b_int(&b, v->double_signs);
    return row_finish(rec, &b);
}

int ak_rec_write_proposal(ak_rec *rec, const ak_rec_proposal *p)
{
    binder b;
    int status = row_start(rec, p, S_PROPOSAL, &b);
    if (status)
        return status;
    b_int(&b, p->proposal_id);
    b_text(&b, p->title);
    b_text(&b, p->messages);
    b_opt(&b, p->submit_us);
    b_opt(&b, p->voting_start_us);
    b_opt(&b, p->end_us);
    b_text(&b, p->status);
    b_dbl(&b, p->yes);
    b_dbl(&b, p->no);
    b_dbl(&b, p->abstain);
    b_dbl(&b, p->veto);
    b_dbl(&b, p->turnout);
    return row_finish(rec, &b);
}

/* ---- sweeps ------------------------------------------------------------------------------ */

int ak_rec_open_scratch(ak_rec **out, char *errbuf, size_t cap)
{
    int status = ak_rec_open("", out, errbuf, cap);
    if (status)
        return status;
    ak_rec *rec = *out;
    char *name = strdup("scratch database");
    if (!name) {
        ak_rec_close(rec);
        *out = NULL;
        if (errbuf && cap)
            snprintf(errbuf, cap, "scratch database: out of memory");
        return AK_ENOMEM;
    }
    free(rec->path);
    rec->path = name;
    rec->scratch = true;
    return 0;
}

const char *const ak_rec_agg_names[AK_REC_AGGS + 1] = {"sum", "mean", "last", "min", "max", NULL};

bool ak_rec_is_metric(const char *name)
{
    /* the column list of the metrics table in SCHEMA: one name at the start of each item */
    const char *p = strstr(SCHEMA, "CREATE TABLE metrics (");
    if (!name || !*name || !p || strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_") !=
                                        strlen(name))
        return false;
    p += strlen("CREATE TABLE metrics (");
    size_t n = strlen(name);
    bool item_start = true;
    for (; *p && *p != ';'; p++) {
        if (item_start) {
            while (*p == ' ' || *p == '\n' || *p == '"')
                p++;
            if (strncmp(p, name, n) == 0 && p[n] == ' ')
                return true;
            item_start = false;
        }
        if (*p == ',')
            item_start = true;
    }
    return false;
}

int ak_rec_outcome(ak_rec *rec, const char *name, const char *metric, ak_rec_agg agg,
                   int64_t from_us, double *value)
{
    if (!rec)
        return AK_EINVAL;
    if (!rec->run_id)
        return fail(rec, AK_EINVAL, "no run begun (ak_rec_begin_run first)");
    if (!name || !ak_rec_is_metric(metric) || (unsigned)agg >= AK_REC_AGGS)
        return fail(rec, AK_EINVAL, "no metric \"%s\"", metric ? metric : "(null)");
    static const char *const fn[AK_REC_AGGS] = {"sum", "avg", NULL, "min", "max"};
    char sql[256];
    if (agg == AK_REC_LAST)
        snprintf(sql, sizeof sql,
                 "SELECT %s FROM metrics WHERE run_id = ?1 AND t_us >= ?2 "
                 "ORDER BY t_us DESC LIMIT 1", metric);
    else
        snprintf(sql, sizeof sql, "SELECT %s(%s) FROM metrics WHERE run_id = ?1 AND t_us >= ?2",
                 fn[agg], metric);
    int status = begin(rec);
    if (status)
        return status;
    sqlite3_stmt *st;
    int src = sqlite3_prepare_v2(rec->db, sql, -1, &st, NULL);
    if (src != SQLITE_OK)
        return sqlfail(rec, src);
    double v = NAN;
    sqlite3_bind_int64(st, 1, rec->run_id);
    sqlite3_bind_int64(st, 2, from_us);
    src = sqlite3_step(st);
    /* the aggregate of no values is NULL (sum() too, unlike total()) */
    if (src == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
        v = sqlite3_column_double(st, 0);
    if (src != SQLITE_ROW && src != SQLITE_DONE) {
        status = sqlfail(rec, src);
        sqlite3_finalize(st);
        return status;
    }
    sqlite3_finalize(st);
    if ((src = sqlite3_prepare_v2(rec->db, "INSERT INTO outcomes VALUES (?, ?, ?)", -1, &st,
                                  NULL)) != SQLITE_OK)
        return sqlfail(rec, src);
    binder b = {st, 0, SQLITE_OK};
    b_int(&b, rec->run_id);
    b_text(&b, name);
    b_dbl(&b, v);
    status = bound_run(rec, &b);
    sqlite3_finalize(st);
    if (status)
        return status;
    if (value)
        *value = v;
    return 0;
}

const char *const ak_rec_run_tables[AK_REC_RUN_TABLES] = {
    "runs", "metrics", "leases", "orders", "providers", "tenants", "validators", "proposals",
    "outcomes"};

/* "dst: <SQLite's message>" for a failure while publishing. */
static int dstfail(ak_rec *rec, const char *dst, int src)
{
    snprintf(rec->err, sizeof rec->err, "%s: %s", dst,
             rec->db ? sqlite3_errmsg(rec->db) : sqlite3_errstr(src));
    return status_of(src);
}

int ak_rec_publish(ak_rec *rec, const char *dst)
{
    if (!rec)
        return AK_EINVAL;
    if (!dst || rec->in_txn || rec->run_id)
        return fail(rec, AK_EINVAL, "publish needs a destination and no run in progress");
    sqlite3_stmt *st = NULL;
    int src = sqlite3_prepare_v2(rec->db, "ATTACH DATABASE ?1 AS dst", -1, &st, NULL);
    if (src == SQLITE_OK) {
        sqlite3_bind_text(st, 1, dst, -1, SQLITE_STATIC);
        src = sqlite3_step(st);
        src = src == SQLITE_DONE ? SQLITE_OK : src;
    }
    sqlite3_finalize(st);
    if (src != SQLITE_OK)
        return dstfail(rec, dst, src);
    int status = 0;
    /* the run's index entries land together (they all lead with its run_id), in pages a
     * cache of this size keeps while the run goes in */
    if ((src = sqlite3_exec(rec->db, "PRAGMA dst.cache_size = -65536", NULL, NULL, NULL)) !=
        SQLITE_OK) {
        status = dstfail(rec, dst, src);
        goto detach;
    }
    /* a file that is not a results database of this schema takes nothing */
    src = sqlite3_prepare_v2(rec->db, "SELECT value FROM dst.meta WHERE key = 'schema_version'",
                             -1, &st, NULL);
    if (src != SQLITE_OK) {
        status = dstfail(rec, dst, src);
        goto detach;
    }
    src = sqlite3_step(st);
    if (src != SQLITE_ROW || sqlite3_column_int(st, 0) != AK_REC_SCHEMA_VERSION) {
        status = src == SQLITE_ROW || src == SQLITE_DONE ? AK_EIO : dstfail(rec, dst, src);
        if (src == SQLITE_ROW || src == SQLITE_DONE)
            snprintf(rec->err, sizeof rec->err, "%s: not a results database of schema %d", dst,
                     AK_REC_SCHEMA_VERSION);
        sqlite3_finalize(st);
        goto detach;
    }
    sqlite3_finalize(st);
    /* Every row copied belongs to a run copied first, so checking each one's foreign key (a
     * lookup per row) proves nothing; the rows of a replaced run are deleted table by table,
     * through the run_id indexes. Durability as the recorder's own connection has it. */
    if ((src = sqlite3_exec(rec->db, "PRAGMA foreign_keys = OFF; PRAGMA dst.synchronous = NORMAL",
                            NULL, NULL, NULL)) != SQLITE_OK ||
        (src = sqlite3_exec(rec->db, "BEGIN IMMEDIATE", NULL, NULL, NULL)) != SQLITE_OK) {
        status = dstfail(rec, dst, src);
        goto detach;
    }
    for (size_t i = AK_REC_RUN_TABLES; src == SQLITE_OK && i-- > 0;) {
        char sql[128];
        snprintf(sql, sizeof sql,
                 "DELETE FROM dst.%s WHERE run_id IN (SELECT run_id FROM main.runs)",
                 ak_rec_run_tables[i]);
        src = sqlite3_exec(rec->db, sql, NULL, NULL, NULL);
    }
    for (size_t i = 0; src == SQLITE_OK && i < AK_REC_RUN_TABLES; i++) {
        char sql[128];
        snprintf(sql, sizeof sql, "INSERT INTO dst.%s SELECT * FROM main.%s",
                 ak_rec_run_tables[i], ak_rec_run_tables[i]);
        src = sqlite3_exec(rec->db, sql, NULL, NULL, NULL);
    }
    if (src == SQLITE_OK)
        src = sqlite3_exec(rec->db, "COMMIT", NULL, NULL, NULL);
    if (src != SQLITE_OK) {
        status = dstfail(rec, dst, src);
        if (!sqlite3_get_autocommit(rec->db))
            (void)sqlite3_exec(rec->db, "ROLLBACK", NULL, NULL, NULL);
    }
detach:
    src = sqlite3_exec(rec->db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
    if (!status && src != SQLITE_OK)
        status = dstfail(rec, dst, src);
    src = sqlite3_exec(rec->db, "DETACH DATABASE dst", NULL, NULL, NULL);
    if (!status && src != SQLITE_OK)
        status = dstfail(rec, dst, src);
    return status;
}

int ak_rec_build_indexes(ak_rec *rec)
{
    if (!rec)
        return AK_EINVAL;
    int status = commit(rec);
    if (status)
        return status;
    int src = sqlite3_exec(rec->db, RUN_INDEXES, NULL, NULL, NULL);
    return src == SQLITE_OK ? 0 : sqlfail(rec, src);
}

struct sqlite3 *ak_rec_sqlite(ak_rec *rec)
{
    return rec ? rec->db : NULL;
}
