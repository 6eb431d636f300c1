/*
 * protocol/dec.c: the SDK's LegacyDec (math/legacy_dec.go) on a signed 128-bit scaled integer,
 * rounding copied bit-exactly from chain-rules.md section 0.2; contracts in dec.h.
 *
 * Every operation works on magnitudes and applies the sign last: the SDK's Go big.Int Quo
 * truncates toward zero and its chopPrecisionAnd* helpers negate, chop and negate back, so
 * all of its rules are functions of the magnitude and the sign.
 *
 * Products of two Decs and numerators of Quo need up to 256 bits. They are held as four
 * 64-bit limbs on the stack. Division by the constant 10^18 (the hot one: every Mul, every
 * TruncateInt) uses a precomputed reciprocal (Moller and Granlund, "Improved division by
 * invariant integers", IEEE Trans. Computers 60(2), 2011, algorithm 4), so it costs two
 * multiplications per limb and no divide instruction. Division by an arbitrary Dec (Quo*) goes
 * to GMP's mpn layer, which needs no allocation for operands this small and keeps no state.
 */
#include "dec.h"

#include <gmp.h>
#include <string.h>

#include "errors.h"

typedef unsigned __int128 u128;

#define P18 UINT64_C(1000000000000000000)       /* 10^18 */
#define HALF18 UINT64_C(500000000000000000)     /* 10^18 / 2 */
#define P18_NORM UINT64_C(0xde0b6b3a76400000)   /* 10^18 << 4: top bit set */
#define P18_SHIFT 4
#define P18_INV UINT64_C(0x2725dd1d243aba0e)    /* floor((2^128 - 1) / P18_NORM) - 2^64 */
#define P36 (((u128)UINT64_C(0xc097ce7bc90715) << 64) | UINT64_C(0xb34b9f1000000000)) /* 10^36 */

#define I128_MAX ((__int128)(((u128)1 << 127) - 1))
#define I128_MIN (-I128_MAX - 1)
#define MAG_MAX_POS (((u128)1 << 127) - 1) /* largest magnitude of a positive int128 */
#define MAG_MAX_NEG ((u128)1 << 127)       /* largest magnitude of a negative int128 */

_Static_assert(sizeof(mp_limb_t) == sizeof(uint64_t), "GMP limbs must be 64 bits");
_Static_assert(GMP_NAIL_BITS == 0, "GMP nails are not supported");

enum round_mode { ROUND_HALF_EVEN, ROUND_TRUNC, ROUND_CEIL };

static inline u128 mag(__int128 v)
{
    return v < 0 ? (u128)0 - (u128)v : (u128)v;
}

/* Magnitude and sign back to a Dec, or AK_EOVERFLOW if int128 cannot hold it. */
static inline int make(u128 m, bool neg, ak_dec *out)
{
    if (m > (neg ? MAG_MAX_NEG : MAG_MAX_POS))
        return AK_EOVERFLOW;
    /* Two's complement negation on the unsigned value, then an in-range conversion (or, for
     * 2^127 itself, GCC's documented modulo conversion), so no signed overflow anywhere. */
    out->v = neg ? (__int128)(~m + 1) : (__int128)m;
    return 0;
}

/* (hi * 2^64 + lo) / 10^18 with hi < 10^18, so the quotient fits in 64 bits; the remainder
 * goes to *rem. Algorithm 4 of Moller and Granlund on the normalized divisor 10^18 << 4. */
static inline uint64_t div_step_p18(uint64_t hi, uint64_t lo, uint64_t *rem)
{
    uint64_t n1 = (hi << P18_SHIFT) | (lo >> (64 - P18_SHIFT));
    uint64_t n0 = lo << P18_SHIFT;
    u128 p = (u128)n1 * P18_INV + (((u128)(n1 + 1) << 64) | n0); /* wraps mod 2^128: intended */
    uint64_t q = (uint64_t)(p >> 64);
    uint64_t r = n0 - q * P18_NORM;
    if (r > (uint64_t)p) {
        q--;
        r += P18_NORM;
    }
    if (__builtin_expect(r >= P18_NORM, 0)) {
        q++;
        r -= P18_NORM;
    }
    *rem = r >> P18_SHIFT;
    return q;
}

/* u / 10^18 for any 128-bit u, remainder to *rem. */
static inline u128 div128_p18(u128 u, uint64_t *rem)
{
    uint64_t hi = (uint64_t)(u >> 64);
    uint64_t qh = hi / P18; /* 64-bit division by a constant: the compiler multiplies */
    uint64_t ql = div_step_p18(hi % P18, (uint64_t)u, rem);
    return ((u128)qh << 64) | ql;
}

/* Apply a rounding mode to a truncated magnitude q with remainder rem (of 10^18) for a
 * result of sign neg. Returns false if q + 1 wraps. */
static inline bool round_mag(u128 *q, uint64_t rem, bool neg, enum round_mode mode)
{
    bool up;
    switch (mode) {
    case ROUND_HALF_EVEN: /* chopPrecisionAndRound: ties go to the even quotient */
        up = rem > HALF18 || (rem == HALF18 && (*q & 1));
        break;
    case ROUND_CEIL: /* chopPrecisionAndRoundUp: up if positive, truncate if negative */
        up = rem != 0 && !neg;
        break;
    default: /* chopPrecisionAndTruncate */
        up = false;
        break;
    }
    if (up && ++*q == 0)
        return false;
    return true;
}

/* Divide the 256-bit magnitude n[0..3] (little-endian limbs) by 10^18 and round: the SDK's
 * chop step. AK_EOVERFLOW if the result cannot be an int128 of sign neg. */
static int chop256(const uint64_t n[4], bool neg, enum round_mode mode, ak_dec *out)
{
    /* A quotient of 2^128 or more is out of range whatever the rounding: n[3] != 0 alone
     * means n >= 2^192 > 2^128 * 10^18, and likewise n[2] >= 10^18. */
    if (n[3] != 0 || n[2] >= P18)
        return AK_EOVERFLOW;
    uint64_t r;
    uint64_t q1 = div_step_p18(n[2], n[1], &r);
    uint64_t q0 = div_step_p18(r, n[0], &r);
    u128 q = ((u128)q1 << 64) | q0;
    if (!round_mag(&q, r, neg, mode))
        return AK_EOVERFLOW;
    return make(q, neg, out);
}

/* 128 x 128 -> 256-bit product, little-endian limbs. */
static inline void mul128(u128 a, u128 b, uint64_t p[4])
{
    uint64_t a0 = (uint64_t)a, a1 = (uint64_t)(a >> 64);
    uint64_t b0 = (uint64_t)b, b1 = (uint64_t)(b >> 64);
    u128 ll = (u128)a0 * b0;
    if ((a1 | b1) == 0) { /* both below 2^64: the common small case */
        p[0] = (uint64_t)ll;
        p[1] = (uint64_t)(ll >> 64);
        p[2] = p[3] = 0;
        return;
    }
    u128 lh = (u128)a0 * b1;
    u128 hl = (u128)a1 * b0;
    u128 hh = (u128)a1 * b1;
    /* Middle column: high half of ll plus low halves of lh and hl (no 128-bit overflow:
     * three values below 2^64). */
    u128 mid = (ll >> 64) + (uint64_t)lh + (uint64_t)hl;
    p[0] = (uint64_t)ll;
    p[1] = (uint64_t)mid;
    u128 top = hh + (lh >> 64) + (hl >> 64) + (mid >> 64); /* < 2^128: the product fits 256 */
    p[2] = (uint64_t)top;
    p[3] = (uint64_t)(top >> 64);
}

static int mul_mode(ak_dec a, ak_dec b, enum round_mode mode, ak_dec *out)
{
    u128 ma = mag(a.v), mb = mag(b.v);
    bool neg = (a.v < 0) != (b.v < 0);
    u128 p;
    if (!__builtin_mul_overflow(ma, mb, &p)) {
        /* Fast path: the product fits in 128 bits, one chop of two limbs. */
        uint64_t r;
        u128 q = div128_p18(p, &r);
        if (!round_mag(&q, r, neg, mode))
            return AK_EOVERFLOW;
        return make(q, neg, out);
    }
    uint64_t pp[4];
    mul128(ma, mb, pp);
    return chop256(pp, neg, mode, out);
}

/* Truncated n / d for a 256-bit n and nonzero 128-bit d: quotient to q[0..3], and whether
 * the remainder is nonzero. Uses GMP's mpn layer on the stack. */
static bool div256(const uint64_t n[4], u128 d, uint64_t q[4])
{
    mp_limb_t np[4], dp[2], qp[4] = {0, 0, 0, 0}, rp[2] = {0, 0};
    mp_size_t nn = 4;
    for (int i = 0; i < 4; i++)
        np[i] = n[i];
    while (nn > 0 && np[nn - 1] == 0)
        nn--;
    dp[0] = (mp_limb_t)d;
    dp[1] = (mp_limb_t)(d >> 64);
    mp_size_t dn = dp[1] != 0 ? 2 : 1;
    bool rem;
    if (nn < dn) { /* n < d: quotient 0, remainder n */
        rem = nn != 0;
    } else if (dn == 1) {
        rem = mpn_divrem_1(qp, 0, np, nn, dp[0]) != 0;
    } else {
        mpn_tdiv_qr(qp, rp, 0, np, nn, dp, dn);
        rem = (rp[0] | rp[1]) != 0;
    }
    for (int i = 0; i < 4; i++)
        q[i] = qp[i];
    return rem;
}

ak_dec ak_dec_zero(void)
{
    return (ak_dec){0};
}

ak_dec ak_dec_from_int(int64_t i)
{
    return (ak_dec){(__int128)i * (__int128)P18};
}

ak_dec ak_dec_from_raw(__int128 scaled)
{
    return (ak_dec){scaled};
}

int ak_dec_from_int128(__int128 i, ak_dec *out)
{
    __int128 v;
    if (__builtin_mul_overflow(i, (__int128)P18, &v))
        return AK_EOVERFLOW;
    out->v = v;
    return 0;
}

int ak_dec_add(ak_dec a, ak_dec b, ak_dec *out)
{
    __int128 v;
    if (__builtin_add_overflow(a.v, b.v, &v))
        return AK_EOVERFLOW;
    out->v = v;
    return 0;
}

int ak_dec_sub(ak_dec a, ak_dec b, ak_dec *out)
{
    __int128 v;
    if (__builtin_sub_overflow(a.v, b.v, &v))
        return AK_EOVERFLOW;
    out->v = v;
    return 0;
}

int ak_dec_neg(ak_dec a, ak_dec *out)
{
    if (a.v == I128_MIN)
        return AK_EOVERFLOW;
    out->v = -a.v;
    return 0;
}

int ak_dec_mul(ak_dec a, ak_dec b, ak_dec *out)
{
    return mul_mode(a, b, ROUND_HALF_EVEN, out);
}

int ak_dec_mul_truncate(ak_dec a, ak_dec b, ak_dec *out)
{
    return mul_mode(a, b, ROUND_TRUNC, out);
}

int ak_dec_mul_round_up(ak_dec a, ak_dec b, ak_dec *out)
{
    return mul_mode(a, b, ROUND_CEIL, out);
}

int ak_dec_mul_int(ak_dec a, int64_t i, ak_dec *out)
{
    __int128 v;
    if (__builtin_mul_overflow(a.v, (__int128)i, &v))
        return AK_EOVERFLOW;
    out->v = v;
    return 0;
}

int ak_dec_quo(ak_dec a, ak_dec b, ak_dec *out)
{
    if (b.v == 0)
        return AK_EDIVZERO;
    bool neg = (a.v < 0) != (b.v < 0);
    uint64_t n[4], q[4];
    /* |a| * 10^36 < 2^127 * 2^120: fits in 256 bits. Truncate, then round by 10^18: the
     * rounding sees only the truncated quotient, as in the SDK. */
    mul128(mag(a.v), P36, n);
    div256(n, mag(b.v), q);
    return chop256(q, neg, ROUND_HALF_EVEN, out);
}

/* |a| * 10^18 / |b| truncated: magnitude to *q, remainder-nonzero flag returned through
 * *rem. AK_EOVERFLOW if the quotient is 2^128 or more. */
static int quo18(ak_dec a, ak_dec b, u128 *q, bool *rem)
{
    u128 ma = mag(a.v), mb = mag(b.v);
    u128 n;
    if (!__builtin_mul_overflow(ma, (u128)P18, &n)) {
        /* Small numerator (|a| < about 340): native 128-bit division. */
        *q = n / mb;
        *rem = n - *q * mb != 0;
        return 0;
    }
    uint64_t nl[4], ql[4];
    mul128(ma, (u128)P18, nl);
    *rem = div256(nl, mb, ql);
    if (ql[2] != 0 || ql[3] != 0)
        return AK_EOVERFLOW;
    *q = ((u128)ql[1] << 64) | ql[0];
    return 0;
}

int ak_dec_quo_truncate(ak_dec a, ak_dec b, ak_dec *out)
{
    if (b.v == 0)
        return AK_EDIVZERO;
    u128 q;
    bool rem;
    int rc = quo18(a, b, &q, &rem);
    if (rc != 0)
        return rc;
    return make(q, (a.v < 0) != (b.v < 0), out);
}

int ak_dec_quo_round_up(ak_dec a, ak_dec b, ak_dec *out)
{
    if (b.v == 0)
        return AK_EDIVZERO;
    u128 q;
    bool rem;
    int rc = quo18(a, b, &q, &rem);
    if (rc != 0)
        return rc;
    bool neg = (a.v < 0) != (b.v < 0);
    if (rem) {
        /* The SDK adds one to the signed truncated quotient when the remainder is nonzero
         * and "the quotient's sign matches": its test reads the quotient after QuoRem has
         * overwritten the dividend, so it adds one in every case except a negative exact
         * quotient that truncated to 0. On magnitudes: a positive result grows by one, a
         * negative one shrinks by one unless it is already 0. */
        if (!neg) {
            if (++q == 0)
                return AK_EOVERFLOW;
        } else if (q != 0) {
            q--;
        }
    }
    return make(q, neg, out);
}

int ak_dec_quo_int(ak_dec a, int64_t i, ak_dec *out)
{
    if (i == 0)
        return AK_EDIVZERO;
    if (i == -1) {
        return ak_dec_neg(a, out); /* the only case that can overflow */
    }
    out->v = a.v / i; /* C division truncates toward zero, like Go's big.Int Quo */
    return 0;
}

int ak_dec_truncate_int(ak_dec a, int64_t *out)
{
    u128 m = mag(a.v);
    uint64_t hi = (uint64_t)(m >> 64);
    if (hi >= P18) /* quotient >= 2^64 */
        return AK_EOVERFLOW;
    uint64_t r;
    uint64_t q = div_step_p18(hi, (uint64_t)m, &r);
    if (a.v < 0) {
        if (q > (uint64_t)INT64_MAX + 1)
            return AK_EOVERFLOW;
        *out = (int64_t)(~q + 1);
    } else {
        if (q > (uint64_t)INT64_MAX)
            return AK_EOVERFLOW;
        *out = (int64_t)q;
    }
    return 0;
}

int ak_dec_round_int(ak_dec a, int64_t *out)
{
    u128 m = mag(a.v);
    uint64_t hi = (uint64_t)(m >> 64);
    if (hi >= P18)
        return AK_EOVERFLOW;
    uint64_t r;
    u128 q = div_step_p18(hi, (uint64_t)m, &r);
    round_mag(&q, r, a.v < 0, ROUND_HALF_EVEN); /* q < 2^64: cannot wrap */
    if (a.v < 0) {
        if (q > (u128)INT64_MAX + 1)
            return AK_EOVERFLOW;
        *out = (int64_t)(~(uint64_t)q + 1);
    } else {
        if (q > (u128)INT64_MAX)
            return AK_EOVERFLOW;
        *out = (int64_t)q;
    }
    return 0;
}

int ak_dec_truncate_int128(ak_dec a, __int128 *out)
{
    uint64_t r;
    u128 q = div128_p18(mag(a.v), &r);
    /* q <= 2^127 / 10^18: always representable with either sign. */
    *out = a.v < 0 ? -(__int128)q : (__int128)q;
    return 0;
}

ak_dec ak_dec_truncate_dec(ak_dec a)
{
    uint64_t r;
    u128 q = div128_p18(mag(a.v), &r);
    __int128 v = (__int128)(q * P18); /* |q * 10^18| <= |a|: fits */
    return (ak_dec){a.v < 0 ? -v : v};
}

int ak_dec_cmp(ak_dec a, ak_dec b)
{
    return (a.v > b.v) - (a.v < b.v);
}

bool ak_dec_is_zero(ak_dec a)
{
    return a.v == 0;
}

bool ak_dec_is_negative(ak_dec a)
{
    return a.v < 0;
}

bool ak_dec_is_positive(ak_dec a)
{
    return a.v > 0;
}

ak_dec ak_dec_min(ak_dec a, ak_dec b)
{
    return a.v < b.v ? a : b;
}

ak_dec ak_dec_max(ak_dec a, ak_dec b)
{
    return a.v < b.v ? b : a;
}

static inline bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

int ak_dec_parse(const char *s, size_t len, ak_dec *out)
{
    if (s == NULL && len > 0)
        return AK_EINVAL;
    size_t i = 0;
    bool neg = false;
    if (len > 0 && s[0] == '-') {
        neg = true;
        i = 1;
    }
    /* Syntax first, value second: the SDK reports a malformed string before a range error. */
    size_t int_start = i, int_len = 0, frac_start = 0, frac_len = 0;
    while (i < len && is_digit(s[i]))
        i++;
    int_len = i - int_start;
    if (i < len && s[i] == '.') {
        i++;
        frac_start = i;
        while (i < len && is_digit(s[i]))
            i++;
        frac_len = i - frac_start;
        if (frac_len == 0) /* "1." */
            return AK_ESYNTAX;
    }
    if (i != len || int_len == 0) /* stray byte, empty, "-", ".5" */
        return AK_ESYNTAX;
    if (frac_len > AK_DEC_PRECISION)
        return AK_ESYNTAX;

    u128 m = 0;
    const u128 lim = MAG_MAX_NEG; /* no magnitude above this is valid with either sign */
    for (size_t k = int_start; k < int_start + int_len; k++) {
        if (m > (lim - (u128)(s[k] - '0')) / 10)
            return AK_EOVERFLOW;
        m = m * 10 + (u128)(s[k] - '0');
    }
    for (size_t k = 0; k < AK_DEC_PRECISION; k++) {
        unsigned dgt = k < frac_len ? (unsigned)(s[frac_start + k] - '0') : 0;
        if (m > (lim - dgt) / 10)
            return AK_EOVERFLOW;
        m = m * 10 + dgt;
    }
    ak_dec v;
    if (make(m, neg, &v) != 0)
        return AK_EOVERFLOW;
    *out = v;
    return 0;
}

/* Write the decimal digits of x, exactly `width` of them (zero-padded), ending before end. */
static void put_digits(char *end, uint64_t x, int width)
{
    for (int k = 0; k < width; k++) {
        *--end = (char)('0' + x % 10);
        x /= 10;
    }
}

static int digits_u64(uint64_t x)
{
    int n = 1;
    while (x >= 10) {
        x /= 10;
        n++;
    }
    return n;
}

int ak_dec_format(ak_dec a, char *buf, size_t cap)
{
    if (buf == NULL)
        return AK_EINVAL;
    u128 m = mag(a.v);
    uint64_t frac, mid;
    u128 ip = div128_p18(m, &frac);      /* integer part, < 1.8e20 */
    uint64_t top = (uint64_t)div128_p18(ip, &mid); /* < 171: the 19th and higher digits */
    char tmp[AK_DEC_STRLEN];
    char *end = tmp + sizeof tmp;
    char *p = end;
    put_digits(p, frac, AK_DEC_PRECISION);
    p -= AK_DEC_PRECISION;
    *--p = '.';
    if (top != 0) {
        put_digits(p, mid, AK_DEC_PRECISION);
        p -= AK_DEC_PRECISION;
        int w = digits_u64(top);
        put_digits(p, top, w);
        p -= w;
    } else {
        int w = digits_u64(mid);
        put_digits(p, mid, w);
        p -= w;
    }
    if (a.v < 0)
        *--p = '-';
    size_t n = (size_t)(end - p);
    if (cap < n + 1)
        return AK_EINVAL;
    memcpy(buf, p, n);
    buf[n] = '\0';
    return (int)n;
}

/* ---- fused multiply-divide through GMP's mpz when int128 is too narrow ---- */

static void z_set_i128(mpz_t z, __int128 v)
{
    unsigned __int128 m = v < 0 ? -(unsigned __int128)v : (unsigned __int128)v;
    uint64_t limbs[2] = {(uint64_t)m, (uint64_t)(m >> 64)};
    mpz_import(z, 2, -1, sizeof limbs[0], 0, 0, limbs);
    if (v < 0)
        mpz_neg(z, z);
}

static int z_get_dec(mpz_t z, ak_dec *out)
{
    if (mpz_sizeinbase(z, 2) > 127)
        return AK_EOVERFLOW;
    bool neg = mpz_sgn(z) < 0;
    uint64_t limbs[2] = {0, 0};
    mpz_export(limbs, NULL, -1, sizeof limbs[0], 0, 0, z);
    __int128 v = (__int128)(((unsigned __int128)limbs[1] << 64) | limbs[0]);
    out->v = neg ? -v : v;
    return 0;
}

enum { FUSED_ROUND, FUSED_TRUNC };

/* (a x i) scaled, divided by b as Quo (mode round) or QuoTruncate. */
static int fused(ak_dec a, int64_t i, ak_dec b, int mode, ak_dec *out)
{
    if (b.v == 0)
        return AK_EDIVZERO;
    ak_dec t;
    if (ak_dec_mul_int(a, i, &t) == 0)
        return mode == FUSED_ROUND ? ak_dec_quo(t, b, out) : ak_dec_quo_truncate(t, b, out);
    mpz_t n, d, r, half;
    mpz_inits(n, d, r, half, NULL);
    z_set_i128(n, a.v);
    mpz_mul_si(n, n, i);
    z_set_i128(d, b.v);
    int rc;
    if (mode == FUSED_TRUNC) {
        mpz_ui_pow_ui(r, 10, 18);
        mpz_mul(n, n, r);
        mpz_tdiv_q(n, n, d);
        rc = z_get_dec(n, out);
    } else {
        /* Quo: x 10^36, truncating division, then half-to-even by 10^18 */
        mpz_ui_pow_ui(r, 10, 36);
        mpz_mul(n, n, r);
        mpz_tdiv_q(n, n, d);
        bool neg = mpz_sgn(n) < 0;
        mpz_abs(n, n);
        mpz_ui_pow_ui(d, 10, 18);
        mpz_tdiv_qr(n, r, n, d);
        mpz_tdiv_q_2exp(half, d, 1);
        int c = mpz_cmp(r, half);
        if (c > 0 || (c == 0 && mpz_odd_p(n)))
            mpz_add_ui(n, n, 1);
        if (neg)
            mpz_neg(n, n);
        rc = z_get_dec(n, out);
    }
    mpz_clears(n, d, r, half, NULL);
    return rc;
}

int ak_dec_mul_int_quo(ak_dec a, int64_t i, ak_dec b, ak_dec *out)
{
    return fused(a, i, b, FUSED_ROUND, out);
}

int ak_dec_mul_int_quo_trunc(ak_dec a, int64_t i, ak_dec b, ak_dec *out)
{
    return fused(a, i, b, FUSED_TRUNC, out);
}

int ak_dec_mul_int_quo_int(ak_dec a, int64_t i, int64_t j, ak_dec *out)
{
    if (j == 0)
        return AK_EDIVZERO;
    ak_dec t;
    if (ak_dec_mul_int(a, i, &t) == 0)
        return ak_dec_quo_int(t, j, out);
    mpz_t n;
    mpz_init(n);
    z_set_i128(n, a.v);
    mpz_mul_si(n, n, i);
    mpz_tdiv_q_ui(n, n, (unsigned long)(j < 0 ? -j : j));
    if (j < 0)
        mpz_neg(n, n);
    int rc = z_get_dec(n, out);
    mpz_clear(n);
    return rc;
}
