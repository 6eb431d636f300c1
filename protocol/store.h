/*
 * protocol/store.h: the state store under every protocol module.
 *
 * A Cosmos app runs each transaction on a cached branch of its store and writes the branch back
 * only if the transaction succeeds: "a failed message changes nothing" (market-rules.md section
 * 1.3, replay.md "Transactions"). Handlers therefore may fail after they have already changed
 * state (AuthorizeDeposits lowers grant limits and then finds the balance short; PaymentCreate
 * settles the account and then finds it overdrawn). akashsim copies that contract with an undo
 * journal, the way SQLite's rollback journal does:
 *
 *   - every object lives in a pool with stable addresses (chunks that never move), so a pointer
 *     taken during a transaction stays valid;
 *   - before a handler writes an object it calls ak_store_touch(), which saves the bytes;
 *   - ak_store_rollback() restores the saved bytes newest first, drops objects created since
 *     ak_store_begin(), and removes map keys inserted since then; ak_store_commit() forgets.
 *
 * Also here: the hash map from 128-bit keys to handles, the string table (names, denoms,
 * attribute keys and values are interned to dense ids), and a bump arena for variable-size
 * state (group specs, attribute lists).
 *
 * Nothing here does I/O, reads a clock or keeps global state. Allocation failures are reported:
 * functions that can fail return 0 or AK_ENOMEM; ak_store_touch() cannot return a status (it is
 * called on every write), so it records the failure in the store's fault flag, which the app
 * checks after each transaction and then refuses further work (the journal is incomplete).
 */
#ifndef AK_STORE_H
#define AK_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct ak_store ak_store;

/* ---- large blocks ----
 *
 * A run's state is hundreds of MiB (every bid, lease and escrow account stays in state, as on
 * chain), touched at random through hash maps. With 4 KiB pages each first touch is a page fault
 * and most lookups miss the TLB. Blocks of 2 MiB or more therefore come from anonymous mappings
 * aligned to 2 MiB with madvise(MADV_HUGEPAGE), so that the kernel backs them with transparent
 * huge pages where it offers them ("madvise" mode, Debian's default); smaller ones from calloc.
 * Sanitizer builds always use calloc, so AddressSanitizer still checks bounds. */

/* n zeroed bytes, or NULL. Free with ak_big_free and the same n. */
void *ak_big_alloc(size_t n);
void ak_big_free(void *p, size_t n);

/* ---- pools: dense arrays of fixed-size objects with stable addresses ---- */

#define AK_POOL_CHUNK_SHIFT 10u /* 1024 objects per chunk */
#define AK_POOL_NONE UINT32_MAX /* "no object" handle */

typedef struct ak_pool {
    size_t elem_size;
    uint32_t len;     /* objects in use: handles 0 .. len-1 */
    uint32_t nchunks; /* chunks allocated */
    uint32_t cap_chunks;
    char **chunks;
    ak_store *store;  /* journal that records additions */
    /* chunks after the first AK_POOL_SMALL_CHUNKS are carved from large blocks (ak_big_alloc) */
    char *slab;       /* newest block; its first bytes link to the previous one */
    size_t slab_used, slab_size;
} ak_pool;

/* Set up an empty pool of objects of elem_size bytes whose additions the store journals. */
void ak_pool_init(ak_pool *pool, ak_store *store, size_t elem_size);
/* Free every chunk. The pool may be re-initialised afterwards. */
void ak_pool_fini(ak_pool *pool);
/* Append a zeroed object; writes its handle and address. 0 or AK_ENOMEM (then nothing changes).
 * The addition is undone by a rollback. */
int ak_pool_add(ak_pool *pool, uint32_t *handle, void **obj);

/* Address of the object with handle h (h < len). */
static inline void *ak_pool_at(const ak_pool *pool, uint32_t h)
{
    return pool->chunks[h >> AK_POOL_CHUNK_SHIFT] +
           (size_t)(h & ((1u << AK_POOL_CHUNK_SHIFT) - 1u)) * pool->elem_size;
}

/* ---- maps: 128-bit key -> 32-bit handle, open addressing with linear probing ---- */

typedef struct ak_key {
    uint64_t a, b;
} ak_key;

typedef struct ak_map_slot {
    ak_key key;
    uint32_t val;
    uint32_t used;
} ak_map_slot;

typedef struct ak_map {
    ak_map_slot *slots;
    uint32_t cap; /* power of two, or 0 */
    uint32_t len;
    ak_store *store; /* journal that records insertions (NULL: not journaled) */
} ak_map;

void ak_map_init(ak_map *map, ak_store *store);
void ak_map_fini(ak_map *map);
/* Handle stored under key, or AK_POOL_NONE. */
uint32_t ak_map_get(const ak_map *map, ak_key key);
/* Insert a key that is not present. 0 or AK_ENOMEM. Journaled: a rollback removes it. */
int ak_map_put(ak_map *map, ak_key key, uint32_t val);
/* Remove a key if present (not journaled; used by rollback and by non-state indexes). */
void ak_map_del(ak_map *map, ak_key key);

static inline ak_key ak_key2(uint64_t a, uint64_t b)
{
    ak_key k = {a, b};
    return k;
}

/* ---- arena: bump allocation of variable-size state that lives as long as the app ---- */

typedef struct ak_arena_chunk ak_arena_chunk;
typedef struct ak_arena {
    ak_arena_chunk *head;
} ak_arena;

void ak_arena_init(ak_arena *arena);
void ak_arena_fini(ak_arena *arena);
/* n bytes aligned for any object, zeroed; NULL when out of memory. Not journaled: after a
 * rollback the bytes are simply unreachable, which is harmless. */
void *ak_arena_alloc(ak_arena *arena, size_t n);

/* ---- string table: interned strings with dense ids, id 0 is "" ---- */

typedef uint32_t ak_str;

typedef struct ak_strtab {
    ak_arena arena;
    const char **strs; /* id -> string */
    uint32_t *lens;
    uint32_t len, cap;
    ak_map index; /* hash(string) chain heads; not journaled */
    uint32_t *next; /* next id with the same hash */
} ak_strtab;

int ak_strtab_init(ak_strtab *tab);
void ak_strtab_fini(ak_strtab *tab);
/* Id of the n-byte string s (no NUL inside), adding it if new. 0 or AK_ENOMEM. Interning is not
 * state: a rolled-back transaction may leave new names behind, and nothing observes them. */
int ak_strtab_intern(ak_strtab *tab, const char *s, size_t n, ak_str *id);
/* Id of s if already interned; false otherwise. */
bool ak_strtab_find(const ak_strtab *tab, const char *s, size_t n, ak_str *id);
static inline const char *ak_strtab_get(const ak_strtab *tab, ak_str id)
{
    return tab->strs[id];
}
static inline uint32_t ak_strtab_len(const ak_strtab *tab, ak_str id)
{
    return tab->lens[id];
}

/* ---- the store: journal of one transaction ---- */

struct ak_store {
    /* journal records: saved bytes, pool additions, map insertions */
    unsigned char *buf;
    size_t len, cap;
    bool active; /* inside begin .. commit/rollback */
    int fault;   /* sticky: AK_ENOMEM once the journal could not record a write */
};

void ak_store_init(ak_store *store);
void ak_store_fini(ak_store *store);
/* Start recording. Transactions do not nest. */
void ak_store_begin(ak_store *store);
/* Keep every change since begin. */
void ak_store_commit(ak_store *store);
/* Undo every change since begin, newest first. */
void ak_store_rollback(ak_store *store);
/* Save n bytes at p before they are written. A no-op outside a transaction (genesis, block
 * hooks). On allocation failure sets store->fault; the write then cannot be undone. */
void ak_store_touch(ak_store *store, void *p, size_t n);

/* Journal an object before writing it: AK_TOUCH(store, ptr) saves *ptr. */
#define AK_TOUCH(store, ptr) ak_store_touch((store), (ptr), sizeof *(ptr))

/* 64-bit hash of bytes (FNV-1a folded with a multiply; fine for interning and keys). */
uint64_t ak_hash_bytes(const void *p, size_t n);

#endif
