/*
 * protocol/spec.c: group spec validation, price and matching (see spec.h; market-rules.md
 * section 1.6).
 */
#include "spec.h"

#include <stdio.h>
#include <string.h>

#include "errors.h"

#define FAIL(code, ...)                                                                            \
    do {                                                                                           \
        snprintf(why, cap, __VA_ARGS__);                                                           \
        return (code);                                                                             \
    } while (0)

static int check_attrs(const ak_strtab *strs, ak_attrs a, const char *what, char *why, size_t cap)
{
    int rc = ak_attrs_validate_wildcard(strs, a);
    if (rc)
        FAIL(rc, "error: invalid %s attributes: %s", what, ak_err_message(rc));
    return 0;
}

/* ResourceUnits.Validate: each unit, duplicate ids, then the group totals. */
static int validate_units(const ak_strtab *strs, const ak_group_spec *g, char *why, size_t cap)
{
    unsigned __int128 cpu = 0, gpu = 0, mem = 0;
    for (uint32_t i = 0; i < g->nunits; i++) {
        const ak_resource_unit *u = &g->units[i];
        int rc;
        if (u->id == 0)
            FAIL(AK_EGROUP_SPEC_INVALID, "error: invalid resources ID (> 0 fails)");
        /* the node's messages print the maximum twice (sic) */
        if (u->cpu_millis < AK_SPEC_CPU_MIN || u->cpu_millis > AK_SPEC_CPU_MAX)
            FAIL(AK_EGROUP_SPEC_INVALID, "error: invalid unit CPU (%llu > %llu > %llu fails)",
                 AK_SPEC_CPU_MAX, (unsigned long long)u->cpu_millis, AK_SPEC_CPU_MAX);
        if ((rc = check_attrs(strs, u->cpu_attrs, "CPU", why, cap)))
            return rc;
        if (u->gpu_units > AK_SPEC_GPU_MAX)
            FAIL(AK_EGROUP_SPEC_INVALID, "error: invalid unit GPU (%llu > %llu > %llu fails)",
                 AK_SPEC_GPU_MAX, (unsigned long long)u->gpu_units, AK_SPEC_GPU_MAX);
        if (u->gpu_units == 0 && u->gpu_attrs.n > 0)
            FAIL(AK_EGROUP_SPEC_INVALID,
                 "error: invalid GPU state. attributes cannot be present if units == 0");
        if ((rc = check_attrs(strs, u->gpu_attrs, "GPU", why, cap)))
            return rc;
        if (u->memory_bytes < AK_SPEC_MEM_MIN || u->memory_bytes > AK_SPEC_MEM_MAX)
            FAIL(AK_EGROUP_SPEC_INVALID, "error: invalid unit memory (%llu > %llu > %llu fails)",
                 AK_SPEC_MEM_MAX, (unsigned long long)u->memory_bytes, AK_SPEC_MEM_MAX);
        if ((rc = check_attrs(strs, u->memory_attrs, "Memory", why, cap)))
            return rc;
        if (u->nstorage == 0)
            FAIL(AK_EGROUP_SPEC_INVALID, "error: invalid unit storage, cannot be nil");
        for (uint32_t s = 0; s < u->nstorage; s++) {
            uint64_t b = u->storage[s].bytes;
            if (b < AK_SPEC_STORAGE_MIN || b > AK_SPEC_STORAGE_MAX)
                FAIL(AK_EGROUP_SPEC_INVALID,
                     "error: invalid unit storage (%llu > %llu > %llu fails)",
                     AK_SPEC_STORAGE_MAX, (unsigned long long)b, AK_SPEC_STORAGE_MIN);
            if ((rc = check_attrs(strs, u->storage[s].attrs, "Storage", why, cap)))
                return rc;
        }
        for (uint32_t j = 0; j < i; j++)
            if (g->units[j].id == u->id)
                FAIL(AK_EGROUP_SPEC_INVALID, "duplicate resources ID (%u) within group", u->id);
        cpu += (unsigned __int128)u->cpu_millis * u->count;
        gpu += (unsigned __int128)u->gpu_units * u->count;
        mem += (unsigned __int128)u->memory_bytes * u->count;
    }
    if (cpu == 0 || cpu > AK_SPEC_CPU_MAX * AK_SPEC_GROUP_FACTOR)
        FAIL(AK_EGROUP_SPEC_INVALID, "invalid total CPU (%llu > %llu > 0 fails)",
             AK_SPEC_CPU_MAX * AK_SPEC_GROUP_FACTOR,
             (unsigned long long)(cpu > UINT64_MAX ? UINT64_MAX : cpu));
    if (gpu > AK_SPEC_GPU_MAX * AK_SPEC_GROUP_FACTOR)
        FAIL(AK_EGROUP_SPEC_INVALID, "invalid total GPU (%llu > %llu > 0 fails)",
             AK_SPEC_GPU_MAX * AK_SPEC_GROUP_FACTOR,
             (unsigned long long)(gpu > UINT64_MAX ? UINT64_MAX : gpu));
    if (mem == 0 || mem > AK_SPEC_MEM_MAX * AK_SPEC_GROUP_FACTOR)
        FAIL(AK_EGROUP_SPEC_INVALID, "invalid total memory (%llu > %llu > 0 fails)",
             AK_SPEC_MEM_MAX * AK_SPEC_GROUP_FACTOR,
             (unsigned long long)(mem > UINT64_MAX ? UINT64_MAX : mem));
    return 0;
}

/* validatePricing: each unit's price valid and at most 10,000,000; one denom. */
static int validate_pricing(const ak_strtab *strs, const ak_group_spec *g, char *why, size_t cap)
{
    const char *name = ak_strtab_get(strs, g->name);
    for (uint32_t i = 0; i < g->nunits; i++) {
        const ak_deccoin *p = &g->units[i].price;
        if (!ak_denom_valid(ak_strtab_get(strs, p->denom)) || ak_dec_is_negative(p->amount))
            FAIL(AK_EGROUP_SPEC_INVALID, "group %s: error: invalid price object", name);
        if (ak_dec_cmp(p->amount, ak_dec_from_int(AK_SPEC_PRICE_MAX)) > 0) {
            char amt[AK_DEC_STRLEN];
            ak_dec_format(p->amount, amt, sizeof amt);
            FAIL(AK_EGROUP_SPEC_INVALID, "group %s: error: invalid unit price (%d > %s%s fails)",
                 name, AK_SPEC_PRICE_MAX, amt, ak_strtab_get(strs, p->denom));
        }
        if (p->denom != g->units[0].price.denom)
            FAIL(AK_EGROUP_SPEC_INVALID, "multi-denonimation group: (%s == %s fails)",
                 ak_strtab_get(strs, p->denom), ak_strtab_get(strs, g->units[0].price.denom));
    }
    return 0;
}

int ak_spec_validate(const ak_strtab *strs, const ak_group_spec *g, char *why, size_t cap)
{
    if (g->name == 0)
        FAIL(AK_EGROUP_SPEC_INVALID, "empty group spec name denomination");
    int rc = validate_units(strs, g, why, cap);
    if (rc)
        return rc;
    rc = validate_pricing(strs, g, why, cap);
    if (rc)
        return rc;
    ak_deccoin price;
    if (ak_spec_price(g, &price))
        FAIL(AK_EGROUP_SPEC_INVALID, "group %s: total price out of range",
             ak_strtab_get(strs, g->name));
    return 0;
}

int ak_spec_price(const ak_group_spec *g, ak_deccoin *out)
{
    ak_deccoin total = {0, ak_dec_zero()};
    if (g->nunits)
        total.denom = g->units[0].price.denom;
    for (uint32_t i = 0; i < g->nunits; i++) {
        ak_dec full;
        if (ak_dec_mul_int(g->units[i].price.amount, (int64_t)g->units[i].count, &full) ||
            ak_dec_add(total.amount, full, &total.amount))
            return AK_EOVERFLOW;
    }
    *out = total;
    return 0;
}

/* ---- deep copy ---- */

static int copy_attrs(ak_arena *arena, ak_attrs in, ak_attrs *out)
{
    return ak_attrs_copy(arena, in, out);
}

int ak_spec_copy(ak_arena *arena, const ak_group_spec *in, ak_group_spec *out)
{
    *out = *in;
    if (copy_attrs(arena, in->req_attrs, &out->req_attrs))
        return AK_ENOMEM;
    if (in->n_all_of) {
        ak_addr *v = ak_arena_alloc(arena, sizeof *v * in->n_all_of);
        if (!v)
            return AK_ENOMEM;
        memcpy(v, in->all_of, sizeof *v * in->n_all_of);
        out->all_of = v;
    }
    if (in->n_any_of) {
        ak_addr *v = ak_arena_alloc(arena, sizeof *v * in->n_any_of);
        if (!v)
            return AK_ENOMEM;
        memcpy(v, in->any_of, sizeof *v * in->n_any_of);
        out->any_of = v;
    }
    if (in->nunits) {
        ak_resource_unit *u = ak_arena_alloc(arena, sizeof *u * in->nunits);
        if (!u)
            return AK_ENOMEM;
        memcpy(u, in->units, sizeof *u * in->nunits);
        for (uint32_t i = 0; i < in->nunits; i++) {
            if (copy_attrs(arena, in->units[i].cpu_attrs, &u[i].cpu_attrs) ||
                copy_attrs(arena, in->units[i].memory_attrs, &u[i].memory_attrs) ||
                copy_attrs(arena, in->units[i].gpu_attrs, &u[i].gpu_attrs))
                return AK_ENOMEM;
            if (in->units[i].nstorage) {
                ak_storage_volume *s = ak_arena_alloc(arena, sizeof *s * in->units[i].nstorage);
                if (!s)
                    return AK_ENOMEM;
                memcpy(s, in->units[i].storage, sizeof *s * in->units[i].nstorage);
                for (uint32_t k = 0; k < in->units[i].nstorage; k++)
                    if (copy_attrs(arena, in->units[i].storage[k].attrs, &s[k].attrs))
                        return AK_ENOMEM;
                u[i].storage = s;
            }
            if (in->units[i].nendpoints) {
                ak_endpoint *e = ak_arena_alloc(arena, sizeof *e * in->units[i].nendpoints);
                if (!e)
                    return AK_ENOMEM;
                memcpy(e, in->units[i].endpoints, sizeof *e * in->units[i].nendpoints);
                u[i].endpoints = e;
            }
        }
        out->units = u;
    }
    return 0;
}

/* ---- matching ---- */

bool ak_spec_match_offer(const ak_group_spec *g, const ak_resource_offer *offer, uint32_t n)
{
    if (n == 0)
        return true;
    /* each unit may be named once; a repeated id panics upstream (docs/deviations.md) */
    for (uint32_t i = 0; i < n; i++) {
        uint32_t u = 0;
        while (u < g->nunits && g->units[u].id != offer[i].id)
            u++;
        if (u == g->nunits)
            return false;
        for (uint32_t j = 0; j < i; j++)
            if (offer[j].id == offer[i].id)
                return false;
        if (g->units[u].count != offer[i].count)
            return false;
    }
    return true;
}

bool ak_spec_match_requirements(const ak_strtab *strs, const ak_group_spec *g,
                                const ak_provider *p, const ak_audit *audit)
{
    if (g->n_all_of == 0 && g->n_any_of == 0)
        return ak_attrs_subset(strs, g->req_attrs, p->attrs);
    if (!ak_audit_first(audit, p->owner))
        return false; /* no auditor record at all */
    for (uint32_t i = 0; i < g->n_all_of; i++) {
        const ak_audit_record *r = ak_audit_get(audit, p->owner, g->all_of[i]);
        if (!r || !ak_attrs_subset(strs, g->req_attrs, r->attrs))
            return false;
    }
    if (g->n_any_of == 0)
        return true;
    for (uint32_t i = 0; i < g->n_any_of; i++) {
        const ak_audit_record *r = ak_audit_get(audit, p->owner, g->any_of[i]);
        if (r && ak_attrs_subset(strs, g->req_attrs, r->attrs))
            return true;
    }
    return false;
}

#define CAP_PREFIX "capabilities/"

/* For a key "capabilities/storage<a>/<b>/<c>" with exactly two '/' after the prefix:
 * the group token "<b>/" and the name "<c>". */
static bool storage_parts(const char *key, const char **tok, size_t *toklen, const char **name)
{
    if (strncmp(key, CAP_PREFIX "storage", sizeof CAP_PREFIX "storage" - 1) != 0)
        return false;
    const char *rest = key + sizeof CAP_PREFIX - 1;
    const char *s1 = strchr(rest, '/');
    if (!s1)
        return false;
    const char *s2 = strchr(s1 + 1, '/');
    if (!s2 || strchr(s2 + 1, '/'))
        return false;
    *tok = s1 + 1;
    *toklen = (size_t)(s2 - s1); /* token includes its trailing '/' */
    *name = s2 + 1;
    return true;
}

/* Is every volume attribute matched within the provider's storage group tok? */
static bool storage_group_covers(const ak_strtab *strs, ak_attrs vol, const ak_provider *p,
                                 const char *tok, size_t toklen)
{
    for (uint32_t i = 0; i < vol.n; i++) {
        const char *pat = ak_strtab_get(strs, vol.v[i].key);
        bool found = false;
        for (uint32_t j = 0; j < p->attrs.n && !found; j++) {
            const char *t, *name;
            size_t tl;
            if (!storage_parts(ak_strtab_get(strs, p->attrs.v[j].key), &t, &tl, &name))
                continue;
            if (tl != toklen || memcmp(t, tok, tl) != 0)
                continue;
            found = p->attrs.v[j].value == vol.v[i].value && ak_glob_match(pat, name);
        }
        if (!found)
            return false;
    }
    return true;
}

static bool volume_matches(const ak_strtab *strs, ak_attrs vol, const ak_provider *p)
{
    for (uint32_t j = 0; j < p->attrs.n; j++) {
        const char *t, *name;
        size_t tl;
        if (!storage_parts(ak_strtab_get(strs, p->attrs.v[j].key), &t, &tl, &name))
            continue;
        /* try each distinct group once: skip a token already tried */
        bool seen = false;
        for (uint32_t k = 0; k < j && !seen; k++) {
            const char *t2, *n2;
            size_t tl2;
            seen = storage_parts(ak_strtab_get(strs, p->attrs.v[k].key), &t2, &tl2, &n2) &&
                   tl2 == tl && memcmp(t2, t, tl) == 0;
        }
        if (!seen && storage_group_covers(strs, vol, p, t, tl))
            return true;
    }
    return false;
}

/* "capabilities/gpu/a/b..." with at least three '/'-separated tokens after the prefix, minus
 * the first token: "a/b...". */
static const char *gpu_key(const char *key)
{
    if (strncmp(key, CAP_PREFIX "gpu", sizeof CAP_PREFIX "gpu" - 1) != 0)
        return NULL;
    const char *rest = key + sizeof CAP_PREFIX - 1;
    const char *s1 = strchr(rest, '/');
    if (!s1 || !strchr(s1 + 1, '/'))
        return NULL;
    return s1 + 1;
}

bool ak_spec_match_capabilities(const ak_strtab *strs, const ak_group_spec *g,
                                const ak_provider *p)
{
    for (uint32_t i = 0; i < g->nunits; i++) {
        const ak_resource_unit *u = &g->units[i];
        for (uint32_t s = 0; s < u->nstorage; s++)
            if (u->storage[s].attrs.n > 0 && !volume_matches(strs, u->storage[s].attrs, p))
                return false;
        if (u->gpu_units > 0 && u->gpu_attrs.n > 0) {
            bool any = false;
            for (uint32_t a = 0; a < u->gpu_attrs.n && !any; a++) {
                const char *pat = ak_strtab_get(strs, u->gpu_attrs.v[a].key);
                for (uint32_t j = 0; j < p->attrs.n && !any; j++) {
                    const char *k = gpu_key(ak_strtab_get(strs, p->attrs.v[j].key));
                    any = k && p->attrs.v[j].value == u->gpu_attrs.v[a].value &&
                          ak_glob_match(pat, k);
                }
            }
            if (!any)
                return false;
        }
    }
    return true;
}
