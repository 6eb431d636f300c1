/*
 * protocol/dec.h: the Cosmos SDK's 18-decimal fixed point LegacyDec (cosmossdk.io/math,
 * math/legacy_dec.go as Cosmos SDK v0.53 uses it), with its rounding rules copied bit-exactly:
 * chain-rules.md section 0.2, DESIGN.md "Numbers".
 *
 * A value is an integer v scaled by 10^18 (value = v / 10^18), held in a signed 128-bit
 * integer. The SDK's big.Int allows about ±1.16e77 whole units; akashsim allows what fits in
 * int128, about ±1.7e20 whole units (every int64 converts exactly). A result that would leave
 * int128 is AK_EOVERFLOW, never wrapped: where the SDK would return a value (or panic past its
 * own limit), akashsim returns AK_EOVERFLOW instead. Division by zero, a panic in the SDK, is
 * AK_EDIVZERO.
 *
 * Statuses are 0 or a negative AK_E* from errors.h; results are written to the out-parameter
 * only on success (DESIGN.md convention 3). Nothing here touches the heap, keeps state or
 * fails for any reason not listed; every function is safe to call from many threads at once.
 *
 * Rounding, by SDK function (all act on the exact integer intermediate; signs are handled on
 * magnitudes, so "symmetric" means f(-x) = -f(x)):
 *   Mul, Quo          banker's rounding (half to even), symmetric   chopPrecisionAndRound
 *   MulTruncate,
 *   QuoTruncate,
 *   TruncateInt       toward zero                                   chopPrecisionAndTruncate
 *   MulRoundUp        toward +infinity (ceiling): a negative product
 *                     is truncated toward zero                      chopPrecisionAndRoundUp
 *   QuoRoundUp        the SDK's own rule, see ak_dec_quo_round_up
 *   MulInt(64)        exact
 *   QuoInt(64)        truncating division of the scaled integer
 *   RoundInt(64)      banker's rounding
 */
#ifndef AK_DEC_H
#define AK_DEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AK_DEC_PRECISION 18 /* decimal places: the SDK's LegacyPrecision */

/* value = v / 10^18. Plain value type: copy it, compare with ak_dec_cmp. */
typedef struct {
    __int128 v;
} ak_dec;

/* 0. */
ak_dec ak_dec_zero(void);
/* i as a Dec (SDK LegacyNewDec). Exact for every int64. */
ak_dec ak_dec_from_int(int64_t i);
/* The Dec whose scaled integer is `scaled` (value = scaled / 10^18), e.g. 1 = the smallest
 * positive Dec (SDK LegacySmallestDec), 10^18 = one. */
ak_dec ak_dec_from_raw(__int128 scaled);
/* i as a Dec (SDK LegacyNewDecFromInt). AK_EOVERFLOW if i * 10^18 does not fit in int128. */
int ak_dec_from_int128(__int128 i, ak_dec *out);

/* a + b, a - b (SDK Add, Sub). AK_EOVERFLOW if the result leaves int128. */
int ak_dec_add(ak_dec a, ak_dec b, ak_dec *out);
int ak_dec_sub(ak_dec a, ak_dec b, ak_dec *out);
/* -a (SDK Neg). AK_EOVERFLOW only for the most negative int128. */
int ak_dec_neg(ak_dec a, ak_dec *out);

/* a * b (SDK Mul): exact product, then divided by 10^18 rounding half to even, symmetric for
 * negatives. AK_EOVERFLOW if the rounded result leaves int128. */
int ak_dec_mul(ak_dec a, ak_dec b, ak_dec *out);
/* a * b (SDK MulTruncate): exact product divided by 10^18 truncating toward zero.
 * AK_EOVERFLOW as ak_dec_mul. */
int ak_dec_mul_truncate(ak_dec a, ak_dec b, ak_dec *out);
/* a * b (SDK MulRoundUp): a positive product with a remainder goes up by one ulp (10^-18); a
 * negative product is truncated toward zero. Both are the ceiling of the exact product. Note:
 * the SDK does NOT round negative products away from zero. AK_EOVERFLOW as ak_dec_mul. */
int ak_dec_mul_round_up(ak_dec a, ak_dec b, ak_dec *out);
/* a * i (SDK MulInt64 / MulInt): exact. AK_EOVERFLOW if it leaves int128. */
int ak_dec_mul_int(ak_dec a, int64_t i, ak_dec *out);

/* a / b (SDK Quo): a * 10^36 divided by b truncating, then divided by 10^18 rounding half to
 * even (two steps, as the SDK does: a tie is decided after the first truncation).
 * AK_EDIVZERO if b is 0; AK_EOVERFLOW if the result leaves int128. */
int ak_dec_quo(ak_dec a, ak_dec b, ak_dec *out);
/* a / b (SDK QuoTruncate): a * 10^18 / b truncating toward zero. Errors as ak_dec_quo. */
int ak_dec_quo_truncate(ak_dec a, ak_dec b, ak_dec *out);
/* a / b (SDK QuoRoundUp in its QuoRem form, cosmos-sdk PR #20034 of 2024, which the math
 * module of SDK v0.53 carries; SDK v0.45 computed it differently). Let q = a * 10^18 / b
 * truncated toward zero, with a remainder r != 0:
 *   - a positive exact quotient gives q + 1 ulp (the ceiling);
 *   - a negative exact quotient with q != 0 gives q + 1 ulp, i.e. one ulp closer to zero than
 *     the truncation (the ceiling plus one ulp: -1/3 = -0.333333333333333332);
 *   - a negative exact quotient with q = 0 gives 0.
 * This is what the SDK computes (its sign test reads the already-truncated quotient); it is
 * reproduced on purpose. With r = 0 the result is q. Errors as ak_dec_quo. */
int ak_dec_quo_round_up(ak_dec a, ak_dec b, ak_dec *out);
/* a / i (SDK QuoInt64 / QuoInt): the scaled integer divided by i truncating toward zero, no
 * rounding. AK_EDIVZERO if i is 0; AK_EOVERFLOW only for the most negative int128 / -1. */
int ak_dec_quo_int(ak_dec a, int64_t i, ak_dec *out);

/* The integer part of a, toward zero (SDK TruncateInt64). AK_EOVERFLOW if outside int64. */
int ak_dec_truncate_int(ak_dec a, int64_t *out);
/* a rounded to an integer half to even (SDK RoundInt64). AK_EOVERFLOW if outside int64. */
int ak_dec_round_int(ak_dec a, int64_t *out);
/* The integer part of a, toward zero (SDK TruncateInt). Always fits; always returns 0 (the
 * status exists for symmetry with ak_dec_truncate_int). */
int ak_dec_truncate_int128(ak_dec a, __int128 *out);
/* a with its fraction dropped, toward zero (SDK TruncateDec). */
ak_dec ak_dec_truncate_dec(ak_dec a);

/* -1, 0 or 1 as a < b, a == b, a > b (SDK LT / Equal / GT). */
int ak_dec_cmp(ak_dec a, ak_dec b);
bool ak_dec_is_zero(ak_dec a);
bool ak_dec_is_negative(ak_dec a);
bool ak_dec_is_positive(ak_dec a);
/* The smaller / larger of a and b (SDK LegacyMinDec / LegacyMaxDec). */
ak_dec ak_dec_min(ak_dec a, ak_dec b);
ak_dec ak_dec_max(ak_dec a, ak_dec b);

/* Parse the `len` bytes at s like SDK LegacyNewDecFromStr: an optional '-', one or more
 * digits, then optionally '.' and 1 to 18 digits. Leading zeros are fine ("007.50"), "-0" is 0.
 * AK_ESYNTAX for: an empty string or a lone "-", "." alone, "1." and ".5" (both sides of the
 * point need digits), two points, more than 18 fractional digits, and any other byte (spaces,
 * '+', exponents, '_', NUL). AK_EOVERFLOW if the value does not fit (checked after syntax, as
 * the SDK does). AK_EINVAL if s is NULL while len > 0.
 * Deliberate difference: the SDK hands the digits to Go's big.Int.SetString, which also takes
 * a sign of its own, so the SDK accepts "+5" (5), "+" (0), "+.5" (0.5), "--5" (5) and "-+5"
 * (-5); akashsim rejects every '+' and a second '-' with AK_ESYNTAX.
 * s need not be NUL-terminated: callers parse a prefix of a longer string ("100.5uakt"). */
int ak_dec_parse(const char *s, size_t len, ak_dec *out);

/* A buffer size that holds any ak_dec_format output with its NUL. */
#define AK_DEC_STRLEN 48
/* Write a as the SDK's String() does, NUL-terminated: '-' if negative, the integer part
 * without leading zeros ("0" if none), '.', exactly 18 fractional digits:
 * "0.000000000000000000", "-0.500000000000000000", "12340.000000000000000000".
 * Returns the length written (without the NUL), or AK_EINVAL if buf is NULL or cap is smaller
 * than that length + 1 (then buf is untouched). */
int ak_dec_format(ak_dec a, char *buf, size_t cap);

/* Fused forms for products that outgrow int128 before the division brings them back, as the
 * SDK's big.Int never overflows (shares x tokens of a 10 M AKT validator is about 10^44):
 *   ak_dec_mul_int_quo        Quo(a.MulInt(i), b)          banker's rounding
 *   ak_dec_mul_int_quo_trunc  QuoTruncate(a.MulInt(i), b)  toward zero
 *   ak_dec_mul_int_quo_int    a.MulInt(i).QuoInt(j)        truncating the scaled integer
 * Exact at any size; AK_EOVERFLOW only when the result leaves int128, AK_EDIVZERO for 0. */
int ak_dec_mul_int_quo(ak_dec a, int64_t i, ak_dec b, ak_dec *out);
int ak_dec_mul_int_quo_trunc(ak_dec a, int64_t i, ak_dec b, ak_dec *out);
int ak_dec_mul_int_quo_int(ak_dec a, int64_t i, int64_t j, ak_dec *out);

#endif
