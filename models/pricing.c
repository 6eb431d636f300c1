/*
 * models/pricing.c: provider bid pricing strategies (see pricing.h; market-rules.md 5.3).
 */
#include "pricing.h"

#include <string.h>

#include "errors.h"

static ak_dec dec(const char *s)
{
    ak_dec d = ak_dec_zero();
    ak_dec_parse(s, strlen(s), &d); /* constants below always parse */
    return d;
}

void ak_pricing_scale_defaults(ak_scale_prices *s)
{
    s->cpu = dec("0.004");
    s->memory = dec("0.0016");
    s->storage = dec("0.00016");
    s->endpoint = dec("1");
    s->ip = dec("60");
}

/* acc += price x (amount / divisor), exact while the quotient is a whole or short decimal */
static int add_scaled(ak_dec *acc, ak_dec price, unsigned __int128 amount, int64_t divisor)
{
    ak_dec qty, term;
    if (amount > (unsigned __int128)INT64_MAX)
        return AK_EOVERFLOW;
    if (ak_dec_quo_int(ak_dec_from_int((int64_t)amount), divisor, &qty) ||
        ak_dec_mul(price, qty, &term) || ak_dec_add(*acc, term, acc))
        return AK_EOVERFLOW;
    return 0;
}

int ak_pricing_scale(const ak_scale_prices *s, const ak_group_spec *g, ak_dec *out)
{
    unsigned __int128 cpu = 0, mem = 0, storage = 0;
    int64_t endpoints = 0, ips = 0;
    for (uint32_t i = 0; i < g->nunits; i++) {
        const ak_resource_unit *u = &g->units[i];
        cpu += (unsigned __int128)u->cpu_millis * u->count;
        mem += (unsigned __int128)u->memory_bytes * u->count;
        for (uint32_t v = 0; v < u->nstorage; v++)
            storage += (unsigned __int128)u->storage[v].bytes * u->count;
        for (uint32_t e = 0; e < u->nendpoints; e++) {
            if (u->endpoints[e].kind == AK_ENDPOINT_LEASED_IP)
                ips++;
            else
                endpoints++;
        }
    }
    ak_dec total = ak_dec_zero();
    if (add_scaled(&total, s->cpu, cpu, 1) || add_scaled(&total, s->memory, mem, 1 << 20) ||
        add_scaled(&total, s->storage, storage, 1 << 20) ||
        add_scaled(&total, s->endpoint, (unsigned __int128)endpoints, 1) ||
        add_scaled(&total, s->ip, (unsigned __int128)ips, 1))
        return AK_EOVERFLOW;
    if (!ak_dec_is_positive(total))
        return AK_EINVAL;
    *out = total;
    return 0;
}

void ak_pricing_script_defaults(ak_script_prices *s)
{
    s->cpu = dec("1.60");
    s->memory = dec("0.80");
    s->ephemeral = dec("0.02");
    s->hdd = dec("0.01");
    s->ssd = dec("0.03");
    s->nvme = dec("0.04");
    s->endpoint = dec("0.05");
    s->ip = dec("5");
    s->gpu = dec("100");
    s->blocks_per_month = 429909;
}

/* USD per month of one volume size (bytes x count) by its class. */
static ak_dec storage_price(const ak_strtab *strs, const ak_script_prices *s, ak_attrs attrs)
{
    ak_str key;
    if (!ak_strtab_find(strs, "class", 5, &key))
        return s->ephemeral;
    const char *cls = ak_strtab_get(strs, ak_attrs_get(attrs, key));
    if (strcmp(cls, "beta1") == 0)
        return s->hdd;
    if (strcmp(cls, "beta2") == 0)
        return s->ssd;
    if (strcmp(cls, "beta3") == 0)
        return s->nvme;
    return s->ephemeral;
}

int ak_pricing_script_usd(const ak_strtab *strs, const ak_script_prices *s,
                          const ak_group_spec *g, ak_dec *usd_month)
{
    ak_dec total = ak_dec_zero();
    for (uint32_t i = 0; i < g->nunits; i++) {
        const ak_resource_unit *u = &g->units[i];
        unsigned __int128 n = u->count;
        if (add_scaled(&total, s->cpu, u->cpu_millis * n, 1000) ||
            add_scaled(&total, s->memory, u->memory_bytes * n, 1 << 30) ||
            add_scaled(&total, s->gpu, u->gpu_units * n, 1))
            return AK_EOVERFLOW;
        for (uint32_t v = 0; v < u->nstorage; v++)
            if (add_scaled(&total, storage_price(strs, s, u->storage[v].attrs),
                           u->storage[v].bytes * n, 1 << 30))
                return AK_EOVERFLOW;
        for (uint32_t e = 0; e < u->nendpoints; e++) {
            ak_dec p = u->endpoints[e].kind == AK_ENDPOINT_LEASED_IP ? s->ip : s->endpoint;
            if (add_scaled(&total, p, n, 1))
                return AK_EOVERFLOW;
        }
    }
    *usd_month = total;
    return 0;
}

int ak_pricing_script_rate(const ak_script_prices *s, ak_dec usd_month, ak_dec akt_usd,
                           ak_dec *rate)
{
    ak_dec r;
    if (ak_dec_mul_int(usd_month, 1000000, &r) ||
        ak_dec_quo(r, ak_dec_from_int(s->blocks_per_month), &r))
        return AK_EOVERFLOW;
    if (ak_dec_is_positive(akt_usd) && ak_dec_quo(r, akt_usd, &r))
        return AK_EOVERFLOW;
    /* round half up to 6 decimals: add half a unit of the 6th place, truncate */
    const __int128 unit = 1000000000000; /* 10^12 scaled units = 10^-6 */
    __int128 v = r.v + (r.v >= 0 ? unit / 2 : -(unit / 2));
    *rate = ak_dec_from_raw(v / unit * unit);
    return 0;
}
