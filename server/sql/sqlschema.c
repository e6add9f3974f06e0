/*
 * server/sql/sqlschema.c — see sqlschema.h.
 *
 * Index: type resolution, column construction (shared by CREATE and ADD COLUMN), CREATE
 * validation, ALTER, copy/free, catalog codec.
 */
#include "server/sql/sqlschema.h"
#include "server/sql/sqlenum.h"
#include "server/sql/sqlfunc.h"
#include "server/sql/sqldate.h"

#include <errno.h>
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "server/sql/sqlexpr.h"

static const struct {
    const char *name;
    sqlschema_kind kind;
    sqlval_type type;
    const char *canonical;
} type_map[] = {
    {"text", SQLSCHEMA_LWW, SQLVAL_TEXT, "text"},
    {"varchar", SQLSCHEMA_LWW, SQLVAL_VARCHAR, "character varying"},
    {"character varying", SQLSCHEMA_LWW, SQLVAL_VARCHAR, "character varying"},
    {"bpchar", SQLSCHEMA_LWW, SQLVAL_BPCHAR, "bpchar"},
    {"inet", SQLSCHEMA_LWW, SQLVAL_INET, "inet"},
    {"json", SQLSCHEMA_LWW, SQLVAL_JSON, "json"},
    {"jsonpath", SQLSCHEMA_LWW, SQLVAL_JSONPATH, "jsonpath"},
    {"cidr", SQLSCHEMA_LWW, SQLVAL_CIDR, "cidr"},
    {"character", SQLSCHEMA_LWW, SQLVAL_BPCHAR, "character"},
    {"int8", SQLSCHEMA_LWW, SQLVAL_INT8, "bigint"},
    {"bigint", SQLSCHEMA_LWW, SQLVAL_INT8, "bigint"},
    {"int4", SQLSCHEMA_LWW, SQLVAL_INT4, "integer"},
    {"int", SQLSCHEMA_LWW, SQLVAL_INT4, "integer"},
    {"integer", SQLSCHEMA_LWW, SQLVAL_INT4, "integer"},
    {"int2", SQLSCHEMA_LWW, SQLVAL_INT2, "smallint"},
    {"smallint", SQLSCHEMA_LWW, SQLVAL_INT2, "smallint"},
    {"float8", SQLSCHEMA_LWW, SQLVAL_FLOAT8, "double precision"},
    {"double precision", SQLSCHEMA_LWW, SQLVAL_FLOAT8, "double precision"},
    {"float4", SQLSCHEMA_LWW, SQLVAL_FLOAT4, "real"},
    {"real", SQLSCHEMA_LWW, SQLVAL_FLOAT4, "real"},
    {"bool", SQLSCHEMA_LWW, SQLVAL_BOOL, "boolean"},
    {"boolean", SQLSCHEMA_LWW, SQLVAL_BOOL, "boolean"},
    {"bytea", SQLSCHEMA_LWW, SQLVAL_BYTEA, "bytea"},
    {"jsonb", SQLSCHEMA_LWW, SQLVAL_JSONB, "jsonb"},
    {"timestamptz", SQLSCHEMA_LWW, SQLVAL_TIMESTAMPTZ, "timestamp with time zone"},
    {"timestamp with time zone", SQLSCHEMA_LWW, SQLVAL_TIMESTAMPTZ, "timestamp with time zone"},
    {"timestamp", SQLSCHEMA_LWW, SQLVAL_TIMESTAMP, "timestamp without time zone"},
    {"timestamp without time zone", SQLSCHEMA_LWW, SQLVAL_TIMESTAMP, "timestamp without time zone"},
    {"date", SQLSCHEMA_LWW, SQLVAL_DATE, "date"},
    {"time", SQLSCHEMA_LWW, SQLVAL_TIME, "time without time zone"},
    {"time without time zone", SQLSCHEMA_LWW, SQLVAL_TIME, "time without time zone"},
    {"interval", SQLSCHEMA_LWW, SQLVAL_INTERVAL, "interval"},
    {"uuid", SQLSCHEMA_LWW, SQLVAL_UUID, "uuid"},
    {"numeric", SQLSCHEMA_LWW, SQLVAL_NUMERIC, "numeric"},
    {"decimal", SQLSCHEMA_LWW, SQLVAL_NUMERIC, "numeric"},
    {"lww_register", SQLSCHEMA_LWW, SQLVAL_TEXT, "lww_register"},
    {"g_counter", SQLSCHEMA_G_COUNTER, SQLVAL_INT8, "g_counter"},
    {"pn_counter", SQLSCHEMA_PN_COUNTER, SQLVAL_INT8, "pn_counter"},
    {"mv_register", SQLSCHEMA_MV_REGISTER, SQLVAL_TEXTARRAY, "mv_register"},
    {"or_set", SQLSCHEMA_OR_SET, SQLVAL_TEXTARRAY, "or_set"},
    {"aw_set", SQLSCHEMA_AW_SET, SQLVAL_TEXTARRAY, "aw_set"},
    {"lww_map", SQLSCHEMA_LWW_MAP, SQLVAL_JSONB, "lww_map"},
    {"text[]", SQLSCHEMA_LWW, SQLVAL_TEXTARRAY, "text[]"}, /* an LWW register of a text array */
    {"_text", SQLSCHEMA_LWW, SQLVAL_TEXTARRAY, "text[]"},
};

/* A canonical name with a modifier: its base type's name and the typmod, or -1. */
static int32_t parse_mod(const char *n, const char **base)
{
    int a = 0, b = 0, len = 0;
    char back[64];
    int32_t tm = -1;
    if (sscanf(n, "character varying(%d)%n", &a, &len) == 1 && len && !n[len] && a >= 1 &&
        a <= 10485760) {
        *base = "character varying";
        tm = a + 4;
    } else if (sscanf(n, "character(%d)%n", &a, &len) == 1 && len && !n[len] && a >= 1 && a <= 10485760) {
        *base = "character";
        tm = a + 4;
    } else if (sscanf(n, "numeric(%d,%d)%n", &a, &b, &len) == 2 && len && !n[len] && a >= 1 &&
               a <= 1000 && b >= -1000 && b <= 1000) {
        *base = "numeric";
        tm = ((a << 16) | (b & 0x7ff)) + 4;
    } else if (sscanf(n, "timestamp(%d) with time zone%n", &a, &len) == 1 && len && !n[len] &&
               a >= 0 && a <= 6) {
        *base = "timestamp with time zone";
        tm = a;
    } else if (sscanf(n, "timestamp(%d) without time zone%n", &a, &len) == 1 && len && !n[len] &&
               a >= 0 && a <= 6) {
        *base = "timestamp without time zone";
        tm = a;
    } else if (sscanf(n, "time(%d) without time zone%n", &a, &len) == 1 && len && !n[len] &&
               a >= 0 && a <= 6) {
        *base = "time without time zone";
        tm = a;
    }
    if (tm < 0) return -1;
    /* canonical only: the exact text the parser makes */
    if (!strcmp(*base, "character varying")) snprintf(back, sizeof back, "character varying(%d)", a);
    else if (!strcmp(*base, "character")) snprintf(back, sizeof back, "character(%d)", a);
    else if (!strcmp(*base, "numeric")) snprintf(back, sizeof back, "numeric(%d,%d)", a, b);
    else if (!strcmp(*base, "timestamp without time zone"))
        snprintf(back, sizeof back, "timestamp(%d) without time zone", a);
    else if (!strcmp(*base, "time without time zone"))
        snprintf(back, sizeof back, "time(%d) without time zone", a);
    else snprintf(back, sizeof back, "timestamp(%d) with time zone", a);
    return strcmp(back, n) ? -1 : tm;
}

/* "enum:<oid>:<name>", the canonical name of a column of an enum type (the executor writes
 * it for the type's name): 1 with the oid and the name's offset, 0 otherwise */
static int enum_name(const char *n, uint32_t *oid, size_t *name_at)
{
    if (strncmp(n, "enum:", 5)) return 0;
    char *end;
    errno = 0;
    unsigned long v = strtoul(n + 5, &end, 10);
    if (errno || end == n + 5 || *end != ':' || !v || v > 0xffffffffUL || !isdigit((unsigned char)n[5]))
        return 0;
    size_t nl = strlen(end + 1);
    if (nl == 0 || nl > 63) return 0;
    *oid = (uint32_t)v;
    *name_at = (size_t)(end + 1 - n);
    return 1;
}

int32_t sqlschema_typmod_of(const char *type_name)
{
    const char *base;
    uint32_t oid;
    size_t at;
    if (enum_name(type_name, &oid, &at)) return (int32_t)oid; /* an enum column: its type */
    return parse_mod(type_name, &base);
}

const char *sqlschema_type_display(const char *type_name)
{
    uint32_t oid;
    size_t at;
    return enum_name(type_name, &oid, &at) ? type_name + at : type_name;
}

int sqlschema_type_resolve(const char *type_name, sqlschema_kind *kind, sqlval_type *type,
                           const char **canonical, sqlerr *err)
{
    const char *base;
    uint32_t eoid;
    size_t eat;
    if (enum_name(type_name, &eoid, &eat)) { /* an enum type (sqlenum.h): an LWW register */
        if (eoid > INT32_MAX) return sqlerr_set(err, "XX000", -1, "enum type oid out of range");
        *kind = SQLSCHEMA_LWW;
        *type = SQLVAL_ENUM;
        *canonical = type_name;
        return SQL_OK;
    }
    if (strchr(type_name, '(') && parse_mod(type_name, &base) >= 0) {
        if (sqlschema_type_resolve(base, kind, type, canonical, err)) return SQL_ERR;
        *canonical = type_name; /* already canonical (parse_mod checked) */
        return SQL_OK;
    }
    for (size_t i = 0; i < sizeof(type_map) / sizeof(type_map[0]); i++) {
        if (strcasecmp(type_name, type_map[i].name) != 0) continue;
        *kind = type_map[i].kind;
        *type = type_map[i].type;
        *canonical = type_map[i].canonical;
        return SQL_OK;
    }
    /* integer[], _int4, date[] ...: an LWW register of an array of a scalar type (its
     * canonical name the element's and "[]"); text and varchar arrays are text[] above */
    size_t tl = strlen(type_name);
    bool brackets = tl > 2 && !strcmp(type_name + tl - 2, "[]");
    if ((brackets || (type_name[0] == '_' && tl > 1)) && tl < 64) {
        char ebase[64];
        memcpy(ebase, brackets ? type_name : type_name + 1, brackets ? tl - 2 : tl - 1);
        ebase[brackets ? tl - 2 : tl - 1] = 0;
        static const struct {
            sqlval_type t;
            const char *canonical;
        } arrays[] = {
            {SQLVAL_BOOLARRAY, "boolean[]"},       {SQLVAL_INT2ARRAY, "smallint[]"},
            {SQLVAL_INT4ARRAY, "integer[]"},       {SQLVAL_INT8ARRAY, "bigint[]"},
            {SQLVAL_FLOAT4ARRAY, "real[]"},        {SQLVAL_FLOAT8ARRAY, "double precision[]"},
            {SQLVAL_NUMERICARRAY, "numeric[]"},    {SQLVAL_DATEARRAY, "date[]"},
            {SQLVAL_TIMEARRAY, "time without time zone[]"},
            {SQLVAL_TIMESTAMPARRAY, "timestamp without time zone[]"},
            {SQLVAL_TIMESTAMPTZARRAY, "timestamp with time zone[]"},
            {SQLVAL_INTERVALARRAY, "interval[]"}, {SQLVAL_UUIDARRAY, "uuid[]"},
            {SQLVAL_JSONBARRAY, "jsonb[]"},
        };
        for (size_t i = 0; i < sizeof(type_map) / sizeof(type_map[0]); i++) {
            if (strcasecmp(ebase, type_map[i].name) != 0 || type_map[i].kind != SQLSCHEMA_LWW ||
                !strcmp(type_map[i].name, "lww_register"))
                continue;
            sqlval_type at = sqlval_array_of(type_map[i].type);
            for (size_t k = 0; k < sizeof arrays / sizeof arrays[0]; k++)
                if (arrays[k].t == at) {
                    *kind = SQLSCHEMA_LWW;
                    *type = at;
                    *canonical = arrays[k].canonical;
                    return SQL_OK;
                }
        }
    }
    if (strchr(type_name, '[') || !strcasecmp(type_name, "timetz")) {
        sqlerr_set(err, "0A000", -1, "feature not supported: columns of type %s", type_name);
        sqlerr_hint(err, "Use text[] semantics through or_set/aw_set/mv_register, jsonb through "
                         "jsonb or lww_map, times with a zone through timestamptz.");
        return SQL_ERR;
    }
    return sqlerr_set(err, "42704", -1, "type \"%s\" does not exist", type_name);
}

static bool key_type_ok(const sqlschema_column *c)
{
    return c->kind == SQLSCHEMA_LWW && strcmp(c->type_name, "lww_register") != 0 &&
           c->type != SQLVAL_FLOAT4 && c->type != SQLVAL_FLOAT8 && c->type != SQLVAL_JSONB && c->type != SQLVAL_JSON &&
           c->type != SQLVAL_JSONPATH && c->type != SQLVAL_INTERVAL;
}

static void column_free(sqlschema_column *c)
{
    free(c->name);
    free(c->type_name);
    free(c->comment);
    sqlval_free(&c->default_value);
    memset(c, 0, sizeof(*c));
}

/* Fills *c from a column definition (not its key position). */
static int column_from_def(const sqlast_coldef *d, uint16_t id, sqlschema_column *c, sqlerr *err)
{
    const char *canonical;
    memset(c, 0, sizeof(*c));
    sqlval_init_null(&c->default_value, SQLVAL_UNKNOWN);
    c->id = id;
    c->pk_pos = -1;
    if (strlen(d->name) > SQLSCHEMA_NAME_MAX)
        return sqlerr_set(err, "42622", d->location, "column name \"%s\" is too long", d->name);
    if (sqlschema_type_resolve(d->type_name, &c->kind, &c->type, &canonical, err)) {
        err->position = d->location + 1;
        return SQL_ERR;
    }
    c->not_null = d->not_null;
    if (!(c->name = strdup(d->name)) || !(c->type_name = strdup(canonical))) goto oom;
    c->typmod = sqlschema_typmod_of(canonical);
    if (d->identity || d->serial) {
        /* the sequence is made by the caller (sqlrun.c), which sets default_seq */
        if (c->kind != SQLSCHEMA_LWW ||
            (c->type != SQLVAL_INT2 && c->type != SQLVAL_INT4 && c->type != SQLVAL_INT8)) {
            column_free(c);
            return sqlerr_set(err, "22023", -1,
                              "identity column type must be smallint, integer, or bigint");
        }
        c->has_default = true;
        c->default_seq = SQLSCHEMA_SEQ_PENDING;
        c->identity = d->identity;
        return SQL_OK;
    }
    if (d->def && sqlschema_nextval_arg(d->def)) {
        if (c->kind != SQLSCHEMA_LWW || !sqlval_type_is_numeric(c->type)) {
            column_free(c);
            return sqlerr_set(err, "42804", d->def->location,
                              "column \"%s\" is of type %s but default expression is of type bigint",
                              d->name, canonical);
        }
        c->has_default = true;
        c->default_seq = SQLSCHEMA_SEQ_PENDING;
        return SQL_OK;
    }
    if (d->def) {
        if (c->kind != SQLSCHEMA_LWW) {
            column_free(c);
            sqlerr_set(err, "0A000", d->def->location,
                       "feature not supported: DEFAULT on a %s column", canonical);
            sqlerr_hint(err, "CRDT columns start empty; give an initial value in INSERT.");
            return SQL_ERR;
        }
        const sqlast_expr *df = d->def;
        bool fn0 = df->kind == SQLAST_FUNC && df->nargs == 0 && df->name;
        if (fn0 && (!strcmp(df->name, "gen_random_uuid") || !strcmp(df->name, "uuid_generate_v4"))) {
            c->has_default = c->default_uuid = true;
            c->now_fn = !strcmp(df->name, "uuid_generate_v4"); /* as written (SQLSCHEMA_UUID_*) */
            if (c->type != SQLVAL_UUID) {
                column_free(c);
                return sqlerr_set(err, "42804", d->def->location,
                                  "column \"%s\" is of type %s but default expression is of type "
                                  "uuid", d->name, canonical);
            }
            return SQL_OK;
        }
        if (fn0 && (!strcmp(df->name, "now") || !strcmp(df->name, "current_date") ||
                    !strcmp(df->name, "localtimestamp") || !strcmp(df->name, "localtime") ||
                    !strcmp(df->name, "transaction_timestamp") ||
                    !strcmp(df->name, "statement_timestamp"))) {
            c->has_default = c->default_now = true;
            c->now_fn = !strcmp(df->name, "current_date")            ? SQLSCHEMA_NOW_CURRENT_DATE
                        : !strcmp(df->name, "localtimestamp")        ? SQLSCHEMA_NOW_LOCALTIMESTAMP
                        : !strcmp(df->name, "localtime")             ? SQLSCHEMA_NOW_LOCALTIME
                        : !strcmp(df->name, "transaction_timestamp") ? SQLSCHEMA_NOW_TRANSACTION_TIMESTAMP
                        : !strcmp(df->name, "statement_timestamp")   ? SQLSCHEMA_NOW_STATEMENT_TIMESTAMP
                        : df->qualifier && !strcmp(df->qualifier, "current_timestamp")
                            ? SQLSCHEMA_NOW_CURRENT_TIMESTAMP
                            : SQLSCHEMA_NOW_NOW;
            if (!sqldate_is_datetime(c->type) && c->type != SQLVAL_TIME) {
                column_free(c);
                return sqlerr_set(err, "42804", d->def->location,
                                  "column \"%s\" is of type %s but default expression is of type "
                                  "timestamp with time zone", d->name, canonical);
            }
            return SQL_OK;
        }

        if (!sqlexpr_is_constant(d->def)) {
            column_free(c);
            return sqlerr_unsupported(err, d->def->location, "non-constant DEFAULT expressions");
        }
        /* a function whose value changes per row or per session (now() + interval '1 day',
         * current_user): PostgreSQL computes it at each INSERT; folding it here would store
         * one value for every row */
        static const char *const per_row[] = {
            "now", "transaction_timestamp", "statement_timestamp", "clock_timestamp",
            "current_date", "localtime", "localtimestamp", "timeofday", "random",
            "gen_random_uuid", "nextval", "currval", "lastval", "setval", "current_user",
            "session_user", "current_schema", "current_database", "current_setting",
            "txid_current", "pg_backend_pid", "inet_client_addr"};
        for (size_t k = 0; k < sizeof per_row / sizeof per_row[0]; k++)
            if (sqlexpr_calls(d->def, per_row[k])) {
                column_free(c);
                char what[128];
                snprintf(what, sizeof what, "DEFAULT expressions computed per row (%s())",
                         per_row[k]);
                sqlerr_unsupported(err, d->def->location, what);
                sqlerr_hint(err, "A DEFAULT may be now(), CURRENT_TIMESTAMP, CURRENT_DATE, LOCALTIMESTAMP, "
                                 "LOCALTIME, gen_random_uuid() or nextval('seq') alone, or a constant.");
                return SQL_ERR;
            }
        sqlexpr_scope sc = {.clause = "DEFAULT"};
        sqlexpr_ctx ctx = {0};
        sqlval v, cast;
        if (sqlexpr_bind(d->def, &sc, c->type, err) || sqlexpr_eval(d->def, &ctx, &v, err)) {
            column_free(c);
            return SQL_ERR;
        }
        int rc = sqlval_cast(&v, c->type, &cast, err);
        sqlval_free(&v);
        if (rc) {
            column_free(c);
            return SQL_ERR;
        }
        /* DEFAULT NULL means no default */
        c->has_default = !cast.isnull;
        c->default_value = cast; /* fitted to the modifier at each INSERT, as PostgreSQL */
    }
    return SQL_OK;
oom:
    column_free(c);
    return sqlerr_oom(err);
}

int sqlschema_find_column(const sqlschema_table *t, const char *name)
{
    for (int i = 0; i < t->ncols; i++)
        if (!strcmp(t->cols[i].name, name)) return i;
    return -1;
}

void sqlschema_free(sqlschema_table *t)
{
    if (!t) return;
    for (int i = 0; i < t->ncols; i++) column_free(&t->cols[i]);
    free(t->cols);
    free(t->name);
    free(t->view_sql);
    free(t->seq);
    for (int i = 0; i < t->nfks; i++) free(t->fks[i].name);
    free(t->fks);
    for (int i = 0; i < t->nchecks; i++) {
        free(t->checks[i].name);
        free(t->checks[i].expr);
    }
    free(t->checks);
    free(t->comment);
    free(t->view_path);
    free(t);
}

int sqlschema_from_create(const sqlast_stmt *s, uint32_t id, sqlschema_table **out, sqlerr *err)
{
    *out = NULL;
    if (strlen(sqlast_relname(s->table)) > SQLSCHEMA_NAME_MAX)
        return sqlerr_set(err, "42622", -1, "table name \"%s\" is too long", sqlast_relname(s->table));
    if (s->ncols > SQLSCHEMA_MAX_COLUMNS)
        return sqlerr_set(err, "54011", -1, "tables can have at most %d columns",
                          SQLSCHEMA_MAX_COLUMNS);
    if (s->ncols == 0)
        return sqlerr_set(err, "42P16", -1, "table \"%s\" must have between 1 and %d columns",
                          sqlast_relname(s->table), SQLSCHEMA_MAX_COLUMNS);
    sqlschema_table *t = calloc(1, sizeof(*t));
    if (!t) return sqlerr_oom(err);
    t->id = id;
    if (!(t->name = strdup(sqlast_relname(s->table))) || !(t->cols = calloc((size_t)s->ncols, sizeof(*t->cols)))) {
        sqlschema_free(t);
        return sqlerr_oom(err);
    }
    for (int i = 0; i < s->ncols; i++) {
        if (sqlschema_find_column(t, s->cols[i].name) >= 0) {
            sqlschema_free(t);
            return sqlerr_set(err, "42701", s->cols[i].location,
                              "column \"%s\" specified more than once", s->cols[i].name);
        }
        if (column_from_def(&s->cols[i], (uint16_t)(i + 1), &t->cols[i], err)) {
            sqlschema_free(t);
            return SQL_ERR;
        }
        t->ncols++;
    }
    t->next_col_id = (uint16_t)(s->ncols + 1);
    /* primary key: column-level or table-level, exactly one of them */
    int ncolpk = 0;
    for (int i = 0; i < s->ncols; i++) ncolpk += s->cols[i].primary_key;
    if (ncolpk + (s->npk > 0) > 1) {
        sqlschema_free(t);
        return sqlerr_set(err, "42P16", s->pk_location,
                          "multiple primary keys for table \"%s\" are not allowed", sqlast_relname(s->table));
    }
    for (int i = 0; i < t->ncols; i++)
        if (!strcmp(t->cols[i].name, SQLSCHEMA_ROWID) || !strcmp(t->cols[i].name, SQLSCHEMA_ROWID_NODE)) {
            sqlerr_set(err, "42701", -1, "column name \"%s\" conflicts with a system column name",
                       t->cols[i].name);
            sqlschema_free(t);
            return SQL_ERR;
        }
    if (ncolpk == 0 && s->npk == 0) {
        /* no primary key: the hidden row id is the key */
        sqlschema_column *g = realloc(t->cols, (size_t)(t->ncols + 2) * sizeof *g);
        if (!g) {
            sqlschema_free(t);
            return sqlerr_oom(err);
        }
        t->cols = g;
        const char *names[2] = {SQLSCHEMA_ROWID, SQLSCHEMA_ROWID_NODE};
        const char *types[2] = {"bigint", "integer"};
        for (int k = 0; k < 2; k++) {
            sqlschema_column *c = &t->cols[t->ncols];
            memset(c, 0, sizeof *c);
            sqlval_init_null(&c->default_value, SQLVAL_UNKNOWN);
            c->id = t->next_col_id++;
            c->kind = SQLSCHEMA_LWW;
            c->type = k ? SQLVAL_INT4 : SQLVAL_INT8;
            c->not_null = true;
            c->hidden = true;
            c->pk_pos = k;
            if (!(c->name = strdup(names[k])) || !(c->type_name = strdup(types[k]))) {
                t->ncols++;
                sqlschema_free(t);
                return sqlerr_oom(err);
            }
            t->pk[t->npk++] = t->ncols;
            t->ncols++;
        }
        *out = t;
        return SQL_OK;
    }
    if (ncolpk) {
        for (int i = 0; i < s->ncols; i++)
            if (s->cols[i].primary_key) t->pk[t->npk++] = i;
    } else {
        if (s->npk > (int)(sizeof(t->pk) / sizeof(t->pk[0]))) {
            sqlschema_free(t);
            return sqlerr_set(err, "54011", s->pk_location, "too many columns in the primary key");
        }
        for (int k = 0; k < s->npk; k++) {
            int ci = sqlschema_find_column(t, s->pk[k]);
            if (ci < 0) {
                sqlschema_free(t);
                return sqlerr_set(err, "42703", s->pk_location,
                                  "column \"%s\" named in key does not exist", s->pk[k]);
            }
            if (t->cols[ci].pk_pos >= 0) {
                sqlschema_free(t);
                return sqlerr_set(err, "42701", s->pk_location,
                                  "column \"%s\" appears twice in primary key constraint",
                                  s->pk[k]);
            }
            t->cols[ci].pk_pos = k; /* provisional; set for all below */
            t->pk[t->npk++] = ci;
        }
    }
    for (int k = 0; k < t->npk; k++) {
        sqlschema_column *c = &t->cols[t->pk[k]];
        c->pk_pos = k;
        c->not_null = true;
        if (c->type == SQLVAL_JSON || c->type == SQLVAL_JSONPATH) { /* as PostgreSQL: no ordering at all */
            sqlerr_set(err, "42704", -1, "data type %s has no default operator class for access method \"btree\"",
                       c->type == SQLVAL_JSON ? "json" : "jsonpath");
            sqlerr_hint(err, "You must specify an operator class for the index or define a default operator class for the data type.");
            return SQL_ERR;
        }
        if (!key_type_ok(c)) {
            sqlerr_set(err, "0A000", -1,
                       "feature not supported: primary key column \"%s\" of type %s", c->name,
                       c->type_name);
            sqlerr_hint(err, "Key columns must be text, varchar, integers, boolean, bytea, "
                             "numeric or timestamptz.");
            sqlschema_free(t);
            return SQL_ERR;
        }
    }
    *out = t;
    return SQL_OK;
}

int sqlschema_add_column(sqlschema_table *t, const sqlast_coldef *def, sqlerr *err)
{
    if (sqlschema_find_column(t, def->name) >= 0)
        return sqlerr_set(err, "42701", def->location, "column \"%s\" of relation \"%s\" already exists",
                          def->name, t->name);
    if (def->primary_key)
        return sqlerr_unsupported(err, def->location, "adding a primary key column");
    if (sqlschema_visible_columns(t) >= SQLSCHEMA_MAX_COLUMNS || t->next_col_id == UINT16_MAX)
        return sqlerr_set(err, "54011", def->location, "tables can have at most %d columns",
                          SQLSCHEMA_MAX_COLUMNS);
    if (def->not_null && !def->def)
        return sqlerr_unsupported(err, def->location,
                                  "ADD COLUMN ... NOT NULL without a DEFAULT");
    sqlschema_column c;
    if (column_from_def(def, t->next_col_id, &c, err)) return SQL_ERR;
    sqlschema_column *grown = realloc(t->cols, (size_t)(t->ncols + 1) * sizeof(*grown));
    if (!grown) {
        column_free(&c);
        return sqlerr_oom(err);
    }
    t->cols = grown;
    t->cols[t->ncols++] = c;
    t->next_col_id++;
    return SQL_OK;
}

int sqlschema_set_default(sqlschema_table *t, int ci, const sqlast_expr *def, sqlerr *err)
{
    sqlschema_column *c = &t->cols[ci];
    if (c->identity) {
        sqlerr_set(err, "42601", -1, "column \"%s\" of relation \"%s\" is an identity column",
                   c->name, t->name);
        sqlerr_hint(err, "Use ALTER TABLE ... ALTER COLUMN ... DROP IDENTITY instead.");
        return SQL_ERR;
    }
    sqlschema_column n;
    memset(&n, 0, sizeof n);
    sqlval_init_null(&n.default_value, SQLVAL_UNKNOWN);
    if (def) {
        sqlast_coldef d;
        memset(&d, 0, sizeof d);
        d.name = c->name;
        d.type_name = c->type_name;
        d.def = (sqlast_expr *)def;
        if (column_from_def(&d, c->id, &n, err)) return SQL_ERR;
    }
    sqlval_free(&c->default_value);
    c->default_value = n.default_value;
    sqlval_init_null(&n.default_value, SQLVAL_UNKNOWN);
    c->has_default = n.has_default;
    c->default_now = n.default_now;
    c->default_uuid = n.default_uuid;
    c->default_seq = n.default_seq;
    c->now_fn = n.now_fn;
    if (def) column_free(&n);
    return SQL_OK;
}

/* 0A000 for a subquery, a CRDT column or the hidden row id in a CHECK expression. */
static int check_walk(const sqlschema_table *t, const sqlast_expr *e, sqlerr *err)
{
    if (!e) return SQL_OK;
    if (e->kind == SQLAST_SUBLINK)
        return sqlerr_set(err, "0A000", e->location, "cannot use subquery in check constraint");
    if (e->kind == SQLAST_PARAM)
        return sqlerr_set(err, "42P02", e->location, "there is no parameter $%d", e->param);
    if (e->kind == SQLAST_COLUMN && e->colidx >= 0 && e->colidx < t->ncols) {
        const sqlschema_column *c = &t->cols[e->colidx];
        if (c->kind != SQLSCHEMA_LWW || !strcmp(c->type_name, "lww_register")) {
            sqlerr_set(err, "0A000", e->location,
                       "feature not supported: a CHECK constraint on %s column \"%s\"",
                       c->type_name, c->name);
            sqlerr_hint(err, "A CRDT column's value is merged from every region's writes, so a "
                             "check made where a row is written could not hold for it.");
            return SQL_ERR;
        }
    }
    for (int i = 0; i < e->nargs; i++)
        if (check_walk(t, e->args[i], err)) return SQL_ERR;
    return SQL_OK;
}

/* Whether the '(' at s[0] closes at s[n-1] (quotes and comments skipped): the text is one
 * parenthesized expression, as pg_get_constraintdef's CHECK ((...)) gives it back. */
static bool wrapped(const char *s, size_t n)
{
    if (n < 2 || s[0] != '(' || s[n - 1] != ')') return false;
    int depth = 0;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (ch == '\'' || ch == '"') {
            for (i++; i < n && !(s[i] == ch && (i + 1 >= n || s[i + 1] != ch)); i++)
                if (s[i] == ch) i++; /* a doubled quote */
            continue;
        }
        if (ch == '(') depth++;
        else if (ch == ')' && --depth == 0 && i != n - 1) return false;
    }
    return depth == 0;
}

static bool constraint_name_taken(const sqlschema_table *t, const char *name)
{
    char pkey[SQLSCHEMA_NAME_MAX + 8];
    snprintf(pkey, sizeof pkey, "%s_pkey", t->name);
    if (!strcmp(pkey, name)) return true;
    for (int i = 0; i < t->nfks; i++)
        if (!strcmp(t->fks[i].name, name)) return true;
    for (int i = 0; i < t->nchecks; i++)
        if (!strcmp(t->checks[i].name, name)) return true;
    return false;
}

/* The one column a bound expression reads, -2 when it reads several, -1 none (PostgreSQL
 * names a CHECK after its column only when it reads exactly one: pull_var_clause). */
static int sole_column(const sqlschema_table *t, const sqlast_expr *e, int found)
{
    if (!e || found == -2) return found;
    if (e->kind == SQLAST_COLUMN && e->colidx >= 0 && e->colidx < t->ncols) {
        if (found >= 0 && found != e->colidx) return -2;
        found = e->colidx;
    }
    for (int i = 0; i < e->nargs && found != -2; i++) found = sole_column(t, e->args[i], found);
    return found;
}

int sqlschema_add_check(sqlschema_table *t, sqlast_check *k, uint32_t oid, bool creating,
                        sqlerr *err)
{
    if (t->nchecks >= SQLSCHEMA_MAX_CHECKS)
        return sqlerr_set(err, "54000", k->location, "a table has at most %d CHECK constraints",
                          SQLSCHEMA_MAX_CHECKS);
    if (check_walk(t, k->expr, err)) return SQL_ERR; /* subqueries: before binding */
    sqlexpr_scope sc = {.table = t, .alias = t->name, .clause = "check constraints"};
    if (sqlexpr_bind(k->expr, &sc, SQLVAL_BOOL, err) || check_walk(t, k->expr, err)) return SQL_ERR;
    if (k->expr->type != SQLVAL_BOOL && k->expr->type != SQLVAL_UNKNOWN)
        return sqlerr_set(err, "42804", k->expr->location,
                          "argument of CHECK must be type boolean, not type %s",
                          sqlval_type_name(k->expr->type));
    char name[SQLSCHEMA_NAME_MAX + 1];
    if (k->name) {
        snprintf(name, sizeof name, "%s", k->name);
        if (constraint_name_taken(t, name))
            return creating ? sqlerr_set(err, "42710", -1, "check constraint \"%s\" already exists", name)
                            : sqlerr_set(err, "42710", -1, "constraint \"%s\" for relation \"%s\" already exists",
                                         name, t->name);
    } else {
        /* ChooseConstraintName(table, column, "check"): parts cut to fit, then a number */
        int sole = sole_column(t, k->expr, -1);
        const char *col = sole >= 0 ? t->cols[sole].name : NULL;
        for (int pass = 0; pass < 1000; pass++) {
            char suffix[16];
            snprintf(suffix, sizeof suffix, pass ? "check%d" : "check", pass);
            size_t tl = strlen(t->name), cl = col ? strlen(col) : 0;
            size_t room = SQLSCHEMA_NAME_MAX - strlen(suffix) - (col ? 2 : 1);
            while (tl + cl > room) {
                if (tl > cl) tl--;
                else cl--;
            }
            if (col) snprintf(name, sizeof name, "%.*s_%.*s_%s", (int)tl, t->name, (int)cl, col, suffix);
            else snprintf(name, sizeof name, "%.*s_%s", (int)tl, t->name, suffix);
            if (!constraint_name_taken(t, name)) break;
        }
    }
    sqlschema_check *g = realloc(t->checks, (size_t)(t->nchecks + 1) * sizeof *g);
    if (!g) return sqlerr_oom(err);
    t->checks = g;
    sqlschema_check *c = &t->checks[t->nchecks];
    c->oid = oid;
    c->name = strdup(name);
    /* kept without enclosing parentheses, so a dump and restore gives the same text back */
    const char *x = k->text ? k->text : "";
    size_t xl = strlen(x);
    while (wrapped(x, xl)) {
        x++;
        xl -= 2;
        while (xl && (*x == ' ' || *x == '\n' || *x == '\t')) x++, xl--;
        while (xl && (x[xl - 1] == ' ' || x[xl - 1] == '\n' || x[xl - 1] == '\t')) xl--;
    }
    c->expr = strndup(x, xl);
    if (!c->name || !c->expr || !*c->expr) {
        free(c->name);
        free(c->expr);
        return c->name && c->expr ? sqlerr_set(err, "42601", k->location, "empty CHECK expression")
                                  : sqlerr_oom(err);
    }
    t->nchecks++;
    return SQL_OK;
}

int sqlschema_drop_column(sqlschema_table *t, const char *name, sqlerr *err)
{
    int ci = sqlschema_find_column(t, name);
    if (ci < 0)
        return sqlerr_set(err, "42703", -1, "column \"%s\" of relation \"%s\" does not exist", name,
                          t->name);
    if (t->cols[ci].pk_pos >= 0)
        return sqlerr_unsupported(err, -1, "dropping a primary key column");
    uint16_t id = t->cols[ci].id;
    for (int i = 0; i < t->nfks;) { /* its foreign keys go with it, as in PostgreSQL */
        bool uses = false;
        for (int k = 0; k < t->fks[i].ncols; k++) uses |= t->fks[i].cols[k] == id;
        if (!uses) {
            i++;
            continue;
        }
        free(t->fks[i].name);
        memmove(&t->fks[i], &t->fks[i + 1], (size_t)(t->nfks - i - 1) * sizeof *t->fks);
        t->nfks--;
    }
    column_free(&t->cols[ci]);
    memmove(&t->cols[ci], &t->cols[ci + 1], (size_t)(t->ncols - ci - 1) * sizeof(*t->cols));
    t->ncols--;
    for (int k = 0; k < t->npk; k++)
        if (t->pk[k] > ci) t->pk[k]--;
    return SQL_OK;
}

int sqlschema_set_primary_key(sqlschema_table *t, char *const *cols, int n, int location,
                              sqlerr *err)
{
    if (!sqlschema_has_rowid(t))
        return sqlerr_set(err, "42P16", -1, "multiple primary keys for table \"%s\" are not allowed",
                          t->name);
    if (n < 1 || n > 32) return sqlerr_set(err, "54011", location, "too many columns in the primary key");
    for (int i = 0; i < t->ncols;) { /* the row id goes */
        if (!t->cols[i].hidden) {
            i++;
            continue;
        }
        column_free(&t->cols[i]);
        memmove(&t->cols[i], &t->cols[i + 1], (size_t)(t->ncols - i - 1) * sizeof(*t->cols));
        t->ncols--;
    }
    t->npk = 0;
    for (int i = 0; i < t->ncols; i++) t->cols[i].pk_pos = -1;
    for (int k = 0; k < n; k++) {
        int ci = sqlschema_find_column(t, cols[k]);
        if (ci < 0)
            return sqlerr_set(err, "42703", location, "column \"%s\" of relation \"%s\" does not exist",
                              cols[k], t->name);
        sqlschema_column *c = &t->cols[ci];
        if (c->pk_pos >= 0)
            return sqlerr_set(err, "42701", location,
                              "column \"%s\" appears twice in primary key constraint", cols[k]);
        if (!key_type_ok(c)) {
            sqlerr_set(err, "0A000", location,
                       "feature not supported: primary key column \"%s\" of type %s", c->name,
                       c->type_name);
            sqlerr_hint(err, "Key columns must be text, varchar, integers, boolean, bytea, "
                             "numeric or timestamptz.");
            return SQL_ERR;
        }
        c->pk_pos = k;
        c->not_null = true;
        t->pk[t->npk++] = ci;
    }
    return SQL_OK;
}

int sqlschema_copy(const sqlschema_table *t, sqlschema_table **out, sqlerr *err)
{
    codec_buf b;
    codec_buf_init(&b);
    if (sqlschema_encode(t, &b)) {
        codec_buf_free(&b);
        return sqlerr_oom(err);
    }
    int rc = sqlschema_decode(b.data, b.len, out, err);
    codec_buf_free(&b);
    return rc;
}

/* ------------------------------------------------------------------ catalog codec */

enum {
    FLAG_NOT_NULL = 1, FLAG_DEFAULT = 2, FLAG_DEFAULT_NOW = 4, FLAG_HIDDEN = 8,
    FLAG_DEFAULT_SEQ = 16, FLAG_IDENTITY_ALWAYS = 32, FLAG_IDENTITY_DEFAULT = 64,
    FLAG_DEFAULT_UUID = 128
};

bool sqlschema_has_rowid(const sqlschema_table *t)
{
    for (int i = 0; i < t->ncols; i++)
        if (t->cols[i].hidden) return true;
    return false;
}

uint32_t sqlschema_max_id(const sqlschema_table *t, uint16_t node)
{
    uint32_t m = t->id >> 16 == node ? t->id : 0;
    for (int i = 0; i < t->nfks; i++)
        if (t->fks[i].oid >> 16 == node && t->fks[i].oid > m) m = t->fks[i].oid;
    for (int i = 0; i < t->nchecks; i++)
        if (t->checks[i].oid >> 16 == node && t->checks[i].oid > m) m = t->checks[i].oid;
    return m;
}

int sqlschema_visible_columns(const sqlschema_table *t)
{
    int n = 0;
    for (int i = 0; i < t->ncols; i++) n += !t->cols[i].hidden;
    return n;
}

const char *sqlschema_now_text(const sqlschema_column *c)
{
    static const char *const text[] = {"now()", "CURRENT_TIMESTAMP", "CURRENT_DATE",
                                       "LOCALTIMESTAMP", "LOCALTIME", "transaction_timestamp()",
                                       "statement_timestamp()"};
    return c->now_fn <= SQLSCHEMA_NOW_MAX ? text[c->now_fn] : "now()";
}

static bool has_ext(const sqlschema_table *t)
{
    if (t->seq || t->view_sql) return false;
    bool any = t->comment || t->nchecks;
    for (int i = 0; i < t->ncols && !any; i++)
        any = t->cols[i].comment != NULL ||
              ((t->cols[i].default_now || t->cols[i].default_uuid) && t->cols[i].now_fn);
    return any;
}

/* Whether t's encoding carries its schema (and a view's path): see SQLSCHEMA_FORMAT_NSP */
static bool nsp_needed(const sqlschema_table *t)
{
    if (sqlschema_nsp(t) != SQLSCHEMA_NSP_PUBLIC) return true;
    return t->view_sql && t->view_path &&
           !(t->nview_path == 1 && t->view_path[0] == SQLSCHEMA_NSP_PUBLIC);
}

int sqlschema_encode(const sqlschema_table *t, codec_buf *b)
{
    bool ext = has_ext(t), nsp = nsp_needed(t);
    codec_put_u8(b, (uint8_t)((t->seq        ? SQLSCHEMA_FORMAT_SEQ
                               : t->view_sql ? SQLSCHEMA_FORMAT_VIEW
                               : ext         ? SQLSCHEMA_FORMAT_EXT
                               : t->nfks     ? SQLSCHEMA_FORMAT_FK
                                             : SQLSCHEMA_FORMAT) |
                              (t->gen ? SQLSCHEMA_FORMAT_GEN : 0) | (nsp ? SQLSCHEMA_FORMAT_NSP : 0)));
    codec_put_u32(b, t->id);
    codec_put_bytes(b, t->name, strlen(t->name));
    codec_put_u16(b, t->next_col_id);
    codec_put_uvarint(b, (uint64_t)t->ncols);
    for (int i = 0; i < t->ncols; i++) {
        const sqlschema_column *c = &t->cols[i];
        codec_put_u16(b, c->id);
        codec_put_bytes(b, c->name, strlen(c->name));
        codec_put_bytes(b, c->type_name, strlen(c->type_name));
        bool constant_default = c->has_default && !c->default_now && !c->default_seq && !c->default_uuid;
        codec_put_u8(b, (uint8_t)((c->not_null ? FLAG_NOT_NULL : 0) |
                                  (constant_default ? FLAG_DEFAULT : 0) |
                                  (c->default_now ? FLAG_DEFAULT_NOW : 0) |
                                  (c->hidden ? FLAG_HIDDEN : 0) |
                                  (c->default_seq ? FLAG_DEFAULT_SEQ : 0) |
                                  (c->identity == 'a' ? FLAG_IDENTITY_ALWAYS : 0) |
                                  (c->identity == 'd' ? FLAG_IDENTITY_DEFAULT : 0) |
                                  (c->default_uuid ? FLAG_DEFAULT_UUID : 0)));
        codec_put_u8(b, (uint8_t)(c->pk_pos + 1));
        if (constant_default) {
            char *txt = NULL;
            size_t n = 0;
            if (c->default_value.isnull) {
                /* DEFAULT NULL is the same as no default; never encoded */
                codec_put_bytes(b, "", 0);
            } else if (sqlval_to_text(&c->default_value, &txt, &n, NULL) == SQL_OK) {
                codec_put_bytes(b, txt, n);
                free(txt);
            } else {
                b->err = CRDT_ENOMEM;
            }
        }
        if (c->default_seq) codec_put_u32(b, c->default_seq);
    }
    if (t->view_sql) codec_put_bytes(b, t->view_sql, strlen(t->view_sql));
    if ((t->nfks || ext) && !t->seq && !t->view_sql) {
        codec_put_uvarint(b, (uint64_t)t->nfks);
        for (int i = 0; i < t->nfks; i++) {
            const sqlschema_fk *f = &t->fks[i];
            codec_put_bytes(b, f->name, strlen(f->name));
            codec_put_u32(b, f->oid);
            codec_put_u8(b, (uint8_t)f->ncols);
            for (int k = 0; k < f->ncols; k++) codec_put_u16(b, f->cols[k]);
            codec_put_u32(b, f->ref_table);
            for (int k = 0; k < f->ncols; k++) codec_put_u16(b, f->ref_cols[k]);
            codec_put_u8(b, (uint8_t)f->on_delete);
            codec_put_u8(b, (uint8_t)f->on_update);
            codec_put_u8(b, (uint8_t)((f->deferrable ? 1 : 0) | (f->deferred ? 2 : 0)));
        }
    }
    if (ext) {
        codec_put_bytes(b, t->comment ? t->comment : "", t->comment ? strlen(t->comment) : 0);
        uint64_t nc = 0;
        for (int i = 0; i < t->ncols; i++) nc += t->cols[i].comment != NULL;
        codec_put_uvarint(b, nc);
        for (int i = 0; i < t->ncols; i++)
            if (t->cols[i].comment) {
                codec_put_u16(b, t->cols[i].id);
                codec_put_bytes(b, t->cols[i].comment, strlen(t->cols[i].comment));
            }
        codec_put_uvarint(b, (uint64_t)t->nchecks);
        for (int i = 0; i < t->nchecks; i++) {
            codec_put_bytes(b, t->checks[i].name, strlen(t->checks[i].name));
            codec_put_u32(b, t->checks[i].oid);
            codec_put_bytes(b, t->checks[i].expr, strlen(t->checks[i].expr));
        }
        uint64_t nn = 0;
        for (int i = 0; i < t->ncols; i++)
            nn += (t->cols[i].default_now || t->cols[i].default_uuid) && t->cols[i].now_fn;
        codec_put_uvarint(b, nn);
        for (int i = 0; i < t->ncols; i++)
            if ((t->cols[i].default_now || t->cols[i].default_uuid) && t->cols[i].now_fn) {
                codec_put_u16(b, t->cols[i].id);
                codec_put_u8(b, t->cols[i].now_fn);
            }
    }
    if (t->seq) {
        const sqlschema_seq *q = t->seq;
        codec_put_u8(b, (uint8_t)q->type_len);
        codec_put_svarint(b, q->start);
        codec_put_svarint(b, q->increment);
        codec_put_svarint(b, q->min);
        codec_put_svarint(b, q->max);
        codec_put_svarint(b, q->cache);
        codec_put_u8(b, q->cycle);
        codec_put_u16(b, q->stride);
        codec_put_u32(b, q->owner_table);
        codec_put_u16(b, q->owner_col);
        codec_put_u64(b, q->restart_gen);
        codec_put_svarint(b, q->restart_value);
        codec_put_u8(b, q->restart_called);
    }
    if (t->gen) codec_put_u64(b, t->gen);
    if (nsp) {
        codec_put_u32(b, sqlschema_nsp(t));
        if (t->view_sql) {
            int n = t->view_path ? t->nview_path : 0;
            codec_put_uvarint(b, (uint64_t)n);
            for (int i = 0; i < n; i++) codec_put_u32(b, t->view_path[i]);
        }
    }
    return b->err ? SQL_ERR : SQL_OK;
}

static int corrupt(sqlerr *err, const char *why)
{
    return sqlerr_set(err, "XX001", -1, "corrupt catalog entry: %s", why);
}

static int dup_bytes(const uint8_t *p, size_t n, char **out)
{
    if (memchr(p, 0, n)) return -1;
    *out = malloc(n + 1);
    if (!*out) return -2;
    memcpy(*out, p, n);
    (*out)[n] = 0;
    return 0;
}

/* Format 5's tail: comments and checks (sqlschema.h). */
static int decode_ext(codec_rd *r, sqlschema_table *t, sqlerr *err)
{
    const uint8_t *s;
    size_t sl;
    codec_get_bytes(r, &s, &sl, 1u << 20);
    if (r->err || (sl && dup_bytes(s, sl, &t->comment))) return corrupt(err, "bad table comment");
    uint64_t nc, nk;
    if (codec_get_count(r, &nc, 4, (uint64_t)t->ncols)) return corrupt(err, "bad column comments");
    int last = -1; /* in the table's column order, as encoded */
    for (uint64_t i = 0; i < nc; i++) {
        uint16_t id;
        codec_get_u16(r, &id);
        codec_get_bytes(r, &s, &sl, 1u << 20);
        int ci = -1;
        for (int k = 0; k < t->ncols; k++)
            if (t->cols[k].id == id) ci = k;
        if (r->err || ci <= last || sl == 0 || dup_bytes(s, sl, &t->cols[ci].comment))
            return corrupt(err, "bad column comment");
        last = ci;
    }
    /* a check takes at least 1 + 1 + 4 + 1 + 1 bytes */
    if (codec_get_count(r, &nk, 8, SQLSCHEMA_MAX_CHECKS) ||
        !(t->checks = calloc((size_t)nk + 1, sizeof *t->checks)))
        return r->err ? corrupt(err, "bad checks") : sqlerr_oom(err);
    for (uint64_t i = 0; i < nk; i++) {
        sqlschema_check *k = &t->checks[i];
        const uint8_t *nm;
        size_t nml;
        codec_get_bytes(r, &nm, &nml, SQLSCHEMA_NAME_MAX);
        codec_get_u32(r, &k->oid);
        codec_get_bytes(r, &s, &sl, 1u << 20);
        t->nchecks = (int)i + 1;
        if (r->err || nml == 0 || sl == 0 || !k->oid || dup_bytes(nm, nml, &k->name) ||
            dup_bytes(s, sl, &k->expr))
            return corrupt(err, "bad check constraint");
    }
    uint64_t nn;
    if (codec_get_count(r, &nn, 3, (uint64_t)t->ncols)) return corrupt(err, "bad defaults");
    last = -1;
    for (uint64_t i = 0; i < nn; i++) {
        uint16_t id;
        uint8_t fn;
        codec_get_u16(r, &id);
        codec_get_u8(r, &fn);
        int ci = -1;
        for (int k = 0; k < t->ncols; k++)
            if (t->cols[k].id == id) ci = k;
        if (r->err || ci <= last || fn == 0 ||
            (t->cols[ci].default_now ? fn > SQLSCHEMA_NOW_MAX
             : t->cols[ci].default_uuid ? fn != SQLSCHEMA_UUID_V4 : true))
            return corrupt(err, "bad default");
        t->cols[ci].now_fn = fn;
        last = ci;
    }
    if (!t->comment && !nc && !nk && !nn) return corrupt(err, "format 5 without its extras");
    return SQL_OK;
}

int sqlschema_decode(const uint8_t *p, size_t len, sqlschema_table **out, sqlerr *err)
{
    codec_rd r;
    codec_rd_init(&r, p, len);
    *out = NULL;
    uint8_t ver;
    uint32_t id;
    const uint8_t *name;
    size_t namelen;
    uint16_t next;
    uint64_t ncols;
    codec_get_u8(&r, &ver);
    bool has_gen = ver & SQLSCHEMA_FORMAT_GEN, has_nsp = ver & SQLSCHEMA_FORMAT_NSP;
    ver &= (uint8_t) ~(SQLSCHEMA_FORMAT_GEN | SQLSCHEMA_FORMAT_NSP);
    codec_get_u32(&r, &id);
    codec_get_bytes(&r, &name, &namelen, SQLSCHEMA_NAME_MAX);
    codec_get_u16(&r, &next);
    /* a column takes at least 2 + 1 + 1 + 1 + 1 + 1 bytes */
    /* 1600 columns, and the 2 hidden ones of a table without a primary key */
    codec_get_count(&r, &ncols, 7, SQLSCHEMA_MAX_COLUMNS + 2);
    if (r.err) return corrupt(err, "truncated header");
    if (ver != SQLSCHEMA_FORMAT && ver != SQLSCHEMA_FORMAT_VIEW && ver != SQLSCHEMA_FORMAT_SEQ &&
        ver != SQLSCHEMA_FORMAT_FK && ver != SQLSCHEMA_FORMAT_EXT)
        return corrupt(err, "unknown format version");
    if (id == 0 || namelen == 0 || ncols == 0) return corrupt(err, "bad table header");
    sqlschema_table *t = calloc(1, sizeof(*t));
    if (!t) return sqlerr_oom(err);
    t->id = id;
    t->next_col_id = next;
    int rc = dup_bytes(name, namelen, &t->name);
    if (rc || !(t->cols = calloc((size_t)ncols, sizeof(*t->cols)))) {
        sqlschema_free(t);
        return rc == -1 ? corrupt(err, "NUL in table name") : sqlerr_oom(err);
    }
    bool pk_seen[32] = {0};
    for (uint64_t i = 0; i < ncols; i++) {
        sqlschema_column *c = &t->cols[i];
        sqlval_init_null(&c->default_value, SQLVAL_UNKNOWN);
        t->ncols++;
        const uint8_t *cn, *tn, *dv = NULL;
        size_t cnl, tnl, dvl = 0;
        uint8_t flags, pkp;
        codec_get_u16(&r, &c->id);
        codec_get_bytes(&r, &cn, &cnl, SQLSCHEMA_NAME_MAX);
        codec_get_bytes(&r, &tn, &tnl, SQLSCHEMA_NAME_MAX);
        codec_get_u8(&r, &flags);
        codec_get_u8(&r, &pkp);
        if (flags & FLAG_DEFAULT) codec_get_bytes(&r, &dv, &dvl, 65536);
        uint32_t seqid = 0;
        if (flags & FLAG_DEFAULT_SEQ) codec_get_u32(&r, &seqid);
        const char *why = NULL;
        int ndefaults = !!(flags & FLAG_DEFAULT) + !!(flags & FLAG_DEFAULT_NOW) +
                        !!(flags & FLAG_DEFAULT_SEQ) + !!(flags & FLAG_DEFAULT_UUID);
        if (r.err) why = "truncated column";
        else if (flags & ~255u || ndefaults > 1 ||
                 ((flags & FLAG_IDENTITY_ALWAYS) && (flags & FLAG_IDENTITY_DEFAULT)) ||
                 ((flags & (FLAG_IDENTITY_ALWAYS | FLAG_IDENTITY_DEFAULT)) && !seqid) ||
                 ((flags & FLAG_DEFAULT_SEQ) && !seqid))
            why = "unknown column flags";
        else if (c->id == 0 || c->id >= next) why = "bad column id";
        else if (cnl == 0 || tnl == 0) why = "empty name";
        else if (pkp > 32 || (pkp && pk_seen[pkp - 1])) why = "bad primary key position";
        if (why) {
            sqlschema_free(t);
            return corrupt(err, why);
        }
        rc = dup_bytes(cn, cnl, &c->name);
        if (!rc) rc = dup_bytes(tn, tnl, &c->type_name);
        if (rc) {
            sqlschema_free(t);
            return rc == -1 ? corrupt(err, "NUL in a name") : sqlerr_oom(err);
        }
        for (uint64_t k = 0; k < i; k++)
            if (t->cols[k].id == c->id || !strcmp(t->cols[k].name, c->name)) {
                sqlschema_free(t);
                return corrupt(err, "duplicate column");
            }
        const char *canonical;
        sqlerr terr;
        if (sqlschema_type_resolve(c->type_name, &c->kind, &c->type, &canonical, &terr) ||
            strcmp(canonical, c->type_name) != 0) {
            sqlschema_free(t);
            return corrupt(err, "unknown column type");
        }
        c->not_null = flags & FLAG_NOT_NULL;
        c->typmod = sqlschema_typmod_of(c->type_name);
        c->default_now = flags & FLAG_DEFAULT_NOW;
        c->default_seq = seqid;
        c->identity = flags & FLAG_IDENTITY_ALWAYS ? 'a' : flags & FLAG_IDENTITY_DEFAULT ? 'd' : 0;
        c->default_uuid = flags & FLAG_DEFAULT_UUID;
        c->has_default = flags & (FLAG_DEFAULT | FLAG_DEFAULT_NOW | FLAG_DEFAULT_SEQ | FLAG_DEFAULT_UUID);
        c->pk_pos = (int)pkp - 1;
        c->hidden = flags & FLAG_HIDDEN;
        if (pkp) pk_seen[pkp - 1] = true;
        if (flags & FLAG_DEFAULT) {
            sqlerr verr;
            char *canon = NULL;
            size_t cl = 0;
            bool bad = sqlval_from_text(c->type, (const char *)dv, dvl, &c->default_value, &verr) ||
                       sqlval_to_text(&c->default_value, &canon, &cl, &verr) || cl != dvl ||
                       memcmp(canon, dv, dvl) != 0;
            free(canon);
            if (bad) {
                sqlschema_free(t);
                return corrupt(err, "bad or non-canonical default value");
            }
        }
    }
    if (ver == SQLSCHEMA_FORMAT_VIEW) {
        const uint8_t *vs;
        size_t vl;
        codec_get_bytes(&r, &vs, &vl, 1u << 20);
        if (r.err || vl == 0 || memchr(vs, 0, vl)) {
            sqlschema_free(t);
            return corrupt(err, "bad view definition");
        }
        for (int i = 0; i < t->ncols; i++)
            if (t->cols[i].pk_pos >= 0) {
                sqlschema_free(t);
                return corrupt(err, "a view has no key");
            }
        if (dup_bytes(vs, vl, &t->view_sql)) {
            sqlschema_free(t);
            return sqlerr_oom(err);
        }
    }
    if (ver == SQLSCHEMA_FORMAT_FK || ver == SQLSCHEMA_FORMAT_EXT) {
        uint64_t nf;
        /* a key takes at least 1 + 1 + 1 + 2 + 4 + 2 + 3 bytes */
        if (codec_get_count(&r, &nf, 14, SQLSCHEMA_MAX_FKS) ||
            (nf == 0 && ver == SQLSCHEMA_FORMAT_FK) ||
            !(t->fks = calloc((size_t)nf + 1, sizeof *t->fks))) {
            sqlschema_free(t);
            return r.err || nf == 0 ? corrupt(err, "bad foreign keys") : sqlerr_oom(err);
        }
        for (uint64_t i = 0; i < nf; i++) {
            sqlschema_fk *f = &t->fks[i];
            const uint8_t *nm;
            size_t nml;
            uint8_t n, del, upd, fl;
            codec_get_bytes(&r, &nm, &nml, SQLSCHEMA_NAME_MAX);
            codec_get_u32(&r, &f->oid);
            codec_get_u8(&r, &n);
            bool bad = r.err || nml == 0 || n == 0 || n > 32 || !f->oid;
            for (int k = 0; !bad && k < n; k++) codec_get_u16(&r, &f->cols[k]);
            codec_get_u32(&r, &f->ref_table);
            for (int k = 0; !bad && k < n; k++) codec_get_u16(&r, &f->ref_cols[k]);
            codec_get_u8(&r, &del);
            codec_get_u8(&r, &upd);
            codec_get_u8(&r, &fl);
            bad = bad || r.err || !f->ref_table || !strchr("arcnd", del) || !del ||
                  !strchr("arcnd", upd) || !upd || fl > 3 || (fl == 2);
            for (int k = 0; !bad && k < n; k++) {
                bool found = false;
                for (int j = 0; j < t->ncols; j++) found |= t->cols[j].id == f->cols[k];
                bad = !found || !f->ref_cols[k];
            }
            if (bad || dup_bytes(nm, nml, &f->name)) {
                t->nfks = (int)i + (f->name != NULL);
                sqlschema_free(t);
                return corrupt(err, "bad foreign key");
            }
            f->ncols = n;
            f->on_delete = (char)del;
            f->on_update = (char)upd;
            f->deferrable = fl & 1;
            f->deferred = fl & 2;
            t->nfks = (int)i + 1;
        }
    }
    if (ver == SQLSCHEMA_FORMAT_EXT && decode_ext(&r, t, err)) {
        sqlschema_free(t);
        return SQL_ERR;
    }
    if (ver == SQLSCHEMA_FORMAT_SEQ) {
        sqlschema_seq *q = calloc(1, sizeof *q);
        if (!q) {
            sqlschema_free(t);
            return sqlerr_oom(err);
        }
        t->seq = q;
        uint8_t tl, cyc, called;
        codec_get_u8(&r, &tl);
        codec_get_svarint(&r, &q->start);
        codec_get_svarint(&r, &q->increment);
        codec_get_svarint(&r, &q->min);
        codec_get_svarint(&r, &q->max);
        codec_get_svarint(&r, &q->cache);
        codec_get_u8(&r, &cyc);
        codec_get_u16(&r, &q->stride);
        codec_get_u32(&r, &q->owner_table);
        codec_get_u16(&r, &q->owner_col);
        codec_get_u64(&r, &q->restart_gen);
        codec_get_svarint(&r, &q->restart_value);
        codec_get_u8(&r, &called);
        q->type_len = tl;
        q->cycle = cyc;
        q->restart_called = called;
        if (r.err || (tl != 2 && tl != 4 && tl != 8) || cyc > 1 || called > 1 || !q->stride ||
            !q->increment || q->min >= q->max || q->cache < 1 || q->start < q->min ||
            q->start > q->max) {
            sqlschema_free(t);
            return corrupt(err, "bad sequence parameters");
        }
        for (int i = 0; i < t->ncols; i++)
            if (t->cols[i].pk_pos >= 0) {
                sqlschema_free(t);
                return corrupt(err, "a sequence has no key");
            }
    }
    if (has_gen && (codec_get_u64(&r, &t->gen) || t->gen == 0)) {
        sqlschema_free(t);
        return corrupt(err, "bad generation");
    }
    t->nsp = SQLSCHEMA_NSP_PUBLIC;
    if (has_nsp) {
        uint64_t np = 0;
        codec_get_u32(&r, &t->nsp);
        bool bad = r.err || !t->nsp;
        if (!bad && t->view_sql) {
            bad = codec_get_count(&r, &np, 4, SQLSCHEMA_PATH_MAX) != 0;
            if (!bad && !(t->view_path = calloc((size_t)np + 1, sizeof *t->view_path))) {
                sqlschema_free(t);
                return sqlerr_oom(err);
            }
            for (uint64_t i = 0; !bad && i < np; i++) bad = codec_get_u32(&r, &t->view_path[i]) != 0;
            t->nview_path = (int)np;
        }
        /* canonical: the flag only when something differs from the default */
        if (bad || r.err || !nsp_needed(t)) {
            sqlschema_free(t);
            return corrupt(err, "bad schema");
        }
    }
    if (codec_rd_left(&r) != 0) {
        sqlschema_free(t);
        return corrupt(err, "trailing bytes");
    }
    if (t->view_sql || t->seq) {
        *out = t;
        return SQL_OK;
    }
    for (int k = 0; k < 32; k++) {
        if (!pk_seen[k]) break;
        t->npk = k + 1;
    }
    int counted = 0;
    for (int i = 0; i < t->ncols; i++)
        if (t->cols[i].pk_pos >= 0) {
            counted++;
            if (t->cols[i].pk_pos < t->npk) t->pk[t->cols[i].pk_pos] = i;
        }
    if (t->npk == 0 || counted != t->npk) {
        sqlschema_free(t);
        return corrupt(err, "primary key positions are not contiguous");
    }
    *out = t;
    return SQL_OK;
}

/* ------------------------------------------------------------------ sequences */

static int64_t type_max(int len)
{
    return len == 2 ? INT16_MAX : len == 4 ? INT32_MAX : INT64_MAX;
}

static int64_t type_min(int len)
{
    return len == 2 ? INT16_MIN : len == 4 ? INT32_MIN : INT64_MIN;
}

static const char *seq_type_name(int len)
{
    return len == 2 ? "smallint" : len == 4 ? "integer" : "bigint";
}

/* PostgreSQL's init_params: o applied over q (for ALTER, q holds the current values). */
static int seq_apply(sqlschema_seq *q, const sqlast_seqopts *o, bool create, sqlerr *err)
{
    int old_len = q->type_len;
    if (o && o->type_len) q->type_len = o->type_len;
    if (o && o->has_inc) {
        if (o->inc == 0) return sqlerr_set(err, "22023", -1, "INCREMENT must not be zero");
        q->increment = o->inc;
    }
    if (o && o->has_cycle) q->cycle = o->cycle;
    bool retype = q->type_len != old_len && !create;
    if (o && o->has_max) q->max = o->max;
    else if (create || (o && o->no_max) ||
             (retype && ((q->increment > 0 && q->max == type_max(old_len)) ||
                         (q->increment < 0 && q->max == -1))))
        q->max = q->increment > 0 ? type_max(q->type_len) : -1;
    if (o && o->has_min) q->min = o->min;
    else if (create || (o && o->no_min) ||
             (retype && ((q->increment > 0 && q->min == 1) ||
                         (q->increment < 0 && q->min == type_min(old_len)))))
        q->min = q->increment > 0 ? 1 : type_min(q->type_len);
    if (q->max < type_min(q->type_len) || q->max > type_max(q->type_len))
        return sqlerr_set(err, "22023", -1, "MAXVALUE (%lld) is out of range for sequence data type %s",
                          (long long)q->max, seq_type_name(q->type_len));
    if (q->min < type_min(q->type_len) || q->min > type_max(q->type_len))
        return sqlerr_set(err, "22023", -1, "MINVALUE (%lld) is out of range for sequence data type %s",
                          (long long)q->min, seq_type_name(q->type_len));
    if (q->min >= q->max)
        return sqlerr_set(err, "22023", -1, "MINVALUE (%lld) must be less than MAXVALUE (%lld)",
                          (long long)q->min, (long long)q->max);
    if (o && o->has_start) q->start = o->start;
    else if (create) q->start = q->increment > 0 ? q->min : q->max;
    if (q->start < q->min)
        return sqlerr_set(err, "22023", -1, "START value (%lld) cannot be less than MINVALUE (%lld)",
                          (long long)q->start, (long long)q->min);
    if (q->start > q->max)
        return sqlerr_set(err, "22023", -1, "START value (%lld) cannot be greater than MAXVALUE (%lld)",
                          (long long)q->start, (long long)q->max);
    if (o && o->has_restart) {
        int64_t v = o->restart_default ? q->start : o->restart;
        if (v < q->min)
            return sqlerr_set(err, "22023", -1, "RESTART value (%lld) cannot be less than MINVALUE (%lld)",
                              (long long)v, (long long)q->min);
        if (v > q->max)
            return sqlerr_set(err, "22023", -1,
                              "RESTART value (%lld) cannot be greater than MAXVALUE (%lld)",
                              (long long)v, (long long)q->max);
        q->restart_value = v;
        q->restart_called = false;
    }
    if (o && o->has_cache) {
        if (o->cache < 1)
            return sqlerr_set(err, "22023", -1, "CACHE (%lld) must be greater than zero",
                              (long long)o->cache);
        q->cache = o->cache;
    } else if (create) {
        q->cache = 1;
    }
    return SQL_OK;
}

int sqlschema_seq_new(const char *name, uint32_t id, const sqlast_stmt *create, int type_len,
                      uint16_t stride, sqlschema_table **out, sqlerr *err)
{
    *out = NULL;
    static const char *const cols[3] = {"last_value", "log_cnt", "is_called"};
    static const char *const types[3] = {"bigint", "bigint", "boolean"};
    sqlschema_table *t = calloc(1, sizeof *t);
    if (!t) return sqlerr_oom(err);
    t->id = id;
    t->name = strdup(name);
    t->cols = calloc(3, sizeof *t->cols);
    t->seq = calloc(1, sizeof *t->seq);
    if (!t->name || !t->cols || !t->seq) goto oom;
    for (int i = 0; i < 3; i++) {
        sqlschema_column *c = &t->cols[i];
        const char *canon;
        c->id = (uint16_t)(i + 1);
        c->pk_pos = -1;
        c->not_null = true;
        if (sqlschema_type_resolve(types[i], &c->kind, &c->type, &canon, err)) goto fail;
        sqlval_init_null(&c->default_value, c->type);
        t->ncols = i + 1;
        if (!(c->name = strdup(cols[i])) || !(c->type_name = strdup(canon))) goto oom;
    }
    t->next_col_id = 4;
    sqlschema_seq *q = t->seq;
    q->type_len = type_len ? type_len : 8;
    q->increment = 1;
    q->stride = stride ? stride : 1;
    if (seq_apply(q, create ? create->seqopts : NULL, true, err)) goto fail;
    if (type_len && create && create->seqopts && create->seqopts->type_len &&
        create->seqopts->type_len != type_len)
        goto fail_type;
    *out = t;
    return SQL_OK;
fail_type:
    sqlerr_set(err, "42601", -1, "conflicting or redundant options");
    goto fail;
oom:
    sqlerr_oom(err);
fail:
    sqlschema_free(t);
    return SQL_ERR;
}

int sqlschema_seq_alter(sqlschema_table *t, const sqlast_stmt *alter, sqlerr *err)
{
    if (!t->seq) return sqlerr_set(err, "42809", -1, "\"%s\" is not a sequence", t->name);
    sqlschema_seq q = *t->seq;
    if (seq_apply(&q, alter->seqopts, false, err)) return SQL_ERR;
    *t->seq = q;
    return SQL_OK;
}

const char *sqlschema_nextval_arg(const sqlast_expr *e)
{
    if (!e || e->kind != SQLAST_FUNC || !e->name || strcmp(e->name, "nextval") || e->nargs != 1)
        return NULL;
    const sqlast_expr *a = e->args[0];
    if (a && a->kind == SQLAST_CAST && a->nargs == 1) a = a->args[0]; /* 'x'::regclass */
    if (!a || a->kind != SQLAST_CONST || a->value.isnull || !a->value.s) return NULL;
    return a->value.s;
}

/* ------------------------------------------------------------------ type modifiers */

int sqlschema_typmod_apply(sqlval *v, int32_t typmod, bool explicit_cast, sqlerr *err)
{
    if (typmod < 0 || v->isnull) return SQL_OK;
    if (v->type == SQLVAL_ENUM) { /* typmod: the type's oid; the label must be one of it */
        if (v->u.i && v->u.i != typmod) {
            char a[64], b[64];
            return sqlerr_set(err, "42804", -1, "value of type %s cannot be stored as type %s",
                              sqlenum_type_name((uint32_t)v->u.i, a), sqlenum_type_name((uint32_t)typmod, b));
        }
        if (sqlenum_check((uint32_t)typmod, v->s ? v->s : "", err)) return SQL_ERR;
        v->u.i = typmod;
        return SQL_OK;
    }
    if (v->type == SQLVAL_BPCHAR) { /* character(n): at most n characters, then padded */
        size_t max = (size_t)typmod - 4, chars = 0, cut = v->len;
        for (size_t i = 0; i < v->len; i++)
            if (((unsigned char)v->s[i] & 0xc0) != 0x80 && ++chars == max + 1) cut = i;
        if (chars > max) {
            /* the text is unpadded, so what is past n is not all blanks */
            if (!explicit_cast)
                return sqlerr_set(err, "22001", -1, "value too long for type character(%zu)", max);
            while (cut && v->s[cut - 1] == ' ') cut--;
            v->len = cut;
            v->s[cut] = 0;
        }
        v->u.i = (int64_t)max;
        return SQL_OK;
    }
    if (v->type == SQLVAL_VARCHAR || v->type == SQLVAL_TEXT) {
        size_t max = (size_t)typmod - 4, chars = 0, cut = v->len;
        for (size_t i = 0; i < v->len; i++)
            if (((unsigned char)v->s[i] & 0xc0) != 0x80 && ++chars == max + 1) cut = i;
        if (chars <= max) return SQL_OK;
        if (!explicit_cast)
            for (size_t i = cut; i < v->len; i++)
                if (v->s[i] != ' ')
                    return sqlerr_set(err, "22001", -1, "value too long for type character varying(%zu)",
                                      max);
        v->len = cut; /* an explicit cast, or only spaces cut */
        v->s[cut] = 0;
        return SQL_OK;
    }
    if (v->type == SQLVAL_NUMERIC) {
        int prec = ((typmod - 4) >> 16) & 0xffff, scale = (((typmod - 4) & 0x7ff) ^ 1024) - 1024;
        if (!v->s || !strcmp(v->s, "NaN")) return SQL_OK;
        char *r = NULL;
        if (sqlfunc_numeric_round(v->s, scale, &r)) return sqlerr_oom(err);
        /* integer digits must fit prec - scale */
        const char *p = r + (*r == '-');
        size_t idig = strcspn(p, ".");
        while (idig > 0 && *p == '0') {
            p++;
            idig--;
        }
        if ((long)idig > (long)prec - scale) {
            free(r);
            sqlerr_set(err, "22003", -1, "numeric field overflow");
            if (prec - scale <= 0)
                sqlerr_detail(err, "A field with precision %d, scale %d must round to an absolute "
                                   "value less than 1.", prec, scale);
            else
                sqlerr_detail(err, "A field with precision %d, scale %d must round to an absolute "
                                   "value less than 10^%d.", prec, scale, prec - scale);
            return SQL_ERR;
        }
        sqlval_free(v); /* set_str does not free what v held */
        int rc = sqlval_set_str(v, SQLVAL_NUMERIC, r, strlen(r), err);
        free(r);
        return rc;
    }
    if (v->type == SQLVAL_INTERVAL) return sqldate_interval_typmod(v, typmod, err);
    if ((v->type == SQLVAL_TIMESTAMPTZ || v->type == SQLVAL_TIMESTAMP || v->type == SQLVAL_TIME) &&
        typmod >= 0 && typmod < 6) {
        int64_t unit = 1;
        for (int i = typmod; i < 6; i++) unit *= 10;
        int64_t x = v->u.i;
        if (x == INT64_MAX || x == INT64_MIN) return SQL_OK; /* infinity */
        /* half away from zero, as PostgreSQL's AdjustTimestampForTypmod */
        if (x >= 0) v->u.i = (x + unit / 2) / unit * unit;
        else v->u.i = -((-x + unit / 2) / unit * unit);
    }
    return SQL_OK;
}
