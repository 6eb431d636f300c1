/*
 * bench/bench_sweep.c: a sweep of the baseline scenario (16 replications of a year, one point)
 * run as `akashsim sweep` runs it, at -j 1 and at -j 2, three times each, alternating (so a slow
 * spell of a shared machine falls on both), each in a child process whose peak resident memory
 * is its own (wait4's rusage). Prints every wall time, the median of each thread count, the
 * speedup of the medians and the peak memory: runs are independent, so the speedup shows what
 * the one serial step (copying a finished run into the results file) and the machine's shared
 * caches and memory bandwidth cost. Asserts nothing about timing; exits 1 if a sweep fails.
 *
 * Usage: bench_sweep [SCENARIO RUNS REPS THREADS...]   (default: scenarios/baseline.json 16 3 1 2)
 */
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "errors.h"
#include "experiment.h"
#include "sweep.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void remove_db(const char *db)
{
    char p[PATH_MAX + 8];
    unlink(db);
    snprintf(p, sizeof p, "%s-wal", db);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", db);
    unlink(p);
}

/* The sweep at -j threads into db, in a child; wall seconds and peak MiB, or -1 on failure. */
static double sweep(const char *file, const char *db, int threads, double *peak_mib)
{
    remove_db(db);
    double t0 = now();
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        ak_sweep *sw;
        char why[1100];
        if (ak_sweep_load(file, &sw, why, sizeof why)) {
            fprintf(stderr, "bench_sweep: %s\n", why);
            _exit(1);
        }
        ak_exp_result res;
        ak_exp_opts o = {.threads = threads, .quiet = true};
        int rc = ak_exp_sweep(sw, db, &o, &res, why, sizeof why);
        if (rc || res.failed || res.complete != sw->nruns) {
            fprintf(stderr, "bench_sweep: %s\n", rc ? why : "runs failed");
            _exit(1);
        }
        ak_sweep_free(sw);
        _exit(0);
    }
    int status;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
        return -1;
    *peak_mib = (double)ru.ru_maxrss / 1024.0;
    return now() - t0;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

#define MAX_T 8
#define MAX_REPS 9

int main(int argc, char **argv)
{
    (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); /* as akashsim's main does */
    const char *scenario = argc > 1 ? argv[1] : "scenarios/baseline.json";
    int runs = argc > 2 ? atoi(argv[2]) : 16;
    int reps = argc > 3 ? atoi(argv[3]) : 3;
    int threads[MAX_T] = {1, 2}, nt = 2;
    if (argc > 4) {
        nt = 0;
        for (int i = 4; i < argc && nt < MAX_T; i++)
            threads[nt++] = atoi(argv[i]);
    }
    reps = reps < 1 ? 1 : reps > MAX_REPS ? MAX_REPS : reps;
    char base[PATH_MAX], file[PATH_MAX], db[PATH_MAX];
    if (!realpath(scenario, base) || runs < 1) {
        fprintf(stderr, "bench_sweep: %s: no such scenario (run from the repository root)\n",
                scenario);
        return 1;
    }
    snprintf(file, sizeof file, "/tmp/bench_sweep_%d.json", (int)getpid());
    snprintf(db, sizeof db, "/tmp/bench_sweep_%d.db", (int)getpid());
    FILE *f = fopen(file, "w");
    if (!f)
        return 1;
    fprintf(f, "{\"name\": \"bench\", \"base\": \"%s\", \"replications\": %d, \"seed\": 1, "
               "\"outcomes\": [{\"metric\": \"take_usd\"}]}\n", base, runs);
    fclose(f);
    printf("bench_sweep: %s, %d replications in one sweep, %d repetitions (target: speedup at "
           "least 1.8 at -j 2 on 2 cores)\n", scenario, runs, reps);
    fflush(stdout);
    double wall[MAX_T][MAX_REPS], peak[MAX_T] = {0};
    int status = 0;
    for (int r = 0; r < reps && !status; r++)
        for (int i = 0; i < nt && !status; i++) {
            double pk;
            wall[i][r] = sweep(file, db, threads[i], &pk);
            if (wall[i][r] < 0) {
                fprintf(stderr, "bench_sweep: the sweep at -j %d failed\n", threads[i]);
                status = 1;
                break;
            }
            if (pk > peak[i])
                peak[i] = pk;
            printf("bench_sweep: -j %d: %.1f s wall (%.2f s per run), peak memory %.0f MiB\n",
                   threads[i], wall[i][r], wall[i][r] / runs, pk);
            fflush(stdout);
        }
    double med[MAX_T];
    for (int i = 0; i < nt && !status; i++) {
        qsort(wall[i], (size_t)reps, sizeof wall[i][0], cmp);
        med[i] = wall[i][reps / 2];
        printf("bench_sweep: -j %d: median %.1f s over %d sweeps, peak memory %.0f MiB", threads[i],
               med[i], reps, peak[i]);
        if (i > 0)
            printf(", speedup %.2f over -j %d", med[0] / med[i], threads[0]);
        printf("\n");
    }
    remove_db(db);
    unlink(file);
    return status;
}
