/*
 * models/choice.h: how a tenant picks a provider among the bids on its order when its bid
 * window closes (docs/scenarios.md "agents.tenants", `choice`). The policies are one const
 * table of named types (DESIGN.md convention 7); a scenario names one.
 *
 *   cheapest    the lowest price; ties go to the first bid in the chain's order (by provider
 *               address). What the Akash Console does by default.
 *   reputation  the lowest price x (1 + penalty x f), f being the failures of the bidder the
 *               tenant knows of (its own observations, or everyone's with memory "shared").
 *               With no failures known it is `cheapest`.
 *   random      uniformly among the open bids (all are within the order's price, which the
 *               chain enforces), one uniform draw per choice.
 *
 * The functions are pure: they read the candidates and, for `random`, one uniform of r.
 */
#ifndef AK_MODELS_CHOICE_H
#define AK_MODELS_CHOICE_H

#include <gsl/gsl_rng.h>
#include <stdint.h>

#include "dec.h"

/* One open bid as the tenant sees it. */
typedef struct ak_choice_bid {
    ak_dec price;      /* the bid's price per block */
    uint32_t provider; /* the bidder, as the caller numbers providers (or UINT32_MAX) */
    uint32_t failures; /* failures of the bidder the tenant knows of (uses_failures) */
} ak_choice_bid;

typedef struct ak_choice_policy {
    const char *name; /* what scenarios write */
    const char *doc;  /* one line for docs and help */
    unsigned draws;   /* gsl_rng_uniform calls per choice: 0 or 1 */
    bool uses_failures; /* reads ak_choice_bid.failures (the others need not fill it) */
    /* The index of the chosen bid among bids[0..n), n >= 1, given in the chain's bid order. */
    uint32_t (*choose)(const ak_choice_bid *bids, uint32_t n, double penalty, gsl_rng *r);
} ak_choice_policy;

/* The NULL-terminated table, in documentation order ("cheapest" first: the default). */
const ak_choice_policy *const *ak_choice_policies(void);
/* The policy called name, or NULL. */
const ak_choice_policy *ak_choice_find(const char *name);

#endif
