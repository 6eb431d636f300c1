/*
 * bench/bench_market.c: the market workload of the protocol core issue, through the app's
 * message interface (not JSON): 10,000 deployments, 5 bids on each order, a lease each, 20
 * withdrawals of each lease at 20 later heights, then every deployment closed. Prints the
 * median over 5 repetitions of messages per second and the peak resident memory. Asserts
 * nothing about timing; it does verify the app's invariants once per repetition (outside the
 * timed part) so that a fast wrong answer cannot pass unnoticed.
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "app.h"
#include "errors.h"

#define DEPLOYMENTS 10000
#define TENANTS 1000
#define PROVIDERS 5
#define WITHDRAWALS 20
#define REPS 5

typedef struct world {
    ak_app *app;
    ak_addr tenants[TENANTS];
    ak_addr providers[PROVIDERS];
    ak_denom uakt;
    ak_storage_volume vol;
    ak_endpoint ep;
    ak_resource_unit unit;
    ak_group_spec group;
    ak_msg *msgs;
    size_t nmsgs;
    size_t block_end[32]; /* messages of block b are [block_end[b-1], block_end[b]) */
    int nblocks;
} world;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void die(const char *what, int rc)
{
    fprintf(stderr, "bench_market: %s: %s\n", what, ak_err_name(rc));
    exit(1);
}

static ak_str intern(world *w, const char *s)
{
    ak_str id;
    int rc = ak_app_intern(w->app, s, &id);
    if (rc)
        die("intern", rc);
    return id;
}

static void setup(world *w)
{
    int rc = ak_app_create(AK_RULES_V1, &w->app);
    if (rc)
        die("create", rc);
    w->uakt = intern(w, "uakt");
    char name[32];
    for (int i = 0; i < TENANTS; i++) {
        snprintf(name, sizeof name, "tenant%04d", i);
        w->tenants[i] = intern(w, name);
        if ((rc = ak_app_genesis_balance(w->app, w->tenants[i], (ak_coin){w->uakt, 100000000000})))
            die("genesis", rc);
    }
    ak_tx_result res;
    for (int i = 0; i < PROVIDERS; i++) {
        snprintf(name, sizeof name, "provider%d", i);
        w->providers[i] = intern(w, name);
        if ((rc = ak_app_genesis_balance(w->app, w->providers[i], (ak_coin){w->uakt, 100000000000})))
            die("genesis", rc);
        if ((rc = ak_app_genesis_provider(w->app, w->providers[i], intern(w, "https://p.example:8443"),
                                          (ak_attrs){NULL, 0}, 0, 0, &res)))
            die("provider", rc);
    }
    w->vol = (ak_storage_volume){intern(w, "default"), 1ull << 30, {NULL, 0}};
    w->ep = (ak_endpoint){AK_ENDPOINT_SHARED_HTTP, 0};
    ak_dec price;
    ak_dec_parse("100", 3, &price);
    w->unit = (ak_resource_unit){.id = 1, .cpu_millis = 1000, .memory_bytes = 1ull << 30,
                                 .storage = &w->vol, .nstorage = 1, .endpoints = &w->ep,
                                 .nendpoints = 1, .count = 1, .price = {w->uakt, price}};
    w->group = (ak_group_spec){.name = intern(w, "web"), .units = &w->unit, .nunits = 1};
}

static ak_msg *push(world *w)
{
    return &w->msgs[w->nmsgs++];
}

static void end_block(world *w)
{
    w->block_end[w->nblocks++] = w->nmsgs;
}

/* The whole workload as messages, block by block. */
static void build(world *w)
{
    size_t total = DEPLOYMENTS * (1 + PROVIDERS + 1 + WITHDRAWALS + 1);
    w->msgs = calloc(total, sizeof *w->msgs);
    if (!w->msgs)
        die("alloc", AK_ENOMEM);
    ak_dec bidprice[PROVIDERS];
    for (int p = 0; p < PROVIDERS; p++)
        bidprice[p] = ak_dec_from_int(60 + 5 * p);
    for (int d = 0; d < DEPLOYMENTS; d++) {
        ak_msg *m = push(w);
        m->type = AK_MSG_CREATE_DEPLOYMENT;
        m->create_deployment.id = (ak_deployment_id){w->tenants[d % TENANTS], 1000 + (uint64_t)d};
        m->create_deployment.groups = &w->group;
        m->create_deployment.ngroups = 1;
        m->create_deployment.hash_len = 32;
        memset(m->create_deployment.hash, 0x5a, 32);
        m->create_deployment.deposit = (ak_deposit){{w->uakt, 50000000}, {AK_SOURCE_BALANCE}, 1};
    }
    end_block(w);
    for (int d = 0; d < DEPLOYMENTS; d++)
        for (int p = 0; p < PROVIDERS; p++) {
            ak_msg *m = push(w);
            m->type = AK_MSG_CREATE_BID;
            m->create_bid.id = (ak_bid_id){w->tenants[d % TENANTS], 1000 + (uint64_t)d, 1, 1,
                                           w->providers[p]};
            m->create_bid.price = (ak_deccoin){w->uakt, bidprice[p]};
            m->create_bid.deposit = (ak_deposit){{w->uakt, 500000}, {AK_SOURCE_BALANCE}, 1};
        }
    end_block(w);
    for (int d = 0; d < DEPLOYMENTS; d++) {
        ak_msg *m = push(w);
        m->type = AK_MSG_CREATE_LEASE;
        m->lease.id = (ak_bid_id){w->tenants[d % TENANTS], 1000 + (uint64_t)d, 1, 1,
                                  w->providers[d % PROVIDERS]};
    }
    end_block(w);
    for (int r = 0; r < WITHDRAWALS; r++) {
        for (int d = 0; d < DEPLOYMENTS; d++) {
            ak_msg *m = push(w);
            m->type = AK_MSG_WITHDRAW_LEASE;
            m->lease.id = (ak_bid_id){w->tenants[d % TENANTS], 1000 + (uint64_t)d, 1, 1,
                                      w->providers[d % PROVIDERS]};
        }
        end_block(w);
    }
    for (int d = 0; d < DEPLOYMENTS; d++) {
        ak_msg *m = push(w);
        m->type = AK_MSG_CLOSE_DEPLOYMENT;
        m->close_deployment.id = (ak_deployment_id){w->tenants[d % TENANTS], 1000 + (uint64_t)d};
    }
    end_block(w);
}

/* Deliver every message; returns the seconds spent in begin/deliver/end. */
static double run(world *w)
{
    ak_tx_result res;
    size_t i = 0;
    double t0 = now();
    for (int b = 0; b < w->nblocks; b++) {
        int rc = ak_app_begin_block(w->app, ak_app_height(w->app) + 1);
        if (rc)
            die("begin block", rc);
        for (; i < w->block_end[b]; i++)
            if ((rc = ak_app_deliver(w->app, &w->msgs[i], &res)))
                die(ak_msg_name(w->msgs[i].type), rc);
        if ((rc = ak_app_end_block(w->app)))
            die("end block", rc);
    }
    return now() - t0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(void)
{
    double rate[REPS];
    size_t nmsgs = 0, grown = 0;
    for (int r = 0; r < REPS; r++) {
        world *w = calloc(1, sizeof *w);
        if (!w)
            die("alloc", AK_ENOMEM);
        setup(w);
        build(w);
        size_t before = mallinfo2().uordblks;
        double secs = run(w);
        size_t after = mallinfo2().uordblks;
        if (after > before && after - before > grown)
            grown = after - before;
        char err[256];
        if (ak_app_check(w->app, err, sizeof err)) {
            fprintf(stderr, "bench_market: invariant broken: %s\n", err);
            return 1;
        }
        nmsgs = w->nmsgs;
        rate[r] = (double)w->nmsgs / secs;
        ak_app_destroy(w->app);
        free(w->msgs);
        free(w);
    }
    double sorted[REPS];
    memcpy(sorted, rate, sizeof rate);
    qsort(sorted, REPS, sizeof *sorted, cmp_double);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("bench_market: %zu messages (%d deployments, %d bids each, a lease each, %d "
           "withdrawals each, closes), %d repetitions\n",
           nmsgs, DEPLOYMENTS, PROVIDERS, WITHDRAWALS, REPS);
    printf("bench_market: messages per second, per repetition:");
    for (int r = 0; r < REPS; r++)
        printf(" %.0f", rate[r]);
    printf("\nbench_market: median %.0f messages/s (target >= 1000000 on one core)\n",
           sorted[REPS / 2]);
    printf("bench_market: app state grown by the workload %.1f MiB (heap); peak resident memory "
           "%.1f MiB, including the %.1f MiB of prepared messages\n",
           (double)grown / 1048576.0, (double)ru.ru_maxrss / 1024.0,
           (double)nmsgs * sizeof(ak_msg) / 1048576.0);
    return 0;
}
