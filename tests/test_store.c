/*
 * tests/test_store.c: pools, maps, string table and the undo journal (protocol/store.h).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_run.h"
#include "errors.h"
#include "store.h"

typedef struct thing {
    int64_t a;
    int64_t b;
} thing;

START_TEST(pool_addresses_are_stable_across_growth)
{
    ak_store st;
    ak_store_init(&st);
    ak_pool pool;
    ak_pool_init(&pool, &st, sizeof(thing));
    uint32_t h0;
    void *p0;
    ck_assert_int_eq(ak_pool_add(&pool, &h0, &p0), 0);
    ((thing *)p0)->a = 42;
    for (int i = 0; i < 5000; i++) {
        uint32_t h;
        void *p;
        ck_assert_int_eq(ak_pool_add(&pool, &h, &p), 0);
        ck_assert_uint_eq(h, (uint32_t)i + 1);
        ((thing *)p)->a = i;
    }
    ck_assert_ptr_eq(ak_pool_at(&pool, h0), p0);
    ck_assert_int_eq(((thing *)p0)->a, 42);
    ck_assert_int_eq(((thing *)ak_pool_at(&pool, 4001))->a, 4000);
    ak_pool_fini(&pool);
    ak_store_fini(&st);
}
END_TEST

/* Past its first chunks a pool carves chunks from large blocks (2 MiB and more, growing with
 * the pool): objects of 1000 bytes x 40,000 span several blocks; every object starts zeroed,
 * keeps its address and its bytes, and fini frees every block (ASan and valgrind check). */
START_TEST(pool_spans_large_blocks)
{
    ak_store st;
    ak_store_init(&st);
    ak_pool pool;
    ak_pool_init(&pool, &st, 1000);
    enum { N = 40000 };
    unsigned char **at = malloc(N * sizeof *at);
    ck_assert_ptr_nonnull(at);
    for (uint32_t i = 0; i < N; i++) {
        uint32_t h;
        void *p;
        ck_assert_int_eq(ak_pool_add(&pool, &h, &p), 0);
        ck_assert_uint_eq(h, i);
        at[i] = p;
        unsigned char *b = p;
        ck_assert(b[0] == 0 && b[999] == 0 && b[500] == 0);
        memset(b, (int)(i % 251) + 1, 1000);
    }
    for (uint32_t i = 0; i < N; i++) {
        unsigned char *b = ak_pool_at(&pool, i);
        ck_assert_ptr_eq(b, at[i]);
        ck_assert(b[0] == (unsigned char)(i % 251 + 1) && b[999] == (unsigned char)(i % 251 + 1));
    }
    free(at);
    ak_pool_fini(&pool);
    ck_assert_uint_eq(pool.len, 0);
    ak_store_fini(&st);
    /* a large block on its own: zeroed, writable end to end */
    size_t n = ((size_t)5 << 20) + 123;
    unsigned char *big = ak_big_alloc(n);
    ck_assert_ptr_nonnull(big);
    ck_assert(big[0] == 0 && big[n / 2] == 0 && big[n - 1] == 0);
    memset(big, 7, n);
    ak_big_free(big, n);
    unsigned char *small = ak_big_alloc(100);
    ck_assert_ptr_nonnull(small);
    ck_assert(small[99] == 0);
    ak_big_free(small, 100);
    ak_big_free(NULL, n);
}
END_TEST

START_TEST(map_put_get_delete_many)
{
    ak_map m;
    ak_map_init(&m, NULL);
    const uint32_t n = 20000;
    for (uint32_t i = 0; i < n; i++)
        ck_assert_int_eq(ak_map_put(&m, ak_key2(i * 7919ull, i % 13), i), 0);
    for (uint32_t i = 0; i < n; i++)
        ck_assert_uint_eq(ak_map_get(&m, ak_key2(i * 7919ull, i % 13)), i);
    ck_assert_uint_eq(ak_map_get(&m, ak_key2(1, 99)), AK_POOL_NONE);
    /* delete every third key; the others must survive the backward shifts */
    for (uint32_t i = 0; i < n; i += 3)
        ak_map_del(&m, ak_key2(i * 7919ull, i % 13));
    for (uint32_t i = 0; i < n; i++) {
        uint32_t want = i % 3 == 0 ? AK_POOL_NONE : i;
        ck_assert_uint_eq(ak_map_get(&m, ak_key2(i * 7919ull, i % 13)), want);
    }
    ck_assert_uint_eq(m.len, n - (n + 2) / 3);
    ak_map_fini(&m);
}
END_TEST

START_TEST(rollback_restores_bytes_pools_and_maps)
{
    ak_store st;
    ak_store_init(&st);
    ak_pool pool;
    ak_pool_init(&pool, &st, sizeof(thing));
    ak_map map;
    ak_map_init(&map, &st);
    uint32_t h;
    void *p;
    ck_assert_int_eq(ak_pool_add(&pool, &h, &p), 0);
    thing *t = p;
    t->a = 1;
    t->b = 2;
    ck_assert_int_eq(ak_map_put(&map, ak_key2(5, 5), h), 0);

    ak_store_begin(&st);
    AK_TOUCH(&st, &t->a);
    t->a = 100;
    AK_TOUCH(&st, t);
    t->b = 200;
    AK_TOUCH(&st, &t->a); /* touched twice: the oldest copy wins */
    t->a = 300;
    uint32_t h2;
    void *p2;
    ck_assert_int_eq(ak_pool_add(&pool, &h2, &p2), 0);
    ck_assert_int_eq(ak_map_put(&map, ak_key2(6, 6), h2), 0);
    ck_assert_uint_eq(pool.len, 2);
    ak_store_rollback(&st);

    ck_assert_int_eq(t->a, 1);
    ck_assert_int_eq(t->b, 2);
    ck_assert_uint_eq(pool.len, 1);
    ck_assert_uint_eq(ak_map_get(&map, ak_key2(6, 6)), AK_POOL_NONE);
    ck_assert_uint_eq(ak_map_get(&map, ak_key2(5, 5)), h);

    ak_store_begin(&st);
    AK_TOUCH(&st, &t->a);
    t->a = 7;
    ak_store_commit(&st);
    ck_assert_int_eq(t->a, 7);
    ak_store_rollback(&st); /* nothing recorded any more */
    ck_assert_int_eq(t->a, 7);

    ak_map_fini(&map);
    ak_pool_fini(&pool);
    ak_store_fini(&st);
}
END_TEST

START_TEST(touch_outside_a_transaction_records_nothing)
{
    ak_store st;
    ak_store_init(&st);
    int64_t x = 1;
    AK_TOUCH(&st, &x);
    ck_assert_uint_eq(st.len, 0);
    ak_store_fini(&st);
}
END_TEST

START_TEST(strtab_interns_once)
{
    ak_strtab tab;
    ck_assert_int_eq(ak_strtab_init(&tab), 0);
    ak_str a, b, c, e;
    ck_assert_int_eq(ak_strtab_intern(&tab, "alice", 5, &a), 0);
    ck_assert_int_eq(ak_strtab_intern(&tab, "bob", 3, &b), 0);
    ck_assert_int_eq(ak_strtab_intern(&tab, "alicex", 5, &c), 0); /* length-limited */
    ck_assert_uint_eq(a, c);
    ck_assert_uint_ne(a, b);
    ck_assert_str_eq(ak_strtab_get(&tab, b), "bob");
    ck_assert(ak_strtab_find(&tab, "", 0, &e));
    ck_assert_uint_eq(e, 0);
    ck_assert(!ak_strtab_find(&tab, "carol", 5, &e));
    char name[32];
    for (int i = 0; i < 3000; i++) {
        int n = snprintf(name, sizeof name, "n%d", i);
        ak_str id;
        ck_assert_int_eq(ak_strtab_intern(&tab, name, (size_t)n, &id), 0);
        ck_assert_str_eq(ak_strtab_get(&tab, id), name);
    }
    ck_assert(ak_strtab_find(&tab, "n2999", 5, &e));
    ck_assert_str_eq(ak_strtab_get(&tab, e), "n2999");
    ak_strtab_fini(&tab);
}
END_TEST

START_TEST(arena_alignment)
{
    ak_arena ar;
    ak_arena_init(&ar);
    for (int i = 1; i < 200; i++) {
        void *p = ak_arena_alloc(&ar, (size_t)i * 37);
        ck_assert_ptr_nonnull(p);
        ck_assert_uint_eq((uintptr_t)p % 16, 0);
    }
    void *big = ak_arena_alloc(&ar, 1u << 20);
    ck_assert_ptr_nonnull(big);
    ak_arena_fini(&ar);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("store");
    TCase *tc = tcase_create("store");
    tcase_add_test(tc, pool_addresses_are_stable_across_growth);
    tcase_add_test(tc, pool_spans_large_blocks);
    tcase_add_test(tc, map_put_get_delete_many);
    tcase_add_test(tc, rollback_restores_bytes_pools_and_maps);
    tcase_add_test(tc, touch_outside_a_transaction_records_nothing);
    tcase_add_test(tc, strtab_interns_once);
    tcase_add_test(tc, arena_alignment);
    suite_add_tcase(s, tc);
    return check_run(s);
}
