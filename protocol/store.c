/*
 * protocol/store.c: pools, maps, arena, string table and the undo journal (see store.h).
 */
#include "store.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "errors.h"

/* ---- journal ---- */

enum { REC_BYTES = 1, REC_POOL_ADD = 2, REC_MAP_PUT = 3 };

/* A record is [payload, padded to 8][footer]; rollback walks footers from the end. */
typedef struct rec_footer {
    void *ptr;      /* REC_BYTES: where the bytes go back; REC_POOL_ADD: pool; REC_MAP_PUT: map */
    uint64_t aux_a; /* REC_POOL_ADD: old len; REC_MAP_PUT: key.a */
    uint64_t aux_b; /* REC_MAP_PUT: key.b */
    uint32_t n;     /* payload bytes (REC_BYTES) */
    uint32_t kind;
} rec_footer;

static size_t pad8(size_t n)
{
    return (n + 7u) & ~(size_t)7u;
}

static unsigned char *journal_reserve(ak_store *st, size_t n)
{
    if (st->len + n > st->cap) {
        size_t cap = st->cap ? st->cap : 4096;
        while (cap < st->len + n)
            cap *= 2;
        unsigned char *nb = realloc(st->buf, cap);
        if (!nb) {
            st->fault = AK_ENOMEM;
            return NULL;
        }
        st->buf = nb;
        st->cap = cap;
    }
    unsigned char *p = st->buf + st->len;
    st->len += n;
    return p;
}

static void journal_record(ak_store *st, uint32_t kind, void *ptr, const void *bytes, uint32_t n,
                           uint64_t a, uint64_t b)
{
    size_t pn = pad8(n);
    unsigned char *p = journal_reserve(st, pn + sizeof(rec_footer));
    if (!p)
        return;
    if (n)
        memcpy(p, bytes, n);
    rec_footer f = {ptr, a, b, n, kind};
    memcpy(p + pn, &f, sizeof f);
}

void ak_store_init(ak_store *st)
{
    memset(st, 0, sizeof *st);
}

void ak_store_fini(ak_store *st)
{
    if (!st)
        return;
    free(st->buf);
    memset(st, 0, sizeof *st);
}

void ak_store_begin(ak_store *st)
{
    st->len = 0;
    st->active = true;
}

void ak_store_commit(ak_store *st)
{
    st->len = 0;
    st->active = false;
}

void ak_store_rollback(ak_store *st)
{
    while (st->len >= sizeof(rec_footer)) {
        rec_footer f;
        memcpy(&f, st->buf + st->len - sizeof f, sizeof f);
        size_t pn = pad8(f.n);
        unsigned char *payload = st->buf + st->len - sizeof f - pn;
        switch (f.kind) {
        case REC_BYTES:
            memcpy(f.ptr, payload, f.n);
            break;
        case REC_POOL_ADD:
            ((ak_pool *)f.ptr)->len = (uint32_t)f.aux_a;
            break;
        case REC_MAP_PUT:
            ak_map_del((ak_map *)f.ptr, ak_key2(f.aux_a, f.aux_b));
            break;
        }
        st->len -= sizeof f + pn;
    }
    st->len = 0;
    st->active = false;
}

void ak_store_touch(ak_store *st, void *p, size_t n)
{
    if (!st->active || n == 0)
        return;
    journal_record(st, REC_BYTES, p, p, (uint32_t)n, 0, 0);
}

/* ---- large blocks ---- */

#define HUGE_PAGE ((size_t)2 << 20)

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define BIG_VIA_MMAP 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) ||                       \
    __has_feature(memory_sanitizer)
#define BIG_VIA_MMAP 0
#endif
#endif
#ifndef BIG_VIA_MMAP
#define BIG_VIA_MMAP 1
#endif

static bool big_mapped(size_t n)
{
    return BIG_VIA_MMAP && n >= HUGE_PAGE && n <= SIZE_MAX / 2;
}

void *ak_big_alloc(size_t n)
{
    if (!big_mapped(n))
        return calloc(1, n ? n : 1);
    size_t len = (n + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1), span = len + HUGE_PAGE;
    void *m = mmap(NULL, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED)
        return NULL;
    /* keep the 2 MiB-aligned middle; anonymous pages are zero */
    uintptr_t base = (uintptr_t)m, a = (base + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1);
    if (a > base)
        munmap(m, a - base);
    if (base + span > a + len)
        munmap((void *)(a + len), base + span - (a + len));
#ifdef MADV_HUGEPAGE
    madvise((void *)a, len, MADV_HUGEPAGE); /* a hint: if refused, 4 KiB pages serve */
#endif
    return (void *)a;
}

void ak_big_free(void *p, size_t n)
{
    if (!p)
        return;
    if (big_mapped(n))
        munmap(p, (n + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1));
    else
        free(p);
}

/* ---- pools ---- */

/* The first chunks of a pool are malloc'd (most pools stay small); later ones are carved from
 * blocks of at least 2 MiB that grow with the pool. */
#define AK_POOL_SMALL_CHUNKS 2u
#define SLAB_HEAD 64u /* link to the previous block and its size; keeps chunks 64-aligned */
#define SLAB_MAX ((size_t)64 << 20)

static char *pool_new_chunk(ak_pool *pool)
{
    size_t cb = pool->elem_size << AK_POOL_CHUNK_SHIFT;
    if (pool->nchunks < AK_POOL_SMALL_CHUNKS)
        return malloc(cb);
    if (!pool->slab || pool->slab_size - pool->slab_used < cb) {
        size_t want = cb * pool->nchunks; /* about doubles the pool */
        if (want > SLAB_MAX)
            want = SLAB_MAX;
        if (want < HUGE_PAGE)
            want = HUGE_PAGE;
        if (want < cb + SLAB_HEAD)
            want = cb + SLAB_HEAD;
        char *s = ak_big_alloc(want);
        if (!s)
            return NULL;
        memcpy(s, &pool->slab, sizeof pool->slab);
        memcpy(s + sizeof pool->slab, &pool->slab_size, sizeof pool->slab_size);
        pool->slab = s;
        pool->slab_size = want;
        pool->slab_used = SLAB_HEAD;
    }
    char *c = pool->slab + pool->slab_used;
    pool->slab_used += cb;
    return c;
}

void ak_pool_init(ak_pool *pool, ak_store *store, size_t elem_size)
{
    memset(pool, 0, sizeof *pool);
    pool->elem_size = elem_size;
    pool->store = store;
}

void ak_pool_fini(ak_pool *pool)
{
    if (!pool)
        return;
    for (uint32_t i = 0; i < pool->nchunks && i < AK_POOL_SMALL_CHUNKS; i++)
        free(pool->chunks[i]);
    while (pool->slab) {
        char *prev;
        size_t size = pool->slab_size;
        memcpy(&prev, pool->slab, sizeof prev);
        memcpy(&pool->slab_size, pool->slab + sizeof prev, sizeof pool->slab_size);
        ak_big_free(pool->slab, size);
        pool->slab = prev;
    }
    pool->slab_used = pool->slab_size = 0;
    free(pool->chunks);
    pool->chunks = NULL;
    pool->nchunks = pool->cap_chunks = pool->len = 0;
}

int ak_pool_add(ak_pool *pool, uint32_t *handle, void **obj)
{
    if (pool->len == AK_POOL_NONE)
        return AK_ENOMEM; /* handle space exhausted */
    uint32_t chunk = pool->len >> AK_POOL_CHUNK_SHIFT;
    if (chunk >= pool->nchunks) {
        if (pool->nchunks == pool->cap_chunks) {
            uint32_t nc = pool->cap_chunks ? pool->cap_chunks * 2 : 8;
            char **n = realloc(pool->chunks, nc * sizeof *n);
            if (!n)
                return AK_ENOMEM;
            pool->chunks = n;
            pool->cap_chunks = nc;
        }
        char *c = pool_new_chunk(pool);
        if (!c)
            return AK_ENOMEM;
        pool->chunks[pool->nchunks++] = c;
    }
    if (pool->store && pool->store->active)
        journal_record(pool->store, REC_POOL_ADD, pool, NULL, 0, pool->len, 0);
    uint32_t h = pool->len++;
    void *p = ak_pool_at(pool, h);
    memset(p, 0, pool->elem_size);
    *handle = h;
    *obj = p;
    return 0;
}

/* ---- maps ---- */

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    x ^= x >> 31;
    return x;
}

/* One multiply-xorshift round over both words; the high half mixes every input bit, and the
 * table index takes its low bits from there. */
static uint32_t key_hash(ak_key k)
{
    uint64_t h = (k.a ^ (k.b * 0x9e3779b97f4a7c15ull)) * 0xbf58476d1ce4e5b9ull;
    return (uint32_t)(h >> 32) ^ (uint32_t)(h >> 13);
}

void ak_map_init(ak_map *map, ak_store *store)
{
    memset(map, 0, sizeof *map);
    map->store = store;
}

void ak_map_fini(ak_map *map)
{
    if (!map)
        return;
    ak_big_free(map->slots, (size_t)map->cap * sizeof *map->slots);
    map->slots = NULL;
    map->cap = map->len = 0;
}

uint32_t ak_map_get(const ak_map *map, ak_key key)
{
    if (!map->cap)
        return AK_POOL_NONE;
    uint32_t mask = map->cap - 1, i = key_hash(key) & mask;
    for (;;) {
        const ak_map_slot *s = &map->slots[i];
        if (!s->used)
            return AK_POOL_NONE;
        if (s->key.a == key.a && s->key.b == key.b)
            return s->val;
        i = (i + 1) & mask;
    }
}

static void slot_insert(ak_map_slot *slots, uint32_t cap, ak_key key, uint32_t val)
{
    uint32_t mask = cap - 1, i = key_hash(key) & mask;
    while (slots[i].used)
        i = (i + 1) & mask;
    slots[i].key = key;
    slots[i].val = val;
    slots[i].used = 1;
}

int ak_map_put(ak_map *map, ak_key key, uint32_t val)
{
    if ((uint64_t)(map->len + 1) * 4 > (uint64_t)map->cap * 3) { /* load factor 3/4 */
        uint32_t nc = map->cap ? map->cap * 2 : 64;
        if (nc == 0)
            return AK_ENOMEM;
        ak_map_slot *ns = ak_big_alloc((size_t)nc * sizeof *ns);
        if (!ns)
            return AK_ENOMEM;
        for (uint32_t i = 0; i < map->cap; i++)
            if (map->slots[i].used)
                slot_insert(ns, nc, map->slots[i].key, map->slots[i].val);
        ak_big_free(map->slots, (size_t)map->cap * sizeof *ns);
        map->slots = ns;
        map->cap = nc;
    }
    if (map->store && map->store->active)
        journal_record(map->store, REC_MAP_PUT, map, NULL, 0, key.a, key.b);
    slot_insert(map->slots, map->cap, key, val);
    map->len++;
    return 0;
}

void ak_map_del(ak_map *map, ak_key key)
{
    if (!map->cap)
        return;
    uint32_t mask = map->cap - 1, i = key_hash(key) & mask;
    for (;;) {
        if (!map->slots[i].used)
            return;
        if (map->slots[i].key.a == key.a && map->slots[i].key.b == key.b)
            break;
        i = (i + 1) & mask;
    }
    /* backward-shift deletion keeps probe chains intact without tombstones */
    uint32_t j = i;
    for (;;) {
        map->slots[i].used = 0;
        for (;;) {
            j = (j + 1) & mask;
            if (!map->slots[j].used) {
                map->len--;
                return;
            }
            uint32_t k = key_hash(map->slots[j].key) & mask;
            /* move j back to i unless its home k lies cyclically in (i, j] */
            if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
                continue;
            break;
        }
        map->slots[i] = map->slots[j];
        i = j;
    }
}

/* ---- arena ---- */

struct ak_arena_chunk {
    ak_arena_chunk *prev;
    size_t used, cap;
    _Alignas(16) unsigned char data[];
};

void ak_arena_init(ak_arena *arena)
{
    arena->head = NULL;
}

void ak_arena_fini(ak_arena *arena)
{
    if (!arena)
        return;
    ak_arena_chunk *c = arena->head;
    while (c) {
        ak_arena_chunk *p = c->prev;
        free(c);
        c = p;
    }
    arena->head = NULL;
}

void *ak_arena_alloc(ak_arena *arena, size_t n)
{
    n = (n + 15u) & ~(size_t)15u;
    if (n == 0)
        n = 16;
    ak_arena_chunk *c = arena->head;
    if (!c || c->cap - c->used < n) {
        size_t cap = 64 * 1024;
        if (cap < n)
            cap = n;
        ak_arena_chunk *nc = malloc(sizeof *nc + cap);
        if (!nc)
            return NULL;
        nc->prev = c;
        nc->used = 0;
        nc->cap = cap;
        arena->head = c = nc;
    }
    void *p = c->data + c->used;
    c->used += n;
    memset(p, 0, n);
    return p;
}

/* ---- string table ---- */

uint64_t ak_hash_bytes(const void *p, size_t n)
{
    const unsigned char *s = p;
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= 0x100000001b3ull;
    }
    return mix64(h);
}

int ak_strtab_init(ak_strtab *tab)
{
    memset(tab, 0, sizeof *tab);
    ak_arena_init(&tab->arena);
    ak_map_init(&tab->index, NULL);
    ak_str id;
    return ak_strtab_intern(tab, "", 0, &id);
}

void ak_strtab_fini(ak_strtab *tab)
{
    if (!tab)
        return;
    ak_arena_fini(&tab->arena);
    ak_map_fini(&tab->index);
    free(tab->strs);
    free(tab->lens);
    free(tab->next);
    memset(tab, 0, sizeof *tab);
}

bool ak_strtab_find(const ak_strtab *tab, const char *s, size_t n, ak_str *id)
{
    uint64_t h = ak_hash_bytes(s, n);
    uint32_t i = ak_map_get(&tab->index, ak_key2(h, 0));
    for (; i != AK_POOL_NONE; i = tab->next[i]) {
        if (tab->lens[i] == n && memcmp(tab->strs[i], s, n) == 0) {
            *id = i;
            return true;
        }
    }
    return false;
}

int ak_strtab_intern(ak_strtab *tab, const char *s, size_t n, ak_str *id)
{
    if (ak_strtab_find(tab, s, n, id))
        return 0;
    if (n > UINT32_MAX - 1 || tab->len == UINT32_MAX - 1)
        return AK_ENOMEM;
    if (tab->len == tab->cap) {
        uint32_t nc = tab->cap ? tab->cap * 2 : 256;
        const char **ns = realloc(tab->strs, nc * sizeof *ns);
        if (!ns)
            return AK_ENOMEM;
        tab->strs = ns;
        uint32_t *nl = realloc(tab->lens, nc * sizeof *nl);
        if (!nl)
            return AK_ENOMEM;
        tab->lens = nl;
        uint32_t *nn = realloc(tab->next, nc * sizeof *nn);
        if (!nn)
            return AK_ENOMEM;
        tab->next = nn;
        tab->cap = nc;
    }
    char *copy = ak_arena_alloc(&tab->arena, n + 1);
    if (!copy)
        return AK_ENOMEM;
    memcpy(copy, s, n);
    copy[n] = '\0';
    uint64_t h = ak_hash_bytes(s, n);
    ak_key k = ak_key2(h, 0);
    uint32_t head = ak_map_get(&tab->index, k);
    uint32_t nid = tab->len;
    if (head == AK_POOL_NONE) {
        if (ak_map_put(&tab->index, k, nid))
            return AK_ENOMEM;
        tab->next[nid] = AK_POOL_NONE;
    } else {
        /* put the new id second in the chain so the map keeps its head */
        tab->next[nid] = tab->next[head];
        tab->next[head] = nid;
    }
    tab->strs[nid] = copy;
    tab->lens[nid] = (uint32_t)n;
    tab->len++;
    *id = nid;
    return 0;
}
