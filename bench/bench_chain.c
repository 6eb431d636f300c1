/*
 * bench/bench_chain.c: the chain layer's per-block cost: 100 bonded validators, all signing,
 * empty blocks, begin block (mint, distribution, slashing, evidence), end block (gov, staking,
 * consensus: validator updates and proposer rotation). Prints the median over 5 repetitions of
 * the time per block. Asserts nothing about timing; it checks the invariants once per
 * repetition, outside the timed part.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "errors.h"

#define VALIDATORS 100
#define BLOCKS 200000
#define REPS 5

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void die(const char *what, int rc)
{
    fprintf(stderr, "bench_chain: %s: %s\n", what, ak_err_name(rc));
    exit(1);
}

static ak_app *setup(void)
{
    ak_app *app;
    int rc = ak_app_create(AK_RULES_V1, &app);
    if (rc)
        die("create", rc);
    ak_app_set_clock(app, 1767225600, 6);
    ak_dec rate, max_rate, max_change;
    ak_dec_parse("0.05", 4, &rate);
    ak_dec_parse("0.2", 3, &max_rate);
    ak_dec_parse("0.01", 4, &max_change);
    ak_tx_result res;
    char name[32];
    for (int i = 0; i < VALIDATORS; i++) {
        snprintf(name, sizeof name, "val%03d", i);
        ak_str addr;
        if ((rc = ak_app_intern(app, name, &addr)))
            die("intern", rc);
        /* uneven stakes, 1,000 to 100,900 AKT */
        ak_amount tokens = (ak_amount)(1000 + 1000 * i) * 1000000;
        if ((rc = ak_app_genesis_validator(app, addr, tokens, rate, max_rate, max_change, 1, &res)))
            die("genesis validator", rc);
    }
    /* a liquid supply beside the stake, so the bonded ratio is realistic */
    ak_str whale, uakt;
    ak_app_intern(app, "whale", &whale);
    ak_app_intern(app, "uakt", &uakt);
    if ((rc = ak_app_genesis_balance(app, whale, (ak_coin){uakt, 200000000000000})))
        die("genesis balance", rc);
    if ((rc = ak_app_genesis_finish(app)))
        die("genesis", rc);
    return app;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(void)
{
    double per_block[REPS];
    for (int r = 0; r < REPS; r++) {
        ak_app *app = setup();
        double t0 = now();
        for (ak_height h = 1; h <= BLOCKS; h++) {
            int rc = ak_app_begin_block(app, h);
            if (rc)
                die("begin block", rc);
            if ((rc = ak_app_end_block(app)))
                die("end block", rc);
        }
        per_block[r] = (now() - t0) / BLOCKS;
        char err[256];
        if (ak_app_check(app, err, sizeof err)) {
            fprintf(stderr, "bench_chain: invariant broken: %s\n", err);
            return 1;
        }
        ak_app_destroy(app);
    }
    double sorted[REPS];
    memcpy(sorted, per_block, sizeof sorted);
    qsort(sorted, REPS, sizeof *sorted, cmp_double);
    printf("bench_chain: %d bonded validators, all signing, %d empty blocks, %d repetitions\n",
           VALIDATORS, BLOCKS, REPS);
    printf("bench_chain: microseconds per block, per repetition:");
    for (int r = 0; r < REPS; r++)
        printf(" %.3f", per_block[r] * 1e6);
    printf("\nbench_chain: median %.3f us per block (target <= 3); a year of 6 s blocks "
           "(5,256,000) in %.1f s\n",
           sorted[REPS / 2] * 1e6, sorted[REPS / 2] * 5256000);
    return 0;
}
