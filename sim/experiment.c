/*
 * sim/experiment.c: running, merging and summarizing sweeps (see experiment.h; docs/sweeps.md).
 */
#include "experiment.h"

#include <errno.h>
#include <math.h>
#include <omp.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "engine.h"
#include "errors.h"
#include "recorder.h"
#include "scenario.h"
#include "stats.h"
#include "version.h"

#define LEVEL 0.95 /* confidence level of every interval */

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* "path: <SQLite's message>" into why; the status for it. */
static int dbfail(sqlite3 *db, const char *path, int src, char *why, size_t cap)
{
    snprintf(why, cap, "%s: %s", path, db ? sqlite3_errmsg(db) : sqlite3_errstr(src));
    return (src & 0xff) == SQLITE_NOMEM ? AK_ENOMEM : AK_EIO;
}

/* Close the results database; a failure to close (the last commit) counts when nothing failed
 * before it. Returns the status the caller should return. */
static int close_db(ak_rec *rec, const char *path, int status, char *why, size_t cap)
{
    int cs = ak_rec_close(rec);
    if (!status && cs) {
        snprintf(why, cap, "%s: cannot close the database", path);
        status = cs;
    }
    return status;
}

static int exec(sqlite3 *db, const char *path, const char *sql, char *why, size_t cap)
{
    int src = sqlite3_exec(db, sql, NULL, NULL, NULL);
    return src == SQLITE_OK ? 0 : dbfail(db, path, src, why, cap);
}

static char *col_text(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? strdup((const char *)t) : NULL;
}

/* The sweep row of the file attached as `schema` ("main", "src"): its definition and base
 * scenario (malloc'd, NULL when the file has no sweep). */
static int read_sweep_row(sqlite3 *db, const char *path, const char *schema, char **json,
                          char **base, char **name, char *why, size_t cap)
{
    *json = *base = NULL;
    if (name)
        *name = NULL;
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT sweep_json, base_json, name FROM %s.sweep", schema);
    sqlite3_stmt *st;
    int src = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    if (src != SQLITE_OK)
        return dbfail(db, path, src, why, cap);
    int status = 0;
    src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        *json = col_text(st, 0);
        *base = col_text(st, 1);
        if (name)
            *name = col_text(st, 2);
        if (!*json || !*base || (name && !*name)) {
            free(*json);
            free(*base);
            if (name)
                free(*name);
            *json = *base = NULL;
            snprintf(why, cap, "%s: the sweep row is incomplete", path);
            status = AK_EINVAL;
        }
    } else if (src != SQLITE_DONE) {
        status = dbfail(db, path, src, why, cap);
    }
    sqlite3_finalize(st);
    return status;
}

static int64_t count_of(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    int64_t n = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return -1;
    if (sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

/* Make sure the file at out holds this sweep, recording it when the file is new. */
static int claim_file(sqlite3 *db, const char *out, const ak_sweep *sw, char *why, size_t cap)
{
    char *json, *base, *name;
    int status = read_sweep_row(db, out, "main", &json, &base, &name, why, cap);
    if (status)
        return status;
    if (json) {
        bool same = strcmp(json, sw->json) == 0 && strcmp(base, sw->base_json) == 0;
        if (!same)
            snprintf(why, cap,
                     "%s: holds the sweep \"%s\" as it was defined when it began, and the sweep "
                     "file or its base scenario has changed since; give a new file to start "
                     "over, or restore them to resume", out, name);
        free(json);
        free(base);
        free(name);
        return same ? 0 : AK_EINVAL;
    }
    int64_t runs = count_of(db, "SELECT count(*) FROM runs");
    if (runs != 0) {
        snprintf(why, cap, "%s: holds %lld runs that are not part of a sweep; give a new file",
                 out, (long long)runs);
        return AK_EINVAL;
    }
    sqlite3_stmt *st;
    int src = sqlite3_prepare_v2(db,
                                 "INSERT INTO sweep VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                                 "?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
                                 -1, &st, NULL);
    if (src != SQLITE_OK)
        return dbfail(db, out, src, why, cap);
    int c = 0;
    sqlite3_bind_text(st, ++c, sw->name, -1, SQLITE_STATIC);
    if (sw->description)
        sqlite3_bind_text(st, ++c, sw->description, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, ++c);
    sqlite3_bind_text(st, ++c, sw->file, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, ++c, sw->json, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, ++c, sw->base_path, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, ++c, sw->base_json, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, ++c, ak_sw_design_names[sw->design], -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, ++c, sw->npoints);
    sqlite3_bind_int64(st, ++c, sw->has_variants ? sw->nvariants : 0);
    sqlite3_bind_int64(st, ++c, sw->replications);
    sqlite3_bind_int64(st, ++c, (int64_t)sw->seed);
    sqlite3_bind_int64(st, ++c, (int64_t)sw->nruns);
    sqlite3_bind_text(st, ++c, AKASHSIM_VERSION, -1, SQLITE_STATIC);
    src = sqlite3_step(st);
    sqlite3_finalize(st);
    return src == SQLITE_DONE ? 0 : dbfail(db, out, src, why, cap);
}

/* ---- one run ---- */

typedef struct shared {
    const ak_sweep *sw;
    const char *out;
    const ak_exp_opts *opts;
    ak_exp_result *res;
    uint64_t ntodo, done;
    double t0;
    int fatal;              /* the results file cannot be written: stop */
    char fatal_msg[1100];
    bool line;              /* a progress line is on the terminal */
} shared;

static bool stopping(const shared *sh)
{
    int fatal;
#pragma omp atomic read
    fatal = sh->fatal;
    return fatal || (sh->opts->stop && *sh->opts->stop);
}

static void progress(shared *sh)
{
    if (!sh->opts->progress)
        return;
    double el = wall_now() - sh->t0;
    uint64_t left = sh->ntodo - sh->done;
    char eta[64] = "";
    if (sh->done > 0 && left > 0) {
        double s = el / (double)sh->done * (double)left;
        if (s >= 3600)
            snprintf(eta, sizeof eta, ", %.0f h %02.0f min left", floor(s / 3600),
                     floor(fmod(s, 3600) / 60));
        else if (s >= 60)
            snprintf(eta, sizeof eta, ", %.0f min %02.0f s left", floor(s / 60), fmod(s, 60));
        else
            snprintf(eta, sizeof eta, ", %.0f s left", s);
    }
    fprintf(stderr, "\rakashsim sweep: %llu of %llu runs done, %llu failed%s   ",
            (unsigned long long)sh->done, (unsigned long long)sh->ntodo,
            (unsigned long long)sh->res->failed, eta);
    fflush(stderr);
    sh->line = true;
}

static void clear_line(shared *sh)
{
    if (sh->line) {
        fprintf(stderr, "\r%78s\r", "");
        sh->line = false;
    }
}

/* Run index i into a scratch database and publish it. Returns 0 (published; *ok says whether
 * it completed, msg why not), 1 (abandoned: the sweep is stopping), or a negative status
 * (the scratch database failed; msg). */
static int one_run(shared *sh, uint64_t i, bool *ok, char *msg, size_t cap)
{
    const ak_sweep *sw = sh->sw;
    ak_sw_run run;
    ak_sweep_run_at(sw, i, &run);
    *ok = false;
    msg[0] = '\0';
    char *point_json = ak_sweep_point_json(sw, run.point);
    char *command = ak_sweep_command(sw, &run);
    ak_scenario *sc = NULL;
    ak_rec *rec = NULL;
    ak_sim *sim = NULL;
    char *scjson = NULL;
    int status = 0;
    char why[1100];
    if (!point_json || !command) {
        snprintf(msg, cap, "out of memory");
        status = AK_ENOMEM;
        goto out;
    }
    int rc;
    /* cJSON reports parse errors through one global; loading is a few ms, so one at a time */
#pragma omp critical(ak_exp_load)
    rc = ak_sweep_scenario(sw, &run, &sc, why, sizeof why);
    if (rc == AK_ENOMEM) {
        snprintf(msg, cap, "%s", why);
        status = rc;
        goto out;
    }
    if ((status = ak_rec_open_scratch(&rec, msg, cap)))
        goto out;
    if (sc && !(scjson = ak_scenario_json(sc))) {
        snprintf(msg, cap, "out of memory");
        status = AK_ENOMEM;
        goto out;
    }
    ak_rec_run_info info = {
        .run_id = (int64_t)i + 1,
        .scenario_name = sc ? sc->name : NULL,
        .scenario_json = scjson,
        .seed = run.seed,
        .replication = run.replication,
        .point = run.point,
        .point_json = point_json,
        .variant = sw->variants[run.variant].name,
        .rules = AKASHSIM_RULES,
        .version = AKASHSIM_VERSION,
        .started_unix = (int64_t)time(NULL),
        .command = command,
    };
    if ((status = ak_rec_begin_run(rec, &info, NULL)))
        goto recfail;
    double t0 = wall_now();
    int64_t events = 0, blocks = 0;
    if (rc) {
        /* a value the scenario refuses: the run fails, the sweep goes on */
        snprintf(msg, cap, "%s", why);
    } else if ((rc = ak_sim_create(sc, &(ak_sim_opts){.replication = run.replication,
                                                    .check = sh->opts->check, .rec = rec},
                                   &sim, why, sizeof why))) {
        if (rc == AK_ENOMEM) {
            snprintf(msg, cap, "%s", why);
            status = rc;
            goto out;
        }
        snprintf(msg, cap, "%s", why);
    } else {
        for (;;) {
            if ((ak_sim_events(sim) & 0x3ff) == 0 && stopping(sh)) {
                status = 1;
                goto out;
            }
            rc = ak_sim_step(sim);
            if (rc <= 0)
                break;
        }
        if (rc == 0)
            rc = ak_sim_finish(sim);
        ak_sim_summary sum;
        ak_sim_summarize(sim, &sum);
        events = sum.events;
        blocks = sum.blocks;
        if (rc < 0) {
            snprintf(msg, cap, "%s", ak_sim_errmsg(sim));
        } else {
            for (uint32_t k = 0; k < sw->noutcomes && !status; k++) {
                const ak_sw_outcome *o = &sw->outcomes[k];
                status = ak_rec_outcome(rec, o->name, o->metric, o->agg,
                                        (int64_t)llround(o->from_day * 86400e6), NULL);
            }
            if (status)
                goto recfail;
            *ok = true;
        }
    }
    if ((status = ak_rec_end_run(rec, *ok, *ok ? NULL : msg, wall_now() - t0, events, blocks)))
        goto recfail;
    /* one writer at a time into the results file; the others keep simulating */
#pragma omp critical(ak_exp_publish)
    {
        status = ak_rec_publish(rec, sh->out);
        if (status) {
            snprintf(msg, cap, "%s", ak_rec_errmsg(rec));
        } else {
            if (*ok)
                sh->res->complete++;
            else
                sh->res->failed++;
            sh->done++;
            if (!*ok && !sh->opts->quiet) {
                clear_line(sh);
                fprintf(stderr,
                        "akashsim sweep: run %llu (point %u%s%s%s, replication %u) failed: %s\n"
                        "  reproduce it alone: %s\n",
                        (unsigned long long)i + 1, run.point,
                        sw->has_variants ? ", variant \"" : "",
                        sw->has_variants ? sw->variants[run.variant].name : "",
                        sw->has_variants ? "\"" : "", run.replication, msg, command);
            }
            progress(sh);
        }
    }
    goto out;
recfail:
    snprintf(msg, cap, "%s", ak_rec_errmsg(rec));
out:
    ak_sim_destroy(sim);
    ak_rec_close(rec); /* a run abandoned or not published goes with its scratch file */
    ak_scenario_free(sc);
    free(scjson);
    free(point_json);
    free(command);
    return status;
}

/* Open out, claim it for the sweep (or check it holds this sweep) and mark its complete runs in
 * complete[] (nruns entries). The recorder is left open in *recp. */
static int open_claimed(const ak_sweep *sw, const char *out, ak_rec **recp, bool *complete,
                        char *why, size_t cap)
{
    ak_rec *rec;
    int status = ak_rec_open(out, &rec, why, cap);
    if (status)
        return status == AK_ENOMEM ? status : AK_EINVAL;
    sqlite3 *db = ak_rec_sqlite(rec);
    if ((status = exec(db, out, "BEGIN IMMEDIATE", why, cap)))
        goto fail;
    if ((status = claim_file(db, out, sw, why, cap))) {
        (void)sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        goto fail;
    }
    if ((status = exec(db, out, "COMMIT", why, cap)))
        goto fail;
    /* The indexes from the start: every run is published whole, and all the index entries of
     * one run lead with its run_id, so they go into a few neighbouring pages, not at random
     * over the file (recorder.c says why a single run's file builds them at the end instead).
     * Kept up to date while the threads still simulate, they cost nothing at the end. */
    if ((status = ak_rec_build_indexes(rec))) {
        snprintf(why, cap, "%s", ak_rec_errmsg(rec));
        goto fail;
    }
    sqlite3_stmt *st;
    int src = sqlite3_prepare_v2(db, "SELECT run_id FROM runs WHERE status = 'complete'", -1,
                                 &st, NULL);
    if (src != SQLITE_OK) {
        status = dbfail(db, out, src, why, cap);
        goto fail;
    }
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(st, 0);
        if (id >= 1 && (uint64_t)id <= sw->nruns)
            complete[id - 1] = true;
    }
    sqlite3_finalize(st);
    if (src != SQLITE_DONE) {
        status = dbfail(db, out, src, why, cap);
        goto fail;
    }
    *recp = rec;
    return 0;
fail:
    ak_rec_close(rec);
    return status;
}

/* The runs of opts (its list, its shard or all) into todo (nruns entries) that complete[] lacks. */
static uint64_t plan(const ak_sweep *sw, const ak_exp_opts *opts, const bool *complete,
                     uint64_t *todo, ak_exp_result *res)
{
    uint64_t ntodo = 0;
    uint64_t n = opts->only ? opts->nonly : sw->nruns;
    for (uint64_t k = 0; k < n; k++) {
        uint64_t i = opts->only ? opts->only[k] : k;
        if (i >= sw->nruns)
            continue;
        if (!opts->only && opts->nshards && i % opts->nshards != opts->shard - 1)
            continue;
        res->planned++;
        if (complete[i])
            res->skipped++;
        else
            todo[ntodo++] = i;
    }
    return ntodo;
}

int ak_exp_plan(const ak_sweep *sw, const char *out, const ak_exp_opts *opts, uint64_t **todo,
                uint64_t *ntodo, ak_exp_result *res, char *why, size_t cap)
{
    memset(res, 0, sizeof *res);
    *todo = NULL;
    *ntodo = 0;
    if (!sw->base_json) {
        snprintf(why, cap, "%s: the base scenario was not read", sw->file);
        return AK_EINVAL;
    }
    bool *complete = calloc(sw->nruns, sizeof *complete);
    uint64_t *list = calloc(sw->nruns, sizeof *list);
    ak_rec *rec = NULL;
    int status = 0;
    if (!complete || !list) {
        snprintf(why, cap, "%s: out of memory", out);
        status = AK_ENOMEM;
    } else if (!(status = open_claimed(sw, out, &rec, complete, why, cap))) {
        *ntodo = plan(sw, opts, complete, list, res);
        if (ak_rec_close(rec)) {
            snprintf(why, cap, "%s: cannot close the database", out);
            status = AK_EIO;
        }
    }
    free(complete);
    if (status)
        free(list);
    else
        *todo = list;
    return status;
}

int ak_exp_sweep(const ak_sweep *sw, const char *out, const ak_exp_opts *opts, ak_exp_result *res,
                 char *why, size_t cap)
{
    memset(res, 0, sizeof *res);
    if (!sw->base_json) {
        snprintf(why, cap, "%s: the base scenario was not read", sw->file);
        return AK_EINVAL;
    }
    ak_rec *rec = NULL;
    bool *complete = calloc(sw->nruns, sizeof *complete);
    uint64_t *todo = calloc(sw->nruns, sizeof *todo);
    int status;
    if (!complete || !todo) {
        free(complete);
        free(todo);
        snprintf(why, cap, "%s: out of memory", out);
        return AK_ENOMEM;
    }
    if ((status = open_claimed(sw, out, &rec, complete, why, cap))) {
        free(complete);
        free(todo);
        return status;
    }
    uint64_t ntodo = plan(sw, opts, complete, todo, res);

    int threads = opts->threads > 0 ? opts->threads : omp_get_max_threads();
    if ((uint64_t)threads > ntodo)
        threads = ntodo ? (int)ntodo : 1;
    res->threads = threads;
    res->ranks = 1;
    shared sh = {.sw = sw, .out = out, .opts = opts, .res = res, .ntodo = ntodo,
                 .t0 = wall_now()};
    if (ntodo)
        progress(&sh);
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
    for (uint64_t k = 0; k < ntodo; k++) {
        if (stopping(&sh)) {
#pragma omp atomic
            res->abandoned++;
            continue;
        }
        bool ok;
        char msg[1100];
        int rc = one_run(&sh, todo[k], &ok, msg, sizeof msg);
        if (rc == 1) {
#pragma omp atomic
            res->abandoned++;
        } else if (rc < 0) {
#pragma omp critical(ak_exp_publish)
            {
                if (!sh.fatal)
                    snprintf(sh.fatal_msg, sizeof sh.fatal_msg, "%s", msg);
#pragma omp atomic write
                sh.fatal = rc;
            }
#pragma omp atomic
            res->abandoned++;
        }
    }
    clear_line(&sh);
    if (sh.fatal) {
        snprintf(why, cap, "%s", sh.fatal_msg);
        status = sh.fatal;
        goto done;
    }
    /* the indexes once the runs are in: each run's rows went in without them (recorder.c) */
    if (!res->abandoned && (status = ak_rec_build_indexes(rec)))
        snprintf(why, cap, "%s", ak_rec_errmsg(rec));
done:
    free(complete);
    free(todo);
    return close_db(rec, out, status, why, cap);
}

/* ---- merge ---- */

static bool same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

/* Copy the runs of the file attached as src that out lacks (complete ones replace failed). */
static int merge_one(sqlite3 *db, const char *out, const char *in, bool first, ak_exp_merged *res,
                     char *why, size_t cap)
{
    char *ojson = NULL, *obase = NULL, *ijson = NULL, *ibase = NULL;
    int status = read_sweep_row(db, in, "src", &ijson, &ibase, NULL, why, cap);
    if (status)
        goto out;
    if (!ijson) { /* check_input saw one; another process may have changed the file since */
        snprintf(why, cap, "%s: holds no sweep", in);
        status = AK_EINVAL;
        goto out;
    }
    if ((status = read_sweep_row(db, out, "main", &ojson, &obase, NULL, why, cap)))
        goto out;
    if (!ojson) {
        int64_t runs = count_of(db, "SELECT count(*) FROM main.runs");
        if (runs != 0) {
            snprintf(why, cap, "%s: holds %lld runs that are not part of a sweep", out,
                     (long long)runs);
            status = AK_EINVAL;
            goto out;
        }
        if ((status = exec(db, out, "INSERT INTO main.sweep SELECT * FROM src.sweep", why, cap)))
            goto out;
    } else if (strcmp(ojson, ijson) != 0 || strcmp(obase, ibase) != 0) {
        snprintf(why, cap, "%s: holds another sweep than %s (or the same with another "
                           "definition or base scenario)", in, first ? out : "the files before it");
        status = AK_EINVAL;
        goto out;
    }
    /* the runs to take: complete ones out lacks complete, failed ones out lacks at all */
    if ((status = exec(db, out,
                       "CREATE TEMP TABLE pick AS SELECT s.run_id FROM src.runs s WHERE "
                       "(s.status = 'complete' AND NOT EXISTS (SELECT 1 FROM main.runs m "
                       "WHERE m.run_id = s.run_id AND m.status = 'complete')) OR "
                       "(s.status = 'failed' AND NOT EXISTS (SELECT 1 FROM main.runs m "
                       "WHERE m.run_id = s.run_id))",
                       why, cap)))
        goto out;
    int64_t dup = count_of(db, "SELECT count(*) FROM src.runs s JOIN main.runs m USING (run_id) "
                               "WHERE s.status = 'complete' AND m.status = 'complete'");
    int64_t picked = count_of(db, "SELECT count(*) FROM temp.pick");
    status = exec(db, out, "DELETE FROM main.runs WHERE run_id IN (SELECT run_id FROM temp.pick)",
                  why, cap);
    for (size_t t = 0; !status && t < AK_REC_RUN_TABLES; t++) {
        char sql[200];
        snprintf(sql, sizeof sql,
                 "INSERT INTO main.%s SELECT * FROM src.%s WHERE run_id IN "
                 "(SELECT run_id FROM temp.pick)", ak_rec_run_tables[t],
                 ak_rec_run_tables[t]);
        status = exec(db, out, sql, why, cap);
    }
    if (!status)
        status = exec(db, out, "DROP TABLE temp.pick", why, cap);
    if (!status) {
        res->copied += picked > 0 ? (uint64_t)picked : 0;
        res->duplicates += dup > 0 ? (uint64_t)dup : 0;
    }
out:
    free(ojson);
    free(obase);
    free(ijson);
    free(ibase);
    return status;
}

static int attach(sqlite3 *db, const char *in, char *why, size_t cap)
{
    sqlite3_stmt *st;
    int src = sqlite3_prepare_v2(db, "ATTACH DATABASE ?1 AS src", -1, &st, NULL);
    if (src == SQLITE_OK) {
        sqlite3_bind_text(st, 1, in, -1, SQLITE_STATIC);
        src = sqlite3_step(st);
    }
    sqlite3_finalize(st);
    return src == SQLITE_DONE || src == SQLITE_OK ? 0 : dbfail(db, in, src, why, cap);
}

/* An input of this schema version with a sweep in it? */
static int check_input(sqlite3 *db, const char *in, char *why, size_t cap)
{
    int64_t ver = count_of(db, "SELECT value FROM src.meta WHERE key = 'schema_version'");
    if (ver == AK_REC_SCHEMA_VERSION &&
        count_of(db, "SELECT count(*) FROM src.sweep") == 1)
        return 0;
    if (ver == AK_REC_SCHEMA_VERSION)
        snprintf(why, cap, "%s: holds no sweep (akashsim merge combines the files of akashsim "
                           "sweep --shard)", in);
    else if (ver < 0 && sqlite3_errcode(db) == SQLITE_NOTADB)
        snprintf(why, cap, "%s: file is not a database", in);
    else if (ver < 0)
        snprintf(why, cap, "%s: not an akashsim results database", in);
    else
        snprintf(why, cap, "%s: schema version %lld, this akashsim writes %d", in, (long long)ver,
                 AK_REC_SCHEMA_VERSION);
    return AK_EINVAL;
}

int ak_exp_merge(const char *out, const char *const *ins, int n, ak_exp_merged *res, char *why,
                 size_t cap)
{
    memset(res, 0, sizeof *res);
    for (int i = 0; i < n; i++) {
        struct stat sb;
        if (stat(ins[i], &sb) != 0) {
            snprintf(why, cap, "%s: %s", ins[i], strerror(errno));
            return AK_EINVAL;
        }
        if (same_file(ins[i], out)) {
            snprintf(why, cap, "%s: is also the output; merge into a new file", ins[i]);
            return AK_EINVAL;
        }
    }
    ak_rec *rec;
    int status = ak_rec_open(out, &rec, why, cap);
    if (status)
        return status == AK_ENOMEM ? status : AK_EINVAL;
    sqlite3 *db = ak_rec_sqlite(rec);
    /* every input is checked before anything is copied (ATTACH cannot happen inside a
     * transaction, so each input is then copied in a transaction of its own) */
    for (int i = 0; i < n && !status; i++) {
        if ((status = attach(db, ins[i], why, cap))) {
            status = status == AK_ENOMEM ? status : AK_EINVAL; /* the input is at fault */
            break;
        }
        status = check_input(db, ins[i], why, cap);
        (void)sqlite3_exec(db, "DETACH DATABASE src", NULL, NULL, NULL);
    }
    for (int i = 0; i < n && !status; i++) {
        if ((status = attach(db, ins[i], why, cap)))
            break;
        if (!(status = exec(db, out, "BEGIN IMMEDIATE", why, cap))) {
            status = merge_one(db, out, ins[i], i == 0, res, why, cap);
            if (!status)
                status = exec(db, out, "COMMIT", why, cap);
            if (status && !sqlite3_get_autocommit(db))
                (void)sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        }
        (void)sqlite3_exec(db, "DETACH DATABASE src", NULL, NULL, NULL);
    }
    if (status)
        goto done;
    if ((status = ak_rec_build_indexes(rec))) {
        snprintf(why, cap, "%s", ak_rec_errmsg(rec));
        goto done;
    }
    int64_t total = count_of(db, "SELECT runs FROM sweep");
    int64_t c = count_of(db, "SELECT count(*) FROM runs WHERE status = 'complete'");
    int64_t f = count_of(db, "SELECT count(*) FROM runs WHERE status = 'failed'");
    res->total = total > 0 ? (uint64_t)total : 0;
    res->complete = c > 0 ? (uint64_t)c : 0;
    res->failed = f > 0 ? (uint64_t)f : 0;
    res->missing = res->total - res->complete - res->failed;
done:
    return close_db(rec, out, status, why, cap);
}

/* ---- summarize ---- */

static void bind_dbl(sqlite3_stmt *st, int i, double v)
{
    if (isnan(v))
        sqlite3_bind_null(st, i);
    else
        sqlite3_bind_double(st, i, v);
}

/* "name=value, name=value" for point p (malloc'd; NULL when out of memory). */
static char *point_label(const ak_sweep *sw, uint32_t p)
{
    size_t cap = 64, len = 0;
    char *buf = malloc(cap);
    if (!buf)
        return NULL;
    buf[0] = '\0';
    for (uint32_t j = 0; j < sw->nparams; j++) {
        char *v = ak_sweep_value(sw, p, j);
        if (!v) {
            free(buf);
            return NULL;
        }
        size_t need = len + strlen(sw->params[j].name) + strlen(v) + 4;
        if (need > cap) {
            cap = need * 2;
            char *nb = realloc(buf, cap);
            if (!nb) {
                free(v);
                free(buf);
                return NULL;
            }
            buf = nb;
        }
        len += (size_t)snprintf(buf + len, cap - len, "%s%s=%s", j ? ", " : "",
                                sw->params[j].name, v);
        free(v);
    }
    return buf;
}

typedef struct ranked {
    uint32_t param;
    double key;
} ranked;

/* One parameter's row of the sensitivity table: the measures of its method, NaN otherwise. */
typedef struct sens_row {
    uint32_t n;
    double mu_star, mu, sigma; /* morris */
    double rho;                /* spearman */
    double s1, st;             /* sobol */
} sens_row;

static const char *sensitivity_method(ak_sw_design d)
{
    return d == AK_SW_MORRIS ? "morris" : d == AK_SW_SALTELLI ? "sobol" : "spearman";
}

static int by_key_desc(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    /* NaN (no effect could be measured) last, then larger first, ties by parameter order */
    if (isnan(x->key) != isnan(y->key))
        return isnan(x->key) ? 1 : -1;
    if (!isnan(x->key) && x->key != y->key)
        return x->key > y->key ? -1 : 1;
    return x->param < y->param ? -1 : x->param > y->param;
}

/* rows per outcome printed; the table has them all. A sampled design's points are rarely read
 * one by one: its ranking says more. */
#define PRINT_ROWS_GRID 40
#define PRINT_ROWS_SAMPLED 10

int ak_exp_summarize(const char *path, FILE *f, char *why, size_t cap)
{
    struct stat sb;
    if (stat(path, &sb) != 0) {
        snprintf(why, cap, "%s: %s", path, strerror(errno));
        return AK_EINVAL;
    }
    ak_rec *rec;
    int status = ak_rec_open(path, &rec, why, cap);
    if (status)
        return status == AK_ENOMEM ? status : AK_EINVAL;
    sqlite3 *db = ak_rec_sqlite(rec);
    ak_sweep *sw = NULL;
    double *y = NULL, *vals = NULL, *diffs = NULL, *means = NULL;
    ak_stats_effects *mo = NULL;
    ranked *rk = NULL;
    sens_row *sr = NULL;
    double *s1 = NULL, *st1 = NULL;
    sqlite3_stmt *ins = NULL, *sens = NULL, *st = NULL;
    char *json = NULL, *base = NULL;
    if ((status = read_sweep_row(db, path, "main", &json, &base, NULL, why, cap)))
        goto done;
    if (!json) {
        snprintf(why, cap, "%s: holds no sweep (akashsim summarize reads the results of "
                           "akashsim sweep)", path);
        status = AK_EINVAL;
        goto done;
    }
    char name[1100];
    snprintf(name, sizeof name, "%s (its sweep)", path);
    if ((status = ak_sweep_parse(name, json, strlen(json), &sw, why, cap)))
        goto done;
    size_t nv = sw->nvariants, nr = sw->replications;
    y = malloc(sizeof *y * sw->noutcomes * sw->nruns);
    vals = malloc(sizeof *vals * nr);
    diffs = malloc(sizeof *diffs * nr);
    means = malloc(sizeof *means * sw->npoints);
    mo = calloc(sw->nparams ? sw->nparams : 1, sizeof *mo);
    rk = calloc(sw->nparams ? sw->nparams : 1, sizeof *rk);
    sr = calloc(sw->nparams ? sw->nparams : 1, sizeof *sr);
    s1 = calloc(sw->nparams ? sw->nparams : 1, sizeof *s1);
    st1 = calloc(sw->nparams ? sw->nparams : 1, sizeof *st1);
    if (!y || !vals || !diffs || !means || !mo || !rk || !sr || !s1 || !st1) {
        snprintf(why, cap, "%s: out of memory", path);
        status = AK_ENOMEM;
        goto done;
    }
    for (size_t i = 0; i < sw->noutcomes * sw->nruns; i++)
        y[i] = NAN;
    int src = sqlite3_prepare_v2(db,
                                 "SELECT o.run_id, o.outcome, o.value FROM outcomes o "
                                 "JOIN runs r USING (run_id) WHERE r.status = 'complete'",
                                 -1, &st, NULL);
    if (src != SQLITE_OK) {
        status = dbfail(db, path, src, why, cap);
        goto done;
    }
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(st, 0);
        const char *on = (const char *)sqlite3_column_text(st, 1);
        if (id < 1 || (uint64_t)id > sw->nruns || !on ||
            sqlite3_column_type(st, 2) == SQLITE_NULL)
            continue;
        for (uint32_t o = 0; o < sw->noutcomes; o++)
            if (strcmp(sw->outcomes[o].name, on) == 0)
                y[o * sw->nruns + (uint64_t)(id - 1)] = sqlite3_column_double(st, 2);
    }
    sqlite3_finalize(st);
    st = NULL;
    if (src != SQLITE_DONE) {
        status = dbfail(db, path, src, why, cap);
        goto done;
    }
    int64_t ncomplete = count_of(db, "SELECT count(*) FROM runs WHERE status = 'complete'");
    int64_t nfailed = count_of(db, "SELECT count(*) FROM runs WHERE status = 'failed'");

    if ((status = exec(db, path, "BEGIN IMMEDIATE", why, cap)))
        goto done;
    if ((status = exec(db, path, "DELETE FROM summary; DELETE FROM sensitivity", why, cap)))
        goto rollback;
    if ((src = sqlite3_prepare_v2(db,
                                  "INSERT INTO summary VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                                  "?, ?, ?)", -1, &ins, NULL)) != SQLITE_OK ||
        (src = sqlite3_prepare_v2(db,
                                  "INSERT INTO sensitivity VALUES "
                                  "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                  -1, &sens, NULL)) != SQLITE_OK) {
        status = dbfail(db, path, src, why, cap);
        goto rollback;
    }
    if (f) {
        fprintf(f, "sweep \"%s\": %s design, %u point%s", sw->name,
                ak_sw_design_names[sw->design], sw->npoints, sw->npoints == 1 ? "" : "s");
        if (sw->has_variants)
            fprintf(f, " x %u variants", sw->nvariants);
        fprintf(f, " x %u replication%s = %llu runs: %lld complete, %lld failed, %lld not run\n",
                sw->replications, sw->replications == 1 ? "" : "s",
                (unsigned long long)sw->nruns, (long long)ncomplete, (long long)nfailed,
                (long long)sw->nruns - ncomplete - nfailed);
        fprintf(f, "seed %llu, %s; intervals are 95 %% confidence intervals of the mean over "
                   "replications (Student's t)\n",
                (unsigned long long)sw->seed,
                sw->crn ? "common random numbers (replication r draws the same streams at every "
                          "point)"
                        : "independent seeds per point");
    }
    for (uint32_t o = 0; o < sw->noutcomes; o++) {
        const ak_sw_outcome *oc = &sw->outcomes[o];
        const double *yo = y + (size_t)o * sw->nruns;
        if (f) {
            fprintf(f, "\noutcome %s (%s of %s", oc->name, ak_rec_agg_names[oc->agg],
                    oc->metric);
            if (oc->from_day > 0)
                fprintf(f, " from day %g", oc->from_day);
            fprintf(f, "):\n");
        }
        uint64_t row = 0, rows = (uint64_t)sw->npoints * nv;
        const uint64_t print_rows =
            sw->design == AK_SW_GRID ? PRINT_ROWS_GRID : PRINT_ROWS_SAMPLED;
        for (uint32_t p = 0; p < sw->npoints; p++) {
            char *pj = ak_sweep_point_json(sw, p);
            char *label = f ? point_label(sw, p) : NULL;
            if (!pj || (f && !label)) {
                free(pj);
                free(label);
                snprintf(why, cap, "%s: out of memory", path);
                status = AK_ENOMEM;
                goto rollback;
            }
            for (uint32_t v = 0; v < nv; v++, row++) {
                const double *yv = yo + ((size_t)p * nv + v) * nr;
                const double *y0 = yo + ((size_t)p * nv) * nr;
                ak_stats_ci ci, di = {0, NAN, NAN, NAN, NAN};
                for (size_t r = 0; r < nr; r++)
                    vals[r] = yv[r];
                if ((status = ak_stats_mean_ci(vals, nr, LEVEL, &ci)))
                    break;
                if (v > 0) {
                    for (size_t r = 0; r < nr; r++)
                        diffs[r] = yv[r] - y0[r]; /* NaN when either run is missing */
                    if ((status = ak_stats_mean_ci(diffs, nr, LEVEL, &di)))
                        break;
                }
                int c = 0;
                sqlite3_bind_int64(ins, ++c, p);
                sqlite3_bind_text(ins, ++c, pj, -1, SQLITE_STATIC);
                if (sw->variants[v].name)
                    sqlite3_bind_text(ins, ++c, sw->variants[v].name, -1, SQLITE_STATIC);
                else
                    sqlite3_bind_null(ins, ++c);
                sqlite3_bind_text(ins, ++c, oc->name, -1, SQLITE_STATIC);
                sqlite3_bind_int64(ins, ++c, ci.n);
                bind_dbl(ins, ++c, ci.mean);
                bind_dbl(ins, ++c, ci.sd);
                bind_dbl(ins, ++c, ci.lo);
                bind_dbl(ins, ++c, ci.hi);
                if (v > 0)
                    sqlite3_bind_int64(ins, ++c, di.n);
                else
                    sqlite3_bind_null(ins, ++c);
                bind_dbl(ins, ++c, di.mean);
                bind_dbl(ins, ++c, di.sd);
                bind_dbl(ins, ++c, di.lo);
                bind_dbl(ins, ++c, di.hi);
                src = sqlite3_step(ins);
                sqlite3_reset(ins);
                sqlite3_clear_bindings(ins);
                if (src != SQLITE_DONE) {
                    status = dbfail(db, path, src, why, cap);
                    break;
                }
                if (!f || row >= print_rows)
                    continue;
                fprintf(f, "  point %u%s%s%s%s%s:", p, label[0] ? " (" : "", label,
                        label[0] ? ")" : "", sw->has_variants ? ", " : "",
                        sw->has_variants ? sw->variants[v].name : "");
                if (ci.n == 0)
                    fprintf(f, " no complete run\n");
                else if (ci.n == 1)
                    fprintf(f, " %.6g (one replication, no interval)\n", ci.mean);
                else
                    fprintf(f, " mean %.6g, 95 %% CI [%.6g, %.6g], sd %.4g, n %u\n", ci.mean,
                            ci.lo, ci.hi, ci.sd, ci.n);
                if (v > 0 && di.n >= 2)
                    fprintf(f,
                            "      minus \"%s\", paired: %+.6g, 95 %% CI [%+.6g, %+.6g], n %u%s\n",
                            sw->variants[0].name, di.mean, di.lo, di.hi, di.n,
                            di.lo > 0 || di.hi < 0 ? " (differs)" : "");
                else if (v > 0 && di.n == 1)
                    fprintf(f, "      minus \"%s\", paired: %+.6g (one pair, no interval)\n",
                            sw->variants[0].name, di.mean);
            }
            free(pj);
            free(label);
            if (status) {
                if (status != AK_EIO)
                    snprintf(why, cap, "%s: cannot compute the summary", path);
                goto rollback;
            }
        }
        if (f && rows > print_rows)
            fprintf(f, "  ... and %llu more rows: SELECT * FROM summary WHERE outcome = '%s'\n",
                    (unsigned long long)(rows - print_rows), oc->name);

        /* sensitivity over the points of a sampled design, from each point's mean */
        if (sw->design == AK_SW_GRID)
            continue;
        for (uint32_t v = 0; v < nv; v++) {
            for (uint32_t p = 0; p < sw->npoints; p++) {
                ak_stats_ci ci;
                if ((status = ak_stats_mean_ci(yo + ((size_t)p * nv + v) * nr, nr, LEVEL, &ci)))
                    goto rollback;
                means[p] = ci.mean;
            }
            const char *method = sensitivity_method(sw->design);
            uint32_t used = 0;
            if (sw->design == AK_SW_MORRIS)
                status = ak_stats_morris(means, sw->trajectories, sw->nparams, sw->mfactor,
                                         sw->mstep, mo);
            else if (sw->design == AK_SW_SALTELLI)
                status = ak_stats_sobol(means, sw->samples, sw->nparams, s1, st1, &used);
            for (uint32_t j = 0; j < sw->nparams && !status; j++) {
                sens_row *r = &sr[j];
                *r = (sens_row){0, NAN, NAN, NAN, NAN, NAN, NAN};
                rk[j].param = j;
                if (sw->design == AK_SW_MORRIS) {
                    *r = (sens_row){mo[j].n, mo[j].mu_star, mo[j].mu, mo[j].sigma, NAN, NAN, NAN};
                    rk[j].key = r->mu_star;
                } else if (sw->design == AK_SW_SALTELLI) {
                    r->n = used;
                    r->s1 = s1[j];
                    r->st = st1[j];
                    rk[j].key = r->st;
                } else {
                    status = ak_stats_spearman(sw->unit + j, sw->nparams, means, sw->npoints,
                                               &r->rho);
                    for (uint32_t p = 0; p < sw->npoints; p++)
                        r->n += !isnan(means[p]);
                    rk[j].key = fabs(r->rho);
                }
            }
            if (status) {
                snprintf(why, cap, "%s: %s", path,
                         status == AK_ENOMEM ? "out of memory" : "cannot compute sensitivity");
                goto rollback;
            }
            qsort(rk, sw->nparams, sizeof *rk, by_key_desc);
            if (f) {
                fprintf(f, "  sensitivity%s%s%s: ", sw->has_variants ? " in \"" : "",
                        sw->has_variants ? sw->variants[v].name : "",
                        sw->has_variants ? "\"" : "");
                if (sw->design == AK_SW_MORRIS)
                    fprintf(f, "Morris, %u trajectories (mu* = mean |elementary effect| of a move "
                               "across the whole range; sigma = their spread)\n",
                            sw->trajectories);
                else if (sw->design == AK_SW_SALTELLI)
                    fprintf(f, "Sobol indices from %u of %u Saltelli samples (S1 = share of the "
                               "variance from the parameter alone, ST = with its interactions)\n",
                            used, sw->samples);
                else
                    fprintf(f, "Spearman rank correlation over the %u %s points\n", sw->npoints,
                            ak_sw_design_names[sw->design]);
            }
            for (uint32_t q = 0; q < sw->nparams; q++) {
                uint32_t j = rk[q].param;
                const sens_row *r = &sr[j];
                int c = 0;
                if (sw->variants[v].name)
                    sqlite3_bind_text(sens, ++c, sw->variants[v].name, -1, SQLITE_STATIC);
                else
                    sqlite3_bind_null(sens, ++c);
                sqlite3_bind_text(sens, ++c, oc->name, -1, SQLITE_STATIC);
                sqlite3_bind_text(sens, ++c, sw->params[j].name, -1, SQLITE_STATIC);
                sqlite3_bind_text(sens, ++c, method, -1, SQLITE_STATIC);
                sqlite3_bind_int64(sens, ++c, q + 1);
                sqlite3_bind_int64(sens, ++c, r->n);
                bind_dbl(sens, ++c, r->mu_star);
                bind_dbl(sens, ++c, r->mu);
                bind_dbl(sens, ++c, r->sigma);
                bind_dbl(sens, ++c, r->rho);
                bind_dbl(sens, ++c, r->s1);
                bind_dbl(sens, ++c, r->st);
                src = sqlite3_step(sens);
                sqlite3_reset(sens);
                sqlite3_clear_bindings(sens);
                if (src != SQLITE_DONE) {
                    status = dbfail(db, path, src, why, cap);
                    goto rollback;
                }
                if (!f)
                    continue;
                if (sw->design == AK_SW_MORRIS)
                    fprintf(f, "    %u. %-32s mu* %.4g, mu %+.4g, sigma %.4g (%u effects)\n",
                            q + 1, sw->params[j].name, r->mu_star, r->mu, r->sigma, r->n);
                else if (sw->design == AK_SW_SALTELLI)
                    fprintf(f, "    %u. %-32s ST %.3f, S1 %.3f\n", q + 1, sw->params[j].name,
                            r->st, r->s1);
                else
                    fprintf(f, "    %u. %-32s rho %+.3f (%u points)\n", q + 1,
                            sw->params[j].name, r->rho, r->n);
            }
        }
    }
    sqlite3_finalize(ins);
    sqlite3_finalize(sens);
    ins = sens = NULL;
    if ((status = exec(db, path, "COMMIT", why, cap)))
        goto rollback;
    goto done;
rollback:
    if (!sqlite3_get_autocommit(db))
        (void)sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
done:
    sqlite3_finalize(ins);
    sqlite3_finalize(sens);
    sqlite3_finalize(st);
    free(json);
    free(base);
    free(y);
    free(vals);
    free(diffs);
    free(means);
    free(mo);
    free(rk);
    free(sr);
    free(s1);
    free(st1);
    ak_sweep_free(sw);
    return close_db(rec, path, status, why, cap);
}
