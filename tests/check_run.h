/*
 * tests/check_run.h: run one Check suite and turn its failures into main's exit status, for
 * every test program (fixture.h's fx_run is this). CK_FORK in the environment decides whether
 * tests fork, as Check reads it.
 */
#ifndef AK_TESTS_CHECK_RUN_H
#define AK_TESTS_CHECK_RUN_H

#include <check.h>
#include <stdlib.h>

static inline int check_run(Suite *s)
{
    SRunner *sr = srunner_create(s);
    srunner_set_fork_status(sr, CK_FORK_GETENV);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
