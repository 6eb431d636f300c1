/*
 * protocol/audit.c: audited provider attributes (see audit.h; market-rules.md section 5.1).
 */
#include "audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"

void ak_audit_init(ak_audit *a, ak_store *store, ak_strtab *strs, ak_arena *arena)
{
    memset(a, 0, sizeof *a);
    a->store = store;
    a->strs = strs;
    a->arena = arena;
    ak_pool_init(&a->pool, store, sizeof(ak_audit_record));
    ak_map_init(&a->index, store);
    ak_map_init(&a->owner_heads, store);
}

void ak_audit_fini(ak_audit *a)
{
    if (!a)
        return;
    ak_pool_fini(&a->pool);
    ak_map_fini(&a->index);
    ak_map_fini(&a->owner_heads);
}

static ak_audit_record *find(const ak_audit *a, ak_addr owner, ak_addr auditor)
{
    uint32_t h = ak_map_get(&a->index, ak_key2(owner, auditor));
    return h == AK_POOL_NONE ? NULL : ak_pool_at(&a->pool, h);
}

const ak_audit_record *ak_audit_get(const ak_audit *a, ak_addr owner, ak_addr auditor)
{
    const ak_audit_record *r = find(a, owner, auditor);
    return r && r->present ? r : NULL;
}

const ak_audit_record *ak_audit_next(const ak_audit *a, const ak_audit_record *r)
{
    while (r->next != AK_POOL_NONE) {
        r = ak_pool_at(&a->pool, r->next);
        if (r->present)
            return r;
    }
    return NULL;
}

const ak_audit_record *ak_audit_first(const ak_audit *a, ak_addr owner)
{
    uint32_t h = ak_map_get(&a->owner_heads, ak_key2(owner, 0));
    if (h == AK_POOL_NONE)
        return NULL;
    const ak_audit_record *r = ak_pool_at(&a->pool, h);
    return r->present ? r : ak_audit_next(a, r);
}

/* Stable insertion sort by key bytes: lists are short. */
static void sort_by_key(const ak_strtab *strs, ak_attr *v, uint32_t n)
{
    for (uint32_t i = 1; i < n; i++) {
        ak_attr x = v[i];
        const char *k = ak_strtab_get(strs, x.key);
        uint32_t j = i;
        while (j > 0 && strcmp(ak_strtab_get(strs, v[j - 1].key), k) > 0) {
            v[j] = v[j - 1];
            j--;
        }
        v[j] = x;
    }
}

/* Store a new attribute list (copied to the arena, sorted) in record r. */
static int set_attrs(ak_audit *a, ak_audit_record *r, const ak_attr *v, uint32_t n)
{
    ak_attr *copy = NULL;
    if (n) {
        copy = ak_arena_alloc(a->arena, sizeof *copy * n);
        if (!copy)
            return AK_ENOMEM;
        memcpy(copy, v, sizeof *copy * n);
        sort_by_key(a->strs, copy, n);
    }
    AK_TOUCH(a->store, &r->attrs);
    r->attrs.v = copy;
    r->attrs.n = n;
    return 0;
}

int ak_audit_sign(ak_audit *a, ak_addr owner, ak_addr auditor, ak_attrs attrs)
{
    ak_audit_record *r = find(a, owner, auditor);
    if (!r) {
        uint32_t h;
        void *obj;
        if (ak_pool_add(&a->pool, &h, &obj) || ak_map_put(&a->index, ak_key2(owner, auditor), h))
            return AK_ENOMEM;
        r = obj;
        r->owner = owner;
        r->auditor = auditor;
        r->next = AK_POOL_NONE;
        /* link at the head of the owner's list */
        ak_key ok = ak_key2(owner, 0);
        uint32_t head = ak_map_get(&a->owner_heads, ok);
        if (head == AK_POOL_NONE) {
            if (ak_map_put(&a->owner_heads, ok, h))
                return AK_ENOMEM;
        } else {
            ak_audit_record *hr = ak_pool_at(&a->pool, head);
            r->next = hr->next;
            AK_TOUCH(a->store, &hr->next);
            hr->next = h;
        }
    }
    if (!r->present) {
        /* first signing (or after a delete): the list as given, sorted stably */
        AK_TOUCH(a->store, &r->present);
        r->present = true;
        return set_attrs(a, r, attrs.v, attrs.n);
    }
    /* upsert: old entries, then new ones replacing equal keys (last one wins) */
    uint32_t cap = r->attrs.n + attrs.n;
    ak_attr *merged = cap ? malloc(sizeof *merged * cap) : NULL;
    if (cap && !merged)
        return AK_ENOMEM;
    uint32_t n = 0;
    const ak_attrs lists[2] = {r->attrs, attrs};
    for (int l = 0; l < 2; l++) {
        for (uint32_t i = 0; i < lists[l].n; i++) {
            uint32_t j = 0;
            while (j < n && merged[j].key != lists[l].v[i].key)
                j++;
            merged[j] = lists[l].v[i];
            if (j == n)
                n++;
        }
    }
    int rc = set_attrs(a, r, merged, n);
    free(merged);
    return rc;
}

int ak_audit_delete(ak_audit *a, ak_addr owner, ak_addr auditor, const ak_str *keys,
                    uint32_t nkeys, ak_str *missing)
{
    ak_audit_record *r = find(a, owner, auditor);
    if (!r || !r->present)
        return AK_EPROVIDER_NOT_FOUND;
    if (nkeys == 0) {
        AK_TOUCH(a->store, &r->present);
        r->present = false;
        return set_attrs(a, r, NULL, 0);
    }
    /* upstream rebuilds the record as a key -> value map: duplicates a first signing kept
     * collapse to the last value */
    ak_attr *left = malloc(sizeof *left * r->attrs.n);
    if (!left)
        return AK_ENOMEM;
    uint32_t n = 0;
    for (uint32_t i = 0; i < r->attrs.n; i++) {
        uint32_t j = 0;
        while (j < n && left[j].key != r->attrs.v[i].key)
            j++;
        left[j] = r->attrs.v[i];
        if (j == n)
            n++;
    }
    for (uint32_t k = 0; k < nkeys; k++) {
        uint32_t j = 0;
        while (j < n && left[j].key != keys[k])
            j++;
        if (j == n) { /* absent, or listed twice */
            free(left);
            *missing = keys[k];
            return AK_EATTRIBUTE_NOT_FOUND;
        }
        memmove(&left[j], &left[j + 1], sizeof *left * (n - j - 1));
        n--;
    }
    int rc;
    if (n == 0) {
        AK_TOUCH(a->store, &r->present);
        r->present = false;
        rc = set_attrs(a, r, NULL, 0);
    } else {
        rc = set_attrs(a, r, left, n);
    }
    free(left);
    return rc;
}

int ak_audit_check(const ak_audit *a, char *err, size_t cap)
{
    for (uint32_t h = 0; h < a->pool.len; h++) {
        const ak_audit_record *r = ak_pool_at(&a->pool, h);
        for (uint32_t i = 1; i < r->attrs.n; i++) {
            if (strcmp(ak_strtab_get(a->strs, r->attrs.v[i - 1].key),
                       ak_strtab_get(a->strs, r->attrs.v[i].key)) > 0) {
                snprintf(err, cap, "audit: attributes of %s by %s are not sorted by key",
                         ak_strtab_get(a->strs, r->owner), ak_strtab_get(a->strs, r->auditor));
                return AK_EINVARIANT;
            }
        }
        bool found = false;
        uint32_t head = ak_map_get(&a->owner_heads, ak_key2(r->owner, 0));
        for (uint32_t k = head; k != AK_POOL_NONE && !found;
             k = ((const ak_audit_record *)ak_pool_at(&a->pool, k))->next)
            found = k == h;
        if (!found) {
            snprintf(err, cap, "audit: the record of %s by %s is not in its owner's list",
                     ak_strtab_get(a->strs, r->owner), ak_strtab_get(a->strs, r->auditor));
            return AK_EINVARIANT;
        }
    }
    return 0;
}
