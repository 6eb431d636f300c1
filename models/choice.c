/*
 * models/choice.c: the tenants' provider choice policies (see choice.h).
 */
#include "choice.h"

#include <string.h>

static uint32_t cheapest(const ak_choice_bid *bids, uint32_t n, double penalty, gsl_rng *r)
{
    (void)penalty;
    (void)r;
    uint32_t best = 0;
    for (uint32_t i = 1; i < n; i++)
        if (ak_dec_cmp(bids[i].price, bids[best].price) < 0)
            best = i;
    return best;
}

/* price x (1 + penalty x failures); model arithmetic, so a double is exact enough: the chain
 * never sees it, it only orders bids. */
static double score(const ak_choice_bid *b, double penalty)
{
    double price = (double)b->price.v * 1e-18;
    return price * (1.0 + penalty * (double)b->failures);
}

static uint32_t reputation(const ak_choice_bid *bids, uint32_t n, double penalty, gsl_rng *r)
{
    (void)r;
    uint32_t best = 0;
    double best_s = score(&bids[0], penalty);
    for (uint32_t i = 1; i < n; i++) {
        double s = score(&bids[i], penalty);
        if (s < best_s) {
            best = i;
            best_s = s;
        }
    }
    return best;
}

static uint32_t random_bid(const ak_choice_bid *bids, uint32_t n, double penalty, gsl_rng *r)
{
    (void)bids;
    (void)penalty;
    uint32_t i = (uint32_t)(gsl_rng_uniform(r) * (double)n);
    return i < n ? i : n - 1;
}

static const ak_choice_policy CHEAPEST = {
    "cheapest", "the lowest price; ties to the first bid in the chain's order", 0, false,
    cheapest};
static const ak_choice_policy REPUTATION = {
    "reputation", "the lowest price x (1 + penalty x failures of the bidder known)", 0, true,
    reputation};
static const ak_choice_policy RANDOM = {
    "random", "uniformly among the open bids (all within the order's price)", 1, false,
    random_bid};

static const ak_choice_policy *const POLICIES[] = {&CHEAPEST, &REPUTATION, &RANDOM, NULL};

const ak_choice_policy *const *ak_choice_policies(void)
{
    return POLICIES;
}

const ak_choice_policy *ak_choice_find(const char *name)
{
    for (int i = 0; name && POLICIES[i]; i++)
        if (strcmp(POLICIES[i]->name, name) == 0)
            return POLICIES[i];
    return NULL;
}
