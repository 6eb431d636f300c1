/*
 * tests/test_attr.c: attribute keys, glob matching and the subset rule (protocol/attr.h;
 * market-rules.md sections 1.6 and 5.1; chain-sdk go/v0.1.9 types/attributes/v1/attribute.go,
 * whose SubsetOf calls Go's path/filepath.Match).
 *
 * The glob cases are Go's filepath.Match answers on '/'-separated names: '*' and '?' never
 * match '/', classes "[...]" with ranges, negation '^' and escapes, '\' escapes, whole-string
 * matching, and a malformed pattern (Go's ErrBadPattern) matching nothing.
 */
#include <string.h>

#include "fixture.h"

#define MATCH(p, n) ck_assert_msg(ak_glob_match((p), (n)), "%s should match %s", (p), (n))
#define NO_MATCH(p, n) ck_assert_msg(!ak_glob_match((p), (n)), "%s should not match %s", (p), (n))

START_TEST(glob_matches_the_whole_string)
{
    MATCH("region", "region");
    NO_MATCH("region", "region2");
    NO_MATCH("region", "regio");
    NO_MATCH("egion", "region");
    NO_MATCH("Region", "region"); /* bytes, not case-folded */
    MATCH("", "");
    NO_MATCH("", "a");
    NO_MATCH("a", "");
}
END_TEST

START_TEST(glob_star_does_not_cross_a_slash)
{
    MATCH("*", "region");
    MATCH("*", "");
    NO_MATCH("*", "a/b");
    MATCH("a/*", "a/b");
    MATCH("a/*", "a/");
    NO_MATCH("a/*", "a/b/c");
    MATCH("*/b", "a/b");
    MATCH("*/*/*", "a/b/c");
    MATCH("a*c", "abbc");
    MATCH("a*c", "ac");
    NO_MATCH("a*c", "ab/c");
    MATCH("reg*", "region");
    MATCH("**", "abc");
    MATCH("a*b*c", "axxbyyc");
    NO_MATCH("a*b*c", "axxbyy/c");
    MATCH("vendor/nvidia/model/*", "vendor/nvidia/model/a100");
    NO_MATCH("vendor/nvidia/model/*", "vendor/nvidia/model/a100/ram/80Gi");
    /* Go matches each chunk at the first place it fits and does not backtrack; with '/'
     * matched literally that never loses a match */
    MATCH("*a/b", "xa/b");
    NO_MATCH("*a/b", "a/xa/b");
}
END_TEST

START_TEST(glob_question_mark_is_one_non_slash_character)
{
    MATCH("r?gion", "region");
    MATCH("??", "ab");
    NO_MATCH("??", "a");
    NO_MATCH("?", "");
    NO_MATCH("a?b", "a/b");
    MATCH("a?b", "a.b");
}
END_TEST

START_TEST(glob_character_classes)
{
    MATCH("[abc]", "b");
    NO_MATCH("[abc]", "d");
    MATCH("[a-c]x", "bx");
    NO_MATCH("[a-c]x", "dx");
    MATCH("[a-cx-z]", "y");
    MATCH("[^a-c]", "d");
    NO_MATCH("[^a-c]", "b");
    MATCH("[^abc]", "z");
    NO_MATCH("[^abc]", "a");
    MATCH("[\\]]", "]");      /* escaped ']' inside a class */
    MATCH("[\\-]", "-");      /* escaped '-' */
    MATCH("[a\\-z]", "-");    /* 'a', '-', 'z': not a range */
    NO_MATCH("[a\\-z]", "b");
    MATCH("[\\a-\\c]", "b");  /* escaped range bounds */
    MATCH("[0-9][0-9]Gi", "80Gi");
    NO_MATCH("[abc]", "ab"); /* one character */
    NO_MATCH("[a-c]", "");
}
END_TEST

/* A class is a single character, and Go does not exclude the separator from it: "[/]" and
 * "[^a]" match "/". */
START_TEST(glob_class_may_match_a_slash)
{
    /* Go's matchChunk has no separator test in a character class: a class can match '/'. */
    MATCH("a[/]b", "a/b");
    MATCH("[^a]", "/");
    MATCH("capabilities[/]gpu", "capabilities/gpu");
    /* Go does not backtrack a chunk: here "[^x]/" first matches "a/" and the rest "/c" no
     * longer fits "*c" */
    NO_MATCH("*[^x]/*c", "a//c");
    NO_MATCH("[/]", "ab");
}
END_TEST

START_TEST(glob_escapes_make_characters_literal)
{
    MATCH("\\*", "*");
    NO_MATCH("\\*", "a");
    MATCH("a\\?b", "a?b");
    NO_MATCH("a\\?b", "axb");
    MATCH("\\[x]", "[x]");
    MATCH("\\a", "a");
    MATCH("a\\\\b", "a\\b");
}
END_TEST

/* Go's ErrBadPattern: Match returns an error, SubsetOf reads it as false. */
START_TEST(glob_malformed_pattern_matches_nothing)
{
    NO_MATCH("[", "[");
    NO_MATCH("[", "a");
    NO_MATCH("[]a]", "]");
    NO_MATCH("[]a]", "a");
    NO_MATCH("[]", "]");
    NO_MATCH("[^]", "a");
    NO_MATCH("[a", "a");
    NO_MATCH("[a-", "a");
    NO_MATCH("[a-]", "a");
    NO_MATCH("[-a]", "a");
    NO_MATCH("[-a]", "-");
    NO_MATCH("a[", "a[");
    NO_MATCH("a\\", "a");
    NO_MATCH("a\\", "a\\");
    NO_MATCH("\\", "");
    NO_MATCH("*[", "x");
    NO_MATCH("*\\", "x");
    NO_MATCH("a*[", "abc");
}
END_TEST

/* A range's upper bound goes through getEsc too, which refuses an unescaped '-' or ']'. */
START_TEST(glob_range_bound_may_not_be_a_bare_dash)
{
    NO_MATCH("[a--]", "a");
    /* An unescaped '-' as the upper bound of a range is ErrBadPattern in Go's getEsc, so
     * "[+--]" and "[^a--]" match nothing. */
    NO_MATCH("[+--]", "-");
    NO_MATCH("[+--]", ",");
    NO_MATCH("[^a--]", "x");
    MATCH("[+-\\-]", "-"); /* escaped, the same range is valid */
}
END_TEST

static void fill(char *buf, size_t n, char c)
{
    memset(buf, c, n);
    buf[n] = '\0';
}

/* ^[a-zA-Z][\w/.-]{1,126}$ : 2 to 127 characters. */
START_TEST(provider_key_is_2_to_127_characters)
{
    char k[200];
    fill(k, 1, 'a');
    ck_assert(!ak_attr_key_valid(k));
    fill(k, 2, 'a');
    ck_assert(ak_attr_key_valid(k));
    fill(k, 127, 'a');
    ck_assert(ak_attr_key_valid(k));
    fill(k, 128, 'a');
    ck_assert(!ak_attr_key_valid(k));
    ck_assert(!ak_attr_key_valid(""));
    ck_assert(ak_attr_key_valid("capabilities/storage/1.class-x_Y9"));
    ck_assert(ak_attr_key_valid("a/"));
    ck_assert(ak_attr_key_valid("Z9"));
    ck_assert(!ak_attr_key_valid("1region")); /* a letter first */
    ck_assert(!ak_attr_key_valid("_region"));
    ck_assert(!ak_attr_key_valid("/region"));
    ck_assert(!ak_attr_key_valid("re gion"));
    ck_assert(!ak_attr_key_valid("region*")); /* no wildcard for providers */
    ck_assert(!ak_attr_key_valid("reg:ion"));
    ck_assert(!ak_attr_key_valid("r\xc3\xa9gion")); /* \w is ASCII only */
}
END_TEST

/* ^[a-zA-Z][\w/.-]{1,126}[\w*]?$ : 2 to 128 characters, '*' only last. */
START_TEST(resource_key_allows_one_trailing_word_or_star)
{
    char k[200];
    fill(k, 1, 'a');
    ck_assert(!ak_attr_key_valid_wildcard(k));
    fill(k, 2, 'a');
    ck_assert(ak_attr_key_valid_wildcard(k));
    fill(k, 127, 'a');
    ck_assert(ak_attr_key_valid_wildcard(k));
    fill(k, 128, 'a');
    ck_assert(ak_attr_key_valid_wildcard(k));
    k[127] = '*';
    ck_assert(ak_attr_key_valid_wildcard(k));
    k[127] = '/'; /* the 128th character must be \w or '*' */
    ck_assert(!ak_attr_key_valid_wildcard(k));
    fill(k, 129, 'a');
    ck_assert(!ak_attr_key_valid_wildcard(k));
    ck_assert(ak_attr_key_valid_wildcard("vendor/nvidia/model/*"));
    ck_assert(ak_attr_key_valid_wildcard("ab*"));
    ck_assert(!ak_attr_key_valid_wildcard("a*"));  /* at least one [\w/.-] before it */
    ck_assert(!ak_attr_key_valid_wildcard("a*b")); /* '*' only at the end */
    ck_assert(!ak_attr_key_valid_wildcard("ab**"));
    ck_assert(!ak_attr_key_valid_wildcard("1ab*"));
    ck_assert(!ak_attr_key_valid_wildcard("ab-*x"));
}
END_TEST

typedef struct afx {
    ak_strtab strs;
    ak_attr v[8];
} afx;

static ak_str s_(afx *t, const char *s)
{
    ak_str id;
    ck_assert_int_eq(ak_strtab_intern(&t->strs, s, strlen(s), &id), 0);
    return id;
}

/* A list of n key/value pairs (keys and values alternate) in slots v[first..]. */
static ak_attrs list(afx *t, int first, int n, const char *const *kv)
{
    for (int i = 0; i < n; i++)
        t->v[first + i] = (ak_attr){s_(t, kv[2 * i]), s_(t, kv[2 * i + 1])};
    return (ak_attrs){&t->v[first], (uint32_t)n};
}

/* ValidateWithRegex walks the list: the first attribute with an invalid key, or the first
 * repeated key, decides. */
START_TEST(attrs_validate_reports_the_first_offender)
{
    afx t;
    ck_assert_int_eq(ak_strtab_init(&t.strs), 0);
    const char *ok[] = {"region", "us-west", "tier", ""}; /* values are free */
    ck_assert_int_eq(ak_attrs_validate(&t.strs, list(&t, 0, 2, ok)), 0);
    const char *dup_then_bad[] = {"ab", "1", "ab", "2", "1bad", "3"};
    ck_assert_int_eq(ak_attrs_validate(&t.strs, list(&t, 0, 3, dup_then_bad)),
                     AK_EATTRIBUTES_DUPLICATE_KEYS);
    const char *bad_then_dup[] = {"1bad", "3", "ab", "1", "ab", "2"};
    ck_assert_int_eq(ak_attrs_validate(&t.strs, list(&t, 0, 3, bad_then_dup)),
                     AK_EINVALID_ATTRIBUTE_KEY);
    const char *star[] = {"vendor/nvidia/model/*", "true"};
    ck_assert_int_eq(ak_attrs_validate(&t.strs, list(&t, 0, 1, star)), AK_EINVALID_ATTRIBUTE_KEY);
    ck_assert_int_eq(ak_attrs_validate_wildcard(&t.strs, list(&t, 0, 1, star)), 0);
    const char *wdup[] = {"ab*", "x", "ab*", "y"};
    ck_assert_int_eq(ak_attrs_validate_wildcard(&t.strs, list(&t, 0, 2, wdup)),
                     AK_EATTRIBUTES_DUPLICATE_KEYS);
    ck_assert_int_eq(ak_attrs_validate(&t.strs, (ak_attrs){NULL, 0}), 0);
    ak_strtab_fini(&t.strs);
}
END_TEST

/* AttributesSubsetOf: each requirement's key globs some attribute's key with an equal value. */
START_TEST(subset_needs_a_glob_key_and_an_equal_value)
{
    afx t;
    ck_assert_int_eq(ak_strtab_init(&t.strs), 0);
    const char *have_kv[] = {"region", "eu-central", "region2", "us-west", "tier", "gold"};
    ak_attrs have = list(&t, 0, 3, have_kv);
    const char *r1[] = {"region", "eu-central"};
    ck_assert(ak_attrs_subset(&t.strs, list(&t, 4, 1, r1), have));
    const char *r2[] = {"reg*", "us-west"}; /* the glob finds region2 */
    ck_assert(ak_attrs_subset(&t.strs, list(&t, 4, 1, r2), have));
    const char *r3[] = {"region", "us-west"}; /* key and value must be on one attribute */
    ck_assert(!ak_attrs_subset(&t.strs, list(&t, 4, 1, r3), have));
    const char *r4[] = {"tier", "Gold"}; /* values compare byte for byte */
    ck_assert(!ak_attrs_subset(&t.strs, list(&t, 4, 1, r4), have));
    const char *r5[] = {"t?er", "gold", "region", "eu-central"}; /* every requirement */
    ck_assert(ak_attrs_subset(&t.strs, list(&t, 4, 2, r5), have));
    const char *r6[] = {"tier", "gold", "zone", "a"};
    ck_assert(!ak_attrs_subset(&t.strs, list(&t, 4, 2, r6), have));
    const char *r7[] = {"[", "gold"}; /* malformed: no match */
    ck_assert(!ak_attrs_subset(&t.strs, list(&t, 4, 1, r7), have));
    const char *r8[] = {"region", "eu-central"}; /* the provider key is a name, not a glob */
    const char *globby[] = {"reg*", "eu-central"};
    ck_assert(!ak_attrs_subset(&t.strs, list(&t, 4, 1, r8), list(&t, 6, 1, globby)));
    /* no requirements: a subset of anything, even of nothing */
    ck_assert(ak_attrs_subset(&t.strs, (ak_attrs){NULL, 0}, have));
    ck_assert(ak_attrs_subset(&t.strs, (ak_attrs){NULL, 0}, (ak_attrs){NULL, 0}));
    ck_assert(!ak_attrs_subset(&t.strs, list(&t, 4, 1, r1), (ak_attrs){NULL, 0}));
    ak_strtab_fini(&t.strs);
}
END_TEST

START_TEST(get_and_copy)
{
    afx t;
    ck_assert_int_eq(ak_strtab_init(&t.strs), 0);
    const char *kv[] = {"region", "eu", "tier", "gold"};
    ak_attrs a = list(&t, 0, 2, kv);
    ck_assert_uint_eq(ak_attrs_get(a, s_(&t, "tier")), s_(&t, "gold"));
    ck_assert_uint_eq(ak_attrs_get(a, s_(&t, "zone")), 0);
    ak_arena arena;
    ak_arena_init(&arena);
    ak_attrs c;
    ck_assert_int_eq(ak_attrs_copy(&arena, a, &c), 0);
    ck_assert_uint_eq(c.n, 2);
    ck_assert_ptr_ne(c.v, a.v);
    ck_assert_uint_eq(c.v[1].value, s_(&t, "gold"));
    ck_assert_int_eq(ak_attrs_copy(&arena, (ak_attrs){NULL, 0}, &c), 0);
    ck_assert_ptr_null(c.v);
    ck_assert_uint_eq(c.n, 0);
    ak_arena_fini(&arena);
    ak_strtab_fini(&t.strs);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("attr");
    TCase *tg = tcase_create("glob");
    tcase_add_test(tg, glob_matches_the_whole_string);
    tcase_add_test(tg, glob_star_does_not_cross_a_slash);
    tcase_add_test(tg, glob_question_mark_is_one_non_slash_character);
    tcase_add_test(tg, glob_character_classes);
    tcase_add_test(tg, glob_class_may_match_a_slash);
    tcase_add_test(tg, glob_escapes_make_characters_literal);
    tcase_add_test(tg, glob_malformed_pattern_matches_nothing);
    tcase_add_test(tg, glob_range_bound_may_not_be_a_bare_dash);
    suite_add_tcase(s, tg);
    TCase *tk = tcase_create("keys_and_lists");
    tcase_add_test(tk, provider_key_is_2_to_127_characters);
    tcase_add_test(tk, resource_key_allows_one_trailing_word_or_star);
    tcase_add_test(tk, attrs_validate_reports_the_first_offender);
    tcase_add_test(tk, subset_needs_a_glob_key_and_an_equal_value);
    tcase_add_test(tk, get_and_copy);
    suite_add_tcase(s, tk);
    return fx_run(s);
}
