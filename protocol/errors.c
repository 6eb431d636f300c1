/* protocol/errors.c: names and default messages of the status codes in errors.h. */
#include "errors.h"

static const char *const names[AK_ERR_COUNT] = {
    [AK_ERR_POS_NONE_] = "OK",
#define AK_X(e, name, msg) [e##_POS_] = name,
    AK_ERROR_LIST(AK_X)
#undef AK_X
};

static const char *const messages[AK_ERR_COUNT] = {
    [AK_ERR_POS_NONE_] = "ok",
#define AK_X(e, name, msg) [e##_POS_] = msg,
    AK_ERROR_LIST(AK_X)
#undef AK_X
};

const char *ak_err_name(int status)
{
    if (status > 0 || -status >= AK_ERR_COUNT)
        return "ErrUnknown";
    return names[-status];
}

const char *ak_err_message(int status)
{
    if (status > 0 || -status >= AK_ERR_COUNT)
        return "unknown error";
    return messages[-status];
}
