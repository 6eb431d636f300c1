/*
 * tests/test_evq.c: the simulation engine's event queue (sim/evq.h): the total order
 * (time, priority, sequence), cancel and reschedule by handle, stale handles, and a randomized
 * comparison with a brute-force reference.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_run.h"
#include "errors.h"
#include "evq.h"

/* ---- helpers ---- */

/* xorshift64*: the tests' only source of randomness (fixed seeds) */
static uint64_t rng_next(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 0x2545F4914F6CDD1DULL;
}

static uint64_t rng_below(uint64_t *s, uint64_t n)
{
    return rng_next(s) % n;
}

static ak_usec sat_add(ak_usec a, int64_t d)
{
    if (d > 0 && a > INT64_MAX - d)
        return INT64_MAX;
    if (d < 0 && a < INT64_MIN - d)
        return INT64_MIN;
    return a + d;
}

/* a runs before b in the documented order */
static bool ev_before(const ak_sim_event *a, const ak_sim_event *b)
{
    if (a->time != b->time)
        return a->time < b->time;
    if (a->prio != b->prio)
        return a->prio < b->prio;
    return a->seq < b->seq;
}

static ak_evq_handle push(ak_evq *q, ak_usec time, int32_t prio, uint32_t tag)
{
    ak_evq_handle h = 0;
    ck_assert_int_eq(ak_evq_push(q, time, prio, tag, tag + 1, tag + 2, (uint64_t)tag << 20, &h),
                     0);
    ck_assert_uint_ne(h, 0);
    return h;
}

/* Pop one event and check its time, priority and tag (kind). */
static void expect_pop(ak_evq *q, ak_usec time, int32_t prio, uint32_t tag)
{
    ak_sim_event ev;
    const ak_sim_event *pk = ak_evq_peek(q);
    ck_assert_ptr_nonnull(pk);
    ak_sim_event seen = *pk;
    ck_assert(ak_evq_pop(q, &ev));
    ck_assert_int_eq(memcmp(&seen, &ev, sizeof ev), 0);
    ck_assert_int_eq(ev.time, time);
    ck_assert_int_eq(ev.prio, prio);
    ck_assert_uint_eq(ev.kind, tag);
    ck_assert_uint_eq(ev.agent, tag + 1);
    ck_assert_uint_eq(ev.aux, tag + 2);
    ck_assert_uint_eq(ev.data, (uint64_t)tag << 20);
}

static void expect_empty(ak_evq *q)
{
    ak_sim_event ev;
    memset(&ev, 0xAB, sizeof ev);
    ak_sim_event untouched = ev;
    ck_assert_uint_eq(ak_evq_size(q), 0);
    ck_assert_ptr_null(ak_evq_peek(q));
    ck_assert(!ak_evq_pop(q, &ev));
    ck_assert_int_eq(memcmp(&ev, &untouched, sizeof ev), 0);
    ck_assert_int_eq(ak_evq_check(q), 0);
}

/* ---- fixed cases ---- */

START_TEST(init_reserve_zero_then_empty_queue)
{
    ak_evq q;
    ck_assert_int_eq(ak_evq_init(&q, 0), 0);
    expect_empty(&q);
    ck_assert_int_eq(ak_evq_cancel(&q, 0), AK_ENOT_FOUND);
    ck_assert_int_eq(ak_evq_cancel(&q, 0x0000000100000001ULL), AK_ENOT_FOUND);
    ck_assert_int_eq(ak_evq_cancel(&q, UINT64_MAX), AK_ENOT_FOUND);
    ck_assert_int_eq(ak_evq_reschedule(&q, 0x0000000100000001ULL, 5), AK_ENOT_FOUND);
    /* the first push grows from nothing */
    push(&q, 7, 0, 1);
    ck_assert_uint_eq(ak_evq_size(&q), 1);
    ck_assert_int_eq(ak_evq_check(&q), 0);
    expect_pop(&q, 7, 0, 1);
    expect_empty(&q);
    ak_evq_fini(&q);
    ak_evq_fini(NULL);
    /* a queue can be used again after fini */
    ck_assert_int_eq(ak_evq_init(&q, 3), 0);
    for (uint32_t i = 0; i < 10; i++)
        push(&q, 10 - (ak_usec)i, 0, i);
    for (uint32_t i = 10; i-- > 0;)
        expect_pop(&q, 10 - (ak_usec)i, 0, i);
    expect_empty(&q);
    ak_evq_fini(&q);
}
END_TEST

START_TEST(order_is_time_then_priority_then_insertion)
{
    ak_evq q;
    ck_assert_int_eq(ak_evq_init(&q, 16), 0);
    push(&q, 100, 0, 1);
    push(&q, 50, 2, 2);
    push(&q, 50, -1, 3);
    push(&q, 50, 2, 4);          /* same time and prio as tag 2: after it */
    push(&q, 50, INT32_MAX, 5);
    push(&q, 50, INT32_MIN, 6);
    push(&q, 50, 2, 7);
    push(&q, -20, 9, 8);         /* negative times are ordinary */
    push(&q, 100, -5, 9);
    push(&q, INT64_MAX, INT32_MIN, 10);
    push(&q, INT64_MIN, INT32_MAX, 11);
    ck_assert_uint_eq(ak_evq_size(&q), 11);
    ck_assert_int_eq(ak_evq_check(&q), 0);

    /* seq is the push order, from 0 */
    ak_sim_event ev;
    const ak_sim_event *pk = ak_evq_peek(&q);
    ck_assert_int_eq(pk->time, INT64_MIN);
    ck_assert_uint_eq(pk->seq, 10);

    expect_pop(&q, INT64_MIN, INT32_MAX, 11);
    expect_pop(&q, -20, 9, 8);
    expect_pop(&q, 50, INT32_MIN, 6);
    expect_pop(&q, 50, -1, 3);
    expect_pop(&q, 50, 2, 2);
    expect_pop(&q, 50, 2, 4);
    expect_pop(&q, 50, 2, 7);
    expect_pop(&q, 50, INT32_MAX, 5);
    expect_pop(&q, 100, -5, 9);
    pk = ak_evq_peek(&q);
    ck_assert_uint_eq(pk->seq, 0);
    expect_pop(&q, 100, 0, 1);
    ck_assert(ak_evq_pop(&q, &ev));
    ck_assert_int_eq(ev.time, INT64_MAX);
    ck_assert_uint_eq(ev.seq, 9);
    expect_empty(&q);
    ak_evq_fini(&q);
}
END_TEST

START_TEST(equal_keys_pop_in_push_order_many)
{
    /* thousands of events at one time and priority: FIFO, through every part of the queue */
    ak_evq q;
    ck_assert_int_eq(ak_evq_init(&q, 0), 0);
    enum { N = 20000 };
    for (uint32_t i = 0; i < N; i++)
        push(&q, 1000, 3, i);
    push(&q, 999, 3, N);
    push(&q, 1000, 2, N + 1);
    ck_assert_int_eq(ak_evq_check(&q), 0);
    expect_pop(&q, 999, 3, N);
    expect_pop(&q, 1000, 2, N + 1);
    for (uint32_t i = 0; i < N; i++) {
        expect_pop(&q, 1000, 3, i);
        if (i % 4096 == 0)
            ck_assert_int_eq(ak_evq_check(&q), 0);
    }
    expect_empty(&q);
    ak_evq_fini(&q);
}
END_TEST

START_TEST(cancel_middle_head_last_and_stale)
{
    ak_evq q;
    ck_assert_int_eq(ak_evq_init(&q, 8), 0);
    ak_evq_handle h[6];
    for (uint32_t i = 0; i < 6; i++)
        h[i] = push(&q, 10 * (ak_usec)(i + 1), 0, i); /* times 10 .. 60 */
    ck_assert_int_eq(ak_evq_cancel(&q, h[2]), 0); /* middle */
    ck_assert_int_eq(ak_evq_check(&q), 0);
    ck_assert_int_eq(ak_evq_cancel(&q, h[0]), 0); /* head */
    ck_assert_int_eq(ak_evq_check(&q), 0);
    ck_assert_int_eq(ak_evq_peek(&q)->time, 20);
    ck_assert_int_eq(ak_evq_cancel(&q, h[5]), 0); /* last */
    ck_assert_int_eq(ak_evq_check(&q), 0);
    ck_assert_uint_eq(ak_evq_size(&q), 3);

    /* stale: cancelled already */
    ck_assert_int_eq(ak_evq_cancel(&q, h[2]), AK_ENOT_FOUND);
    ck_assert_int_eq(ak_evq_cancel(&q, h[0]), AK_ENOT_FOUND);
    ck_assert_int_eq(ak_evq_reschedule(&q, h[5], 1), AK_ENOT_FOUND);
    ck_assert_uint_eq(ak_evq_size(&q), 3);

    expect_pop(&q, 20, 0, 1);
    /* stale: popped */
    ck_assert_int_eq(ak_evq_cancel(&q, h[1]), AK_ENOT_FOUND);
    expect_pop(&q, 40, 0, 3);
    expect_pop(&q, 50, 0, 4);
    expect_empty(&q);
    /* garbage handles: slot out of range, even generation, wrong generation */
    ck_assert_int_eq(ak_evq_cancel(&q, ((uint64_t)1 << 32) | 1000), AK_ENOT_FOUND);
    ck_assert_int_eq(ak_evq_cancel(&q, ((uint64_t)2 << 32) | 1), AK_ENOT_FOUND);
    ck_assert_int_eq(ak_evq_cancel(&q, h[3] + ((uint64_t)2 << 32)), AK_ENOT_FOUND);
    ak_evq_fini(&q);
}
END_TEST

START_TEST(stale_handle_after_slot_reuse)
{
    ak_evq q;
    ck_assert_int_eq(ak_evq_init(&q, 0), 0);
    ak_evq_handle a = push(&q, 5, 0, 1);
    ak_evq_handle keep = push(&q, 9, 0, 2);
    ck_assert_int_eq(ak_evq_cancel(&q, a), 0);
    ak_evq_handle b = push(&q, 7, 1, 3); /* reuses a's slot */
    ck_assert_uint_ne(b, a);
    ck_assert_uint_eq(b & 0xFFFFFFFFu, a & 0xFFFFFFFFu);
    ck_assert_int_eq(ak_evq_cancel(&q, a), AK_ENOT_FOUND);
    ck_assert_int_eq(ak_evq_reschedule(&q, a, 1), AK_ENOT_FOUND);
    ck_assert_uint_eq(ak_evq_size(&q), 2);
    ck_assert_int_eq(ak_evq_check(&q), 0);
    expect_pop(&q, 7, 1, 3); /* b untouched */

    /* again through pop: the popped event's slot is reused by the next push */
    ak_evq_handle c = push(&q, 8, 0, 4);
    ck_assert_uint_eq(c & 0xFFFFFFFFu, b & 0xFFFFFFFFu);
    ck_assert_int_eq(ak_evq_cancel(&q, b), AK_ENOT_FOUND);
    ck_assert_int_eq(ak_evq_reschedule(&q, b, 100), AK_ENOT_FOUND);
    expect_pop(&q, 8, 0, 4);
    expect_pop(&q, 9, 0, 2);
    ck_assert_int_eq(ak_evq_cancel(&q, keep), AK_ENOT_FOUND);
    expect_empty(&q);
    ak_evq_fini(&q);
}
END_TEST

START_TEST(reschedule_earlier_later_and_fifo)
{
    ak_evq q;
    ck_assert_int_eq(ak_evq_init(&q, 0), 0);
    ak_evq_handle h10 = push(&q, 10, 0, 10);
    push(&q, 20, 0, 20);
    ak_evq_handle h30 = push(&q, 30, 0, 30);
    ak_evq_handle h40 = push(&q, 40, 4, 40);
    ck_assert_int_eq(ak_evq_reschedule(&q, h30, 5), 0);  /* earlier: now first */
    ck_assert_int_eq(ak_evq_check(&q), 0);
    ck_assert_int_eq(ak_evq_reschedule(&q, h10, 25), 0); /* later */
    ck_assert_int_eq(ak_evq_check(&q), 0);
    /* same time as another event with the same prio: it is now the newer one, so it runs last */
    push(&q, 60, 4, 60);
    ck_assert_int_eq(ak_evq_reschedule(&q, h40, 60), 0);
    ck_assert_uint_eq(ak_evq_size(&q), 5);

    const ak_sim_event *pk = ak_evq_peek(&q);
    ck_assert_int_eq(pk->time, 5);
    ck_assert_uint_eq(pk->seq, 4); /* a fresh seq: pushes took 0 .. 3 */
    expect_pop(&q, 5, 0, 30);
    expect_pop(&q, 20, 0, 20);
    /* the handle stays valid across reschedules */
    ck_assert_int_eq(ak_evq_reschedule(&q, h10, 70), 0);
    ck_assert_int_eq(ak_evq_reschedule(&q, h10, 26), 0);
    expect_pop(&q, 26, 0, 10);
    ck_assert_int_eq(ak_evq_reschedule(&q, h10, 1), AK_ENOT_FOUND);
    expect_pop(&q, 60, 4, 60);
    ck_assert_int_eq(ak_evq_cancel(&q, h40), 0);
    expect_empty(&q);
    /* many reschedules of few events leave no backlog behind */
    ak_evq_handle x = push(&q, 0, 0, 1), y = push(&q, 0, 0, 2);
    for (int i = 0; i < 100000; i++) {
        ck_assert_int_eq(ak_evq_reschedule(&q, (i & 1) ? x : y, i), 0);
        if (i % 9973 == 0)
            ck_assert_int_eq(ak_evq_check(&q), 0);
    }
    /* white box: stored entries, stale ones included, stay bounded (compaction) */
    ck_assert_uint_le(q.nent, 2 + 2 + 1024 + 1);
    expect_pop(&q, 99998, 0, 2);
    expect_pop(&q, 99999, 0, 1);
    expect_empty(&q);
    ak_evq_fini(&q);
}
END_TEST

START_TEST(handle_zero_never_issued)
{
    ak_evq q;
    ck_assert_int_eq(ak_evq_init(&q, 0), 0);
    uint64_t s = 42;
    for (int round = 0; round < 50; round++) {
        for (int i = 0; i < 1000; i++) {
            ak_evq_handle h = 12345;
            ck_assert_int_eq(ak_evq_push(&q, (ak_usec)rng_below(&s, 1000), 0, 0, 0, 0, 0, &h), 0);
            ck_assert_uint_ne(h, 0);
        }
        ak_sim_event ev;
        for (int i = 0; i < 1000; i++)
            ck_assert(ak_evq_pop(&q, &ev));
    }
    /* h may be NULL */
    ck_assert_int_eq(ak_evq_push(&q, 1, 0, 0, 0, 0, 0, NULL), 0);
    ck_assert_uint_eq(ak_evq_size(&q), 1);
    ak_evq_fini(&q);
}
END_TEST

START_TEST(wide_and_extreme_times)
{
    /* spans near 2^64 and times at both ends of int64: bucket widths saturate */
    ak_evq q;
    ck_assert_int_eq(ak_evq_init(&q, 0), 0);
    uint64_t s = 7;
    enum { N = 5000 };
    static ak_usec times[N];
    for (uint32_t i = 0; i < N; i++) {
        uint64_t r = rng_next(&s);
        ak_usec t = (ak_usec)r;
        if (i % 10 == 0)
            t = INT64_MAX - (ak_usec)(r % 4);
        else if (i % 10 == 1)
            t = INT64_MIN + (ak_usec)(r % 4);
        times[i] = t;
        push(&q, t, 0, i);
    }
    ck_assert_int_eq(ak_evq_check(&q), 0);
    ak_sim_event prev, ev;
    ck_assert(ak_evq_pop(&q, &prev));
    for (uint32_t i = 1; i < N; i++) {
        ck_assert(ak_evq_pop(&q, &ev));
        ck_assert(ev_before(&prev, &ev));
        if (ev.kind < N)
            ck_assert_int_eq(ev.time, times[ev.kind]);
        prev = ev;
        /* keep pushing around the extremes while draining */
        if (i % 7 == 0 && i < N / 2) {
            ak_usec t = (i % 14 == 0) ? INT64_MAX : sat_add(ev.time, (int64_t)(rng_next(&s) >> 2));
            push(&q, t, 0, N + i);
        }
        if (i % 500 == 0)
            ck_assert_int_eq(ak_evq_check(&q), 0);
    }
    while (ak_evq_pop(&q, &ev)) {
        ck_assert(ev_before(&prev, &ev));
        prev = ev;
    }
    expect_empty(&q);
    ak_evq_fini(&q);
}
END_TEST

START_TEST(large_queue_and_crowded_front)
{
    /* enough events for several rungs, a crowded bottom split into rungs, and pushes earlier
     * than everything pending */
    ak_evq q;
    ck_assert_int_eq(ak_evq_init(&q, 0), 0);
    uint64_t s = 99;
    enum { N = 200000 };
    for (uint32_t i = 0; i < N; i++) {
        ak_usec t = (i % 3 == 0) ? (ak_usec)rng_below(&s, 100) : (ak_usec)rng_below(&s, 1 << 30);
        ck_assert_int_eq(ak_evq_push(&q, t, (int32_t)rng_below(&s, 3) - 1, i, 0, 0, 0, NULL), 0);
    }
    ck_assert_int_eq(ak_evq_check(&q), 0);
    ak_sim_event prev, ev;
    ck_assert(ak_evq_pop(&q, &prev));
    uint32_t popped = 1;
    while (ak_evq_pop(&q, &ev)) {
        ck_assert(ev_before(&prev, &ev));
        prev = ev;
        popped++;
        if (popped % 50000 == 0) {
            ck_assert_int_eq(ak_evq_check(&q), 0);
            /* a burst just after the current time, before nearly everything pending */
            for (uint32_t i = 0; i < 5000; i++)
                ck_assert_int_eq(ak_evq_push(&q, ev.time + 1 + (ak_usec)rng_below(&s, 3),
                                             (int32_t)rng_below(&s, 3) - 1, i, 0, 0, 0, NULL),
                                 0);
            ck_assert_int_eq(ak_evq_check(&q), 0);
        }
    }
    ck_assert_uint_eq(popped, N + 4 * 5000);
    expect_empty(&q);
    ak_evq_fini(&q);
}
END_TEST

START_TEST(push_just_beyond_a_split_span)
{
    /* A crowd of events before the first one pushed gets split by time; once the split span is
     * used up, a push just beyond its end must still wait for an earlier pending event. */
    ak_evq q;
    ck_assert_int_eq(ak_evq_init(&q, 0), 0);
    push(&q, 1000000, 0, 0);
    push(&q, 1000010, 0, 1);
    for (uint32_t i = 0; i < 3000; i++)
        push(&q, (ak_usec)i * 333, 0, 2 + i);
    push(&q, 999990, 0, 9000);
    ck_assert_int_eq(ak_evq_check(&q), 0);
    ak_sim_event ev;
    ak_usec last = INT64_MIN;
    do {
        ck_assert(ak_evq_pop(&q, &ev));
        ck_assert_int_ge(ev.time, last);
        last = ev.time;
    } while (ev.time < 999000);
    push(&q, 1000020, 0, 9001);
    push(&q, 1000005, 0, 9002);
    ck_assert_int_eq(ak_evq_check(&q), 0);
    while (ak_evq_pop(&q, &ev)) {
        ck_assert_int_ge(ev.time, last);
        last = ev.time;
    }
    ck_assert_int_eq(last, 1000020);
    expect_empty(&q);
    ak_evq_fini(&q);
}
END_TEST

/* ---- randomized comparison with a brute-force reference ---- */

typedef struct ref_ev {
    ak_sim_event ev;
    ak_evq_handle h;
} ref_ev;

typedef struct ref_q {
    ref_ev *v;
    uint32_t n, cap;
    uint64_t seq;
} ref_q;

static uint32_t ref_min(const ref_q *r)
{
    uint32_t m = 0;
    for (uint32_t i = 1; i < r->n; i++)
        if (ev_before(&r->v[i].ev, &r->v[m].ev))
            m = i;
    return m;
}

static void ref_remove(ref_q *r, uint32_t i)
{
    r->v[i] = r->v[--r->n];
}

START_TEST(randomized_against_reference)
{
    ak_evq q;
    ck_assert_int_eq(ak_evq_init(&q, 0), 0);
    ref_q r = {NULL, 0, 0, 0};
    r.cap = 8192;
    r.v = malloc(r.cap * sizeof *r.v);
    ck_assert_ptr_nonnull(r.v);
    enum { STALE_N = 64 };
    ak_evq_handle stale[STALE_N];
    uint32_t nstale = 0;
    uint64_t s = 0x5EED5EED12345678ULL;
    ak_usec now = 0;
    uint32_t target = 0; /* live size the current phase drifts to */
    uint64_t pops = 0, cancels = 0, reschedules = 0, stale_tries = 0;

    for (uint32_t op = 0; op < 100000; op++) {
        if (op % 5000 == 0) /* phases: grow, churn, drain, small */
            target = (uint32_t[]){2000, 300, 0, 40, 6000, 5}[(op / 5000) % 6];
        uint64_t dice = rng_below(&s, 100);
        bool want_push = r.n < target ? dice < 70 : dice < 30;
        if (r.n == 0 || (want_push && r.n < 6000)) {
            /* times: mostly near now, some equal, some earlier, some far, rare extremes */
            uint64_t kind = rng_below(&s, 100);
            ak_usec t;
            if (kind < 20)
                t = now;
            else if (kind < 50)
                t = sat_add(now, (int64_t)rng_below(&s, 16));
            else if (kind < 85)
                t = sat_add(now, (int64_t)rng_below(&s, 1000000));
            else if (kind < 95)
                t = sat_add(now, -(int64_t)rng_below(&s, 1000));
            else if (kind < 98)
                t = sat_add(now, (int64_t)(rng_next(&s) >> 4));
            else
                t = (kind == 98) ? INT64_MAX : INT64_MIN + 1;
            int32_t prio = rng_below(&s, 20) == 0 ? (int32_t)rng_next(&s)
                                                  : (int32_t)rng_below(&s, 5) - 2;
            uint32_t tag = (uint32_t)rng_next(&s);
            uint64_t data = rng_next(&s);
            ak_evq_handle h = 0;
            ck_assert_int_eq(ak_evq_push(&q, t, prio, tag, op, tag ^ op, data, &h), 0);
            ck_assert_uint_ne(h, 0);
            ck_assert_uint_lt(r.n, r.cap);
            r.v[r.n++] = (ref_ev){{t, prio, tag, op, tag ^ op, data, r.seq++}, h};
        } else if (dice < 75) {
            uint32_t m = ref_min(&r);
            ak_sim_event ev;
            ck_assert(ak_evq_pop(&q, &ev));
            const ak_sim_event *want = &r.v[m].ev;
            ck_assert_int_eq(ev.time, want->time);
            ck_assert_int_eq(ev.prio, want->prio);
            ck_assert_uint_eq(ev.seq, want->seq);
            ck_assert_uint_eq(ev.kind, want->kind);
            ck_assert_uint_eq(ev.agent, want->agent);
            ck_assert_uint_eq(ev.aux, want->aux);
            ck_assert_uint_eq(ev.data, want->data);
            now = ev.time;
            stale[nstale++ % STALE_N] = r.v[m].h;
            ref_remove(&r, m);
            pops++;
        } else if (dice < 88) {
            if (nstale && rng_below(&s, 4) == 0) {
                ak_evq_handle h = stale[rng_below(&s, nstale < STALE_N ? nstale : STALE_N)];
                bool live = false;
                for (uint32_t i = 0; i < r.n; i++)
                    live |= r.v[i].h == h;
                if (!live) {
                    ck_assert_int_eq(ak_evq_cancel(&q, h), AK_ENOT_FOUND);
                    ck_assert_int_eq(ak_evq_reschedule(&q, h, now), AK_ENOT_FOUND);
                    stale_tries++;
                }
            } else {
                uint32_t i = (uint32_t)rng_below(&s, r.n);
                ck_assert_int_eq(ak_evq_cancel(&q, r.v[i].h), 0);
                stale[nstale++ % STALE_N] = r.v[i].h;
                ref_remove(&r, i);
                cancels++;
            }
        } else {
            uint32_t i = (uint32_t)rng_below(&s, r.n);
            int64_t d = (int64_t)rng_below(&s, 2000000) - 1000000;
            if (rng_below(&s, 4) == 0)
                d = 0;
            ak_usec t = sat_add(now, d);
            ck_assert_int_eq(ak_evq_reschedule(&q, r.v[i].h, t), 0);
            r.v[i].ev.time = t;
            r.v[i].ev.seq = r.seq++;
            reschedules++;
        }
        ck_assert_uint_eq(ak_evq_size(&q), r.n);
        if (op % 8 == 0) { /* peek agrees with the reference (every pop is checked anyway) */
            const ak_sim_event *pk = ak_evq_peek(&q);
            if (r.n) {
                const ak_sim_event *want = &r.v[ref_min(&r)].ev;
                ck_assert_int_eq(pk->time, want->time);
                ck_assert_uint_eq(pk->seq, want->seq);
            } else {
                ck_assert_ptr_null(pk);
            }
        }
        if (op % 1000 == 0)
            ck_assert_int_eq(ak_evq_check(&q), 0);
    }
    ck_assert_int_eq(ak_evq_check(&q), 0);
    /* drain: the rest comes out in reference order */
    while (r.n) {
        uint32_t m = ref_min(&r);
        ak_sim_event ev;
        ck_assert(ak_evq_pop(&q, &ev));
        ck_assert_int_eq(ev.time, r.v[m].ev.time);
        ck_assert_uint_eq(ev.seq, r.v[m].ev.seq);
        ref_remove(&r, m);
    }
    expect_empty(&q);
    /* every kind of operation happened often enough to matter */
    ck_assert_uint_gt(pops, 10000);
    ck_assert_uint_gt(cancels, 5000);
    ck_assert_uint_gt(reschedules, 5000);
    ck_assert_uint_gt(stale_tries, 500);
    free(r.v);
    ak_evq_fini(&q);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("evq");
    TCase *tc = tcase_create("evq");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, init_reserve_zero_then_empty_queue);
    tcase_add_test(tc, order_is_time_then_priority_then_insertion);
    tcase_add_test(tc, equal_keys_pop_in_push_order_many);
    tcase_add_test(tc, cancel_middle_head_last_and_stale);
    tcase_add_test(tc, stale_handle_after_slot_reuse);
    tcase_add_test(tc, reschedule_earlier_later_and_fifo);
    tcase_add_test(tc, handle_zero_never_issued);
    tcase_add_test(tc, wide_and_extreme_times);
    tcase_add_test(tc, large_queue_and_crowded_front);
    tcase_add_test(tc, push_just_beyond_a_split_span);
    tcase_add_test(tc, randomized_against_reference);
    suite_add_tcase(s, tc);

    return check_run(s);
}
