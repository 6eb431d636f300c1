/*
 * bench/bench_run.c: whole runs of the shipped scenarios, as `akashsim run` does them (results
 * written to an SQLite file in /tmp): scenarios/baseline.json (the network's size, a year) and
 * scenarios/scale.json (10,000 providers, a million deployments, a year), three times each: a
 * shared machine's timings vary by a tenth from run to run. Each run is a child process, so
 * its peak resident memory is its own (wait4's rusage). Prints wall time, events per second
 * and peak memory, and the median wall time over the repetitions.
 * Asserts nothing about timing; exits 1 if a run fails.
 *
 * Usage: bench_run [SCENARIO REPS]...   (default: scenarios/baseline.json 3 scenarios/scale.json 3)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "engine.h"
#include "errors.h"
#include "recorder.h"
#include "scenario.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* One run in this process; writes "events blocks" to fd. Returns the exit status. */
static int one_run(const char *file, const char *db, int fd)
{
    ak_scenario *sc;
    char why[1100];
    if (ak_scenario_load(file, NULL, 0, -1, &sc, why, sizeof why)) {
        fprintf(stderr, "bench_run: %s\n", why);
        return 1;
    }
    ak_rec *rec;
    if (ak_rec_open(db, &rec, why, sizeof why)) {
        fprintf(stderr, "bench_run: %s\n", why);
        return 1;
    }
    char *json = ak_scenario_json(sc);
    ak_rec_run_info info = {.scenario_name = sc->name, .scenario_json = json, .seed = sc->seed,
                            .point = -1, .rules = "akash-v1", .version = "bench"};
    int64_t run_id;
    ak_sim *sim;
    ak_sim_opts opts = {0, false, rec};
    double t0 = now();
    if (!json || ak_rec_begin_run(rec, &info, &run_id) ||
        ak_sim_create(sc, &opts, &sim, why, sizeof why)) {
        fprintf(stderr, "bench_run: %s: cannot start: %s\n", file, why);
        return 1;
    }
    int rc;
    while ((rc = ak_sim_step(sim)) > 0)
        ;
    if (rc == 0)
        rc = ak_sim_finish(sim);
    ak_sim_summary s;
    ak_sim_summarize(sim, &s);
    if (rc || ak_rec_end_run(rec, true, NULL, now() - t0, s.events, s.blocks) ||
        ak_rec_close(rec)) {
        fprintf(stderr, "bench_run: %s: %s\n", file, ak_sim_errmsg(sim));
        return 1;
    }
    char line[128];
    int n = snprintf(line, sizeof line, "%lld %lld %lld\n", (long long)s.events,
                     (long long)s.blocks, (long long)s.deployments);
    if (write(fd, line, (size_t)n) != n)
        return 1;
    ak_sim_destroy(sim);
    ak_scenario_free(sc);
    free(json);
    return 0;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int bench(const char *file, int reps)
{
    double wall[16];
    if (reps > 16)
        reps = 16;
    for (int r = 0; r < reps; r++) {
        char db[64];
        snprintf(db, sizeof db, "/tmp/bench_run_%d.db", (int)getpid());
        unlink(db);
        int fds[2];
        if (pipe(fds))
            return 1;
        double t0 = now();
        pid_t pid = fork();
        if (pid < 0)
            return 1;
        if (pid == 0) {
            close(fds[0]);
            _exit(one_run(file, db, fds[1]));
        }
        close(fds[1]);
        int status;
        struct rusage ru;
        if (wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) || WEXITSTATUS(status)) {
            fprintf(stderr, "bench_run: %s: the run failed\n", file);
            return 1;
        }
        wall[r] = now() - t0;
        char line[128] = "";
        ssize_t n = read(fds[0], line, sizeof line - 1);
        close(fds[0]);
        long long events = 0, blocks = 0, deps = 0;
        if (n <= 0 || sscanf(line, "%lld %lld %lld", &events, &blocks, &deps) != 3)
            return 1;
        char wal[80];
        snprintf(wal, sizeof wal, "%s-wal", db);
        FILE *f = fopen(db, "rb");
        long size = 0;
        if (f) {
            fseek(f, 0, SEEK_END);
            size = ftell(f);
            fclose(f);
        }
        unlink(db);
        unlink(wal);
        printf("bench_run: %s: %.2f s wall, %lld events (%.2f M events/s), %lld blocks, %lld "
               "deployments, peak memory %.1f MiB, database %.1f MiB\n",
               file, wall[r], events, (double)events / wall[r] / 1e6, blocks, deps,
               (double)ru.ru_maxrss / 1024.0, (double)size / 1048576.0);
        fflush(stdout);
    }
    qsort(wall, (size_t)reps, sizeof *wall, cmp);
    printf("bench_run: %s: median %.2f s over %d run%s\n", file, wall[reps / 2], reps,
           reps == 1 ? "" : "s");
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1) {
        for (int i = 1; i + 1 < argc; i += 2)
            if (bench(argv[i], atoi(argv[i + 1])))
                return 1;
        return 0;
    }
    printf("bench_run: whole runs with results written to SQLite (targets: baseline < 10 s; "
           "scale < 60 s and < 4 GiB)\n");
    if (bench("scenarios/baseline.json", 3) || bench("scenarios/scale.json", 3))
        return 1;
    return 0;
}
