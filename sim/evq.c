/*
 * sim/evq.c: the simulation engine's queue of pending events (sim/evq.h).
 *
 * The engine pops events in total order (time, priority, sequence) (DESIGN.md). Entries carry
 * that key inline, as unsigned words that compare in the same order: tu = time ^ 2^63,
 * pb = prio ^ 2^31, then seq. The structure is a ladder queue whose bottom is a sorted run
 * plus a heap:
 *
 *   bottom   every entry with tu <= blast: a sorted run (a bucket, sorted when it was taken)
 *            and a 4-ary heap (entries pushed into the bottom's span later, or a bucket too
 *            long to sort); the first event is the smaller of the run's head and the heap's root;
 *   rungs    rungs[nr-1] (finest) .. rungs[0] (coarsest): buckets of entries with tu > blast,
 *            rung i+1 covering a span just before what remains of rung i;
 *   top      unsorted, every entry beyond rungs[0] (or beyond blast when there is no rung).
 *
 * Equal times always land in the same part, and a part is emptied into the bottom only after
 * every earlier part, so pops follow the full key exactly; bucketing only decides how much is
 * sorted at a time.
 *
 * Cancel and reschedule are lazy: an entry is live when its slot holds a pending event with the
 * entry's seq. Stale entries are dropped when they reach the front of the bottom (which is kept
 * live, so peek needs no work) or by maybe_compact() once they outnumber live ones.
 *
 * Memory discipline: push and reschedule reserve what they need before changing anything; pop
 * and cancel never allocate (buckets move into the bottom by swapping buffers, and when a rung
 * cannot get memory its entries go to the bottom heap instead).
 */
#include "evq.h"

#include <stdint.h>
#include <stdlib.h>

#include "errors.h"

#define NIL UINT32_MAX         /* end of the free list */
#define TARGET 32u             /* entries per bucket a new rung is sized for */
#define SPAWN 64u              /* a bucket longer than this is split into a finer rung */
#define RUN_MAX 64u            /* a bucket up to this long is sorted; a longer one is heaped */
#define SMALL 64u              /* a top this small goes straight to the bottom */
#define BOTTOM_MAX 2048u       /* a heap this long is split into a rung (when it can be) */
#define NB_LG_MAX 22u          /* at most 2^22 buckets per rung */
#define COMPACT_MIN 1024u      /* stale entries tolerated beyond the number of live ones */
#define VEC_MIN 8u
#define PREFETCH_SLOTS 16384u  /* fewer slots than this stay in cache: no prefetching */
#define PREFETCH_AHEAD 4u      /* run entries whose slots are being loaded */

/* ---- keys and entries ---- */

static inline uint64_t time_key(ak_usec t)
{
    return (uint64_t)t ^ (UINT64_C(1) << 63);
}

static inline uint32_t prio_key(int32_t p)
{
    return (uint32_t)p ^ UINT32_C(0x80000000);
}

/* a runs before b. The one branch (equal times or not) is predictable in any one workload;
 * the outcome itself, unpredictable inside a heap, is computed without branches. */
static inline bool before(const ak_evq_entry *a, const ak_evq_entry *b)
{
    if (__builtin_expect(a->tu != b->tu, 1))
        return a->tu < b->tu;
    return (a->pb < b->pb) | ((a->pb == b->pb) & (a->seq < b->seq));
}

static inline bool entry_live(const ak_evq *q, const ak_evq_entry *e)
{
    const ak_evq_slot *s = &q->slots[e->slot];
    return (s->gen & 1u) && s->ev.seq == e->seq;
}

/* Start loading slot s (48 bytes: one or two cache lines). */
static inline void prefetch_slot(const ak_evq *q, uint32_t s)
{
    const char *p = (const char *)&q->slots[s];
    __builtin_prefetch(p);
    __builtin_prefetch(p + sizeof(ak_evq_slot) - 1);
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
    uint64_t s = a + b;
    return s < a ? UINT64_MAX : s;
}

static uint32_t bit_length(uint64_t x)
{
    return x ? 64u - (uint32_t)__builtin_clzll(x) : 0;
}

/* ---- growable arrays ---- */

static int vec_reserve(ak_evq_vec *v, uint64_t need)
{
    if (need <= v->cap)
        return 0;
    if (need > UINT32_MAX)
        return AK_ENOMEM;
    uint64_t ncap = v->cap < VEC_MIN ? VEC_MIN : v->cap;
    while (ncap < need)
        ncap *= 2;
    if (ncap > UINT32_MAX)
        ncap = UINT32_MAX;
    if (ncap > SIZE_MAX / sizeof(ak_evq_entry))
        return AK_ENOMEM;
    ak_evq_entry *e = realloc(v->e, (size_t)ncap * sizeof *e);
    if (!e)
        return AK_ENOMEM;
    v->e = e;
    v->cap = (uint32_t)ncap;
    return 0;
}

static void vec_swap(ak_evq_vec *a, ak_evq_vec *b)
{
    ak_evq_vec t = *a;
    *a = *b;
    *b = t;
}

/* Release a drained vector's memory. */
static void vec_free(ak_evq_vec *v)
{
    free(v->e);
    *v = (ak_evq_vec){NULL, 0, 0};
}

/* ---- sorting and the heap (4-ary: children of i at 4i+1 .. 4i+4) ---- */

static void sort_entries(ak_evq_entry *e, uint32_t n)
{
    for (uint32_t i = 1; i < n; i++) {
        ak_evq_entry x = e[i];
        uint32_t j = i;
        for (; j > 0 && before(&x, &e[j - 1]); j--)
            e[j] = e[j - 1];
        e[j] = x;
    }
}

/* Put x into the hole at i, moving it towards the leaves of h[0 .. n-1]. */
static void sift_down(ak_evq_entry *h, size_t n, size_t i, ak_evq_entry x)
{
    for (;;) {
        size_t c = 4 * i + 1;
        size_t m;
        if (c + 3 < n) {
            size_t a = c + before(&h[c + 1], &h[c]);
            size_t b = c + 2 + before(&h[c + 3], &h[c + 2]);
            m = a ^ ((a ^ b) & -(size_t)before(&h[b], &h[a]));
        } else {
            if (c >= n)
                break;
            m = c;
            for (size_t k = c + 1; k < n; k++)
                if (before(&h[k], &h[m]))
                    m = k;
        }
        if (!before(&h[m], &x))
            break;
        h[i] = h[m];
        i = m;
    }
    h[i] = x;
}

/* Put x into the hole at i, moving it towards the root. */
static void sift_up(ak_evq_entry *h, size_t i, ak_evq_entry x)
{
    while (i > 0) {
        size_t p = (i - 1) >> 2;
        if (!before(&x, &h[p]))
            break;
        h[i] = h[p];
        i = p;
    }
    h[i] = x;
}

static void heap_pop_root(ak_evq_vec *v)
{
    size_t n = --v->len;
    if (n)
        sift_down(v->e, n, 0, v->e[n]);
}

static void heapify(ak_evq_vec *v)
{
    if (v->len < 2)
        return;
    for (size_t i = (v->len - 2) / 4 + 1; i-- > 0;)
        sift_down(v->e, v->len, i, v->e[i]);
}

static uint32_t spill_limit(uint32_t len)
{
    if (len < BOTTOM_MAX / 2)
        return BOTTOM_MAX;
    return len > UINT32_MAX / 2 ? UINT32_MAX : 2 * len;
}

/* ---- the bottom ---- */

/* The first entry of the bottom, or NULL when it is empty; *in_run tells which part. */
static inline const ak_evq_entry *front(const ak_evq *q, bool *in_run)
{
    const ak_evq_entry *r = q->rpos < q->run.len ? &q->run.e[q->rpos] : NULL;
    const ak_evq_entry *h = q->heap.len ? &q->heap.e[0] : NULL;
    *in_run = r && (!h || before(r, h));
    return *in_run ? r : h;
}

static inline void drop_front(ak_evq *q, bool in_run)
{
    if (!in_run)
        heap_pop_root(&q->heap);
    else if (++q->rpos == q->run.len)
        q->run.len = q->rpos = 0;
    q->nent--;
}

/* The bottom is empty and src (a bucket or the top, all entries <= the new blast) becomes its
 * content: sorted as the run when short, heaped otherwise. The buffer swapped out of the
 * bottom goes to src. */
static void fill_bottom(ak_evq *q, ak_evq_vec *src)
{
    ak_evq_vec *dst = src->len <= RUN_MAX ? &q->run : &q->heap;
    vec_swap(dst, src);
    if (dst == &q->run)
        sort_entries(dst->e, dst->len);
    else
        heapify(dst);
    q->spill_at = spill_limit(q->heap.len);
    if (q->nslots > PREFETCH_SLOTS) {
        /* each slot is read when its entry comes first: start loading the first few */
        uint32_t n = dst->len < 16 ? dst->len : 16;
        for (uint32_t i = 0; i < n; i++)
            prefetch_slot(q, dst->e[i].slot);
    }
}

/* ---- slots and handles ---- */

/* Handles: low 32 bits slot + 1 (so never 0), high 32 bits the slot's generation (odd). */
static uint32_t handle_slot(const ak_evq *q, ak_evq_handle h)
{
    uint32_t lo = (uint32_t)h, gen = (uint32_t)(h >> 32);
    if (lo == 0 || lo > q->nslots || !(gen & 1u))
        return NIL;
    return q->slots[lo - 1].gen == gen ? lo - 1 : NIL;
}

static int slots_reserve(ak_evq *q)
{
    if (q->free_head != NIL || q->nslots < q->slot_cap)
        return 0;
    uint32_t ncap = q->slot_cap < 16 ? 16 : q->slot_cap;
    if (q->slot_cap >= 16)
        ncap = q->slot_cap > AK_EVQ_MAX_SIZE / 2 ? AK_EVQ_MAX_SIZE : q->slot_cap * 2;
#if SIZE_MAX <= UINT32_MAX
    if ((size_t)ncap > SIZE_MAX / sizeof(ak_evq_slot))
        return AK_ENOMEM;
#endif
    ak_evq_slot *s = realloc(q->slots, (size_t)ncap * sizeof *s);
    if (!s)
        return AK_ENOMEM;
    q->slots = s;
    q->slot_cap = ncap;
    return 0;
}

static void release_slot(ak_evq *q, uint32_t s)
{
    q->slots[s].gen++; /* odd -> even: its handles and its entry go stale */
    q->slots[s].next = q->free_head;
    q->free_head = s;
    q->live--;
}

/* ---- rungs ---- */

/* Last tu of bucket k of r. */
static uint64_t bucket_last(const ak_evq_rung *r, uint32_t k)
{
    uint64_t end = sat_add(r->rstart, ((uint64_t)k << r->shift) + ((UINT64_C(1) << r->shift) - 1));
    return end < r->rlast ? end : r->rlast;
}

/* Distribute every entry of src (all with start <= tu <= last, start < last) into a new finest
 * rung covering [start, last], or up to its natural end when extend. false, with nothing
 * changed, when there is no rung left or no memory. */
static bool build_rung(ak_evq *q, ak_evq_vec *src, uint64_t start, uint64_t last, bool extend)
{
    if (q->nr == AK_EVQ_RUNGS)
        return false;
    ak_evq_rung *r = &q->rungs[q->nr];
    size_t need = src->len / TARGET + 1;
    uint32_t lg = 1;
    while (lg < NB_LG_MAX && ((size_t)1 << lg) < need)
        lg++;
    uint32_t bits = bit_length(last - start);
    if (bits < lg)
        lg = bits;
    uint32_t nb = 1u << lg, shift = bits - lg;
    if (nb > r->nb_cap) {
        ak_evq_vec *b = realloc(r->buckets, (size_t)nb * sizeof *b);
        if (!b)
            return false;
        for (uint32_t k = r->nb_cap; k < nb; k++)
            b[k] = (ak_evq_vec){NULL, 0, 0};
        r->buckets = b;
        r->nb_cap = nb;
    }
    ak_evq_vec *b = r->buckets; /* every len is 0 while a rung is not in use */
    const ak_evq_entry *e = src->e;
    uint32_t n = src->len;
    for (uint32_t i = 0; i < n; i++)
        b[(e[i].tu - start) >> shift].len++;
    bool ok = true;
    for (uint32_t k = 0; k < nb; k++)
        if (ok && b[k].len > b[k].cap && vec_reserve(&b[k], b[k].len))
            ok = false;
    for (uint32_t k = 0; k < nb; k++)
        b[k].len = 0;
    if (!ok)
        return false;
    for (uint32_t i = 0; i < n; i++) {
        ak_evq_vec *v = &b[(e[i].tu - start) >> shift];
        v->e[v->len++] = e[i];
    }
    src->len = 0;
    r->nb = nb;
    r->cur = 0;
    r->shift = shift;
    r->rstart = start;
    r->rlast = extend ? sat_add(start, ((uint64_t)(nb - 1) << shift) +
                                           ((UINT64_C(1) << shift) - 1))
                      : last;
    q->nr++;
    return true;
}

/* Bottom and rungs are empty: spread the top into a rung, or into the bottom when it is small,
 * all one time, or no memory is left for a rung. */
static void rebuild_from_top(ak_evq *q)
{
    const ak_evq_entry *e = q->top.e;
    uint64_t lo = e[0].tu, hi = e[0].tu;
    for (uint32_t i = 1; i < q->top.len; i++) {
        lo = e[i].tu < lo ? e[i].tu : lo;
        hi = e[i].tu > hi ? e[i].tu : hi;
    }
    if (q->top.len > SMALL && lo < hi && build_rung(q, &q->top, lo, hi, true))
        return;
    q->blast = hi;
    fill_bottom(q, &q->top);
}

/* No event is pending: forget the stale entries. */
static void reset(ak_evq *q)
{
    q->run.len = q->rpos = 0;
    q->heap.len = 0;
    for (uint32_t i = 0; i < q->nr; i++) {
        ak_evq_rung *r = &q->rungs[i];
        for (uint32_t k = r->cur; k < r->nb; k++)
            r->buckets[k].len = 0;
        r->nb = r->cur = 0;
    }
    q->nr = 0;
    q->top.len = 0;
    q->nent = 0;
    q->blast = 0;
    q->spill_at = BOTTOM_MAX;
}

/* Restore "the first entry of the bottom is live whenever an event is pending". */
static void normalize(ak_evq *q)
{
    if (!q->live) {
        reset(q);
        return;
    }
    for (;;) {
        bool in_run;
        const ak_evq_entry *f = front(q, &in_run);
        if (f) {
            if (entry_live(q, f))
                return;
            drop_front(q, in_run);
            continue;
        }
        while (q->nr && q->rungs[q->nr - 1].cur == q->rungs[q->nr - 1].nb) {
            ak_evq_rung *r = &q->rungs[--q->nr];
            r->nb = r->cur = 0;
        }
        if (!q->nr) {
            if (!q->top.len)
                return; /* unreachable: live events are somewhere; ak_evq_check reports it */
            rebuild_from_top(q);
            continue;
        }
        ak_evq_rung *r = &q->rungs[q->nr - 1];
        uint32_t k = r->cur;
        ak_evq_vec *b = &r->buckets[k];
        uint64_t first = r->rstart + ((uint64_t)k << r->shift), last = bucket_last(r, k);
        r->cur = k + 1;
        if (b->len > SPAWN && first < last && build_rung(q, b, first, last, false)) {
            vec_free(b); /* r is still rungs[nr - 2]; the new rung takes over the span */
            continue;
        }
        q->blast = last; /* the bottom now owns the bucket's span */
        if (b->len) {
            fill_bottom(q, b);
            vec_free(b); /* the bottom's old buffer: a drained bucket keeps no memory */
        }
    }
}

/* A crowded heap about to receive another entry: split the bottom into a finer rung covering
 * [its first time, blast], so that the heap stays small. */
static void spill(ak_evq *q)
{
    uint32_t rest = q->run.len - q->rpos;
    if (q->nr < AK_EVQ_RUNGS && !vec_reserve(&q->heap, (uint64_t)q->heap.len + rest)) {
        bool in_run;
        uint64_t lo = front(q, &in_run)->tu;
        for (uint32_t i = q->rpos; i < q->run.len; i++) /* the run joins the heap's entries */
            q->heap.e[q->heap.len++] = q->run.e[i];
        q->run.len = q->rpos = 0;
        if (lo < q->blast && build_rung(q, &q->heap, lo, q->blast, false)) {
            normalize(q);
            return;
        }
        heapify(&q->heap);
    }
    q->spill_at = spill_limit(q->heap.len); /* cannot split: retry once it doubled */
}

/* Where an entry with key tu belongs; *heap tells whether that is the bottom heap. */
static ak_evq_vec *route(ak_evq *q, uint64_t tu, bool *heap)
{
    *heap = tu <= q->blast;
    if (*heap)
        return &q->heap;
    for (uint32_t i = q->nr; i-- > 0;) {
        ak_evq_rung *r = &q->rungs[i];
        if (tu <= r->rlast)
            return &r->buckets[(tu - r->rstart) >> r->shift];
    }
    return &q->top;
}

/* Add an entry to v (the bottom heap when heap); v has room. Fields are stored one by one:
 * building the entry on the stack and copying it defeats store-to-load forwarding. */
static inline void insert(ak_evq *q, ak_evq_vec *v, bool heap, uint64_t tu, uint64_t seq,
                          uint32_t pb, uint32_t slot)
{
    if (heap) {
        ak_evq_entry x = {tu, seq, pb, slot};
        sift_up(v->e, v->len++, x);
    } else {
        ak_evq_entry *d = &v->e[v->len++];
        d->tu = tu;
        d->seq = seq;
        d->pb = pb;
        d->slot = slot;
    }
    q->nent++;
}

/* Drop every stale entry of v[from ..] in place, keeping the order; returns how many remain. */
static uint32_t filter(const ak_evq *q, ak_evq_vec *v, uint32_t from)
{
    uint32_t n = 0;
    for (uint32_t i = from; i < v->len; i++)
        if (entry_live(q, &v->e[i]))
            v->e[n++] = v->e[i];
    v->len = n;
    return n;
}

/* Compact once stale entries outnumber live ones by COMPACT_MIN (an empty queue is reset by
 * normalize instead). Amortized O(1) per cancel or reschedule. */
static void maybe_compact(ak_evq *q)
{
    if (!q->live || q->nent - q->live <= (uint64_t)q->live + COMPACT_MIN)
        return;
    uint64_t n = filter(q, &q->run, q->rpos);
    q->rpos = 0;
    n += filter(q, &q->heap, 0);
    heapify(&q->heap);
    for (uint32_t i = 0; i < q->nr; i++) {
        ak_evq_rung *r = &q->rungs[i];
        for (uint32_t k = r->cur; k < r->nb; k++)
            n += filter(q, &r->buckets[k], 0);
    }
    n += filter(q, &q->top, 0);
    q->nent = n;
}

/* ---- the interface ---- */

int ak_evq_init(ak_evq *q, uint32_t reserve)
{
    *q = (ak_evq){0};
    q->free_head = NIL;
    q->spill_at = BOTTOM_MAX;
    if (reserve > AK_EVQ_MAX_SIZE)
        reserve = AK_EVQ_MAX_SIZE;
    if (reserve == 0)
        return 0;
    q->slots = malloc((size_t)reserve * sizeof *q->slots);
    if (!q->slots || vec_reserve(&q->top, reserve)) {
        ak_evq_fini(q);
        return AK_ENOMEM;
    }
    q->slot_cap = reserve;
    return 0;
}

void ak_evq_fini(ak_evq *q)
{
    if (!q)
        return;
    free(q->slots);
    free(q->run.e);
    free(q->heap.e);
    free(q->top.e);
    for (uint32_t i = 0; i < AK_EVQ_RUNGS; i++) {
        ak_evq_rung *r = &q->rungs[i];
        for (uint32_t k = 0; k < r->nb_cap; k++)
            free(r->buckets[k].e);
        free(r->buckets);
    }
    *q = (ak_evq){0};
    q->free_head = NIL;
    q->spill_at = BOTTOM_MAX;
}

int ak_evq_push(ak_evq *q, ak_usec time, int32_t prio, uint32_t kind, uint32_t agent,
                uint32_t aux, uint64_t data, ak_evq_handle *h)
{
    if (q->live >= AK_EVQ_MAX_SIZE)
        return AK_EOVERFLOW;
    int rc = slots_reserve(q);
    if (rc)
        return rc;
    uint64_t tu = time_key(time);
    if (tu <= q->blast && q->heap.len >= q->spill_at)
        spill(q); /* reorganises, changes no event */
    bool heap;
    ak_evq_vec *v = route(q, tu, &heap);
    if ((rc = vec_reserve(v, (uint64_t)v->len + 1)))
        return rc;

    uint32_t s = q->free_head;
    if (s != NIL) {
        q->free_head = q->slots[s].next;
    } else {
        s = q->nslots++;
        q->slots[s].gen = 0;
    }
    ak_evq_slot *sl = &q->slots[s];
    sl->gen++; /* even -> odd: pending */
    uint64_t seq = q->next_seq++;
    sl->ev = (ak_sim_event){time, prio, kind, agent, aux, data, seq};
    insert(q, v, heap, tu, seq, prio_key(prio), s);
    if (!q->live++ && !heap)
        normalize(q); /* the queue was empty and the entry went to the top */
    if (h)
        *h = ((uint64_t)sl->gen << 32) | ((uint64_t)s + 1);
    return 0;
}

bool ak_evq_pop(ak_evq *q, ak_sim_event *out)
{
    if (!q->live)
        return false;
    bool in_run;
    const ak_evq_entry *f = front(q, &in_run);
    uint32_t s = f->slot;
    *out = q->slots[s].ev;
    release_slot(q, s);
    drop_front(q, in_run);
    if (q->nslots > PREFETCH_SLOTS) {
        /* the slots of the entries coming next */
        if (q->rpos + PREFETCH_AHEAD < q->run.len)
            prefetch_slot(q, q->run.e[q->rpos + PREFETCH_AHEAD].slot);
        for (uint32_t i = 1; i < 5 && i < q->heap.len; i++) /* the root's children */
            prefetch_slot(q, q->heap.e[i].slot);
    }
    f = front(q, &in_run);
    if (!f || !entry_live(q, f))
        normalize(q);
    return true;
}

const ak_sim_event *ak_evq_peek(const ak_evq *q)
{
    bool in_run;
    return q->live ? &q->slots[front(q, &in_run)->slot].ev : NULL;
}

int ak_evq_cancel(ak_evq *q, ak_evq_handle h)
{
    uint32_t s = handle_slot(q, h);
    if (s == NIL)
        return AK_ENOT_FOUND;
    release_slot(q, s);
    maybe_compact(q);
    normalize(q);
    return 0;
}

int ak_evq_reschedule(ak_evq *q, ak_evq_handle h, ak_usec time)
{
    uint32_t s = handle_slot(q, h);
    if (s == NIL)
        return AK_ENOT_FOUND;
    uint64_t tu = time_key(time);
    bool heap;
    ak_evq_vec *v = route(q, tu, &heap);
    int rc = vec_reserve(v, (uint64_t)v->len + 1);
    if (rc)
        return rc;
    ak_evq_slot *sl = &q->slots[s];
    sl->ev.time = time;
    sl->ev.seq = q->next_seq++; /* the old entry goes stale */
    insert(q, v, heap, tu, sl->ev.seq, prio_key(sl->ev.prio), s);
    maybe_compact(q);
    normalize(q);
    return 0;
}

uint32_t ak_evq_size(const ak_evq *q)
{
    return q->live;
}

/* Entry checks shared by every part; counts entries and live ones. */
static bool check_entry(const ak_evq *q, const ak_evq_entry *e, uint64_t *n, uint64_t *live)
{
    if (e->slot >= q->nslots || e->seq >= q->next_seq)
        return false;
    (*n)++;
    if (entry_live(q, e)) {
        const ak_sim_event *ev = &q->slots[e->slot].ev;
        if (time_key(ev->time) != e->tu || prio_key(ev->prio) != e->pb)
            return false;
        (*live)++;
    }
    return true;
}

int ak_evq_check(const ak_evq *q)
{
    /* slots: live count and free list */
    if (q->nslots > q->slot_cap || q->live > q->nslots)
        return AK_EINVARIANT;
    uint32_t pending = 0, nfree = 0;
    for (uint32_t s = 0; s < q->nslots; s++) {
        pending += q->slots[s].gen & 1u;
        if ((q->slots[s].gen & 1u) && q->slots[s].ev.seq >= q->next_seq)
            return AK_EINVARIANT;
    }
    if (pending != q->live)
        return AK_EINVARIANT;
    for (uint32_t s = q->free_head; s != NIL; s = q->slots[s].next)
        if (s >= q->nslots || (q->slots[s].gen & 1u) || ++nfree > q->nslots - q->live)
            return AK_EINVARIANT;
    if (nfree != q->nslots - q->live)
        return AK_EINVARIANT;

    uint64_t n = 0, live = 0;
    /* bottom: a sorted run and a heap, entries up to blast */
    if (q->rpos > q->run.len || (q->run.len && q->rpos == q->run.len))
        return AK_EINVARIANT;
    for (uint32_t i = q->rpos; i < q->run.len; i++) {
        const ak_evq_entry *e = &q->run.e[i];
        if ((i > q->rpos && !before(&q->run.e[i - 1], e)) || e->tu > q->blast ||
            !check_entry(q, e, &n, &live))
            return AK_EINVARIANT;
    }
    const ak_evq_vec *hp = &q->heap;
    for (uint32_t i = 0; i < hp->len; i++) {
        const ak_evq_entry *e = &hp->e[i];
        if ((i > 0 && before(e, &hp->e[(i - 1) >> 2])) || e->tu > q->blast ||
            !check_entry(q, e, &n, &live))
            return AK_EINVARIANT;
    }
    /* rungs: finest first, each entry in its bucket and after everything finer */
    if (q->nr > AK_EVQ_RUNGS)
        return AK_EINVARIANT;
    uint64_t floor = q->blast; /* every entry from here on is later than this */
    for (uint32_t i = AK_EVQ_RUNGS; i-- > 0;) {
        const ak_evq_rung *r = &q->rungs[i];
        bool used = i < q->nr;
        if (r->nb > r->nb_cap || r->cur > r->nb || (!used && r->nb) || r->shift > 63)
            return AK_EINVARIANT;
        for (uint32_t k = 0; k < r->nb_cap; k++) {
            const ak_evq_vec *v = &r->buckets[k];
            if (v->len && (!used || k < r->cur || k >= r->nb))
                return AK_EINVARIANT;
            for (uint32_t j = 0; j < v->len; j++) {
                const ak_evq_entry *e = &v->e[j];
                if (e->tu <= floor || e->tu < r->rstart || e->tu > r->rlast ||
                    ((e->tu - r->rstart) >> r->shift) != k || !check_entry(q, e, &n, &live))
                    return AK_EINVARIANT;
            }
        }
        if (used && r->cur < r->nb) {
            if (r->rlast < floor)
                return AK_EINVARIANT;
            floor = r->rlast;
        }
    }
    /* top: beyond everything */
    for (uint32_t i = 0; i < q->top.len; i++)
        if (q->top.e[i].tu <= floor || !check_entry(q, &q->top.e[i], &n, &live))
            return AK_EINVARIANT;
    if (n != q->nent || live != q->live)
        return AK_EINVARIANT;
    bool in_run;
    const ak_evq_entry *f = front(q, &in_run);
    if (q->live && (!f || !entry_live(q, f)))
        return AK_EINVARIANT;
    if (!q->live && q->nent)
        return AK_EINVARIANT;
    return 0;
}
