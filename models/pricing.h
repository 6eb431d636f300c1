/*
 * models/pricing.h: how a provider prices a bid (market-rules.md section 5.3): the provider
 * daemon's `scale` strategy with the helm chart's scales, and the default price script's USD
 * targets converted to a per-block rate. Both are pure functions of a group spec; the AKT price
 * is an argument (the simulation's price process supplies it).
 *
 * Worked examples (market-rules.md section 8): one unit of 1000 millicpu, 1 GiB memory, 1 GiB
 * ephemeral storage and one endpoint prices at 6.80224 uakt per block under `scale` (E11), and
 * at $2.47 per month = 5.745402 uact or, at $1.14 per AKT, 5.039826 uakt per block under the
 * script (E12).
 */
#ifndef AK_MODELS_PRICING_H
#define AK_MODELS_PRICING_H

#include "dec.h"
#include "msg.h"
#include "store.h"

/* The `scale` strategy: per block, in the order's denom. */
typedef struct ak_scale_prices {
    ak_dec cpu;      /* per millicpu */
    ak_dec memory;   /* per MiB */
    ak_dec storage;  /* per MiB, every storage class */
    ak_dec endpoint; /* per endpoint entry, not multiplied by count */
    ak_dec ip;       /* per leased IP endpoint */
} ak_scale_prices;

/* The helm chart's defaults: cpu 0.004, memory 0.0016, storage 0.00016, endpoint 1, ip 60. */
void ak_pricing_scale_defaults(ak_scale_prices *s);

/* price = cpu x sum(millicpu x count) + memory x sum(bytes x count)/2^20
 *       + storage x sum(volume bytes x count)/2^20 + endpoint x endpoints + ip x leased IPs.
 * The products are exact decimals. AK_EINVAL for a zero total (the daemon errors out),
 * AK_EOVERFLOW past the Dec range. */
int ak_pricing_scale(const ak_scale_prices *s, const ak_group_spec *g, ak_dec *out);

/* The default price script: USD per month targets. */
typedef struct ak_script_prices {
    ak_dec cpu;       /* per CPU thread (1000 millicpu): 1.60 */
    ak_dec memory;    /* per GiB: 0.80 */
    ak_dec ephemeral; /* per GiB: 0.02 */
    ak_dec hdd;       /* class beta1, per GiB: 0.01 */
    ak_dec ssd;       /* class beta2, per GiB: 0.03 */
    ak_dec nvme;      /* class beta3, per GiB: 0.04 */
    ak_dec endpoint;  /* per endpoint x count: 0.05 */
    ak_dec ip;        /* per leased IP x count: 5 */
    ak_dec gpu;       /* per GPU when no model mapping applies: 100 */
    int64_t blocks_per_month; /* 429,909 (6.117 s blocks) */
} ak_script_prices;

void ak_pricing_script_defaults(ak_script_prices *s);

/* The script's monthly USD total for a group spec. Storage volumes are priced by their
 * "class" attribute (beta1, beta2, beta3; anything else, or none, as ephemeral). */
int ak_pricing_script_usd(const ak_strtab *strs, const ak_script_prices *s,
                          const ak_group_spec *g, ak_dec *usd_month);

/* Per-block rate in micro-units: usd_month x 10^6 / blocks_per_month, divided by the AKT price
 * in USD when the denom is uakt (akt_usd > 0) or not when it is a USD-pegged denom
 * (akt_usd = 0: uact, uusdc); rounded half up to 6 decimals as the script prints it. */
int ak_pricing_script_rate(const ak_script_prices *s, ak_dec usd_month, ak_dec akt_usd,
                           ak_dec *rate);

#endif
