/*
 * sim/evq.h: the simulation engine's queue of pending events.
 *
 * The engine pops events in total order (time, priority, sequence) (DESIGN.md). This queue is
 * that order: an event A runs before an event B when
 *
 *   A.time < B.time, or
 *   A.time == B.time and A.prio < B.prio (a lower priority value runs first), or
 *   A.time == B.time and A.prio == B.prio and A.seq < B.seq (insertion order: FIFO).
 *
 * seq is assigned by the queue when an event is pushed (or rescheduled) from a per-queue counter
 * that starts at 0 and never repeats (64 bits), so no two pending events compare equal and the
 * order of pops is fully determined by the sequence of calls: a replay pops the same events in
 * the same order. Any int64 time and any int32 priority are accepted, including times earlier
 * than events already popped.
 *
 * Every push returns a handle that cancels or reschedules the event until it is popped or
 * cancelled. Handles are (generation, slot) pairs: a handle that is stale (its event was popped
 * or cancelled, even if the slot has since been reused) or garbage is refused with
 * AK_ENOT_FOUND and changes nothing. Handle 0 is never issued, so callers may use 0 for "no
 * event". A slot's 32-bit generation advances twice per use of the slot, so a stale handle could
 * only be mistaken for a live one after 2^31 further reuses of that very slot.
 *
 * Implementation: a ladder queue (Tang, Goh and Thng, ACM TOMACS 2005). Events later than the
 * front wait unsorted in buckets of equal power-of-two time width ("rungs", up to AK_EVQ_RUNGS,
 * each finer rung splitting one crowded bucket of the coarser one) or, beyond the rungs, in an
 * unsorted array ("top"). The front ("bottom") is the current bucket, sorted when it is taken,
 * plus a 4-ary heap for events pushed into its span afterwards. When the bottom runs dry it
 * takes the next bucket; when the rungs are used up the first rung is rebuilt from the top.
 * Entries carry the order key inline (time, prio, seq) and the index of a slot holding the
 * payload. Cancel and reschedule are lazy: they retire the slot's current seq, and the stale
 * entry is dropped when it reaches the front, or by an in-place compaction once stale entries
 * outnumber live ones. Push, pop and cancel cost O(1) amortized when times are spread out, and
 * O(log n) at worst (many events at one time share a heap). Memory grows geometrically (about
 * 100 bytes per pending event in a steady state); nothing is allocated per event.
 *
 * Nothing here does I/O, reads a clock or keeps global state. A queue is used by one thread at
 * a time.
 */
#ifndef AK_EVQ_H
#define AK_EVQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifndef AK_USEC_DEFINED
#define AK_USEC_DEFINED
/* Simulated time in integer microseconds. */
typedef int64_t ak_usec;
#endif

/* One pending event. kind, agent, aux and data are the engine's payload: the queue stores and
 * returns them untouched. seq is written by the queue (see the order above). */
typedef struct ak_sim_event {
    ak_usec time;
    int32_t prio;
    uint32_t kind;
    uint32_t agent;
    uint32_t aux;
    uint64_t data;
    uint64_t seq;
} ak_sim_event;

/* Names one pushed event; never 0. */
typedef uint64_t ak_evq_handle;

/* Most events a queue holds at once. */
#define AK_EVQ_MAX_SIZE (UINT32_MAX - 1u)

/* ---- the structure is public so callers can embed it; treat its fields as private ---- */

typedef struct ak_evq_entry { /* order key of one event, and its slot */
    uint64_t tu;   /* time, order-preserving as unsigned: (uint64_t)time ^ 2^63 */
    uint64_t seq;
    uint32_t pb;   /* prio, order-preserving as unsigned: (uint32_t)prio ^ 2^31 */
    uint32_t slot;
} ak_evq_entry;

typedef struct ak_evq_vec { /* a growable array of entries */
    ak_evq_entry *e;
    uint32_t len, cap;
} ak_evq_vec;

typedef struct ak_evq_slot {
    ak_sim_event ev; /* ev.seq is the seq of the event's one live entry */
    uint32_t gen;    /* odd while the slot holds a pending event */
    uint32_t next;   /* free: next free slot */
} ak_evq_slot;

/* A rung: nb buckets of 2^shift time units from rstart; buckets[cur .. nb-1] are pending and
 * the rung covers tu up to rlast. Rung i+1 covers an earlier span than rung i. */
typedef struct ak_evq_rung {
    ak_evq_vec *buckets;
    uint32_t nb, nb_cap, cur, shift;
    uint64_t rstart, rlast;
} ak_evq_rung;

#define AK_EVQ_RUNGS 8

typedef struct ak_evq {
    ak_evq_slot *slots;  /* slots[0 .. nslots-1], pending or on the free list */
    uint32_t nslots, slot_cap;
    uint32_t free_head;  /* first free slot, or UINT32_MAX */
    uint32_t live;       /* pending events */
    uint64_t next_seq;   /* seq of the next push or reschedule */
    uint64_t nent;       /* entries in bottom, rungs and top, stale ones included */
    /* the bottom: every entry with tu <= blast, in a sorted run and a heap */
    ak_evq_vec run;      /* ascending; run.e[rpos .. run.len-1] pending */
    uint32_t rpos;
    uint32_t spill_at;   /* a heap this long is split into a rung before it grows */
    ak_evq_vec heap;     /* 4-ary min-heap */
    uint64_t blast;
    uint32_t nr;         /* rungs in use */
    ak_evq_rung rungs[AK_EVQ_RUNGS];
    ak_evq_vec top;      /* unsorted: the entries beyond every rung */
} ak_evq;

/* Set up an empty queue in caller memory, sized for reserve pending events (0 allocates
 * nothing; the queue grows as needed either way; a reserve above AK_EVQ_MAX_SIZE is clamped).
 * 0, or AK_ENOMEM (then *q holds no memory, and ak_evq_fini is still safe). */
int ak_evq_init(ak_evq *q, uint32_t reserve);

/* Free the queue's memory; pending events are dropped and every handle goes stale. NULL-safe.
 * The queue may be initialised again afterwards. */
void ak_evq_fini(ak_evq *q);

/* Add an event at time with priority prio and the given payload; its seq is the next value of
 * the queue's counter. Writes its handle to *h unless h is NULL. 0; AK_ENOMEM when the queue
 * needs to grow and cannot (the queue is unchanged); AK_EOVERFLOW when it already holds
 * AK_EVQ_MAX_SIZE events (unchanged). */
int ak_evq_push(ak_evq *q, ak_usec time, int32_t prio, uint32_t kind, uint32_t agent,
                uint32_t aux, uint64_t data, ak_evq_handle *h);

/* Remove the first event in the order into *out and return true; false (and *out untouched)
 * when the queue is empty. The event's handle goes stale. Never allocates. */
bool ak_evq_pop(ak_evq *q, ak_sim_event *out);

/* The first event in the order, or NULL when empty. The pointer is valid until the next call
 * that changes the queue. */
const ak_sim_event *ak_evq_peek(const ak_evq *q);

/* Remove the pending event named by h. 0, or AK_ENOT_FOUND when h is stale or garbage (then
 * nothing changes). The handle goes stale. Never allocates. */
int ak_evq_cancel(ak_evq *q, ak_evq_handle h);

/* Move the pending event named by h to a new time, keeping its priority and payload. It gets a
 * fresh seq, exactly as if it had been cancelled and pushed again: among events with the same
 * time and priority it now runs last. The handle stays valid. 0; AK_ENOT_FOUND when h is stale
 * or garbage; AK_ENOMEM when the queue needs to grow and cannot. On failure nothing changes. */
int ak_evq_reschedule(ak_evq *q, ak_evq_handle h, ak_usec time);

/* Number of pending events. */
uint32_t ak_evq_size(const ak_evq *q);

/* Verify the structure: the bottom's order (sorted run, heap), every entry in the part its time
 * belongs to, entries and slots in agreement (keys, seq, live and stale counts), the first
 * entry live, the free list. 0 or AK_EINVARIANT. O(entries + buckets); meant for tests. */
int ak_evq_check(const ak_evq *q);

#endif
