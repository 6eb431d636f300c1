/*
 * protocol/grants.c: deposit authorizations (see grants.h; market-rules.md section 3.2).
 */
#include "grants.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "errors.h"

void ak_grants_init(ak_grants *g, ak_store *store, ak_strtab *strs)
{
    memset(g, 0, sizeof *g);
    g->store = store;
    g->strs = strs;
    ak_pool_init(&g->pool, store, sizeof(ak_grant));
    ak_map_init(&g->index, store);
    ak_pool_init(&g->heads, store, sizeof(uint32_t));
    ak_map_init(&g->grantee_heads, store);
}

void ak_grants_fini(ak_grants *g)
{
    if (!g)
        return;
    ak_pool_fini(&g->pool);
    ak_map_fini(&g->index);
    ak_pool_fini(&g->heads);
    ak_map_fini(&g->grantee_heads);
}

ak_grant *ak_grants_get(const ak_grants *g, ak_addr granter, ak_addr grantee)
{
    uint32_t h = ak_map_get(&g->index, ak_key2(granter, grantee));
    return h == AK_POOL_NONE ? NULL : ak_pool_at(&g->pool, h);
}

ak_grant *ak_grants_first(const ak_grants *g, ak_addr grantee)
{
    uint32_t slot = ak_map_get(&g->grantee_heads, ak_key2(grantee, 0));
    if (slot == AK_POOL_NONE)
        return NULL;
    uint32_t h = *(const uint32_t *)ak_pool_at(&g->heads, slot);
    return h == AK_POOL_NONE ? NULL : ak_pool_at(&g->pool, h);
}

ak_grant *ak_grants_next(const ak_grants *g, const ak_grant *cur)
{
    return cur->next == AK_POOL_NONE ? NULL : ak_pool_at(&g->pool, cur->next);
}

/* Link grant h into its grantee's list, keeping granter order. */
static int link_sorted(ak_grants *g, uint32_t h, ak_grant *ng)
{
    const char *name = ak_strtab_get(g->strs, ng->granter);
    ak_key hk = ak_key2(ng->grantee, 0);
    uint32_t slot = ak_map_get(&g->grantee_heads, hk);
    uint32_t *head;
    if (slot == AK_POOL_NONE) {
        void *obj;
        if (ak_pool_add(&g->heads, &slot, &obj) || ak_map_put(&g->grantee_heads, hk, slot))
            return AK_ENOMEM;
        head = obj;
        *head = AK_POOL_NONE;
    } else {
        head = ak_pool_at(&g->heads, slot);
    }
    uint32_t *link = head;
    while (*link != AK_POOL_NONE) {
        ak_grant *nx = ak_pool_at(&g->pool, *link);
        if (strcmp(name, ak_strtab_get(g->strs, nx->granter)) < 0)
            break;
        link = &nx->next;
    }
    ng->next = *link;
    AK_TOUCH(g->store, link);
    *link = h;
    return 0;
}

int ak_grants_grant(ak_grants *g, ak_addr granter, ak_addr grantee, ak_coin spend_limit,
                    const uint32_t *scopes, uint32_t n, const char **why)
{
    *why = NULL;
    if (strcasecmp(ak_strtab_get(g->strs, granter), ak_strtab_get(g->strs, grantee)) == 0)
        return AK_EGRANTEE_IS_GRANTER;
    if (n == 0) {
        *why = "empty scope";
        return AK_EINVALID_AUTHZ_SCOPE;
    }
    uint32_t bits = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (scopes[i] != AK_SCOPE_DEPLOYMENT && scopes[i] != AK_SCOPE_BID) {
            *why = "invalid scope";
            return AK_EINVALID_AUTHZ_SCOPE;
        }
        if (bits & AK_SCOPE_BIT(scopes[i])) {
            *why = "duplicate scope";
            return AK_EINVALID_AUTHZ_SCOPE;
        }
        bits |= AK_SCOPE_BIT(scopes[i]);
    }
    if (spend_limit.amount <= 0) {
        *why = "spend limit cannot be negative";
        return AK_EINVALID_COINS;
    }
    ak_grant *cur = ak_grants_get(g, granter, grantee);
    if (cur) {
        /* replace, not add */
        AK_TOUCH(g->store, cur);
        cur->spend_limit = spend_limit;
        cur->scopes = bits;
        return 0;
    }
    uint32_t h;
    void *obj;
    if (ak_pool_add(&g->pool, &h, &obj) || ak_map_put(&g->index, ak_key2(granter, grantee), h))
        return AK_ENOMEM;
    ak_grant *ng = obj;
    ng->granter = granter;
    ng->grantee = grantee;
    ng->spend_limit = spend_limit;
    ng->scopes = bits;
    return link_sorted(g, h, ng);
}

int ak_grants_check(const ak_grants *g, char *err, size_t cap)
{
    uint32_t linked = 0;
    for (uint32_t slot = 0; slot < g->heads.len; slot++) {
        const char *prev = NULL;
        ak_addr grantee = AK_ADDR_NONE;
        for (uint32_t h = *(const uint32_t *)ak_pool_at(&g->heads, slot); h != AK_POOL_NONE;) {
            const ak_grant *gr = ak_pool_at(&g->pool, h);
            const char *name = ak_strtab_get(g->strs, gr->granter);
            if (grantee == AK_ADDR_NONE)
                grantee = gr->grantee;
            if (gr->grantee != grantee || (prev && strcmp(prev, name) >= 0)) {
                snprintf(err, cap, "grants: the grants received by %s are out of order",
                         ak_strtab_get(g->strs, gr->grantee));
                return AK_EINVARIANT;
            }
            if (gr->spend_limit.amount < 0) {
                snprintf(err, cap, "grants: %s -> %s has a negative limit", name,
                         ak_strtab_get(g->strs, gr->grantee));
                return AK_EINVARIANT;
            }
            prev = name;
            linked++;
            h = gr->next;
        }
    }
    if (linked != g->pool.len) {
        snprintf(err, cap, "grants: %u grants stored, %u reachable from their grantees",
                 g->pool.len, linked);
        return AK_EINVARIANT;
    }
    return 0;
}
