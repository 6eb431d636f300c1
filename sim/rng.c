/*
 * sim/rng.c: xoshiro256** as a GSL generator type, and the per-run, per-family streams (see
 * rng.h). Both algorithms are written from their published descriptions and are public domain:
 * splitmix64 (Steele, Lea and Flood, OOPSLA 2014, with the finalizer constants of Vigna's
 * reference seeding code) and xoshiro256** (Blackman and Vigna 2018).
 */
#include "rng.h"

#include "errors.h"

/* gsl_rng_set passes the seed as an unsigned long; the streams' 64-bit seeds (rng.h) only fit
 * when it is 64 bits wide, as on every LP64 platform akashsim targets. A 32-bit long would
 * silently drop half of each seed and bring back the collisions this module exists to avoid. */
_Static_assert(sizeof(unsigned long) == 8, "ak_rng needs a 64-bit unsigned long to pass seeds");

#define GOLDEN 0x9e3779b97f4a7c15ULL

static uint64_t finalize(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

uint64_t ak_rng_splitmix64(uint64_t *x)
{
    *x += GOLDEN;
    return finalize(*x);
}

static inline uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t ak_rng_xoshiro_next(ak_rng_state *st)
{
    uint64_t *s = st->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

/* splitmix64 is a bijection of its counter, so of four successive outputs at most one is zero:
 * the state is never all zero, the one state xoshiro must avoid. */
static void xo_set(void *state, unsigned long seed)
{
    ak_rng_state *st = state;
    uint64_t x = seed;
    for (int i = 0; i < 4; i++)
        st->s[i] = ak_rng_splitmix64(&x);
}

static unsigned long xo_get(void *state)
{
    return (unsigned long)(ak_rng_xoshiro_next(state) >> 32);
}

static double xo_get_double(void *state)
{
    return (double)(ak_rng_xoshiro_next(state) >> 11) * 0x1.0p-53;
}

static const gsl_rng_type xoshiro256ss = {
    .name = "xoshiro256**",
    .max = 0xffffffffUL,
    .min = 0,
    .size = sizeof(ak_rng_state),
    .set = xo_set,
    .get = xo_get,
    .get_double = xo_get_double,
};

const gsl_rng_type *ak_rng_type(void)
{
    return &xoshiro256ss;
}

static const char *const family_names[AK_RNG_FAMILIES] = {
    [AK_RNG_TENANTS] = "tenants",
    [AK_RNG_PROVIDERS] = "providers",
    [AK_RNG_VALIDATORS] = "validators",
    [AK_RNG_PRICE] = "price",
    [AK_RNG_CHAIN] = "chain",
    [AK_RNG_RELIABILITY] = "reliability",
    [AK_RNG_DETECTION] = "detection",
    [AK_RNG_OPERATORS] = "operators",
    [AK_RNG_GOVERNANCE] = "governance",
    [AK_RNG_ENTRANTS] = "entrants",
    [AK_RNG_DELEGATORS] = "delegators",
    [AK_RNG_SWEEP] = "sweep",
};

const char *ak_rng_family_name(uint32_t family)
{
    return family < AK_RNG_FAMILIES ? family_names[family] : NULL;
}

uint64_t ak_rng_seed(uint64_t seed, uint32_t replication, uint32_t family)
{
    uint64_t h = finalize(seed + GOLDEN);
    /* Packing the pair into one word keeps it injective for a given seed; replication in the
     * high half is what makes the mix asymmetric. */
    return finalize((h ^ ((uint64_t)replication << 32 | family)) + GOLDEN);
}

int ak_rng_stream(uint64_t seed, uint32_t replication, uint32_t family, gsl_rng **out)
{
    gsl_rng *r = gsl_rng_alloc(&xoshiro256ss);
    if (!r)
        return AK_ENOMEM;
    gsl_rng_set(r, (unsigned long)ak_rng_seed(seed, replication, family));
    *out = r;
    return 0;
}

void ak_rng_local(gsl_rng *out, ak_rng_state *state, uint64_t seed)
{
    out->type = &xoshiro256ss;
    out->state = state;
    xo_set(state, (unsigned long)seed);
}
