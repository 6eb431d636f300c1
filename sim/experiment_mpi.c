/*
 * sim/experiment_mpi.c: a sweep spread over the ranks of an MPI job (experiment.h; built with
 * `make MPI=1`, which defines AK_MPI; without it this file is empty).
 *
 * Rank 0 owns the results file: it plans the runs the file lacks and broadcasts the list; rank
 * r runs entries r, r + size, r + 2 size, ... with its OpenMP threads, rank 0 straight into the
 * results file and the others into a file of their own under $TMPDIR (node-local disks need no
 * shared file system). Each other rank then sends its file to rank 0 in chunks, and rank 0
 * merges it (ak_exp_merge). A run is the same whichever rank runs it, so the merged file has the
 * contents of a sweep run by one process. Input files (the sweep and its base scenario) must be
 * readable on every rank.
 */
#ifdef AK_MPI

#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errors.h"
#include "experiment.h"

#define CHUNK (16 << 20) /* bytes per message of a file sent to rank 0 */
#define TAG_HEAD 1
#define TAG_DATA 2
#define MSG 1100

static void remove_db(const char *path)
{
    static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
    char p[4200];
    for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
        snprintf(p, sizeof p, "%s%s", path, suffix[i]);
        (void)unlink(p);
    }
}

/* Rank r > 0: send the status, the message and the file (size -1: none) to rank 0. */
static void send_file(const char *path, int status, const char *why)
{
    FILE *f = fopen(path, "rb");
    int64_t size = -1;
    if (f && fseek(f, 0, SEEK_END) == 0) {
        long n = ftell(f);
        size = n >= 0 ? n : -1;
        rewind(f);
    }
    int64_t head[2] = {status, size};
    char msg[MSG];
    snprintf(msg, sizeof msg, "%s", status ? why : "");
    MPI_Send(head, 2, MPI_INT64_T, 0, TAG_HEAD, MPI_COMM_WORLD);
    MPI_Send(msg, MSG, MPI_CHAR, 0, TAG_HEAD, MPI_COMM_WORLD);
    char *buf = size > 0 ? malloc(CHUNK) : NULL;
    if (size > 0 && !buf)
        MPI_Abort(MPI_COMM_WORLD, 1); /* rank 0 waits for these bytes */
    for (int64_t sent = 0; size > 0 && sent < size;) {
        size_t want = (size_t)(size - sent < CHUNK ? size - sent : CHUNK);
        /* a short read (the file changed?) still sends the promised bytes: rank 0 then finds
         * a file that is not a database and reports it */
        size_t got = fread(buf, 1, want, f);
        if (got < want)
            memset(buf + got, 0, want - got);
        MPI_Send(buf, (int)want, MPI_BYTE, 0, TAG_DATA, MPI_COMM_WORLD);
        sent += (int64_t)want;
    }
    free(buf);
    if (f)
        fclose(f);
}

/* Rank 0: receive rank r's file and merge it into out. Returns the worse of rank r's status and
 * the merge's, with the message in why. */
static int receive_file(int r, const char *out, char *why, size_t cap)
{
    int64_t head[2];
    char msg[MSG];
    MPI_Recv(head, 2, MPI_INT64_T, r, TAG_HEAD, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    MPI_Recv(msg, MSG, MPI_CHAR, r, TAG_HEAD, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    msg[MSG - 1] = '\0';
    int status = (int)head[0];
    if (status)
        snprintf(why, cap, "rank %d: %.1000s", r, msg);
    if (head[1] <= 0)
        return status;
    char part[4200];
    snprintf(part, sizeof part, "%s.rank%d.part", out, r);
    FILE *f = fopen(part, "wb");
    char *buf = malloc(CHUNK);
    if (!buf)
        MPI_Abort(MPI_COMM_WORLD, 1); /* rank r is sending */
    bool ok = f != NULL;
    for (int64_t got = 0; got < head[1];) {
        MPI_Status st;
        int n;
        MPI_Recv(buf, CHUNK, MPI_BYTE, r, TAG_DATA, MPI_COMM_WORLD, &st);
        MPI_Get_count(&st, MPI_BYTE, &n);
        if (ok && fwrite(buf, 1, (size_t)n, f) != (size_t)n)
            ok = false;
        got += n;
    }
    free(buf);
    if (f && fclose(f) != 0)
        ok = false;
    if (!ok) {
        remove_db(part);
        if (!status)
            snprintf(why, cap, "%.1000s: cannot write the runs of rank %d here", part, r);
        return status ? status : AK_EIO;
    }
    ak_exp_merged m;
    char mwhy[MSG];
    const char *in[1] = {part};
    int ms = ak_exp_merge(out, in, 1, &m, mwhy, sizeof mwhy);
    remove_db(part);
    if (ms && !status) {
        snprintf(why, cap, "merging the runs of rank %d: %.1000s", r, mwhy);
        status = ms;
    }
    return status;
}

int ak_exp_sweep_mpi(const ak_sweep *sw, const char *out, const ak_exp_opts *opts,
                     ak_exp_result *res, char *why, size_t cap)
{
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    memset(res, 0, sizeof *res);
    uint64_t *todo = NULL, ntodo = 0;
    ak_exp_result planned = {0};
    int status = 0;
    if (rank == 0)
        status = ak_exp_plan(sw, out, opts, &todo, &ntodo, &planned, why, cap);
    int64_t head[2] = {status, (int64_t)ntodo};
    MPI_Bcast(head, 2, MPI_INT64_T, 0, MPI_COMM_WORLD);
    if (head[0]) {
        if (rank != 0)
            snprintf(why, cap, "rank 0 could not plan the sweep into %s", out);
        free(todo);
        return (int)head[0];
    }
    ntodo = (uint64_t)head[1];
    if (rank != 0 && !(todo = malloc(sizeof *todo * (ntodo ? ntodo : 1))))
        MPI_Abort(MPI_COMM_WORLD, 1); /* cannot take part in the broadcast */
    if (ntodo)
        MPI_Bcast(todo, (int)ntodo, MPI_UINT64_T, 0, MPI_COMM_WORLD);
    uint64_t nmine = 0;
    for (uint64_t k = 0; k < ntodo; k++)
        if (k % (uint64_t)size == (uint64_t)rank)
            todo[nmine++] = todo[k];

    ak_exp_opts o = *opts;
    o.only = todo;
    o.nonly = nmine;
    o.shard = o.nshards = 0;
    char path[4200];
    const char *dst = out;
    if (rank != 0) {
        const char *tmp = getenv("TMPDIR");
        snprintf(path, sizeof path, "%s/akashsim-sweep-%ld-rank%d.db", tmp && *tmp ? tmp : "/tmp",
                 (long)getpid(), rank);
        remove_db(path);
        dst = path;
        o.progress = false;
    }
    ak_exp_result mine;
    status = ak_exp_sweep(sw, dst, &o, &mine, why, cap);
    free(todo);
    uint64_t c[4] = {mine.complete, mine.failed, mine.abandoned, (uint64_t)mine.threads}, sum[4];
    MPI_Reduce(c, sum, 4, MPI_UINT64_T, MPI_SUM, 0, MPI_COMM_WORLD);
    if (rank != 0) {
        send_file(path, status, why);
        remove_db(path);
        return status;
    }
    for (int r = 1; r < size; r++) {
        char rwhy[MSG];
        int rs = receive_file(r, out, rwhy, sizeof rwhy);
        if (rs && !status) {
            status = rs;
            snprintf(why, cap, "%s", rwhy);
        }
    }
    res->planned = planned.planned;
    res->skipped = planned.skipped;
    res->complete = sum[0];
    res->failed = sum[1];
    res->abandoned = sum[2];
    res->threads = (int)sum[3];
    res->ranks = size;
    return status;
}

#else
typedef int ak_experiment_mpi_unused; /* ISO C wants a declaration in every file */
#endif
