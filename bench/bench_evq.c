/*
 * bench/bench_evq.c: the event queue under the classic hold model. n events are pending; one
 * hold pops the first event and pushes a new one at the popped time plus an exponential
 * increment (mean 1,000,000 us), so the queue stays at n. Runs n = 10^4 and n = 10^6 and
 * prints, for each, the time per hold over 5 repetitions and their median. Asserts nothing
 * about timing; it exits 1 only if the queue misbehaves (a pop earlier than the one before it,
 * a failed push, a wrong size or a broken invariant, checked outside the timed part).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "errors.h"
#include "evq.h"

#define REPS 5
#define MEAN_US 1000000.0
/* Increments come from a precomputed table: drawing an exponential (a logarithm) per hold
 * would cost about as much as the hold itself. 2^14 entries (128 KiB) cycle through in a
 * pattern the queue cannot exploit: which event each one goes to depends on the pop order. */
#define INC_BITS 14
#define INC_N (1u << INC_BITS)

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void die(const char *what, int rc)
{
    fprintf(stderr, "bench_evq: %s: status %d\n", what, rc);
    exit(1);
}

static void fail(const char *what)
{
    fprintf(stderr, "bench_evq: %s\n", what);
    exit(1);
}

/* xorshift64*: the increments' source */
static uint64_t rng_next(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 0x2545F4914F6CDD1DULL;
}

static ak_usec exp_draw(uint64_t *s)
{
    double u = ((double)(rng_next(s) >> 11) + 0.5) * 0x1p-53; /* (0, 1) */
    return (ak_usec)(-log(u) * MEAN_US);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Hold operations on q; returns the time of the last pop. Exits if the order is broken. */
static ak_usec hold(ak_evq *q, const ak_usec *inc, uint64_t holds, ak_usec last, uint32_t *k)
{
    uint32_t j = *k;
    for (uint64_t i = 0; i < holds; i++) {
        ak_sim_event ev;
        if (!ak_evq_pop(q, &ev))
            fail("pop on a queue that should hold events");
        if (ev.time < last)
            fail("pop returned an event earlier than the previous one");
        last = ev.time;
        int rc = ak_evq_push(q, ev.time + inc[j], 0, ev.kind, ev.agent, ev.aux, ev.data + 1,
                             NULL);
        if (rc)
            die("push", rc);
        j = (j + 1) & (INC_N - 1);
    }
    *k = j;
    return last;
}

static void run(uint32_t n, uint64_t holds, const ak_usec *inc, uint64_t *rng)
{
    ak_evq q;
    int rc = ak_evq_init(&q, n);
    if (rc)
        die("init", rc);
    for (uint32_t i = 0; i < n; i++)
        if ((rc = ak_evq_push(&q, exp_draw(rng), 0, 1, i, 0, 0, NULL)))
            die("prefill push", rc);
    uint32_t k = 0;
    ak_usec last = hold(&q, inc, n, INT64_MIN, &k); /* warm up, untimed */
    double per_hold[REPS];
    for (int r = 0; r < REPS; r++) {
        double t0 = now();
        last = hold(&q, inc, holds, last, &k);
        per_hold[r] = (now() - t0) / (double)holds;
        if (ak_evq_size(&q) != n || ak_evq_check(&q))
            fail("queue invariant broken");
    }
    ak_evq_fini(&q);

    double sorted[REPS];
    memcpy(sorted, per_hold, sizeof sorted);
    qsort(sorted, REPS, sizeof *sorted, cmp_double);
    double target = n <= 10000 ? 50 : 150;
    printf("bench_evq: hold model, %u pending, %llu holds x %d repetitions\n", n,
           (unsigned long long)holds, REPS);
    printf("bench_evq: hold model, %u pending: ns per hold, per repetition:", n);
    for (int r = 0; r < REPS; r++)
        printf(" %.1f", per_hold[r] * 1e9);
    printf("\nbench_evq: median %.1f ns per hold (target <= %.0f)\n", sorted[REPS / 2] * 1e9,
           target);
}

int main(void)
{
    static ak_usec inc[INC_N];
    uint64_t rng = 0x9E3779B97F4A7C15ULL;
    for (uint32_t i = 0; i < INC_N; i++)
        inc[i] = exp_draw(&rng);
    run(10000, 10000000, inc, &rng);
    run(1000000, 10000000, inc, &rng);
    return 0;
}
