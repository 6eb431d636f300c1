/*
 * protocol/bank.c: balances, supply and transfers (see bank.h).
 */
#include "bank.h"

#include <stdio.h>
#include <string.h>

#include "errors.h"

static const char *const module_names[AK_MODULE_COUNT] = {
    [AK_MODULE_ESCROW] = "escrow",
    [AK_MODULE_DISTRIBUTION] = "distribution",
    [AK_MODULE_FEE_COLLECTOR] = "fee_collector",
    [AK_MODULE_BONDED_POOL] = "bonded_pool",
    [AK_MODULE_NOT_BONDED_POOL] = "not_bonded_pool",
    [AK_MODULE_GOV] = "gov",
};

/* Module accounts are interned as "module:<name>"; a user name cannot contain ':'. */
#define MODULE_PREFIX "module:"

const char *ak_bank_module_name(ak_module m)
{
    return (unsigned)m < AK_MODULE_COUNT ? module_names[m] : "";
}

int ak_bank_init(ak_bank *bank, ak_store *store, ak_strtab *strs)
{
    memset(bank, 0, sizeof *bank);
    bank->store = store;
    bank->strs = strs;
    ak_pool_init(&bank->balances, store, sizeof(ak_bank_balance));
    ak_map_init(&bank->balance_index, store);
    ak_pool_init(&bank->supplies, store, sizeof(ak_bank_supply));
    ak_map_init(&bank->supply_index, store);
    for (int m = 0; m < AK_MODULE_COUNT; m++) {
        char name[64];
        int n = snprintf(name, sizeof name, MODULE_PREFIX "%s", module_names[m]);
        if (ak_strtab_intern(strs, name, (size_t)n, &bank->module_addr[m]))
            return AK_ENOMEM;
    }
    return 0;
}

void ak_bank_fini(ak_bank *bank)
{
    if (!bank)
        return;
    ak_pool_fini(&bank->balances);
    ak_map_fini(&bank->balance_index);
    ak_pool_fini(&bank->supplies);
    ak_map_fini(&bank->supply_index);
}

bool ak_bank_is_module(const ak_bank *bank, ak_addr addr, ak_module *m)
{
    for (int i = 0; i < AK_MODULE_COUNT; i++) {
        if (bank->module_addr[i] == addr) {
            if (m)
                *m = (ak_module)i;
            return true;
        }
    }
    return false;
}

static ak_bank_balance *balance_find(const ak_bank *bank, ak_addr addr, ak_denom denom)
{
    uint32_t h = ak_map_get(&bank->balance_index, ak_key2(addr, denom));
    return h == AK_POOL_NONE ? NULL : ak_pool_at(&bank->balances, h);
}

static int balance_get_or_add(ak_bank *bank, ak_addr addr, ak_denom denom, ak_bank_balance **out)
{
    ak_bank_balance *b = balance_find(bank, addr, denom);
    if (!b) {
        uint32_t h;
        void *p;
        if (ak_pool_add(&bank->balances, &h, &p))
            return AK_ENOMEM;
        if (ak_map_put(&bank->balance_index, ak_key2(addr, denom), h))
            return AK_ENOMEM;
        b = p;
        b->addr = addr;
        b->denom = denom;
    }
    *out = b;
    return 0;
}

static ak_bank_supply *supply_find(const ak_bank *bank, ak_denom denom)
{
    uint32_t h = ak_map_get(&bank->supply_index, ak_key2(denom, 0));
    return h == AK_POOL_NONE ? NULL : ak_pool_at(&bank->supplies, h);
}

static int supply_get_or_add(ak_bank *bank, ak_denom denom, ak_bank_supply **out)
{
    ak_bank_supply *s = supply_find(bank, denom);
    if (!s) {
        uint32_t h;
        void *p;
        if (ak_pool_add(&bank->supplies, &h, &p))
            return AK_ENOMEM;
        if (ak_map_put(&bank->supply_index, ak_key2(denom, 0), h))
            return AK_ENOMEM;
        s = p;
        s->denom = denom;
    }
    *out = s;
    return 0;
}

ak_amount ak_bank_balance_of(const ak_bank *bank, ak_addr addr, ak_denom denom)
{
    const ak_bank_balance *b = balance_find(bank, addr, denom);
    return b ? b->amount : 0;
}

ak_amount ak_bank_supply_of(const ak_bank *bank, ak_denom denom)
{
    const ak_bank_supply *s = supply_find(bank, denom);
    return s ? s->amount : 0;
}

int ak_bank_send(ak_bank *bank, ak_addr from, ak_addr to, ak_coin coin)
{
    if (coin.amount < 0)
        return AK_EINVALID_COINS;
    if (coin.amount == 0 || from == to) {
        /* a self-send still needs the funds, as x/bank subtracts before it adds */
        if (coin.amount > ak_bank_balance_of(bank, from, coin.denom))
            return AK_EINSUFFICIENT_FUNDS;
        return 0;
    }
    ak_bank_balance *src = balance_find(bank, from, coin.denom);
    if (!src || src->amount < coin.amount)
        return AK_EINSUFFICIENT_FUNDS;
    ak_bank_balance *dst;
    int rc = balance_get_or_add(bank, to, coin.denom, &dst);
    if (rc)
        return rc;
    /* the pool may have grown a chunk, but addresses are stable: src is still valid */
    AK_TOUCH(bank->store, &src->amount);
    AK_TOUCH(bank->store, &dst->amount);
    src->amount -= coin.amount;
    dst->amount += coin.amount; /* cannot overflow: every balance is at most the supply */
    return 0;
}

int ak_bank_mint(ak_bank *bank, ak_addr to, ak_coin coin)
{
    if (coin.amount < 0)
        return AK_EINVALID_COINS;
    ak_bank_supply *s;
    int rc = supply_get_or_add(bank, coin.denom, &s);
    if (rc)
        return rc;
    ak_amount total;
    if (__builtin_add_overflow(s->amount, coin.amount, &total))
        return AK_EOVERFLOW;
    ak_bank_balance *dst;
    rc = balance_get_or_add(bank, to, coin.denom, &dst);
    if (rc)
        return rc;
    AK_TOUCH(bank->store, &s->amount);
    AK_TOUCH(bank->store, &dst->amount);
    s->amount = total;
    dst->amount += coin.amount;
    return 0;
}

int ak_bank_burn(ak_bank *bank, ak_addr from, ak_coin coin)
{
    if (coin.amount < 0)
        return AK_EINVALID_COINS;
    ak_bank_balance *src = balance_find(bank, from, coin.denom);
    if (coin.amount == 0)
        return 0;
    if (!src || src->amount < coin.amount)
        return AK_EINSUFFICIENT_FUNDS;
    ak_bank_supply *s = supply_find(bank, coin.denom);
    AK_TOUCH(bank->store, &s->amount);
    AK_TOUCH(bank->store, &src->amount);
    s->amount -= coin.amount;
    src->amount -= coin.amount;
    return 0;
}

int ak_bank_set_send_enabled(ak_bank *bank, ak_denom denom, bool enabled)
{
    ak_bank_supply *s;
    int rc = supply_get_or_add(bank, denom, &s);
    if (rc)
        return rc;
    AK_TOUCH(bank->store, &s->send_disabled);
    s->send_disabled = !enabled;
    return 0;
}

bool ak_bank_send_enabled(const ak_bank *bank, ak_denom denom)
{
    const ak_bank_supply *s = supply_find(bank, denom);
    return !s || !s->send_disabled;
}

int ak_bank_check(const ak_bank *bank, char *err, size_t cap)
{
    /* Sum balances per denom into the supply slots' order: supplies are few. */
    uint32_t ns = bank->supplies.len;
    for (uint32_t si = 0; si < ns; si++) {
        const ak_bank_supply *s = ak_pool_at(&bank->supplies, si);
        __int128 sum = 0;
        for (uint32_t bi = 0; bi < bank->balances.len; bi++) {
            const ak_bank_balance *b = ak_pool_at(&bank->balances, bi);
            if (b->denom != s->denom)
                continue;
            if (b->amount < 0) {
                snprintf(err, cap, "bank: balance of %s is negative (%lld%s)",
                         ak_strtab_get(bank->strs, b->addr), (long long)b->amount,
                         ak_strtab_get(bank->strs, b->denom));
                return AK_EINVARIANT;
            }
            sum += b->amount;
        }
        if (sum != s->amount) {
            snprintf(err, cap, "bank: balances of %s sum to %lld, supply is %lld",
                     ak_strtab_get(bank->strs, s->denom), (long long)sum, (long long)s->amount);
            return AK_EINVARIANT;
        }
    }
    for (uint32_t bi = 0; bi < bank->balances.len; bi++) {
        const ak_bank_balance *b = ak_pool_at(&bank->balances, bi);
        if (b->amount != 0 && !supply_find(bank, b->denom)) {
            snprintf(err, cap, "bank: %s holds %s that has no supply",
                     ak_strtab_get(bank->strs, b->addr), ak_strtab_get(bank->strs, b->denom));
            return AK_EINVARIANT;
        }
    }
    return 0;
}
