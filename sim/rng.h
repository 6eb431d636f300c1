/*
 * sim/rng.h: the random streams of a run (DESIGN.md "Determinism and parallel runs").
 *
 * Each run owns one GSL random stream per agent family, seeded from (seed, replication,
 * family). A family's draws depend on nothing but that triple, so adding a family, or an agent
 * or a draw in one family, never shifts another family's draws, and a replication gives the same
 * numbers whatever the thread count or shard layout.
 *
 * The generator is xoshiro256** (Blackman and Vigna, "Scrambled linear pseudorandom number
 * generators", 2018), packaged as a GSL generator type so every gsl_ran_* function takes it. It
 * is used instead of GSL's mt19937 because mt19937 seeds from 32 bits only, and a sweep draws
 * ~10^5 streams: 32-bit seeds would collide (birthday bound), 64-bit ones do not.
 */
#ifndef AK_RNG_H
#define AK_RNG_H

#include <gsl/gsl_rng.h>
#include <stdint.h>

/* Agent families, one stream each. The values enter the stream seeds, so they are part of the
 * results' reproducibility: append only, never renumber or reuse a value. */
typedef enum ak_rng_family {
    AK_RNG_TENANTS = 1,
    AK_RNG_PROVIDERS,
    AK_RNG_VALIDATORS,
    AK_RNG_PRICE,
    AK_RNG_CHAIN,
    AK_RNG_RELIABILITY, /* provider failures, repairs and outages */
    AK_RNG_DETECTION,   /* how long tenants take to notice a failure */
    AK_RNG_OPERATORS,   /* validator operators: failures, repairs, outages, double signs */
    AK_RNG_GOVERNANCE,  /* votes: whether, what and when */
    AK_RNG_ENTRANTS,    /* the capacities of providers that may enter during a run */
    AK_RNG_DELEGATORS,  /* delegators' stakes and validators at genesis */
    AK_RNG_SWEEP,       /* a sweep's sampled design and its per-point seeds (not in a run) */
    AK_RNG_FAMILIES /* one past the last family; not a family */
} ak_rng_family;

/* Lower-case name of a family ("tenants", "providers", "validators", "price", "chain",
 * "reliability", "detection", "operators", "governance", "entrants",
 * "delegators", "sweep"); NULL
 * for a value that is not a family. */
const char *ak_rng_family_name(uint32_t family);

/* The xoshiro256** generator as a GSL type, named "xoshiro256**".
 *   set(seed):   the 256-bit state is four successive outputs of splitmix64 started at seed
 *                (the seeding the algorithm's authors recommend); never all zero. The whole
 *                unsigned long (64 bits) of the seed is used.
 *   get:         the upper 32 bits of the next 64-bit output; min 0, max 0xffffffff.
 *   get_double:  (next >> 11) * 2^-53, in [0, 1) on a 2^-53 grid.
 * State size is sizeof(ak_rng_state); gsl_rng_clone and gsl_rng_memcpy work. Static; never
 * NULL. */
const gsl_rng_type *ak_rng_type(void);

/* Mix a run's (seed, replication, family) into the 64-bit seed of its stream. With
 * sm(x) = the first output of splitmix64 started at x (that is, finalizer(x + 0x9e3779b97f4a7c15)):
 *     h = sm(seed);  result = sm(h ^ ((uint64_t)replication << 32 | family)).
 * For one seed, distinct (replication, family) pairs give distinct results (sm is a bijection),
 * and the mix is not symmetric: (s, 1, 2) and (s, 2, 1) differ. Across seeds, collisions are as
 * likely as for random 64-bit values. Pure; the formula is part of reproducibility: do not
 * change it. */
uint64_t ak_rng_seed(uint64_t seed, uint32_t replication, uint32_t family);

/* Allocate the stream of (seed, replication, family): a gsl_rng of ak_rng_type() set to
 * ak_rng_seed(seed, replication, family). On success *out receives it, and the caller frees it
 * with gsl_rng_free. Returns 0, or AK_ENOMEM (with GSL's error handler off, as main sets it;
 * *out is then untouched). */
int ak_rng_stream(uint64_t seed, uint32_t replication, uint32_t family, gsl_rng **out);

/* The state of one xoshiro256** generator. */
typedef struct ak_rng_state {
    uint64_t s[4];
} ak_rng_state;

/* A stream on caller memory, no allocation: *out uses *state (which must outlive it) and is set
 * to seed exactly as gsl_rng_set would. Do not gsl_rng_free it. For short-lived sub-streams. */
void ak_rng_local(gsl_rng *out, ak_rng_state *state, uint64_t seed);

/* The primitives, exposed for known-answer tests and for callers that want raw 64-bit values.
 * ak_rng_splitmix64 advances *x and returns its next output; ak_rng_xoshiro_next advances the
 * state (which must not be all zero) and returns its next 64-bit output. */
uint64_t ak_rng_splitmix64(uint64_t *x);
uint64_t ak_rng_xoshiro_next(ak_rng_state *st);

#endif
