/*
 * models/strategy.h: how a provider prices its bids (docs/scenarios.md, a fleet's `pricing`;
 * market-rules.md 5.3). The strategies are one const table of named types (DESIGN.md
 * convention 7); each fleet names one. All prices are per block in the order's denom (uakt, or uusdc
 * which is pegged to the dollar).
 *
 *   script      the default price script: the fleet's prices_usd targets per resource and
 *               month, converted at the current AKT price (pricing.h, worked example E12).
 *   scale       the provider daemon's `scale` strategy: fixed amounts of the order's denom per
 *               block per millicpu, MiB of memory and storage, endpoint and IP (the helm
 *               chart's scales by default; E11). Blind to the AKT price and to the denom.
 *   cost_plus   the fleet's cost_usd per resource and month times (1 + margin), converted at
 *               the current AKT price like the script.
 *   adaptive    a base strategy (script or cost_plus) times a factor of the provider's
 *               utilization u (its busiest resource: leased or reserved over capacity):
 *               f = clamp(1 + sensitivity x (u - target), min_factor, max_factor). Raises the
 *               price when busy, cuts it when idle, with no memory.
 *   learning    a base strategy times a factor the provider learns from its bids: x (1 + up)
 *               after each bid won, x (1 - down) after each bid lost or timed out, within
 *               [min_factor, max_factor]. Starts at 1.
 */
#ifndef AK_MODELS_STRATEGY_H
#define AK_MODELS_STRATEGY_H

#include <stdint.h>

#include "dec.h"
#include "msg.h"

struct ak_world;

typedef struct ak_pricing_strategy {
    const char *name;
    const char *doc;
    bool takes_base;   /* adaptive and learning apply a factor to a base strategy */
    /* The bid price per block of provider p for group g, in the order's denom: USD targets are
     * converted at `unit` USD per unit of it (the AKT price for uakt, zero for a USD-pegged
     * denom, as ak_pricing_script_rate takes it). AK_EINVAL when the strategy prices it at
     * nothing or cannot price it (the daemon then does not bid). */
    int (*price)(const struct ak_world *w, uint32_t p, const ak_group_spec *g, ak_dec unit,
                 ak_dec *rate);
    /* What the provider learns when one of its bids wins / loses or times out (NULL: nothing). */
    void (*won)(struct ak_world *w, uint32_t p);
    void (*lost)(struct ak_world *w, uint32_t p);
} ak_pricing_strategy;

/* The NULL-terminated table, in documentation order ("script" first: the default). */
const ak_pricing_strategy *const *ak_pricing_strategies(void);
const ak_pricing_strategy *ak_pricing_strategy_find(const char *name);

/* A fleet's pricing, as the scenario gives it. */
typedef struct ak_sc_pricing {
    const ak_pricing_strategy *strategy;
    const ak_pricing_strategy *base;  /* adaptive, learning: script or cost_plus */
    ak_dec scale[5];      /* scale: uakt per block per millicpu, MiB memory, MiB storage,
                             endpoint, leased IP */
    double margin;        /* cost_plus (and a cost_plus base) */
    double target, sensitivity; /* adaptive */
    double up, down;      /* learning */
    double min_factor, max_factor;
} ak_sc_pricing;

#endif
