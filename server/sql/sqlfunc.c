/* server/sql/sqlfunc.c — see sqlfunc.h. */
#include "server/sql/sqlfunc.h"

int sqlfunc_resolve(const char *name, const sqlval_type *args, int nargs, sqlval_type *ret,
                    int *id, sqlerr *err)
{
    (void)name;
    (void)args;
    (void)nargs;
    (void)ret;
    (void)id;
    (void)err;
    return 0;
}

int sqlfunc_eval(int id, const sqlval *args, int nargs, sqlval_type ret, sqlval *out, sqlerr *err)
{
    (void)id;
    (void)args;
    (void)nargs;
    (void)ret;
    (void)out;
    return sqlerr_set(err, "XX000", -1, "unknown built-in function");
}
