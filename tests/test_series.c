/*
 * tests/test_series.c: CSV time series (sim/series.h): the file format (header, comments,
 * blank lines, CRLF, byte order mark, blanks around fields), step and linear values at and
 * between rows, window maxima, next rows, every loader error with its exact message, path
 * resolution, and the JSON-side reader ak_series_read with its errors.
 */
#include <check.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_run.h"
#include "errors.h"
#include "series.h"

/* Parse text (NUL-terminated) as "t.csv" with values in [lo, hi]. */
static int parse(const char *text, ak_series_interp m, double lo, double hi, ak_series *s,
                 char *why)
{
    return ak_series_parse("t.csv", text, strlen(text), m, lo, hi, s, why, 256);
}

/* An assertion for hot loops: Check's own report each passing assertion through a pipe. */
#define CHECK(cond, ...)                                                                       \
    do {                                                                                       \
        if (!(cond))                                                                           \
            ck_abort_msg(__VA_ARGS__);                                                         \
    } while (0)

static ak_series must_parse(const char *text, ak_series_interp m)
{
    ak_series s;
    char why[256];
    ck_assert_msg(parse(text, m, -INFINITY, INFINITY, &s, why) == 0, "%s", why);
    return s;
}

/* A scratch directory of this test, and files in it. */
static void mkscratch(char *dir, size_t cap)
{
    snprintf(dir, cap, "/tmp/akashsim-series-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void put_file(const char *dir, const char *name, const char *text, char *path,
                     size_t cap)
{
    snprintf(path, cap, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(text, 1, strlen(text), f), strlen(text));
    ck_assert_int_eq(fclose(f), 0);
}

START_TEST(format)
{
    static const char text[] = "\xef\xbb\xbf# AKT/USD\r\n"
                               "\r\n"
                               "day , value\r\n"
                               "  # a comment\n"
                               "0,1.14\r\n"
                               "\t1 ,\t1.21 \n"
                               "\n"
                               "2.5,1.08"; /* no line end at the end */
    ak_series s = must_parse(text, AK_SERIES_STEP);
    ck_assert_uint_eq(s.n, 3);
    ck_assert(s.day[0] == 0 && s.day[1] == 1 && s.day[2] == 2.5);
    ck_assert(s.value[0] == 1.14 && s.value[1] == 1.21 && s.value[2] == 1.08);
    ck_assert_int_eq(s.interp, AK_SERIES_STEP);
    ak_series_free(&s);
    ck_assert_ptr_null(s.day);
    ck_assert_uint_eq(s.n, 0);
    ak_series_free(&s); /* cleared: a no-op */
    ak_series_free(NULL);

    /* No header; one row; exponents and signs. */
    s = must_parse("0,-2e-3\n", AK_SERIES_LINEAR);
    ck_assert_uint_eq(s.n, 1);
    ck_assert(s.value[0] == -0.002);
    ak_series_free(&s);
    s = must_parse("+0.0,1E2\n1e1,.5\n", AK_SERIES_LINEAR);
    ck_assert(s.day[1] == 10 && s.value[0] == 100 && s.value[1] == 0.5);
    ak_series_free(&s);
    /* -0 is day 0 */
    s = must_parse("-0,1\n", AK_SERIES_LINEAR);
    ck_assert_uint_eq(s.n, 1);
    ak_series_free(&s);
    /* A header of any shape is skipped, but only as the first line. */
    s = must_parse("time;price;extra\n0,1\n", AK_SERIES_LINEAR);
    ck_assert_uint_eq(s.n, 1);
    ak_series_free(&s);

    ck_assert_str_eq(ak_series_interp_name(AK_SERIES_STEP), "step");
    ck_assert_str_eq(ak_series_interp_name(AK_SERIES_LINEAR), "linear");
}
END_TEST

START_TEST(values)
{
    static const char text[] = "day,value\n0,1\n2,3\n3,2\n10,2\n";
    ak_series st = must_parse(text, AK_SERIES_STEP), li = must_parse(text, AK_SERIES_LINEAR);
    /* at the rows: the row's value, both modes */
    static const double rows[][2] = {{0, 1}, {2, 3}, {3, 2}, {10, 2}};
    for (int i = 0; i < 4; i++) {
        ck_assert(ak_series_at(&st, rows[i][0]) == rows[i][1]);
        ck_assert(ak_series_at(&li, rows[i][0]) == rows[i][1]);
    }
    /* between rows */
    ck_assert(ak_series_at(&st, 1) == 1);
    ck_assert(ak_series_at(&st, 1.999) == 1);
    ck_assert(ak_series_at(&st, 2.5) == 3);
    ck_assert(ak_series_at(&li, 1) == 2);
    ck_assert(ak_series_at(&li, 0.5) == 1.5);
    ck_assert(ak_series_at(&li, 2.5) == 2.5);
    ck_assert(ak_series_at(&li, 2.75) == 2.25);
    ck_assert(ak_series_at(&li, 6) == 2);
    /* before day 0 and after the last row */
    ck_assert(ak_series_at(&st, -1) == 1 && ak_series_at(&li, -1) == 1);
    ck_assert(ak_series_at(&st, 1e9) == 2 && ak_series_at(&li, 11) == 2);

    /* window maxima */
    ck_assert(ak_series_max(&st, 0, 2) == 1);    /* the row at 2 is outside [0, 2) */
    ck_assert(ak_series_max(&st, 0, 2.01) == 3); /* ... and inside [0, 2.01) */
    ck_assert(ak_series_max(&st, 2.5, 100) == 3);
    ck_assert(ak_series_max(&st, 3, 100) == 2);
    ck_assert(ak_series_max(&st, 5, 5) == 2); /* empty window: x(day0) */
    ck_assert(ak_series_max(&li, 0, 1) == 2); /* the limit at day1 */
    ck_assert(ak_series_max(&li, 0, 2) == 3);
    ck_assert(ak_series_max(&li, 2.5, 2.75) == 2.5);
    ck_assert(ak_series_max(&li, 0, 100) == 3);
    ck_assert(ak_series_max(&li, 4, 100) == 2);
    ck_assert(ak_series_max(&li, 1, 0.5) == 2);
    ck_assert(ak_series_max(&li, -5, 0.5) == 1.5);
    ck_assert(ak_series_max(&st, -5, -1) == 1);

    /* next rows */
    ck_assert(ak_series_next_row(&st, -3) == 0);
    ck_assert(ak_series_next_row(&st, 0) == 2);
    ck_assert(ak_series_next_row(&st, 1.5) == 2);
    ck_assert(ak_series_next_row(&st, 2) == 3);
    ck_assert(ak_series_next_row(&st, 9.99) == 10);
    ck_assert(isinf(ak_series_next_row(&st, 10)));
    ck_assert(isinf(ak_series_next_row(&st, 1e300)));
    ak_series_free(&st);
    ak_series_free(&li);

    /* one row: a constant */
    ak_series one = must_parse("0,4\n", AK_SERIES_LINEAR);
    ck_assert(ak_series_at(&one, 0) == 4 && ak_series_at(&one, 1e6) == 4);
    ck_assert(ak_series_max(&one, 0, 1e6) == 4);
    ck_assert(isinf(ak_series_next_row(&one, 0)));
    ak_series_free(&one);
}
END_TEST

/* Against a direct computation on many rows: the binary search and the maxima. */
START_TEST(many_rows)
{
    enum { N = 5000 };
    char *text = malloc(N * 40);
    ck_assert_ptr_nonnull(text);
    size_t len = 0;
    double day[N], val[N];
    for (int i = 0; i < N; i++) {
        day[i] = i == 0 ? 0 : day[i - 1] + 0.25 + (i % 7) * 0.125;
        val[i] = (i * 37 % 101) * 0.5;
        len += (size_t)sprintf(text + len, "%.17g,%.17g\n", day[i], val[i]);
    }
    for (int m = 0; m < 2; m++) {
        ak_series s;
        char why[256];
        ck_assert_int_eq(ak_series_parse("t.csv", text, len, (ak_series_interp)m, 0, 100, &s,
                                         why, sizeof why), 0);
        ck_assert_uint_eq(s.n, N);
        int i = 0;
        for (int k = 0; k < 20000; k++) {
            double t = day[N - 1] * 1.01 * k / 20000; /* increasing: i only moves on */
            while (i + 1 < N && day[i + 1] <= t)
                i++;
            double want = val[i];
            if (m == AK_SERIES_LINEAR && i + 1 < N)
                want = val[i] + (val[i + 1] - val[i]) * ((t - day[i]) / (day[i + 1] - day[i]));
            CHECK(fabs(ak_series_at(&s, t) - want) <= 1e-12, "x(%g) = %.17g, want %.17g", t,
                  ak_series_at(&s, t), want);
            double t1 = t + 1.7, mx = ak_series_at(&s, t);
            for (double x = t; x < t1; x += 1.0 / 64)
                CHECK(ak_series_at(&s, x) <= ak_series_max(&s, t, t1), "x(%g) above max", x);
            for (int j = i + 1; j < N && day[j] < t1; j++)
                mx = fmax(mx, val[j]);
            if (m == AK_SERIES_LINEAR)
                mx = fmax(mx, ak_series_at(&s, t1));
            CHECK(ak_series_max(&s, t, t1) == mx, "max over [%g, %g)", t, t1);
            CHECK(ak_series_next_row(&s, t) == (i + 1 < N ? day[i + 1] : INFINITY),
                  "next row of %g", t);
        }
        ak_series_free(&s);
    }
    free(text);
}
END_TEST

/* Every loader error, with its exact message. Values must lie in [0, 100]. */
static const struct {
    const char *text, *err;
} bad[] = {
    {"", "t.csv: no rows (expected lines \"day,value\", the first at day 0)"},
    {"day,value\n# only a header\n\n",
     "t.csv: no rows (expected lines \"day,value\", the first at day 0)"},
    {"0,1,2\n", "t.csv: line 1: expected 2 fields \"day,value\", found 3"},
    {"day,value\n0,1\n1\n", "t.csv: line 3: expected 2 fields \"day,value\", found 1"},
    {"0,1\n1,2,\n", "t.csv: line 2: expected 2 fields \"day,value\", found 3"},
    {"0\n", "t.csv: line 1: expected 2 fields \"day,value\", found 1"},
    {"day,value\nday,value\n", "t.csv: line 2: the day \"day\" is not a finite number"},
    {"0,1\n1;2\n", "t.csv: line 2: expected 2 fields \"day,value\", found 1"},
    {"0,1\n,2\n", "t.csv: line 2: the day \"\" is not a finite number"},
    {"0,1\n1,\n", "t.csv: line 2: the value \"\" is not a finite number"},
    {"0,1\n1, x \n", "t.csv: line 2: the value \"x\" is not a finite number"},
    {"0,1\n1,nan\n", "t.csv: line 2: the value \"nan\" is not a finite number"},
    {"0,1\n1,inf\n", "t.csv: line 2: the value \"inf\" is not a finite number"},
    {"0,1\n1,1e999\n", "t.csv: line 2: the value \"1e999\" is not a finite number"},
    {"0,1\n1,0x10\n", "t.csv: line 2: the value \"0x10\" is not a finite number"},
    {"0,1\n1,1.2.3\n", "t.csv: line 2: the value \"1.2.3\" is not a finite number"},
    {"0,1\n1,1 2\n", "t.csv: line 2: the value \"1 2\" is not a finite number"},
    {"0,1\n2e0x,1\n", "t.csv: line 2: the day \"2e0x\" is not a finite number"},
    {"0,1\n1,"
     "12345678901234567890123456789012345678901234567890123456789012345\n",
     "t.csv: line 2: the value \"1234567890123456789012345678901234567890...\" is not a "
     "finite number"},
    {"day,value\n-1,1\n", "t.csv: line 2: the day -1 is negative"},
    {"0,1\n-0.5,1\n", "t.csv: line 2: the day -0.5 is negative"},
    {"day,value\n1,1\n", "t.csv: line 2: the first row's day must be 0 (genesis), found 1"},
    {"0.5,1\n", "t.csv: line 1: the first row's day must be 0 (genesis), found 0.5"},
    {"day,value\n0,1\n4,2\n# x\n3.5,2\n",
     "t.csv: line 5: the day 3.5 is not after the previous row's 4"},
    {"0,1\n0,2\n", "t.csv: line 2: the day 0 is not after the previous row's 0"},
    {"0,1\n0.30000000000000004,1\n0.30000000000000004,2\n",
     "t.csv: line 3: the day 0.30000000000000004 is not after the previous row's "
     "0.30000000000000004"},
    {"0,1\n1,-0.5\n", "t.csv: line 2: the value -0.5 is below the minimum 0"},
    {"0,100.5\n", "t.csv: line 1: the value 100.5 is above the maximum 100"},
    {"0,1\r\n1,2\r\n2,1e3\r\n", "t.csv: line 3: the value 1000 is above the maximum 100"},
};

START_TEST(errors)
{
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ak_series s = {.n = 77}, before = s;
        char why[256];
        ck_assert_msg(parse(bad[i].text, AK_SERIES_STEP, 0, 100, &s, why) == AK_EINVAL,
                      "%s accepted", bad[i].text);
        ck_assert_msg(strcmp(why, bad[i].err) == 0, "%s:\n  got  %s\n  want %s", bad[i].text,
                      why, bad[i].err);
        ck_assert(memcmp(&s, &before, sizeof s) == 0); /* untouched */
    }
    /* A NUL inside a number. */
    ak_series s;
    char why[256];
    ck_assert_int_eq(ak_series_parse("t.csv", "0,1\n1,2\0003\n", 10, AK_SERIES_STEP, 0, 100,
                                     &s, why, sizeof why), AK_EINVAL);
    ck_assert_str_eq(why, "t.csv: line 2: the value \"2\" is not a finite number");
    /* The message is cut to cap. */
    ck_assert_int_eq(ak_series_parse("t.csv", "", 0, AK_SERIES_STEP, 0, 1, &s, why, 10),
                     AK_EINVAL);
    ck_assert_str_eq(why, "t.csv: no");
}
END_TEST

START_TEST(limits)
{
    /* 1,000,000 rows is the limit; one more is refused at its line. */
    size_t cap = 16u * (AK_SERIES_MAX_ROWS + 2);
    char *text = malloc(cap);
    ck_assert_ptr_nonnull(text);
    size_t len = (size_t)sprintf(text, "day,value\n");
    for (unsigned i = 0; i < AK_SERIES_MAX_ROWS; i++)
        len += (size_t)sprintf(text + len, "%u,1\n", i);
    ak_series s;
    char why[256];
    ck_assert_int_eq(ak_series_parse("t.csv", text, len, AK_SERIES_LINEAR, 0, 1, &s, why,
                                     sizeof why), 0);
    ck_assert_uint_eq(s.n, AK_SERIES_MAX_ROWS);
    ck_assert(ak_series_at(&s, 999999) == 1);
    ak_series_free(&s);
    len += (size_t)sprintf(text + len, "%u,1\n", AK_SERIES_MAX_ROWS);
    ck_assert_int_eq(ak_series_parse("t.csv", text, len, AK_SERIES_LINEAR, 0, 1, &s, why,
                                     sizeof why), AK_EINVAL);
    ck_assert_str_eq(why, "t.csv: line 1000002: more than 1000000 rows");
    free(text);

    /* 64 MiB of text: one byte more is refused, in memory and on disk. */
    size_t big = AK_SERIES_MAX_FILE + 1u;
    text = malloc(big);
    ck_assert_ptr_nonnull(text);
    memset(text, '\n', big);
    memcpy(text, "0,1\n", 4);
    ck_assert_int_eq(ak_series_parse("t.csv", text, big - 1, AK_SERIES_STEP, 0, 1, &s, why,
                                     sizeof why), 0);
    ck_assert_uint_eq(s.n, 1);
    ak_series_free(&s);
    ck_assert_int_eq(ak_series_parse("t.csv", text, big, AK_SERIES_STEP, 0, 1, &s, why,
                                     sizeof why), AK_EINVAL);
    ck_assert_str_eq(why, "t.csv: the file is larger than 64 MiB");
    free(text);

    char dir[64], path[128], want[256];
    mkscratch(dir, sizeof dir);
    put_file(dir, "big.csv", "0,1\n", path, sizeof path);
    ck_assert_int_eq(truncate(path, (off_t)big), 0);
    ck_assert_int_eq(ak_series_load(path, AK_SERIES_STEP, 0, 1, &s, why, sizeof why),
                     AK_EINVAL);
    snprintf(want, sizeof want, "%s: the file is larger than 64 MiB", path);
    ck_assert_str_eq(why, want);
    unlink(path);
    rmdir(dir);
}
END_TEST

START_TEST(load)
{
    char dir[64], path[128], want[256], why[256];
    mkscratch(dir, sizeof dir);
    put_file(dir, "p.csv", "day,value\n0,1.5\n1,2.5\n", path, sizeof path);
    ak_series s;
    ck_assert_int_eq(ak_series_load(path, AK_SERIES_LINEAR, 0, 10, &s, why, sizeof why), 0);
    ck_assert_uint_eq(s.n, 2);
    ck_assert(ak_series_at(&s, 0.5) == 2);
    ak_series_free(&s);

    put_file(dir, "bad.csv", "day,value\n0,1.5\n1,x\n", path, sizeof path);
    ck_assert_int_eq(ak_series_load(path, AK_SERIES_LINEAR, 0, 10, &s, why, sizeof why),
                     AK_EINVAL);
    snprintf(want, sizeof want, "%s: line 3: the value \"x\" is not a finite number", path);
    ck_assert_str_eq(why, want);
    unlink(path);

    snprintf(path, sizeof path, "%s/none.csv", dir);
    ck_assert_int_eq(ak_series_load(path, AK_SERIES_LINEAR, 0, 10, &s, why, sizeof why),
                     AK_EINVAL);
    snprintf(want, sizeof want, "%s: cannot open: No such file or directory", path);
    ck_assert_str_eq(why, want);

    ck_assert_int_eq(ak_series_load(dir, AK_SERIES_LINEAR, 0, 10, &s, why, sizeof why),
                     AK_EINVAL);
    snprintf(want, sizeof want, "%s: cannot read: Is a directory", dir);
    ck_assert_str_eq(why, want);

    snprintf(path, sizeof path, "%s/p.csv", dir);
    unlink(path);
    rmdir(dir);
}
END_TEST

START_TEST(resolve)
{
    char out[64];
    ck_assert_int_eq(ak_path_resolve("scenarios/x.json", "data/p.csv", out, sizeof out), 0);
    ck_assert_str_eq(out, "scenarios/data/p.csv");
    ck_assert_int_eq(ak_path_resolve("scenarios/x.json", "/abs/p.csv", out, sizeof out), 0);
    ck_assert_str_eq(out, "/abs/p.csv");
    ck_assert_int_eq(ak_path_resolve("x.json", "p.csv", out, sizeof out), 0);
    ck_assert_str_eq(out, "p.csv");
    ck_assert_int_eq(ak_path_resolve(NULL, "p.csv", out, sizeof out), 0);
    ck_assert_str_eq(out, "p.csv");
    ck_assert_int_eq(ak_path_resolve("/x.json", "p.csv", out, sizeof out), 0);
    ck_assert_str_eq(out, "/p.csv");
    ck_assert_int_eq(ak_path_resolve("./a/b/x.json", "../p.csv", out, sizeof out), 0);
    ck_assert_str_eq(out, "./a/b/../p.csv");
    ck_assert_int_eq(ak_path_resolve("a/", "p.csv", out, sizeof out), 0);
    ck_assert_str_eq(out, "a/p.csv");
    /* exactly fitting, and one byte short */
    ck_assert_int_eq(ak_path_resolve("ab/x.json", "p.csv", out, 9), 0);
    ck_assert_str_eq(out, "ab/p.csv");
    strcpy(out, "keep");
    ck_assert_int_eq(ak_path_resolve("ab/x.json", "p.csv", out, 8), AK_EINVAL);
    ck_assert_int_eq(ak_path_resolve("x.json", "/abc", out, 4), AK_EINVAL);
    ck_assert_int_eq(ak_path_resolve("a/x.json", "", out, sizeof out), AK_EINVAL);
    ck_assert_int_eq(ak_path_resolve("a/x.json", NULL, out, sizeof out), AK_EINVAL);
    ck_assert_str_eq(out, "keep");
}
END_TEST

/* ak_series_read: {"s": {"file": ..., "interpolate": ...}} with the scenario in dir. */
static bool try_read(const char *dir, const char *json, ak_series *s, char *err)
{
    char text[8192], scen[128];
    snprintf(text, sizeof text, "{\"s\": %s}", json);
    snprintf(scen, sizeof scen, "%s/x.json", dir);
    cJSON *root = cJSON_Parse(text);
    ck_assert_msg(root != NULL, "%s", text);
    const cJSON *obj = cJSON_GetObjectItemCaseSensitive(root, "s");
    jr r;
    jr_init(&r, "test", "x.json", root);
    bool ok = false;
    if (setjmp(r.on_error) == 0) {
        ak_series_read(&r, jr_opt(obj, "file"), jr_opt(obj, "interpolate"), scen, 0, 10, s);
        ok = true;
    } else {
        strcpy(err, r.err);
    }
    cJSON_Delete(root);
    return ok;
}

START_TEST(read_json)
{
    char dir[64], path[128], err[1024], want[1024];
    mkscratch(dir, sizeof dir);
    put_file(dir, "p.csv", "0,1\n2,3\n", path, sizeof path);
    ak_series s;
    ck_assert(try_read(dir, "{\"file\": \"p.csv\"}", &s, err));
    ck_assert_int_eq(s.interp, AK_SERIES_LINEAR);
    ck_assert(ak_series_at(&s, 1) == 2);
    ak_series_free(&s);
    ck_assert(try_read(dir, "{\"file\": \"p.csv\", \"interpolate\": \"step\"}", &s, err));
    ck_assert_int_eq(s.interp, AK_SERIES_STEP);
    ck_assert(ak_series_at(&s, 1) == 1);
    ak_series_free(&s);
    char abs[300];
    snprintf(abs, sizeof abs, "{\"file\": \"%s\", \"interpolate\": \"linear\"}", path);
    ck_assert(try_read("/nowhere", abs, &s, err)); /* absolute: not under the scenario's dir */
    ak_series_free(&s);

    static const struct {
        const char *json, *err;
    } cases[] = {
        {"{\"file\": \"p.csv\", \"interpolate\": \"liner\"}",
         "$.s.interpolate: unknown interpolation \"liner\" (did you mean \"linear\"?)"},
        {"{\"file\": \"p.csv\", \"interpolate\": \"cubic\"}",
         "$.s.interpolate: unknown interpolation \"cubic\" (known: step, linear)"},
        {"{\"file\": \"p.csv\", \"interpolate\": 1}",
         "$.s.interpolate: expected a string, found a number"},
        {"{\"file\": 3}", "$.s.file: expected a string, found a number"},
        {"{\"file\": \"\"}", "$.s.file: expected a file name, found an empty string"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ck_assert_msg(!try_read(dir, cases[i].json, &s, err), "%s accepted", cases[i].json);
        snprintf(want, sizeof want, "test: x.json: %s", cases[i].err);
        ck_assert_msg(strcmp(err, want) == 0, "got  %s\nwant %s", err, want);
    }
    /* The loader's message, at the file's node. */
    ck_assert(!try_read(dir, "{\"file\": \"none.csv\"}", &s, err));
    snprintf(want, sizeof want,
             "test: x.json: $.s.file: %s/none.csv: cannot open: No such file or directory", dir);
    ck_assert_str_eq(err, want);
    put_file(dir, "neg.csv", "0,1\n1,-1\n", path, sizeof path);
    ck_assert(!try_read(dir, "{\"file\": \"neg.csv\"}", &s, err));
    snprintf(want, sizeof want,
             "test: x.json: $.s.file: %s/neg.csv: line 2: the value -1 is below the minimum 0",
             dir);
    ck_assert_str_eq(err, want);
    unlink(path);
    /* A path that does not fit. */
    char *json = malloc(AK_SERIES_MAX_PATH + 64);
    ck_assert_ptr_nonnull(json);
    int n = sprintf(json, "{\"file\": \"");
    memset(json + n, 'a', AK_SERIES_MAX_PATH);
    strcpy(json + n + AK_SERIES_MAX_PATH, "\"}");
    ck_assert(!try_read(dir, json, &s, err));
    ck_assert_str_eq(err, "test: x.json: $.s.file: the file's path is longer than 4095 bytes");
    free(json);

    snprintf(path, sizeof path, "%s/p.csv", dir);
    unlink(path);
    rmdir(dir);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("series");
    TCase *tc = tcase_create("series");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, format);
    tcase_add_test(tc, values);
    tcase_add_test(tc, many_rows);
    tcase_add_test(tc, errors);
    tcase_add_test(tc, limits);
    tcase_add_test(tc, load);
    tcase_add_test(tc, resolve);
    tcase_add_test(tc, read_json);
    suite_add_tcase(s, tc);
    return check_run(s);
}
