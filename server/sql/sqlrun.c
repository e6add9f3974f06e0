/*
 * server/sql/sqlrun.c — planning and running one table statement for sqlexec.c.
 *
 * Reads go through the transaction's preview overlay (own writes visible); a stored row is a
 * crdt_row whose columns are rendered to PostgreSQL text (crdt/render.h) and parsed back into
 * typed sqlvals for expressions. Writes are recorded as sx_op operations (sqlexec_int.h).
 * Row selection is a scan of the table with the WHERE filter.
 */
#include <ctype.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/sql/sqldate.h"
#include "server/sql/sqlcatalog.h"
#include "server/sql/sqlexec_int.h"
#include "proto/pgtypes.h"
#include "server/sql/sqldo.h"
#include "server/sql/sqljsonb.h"
#include "server/sql/sqlrole.h"
#include "server/sql/sqlplan.h"
#include "server/sql/sqlvirt.h"

static int kind_to_crdt(sqlschema_kind k)
{
    switch (k) {
    case SQLSCHEMA_LWW: return CRDT_KIND_LWW;
    case SQLSCHEMA_G_COUNTER: return CRDT_KIND_GCOUNTER;
    case SQLSCHEMA_PN_COUNTER: return CRDT_KIND_PNCOUNTER;
    case SQLSCHEMA_MV_REGISTER: return CRDT_KIND_MVREG;
    case SQLSCHEMA_OR_SET: return CRDT_KIND_ORSET;
    case SQLSCHEMA_AW_SET: return CRDT_KIND_AWSET;
    case SQLSCHEMA_LWW_MAP: return CRDT_KIND_LWWMAP;
    }
    return CRDT_KIND_LWW;
}

bool sqlrun_handles(const sqlast_stmt *st)
{
    switch (st->kind) {
    case SQLAST_CREATE_TABLE:
    case SQLAST_DROP_TABLE:
    case SQLAST_ALTER_ADD_COLUMN:
    case SQLAST_ALTER_ADD_PK:
    case SQLAST_ALTER_ADD_FK:
    case SQLAST_ALTER_DROP_COLUMN:
    case SQLAST_ALTER_DEFAULT:
    case SQLAST_ALTER_ADD_IDENTITY:
    case SQLAST_ALTER_ADD_CHECK:
    case SQLAST_COMMENT:
    case SQLAST_RENAME:
    case SQLAST_ALTER_NOT_NULL:
    case SQLAST_CREATE_INDEX:
    case SQLAST_DROP_INDEX:
    case SQLAST_ALTER_ADD_UNIQUE:
    case SQLAST_ALTER_DROP_CONSTRAINT:
    case SQLAST_RENAME_INDEX:
    case SQLAST_ALTER_COLUMN_TYPE:
    case SQLAST_REINDEX:
    case SQLAST_INSERT:
    case SQLAST_UPDATE:
    case SQLAST_DELETE:
    case SQLAST_EXPLAIN:
    case SQLAST_TRUNCATE:
    case SQLAST_CREATE_VIEW:
    case SQLAST_CREATE_SEQUENCE:
    case SQLAST_ALTER_SEQUENCE:
    case SQLAST_ALTER_OWNER:
    case SQLAST_CREATE_EXTENSION:
    case SQLAST_DROP_EXTENSION:
    case SQLAST_CREATE_SCHEMA:
    case SQLAST_DROP_SCHEMA:
    case SQLAST_ALTER_SCHEMA:
    case SQLAST_CREATE_TYPE:
    case SQLAST_ALTER_TYPE:
    case SQLAST_DROP_TYPE:
    case SQLAST_DO:
    case SQLAST_ROLE: return true;
    case SQLAST_SELECT:
        if (st->table || st->nfrom || st->setop || st->is_values || st->nctes) return true;
        /* SELECT helios_digest(): needs the executor's state, not the minimal executor */
        for (int i = 0; i < st->ntargets; i++)
            if (sqlexpr_calls(st->targets[i].expr, "helios_digest")) return true;
        return false;
    default: return false;
    }
}

struct sqlschema_fk;
static int fk_resolve(sx_session *s, const sqlschema_table *t, const sqlast_fk *a,
                      struct sqlschema_fk *out, sqlerr *err);
static int fk_add(sqlschema_table *t, struct sqlschema_fk *fk, sqlerr *err);
static const sqlschema_table *fk_referencing(sx_session *s, const sqlschema_table *t,
                                            const struct sqlschema_fk **fk);

/* DROP, TRUNCATE and ALTER take ACCESS EXCLUSIVE on what they change: the statement's own
 * tables before it runs (sqlrun_lock.c), the dependents a CASCADE reaches (a table whose
 * foreign key goes, one whose default uses a dropped sequence) here, where a wait undoes the
 * statement and runs it again. */
static int lock_exclusive(sx_session *s, const sqlschema_table *t, sqlerr *err)
{
    return sx_lock_table(s, t->id, t->name, SQLLOCK_ACCESS_EXCLUSIVE, false, err);
}

/* The type a written value takes: an MV-Register reads as text[] but is assigned text. */
static sqlval_type write_type(const sqlschema_column *c)
{
    return c->kind == SQLSCHEMA_MV_REGISTER ? SQLVAL_TEXT : c->type;
}


#define HELIOS_PG_VERSION_TEXT \
    "PostgreSQL 15.0 (HeliosDB " HELIOS_VERSION ") on x86_64-pc-linux-gnu, compiled by gcc, 64-bit"

/* ---- results ------------------------------------------------------------------------------ */

void sqlrun_result_free(sx_result *r)
{
    for (size_t i = 0; i < r->nrows * (size_t)r->ncols; i++) free(r->vals[i]);
    free(r->vals);
    free(r->lens);
    for (int i = 0; i < r->nnotices; i++) free(r->notices[i]);
    free(r->notices);
    memset(r, 0, sizeof *r);
}

/* Queues a NOTICE for the client (sent before the statement's CommandComplete). */
/* A NOTICE as sqlrun_notice stored it ("CODE\tmessage"), copied into r */
int sqlrun_notice_raw(sx_result *r, const char *stored, sqlerr *err)
{
    char **nv = realloc(r->notices, ((size_t)r->nnotices + 1) * sizeof *nv);
    if (!nv) return sqlerr_oom(err);
    r->notices = nv;
    if (!(nv[r->nnotices] = strdup(stored))) return sqlerr_oom(err);
    r->nnotices++;
    return SQL_OK;
}

int sqlrun_notice(sx_result *r, const char *code, sqlerr *err, const char *fmt, ...)
{
    char msg[SQLERR_MSG_MAX + SQLERR_DETAIL_MAX]; /* a message and its detail (sqlrun_notice_detail) */
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    sqlerr_dots(msg);
    va_end(ap);
    char **nv = realloc(r->notices, ((size_t)r->nnotices + 1) * sizeof *nv);
    if (!nv) return sqlerr_oom(err);
    r->notices = nv;
    size_t n = strlen(code) + 1 + strlen(msg) + 1;
    if (!(nv[r->nnotices] = malloc(n))) return sqlerr_oom(err);
    snprintf(nv[r->nnotices++], n, "%s\t%s", code, msg);
    return SQL_OK;
}

static int result_add(sx_result *r, const sqlval *vals, sqlerr *err)
{
    if (r->nrows == r->cap) {
        size_t nc = r->cap ? r->cap * 2 : 16;
        char **nv = realloc(r->vals, nc * (size_t)r->ncols * sizeof *nv + 1);
        if (!nv) return sqlerr_oom(err);
        r->vals = nv;
        size_t *nl = realloc(r->lens, nc * (size_t)r->ncols * sizeof *nl + 1);
        if (!nl) return sqlerr_oom(err);
        r->lens = nl;
        r->cap = nc;
    }
    size_t base = r->nrows * (size_t)r->ncols;
    for (int i = 0; i < r->ncols; i++) {
        r->vals[base + (size_t)i] = NULL;
        r->lens[base + (size_t)i] = 0;
        if (vals[i].isnull) continue;
        if (sqlval_to_text(&vals[i], &r->vals[base + (size_t)i], &r->lens[base + (size_t)i],
                           err)) {
            for (int j = 0; j < i; j++) free(r->vals[base + (size_t)j]);
            return SQL_ERR;
        }
    }
    r->nrows++;
    return SQL_OK;
}

/* ---- rows --------------------------------------------------------------------------------- */

static void vals_free(sqlval *v, int n)
{
    if (!v) return;
    for (int i = 0; i < n; i++) sqlval_free(&v[i]);
    free(v);
}

#define pk_encode_n sqlrun_pk_encode_n

static int pk_encode(const sqlschema_table *t, const sqlval *vals, codec_buf *b, sqlerr *err)
{
    return pk_encode_n(t, vals, t->npk, b, err);
}

/* 23505 for a key that exists on the local replica, as PostgreSQL words it (the primary key
 * constraint is named <table>_pkey). */
static int unique_violation(const sqlschema_table *t, const sqlval *vals, sqlerr *err)
{
    char cols[SQLERR_AUX_MAX / 2] = "", keys[SQLERR_AUX_MAX / 2] = "";
    size_t co = 0, ko = 0;
    for (int i = 0; i < t->npk; i++) {
        char *txt = NULL;
        size_t n = 0;
        if (sqlval_to_text(&vals[t->pk[i]], &txt, &n, NULL)) txt = NULL;
        int w = snprintf(cols + co, sizeof cols - co, "%s%s", i ? ", " : "", t->cols[t->pk[i]].name);
        if (w > 0) co += (size_t)w < sizeof cols - co ? (size_t)w : sizeof cols - co - 1;
        w = snprintf(keys + ko, sizeof keys - ko, "%s%.*s", i ? ", " : "", (int)(txt ? n : 0),
                     txt ? txt : "");
        if (w > 0) ko += (size_t)w < sizeof keys - ko ? (size_t)w : sizeof keys - ko - 1;
        free(txt);
    }
    sqlerr_set(err, "23505", -1, "duplicate key value violates unique constraint \"%s_pkey\"",
               t->name);
    char pkey[SQLSCHEMA_NAME_MAX + 8];
    snprintf(pkey, sizeof pkey, "%s_pkey", t->name);
    sqlerr_object(err, t->name, NULL, pkey);
    sqlerr_detail(err, "Key (%s)=(%s) already exists.", cols, keys);
    return SQL_ERR;
}

/* Encodes the first n key columns (a byte prefix of the full key: columns self-delimit). */
int pk_encode_n(const sqlschema_table *t, const sqlval *vals, int n, codec_buf *b,
                       sqlerr *err)
{
    keycodec_value kv[KEYCODEC_MAX_COLUMNS];
    for (int i = 0; i < n; i++) {
        const sqlschema_column *c = &t->cols[t->pk[i]];
        const sqlval *v = &vals[t->pk[i]];
        if (v->isnull) {
            sqlerr_set(err, "23502", -1,
                       "null value in column \"%s\" of relation \"%s\" violates not-null constraint",
                       c->name, t->name);
            sqlerr_object(err, t->name, c->name, NULL);
            return SQL_ERR;
        }
        if (sqlval_type_is_integer(v->type) || v->type == SQLVAL_TIMESTAMPTZ ||
            v->type == SQLVAL_DATE || v->type == SQLVAL_TIME || v->type == SQLVAL_TIMESTAMP) {
            kv[i].type = KEYCODEC_INT;
            kv[i].u.i = v->u.i;
        } else if (v->type == SQLVAL_FLOAT4 || v->type == SQLVAL_FLOAT8) {
            kv[i].type = KEYCODEC_FLOAT;
            kv[i].u.f = v->u.f;
        } else if (v->type == SQLVAL_BOOL) {
            kv[i].type = KEYCODEC_BOOL;
            kv[i].u.b = v->u.b;
        } else {
            kv[i].type = v->type == SQLVAL_BYTEA || v->type == SQLVAL_UUID ? KEYCODEC_BYTES : KEYCODEC_TEXT;
            kv[i].u.s.p = (const uint8_t *)v->s;
            kv[i].u.s.len = v->len;
        }
    }
    keycodec_encode_pk(b, kv, (size_t)n);
    return b->err ? sqlerr_oom(err) : SQL_OK;
}

/* DEFAULT now() (as the column's type: CURRENT_DATE on a date column) or gen_random_uuid(). */
static int default_volatile(const sqlschema_column *col, int64_t now_us, sqlval *out, sqlerr *err)
{
    sqlval_free(out);
    if (col->default_uuid) return sqldate_fn_gen_random_uuid(NULL, 0, out, err);
    sqlval now;
    sqlval_set_int(&now, SQLVAL_TIMESTAMPTZ, now_us);
    return sqlval_cast(&now, col->type, out, err);
}

/* An LWW column's value straight from the register: 0 done (v set, NULL when empty), 1 not a
 * type read this way (the caller renders it), SQL_ERR. */
static int lww_convert(crdt_value *cv, const sqlschema_column *c, sqlval *v, sqlerr *err);

static int lww_column(const crdt_row *r, const sqlschema_column *c, sqlval *v, sqlerr *err)
{
    const crdt_obj *o = crdt_row_get(r, c->id);
    if (!o) return 0; /* never written: NULL */
    if (o->kind != CRDT_KIND_LWW) return 1;
    crdt_value cv;
    crdt_value_init(&cv);
    causal_hlc ts;
    int rc = lwwreg_read(&o->u.k, &cv, &ts);
    if (rc == 1) return 0;
    if (rc < 0) return sqlerr_set(err, "XX001", -1, "corrupt column \"%s\"", c->name);
    return lww_convert(&cv, c, v, err);
}

/* A register's value as the column's type (cv is consumed): 0 done, 1 not a type read this
 * way (the caller renders it), SQL_ERR. */
static int lww_convert(crdt_value *cvp, const sqlschema_column *c, sqlval *v, sqlerr *err)
{
    crdt_value cv = *cvp;
    crdt_value_init(cvp);
    int out = 0;
    switch (c->type) {
    case SQLVAL_INT2:
    case SQLVAL_INT4:
    case SQLVAL_INT8:
        if (cv.type == CRDT_V_INT8) sqlval_set_int(v, c->type, cv.u.i);
        else out = 1;
        break;
    case SQLVAL_TIMESTAMPTZ:
        if (cv.type == CRDT_V_TIMESTAMPTZ) sqlval_set_int(v, c->type, cv.u.i);
        else out = 1;
        break;
    case SQLVAL_DATE:
    case SQLVAL_TIME:
    case SQLVAL_TIMESTAMP:
        /* stored as the integer they are (days, µs): no text form in the register */
        if (cv.type == CRDT_V_INT8) sqlval_set_int(v, c->type, cv.u.i);
        else out = 1;
        break;
    case SQLVAL_UUID:
    case SQLVAL_INTERVAL:
        /* 16 raw bytes (sqldate.h) */
        if (cv.type == CRDT_V_BYTEA && cv.u.s.n == 16) {
            if (sqlval_set_str(v, c->type, (const char *)cv.u.s.p, 16, err)) {
                crdt_value_free(&cv);
                return SQL_ERR;
            }
        } else {
            out = 1;
        }
        break;
    case SQLVAL_BOOL:
        if (cv.type == CRDT_V_BOOL) sqlval_set_bool(v, cv.u.b);
        else out = 1;
        break;
    case SQLVAL_FLOAT8:
        if (cv.type == CRDT_V_FLOAT8) sqlval_set_float(v, c->type, cv.u.f);
        else out = 1;
        break;
    case SQLVAL_ENUM: /* the label; the type is the column's (its typmod) */
        if (cv.type == CRDT_V_TEXT) {
            sqlval_take_str(v, c->type, (char *)cv.u.s.p, cv.u.s.n);
            v->u.i = c->typmod > 0 ? c->typmod : 0;
            cv.u.s.p = NULL; /* taken */
            cv.type = CRDT_V_NULL;
        } else {
            out = 1;
        }
        break;
    case SQLVAL_INET:
    case SQLVAL_CIDR:
    case SQLVAL_JSON:
    case SQLVAL_JSONPATH:
        if (cv.type == CRDT_V_TEXT) {
            sqlval_take_str(v, c->type, (char *)cv.u.s.p, cv.u.s.n);
            cv.u.s.p = NULL; /* taken */
            cv.type = CRDT_V_NULL;
        } else {
            out = 1;
        }
        break;
    case SQLVAL_BPCHAR:
        if (cv.type == CRDT_V_TEXT) {
            size_t n = cv.u.s.n;
            while (n && ((const char *)cv.u.s.p)[n - 1] == ' ') n--; /* as written before: unpadded */
            sqlval_take_str(v, c->type, (char *)cv.u.s.p, n);
            v->s[n] = 0;
            v->u.i = c->typmod > 4 ? c->typmod - 4 : 0;
            cv.u.s.p = NULL; /* taken */
            cv.type = CRDT_V_NULL;
        } else {
            out = 1;
        }
        break;
    case SQLVAL_TEXT:
    case SQLVAL_VARCHAR:
    case SQLVAL_NUMERIC:
    case SQLVAL_JSONB:
        if ((cv.type == CRDT_V_TEXT && (c->type == SQLVAL_TEXT || c->type == SQLVAL_VARCHAR)) ||
            (cv.type == CRDT_V_NUMERIC && c->type == SQLVAL_NUMERIC) ||
            (cv.type == CRDT_V_JSONB && c->type == SQLVAL_JSONB)) {
            sqlval_take_str(v, c->type, (char *)cv.u.s.p, cv.u.s.n);
            cv.u.s.p = NULL; /* taken */
            cv.type = CRDT_V_NULL;
        } else {
            out = 1;
        }
        break;
    default: out = 1;
    }
    crdt_value_free(&cv);
    return out;
}

/* A key column's value from the decoded key (others: nothing to do). */
static int decode_key_value(const sqlschema_column *c, const keycodec_key *key, sqlval *v, sqlerr *err)
{
    if (c->pk_pos < 0 || (size_t)c->pk_pos >= key->ncol) return SQL_OK;
    const keycodec_value *kv = &key->col[c->pk_pos];
    switch (kv->type) {
    case KEYCODEC_INT: sqlval_set_int(v, c->type, kv->u.i); return SQL_OK;
    case KEYCODEC_FLOAT: sqlval_set_float(v, c->type, kv->u.f); return SQL_OK;
    case KEYCODEC_BOOL: sqlval_set_bool(v, kv->u.b); return SQL_OK;
    default:
        if (sqlval_set_str(v, c->type, (const char *)kv->u.s.p, kv->u.s.len, err)) return SQL_ERR;
        if (c->type == SQLVAL_BPCHAR) v->u.i = c->typmod > 4 ? c->typmod - 4 : 0; /* its padding */
        return SQL_OK;
    }
}

/* The scans' path (sqlrun_row_values_into): the needed columns read in place from the stored
 * bytes (crdt_row_view), without decoding the row's CRDT state; the walk stops once every
 * needed column is read (a count(*) reads no column at all). 2 when a needed column has to be
 * rendered (a CRDT column, a register holding another type): the caller decodes in full.
 * v[] holds NULLs of the columns' types on entry. */
static int row_values_view(const sqlschema_table *t, const bool *need, const uint8_t *pk,
                           size_t pklen, const uint8_t *val, size_t vlen, sqlval *v,
                           sqlerr *err)
{
    int stored = 0; /* needed columns the value holds */
    bool keys = false;
    for (int i = 0; i < t->ncols; i++) {
        if (need && !need[i]) continue;
        if (t->cols[i].pk_pos >= 0) {
            keys = true;
            continue;
        }
        if (t->cols[i].kind != SQLSCHEMA_LWW) return 2;
        stored++;
    }
    crdt_row_view rv;
    if (crdt_row_view_open(&rv, val, vlen))
        return sqlerr_set(err, "XX001", -1, "corrupt row in table \"%s\"", t->name);
    if (!rv.visible) return 1;
    keycodec_key key; /* large: touched only when a key column is needed */
    key.arena = NULL;
    int rc = SQL_ERR;
    if (keys) {
        memset(&key, 0, sizeof key);
        if (keycodec_decode_pk(pk, pklen, &key)) {
            sqlerr_set(err, "XX001", -1, "corrupt row in table \"%s\"", t->name);
            goto out;
        }
        for (int i = 0; i < t->ncols; i++)
            if ((!need || need[i]) && decode_key_value(&t->cols[i], &key, &v[i], err)) goto out;
    }
    uint16_t id;
    uint8_t kind;
    const uint8_t *body;
    size_t blen;
    int k = 0;
    while (stored > 0 && (k = crdt_row_view_next(&rv, &id, &kind, &body, &blen)) == 1) {
        int ci = -1;
        for (int i = 0; i < t->ncols && ci < 0; i++)
            if (t->cols[i].id == id) ci = i;
        if (ci < 0 || (need && !need[ci]) || t->cols[ci].pk_pos >= 0) continue;
        stored--;
        if (kind != CRDT_KIND_LWW) {
            rc = 2;
            goto out;
        }
        crdt_value cv;
        crdt_value_init(&cv);
        int r = crdt_lww_body_read(body, blen, &cv);
        if (r == 1) continue; /* an empty register: NULL */
        if (r < 0) {
            crdt_value_free(&cv);
            sqlerr_set(err, "XX001", -1, "corrupt column \"%s\"", t->cols[ci].name);
            goto out;
        }
        r = lww_convert(&cv, &t->cols[ci], &v[ci], err);
        if (r < 0) goto out;
        if (r == 1) {
            rc = 2;
            goto out;
        }
    }
    if (k < 0) {
        sqlerr_set(err, "XX001", -1, "corrupt row in table \"%s\"", t->name);
        goto out;
    }
    rc = SQL_OK;
out:
    if (keys) keycodec_key_free(&key);
    return rc;
}

static void vals_clear(const sqlschema_table *t, sqlval *v)
{
    for (int i = 0; i < t->ncols; i++) {
        sqlval_free(&v[i]);
        sqlval_init_null(&v[i], t->cols[i].type);
    }
}

/* Decodes a stored row into typed values. Returns 1 when the row is invisible. */
int sqlrun_row_values(const sqlschema_table *t, const uint8_t *pk, size_t pklen,
                      const uint8_t *val, size_t vlen, sqlval **out, sqlerr *err)
{
    return sqlrun_row_values_some(t, NULL, pk, pklen, val, vlen, out, err);
}

int sqlrun_row_values_some(const sqlschema_table *t, const bool *need, const uint8_t *pk,
                           size_t pklen, const uint8_t *val, size_t vlen, sqlval **out,
                           sqlerr *err)
{
    sqlval *v = calloc((size_t)t->ncols + 1, sizeof *v);
    if (!v) return sqlerr_oom(err);
    int rc = sqlrun_row_values_into(t, need, pk, pklen, val, vlen, v, err);
    if (rc) {
        vals_free(v, t->ncols);
        return rc;
    }
    *out = v;
    return SQL_OK;
}

int sqlrun_row_values_into(const sqlschema_table *t, const bool *need, const uint8_t *pk,
                           size_t pklen, const uint8_t *val, size_t vlen, sqlval *v,
                           sqlerr *err)
{
    for (int i = 0; i < t->ncols; i++) sqlval_init_null(&v[i], t->cols[i].type);
    int fast = row_values_view(t, need, pk, pklen, val, vlen, v, err);
    if (fast != 2) {
        if (fast) vals_clear(t, v);
        return fast;
    }
    vals_clear(t, v);
    crdt_row r;
    crdt_row_init(&r);
    keycodec_key key;
    memset(&key, 0, sizeof key);
    codec_buf b;
    codec_buf_init(&b);
    int rc = SQL_ERR;
    if (crdt_row_decode(val, vlen, &r) || keycodec_decode_pk(pk, pklen, &key)) {
        sqlerr_set(err, "XX001", -1, "corrupt row in table \"%s\"", t->name);
        goto out;
    }
    if (!crdt_row_visible(&r)) {
        rc = 1;
        goto out;
    }
    for (int i = 0; i < t->ncols; i++) {
        const sqlschema_column *c = &t->cols[i];
        if (need && !need[i]) continue; /* the query never reads it */
        if (c->pk_pos >= 0 && (size_t)c->pk_pos < key.ncol) {
            if (decode_key_value(c, &key, &v[i], err)) goto out;
            continue;
        }
        if (c->kind == SQLSCHEMA_LWW) {
            /* the register's value as it is stored: no text round trip */
            int lr = lww_column(&r, c, &v[i], err);
            if (lr < 0) goto out;
            if (lr == 0) continue;
        }
        bool isnull = false;
        codec_buf_reset(&b);
        if (crdt_row_render(&b, &r, c->id, kind_to_crdt(c->kind), &isnull) || b.err) {
            sqlerr_set(err, "XX001", -1, "corrupt column \"%s\" in table \"%s\"", c->name,
                       t->name);
            goto out;
        }
        if (isnull) continue;
        if (sqlval_from_text(c->type, b.len ? (const char *)b.data : "", b.len, &v[i], err))
            goto out;
        if (c->type == SQLVAL_ENUM) v[i].u.i = c->typmod > 0 ? c->typmod : 0;
    }
    rc = SQL_OK;
out:
    if (rc) vals_clear(t, v);
    codec_buf_free(&b);
    keycodec_key_free(&key);
    crdt_row_free(&r);
    return rc;
}

/* Reads one row through the preview. Returns SQL_OK with *out (NULL when absent/invisible). */
int sqlrun_row_get(sx_session *s, const sqlschema_table *t, const uint8_t *pk, size_t pklen,
                   sqlval **out, sqlerr *err)
{
    uint8_t *val = NULL;
    size_t vlen = 0;
    *out = NULL;
    storage_overlay *ov = sx_preview(s);
    if (!ov) return sqlerr_oom(err);
    if (sx_ser_read_row(s, t->id, pk, pklen, err)) return SQL_ERR; /* SERIALIZABLE */
    int rc = storage_overlay_get(ov, sx_snapshot(s), t->id, pk, pklen, &val, &vlen);
    if (rc == STORAGE_ENOTFOUND) return SQL_OK;
    if (rc) return sqlerr_set(err, "58030", -1, "could not read row: %s", storage_strerror(rc));
    rc = sqlrun_row_values(t, pk, pklen, val, vlen, out, err);
    free(val);
    if (rc == 1) {
        *out = NULL;
        return SQL_OK;
    }
    return rc;
}

typedef int (*row_fn)(void *ctx, const uint8_t *pk, size_t pklen, sqlval *row,
                      const crdt_row *raw, sqlerr *err);

typedef struct vscan {
    sx_session *s;
    const sqlschema_table *t;
    const sqlast_expr *where;
    const sqlexpr_ctx *base;
    row_fn fn;
    void *ctx;
} vscan;

static int vscan_row(void *ctx, sqlval *row, sqlerr *err)
{
    vscan *v = ctx;
    if (v->where) {
        sqlexpr_ctx c = *v->base;
        c.row = row;
        c.nrow = v->t->ncols;
        bool yes;
        if (sqlexpr_eval_bool(v->where, &c, &yes, err)) {
            vals_free(row, v->t->ncols);
            return SQL_ERR;
        }
        if (!yes) {
            vals_free(row, v->t->ncols);
            return SQL_OK;
        }
    }
    return v->fn(v->ctx, (const uint8_t *)"", 0, row, NULL, err);
}

/* ---- access paths: WHERE pk = v (point read) and pk-prefix ranges ----------------------- */

/* The value `e` compares a key column to, when it can pick the key bytes exactly: a constant
 * or parameter of the column's own type (an integer of any width for integer columns, an
 * untyped literal for any). Anything else (1.5 for an int column...) leaves the scan to
 * evaluate the comparison. Returns true with *out set. */
static bool key_value(const sqlschema_column *c, const sqlast_expr *e, const sqlexpr_ctx *base,
                      sqlval *out)
{
    if (e->kind != SQLAST_PARAM && !sqlexpr_is_constant(e)) return false;
    sqlerr ignore;
    sqlval v;
    if (sqlexpr_eval(e, base, &v, &ignore)) return false;
    bool ok = !v.isnull && (v.type == c->type || v.type == SQLVAL_UNKNOWN ||
                            (sqlval_type_is_integer(v.type) && sqlval_type_is_integer(c->type)) ||
                            (sqlval_type_is_text(v.type) && sqlval_type_is_text(c->type)));
    if (ok) ok = sqlval_cast(&v, c->type, out, &ignore) == SQL_OK;
    sqlval_free(&v);
    return ok;
}

/* Collects `keycol = value` terms of the top-level conjunction into vals (by pk position). */
static void key_terms(const sqlschema_table *t, const sqlast_expr *e, const sqlexpr_ctx *base,
                      sqlval *vals, bool *have)
{
    if (!e) return;
    if (e->kind == SQLAST_AND) {
        for (int i = 0; i < e->nargs; i++) key_terms(t, e->args[i], base, vals, have);
        return;
    }
    if (e->kind != SQLAST_OP || e->op != SQLAST_OP_EQ || e->nargs != 2) return;
    for (int side = 0; side < 2; side++) {
        const sqlast_expr *col = e->args[side], *val = e->args[1 - side];
        if (col->kind != SQLAST_COLUMN || col->colidx < 0 || col->colidx >= t->ncols) continue;
        int pos = t->cols[col->colidx].pk_pos;
        if (pos < 0 || have[pos]) continue;
        if (key_value(&t->cols[col->colidx], val, base, &vals[col->colidx])) {
            have[pos] = true;
            return;
        }
    }
}

/* How many leading key columns WHERE fixes (0: full scan); the prefix is encoded into key. */
static int key_prefix(const sqlschema_table *t, const sqlast_expr *where, const sqlexpr_ctx *base,
                      codec_buf *key, sqlerr *err)
{
    if (!where || t->npk == 0) return 0;
    sqlval *vals = calloc((size_t)t->ncols + 1, sizeof *vals);
    bool have[KEYCODEC_MAX_COLUMNS] = {false};
    if (!vals) return sqlerr_oom(err);
    for (int i = 0; i < t->ncols; i++) sqlval_init_null(&vals[i], t->cols[i].type);
    key_terms(t, where, base, vals, have);
    int n = 0;
    while (n < t->npk && have[n]) n++;
    /* pk_encode_n reads vals by column index through t->pk */
    int rc = n ? pk_encode_n(t, vals, n, key, err) : SQL_OK;
    vals_free(vals, t->ncols);
    return rc ? SQL_ERR : n;
}

/* One stored row through the scan's filter: decodes it, evaluates where, hands it to fn.
 * Returns SQL_OK (also for an invisible or filtered-out row) or SQL_ERR. */
static int scan_row(const sqlschema_table *t, const sqlast_expr *where, const sqlexpr_ctx *base,
                    const uint8_t *pk, size_t pklen, const uint8_t *val, size_t vlen,
                    crdt_row *raw, row_fn fn, void *ctx, sqlerr *err)
{
    sqlval *row = NULL;
    int vr = sqlrun_row_values(t, pk, pklen, val, vlen, &row, err);
    if (vr == 1) return SQL_OK;
    if (vr) return SQL_ERR;
    if (base->want_raw && crdt_row_decode(val, vlen, raw)) {
        vals_free(row, t->ncols);
        return sqlerr_set(err, "XX001", -1, "corrupt row in table \"%s\"", t->name);
    }
    if (where) {
        sqlexpr_ctx c = *base;
        c.row = row;
        c.nrow = t->ncols;
        c.raw = base->want_raw ? raw : NULL;
        bool yes;
        if (sqlexpr_eval_bool(where, &c, &yes, err)) {
            vals_free(row, t->ncols);
            return SQL_ERR;
        }
        if (!yes) {
            vals_free(row, t->ncols);
            return SQL_OK;
        }
    }
    /* pk bytes are only valid until the next step: fn copies what it keeps. */
    return fn(ctx, pk, pklen, row, base->want_raw ? raw : NULL, err) ? SQL_ERR : SQL_OK;
}

/* Calls fn for every visible row of t that satisfies where (NULL: all). fn takes row. */
static int scan(sx_session *s, const sqlschema_table *t, const sqlast_expr *where,
                const sqlexpr_ctx *base, row_fn fn, void *ctx, sqlerr *err)
{
    if (sqlvirt_is(t)) {
        vscan v = {s, t, where, base, fn, ctx};
        return sqlvirt_rows(s, t, vscan_row, &v, err);
    }
    storage_overlay *ov = sx_preview(s);
    if (!ov) return sqlerr_oom(err);
    storage_iter *it = NULL;
    crdt_row raw;
    crdt_row_init(&raw);
    codec_buf key, hi;
    codec_buf_init(&key);
    codec_buf_init(&hi);
    int nkey = key_prefix(t, where, base, &key, err);
    if (nkey < 0) {
        codec_buf_free(&key);
        return SQL_ERR;
    }
    int rc;
    if (nkey > 0 && nkey == t->npk && !key.err) {
        /* The whole key is fixed: one point lookup, far cheaper than an iterator (no
         * superversion pinning, no merging iterator over every memtable and level). */
        uint8_t *val = NULL;
        size_t vlen = 0;
        if (sx_ser_read_row(s, t->id, key.data, key.len, err)) { /* SERIALIZABLE: the row */
            codec_buf_free(&key);
            return SQL_ERR;
        }
        rc = storage_overlay_get(ov, sx_snapshot(s), t->id, key.data, key.len, &val, &vlen);
        if (rc == STORAGE_ENOTFOUND) {
            rc = SQL_OK;
        } else if (rc) {
            rc = sqlerr_set(err, "58030", -1, "could not read row: %s", storage_strerror(rc));
        } else {
            rc = scan_row(t, where, base, key.data, key.len, val, vlen, &raw, fn, ctx, err);
            free(val);
        }
        codec_buf_free(&key);
        crdt_row_free(&raw);
        return rc;
    }
    if (nkey > 0) {
        /* [prefix, successor(prefix)): the prefix never ends in 0xff (text terminator 0x01,
         * fixed-width columns are followed by nothing); a full key matches only itself. */
        codec_put_raw(&hi, key.data, key.len);
        size_t n = hi.len;
        while (n > 0 && hi.data[n - 1] == 0xff) n--;
        if (n == 0 || hi.err) {
            nkey = 0;
        } else {
            hi.len = n;
            hi.data[n - 1]++;
        }
    }
    if (sx_ser_read_table(s, t->id, err)) { /* SERIALIZABLE: a range or the whole table */
        codec_buf_free(&key);
        codec_buf_free(&hi);
        return SQL_ERR;
    }
    if (nkey > 0)
        rc = storage_overlay_iter_new(ov, sx_snapshot(s), t->id, key.data, key.len, hi.data, hi.len, &it);
    else
        rc = storage_overlay_iter_new(ov, sx_snapshot(s), t->id, NULL, 0, NULL, 0, &it);
    codec_buf_free(&key);
    codec_buf_free(&hi);
    if (rc) return sqlerr_set(err, "58030", -1, "could not scan: %s", storage_strerror(rc));
    while ((rc = storage_iter_next(it)) == 1) {
        if (sx_interrupted(s, err)) goto fail;
        const uint8_t *pk, *val;
        size_t pklen, vlen;
        storage_iter_item(it, &pk, &pklen, &val, &vlen);
        if (scan_row(t, where, base, pk, pklen, val, vlen, &raw, fn, ctx, err)) goto fail;
    }
    storage_iter_del(it);
    crdt_row_free(&raw);
    if (rc < 0) return sqlerr_set(err, "58030", -1, "could not scan: %s", storage_strerror(rc));
    return SQL_OK;
fail:
    storage_iter_del(it);
    crdt_row_free(&raw);
    return SQL_ERR;
}

/* ---- planning ----------------------------------------------------------------------------- */

void sqlrun_plan_free(sx_plan *p)
{
    for (int i = 0; i < p->nchecks; i++) sqlparse_result_free(&p->checkq[i]);
    free(p->checkq);
    sqlschema_free(p->table);
    free(p->targets);
    free(p->cols);
    free(p->setops);
    free(p->insert_map);
    free(p->reads);
    sqlplan_free(p->qp);
    sqlplan_free(p->dp);
    memset(p, 0, sizeof *p);
    p->ncols = -1;
}

/* ---- check constraints -------------------------------------------------------------------- */

/* DETAIL: Failing row contains (1, null, x). (the row a constraint refused) */
static void failing_row(const sqlschema_table *t, const sqlval *vals, sqlerr *err)
{
    if (!err) return;
    char detail[sizeof err->detail];
    size_t o = (size_t)snprintf(detail, sizeof detail, "Failing row contains (");
    bool first = true;
    for (int k = 0; k < t->ncols && o < sizeof detail; k++) {
        if (t->cols[k].hidden) continue;
        char *txt = NULL;
        size_t tl = 0;
        if (!vals[k].isnull && sqlval_to_text(&vals[k], &txt, &tl, NULL)) txt = NULL;
        o += (size_t)snprintf(detail + o, sizeof detail - o, "%s%s", first ? "" : ", ",
                              vals[k].isnull || !txt ? "null" : txt);
        free(txt);
        first = false;
    }
    if (o < sizeof detail) snprintf(detail + o, sizeof detail - o, ").");
    sqlerr_detail(err, "%s", detail);
}

/* A CHECK's expression: its text parsed as SELECT (text), bound over t's columns. */
static int check_parse(const sqlschema_table *t, const sqlschema_check *k, sqlparse_result *q,
                       sqlerr *err)
{
    size_t n = strlen(k->expr) + 16;
    char *sql = malloc(n);
    if (!sql) return sqlerr_oom(err);
    snprintf(sql, n, "SELECT (%s)", k->expr);
    int rc = sqlparse_query(sql, q, err);
    free(sql);
    if (rc) return SQL_ERR;
    if (q->nstmts != 1 || q->stmts[0]->ntargets != 1 || !q->stmts[0]->targets[0].expr)
        return sqlerr_set(err, "XX000", -1, "check constraint \"%s\" does not parse", k->name);
    sqlexpr_scope sc = {.table = t, .alias = t->name, .clause = "check constraints"};
    return sqlexpr_bind(q->stmts[0]->targets[0].expr, &sc, SQLVAL_BOOL, err);
}

static int plan_checks(sx_plan *p, sqlerr *err)
{
    const sqlschema_table *t = p->table;
    if (!t || !t->nchecks) return SQL_OK;
    if (!(p->checkq = calloc((size_t)t->nchecks, sizeof *p->checkq))) return sqlerr_oom(err);
    for (; p->nchecks < t->nchecks; p->nchecks++)
        if (check_parse(t, &t->checks[p->nchecks], &p->checkq[p->nchecks], err)) {
            p->nchecks++;
            return SQL_ERR;
        }
    return SQL_OK;
}

/* 23514 unless every CHECK of t (parsed: q, n of them) holds (true or NULL) for row vals. */
static int check_row_of(const sqlschema_table *t, const sqlparse_result *q, int n,
                        const sqlexpr_ctx *base, const sqlval *vals, sqlerr *err)
{
    for (int i = 0; i < n; i++) {
        sqlexpr_ctx c = *base;
        c.row = vals;
        c.nrow = t->ncols;
        c.excluded = NULL;
        sqlval v;
        if (sqlexpr_eval(q[i].stmts[0]->targets[0].expr, &c, &v, err)) return SQL_ERR;
        bool fail = !v.isnull && v.type == SQLVAL_BOOL && !v.u.b;
        sqlval_free(&v);
        if (!fail) continue;
        sqlerr_set(err, "23514", -1, "new row for relation \"%s\" violates check constraint \"%s\"",
                   t->name, t->checks[i].name);
        sqlerr_object(err, t->name, NULL, t->checks[i].name);
        failing_row(t, vals, err);
        return SQL_ERR;
    }
    return SQL_OK;
}

static int check_row(const sx_plan *p, const sqlexpr_ctx *base, const sqlval *vals, sqlerr *err)
{
    return check_row_of(p->table, p->checkq, p->nchecks, base, vals, err);
}

static int plan_targets(sx_plan *p, sqlast_stmt *st, sqlerr *err)
{
    const sqlschema_table *t = p->table;
    int n = 0;
    for (int i = 0; i < st->ntargets; i++)
        n += st->targets[i].expr && st->targets[i].expr->kind == SQLAST_STAR ? sqlschema_visible_columns(t) : 1;
    p->targets = calloc((size_t)n + 1, sizeof *p->targets);
    p->cols = calloc((size_t)n + 1, sizeof *p->cols);
    if (!p->targets || !p->cols) return sqlerr_oom(err);
    sqlexpr_scope sc = p->dsc;
    sc.clause = "RETURNING";
    int k = 0;
    for (int i = 0; i < st->ntargets; i++) {
        sqlast_expr *e = st->targets[i].expr;
        if (e && e->kind == SQLAST_STAR) {
            for (int c = 0; c < t->ncols; c++, k++) {
                if (t->cols[c].hidden) {
                    k--;
                    continue;
                }
                p->targets[k].colidx = c;
                if (sc.used && *sc.used) (*sc.used)[c] = 1; /* RETURNING * reads every column */
                executor_column *col = &p->cols[k];
                snprintf(col->name, sizeof col->name, "%s", t->cols[c].name);
                col->type_oid = t->cols[c].type == SQLVAL_ENUM && t->cols[c].typmod > 0
                                    ? (uint32_t)t->cols[c].typmod /* its enum type */
                                    : sqlval_type_oid(t->cols[c].type);
                col->typlen = sqlval_type_len(t->cols[c].type);
                col->typmod = -1;
            }
            continue;
        }
        if (sqlexpr_bind(e, &sc, SQLVAL_UNKNOWN, err)) return SQL_ERR;
        p->targets[k].expr = e;
        executor_column *col = &p->cols[k];
        snprintf(col->name, sizeof col->name, "%s",
                 st->targets[i].name ? st->targets[i].name : sqlexpr_column_name(e));
        sqlval_type ty = e->type == SQLVAL_UNKNOWN ? SQLVAL_TEXT : e->type;
        col->type_oid = sqlval_type_oid(ty);
        if (ty == SQLVAL_ENUM) /* RETURNING m: the column's enum type; another enum: text */
            col->type_oid = e->kind == SQLAST_COLUMN && e->colidx >= 0 && e->colidx < t->ncols &&
                                    t->cols[e->colidx].typmod > 0
                                ? (uint32_t)t->cols[e->colidx].typmod
                                : 25u; /* text */
        col->typlen = sqlval_type_len(ty);
        col->typmod = -1;
        k++;
    }
    p->ntargets = n;
    p->ncols = n;
    return SQL_OK;
}

static int table_for(sx_session *s, sx_plan *p, const sqlast_stmt *st, sqlerr *err)
{
    if (!st->table) return sqlvirt_dual(&p->table, err);
    if (st->schema && strcmp(st->schema, "public")) {
        int vr = sqlvirt_lookup(st->schema, st->table, &p->table, err);
        if (vr < 0) return SQL_ERR;
        if (vr == 0 && strcmp(st->schema, "helios") && strcmp(st->schema, "information_schema"))
            return sqlerr_set(err, "3F000", st->location, "schema \"%s\" does not exist",
                              st->schema);
        if (vr == 0)
            return sqlerr_set(err, "42P01", st->location, "relation \"%s.%s\" does not exist",
                              st->schema, st->table);
        if (st->kind != SQLAST_SELECT)
            return sqlerr_set(err, "42809", st->location, "cannot change view \"%s.%s\"",
                              st->schema, st->table);
        return SQL_OK;
    }
    const sqlschema_table *t = sx_table_find(s, st->table);
    if (!t) /* PostgreSQL's cursor: the table name */
        return sqlerr_set(err, "42P01", st->table_loc ? st->table_loc - 1 : st->location,
                          "relation \"%s\" does not exist", st->table);
    if (t->view_sql) {
        sqlerr_set(err, "0A000", st->table_loc ? st->table_loc - 1 : st->location,
                   "cannot %s view \"%s\"",
                   st->kind == SQLAST_INSERT ? "insert into" : st->kind == SQLAST_UPDATE ? "update" : "delete from",
                   st->table);
        sqlerr_detail(err, "HeliosDB does not update views yet (PostgreSQL's automatically updatable views).");
        return SQL_ERR;
    }
    if (t->seq && st->kind != SQLAST_SELECT)
        return sqlerr_set(err, "42809", -1, "cannot change sequence \"%s\"", t->name);
    return sqlschema_copy(t, &p->table, err);
}

/* ---- writes through views ---------------------------------------------------------------- */

/* A view PostgreSQL updates automatically (one table in FROM, plain columns, no DISTINCT,
 * grouping, aggregates, windows, set operations, WITH, LIMIT): an INSERT, UPDATE or DELETE
 * naming it is rewritten onto its table. The view's columns become their table columns (an
 * expression column may be read, not written), its WHERE joins an UPDATE's or DELETE's, and
 * RETURNING * lists the view's columns. */
typedef struct vmap {
    const char *viewname, *qual; /* names a reference to the view may carry */
    sqlschema_column *vcols;     /* the view's columns */
    int n;
    sqlast_expr **expr; /* per view column: its expression over the table (view's tree) */
    sqlerr *err;
    bool oom;
} vmap;

static int vm_find(const vmap *m, const sqlast_expr *e)
{
    if (e->kind != SQLAST_COLUMN || !e->name) return -1;
    if (e->qualifier && strcmp(e->qualifier, m->viewname) && (!m->qual || strcmp(e->qualifier, m->qual)))
        return -1;
    for (int i = 0; i < m->n; i++)
        if (!strcmp(m->vcols[i].name, e->name)) return i;
    return -1;
}

static void vm_rewrite(vmap *m, sqlast_expr **pe, bool in_sub)
{
    sqlast_expr *e = *pe;
    if (!e || m->oom) return;
    int i = vm_find(m, e);
    if (i >= 0 && (!in_sub || e->qualifier)) {
        sqlast_expr *d = sqlast_expr_dup(m->expr[i]);
        if (!d) {
            m->oom = true;
            return;
        }
        d->location = e->location;
        sqlast_expr_free(e);
        *pe = d;
        return;
    }
    for (int k = 0; k < e->nargs; k++) vm_rewrite(m, &e->args[k], in_sub);
    if (e->filter) vm_rewrite(m, &e->filter, in_sub);
    if (e->sub) {
        sqlast_stmt *q = e->sub;
        vm_rewrite(m, &q->where, true);
        for (int k = 0; k < q->ntargets; k++) vm_rewrite(m, &q->targets[k].expr, true);
        vm_rewrite(m, &q->having, true);
    }
}

static const char *view_not_updatable(const sqlast_stmt *v)
{
    if (v->nctes) return "Views containing WITH are not automatically updatable.";
    if (v->setop) return "Views containing UNION, INTERSECT, or EXCEPT are not automatically updatable.";
    if (v->distinct) return "Views containing DISTINCT are not automatically updatable.";
    if (v->ngroup) return "Views containing GROUP BY are not automatically updatable.";
    if (v->having) return "Views containing HAVING are not automatically updatable.";
    if (v->limit || v->offset) return "Views containing LIMIT or OFFSET are not automatically updatable.";
    if (v->is_values || v->nfrom != 1 || v->from[0]->kind != SQLAST_FROM_REL || v->from[0]->ncolnames)
        return "Views that do not select from a single table or view are not automatically updatable.";
    for (int i = 0; i < v->ntargets; i++) {
        const sqlast_expr *e = v->targets[i].expr;
        if (e && (e->kind == SQLAST_AGG || sqlexpr_calls(e, "generate_series") || sqlexpr_calls(e, "unnest")))
            return "Views that return aggregate functions are not automatically updatable.";
        if (e && e->kind == SQLAST_WINFUNC)
            return "Views that return window functions are not automatically updatable.";
    }
    return NULL;
}

bool sqlrun_view_updatable(const sqlschema_table *view, int col)
{
    if (!view->view_sql) return false;
    sqlparse_result pr;
    sqlerr perr;
    if (sqlparse_query(view->view_sql, &pr, &perr)) return false;
    bool ok = pr.nstmts == 1 && pr.stmts[0]->select && !view_not_updatable(pr.stmts[0]->select);
    if (ok && col >= 0) {
        const sqlast_stmt *v = pr.stmts[0]->select;
        int k = 0;
        ok = false;
        for (int i = 0; i < v->ntargets; i++) {
            const sqlast_expr *e = v->targets[i].expr;
            if (e && e->kind == SQLAST_STAR) { /* every column of the one table: plain */
                ok = true;
                break;
            }
            if (k++ == col) {
                ok = e && e->kind == SQLAST_COLUMN;
                break;
            }
        }
    }
    sqlparse_result_free(&pr);
    return ok;
}

static int view_rewrite(sx_session *s, sqlast_stmt *st, sqlerr *err)
{
    for (int depth = 0;; depth++) {
        if (st->schema && strcmp(st->schema, "public")) return SQL_OK;
        const sqlschema_table *t = st->table ? sx_table_find(s, st->table) : NULL;
        if (!t || !t->view_sql) return SQL_OK;
        const char *verb = st->kind == SQLAST_INSERT ? "insert into" : st->kind == SQLAST_UPDATE ? "update" : "delete from";
        if (depth >= 16)
            return sqlerr_set(err, "42P17", -1, "infinite recursion detected in rules for relation \"%s\"", st->table);
        sqlparse_result pr;
        sqlerr perr;
        if (sqlparse_query(t->view_sql, &pr, &perr) || pr.nstmts != 1)
            return sqlerr_set(err, "XX000", -1, "the definition of view \"%s\" does not parse", t->name);
        sqlast_stmt *v = pr.stmts[0]->select;
        const char *why = view_not_updatable(v);
        int rc = SQL_ERR;
        vmap m = {.viewname = t->name, .qual = st->alias, .vcols = t->cols, .n = t->ncols, .err = err};
        sqlschema_table *base = NULL;
        if (why) {
            sqlerr_set(err, "55000", -1, "cannot %s view \"%s\"", verb, t->name);
            sqlerr_detail(err, "%s", why);
            sqlerr_hint(err, "To enable %s the view, provide an INSTEAD OF %s trigger or an unconditional ON %s DO INSTEAD rule.",
                        st->kind == SQLAST_INSERT ? "inserting into" : st->kind == SQLAST_UPDATE ? "updating" : "deleting from",
                        st->kind == SQLAST_INSERT ? "INSERT" : st->kind == SQLAST_UPDATE ? "UPDATE" : "DELETE",
                        st->kind == SQLAST_INSERT ? "INSERT" : st->kind == SQLAST_UPDATE ? "UPDATE" : "DELETE");
            goto out;
        }
        sqlast_from *bf = v->from[0];
        sx_vpath_saved sv;
        sx_vpath_enter(s, t, &sv);
        const sqlschema_table *bt = sx_table_find_q(s, bf->schema, bf->name);
        sx_vpath_leave(s, &sv);
        if (!bt) {
            sqlerr_set(err, "42P01", -1, "relation \"%s\" does not exist", bf->name);
            goto out;
        }
        if (sqlschema_copy(bt, &base, err)) goto out;
        /* the view's column expressions, * expanded over the table's visible columns */
        if (!(m.expr = calloc((size_t)t->ncols + 1, sizeof *m.expr))) {
            sqlerr_oom(err);
            goto out;
        }
        sqlast_expr **made = calloc((size_t)base->ncols + 1, sizeof *made);
        int nmade = 0, k = 0;
        if (!made) {
            sqlerr_oom(err);
            goto out;
        }
        for (int i = 0; i < v->ntargets && k < t->ncols; i++) {
            sqlast_expr *e = v->targets[i].expr;
            if (e && e->kind == SQLAST_STAR) {
                for (int c = 0; c < base->ncols && k < t->ncols; c++) {
                    if (base->cols[c].hidden) continue;
                    sqlast_expr *ce = sqlast_expr_new(SQLAST_COLUMN, -1);
                    if (!ce || !(ce->name = strdup(base->cols[c].name))) {
                        sqlast_expr_free(ce);
                        m.oom = true;
                        break;
                    }
                    made[nmade++] = ce;
                    m.expr[k++] = ce;
                }
                continue;
            }
            m.expr[k++] = e;
        }
        if (!m.oom) {
            /* written columns must be table columns */
            for (int i = 0; i < st->nset && rc != 1; i++) {
                int vi = -1;
                for (int c = 0; c < t->ncols; c++)
                    if (!strcmp(t->cols[c].name, st->set[i].name)) vi = c;
                if (vi < 0) continue; /* not a view column: the planner reports it */
                if (m.expr[vi]->kind != SQLAST_COLUMN) {
                    sqlerr_set(err, "0A000", -1, "cannot update column \"%s\" of view \"%s\"",
                               st->set[i].name, t->name);
                    sqlerr_detail(err, "View columns that are not columns of their base relation are not updatable.");
                    rc = 1;
                    break;
                }
                char *nn = strdup(m.expr[vi]->name);
                if (!nn) m.oom = true;
                else {
                    free(st->set[i].name);
                    st->set[i].name = nn;
                }
            }
            if (rc == 1) {
                rc = SQL_ERR;
                for (int i = 0; i < nmade; i++) sqlast_expr_free(made[i]);
                free(made);
                goto out;
            }
            if (st->kind == SQLAST_INSERT) {
                int nv = st->insert_cols ? st->ninsert_cols : st->select ? t->ncols : st->nvalues;
                if (!st->insert_cols && nv > t->ncols) nv = t->ncols;
                char **cols = calloc((size_t)nv + 1, sizeof *cols);
                if (!cols) m.oom = true;
                for (int i = 0; cols && i < nv; i++) {
                    int vi = -1;
                    const char *want = st->insert_cols ? st->insert_cols[i] : t->cols[i].name;
                    for (int c = 0; c < t->ncols; c++)
                        if (!strcmp(t->cols[c].name, want)) vi = c;
                    if (vi >= 0 && m.expr[vi]->kind != SQLAST_COLUMN) {
                        sqlerr_set(err, "0A000", -1, "cannot insert into column \"%s\" of view \"%s\"", want, t->name);
                        sqlerr_detail(err, "View columns that are not columns of their base relation are not updatable.");
                        for (int z = 0; z < i; z++) free(cols[z]);
                        free(cols);
                        for (int z = 0; z < nmade; z++) sqlast_expr_free(made[z]);
                        free(made);
                        goto out;
                    }
                    cols[i] = strdup(vi >= 0 ? m.expr[vi]->name : want);
                    if (!cols[i]) m.oom = true;
                }
                if (cols) {
                    for (int i = 0; st->insert_cols && i < st->ninsert_cols; i++) free(st->insert_cols[i]);
                    free(st->insert_cols);
                    st->insert_cols = cols;
                    st->ninsert_cols = nv;
                }
            }
            vm_rewrite(&m, &st->where, false);
            for (int i = 0; i < st->nset; i++) vm_rewrite(&m, &st->set[i].expr, false);
            for (int i = 0; i < st->nconflict_set; i++) vm_rewrite(&m, &st->conflict_set[i].expr, false);
            vm_rewrite(&m, &st->conflict_where, false);
            /* RETURNING: * is the view's columns */
            int nt = 0;
            for (int i = 0; i < st->ntargets; i++)
                nt += st->targets[i].expr && st->targets[i].expr->kind == SQLAST_STAR ? t->ncols : 1;
            if (nt != st->ntargets || st->ntargets) {
                sqlast_target *nts = calloc((size_t)nt + 1, sizeof *nts);
                int o = 0;
                if (!nts) m.oom = true;
                for (int i = 0; nts && i < st->ntargets; i++) {
                    if (st->targets[i].expr && st->targets[i].expr->kind == SQLAST_STAR) {
                        for (int c = 0; c < t->ncols; c++, o++) {
                            nts[o].name = strdup(t->cols[c].name);
                            nts[o].expr = sqlast_expr_dup(m.expr[c]);
                            nts[o].location = st->targets[i].location;
                            if (!nts[o].name || !nts[o].expr) m.oom = true;
                        }
                        sqlast_expr_free(st->targets[i].expr);
                    } else {
                        nts[o] = st->targets[i];
                        /* a view column keeps its name as the output column's */
                        if (!nts[o].name && nts[o].expr && vm_find(&m, nts[o].expr) >= 0 &&
                            !(nts[o].name = strdup(nts[o].expr->name)))
                            m.oom = true;
                        vm_rewrite(&m, &nts[o].expr, false);
                        o++;
                        continue;
                    }
                    free(st->targets[i].name);
                }
                if (nts) {
                    free(st->targets);
                    st->targets = nts;
                    st->ntargets = o;
                }
            }
            if (v->where && st->kind != SQLAST_INSERT) {
                sqlast_expr *vw = sqlast_expr_dup(v->where);
                if (!vw) m.oom = true;
                else if (!st->where) st->where = vw;
                else {
                    sqlast_expr *a = sqlast_expr_new(SQLAST_AND, -1);
                    if (!a || sqlast_expr_add_arg(a, vw) || sqlast_expr_add_arg(a, st->where)) {
                        sqlast_expr_free(vw);
                        free(a ? a->args : NULL);
                        free(a);
                        m.oom = true;
                    } else {
                        st->where = a;
                    }
                }
            }
            char qn[SQLSCHEMA_NAME_MAX * 2 + 2];
            sx_qualified(s, base, qn, sizeof qn);
            char *nt_name = strdup(qn);
            /* written without alias, its columns are still qualified by the table's name */
            const char *al = bf->alias ? bf->alias : strchr(qn, SQLAST_QUAL) ? base->name : NULL;
            char *na = al ? strdup(al) : NULL;
            if (!nt_name || (al && !na)) {
                free(nt_name);
                free(na);
                m.oom = true;
            } else {
                free(st->table);
                free(st->alias);
                st->table = nt_name;
                st->alias = na;
            }
        }
        for (int i = 0; i < nmade; i++) sqlast_expr_free(made[i]);
        free(made);
        rc = m.oom ? sqlerr_oom(err) : SQL_OK;
    out:
        free(m.expr);
        sqlschema_free(base);
        sqlparse_result_free(&pr);
        if (rc) return SQL_ERR;
    }
}

/* Statements that change the catalog (their privileges: sx_ddl_check). */
bool sqlrun_is_ddl(const sqlast_stmt *st)
{
    return st->kind == SQLAST_CREATE_TABLE || st->kind == SQLAST_DROP_TABLE ||
           st->kind == SQLAST_ALTER_ADD_COLUMN || st->kind == SQLAST_ALTER_DROP_COLUMN ||
           st->kind == SQLAST_ALTER_ADD_PK || st->kind == SQLAST_ALTER_ADD_FK ||
           st->kind == SQLAST_ALTER_DEFAULT || st->kind == SQLAST_ALTER_ADD_IDENTITY ||
           st->kind == SQLAST_ALTER_ADD_CHECK || st->kind == SQLAST_COMMENT ||
           st->kind == SQLAST_RENAME || st->kind == SQLAST_ALTER_NOT_NULL ||
           st->kind == SQLAST_CREATE_VIEW || st->kind == SQLAST_CREATE_INDEX ||
           st->kind == SQLAST_DROP_INDEX || st->kind == SQLAST_ALTER_ADD_UNIQUE ||
           st->kind == SQLAST_ALTER_DROP_CONSTRAINT || st->kind == SQLAST_RENAME_INDEX ||
           st->kind == SQLAST_ALTER_COLUMN_TYPE || st->kind == SQLAST_REINDEX ||
           st->kind == SQLAST_CREATE_SEQUENCE || st->kind == SQLAST_ALTER_SEQUENCE ||
           st->kind == SQLAST_ALTER_OWNER;
}

int sqlrun_plan(sx_session *s, sqlast_stmt *st, sx_plan *p, sqlerr *err)
{
    memset(p, 0, sizeof *p);
    p->st = st;
    p->ncols = -1;
    if ((st->kind == SQLAST_INSERT || st->kind == SQLAST_UPDATE || st->kind == SQLAST_DELETE) &&
        !st->nfrom && view_rewrite(s, st, err))
        return SQL_ERR;
    bool ddl = sqlrun_is_ddl(st);
    if (st->schema && strcmp(st->schema, "public") && ddl)
        return sqlerr_set(err, "3F000", st->location, "schema \"%s\" does not exist",
                          st->schema);
    if (st->kind == SQLAST_ROLE || st->kind == SQLAST_CREATE_EXTENSION ||
        st->kind == SQLAST_DROP_EXTENSION || st->kind == SQLAST_CREATE_SCHEMA ||
        st->kind == SQLAST_DROP_SCHEMA || st->kind == SQLAST_ALTER_SCHEMA || st->kind == SQLAST_CREATE_TYPE ||
        st->kind == SQLAST_ALTER_TYPE || st->kind == SQLAST_DROP_TYPE || st->kind == SQLAST_DO)
        return SQL_OK;
    if (ddl) return SQL_OK;
    if (st->kind == SQLAST_TRUNCATE) {
        for (int i = 0; i < st->nnames; i++) {
            const sqlschema_table *tt = sx_table_find(s, st->names[i]);
            if (!tt) {
                sqlerr_set(err, "42P01", -1, "relation \"%s\" does not exist", st->names[i]);
                goto fail;
            }
            if (tt->view_sql || tt->seq) {
                sqlerr_set(err, "42809", -1, "\"%s\" is not a table", st->names[i]);
                goto fail;
            }
            if (sx_priv_check(s, tt, SQLPRIV_TRUNCATE, err)) goto fail;
        }
        return SQL_OK;
    }
    if (st->kind == SQLAST_EXPLAIN) {
        if (sqlplan_build(s, st->select, st, &p->qp, err)) goto fail;
        p->ncols = 1;
        p->cols = calloc(2, sizeof *p->cols);
        if (!p->cols) {
            sqlerr_oom(err);
            goto fail;
        }
        snprintf(p->cols[0].name, sizeof p->cols[0].name, "QUERY PLAN");
        p->cols[0].type_oid = sqlval_type_oid(SQLVAL_TEXT);
        p->cols[0].typlen = -1;
        p->cols[0].typmod = -1;
        return SQL_OK;
    }
    if (st->kind == SQLAST_SELECT) {
        /* the relational engine (sqlplan.h) */
        if (sqlplan_build(s, st, NULL, &p->qp, err)) goto fail;
        const sqlplan_query *q = p->qp->q;
        p->ncols = p->ntargets = q->ncols;
        p->cols = calloc((size_t)q->ncols + 1, sizeof *p->cols);
        if (!p->cols) {
            sqlerr_oom(err);
            goto fail;
        }
        memcpy(p->cols, q->cols, (size_t)q->ncols * sizeof *p->cols);
        return SQL_OK;
    }
    if (table_for(s, p, st, err)) goto fail;
    const sqlschema_table *t = p->table;
    if ((st->kind == SQLAST_INSERT || st->kind == SQLAST_UPDATE) && plan_checks(p, err)) goto fail;
    /* the names and subqueries of the statement's expressions (sqlplan.h); UPDATE ... FROM and
     * DELETE ... USING bind and place their WHERE there */
    if (sqlplan_dml(s, st, t, &p->dp, &p->dsc, err)) goto fail;
    sqlexpr_scope sc = p->dsc;
    sc.clause = "WHERE";
    if (st->where && !st->nfrom && sqlexpr_bind(st->where, &sc, SQLVAL_BOOL, err)) goto fail;
    switch (st->kind) {
    case SQLAST_INSERT: {
        if (st->select) {
            if (sqlplan_build(s, st->select, st, &p->qp, err)) goto fail;
            p->nqcols = p->qp->q->ncols;
        }
        int nsrc = st->select ? p->nqcols : st->nvalues;
        int nv = st->insert_cols ? st->ninsert_cols : nsrc;
        if (nv > sqlschema_visible_columns(t)) { /* the plan holds a copy of the table: freed */
            sqlerr_set(err, "42601", st->location,
                       "INSERT has more expressions than target columns");
            goto fail;
        }
        p->ninsert = nv;
        p->insert_map = calloc((size_t)nv + 1, sizeof *p->insert_map);
        if (!p->insert_map) {
            sqlerr_oom(err);
            goto fail;
        }
        for (int i = 0, vis = 0; i < nv; i++) {
            int ci;
            if (st->insert_cols) {
                ci = sqlschema_find_column(t, st->insert_cols[i]);
                if (ci >= 0 && t->cols[ci].hidden) {
                    sqlerr_set(err, "428C9", st->location, "cannot insert a non-DEFAULT value into column \"%s\"",
                               t->cols[ci].name);
                    sqlerr_detail(err, "Column \"%s\" is the row id of a table without a primary key.",
                                  t->cols[ci].name);
                    goto fail;
                }
            } else { /* the i-th visible column */
                ci = vis;
                while (ci < t->ncols && t->cols[ci].hidden) ci++;
                vis = ci + 1;
            }
            if (ci < 0) {
                sqlerr_set(err, "42703", st->location,
                           "column \"%s\" of relation \"%s\" does not exist", st->insert_cols[i],
                           t->name);
                goto fail;
            }
            p->insert_map[i] = ci;
        }
        if (nsrc > nv) {
            sqlerr_set(err, "42601", st->location,
                       "INSERT has more expressions than target columns");
            goto fail;
        }
        if (st->select && nsrc < nv) {
            sqlerr_set(err, "42601", st->location,
                       "INSERT has more target columns than expressions");
            goto fail;
        }
        sqlexpr_scope vs = {.stmt = st, .clause = "VALUES", .top = st, .planner = sc.planner,
                            .outer_ref = sc.outer_ref};
        for (int r = 0; r < st->nrows; r++)
            for (int c = 0; c < st->nvalues; c++)
                if (st->rows[r][c] &&
                    (sqlexpr_bind(st->rows[r][c], &vs, write_type(&t->cols[p->insert_map[c]]), err) ||
                     sqlwrite_assign_check(st->rows[r][c], write_type(&t->cols[p->insert_map[c]]),
                                           &t->cols[p->insert_map[c]], err)))
                    goto fail;
        if (st->on_conflict == SQLAST_CONFLICT_UPDATE) {
            p->setops = calloc((size_t)st->nconflict_set + 1, sizeof *p->setops);
            if (!p->setops) {
                sqlerr_oom(err);
                goto fail;
            }
            sqlexpr_scope us = sc;
            us.allow_excluded = true;
            us.clause = "UPDATE";
            for (int i = 0; i < st->nconflict_set; i++) {
                int ci = sqlschema_find_column(t, st->conflict_set[i].name);
                if (ci < 0) {
                    sqlerr_set(err, "42703", st->conflict_set[i].location,
                               "column \"%s\" of relation \"%s\" does not exist",
                               st->conflict_set[i].name, t->name);
                    goto fail;
                }
                if (sqlwrite_classify(t, ci, st->conflict_set[i].expr, &us, &p->setops[i], err))
                    goto fail;
            }
            p->nsetops = st->nconflict_set;
            if (st->conflict_where && sqlexpr_bind(st->conflict_where, &us, SQLVAL_BOOL, err))
                goto fail;
        }
        if (st->ntargets && plan_targets(p, st, err)) goto fail;
        break;
    }
    case SQLAST_UPDATE: {
        p->setops = calloc((size_t)st->nset + 1, sizeof *p->setops);
        if (!p->setops) {
            sqlerr_oom(err);
            goto fail;
        }
        sqlexpr_scope us = sc;
        us.clause = "UPDATE";
        for (int i = 0; i < st->nset; i++) {
            int ci = sqlschema_find_column(t, st->set[i].name);
            if (ci < 0) {
                sqlerr_set(err, "42703", st->set[i].location,
                           "column \"%s\" of relation \"%s\" does not exist", st->set[i].name,
                           t->name);
                goto fail;
            }
            if (sqlwrite_classify(t, ci, st->set[i].expr, &us, &p->setops[i], err)) goto fail;
        }
        p->nsetops = st->nset;
        if (st->ntargets && plan_targets(p, st, err)) goto fail;
        break;
    }
    case SQLAST_DELETE:
        if (st->ntargets && plan_targets(p, st, err)) goto fail;
        break;
    default: break;
    }
    /* the target's columns the statement reads, for its privilege check at each execution */
    if (!(p->reads = sqlplan_dml_reads(p->dp, t->ncols))) {
        sqlerr_oom(err);
        goto fail;
    }
    return SQL_OK;
fail:
    sqlrun_plan_free(p);
    return SQL_ERR;
}

/* ---- DDL ---------------------------------------------------------------------------------- */

/* ---- sequences (the values: sqlexec.c "sequences") ---- */

/* PostgreSQL's ChooseRelationName for table_column_seq: the parts cut to fit 63 bytes, then a
 * number appended until the name is free. */
static void seq_name(sx_session *s, uint32_t nsp, const char *table, const char *col, char *out, size_t n)
{
    for (int pass = 0; pass < 1000; pass++) {
        char suffix[16];
        snprintf(suffix, sizeof suffix, pass ? "seq%d" : "seq", pass);
        size_t tl = strlen(table), cl = strlen(col), room = 63 - strlen(suffix) - 2;
        while (tl + cl > room) { /* shorten the longer part, as makeObjectName */
            if (tl > cl) tl--;
            else cl--;
        }
        snprintf(out, n, "%.*s_%.*s_%s", (int)tl, table, (int)cl, col, suffix);
        if (!sx_table_find_in(s, nsp, out)) return;
    }
}

/* A new sequence named name (its name part) in schema nsp. */
static int new_sequence(sx_session *s, const char *name, uint32_t nsp, const sqlast_stmt *opts,
                        int type_len, sqlschema_table **out, sqlerr *err)
{
    uint32_t id = sx_table_new_id(s);
    if (!id) return sqlerr_set(err, "54000", -1, "this node has created its maximum of 65535 relations");
    if (sqlschema_seq_new(sqlast_relname(name), id, opts, type_len, s->x->seq_stride, out, err))
        return SQL_ERR;
    (*out)->nsp = nsp;
    if (sx_catalog_change(s, false, *out, (*out)->id, (*out)->name)) {
        sqlschema_free(*out);
        return sqlerr_oom(err);
    }
    return SQL_OK;
}

/* A serial, identity or DEFAULT nextval(...) column of t (in the transaction already). */
static int column_sequence(sx_session *s, sqlschema_table *t, sqlschema_column *c,
                           const sqlast_coldef *d, sqlerr *err)
{
    const char *target = sqlschema_nextval_arg(d->def);
    if (target && !d->serial && !d->identity) {
        sqlval v;
        sqlval_init_null(&v, SQLVAL_INT8);
        const sqlschema_table *q = NULL;
        char name[SQLSCHEMA_NAME_MAX * 4 + 4];
        if (sx_regclass_key(target, name, sizeof name))
            return sqlerr_set(err, "42602", d->def->location, "invalid name syntax");
        q = sx_table_find(s, name);
        if (!q)
            return sqlerr_set(err, "42P01", d->def->nargs ? d->def->args[0]->location : -1,
                              "relation \"%s\" does not exist", target);
        if (!q->seq) return sqlerr_set(err, "42809", d->def->location, "\"%s\" is not a sequence", target);
        c->default_seq = q->id;
        return SQL_OK;
    }
    char name[64];
    uint32_t nsp = sqlschema_nsp(t);
    if (d->seqopts && d->seqopts->seq_name) { /* SEQUENCE NAME (pg_dump's identities) */
        const char *sn = d->seqopts->seq_name;
        if (strchr(sn, SQLAST_QUAL) && sx_creation_nsp(s, sn, &nsp, err)) return SQL_ERR;
        if (sx_table_find_in(s, nsp, sqlast_relname(sn)))
            return sqlerr_set(err, "42P07", -1, "relation \"%s\" already exists", sqlast_relname(sn));
        snprintf(name, sizeof name, "%s", sqlast_relname(sn));
    } else {
        seq_name(s, nsp, t->name, c->name, name, sizeof name);
    }
    sqlast_stmt opts;
    memset(&opts, 0, sizeof opts);
    opts.seqopts = d->seqopts;
    int len = c->type == SQLVAL_INT2 ? 2 : c->type == SQLVAL_INT4 ? 4 : 8;
    sqlschema_table *q;
    if (new_sequence(s, name, nsp, &opts, len, &q, err)) return SQL_ERR;
    q->seq->owner_table = t->id;
    q->seq->owner_col = c->id;
    c->default_seq = q->id;
    return SQL_OK;
}

static int run_create_seq(sx_session *s, sqlast_stmt *st, sx_result *res, sqlerr *err)
{
    snprintf(res->tag, sizeof res->tag, "CREATE SEQUENCE");
    uint32_t nsp;
    if (sx_creation_nsp(s, st->table, &nsp, err)) return SQL_ERR;
    const char *rel = sqlast_relname(st->table);
    if (sx_table_find_in(s, nsp, rel)) {
        if (st->missing_ok)
            return sqlrun_notice(res, "42P07", err, "relation \"%s\" already exists, skipping", rel);
        return sqlerr_set(err, "42P07", -1, "relation \"%s\" already exists", rel);
    }
    sqlschema_table *q;
    if (new_sequence(s, st->table, nsp, st, st->seqopts ? st->seqopts->type_len : 0, &q, err))
        return SQL_ERR;
    const sqlast_seqopts *o = st->seqopts;
    if (o && o->has_owned && !o->owned_none) {
        const sqlschema_table *t = sx_table_find(s, o->owned_table);
        int ci = t ? sqlschema_find_column(t, o->owned_col) : -1;
        if (!t || t->seq || t->view_sql)
            return sqlerr_set(err, "42P01", -1, "relation \"%s\" does not exist", o->owned_table);
        if (ci < 0)
            return sqlerr_set(err, "42703", -1, "column \"%s\" of relation \"%s\" does not exist",
                              o->owned_col, o->owned_table);
        q->seq->owner_table = t->id;
        q->seq->owner_col = t->cols[ci].id;
    }
    return SQL_OK;
}

/* ALTER SEQUENCE: new parameters; any change of the numbering restarts every region at the
 * point PostgreSQL would go on from (RESTART's value, else after this session's view of the
 * last value given here). */
static int run_alter_seq(sx_session *s, sqlast_stmt *st, sx_result *res, sqlerr *err)
{
    snprintf(res->tag, sizeof res->tag, "ALTER SEQUENCE");
    const sqlschema_table *cur = sx_table_find(s, st->table);
    if (!cur) {
        if (st->missing_ok)
            return sqlrun_notice(res, "00000", err, "relation \"%s\" does not exist, skipping",
                                 st->table);
        return sqlerr_set(err, "42P01", -1, "relation \"%s\" does not exist", st->table);
    }
    if (!cur->seq) return sqlerr_set(err, "42809", -1, "\"%s\" is not a sequence", st->table);
    sqlschema_table *t;
    if (sqlschema_copy(cur, &t, err)) return SQL_ERR;
    const sqlast_seqopts *o = st->seqopts;
    sqlschema_seq before = *t->seq;
    if (sqlschema_seq_alter(t, st, err)) goto fail;
    if (o->has_owned) {
        t->seq->owner_table = 0;
        t->seq->owner_col = 0;
        if (!o->owned_none) {
            const sqlschema_table *ot = sx_table_find(s, o->owned_table);
            int ci = ot ? sqlschema_find_column(ot, o->owned_col) : -1;
            if (!ot || ot->seq || ot->view_sql) {
                sqlerr_set(err, "42P01", -1, "relation \"%s\" does not exist", o->owned_table);
                goto fail;
            }
            if (ci < 0) {
                sqlerr_set(err, "42703", -1, "column \"%s\" of relation \"%s\" does not exist",
                           o->owned_col, o->owned_table);
                goto fail;
            }
            t->seq->owner_table = ot->id;
            t->seq->owner_col = ot->cols[ci].id;
        }
    }
    bool renumber = o->has_restart || t->seq->increment != before.increment ||
                    t->seq->start != before.start || t->seq->min != before.min ||
                    t->seq->max != before.max || t->seq->type_len != before.type_len;
    if (renumber) {
        int64_t v = t->seq->restart_value;
        bool called = false;
        if (!o->has_restart) { /* go on after the last value this session saw, else the start */
            v = t->seq->start;
            for (int i = 0; i < s->nseqvals; i++)
                if (s->seqvals[i].id == t->id) {
                    v = s->seqvals[i].v;
                    called = true;
                }
        }
        t->seq->restart_gen = sx_clock_now(s->x);
        t->seq->restart_value = v;
        t->seq->restart_called = called;
    }
    if (sx_catalog_change(s, false, t, t->id, t->name)) {
        sqlschema_free(t);
        return sqlerr_oom(err);
    }
    return SQL_OK;
fail:
    sqlschema_free(t);
    return SQL_ERR;
}

/* DEFAULT nextval(seq) of column col: the next value, in the column's type (22003 when it
 * does not fit, as PostgreSQL's assignment cast). */
static int default_next(sx_session *s, const sqlschema_table *t, const sqlschema_column *col,
                        sqlval *out, sqlerr *err)
{
    const sqlschema_table *q = sx_table_by_id(s, col->default_seq);
    if (!q || !q->seq)
        return sqlerr_set(err, "42P01", -1, "the sequence of column \"%s\" of relation \"%s\" no longer exists",
                          col->name, t->name);
    int64_t v;
    /* serial: the sequence's USAGE, as PostgreSQL checks nextval(); an identity column's
     * sequence is the table's own business */
    if (!col->identity && sx_seq_priv_check(s, q, SQLPRIV_USAGE | SQLPRIV_UPDATE, err)) return SQL_ERR;
    if (sx_seq_next(s, q, &v, err)) return SQL_ERR;
    sqlval x;
    sqlval_set_int(&x, SQLVAL_INT8, v);
    sqlval_free(out);
    return sqlval_cast(&x, col->type, out, err);
}

static int run_create(sx_session *s, sqlast_stmt *st, sx_result *res, sqlerr *err)
{
    uint32_t nsp;
    if (sx_creation_nsp(s, st->table, &nsp, err)) return SQL_ERR;
    const char *rel = sqlast_relname(st->table);
    if (sx_table_find_in(s, nsp, rel)) {
        if (st->missing_ok) {
            snprintf(res->tag, sizeof res->tag, "CREATE TABLE");
            return sqlrun_notice(res, "42P07", err, "relation \"%s\" already exists, skipping", rel);
        }
        return sqlerr_set(err, "42P07", -1, "relation \"%s\" already exists", rel);
    }
    if (sqlrun_enum_coldefs(s, st->cols, st->ncols, err)) return SQL_ERR;
    for (int i = 0; i < st->npk; i++) /* PRIMARY KEY (a, b): no enum column among them */
        for (int c = 0; c < st->ncols; c++)
            if (!strcmp(st->cols[c].name, st->pk[i]) && !strncmp(st->cols[c].type_name, "enum:", 5))
                return sqlerr_unsupported(err, -1, "an enum column in a primary key");
    for (int c = 0; c < st->ncols; c++) { /* keys sort as text: not in network order */
        bool pk = st->cols[c].primary_key;
        for (int i = 0; i < st->npk && !pk; i++) pk = !strcmp(st->cols[c].name, st->pk[i]);
        if (pk && (!strcmp(st->cols[c].type_name, "inet") || !strcmp(st->cols[c].type_name, "cidr")))
            return sqlerr_unsupported(err, st->cols[c].location, "an inet or cidr column in a primary key");
    }
    sqlschema_table *t;
    uint32_t id = sx_table_new_id(s);
    if (!id)
        return sqlerr_set(err, "54000", st->location,
                          "this node has created its maximum of 65535 tables");
    if (sqlschema_from_create(st, id, &t, err)) return SQL_ERR;
    t->nsp = nsp;
    for (int i = 0; i < st->nfks; i++) {
        sqlschema_fk fk;
        if (fk_resolve(s, t, &st->fks[i], &fk, err) || fk_add(t, &fk, err)) {
            sqlschema_free(t);
            return SQL_ERR;
        }
    }
    for (int i = 0; i < st->nchecks; i++)
        if (sqlschema_add_check(t, &st->checks[i], 0, true, err)) { /* its oid below */
            sqlschema_free(t);
            return SQL_ERR;
        }
    if (sx_catalog_change(s, false, t, t->id, t->name)) {
        sqlschema_free(t);
        return sqlerr_oom(err);
    }
    /* t is pending now: each key's oid comes after it (sx_table_new_id sees the ones given) */
    for (int i = 0; i < t->nfks; i++)
        if (!(t->fks[i].oid = sx_table_new_id(s)))
            return sqlerr_set(err, "54000", -1, "this node has created its maximum of 65535 relations");
    for (int i = 0; i < t->nchecks; i++)
        if (!(t->checks[i].oid = sx_table_new_id(s)))
            return sqlerr_set(err, "54000", -1, "this node has created its maximum of 65535 relations");
    /* t belongs to the transaction now; its serial / identity columns get their sequences */
    for (int i = 0; i < st->ncols; i++) {
        sqlschema_column *c = &t->cols[sqlschema_find_column(t, st->cols[i].name)];
        if (c->default_seq != SQLSCHEMA_SEQ_PENDING) continue;
        if (column_sequence(s, t, c, &st->cols[i], err)) return SQL_ERR;
    }
    if (st->nindexes && sqlrun_add_indexes(s, t, st, res, err)) return SQL_ERR;
    snprintf(res->tag, sizeof res->tag, "CREATE TABLE");
    return SQL_OK;
}

/* The canonical column type a view column of type t is listed with. */
static const char *view_type_name(sqlval_type t)
{
    switch (t) {
    case SQLVAL_BOOL: return "boolean";
    case SQLVAL_INT2: return "smallint";
    case SQLVAL_INT4: return "integer";
    case SQLVAL_INT8: return "bigint";
    case SQLVAL_FLOAT4: return "real";
    case SQLVAL_FLOAT8: return "double precision";
    case SQLVAL_NUMERIC: return "numeric";
    case SQLVAL_VARCHAR: return "character varying";
    case SQLVAL_BPCHAR: return "character";
    case SQLVAL_INET: return "inet";
    case SQLVAL_JSON: return "json";
    case SQLVAL_JSONPATH: return "jsonpath";
    case SQLVAL_CIDR: return "cidr";
    case SQLVAL_BYTEA: return "bytea";
    case SQLVAL_JSONB: return "jsonb";
    case SQLVAL_TIMESTAMPTZ: return "timestamp with time zone";
    case SQLVAL_TIMESTAMP: return "timestamp without time zone";
    case SQLVAL_DATE: return "date";
    case SQLVAL_TIME: return "time without time zone";
    case SQLVAL_INTERVAL: return "interval";
    case SQLVAL_UUID: return "uuid";
    case SQLVAL_TEXTARRAY: return "text[]";
    default: return sqlval_type_is_array(t) ? sqlval_type_name(t) : "text"; /* integer[] ... */
    }
}

/* CREATE [OR REPLACE] VIEW: the query is planned now (its columns, and its errors), stored as
 * its text in the catalog (replicated like a table's definition) and planned again wherever
 * the view is named. OR REPLACE keeps the view's id; its definition gets a higher version so a
 * concurrent region's older definition loses the catalog merge. */
static int run_create_view(sx_session *s, sqlast_stmt *st, sx_result *res, sqlerr *err)
{
    uint32_t nsp;
    if (sx_creation_nsp(s, st->table, &nsp, err)) return SQL_ERR;
    const char *rel = sqlast_relname(st->table);
    const sqlschema_table *old = sx_table_find_in(s, nsp, rel);
    if (old && (!st->missing_ok || !old->view_sql))
        return sqlerr_set(err, "42P07", -1, "relation \"%s\" already exists", rel);
    if (strlen(rel) > SQLSCHEMA_NAME_MAX)
        return sqlerr_set(err, "42622", -1, "view name \"%s\" is too long", rel);
    /* its names resolve in the schemas they resolve in now, wherever it is used */
    uint32_t path[SQLSCHEMA_PATH_MAX];
    int npath = sx_search_path(s, path, SQLSCHEMA_PATH_MAX);
    sqlplan *qp = NULL;
    if (sqlplan_build(s, st->select, st, &qp, err)) return SQL_ERR;
    const sqlplan_query *q = qp->q;
    int rc = SQL_ERR;
    sqlschema_table *t = NULL;
    if (st->nparams) {
        sqlerr_set(err, "42P02", -1, "there is no parameter $1");
        goto out;
    }
    if (st->ninsert_cols > q->ncols) {
        sqlerr_set(err, "42601", -1, "CREATE VIEW specifies more column names than columns");
        goto out;
    }
    if (q->ncols > SQLSCHEMA_MAX_COLUMNS) {
        sqlerr_set(err, "54011", -1, "views can have at most %d columns", SQLSCHEMA_MAX_COLUMNS);
        goto out;
    }
    if (old) { /* OR REPLACE keeps the columns a view had: it may only add new ones after them */
        if (q->ncols < old->ncols) {
            sqlerr_set(err, "42P16", -1, "cannot drop columns from view");
            goto out;
        }
        for (int i = 0; i < old->ncols; i++) {
            const char *nm = i < st->ninsert_cols ? st->insert_cols[i] : q->cols[i].name;
            if (strcmp(nm, old->cols[i].name)) {
                sqlerr_set(err, "42P16", -1, "cannot change name of view column \"%s\" to \"%s\"",
                           old->cols[i].name, nm);
                sqlerr_hint(err, "Use ALTER VIEW ... RENAME COLUMN ... to change name of view column instead.");
                goto out;
            }
            if (strcmp(view_type_name(q->types[i]), old->cols[i].type_name)) {
                sqlerr_set(err, "42P16", -1, "cannot change data type of view column \"%s\" from %s to %s",
                           old->cols[i].name, old->cols[i].type_name, view_type_name(q->types[i]));
                goto out;
            }
        }
    }
    uint32_t id = old ? old->id : sx_table_new_id(s);
    if (!id) {
        sqlerr_set(err, "54000", -1, "this node has created its maximum of 65535 tables");
        goto out;
    }
    if (!(t = calloc(1, sizeof *t)) || !(t->cols = calloc((size_t)q->ncols + 1, sizeof *t->cols)) ||
        !(t->name = strdup(rel)) || !(t->view_sql = strdup(st->value)) ||
        !(t->view_path = malloc(((size_t)npath + 1) * sizeof *t->view_path))) {
        sqlerr_oom(err);
        goto out;
    }
    t->id = id;
    t->nsp = nsp;
    memcpy(t->view_path, path, (size_t)npath * sizeof *path);
    t->nview_path = npath;
    for (int i = 0; i < q->ncols; i++) {
        sqlschema_column *c = &t->cols[i];
        sqlval_init_null(&c->default_value, SQLVAL_UNKNOWN);
        t->ncols++;
        const char *name = i < st->ninsert_cols ? st->insert_cols[i] : q->cols[i].name;
        for (int k = 0; k < i; k++)
            if (!strcmp(t->cols[k].name, name)) {
                sqlerr_set(err, "42701", -1, "column \"%s\" specified more than once", name);
                goto out;
            }
        const char *canonical;
        if (!(c->name = strdup(name)) ||
            sqlschema_type_resolve(view_type_name(q->types[i]), &c->kind, &c->type, &canonical, err) ||
            !(c->type_name = strdup(canonical))) {
            if (!c->name || !c->type_name) sqlerr_oom(err);
            goto out;
        }
        c->id = (uint16_t)(i + 1);
        c->pk_pos = -1;
    }
    t->next_col_id = (uint16_t)((old ? old->next_col_id : 0) + q->ncols + 1);
    if (sx_catalog_change(s, false, t, t->id, t->name)) {
        sqlerr_oom(err);
        goto out;
    }
    t = NULL;
    snprintf(res->tag, sizeof res->tag, "CREATE VIEW");
    rc = SQL_OK;
out:
    sqlschema_free(t);
    sqlplan_free(qp);
    return rc;
}

/* DROP ... CASCADE's NOTICE: "drop cascades to <what>", or "drop cascades to N other
 * objects" with one DETAIL line each, as PostgreSQL reports them */
int sqlrun_cascade_notice(sx_result *res, const char *lines, int n, sqlerr *err)
{
    if (n == 0) return SQL_OK;
    if (n == 1) return sqlrun_notice(res, "00000", err, "%s", lines);
    return sqlrun_notice(res, "00000", err, "drop cascades to %d other objects\x1f%s", n, lines);
}

void sqlrun_cascade_add(char *lines, size_t cap, size_t *o, int *n, const char *fmt, ...)
{
    if (*o < cap) *o += (size_t)snprintf(lines + *o, cap - *o, "%sdrop cascades to ", *n ? "\n" : "");
    va_list ap;
    va_start(ap, fmt);
    if (*o < cap) {
        int w = vsnprintf(lines + *o, cap - *o, fmt, ap);
        if (w > 0) *o += (size_t)w;
    }
    va_end(ap);
    (*n)++;
}

/* DROP TABLE ... CASCADE: the foreign keys of other tables that reference t go (the tables
 * stay), as PostgreSQL drops the constraints */
static int drop_referencing_fks(sx_session *s, const sqlschema_table *t, const sqlast_stmt *st,
                                char *lines, size_t cap, size_t *o, int *n, sqlerr *err)
{
    const sqlschema_fk *rfk;
    const sqlschema_table *child;
    while ((child = fk_referencing(s, t, &rfk))) {
        bool dropped = false;
        for (int k = 0; k < st->nnames; k++) dropped |= !strcmp(st->names[k], child->name);
        if (dropped) { /* goes too: nothing to cascade to, but fk_referencing finds it again */
            if (lock_exclusive(s, child, err)) return SQL_ERR;
            sqlschema_table *c;
            if (sqlschema_copy(child, &c, err)) return SQL_ERR;
            for (int f = 0; f < c->nfks;)
                if (c->fks[f].ref_table == t->id) {
                    free(c->fks[f].name);
                    memmove(&c->fks[f], &c->fks[f + 1], (size_t)(c->nfks - f - 1) * sizeof *c->fks);
                    c->nfks--;
                } else {
                    f++;
                }
            if (sx_catalog_change(s, false, c, c->id, c->name)) {
                sqlschema_free(c);
                return sqlerr_oom(err);
            }
            continue;
        }
        if (!st->cascade) { /* every constraint that depends on t, one line each */
            char detail[SQLERR_DETAIL_MAX];
            size_t dl = 0;
            detail[0] = 0;
            for (int k = 0; k < s->x->ntables + s->txn.ncat; k++) {
                const sqlschema_table *q = k < s->x->ntables ? s->x->tables[k]
                                           : s->txn.cat[k - s->x->ntables].drop ? NULL
                                           : s->txn.cat[k - s->x->ntables].table;
                const sqlschema_table *u = q ? sx_table_find_in(s, sx_table_nsp(s, q), q->name) : NULL;
                if (!u || u->id != q->id || u->id == t->id || (k >= s->x->ntables && u != q)) continue;
                bool gone = false;
                for (int x = 0; x < st->nnames; x++) {
                    const sqlschema_table *g = sx_table_find(s, st->names[x]);
                    gone |= g && g->id == u->id;
                }
                char un[SQLSCHEMA_NAME_MAX * 2 + 4], tn[SQLSCHEMA_NAME_MAX * 2 + 4];
                sx_display_name(s, u, un, sizeof un);
                sx_display_name(s, t, tn, sizeof tn);
                for (int f = 0; !gone && f < u->nfks && dl < sizeof detail; f++)
                    if (u->fks[f].ref_table == t->id) {
                        int w = snprintf(detail + dl, sizeof detail - dl, "%sconstraint %s on table %s depends on table %s",
                                         dl ? "\n" : "", u->fks[f].name, un, tn);
                        if (w > 0) dl += (size_t)w;
                    }
            }
            if (st->nnames > 1)
                sqlerr_set(err, "2BP01", -1, "cannot drop desired object(s) because other objects depend on them");
            else
                sqlerr_set(err, "2BP01", -1, "cannot drop table %s because other objects depend on it", t->name);
            sqlerr_detail(err, "%s", detail);
            sqlerr_hint(err, "Use DROP ... CASCADE to drop the dependent objects too.");
            return SQL_ERR;
        }
        if (lock_exclusive(s, child, err)) return SQL_ERR;
        sqlschema_table *c;
        if (sqlschema_copy(child, &c, err)) return SQL_ERR;
        char cn[SQLSCHEMA_NAME_MAX * 2 + 4];
        sx_display_name(s, child, cn, sizeof cn);
        for (int f = 0; f < c->nfks;)
            if (c->fks[f].ref_table == t->id) {
                sqlrun_cascade_add(lines, cap, o, n, "constraint %s on table %s", c->fks[f].name, cn);
                free(c->fks[f].name);
                memmove(&c->fks[f], &c->fks[f + 1], (size_t)(c->nfks - f - 1) * sizeof *c->fks);
                c->nfks--;
            } else {
                f++;
            }
        if (sx_catalog_change(s, false, c, c->id, c->name)) {
            sqlschema_free(c);
            return sqlerr_oom(err);
        }
    }
    return SQL_OK;
}

/* ---- what a view reads: the relations its query names (FROM items, joins, subqueries in FROM
 * and in expressions, set operations, CTEs), resolved as the view resolves them (its path); a
 * CTE of a relation's name counts too (it errs towards refusing a DROP) */
typedef struct reads_ctx {
    sx_session *s;
    uint32_t id; /* the relation looked for (0: collect every one into ids instead) */
    uint32_t *ids;
    int nids, cap;
} reads_ctx;

static bool stmt_reads(const reads_ctx *rc, const sqlast_stmt *q, int depth);

static bool expr_reads(const reads_ctx *rc, const sqlast_expr *e, int depth)
{
    if (!e || depth > 64) return false;
    if (e->sub && stmt_reads(rc, e->sub, depth + 1)) return true;
    for (int i = 0; i < e->nargs; i++)
        if (expr_reads(rc, e->args[i], depth + 1)) return true;
    return false;
}

static bool from_reads(const reads_ctx *rc, const sqlast_from *f, int depth)
{
    if (!f || depth > 64) return false;
    if (f->kind == SQLAST_FROM_REL && f->name) {
        const sqlschema_table *t = sx_table_find_q(rc->s, f->schema, f->name);
        if (t && t->id == rc->id) return true;
        if (t && !rc->id && rc->nids < rc->cap) {
            bool seen = false;
            for (int i = 0; i < rc->nids; i++) seen |= rc->ids[i] == t->id;
            if (!seen) ((reads_ctx *)rc)->ids[((reads_ctx *)rc)->nids++] = t->id;
        }
    }
    if (f->sub && stmt_reads(rc, f->sub, depth + 1)) return true;
    if (f->func && expr_reads(rc, f->func, depth + 1)) return true;
    if (f->quals && expr_reads(rc, f->quals, depth + 1)) return true;
    return from_reads(rc, f->larg, depth + 1) || from_reads(rc, f->rarg, depth + 1);
}

static bool stmt_reads(const reads_ctx *rc, const sqlast_stmt *q, int depth)
{
    if (!q || depth > 64) return false;
    for (int i = 0; i < q->nfrom; i++)
        if (from_reads(rc, q->from[i], depth + 1)) return true;
    for (int i = 0; i < q->nctes; i++)
        if (stmt_reads(rc, q->ctes[i].query, depth + 1)) return true;
    if (stmt_reads(rc, q->larg, depth + 1) || stmt_reads(rc, q->rarg, depth + 1)) return true;
    for (int i = 0; i < q->ntargets; i++)
        if (expr_reads(rc, q->targets[i].expr, depth + 1)) return true;
    return expr_reads(rc, q->where, depth + 1) || expr_reads(rc, q->having, depth + 1);
}

/* Whether view v reads relation t. */
static bool view_reads(sx_session *s, const sqlschema_table *v, const sqlschema_table *t)
{
    sqlparse_result pr;
    sqlerr perr;
    if (!v->view_sql || sqlparse_query(v->view_sql, &pr, &perr)) return false;
    reads_ctx rc = {.s = s, .id = t->id};
    sx_vpath_saved sv;
    sx_vpath_enter(s, v, &sv);
    bool r = pr.nstmts == 1 && stmt_reads(&rc, pr.stmts[0]->select ? pr.stmts[0]->select : pr.stmts[0], 0);
    sx_vpath_leave(s, &sv);
    sqlparse_result_free(&pr);
    return r;
}

int sqlrun_view_reads(sx_session *s, const sqlschema_table *v, uint32_t *ids, int cap)
{
    sqlparse_result pr;
    sqlerr perr;
    if (!v->view_sql || sqlparse_query(v->view_sql, &pr, &perr)) return 0;
    reads_ctx rc = {.s = s, .ids = ids, .cap = cap};
    sx_vpath_saved sv;
    sx_vpath_enter(s, v, &sv);
    if (pr.nstmts == 1) stmt_reads(&rc, pr.stmts[0]->select ? pr.stmts[0]->select : pr.stmts[0], 0);
    sx_vpath_leave(s, &sv);
    sqlparse_result_free(&pr);
    return rc.nids;
}

/* The views (as the session sees them) that read relation t, other than those the DROP names
 * itself; n of them into out (cap) */
static int views_reading(sx_session *s, const sqlschema_table *t, const sqlast_stmt *st,
                         const sqlschema_table **out, int cap)
{
    int n = 0;
    const sqlschema_table **v;
    int nv;
    if (sx_catalog_view(s, &v, &nv)) return -1;
    for (int i = 0; i < nv && n < cap; i++) {
        if (!v[i]->view_sql || v[i]->id == t->id) continue;
        bool named = false;
        for (int k = 0; k < st->nnames; k++) {
            const sqlschema_table *d = sx_table_find(s, st->names[k]);
            named |= d && d->id == v[i]->id;
        }
        if (!named && view_reads(s, v[i], t)) out[n++] = v[i];
    }
    free(v);
    return n;
}

/* PostgreSQL's DETAIL of a refused DROP: each view that reads t, then (depth first) the views
 * that read it */
static void dependents_detail(sx_session *s, const sqlschema_table *t, const sqlast_stmt *st,
                              char *detail, size_t cap, size_t *dl, int depth)
{
    const sqlschema_table *dep[64];
    int nd = depth > 16 ? 0 : views_reading(s, t, st, dep, 64);
    for (int i = 0; i < nd && *dl < cap; i++) {
        char dn[SQLSCHEMA_NAME_MAX * 2 + 4], tn[SQLSCHEMA_NAME_MAX * 2 + 4];
        sx_display_name(s, dep[i], dn, sizeof dn);
        sx_display_name(s, t, tn, sizeof tn);
        int w = snprintf(detail + *dl, cap - *dl, "%sview %s depends on %s %s", *dl ? "\n" : "",
                         dn, t->view_sql ? "view" : "table", tn);
        if (w > 0) *dl += (size_t)w;
        dependents_detail(s, dep[i], st, detail, cap, dl, depth + 1);
    }
}

/* DROP of relation t: the views that read it refuse it (2BP01, PostgreSQL's DETAIL), or with
 * CASCADE go first, and the views that read them, down the chain */
static int drop_dependent_views(sx_session *s, const sqlschema_table *t, const sqlast_stmt *st,
                                char *lines, size_t cap, size_t *o, int *n, sqlerr *err)
{
    const sqlschema_table *dep[64];
    int nd = views_reading(s, t, st, dep, 64);
    if (nd < 0) return sqlerr_oom(err);
    if (!nd) return SQL_OK;
    const char *kind = t->view_sql ? "view" : "table";
    if (!st->cascade) {
        char detail[SQLERR_DETAIL_MAX];
        size_t dl = 0;
        detail[0] = 0;
        dependents_detail(s, t, st, detail, sizeof detail, &dl, 0);
        if (st->nnames > 1)
            sqlerr_set(err, "2BP01", -1, "cannot drop desired object(s) because other objects depend on them");
        else
            sqlerr_set(err, "2BP01", -1, "cannot drop %s %s because other objects depend on it", kind, t->name);
        sqlerr_detail(err, "%s", detail);
        sqlerr_hint(err, "Use DROP ... CASCADE to drop the dependent objects too.");
        return SQL_ERR;
    }
    for (int i = 0; i < nd; i++) {
        char vname[SQLSCHEMA_NAME_MAX * 2 + 2], shown[SQLSCHEMA_NAME_MAX * 2 + 4];
        sx_qualified(s, dep[i], vname, sizeof vname);
        sx_display_name(s, dep[i], shown, sizeof shown);
        const sqlschema_table *v = sx_table_find(s, vname);
        if (!v) continue; /* gone down an earlier chain */
        sqlrun_cascade_add(lines, cap, o, n, "view %s", shown);
        if (drop_dependent_views(s, v, st, lines, cap, o, n, err)) return SQL_ERR;
        v = sx_table_find(s, vname);
        if (v && sx_catalog_change(s, true, NULL, v->id, v->name)) return sqlerr_oom(err);
    }
    return SQL_OK;
}

int sqlrun_drop_relations(sx_session *s, sqlast_stmt *st, sx_result *res, sqlerr *err)
{
    const char *what = st->is_view ? "view" : st->is_sequence ? "sequence" : "table";
    char lines[SQLERR_DETAIL_MAX];
    size_t lo = 0;
    int nlines = 0;
    lines[0] = 0;
    for (int i = 0; i < st->nnames; i++) {
        const sqlschema_table *t = sx_table_find(s, st->names[i]);
        if (!t) {
            if (st->missing_ok) {
                if (sqlrun_notice(res, "00000", err, "%s \"%s\" does not exist, skipping", what,
                                  st->names[i]))
                    return SQL_ERR;
                continue;
            }
            return sqlerr_set(err, "42P01", -1, "%s \"%s\" does not exist", what,
                              st->names[i]);
        }
        if ((t->view_sql != NULL) != st->is_view || (t->seq != NULL) != st->is_sequence) {
            sqlerr_set(err, "42809", -1, "\"%s\" is not a %s", st->names[i], what);
            sqlerr_hint(err, "Use DROP %s to remove a %s.",
                        t->view_sql ? "VIEW" : t->seq ? "SEQUENCE" : "TABLE",
                        t->view_sql ? "view" : t->seq ? "sequence" : "table");
            return SQL_ERR;
        }
        if (t->seq) { /* a column's DEFAULT uses it: PostgreSQL refuses without CASCADE */
            char detail[SQLERR_DETAIL_MAX];
            size_t dl = 0;
            detail[0] = 0;
            for (int k = 0; k < s->x->ntables; k++) {
                const sqlschema_table *u = sx_table_find_in(s, sx_table_nsp(s, s->x->tables[k]), s->x->tables[k]->name);
                for (int c = 0; u && u->id == s->x->tables[k]->id && c < u->ncols; c++)
                    if (u->cols[c].default_seq == t->id && dl < sizeof detail) {
                        int w = snprintf(detail + dl, sizeof detail - dl,
                                         "%sdefault value for column %s of table %s depends on sequence %s",
                                         dl ? "\n" : "", u->cols[c].name, u->name, t->name);
                        if (w > 0) dl += (size_t)w;
                    }
            }
            if (dl && st->cascade) { /* the defaults go */
                for (int k = 0; k < s->x->ntables + s->txn.ncat; k++) {
                    const sqlschema_table *q = k < s->x->ntables ? s->x->tables[k]
                                               : s->txn.cat[k - s->x->ntables].drop ? NULL
                                               : s->txn.cat[k - s->x->ntables].table;
                    const sqlschema_table *u = q ? sx_table_find_in(s, sx_table_nsp(s, q), q->name) : NULL;
                    if (!u || u->id != q->id || u == t) continue;
                    bool uses = false;
                    for (int c = 0; c < u->ncols; c++) uses |= u->cols[c].default_seq == t->id;
                    if (!uses) continue;
                    if (lock_exclusive(s, u, err)) return SQL_ERR;
                    sqlschema_table *nu;
                    if (sqlschema_copy(u, &nu, err)) return SQL_ERR;
                    for (int c = 0; c < nu->ncols; c++)
                        if (nu->cols[c].default_seq == t->id) {
                            sqlrun_cascade_add(lines, sizeof lines, &lo, &nlines,
                                        "default value for column %s of table %s", nu->cols[c].name, nu->name);
                            nu->cols[c].default_seq = 0;
                            nu->cols[c].has_default = false;
                            nu->cols[c].identity = 0;
                        }
                    if (sx_catalog_change(s, false, nu, nu->id, nu->name)) {
                        sqlschema_free(nu);
                        return sqlerr_oom(err);
                    }
                }
                dl = 0;
            }
            if (dl) {
                sqlerr_set(err, "2BP01", -1,
                           "cannot drop sequence %s because other objects depend on it", t->name);
                sqlerr_detail(err, "%s", detail);
                sqlerr_hint(err, "Use DROP ... CASCADE to drop the dependent objects too.");
                return SQL_ERR;
            }
        }
        if (!t->seq && !t->view_sql &&
            drop_referencing_fks(s, t, st, lines, sizeof lines, &lo, &nlines, err))
            return SQL_ERR;
        t = sx_table_find(s, st->names[i]); /* a self-reference may have changed it */
        if (!t) continue;
        if (!t->seq && drop_dependent_views(s, t, st, lines, sizeof lines, &lo, &nlines, err))
            return SQL_ERR;
        t = sx_table_find(s, st->names[i]);
        if (!t) continue;
        uint32_t tid = t->id;
        if (!t->view_sql && !t->seq && sqlrun_indexes_drop(s, tid, 0, err)) return SQL_ERR;
        if (sx_catalog_change(s, true, NULL, t->id, t->name)) return sqlerr_oom(err);
        /* the sequences its serial and identity columns own go with it */
        for (int k = 0; k < s->x->ntables + s->txn.ncat; k++) {
            const sqlschema_table *q = k < s->x->ntables ? s->x->tables[k]
                                       : s->txn.cat[k - s->x->ntables].drop ? NULL
                                       : s->txn.cat[k - s->x->ntables].table;
            if (!q || !q->seq || q->seq->owner_table != tid) continue;
            const sqlschema_table *live = sx_table_find_in(s, sx_table_nsp(s, q), q->name);
            if (live && live->id == q->id &&
                sx_catalog_change(s, true, NULL, live->id, live->name))
                return sqlerr_oom(err);
        }
    }
    snprintf(res->tag, sizeof res->tag,
             st->is_view ? "DROP VIEW" : st->is_sequence ? "DROP SEQUENCE" : "DROP TABLE");
    return sqlrun_cascade_notice(res, lines, nlines, err);
}

/* ALTER TABLE ADD/DROP COLUMN: a new definition of the same table id. Column ids are never
 * reused, so rows written before the change stay meaningful: a dropped column's CRDT state is
 * ignored by readers, an added column reads as NULL (or its CRDT's empty value) in old rows
 * (its DEFAULT applies to rows inserted afterwards: existing rows are not rewritten). */
static int run_alter(sx_session *s, sqlast_stmt *st, sx_result *res, sqlerr *err)
{
    const sqlschema_table *cur = sx_table_find(s, st->table);
    snprintf(res->tag, sizeof res->tag, "ALTER TABLE");
    if (!cur) {
        return sqlerr_set(err, "42P01", -1, "relation \"%s\" does not exist",
                          st->table);
    }
    if (cur->view_sql) return sqlerr_set(err, "42809", -1, "\"%s\" is not a table", st->table);
    if (cur->seq) {
        sqlerr_set(err, "42809", -1, "ALTER action %s cannot be performed on relation \"%s\"",
                   st->kind == SQLAST_ALTER_ADD_COLUMN ? "ADD COLUMN" : "DROP COLUMN", st->table);
        sqlerr_detail(err, "This operation is not supported for sequences.");
        return SQL_ERR;
    }
    if (st->kind == SQLAST_ALTER_ADD_COLUMN && sqlrun_enum_coldefs(s, st->cols, st->ncols, err))
        return SQL_ERR;
    sqlschema_table *t;
    if (sqlschema_copy(cur, &t, err)) return SQL_ERR;
    int rc;
    if (st->kind == SQLAST_ALTER_ADD_COLUMN) {
        if (st->missing_ok && sqlschema_find_column(t, st->cols[0].name) >= 0) {
            sqlschema_free(t);
            return sqlrun_notice(res, "42701", err,
                                 "column \"%s\" of relation \"%s\" already exists, skipping",
                                 st->cols[0].name, st->table);
        }
        rc = sqlschema_add_column(t, &st->cols[0], err);
        int ci = rc ? -1 : sqlschema_find_column(t, st->cols[0].name);
        if (ci >= 0 && t->cols[ci].default_seq == SQLSCHEMA_SEQ_PENDING) {
            if (st->cols[0].serial || st->cols[0].identity)
                rc = sqlerr_unsupported(err, st->cols[0].location,
                                        "adding a serial or identity column to an existing table");
            else
                rc = column_sequence(s, t, &t->cols[ci], &st->cols[0], err);
        }
    } else {
        if (st->missing_ok && sqlschema_find_column(t, st->column) < 0) {
            sqlschema_free(t);
            return sqlrun_notice(res, "00000", err,
                                 "column \"%s\" of relation \"%s\" does not exist, skipping",
                                 st->column, st->table);
        }
        int dci = sqlschema_find_column(t, st->column);
        /* so do the indexes that use it */
        rc = dci >= 0 ? sqlrun_indexes_drop(s, t->id, t->cols[dci].id, err) : SQL_OK;
        if (!rc) rc = sqlschema_drop_column(t, st->column, err);
        /* the CHECKs that read the column go with it, as in PostgreSQL */
        for (int k = 0; !rc && k < t->nchecks;) {
            sqlparse_result q = {0};
            sqlerr e2;
            memset(&e2, 0, sizeof e2);
            int bad = check_parse(t, &t->checks[k], &q, &e2);
            sqlparse_result_free(&q);
            if (bad && !strcmp(e2.code, "42703")) {
                free(t->checks[k].name);
                free(t->checks[k].expr);
                memmove(&t->checks[k], &t->checks[k + 1], (size_t)(t->nchecks - k - 1) * sizeof *t->checks);
                t->nchecks--;
            } else {
                k++;
            }
        }
    }
    if (rc) {
        sqlschema_free(t);
        return SQL_ERR;
    }
    if (sx_catalog_change(s, false, t, t->id, t->name)) {
        sqlschema_free(t);
        return sqlerr_oom(err);
    }
    /* ADD COLUMN ... UNIQUE */
    if (st->kind == SQLAST_ALTER_ADD_COLUMN && st->nindexes)
        return sqlrun_add_indexes(s, t, st, res, err);
    return SQL_OK;
}

/* ALTER TABLE t ADD [CONSTRAINT c] CHECK (...): every row the table has must pass it (23514),
 * then it is recorded. */
typedef struct checkvalidate {
    const sqlexpr_ctx *base;
    const sqlast_expr *expr;
    int nrow;
    bool violated;
} checkvalidate;

static int checkvalidate_row(void *ctx, const uint8_t *pk, size_t pklen, sqlval *row,
                             const crdt_row *raw, sqlerr *err)
{
    (void)pk;
    (void)pklen;
    (void)raw;
    checkvalidate *v = ctx;
    sqlexpr_ctx c = *v->base;
    c.row = row;
    c.nrow = v->nrow;
    sqlval r;
    int rc = v->violated ? SQL_OK : sqlexpr_eval(v->expr, &c, &r, err);
    if (!rc && !v->violated) {
        v->violated = !r.isnull && r.type == SQLVAL_BOOL && !r.u.b;
        sqlval_free(&r);
    }
    vals_free(row, v->nrow);
    return rc;
}

static int run_add_check(sx_session *s, sqlast_stmt *st, const sqlexpr_ctx *base, sx_result *res,
                         sqlerr *err)
{
    snprintf(res->tag, sizeof res->tag, "ALTER TABLE");
    const sqlschema_table *cur = sx_table_find(s, st->table);
    if (!cur) return sqlerr_set(err, "42P01", -1, "relation \"%s\" does not exist", st->table);
    if (cur->view_sql || cur->seq) return sqlerr_set(err, "42809", -1, "\"%s\" is not a table", st->table);
    sqlschema_table *t;
    if (sqlschema_copy(cur, &t, err)) return SQL_ERR;
    if (sqlschema_add_check(t, &st->checks[0], 0, false, err)) {
        sqlschema_free(t);
        if (err) err->position = 0; /* PostgreSQL points at nothing in ALTER TABLE */
        return SQL_ERR;
    }
    sqlparse_result q = {0};
    checkvalidate v = {.base = base, .nrow = t->ncols};
    int rc = check_parse(t, &t->checks[t->nchecks - 1], &q, err);
    if (!rc) {
        v.expr = q.stmts[0]->targets[0].expr;
        rc = scan(s, cur, NULL, base, checkvalidate_row, &v, err);
    }
    sqlparse_result_free(&q);
    if (!rc && v.violated)
    {
        rc = sqlerr_set(err, "23514", -1, "check constraint \"%s\" of relation \"%s\" is violated by some row",
                        t->checks[t->nchecks - 1].name, t->name);
        sqlerr_object(err, t->name, NULL, t->checks[t->nchecks - 1].name);
    }
    if (rc) {
        sqlschema_free(t);
        return SQL_ERR;
    }
    if (sx_catalog_change(s, false, t, t->id, t->name)) {
        sqlschema_free(t);
        return sqlerr_oom(err);
    }
    if (!(t->checks[t->nchecks - 1].oid = sx_table_new_id(s)))
        return sqlerr_set(err, "54000", -1, "this node has created its maximum of 65535 relations");
    return SQL_OK;
}

/* Whether text holds word as an identifier (case-insensitively, outside nothing: a view's or
 * check's SQL text, so a literal that spells it counts too, erring on the side of refusing). */
static bool mentions_word(const char *text, const char *word)
{
    size_t wl = strlen(word);
    for (const char *p = text; (p = strcasestr(p, word)); p += wl) {
        bool before = p == text || !(isalnum((unsigned char)p[-1]) || p[-1] == '_');
        bool after = !(isalnum((unsigned char)p[wl]) || p[wl] == '_');
        if (before && after) return true;
    }
    return false;
}

/* ALTER TABLE t RENAME TO n / RENAME COLUMN c TO n: the definition of the same table id under
 * the new name (rows are keyed by table and column ids, so nothing else moves). Views and CHECK
 * constraints keep their SQL text, so renaming what one of them reads is refused. */
/* ALTER TABLE | VIEW | SEQUENCE x SET SCHEMA s: the same ids in schema s, with the sequences
 * the table owns (its indexes are where it is). A view that reads it would no longer find it
 * (views keep their text): refused, as a rename is. */
static int run_set_schema(sx_session *s, sqlast_stmt *st, sx_result *res, sqlerr *err)
{
    snprintf(res->tag, sizeof res->tag, st->is_view ? "ALTER VIEW" : st->is_sequence ? "ALTER SEQUENCE" : "ALTER TABLE");
    const sqlschema_table *cur = sx_table_find(s, st->table);
    if (!cur) {
        if (st->missing_ok)
            return sqlrun_notice(res, "00000", err, "relation \"%s\" does not exist, skipping",
                                 sqlast_relname(st->table));
        return sqlerr_set(err, "42P01", -1, "relation \"%s\" does not exist", st->table);
    }
    sx_schema to;
    if (!sx_schema_by_name(s, st->name, &to))
        return sqlerr_set(err, "3F000", -1, "schema \"%s\" does not exist", st->name);
    uint32_t from = sx_table_nsp(s, cur);
    if ((to.oid != SX_NSP_PUBLIC && sx_nsp_builtin(to.oid)) || (from != SX_NSP_PUBLIC && sx_nsp_builtin(from)))
        return sqlerr_set(err, "0A000", -1, "cannot move objects into or out of system schemas");
    if (from == to.oid) return SQL_OK;
    if (!sx_priv_has(s, sx_current_role(s), to.oid, SQLPRIV_CREATE))
        return sqlerr_set(err, "42501", -1, "permission denied for schema %s", to.name);
    const sqlschema_table **all;
    int nall;
    if (sx_catalog_view(s, &all, &nall)) return sqlerr_oom(err);
    int rc = SQL_OK;
    for (int k = 0; k < nall && !rc; k++) {
        const sqlschema_table *t = all[k];
        bool moves = t->id == cur->id || (t->seq && t->seq->owner_table == cur->id);
        if (moves && sx_table_find_in(s, to.oid, t->name))
            rc = sqlerr_set(err, "42P07", -1, "relation \"%s\" already exists in schema \"%s\"", t->name, to.name);
        else if (t->view_sql && t->id != cur->id && view_reads(s, t, cur))
            rc = sqlerr_set(err, "0A000", -1, "feature not supported: moving %s \"%s\", which view \"%s\" reads",
                            cur->view_sql ? "view" : cur->seq ? "sequence" : "table", cur->name, t->name);
    }
    for (int k = 0; k < nall && !rc; k++) {
        const sqlschema_table *t = all[k];
        if (t->id != cur->id && !(t->seq && t->seq->owner_table == cur->id)) continue;
        sqlschema_table *c;
        if (sqlschema_copy(t, &c, err)) {
            rc = SQL_ERR;
            break;
        }
        c->nsp = to.oid;
        if (sx_catalog_change(s, false, c, c->id, c->name)) {
            sqlschema_free(c);
            rc = sqlerr_oom(err);
        }
    }
    free(all);
    return rc;
}

static int run_rename(sx_session *s, sqlast_stmt *st, sx_result *res, sqlerr *err)
{
    if (st->set_schema) return run_set_schema(s, st, res, err);
    snprintf(res->tag, sizeof res->tag, "ALTER TABLE");
    const sqlschema_table *cur = sx_table_find(s, st->table);
    if (!cur) {
        if (st->missing_ok)
            return sqlrun_notice(res, "00000", err, "relation \"%s\" does not exist, skipping",
                                 st->table);
        return sqlerr_set(err, "42P01", -1, "relation \"%s\" does not exist", st->table);
    }
    if (cur->view_sql || cur->seq)
        return sqlerr_unsupported(err, -1, cur->seq ? "renaming a sequence" : "renaming a view");
    if (strlen(st->newname) > SQLSCHEMA_NAME_MAX)
        return sqlerr_set(err, "42622", -1, "name \"%s\" is too long", st->newname);
    int ci = -1;
    if (st->column) {
        ci = sqlschema_find_column(cur, st->column);
        if (ci < 0 || cur->cols[ci].hidden)
            return sqlerr_set(err, "42703", -1, "column \"%s\" does not exist", st->column);
        if (sqlschema_find_column(cur, st->newname) >= 0)
            return sqlerr_set(err, "42701", -1, "column \"%s\" of relation \"%s\" already exists",
                              st->newname, cur->name);
        for (int k = 0; k < cur->nchecks; k++)
            if (mentions_word(cur->checks[k].expr, st->column)) {
                sqlerr_set(err, "0A000", -1,
                           "feature not supported: renaming column \"%s\", which check constraint \"%s\" reads",
                           st->column, cur->checks[k].name);
                sqlerr_hint(err, "Drop the constraint, rename the column, and add the constraint again.");
                return SQL_ERR;
            }
        /* an index expression keeps the column's name as written, like a CHECK */
        const sqlindex_def **ixv;
        int nix;
        if (sx_index_view(s, &ixv, &nix)) return sqlerr_oom(err);
        for (int x = 0; x < nix; x++) {
            if (ixv[x]->table_id != cur->id) continue;
            for (int k = 0; k < ixv[x]->ncols; k++)
                if (ixv[x]->expr[k] && mentions_word(ixv[x]->expr[k], st->column)) {
                    sqlerr_set(err, "0A000", -1,
                               "feature not supported: renaming column \"%s\", which index \"%s\" reads",
                               st->column, ixv[x]->name);
                    sqlerr_hint(err, "Drop the index, rename the column, and create the index again.");
                    free(ixv);
                    return SQL_ERR;
                }
        }
        free(ixv);
    } else if (sx_table_find_in(s, sqlschema_nsp(cur), st->newname)) {
        return sqlerr_set(err, "42P07", -1, "relation \"%s\" already exists", st->newname);
    }
    const sqlschema_table **all;
    int nall;
    if (sx_catalog_view(s, &all, &nall)) return sqlerr_oom(err);
    for (int k = 0; k < nall; k++)
        if (all[k]->view_sql && view_reads(s, all[k], cur)) {
            sqlerr_set(err, "0A000", -1, "feature not supported: renaming %s \"%s\", which view \"%s\" reads",
                       st->column ? "a column of table" : "table", cur->name, all[k]->name);
            sqlerr_hint(err, "Drop the view, rename, and create the view again.");
            free(all);
            return SQL_ERR;
        }
    free(all);
    sqlschema_table *t;
    if (sqlschema_copy(cur, &t, err)) return SQL_ERR;
    char **slot = ci >= 0 ? &t->cols[ci].name : &t->name;
    free(*slot);
    if (!(*slot = strdup(st->newname)) || sx_catalog_change(s, false, t, t->id, t->name)) {
        sqlschema_free(t);
        return sqlerr_oom(err);
    }
    return SQL_OK;
}

/* ALTER TABLE t ALTER COLUMN c SET NOT NULL (every row is checked: 23502) / DROP NOT NULL. */
typedef struct nullscan {
    int col, nrow;
    bool found;
} nullscan;

/* ---- ALTER COLUMN TYPE ----------------------------------------------------------------------
 *
 * Only changes that leave every stored value as it is: integers among smallint, integer and
 * bigint (stored as 64-bit integers), text and varchar(n) (stored as text), numeric(p,s) to
 * numeric, timestamp(tz) precision to none or more, and the same type again. A narrower type
 * is checked against every row this region holds (PostgreSQL's errors: 22003, 22001); a row
 * another region writes at the same moment is not (docs/sql-reference.md). Anything that
 * would rewrite values (int to text, rounding a numeric) is 0A000. */

typedef struct typescan {
    const sqlschema_column *c; /* the column with its new type */
    int ci;
    bool cut; /* a value would lose trailing spaces: PostgreSQL would rewrite it */
    int nrow; /* values per row (the callback owns and frees them) */
} typescan;

static int typescan_row(void *ctx, const uint8_t *pk, size_t pklen, sqlval *row,
                        const crdt_row *raw, sqlerr *err)
{
    (void)pk, (void)pklen, (void)raw;
    typescan *ts = ctx;
    const sqlval *v = &row[ts->ci];
    int rc = SQL_OK;
    sqlval cv;
    if (!v->isnull && (rc = sqlval_cast(v, ts->c->type, &cv, err)) == SQL_OK) { /* 22003 */
        size_t before = cv.s ? cv.len : 0;
        rc = sqlschema_typmod_apply(&cv, ts->c->typmod, false, err); /* 22001 */
        if (rc == SQL_OK && cv.s && cv.len != before) ts->cut = true;
        sqlval_free(&cv);
    }
    vals_free(row, ts->nrow);
    return rc;
}

static int run_alter_type(sx_session *s, sqlast_stmt *st, const sqlexpr_ctx *base, sx_result *res,
                          sqlerr *err)
{
    snprintf(res->tag, sizeof res->tag, "ALTER TABLE");
    const sqlschema_table *cur = sx_table_find(s, st->table);
    if (!cur) return sqlerr_set(err, "42P01", -1, "relation \"%s\" does not exist", st->table);
    if (cur->view_sql || cur->seq) {
        sqlerr_set(err, "42809", -1, "ALTER action ALTER COLUMN ... SET DATA TYPE cannot be performed on relation \"%s\"", cur->name);
        sqlerr_detail(err, "This operation is not supported for %s.", cur->seq ? "sequences" : "views");
        return SQL_ERR;
    }
    const char *name = st->cols[0].name;
    int ci = sqlschema_find_column(cur, name);
    if (ci < 0 || cur->cols[ci].hidden)
        return sqlerr_set(err, "42703", -1, "column \"%s\" of relation \"%s\" does not exist", name, cur->name);
    const sqlschema_column *old = &cur->cols[ci];
    sqlschema_kind kind;
    sqlval_type type;
    const char *canon;
    if (sqlschema_type_resolve(st->cols[0].type_name, &kind, &type, &canon, err)) return SQL_ERR;
    int32_t typmod = sqlschema_typmod_of(st->cols[0].type_name);
    if (!strcmp(canon, old->type_name) && typmod == old->typmod) return SQL_OK; /* the same */
    bool ints = sqlval_type_is_integer(old->type) && sqlval_type_is_integer(type) &&
                old->type != SQLVAL_OID && type != SQLVAL_OID;
    bool texts = (old->type == SQLVAL_TEXT || old->type == SQLVAL_VARCHAR) &&
                 (type == SQLVAL_TEXT || type == SQLVAL_VARCHAR);
    bool loosen = old->type == type && typmod == -1 &&
                  (type == SQLVAL_NUMERIC || type == SQLVAL_TIMESTAMP || type == SQLVAL_TIMESTAMPTZ || type == SQLVAL_TIME);
    bool finer = old->type == type && old->typmod >= 0 && typmod > old->typmod &&
                 (type == SQLVAL_TIMESTAMP || type == SQLVAL_TIMESTAMPTZ || type == SQLVAL_TIME);
    if (old->kind != SQLSCHEMA_LWW || kind != SQLSCHEMA_LWW || !(ints || texts || loosen || finer)) {
        char what[200];
        snprintf(what, sizeof what, "ALTER COLUMN TYPE from %s to %s (the stored values would have to be rewritten)",
                 old->type_name, canon);
        return sqlerr_unsupported(err, -1, what);
    }
    const sqlschema_table **all;
    int nall;
    if (sx_catalog_view(s, &all, &nall)) return sqlerr_oom(err);
    for (int k = 0; k < nall; k++)
        if (all[k]->view_sql && view_reads(s, all[k], cur) && mentions_word(all[k]->view_sql, name)) {
            sqlerr_set(err, "0A000", -1, "cannot alter type of a column used by a view or rule");
            sqlerr_detail(err, "rule _RETURN on view %s depends on column \"%s\"", all[k]->name, name);
            free(all);
            return SQL_ERR;
        }
    free(all);
    sqlschema_table *t;
    if (sqlschema_copy(cur, &t, err)) return SQL_ERR;
    sqlschema_column *c = &t->cols[ci];
    char *tn = strdup(canon);
    if (!tn) {
        sqlschema_free(t);
        return sqlerr_oom(err);
    }
    free(c->type_name);
    c->type_name = tn;
    c->type = type;
    c->typmod = typmod;
    /* a narrower type: every stored value must fit it */
    typescan ts = {.c = c, .ci = ci, .nrow = cur->ncols};
    bool narrower = (ints && (type == SQLVAL_INT2 || (type == SQLVAL_INT4 && old->type == SQLVAL_INT8))) ||
                    (texts && typmod >= 0 && (old->typmod < 0 || typmod < old->typmod));
    if (narrower && scan(s, cur, NULL, base, typescan_row, &ts, err)) {
        sqlschema_free(t);
        return SQL_ERR;
    }
    if (ts.cut) {
        sqlschema_free(t);
        return sqlerr_unsupported(err, -1, "ALTER COLUMN TYPE that would cut trailing spaces from stored values");
    }
    if (c->has_default && !c->default_now && !c->default_uuid && !c->default_seq && !c->default_value.isnull) {
        sqlval nv;
        if (sqlval_cast(&c->default_value, type, &nv, err) || sqlschema_typmod_apply(&nv, typmod, false, err)) {
            sqlschema_free(t);
            return SQL_ERR;
        }
        sqlval_free(&c->default_value);
        c->default_value = nv;
    }
    if (sx_catalog_change(s, false, t, t->id, t->name)) {
        sqlschema_free(t);
        return sqlerr_oom(err);
    }
    return SQL_OK;
}

static int nullscan_row(void *ctx, const uint8_t *pk, size_t pklen, sqlval *row,
                        const crdt_row *raw, sqlerr *err)
{
    (void)pk;
    (void)pklen;
    (void)raw;
    (void)err;
    nullscan *v = ctx;
    v->found |= row[v->col].isnull;
    vals_free(row, v->nrow);
    return SQL_OK;
}

static int run_not_null(sx_session *s, sqlast_stmt *st, const sqlexpr_ctx *base, sx_result *res,
                        sqlerr *err)
{
    snprintf(res->tag, sizeof res->tag, "ALTER TABLE");
    const sqlschema_table *cur = sx_table_find(s, st->table);
    if (!cur) return sqlerr_set(err, "42P01", -1, "relation \"%s\" does not exist", st->table);
    if (cur->view_sql || cur->seq) return sqlerr_set(err, "42809", -1, "\"%s\" is not a table", st->table);
    int ci = sqlschema_find_column(cur, st->column);
    if (ci < 0 || cur->cols[ci].hidden)
        return sqlerr_set(err, "42703", -1, "column \"%s\" of relation \"%s\" does not exist",
                          st->column, st->table);
    if (!st->set_not_null && cur->cols[ci].pk_pos >= 0)
        return sqlerr_set(err, "42P16", -1, "column \"%s\" is in a primary key", st->column);
    if (!st->set_not_null && cur->cols[ci].identity)
        return sqlerr_set(err, "42P16", -1, "column \"%s\" of relation \"%s\" is an identity column",
                          st->column, st->table);
    if (cur->cols[ci].not_null == st->set_not_null) return SQL_OK; /* nothing to do */
    if (st->set_not_null) {
        nullscan v = {.col = ci, .nrow = cur->ncols};
        if (scan(s, cur, NULL, base, nullscan_row, &v, err)) return SQL_ERR;
        if (v.found) {
            sqlerr_set(err, "23502", -1, "column \"%s\" of relation \"%s\" contains null values",
                       st->column, st->table);
            sqlerr_object(err, cur->name, st->column, NULL);
            return SQL_ERR;
        }
    }
    sqlschema_table *t;
    if (sqlschema_copy(cur, &t, err)) return SQL_ERR;
    t->cols[ci].not_null = st->set_not_null;
    if (sx_catalog_change(s, false, t, t->id, t->name)) {
        sqlschema_free(t);
        return sqlerr_oom(err);
    }
    return SQL_OK;
}

/* COMMENT ON TABLE t / COLUMN t.c IS '...' | NULL: a catalog change, replicated like the
 * table's definition. */
static int run_comment(sx_session *s, sqlast_stmt *st, sx_result *res, sqlerr *err)
{
    if (!st->table && st->name) return sqlrun_extension_comment(s, st, res, err);
    snprintf(res->tag, sizeof res->tag, "COMMENT");
    const sqlschema_table *cur = sx_table_find(s, st->table);
    if (!cur) return sqlerr_set(err, "42P01", -1, "relation \"%s\" does not exist", st->table);
    if (cur->view_sql || cur->seq)
        return sqlerr_unsupported(err, -1, cur->seq ? "comments on sequences" : "comments on views");
    int ci = -1;
    if (st->column) {
        ci = sqlschema_find_column(cur, st->column);
        if (ci < 0 || cur->cols[ci].hidden)
            return sqlerr_set(err, "42703", -1, "column \"%s\" of relation \"%s\" does not exist",
                              st->column, st->table);
    }
    sqlschema_table *t;
    if (sqlschema_copy(cur, &t, err)) return SQL_ERR;
    char **slot = ci >= 0 ? &t->cols[ci].comment : &t->comment;
    free(*slot);
    *slot = NULL;
    if (st->comment && !(*slot = strdup(st->comment))) {
        sqlschema_free(t);
        return sqlerr_oom(err);
    }
    if (sx_catalog_change(s, false, t, t->id, t->name)) {
        sqlschema_free(t);
        return sqlerr_oom(err);
    }
    return SQL_OK;
}

/* ALTER TABLE t ALTER COLUMN c SET DEFAULT e / DROP DEFAULT / ADD GENERATED ... AS IDENTITY:
 * a catalog change only (existing rows keep their values, as in PostgreSQL). */
static int run_alter_column(sx_session *s, sqlast_stmt *st, sx_result *res, sqlerr *err)
{
    snprintf(res->tag, sizeof res->tag, "ALTER TABLE");
    const sqlschema_table *cur = sx_table_find(s, st->table);
    if (!cur) {
        if (st->missing_ok)
            return sqlrun_notice(res, "00000", err, "relation \"%s\" does not exist, skipping",
                                 st->table);
        return sqlerr_set(err, "42P01", -1, "relation \"%s\" does not exist", st->table);
    }
    if (cur->view_sql || cur->seq) return sqlerr_set(err, "42809", -1, "\"%s\" is not a table", st->table);
    const sqlast_coldef *d = &st->cols[0];
    int ci = sqlschema_find_column(cur, d->name);
    if (ci < 0 || cur->cols[ci].hidden)
        return sqlerr_set(err, "42703", -1, "column \"%s\" of relation \"%s\" does not exist",
                          d->name, st->table);
    const sqlschema_column *cc = &cur->cols[ci];
    if (st->kind == SQLAST_ALTER_ADD_IDENTITY) {
        if (cc->kind != SQLSCHEMA_LWW ||
            (cc->type != SQLVAL_INT2 && cc->type != SQLVAL_INT4 && cc->type != SQLVAL_INT8))
            return sqlerr_set(err, "22023", -1, "identity column type must be smallint, integer, or bigint");
        if (cc->identity)
            return sqlerr_set(err, "55000", -1, "column \"%s\" of relation \"%s\" is already an identity column",
                              d->name, st->table);
        if (cc->has_default)
            return sqlerr_set(err, "55000", -1, "column \"%s\" of relation \"%s\" already has a default value",
                              d->name, st->table);
        if (!cc->not_null && cc->pk_pos < 0)
            return sqlerr_set(err, "55000", -1,
                              "column \"%s\" of relation \"%s\" must be declared NOT NULL before identity can be added",
                              d->name, st->table);
    }
    sqlschema_table *t;
    if (sqlschema_copy(cur, &t, err)) return SQL_ERR;
    sqlschema_column *c = &t->cols[ci];
    int rc = SQL_OK;
    if (st->kind == SQLAST_ALTER_ADD_IDENTITY) {
        c->identity = d->identity;
        c->has_default = true;
        rc = column_sequence(s, t, c, d, err);
    } else {
        rc = sqlschema_set_default(t, ci, d->def, err);
        if (!rc && c->default_seq == SQLSCHEMA_SEQ_PENDING) rc = column_sequence(s, t, c, d, err);
    }
    if (rc) {
        sqlschema_free(t);
        return SQL_ERR;
    }
    if (sx_catalog_change(s, false, t, t->id, t->name)) {
        sqlschema_free(t);
        return sqlerr_oom(err);
    }
    return SQL_OK;
}

/* ---- writes ------------------------------------------------------------------------------- */

static int rec(sx_session *s, const sqlschema_table *t, const codec_buf *pk, int kind, int colidx,
               sx_op *op, sqlerr *err)
{
    op->kind = kind;
    op->table_id = t->id;
    op->pk = malloc(pk->len ? pk->len : 1);
    if (!op->pk) {
        sx_op_free(op);
        return sqlerr_oom(err);
    }
    memcpy(op->pk, pk->data, pk->len);
    op->pklen = pk->len;
    if (colidx >= 0) {
        op->col = t->cols[colidx].id;
        op->ckind = kind_to_crdt(t->cols[colidx].kind);
    }
    return sx_record(s, op, err);
}

static int rec_str(sx_session *s, const sqlschema_table *t, const codec_buf *pk, int kind,
                   int colidx, const char *str, size_t len, const char *j, size_t jlen,
                   sqlerr *err)
{
    sx_op op;
    memset(&op, 0, sizeof op);
    if (str && !(op.s = strndup(str, len))) return sqlerr_oom(err);
    op.slen = len;
    if (j && !(op.j = strndup(j, jlen))) {
        free(op.s);
        return sqlerr_oom(err);
    }
    op.jlen = jlen;
    return rec(s, t, pk, kind, colidx, &op, err);
}

static int lww_value(const sqlval *v, crdt_value *out, sqlerr *err)
{
    crdt_value_init(out);
    if (v->isnull) return SQL_OK;
    switch (v->type) {
    case SQLVAL_BOOL: out->type = CRDT_V_BOOL; out->u.b = v->u.b; return SQL_OK;
    case SQLVAL_INT2:
    case SQLVAL_INT4:
    case SQLVAL_INT8:
    case SQLVAL_OID: out->type = CRDT_V_INT8; out->u.i = v->u.i; return SQL_OK;
    case SQLVAL_TIMESTAMPTZ: out->type = CRDT_V_TIMESTAMPTZ; out->u.i = v->u.i; return SQL_OK;
    case SQLVAL_DATE:
    case SQLVAL_TIME:
    case SQLVAL_TIMESTAMP: out->type = CRDT_V_INT8; out->u.i = v->u.i; return SQL_OK;
    case SQLVAL_UUID:
    case SQLVAL_INTERVAL:
        if (crdt_value_set_bytes(out, CRDT_V_BYTEA, v->s ? v->s : "", v->len)) return sqlerr_oom(err);
        return SQL_OK;
    case SQLVAL_FLOAT4:
    case SQLVAL_FLOAT8: out->type = CRDT_V_FLOAT8; out->u.f = v->u.f; return SQL_OK;
    case SQLVAL_BPCHAR: /* kept without its padding (the column's length pads it on output) */
        if (crdt_value_set_bytes(out, CRDT_V_TEXT, v->s ? v->s : "", v->len)) return sqlerr_set(err, "54000", -1, "value too large");
        return SQL_OK;
    default: break;
    }
    char *txt = NULL;
    size_t n = 0;
    uint8_t ty = v->type == SQLVAL_NUMERIC ? CRDT_V_NUMERIC
                 : v->type == SQLVAL_JSONB ? CRDT_V_JSONB
                 : v->type == SQLVAL_BYTEA ? CRDT_V_BYTEA
                                           : CRDT_V_TEXT;
    if (v->type == SQLVAL_BYTEA) {
        if (crdt_value_set_bytes(out, ty, v->s ? v->s : "", v->len)) return sqlerr_oom(err);
        return SQL_OK;
    }
    if (sqlval_to_text(v, &txt, &n, err)) return SQL_ERR;
    int rc = crdt_value_set_bytes(out, ty, txt, n);
    free(txt);
    if (rc) return sqlerr_set(err, "54000", -1, "value too large");
    return SQL_OK;
}

/* Puts every key of a jsonb object (canonical text) into map column ci. */
/* Records one *_MANY operation (sx_op.elems ...): takes the arrays (built with many_push). */
typedef struct many {
    char **elems, **vals;
    size_t *elens, *vlens;
    uint8_t *live; /* maps: 0 = remove the key (NULL until a removal is pushed) */
    size_t n, cap;
} many;

static void many_free(many *m)
{
    for (size_t i = 0; i < m->n; i++) {
        free(m->elems[i]);
        if (m->vals) free(m->vals[i]);
    }
    free(m->elems);
    free(m->vals);
    free(m->elens);
    free(m->vlens);
    free(m->live);
    memset(m, 0, sizeof *m);
}

static int many_push(many *m, const char *e, size_t elen, const char *v, size_t vlen, sqlerr *err);

/* Appends a removal of map key (e, elen) to a batch of map puts (an empty value, live 0). */
static int many_push_removal(many *m, const char *e, size_t elen, sqlerr *err)
{
    size_t i = m->n;
    if (many_push(m, e, elen, "", 0, err)) return SQL_ERR;
    if (!m->live) {
        if (!(m->live = malloc(m->cap))) return sqlerr_oom(err);
        memset(m->live, 1, m->cap);
    }
    m->live[i] = 0;
    return SQL_OK;
}

/* Appends (e, elen) and, for maps, (v, vlen): copies both. */
static int many_push(many *m, const char *e, size_t elen, const char *v, size_t vlen, sqlerr *err)
{
    if (m->n == m->cap) {
        size_t nc = m->cap ? m->cap * 2 : 16;
        char **ne = realloc(m->elems, nc * sizeof *ne);
        if (ne) m->elems = ne;
        size_t *nl = realloc(m->elens, nc * sizeof *nl);
        if (nl) m->elens = nl;
        char **nv = v ? realloc(m->vals, nc * sizeof *nv) : m->vals;
        if (nv) m->vals = nv;
        size_t *nvl = v ? realloc(m->vlens, nc * sizeof *nvl) : m->vlens;
        if (nvl) m->vlens = nvl;
        if (!ne || !nl || (v && (!nv || !nvl))) return sqlerr_oom(err);
        if (m->live) {
            uint8_t *nlv = realloc(m->live, nc);
            if (!nlv) return sqlerr_oom(err);
            m->live = nlv;
        }
        m->cap = nc;
    }
    char *ec = malloc(elen + 1), *vc = v ? malloc(vlen + 1) : NULL;
    if (!ec || (v && !vc)) {
        free(ec);
        free(vc);
        return sqlerr_oom(err);
    }
    memcpy(ec, e, elen);
    ec[elen] = 0;
    if (v) {
        memcpy(vc, v, vlen);
        vc[vlen] = 0;
        m->vals[m->n] = vc;
        m->vlens[m->n] = vlen;
    }
    m->elems[m->n] = ec;
    m->elens[m->n] = elen;
    if (m->live) m->live[m->n] = 1;
    m->n++;
    return SQL_OK;
}

static int rec_many(sx_session *s, const sqlschema_table *t, const codec_buf *pk, int kind, int ci,
                    many *m, sqlerr *err)
{
    if (!m->n) return SQL_OK;
    sx_op op;
    memset(&op, 0, sizeof op);
    op.elems = m->elems;
    op.elens = m->elens;
    op.vals = m->vals;
    op.vlens = m->vlens;
    op.live = m->live;
    op.nelems = m->n;
    memset(m, 0, sizeof *m); /* the op owns them now, freed by rec on failure */
    return rec(s, t, pk, kind, ci, &op, err);
}

/* Puts every member of jsonb object v into map column ci as one operation (one by one was
 * O(n^2), issue #21); with `old` (MAP_REPLACE: the column's current value), the removals of the
 * keys v lacks go in the same batch (one removal op each was O(n^2) too: a 20,000-key
 * replacement ran for minutes). Values keep their jsonb text (2.50 stays 2.50). */
static int map_put_all(sx_session *s, const sqlschema_table *t, const codec_buf *pk, int ci,
                       const sqlval *v, const char *old, sqlerr *err)
{
    sqljsonb_member *mem = NULL, *om = NULL;
    size_t n = 0, on = 0;
    int r = sqljsonb_members(v->s ? v->s : "", v->s ? v->len : 0, &mem, &n, err);
    if (r < 0) return SQL_ERR;
    if (r == 1)
        return sqlerr_set(err, "22023", -1, "value for column \"%s\" must be a jsonb object",
                          t->cols[ci].name);
    int rc = SQL_OK;
    many m = {0};
    if (old && sqljsonb_members(old, strlen(old), &om, &on, err) == 0) {
        /* both in jsonb key order: a merge finds the keys v lacks */
        size_t j = 0;
        for (size_t i = 0; i < on && !rc; i++) {
            while (j < n && (mem[j].keylen < om[i].keylen ||
                             (mem[j].keylen == om[i].keylen &&
                              memcmp(mem[j].key, om[i].key, om[i].keylen) < 0)))
                j++;
            if (j < n && mem[j].keylen == om[i].keylen &&
                !memcmp(mem[j].key, om[i].key, om[i].keylen))
                continue;
            rc = many_push_removal(&m, om[i].key, om[i].keylen, err);
        }
    }
    for (size_t i = 0; i < n && !rc; i++)
        rc = many_push(&m, mem[i].key, mem[i].keylen, mem[i].value, mem[i].valuelen, err);
    if (!rc) rc = rec_many(s, t, pk, SX_OP_MAP_PUT_MANY, ci, &m, err);
    many_free(&m);
    sqljsonb_members_free(mem, n);
    sqljsonb_members_free(om, on);
    return rc;
}

static int set_add_all(sx_session *s, const sqlschema_table *t, const codec_buf *pk, int ci,
                       const sqlval *v, sqlerr *err)
{
    if (v->isnull) return SQL_OK;
    if (v->type == SQLVAL_TEXTARRAY) {
        /* one operation for all: adding n elements one by one was O(n^2) (issue #21) */
        many m = {0};
        for (size_t i = 0; i < v->narr; i++) {
            if (!v->arr[i]) {
                many_free(&m);
                return sqlerr_set(err, "22004", -1, "a set element cannot be NULL");
            }
            if (many_push(&m, v->arr[i], strlen(v->arr[i]), NULL, 0, err)) {
                many_free(&m);
                return SQL_ERR;
            }
        }
        return rec_many(s, t, pk, SX_OP_SET_ADD_MANY, ci, &m, err);
    }
    char *txt;
    size_t n;
    if (sqlval_to_text(v, &txt, &n, err)) return SQL_ERR;
    int rc = rec_str(s, t, pk, SX_OP_SET_ADD, ci, txt, n, NULL, 0, err);
    free(txt);
    return rc;
}

/* Writes value v into column ci as an INSERT does (merge into whatever the row holds). */
static int write_insert_col(sx_session *s, const sqlschema_table *t, const codec_buf *pk, int ci,
                            const sqlval *v, sqlerr *err)
{
    const sqlschema_column *c = &t->cols[ci];
    sx_op op;
    memset(&op, 0, sizeof op);
    switch (c->kind) {
    case SQLSCHEMA_LWW:
        if (lww_value(v, &op.v, err)) return SQL_ERR;
        return rec(s, t, pk, SX_OP_LWW, ci, &op, err);
    case SQLSCHEMA_G_COUNTER:
    case SQLSCHEMA_PN_COUNTER:
        if (v->isnull || v->u.i == 0) return SQL_OK;
        if (c->kind == SQLSCHEMA_G_COUNTER && v->u.i < 0)
            return sqlerr_set(err, "22023", -1, "a g_counter cannot be decremented");
        op.n = v->u.i;
        return rec(s, t, pk, SX_OP_COUNTER, ci, &op, err);
    case SQLSCHEMA_MV_REGISTER: {
        if (v->isnull) return SQL_OK;
        if (v->type == SQLVAL_TEXTARRAY) {
            /* COPY FROM of {a,b}: the first value, then the others concurrent with it */
            for (size_t i = 0; i < v->narr; i++) {
                if (!v->arr[i])
                    return sqlerr_set(err, "22004", -1, "an mv_register value cannot be NULL");
                if (rec_str(s, t, pk, i ? SX_OP_MV_ADD : SX_OP_MV, ci, v->arr[i],
                            strlen(v->arr[i]), NULL, 0, err))
                    return SQL_ERR;
            }
            return SQL_OK;
        }
        char *txt;
        size_t n;
        if (sqlval_to_text(v, &txt, &n, err)) return SQL_ERR;
        int rc = rec_str(s, t, pk, SX_OP_MV, ci, txt, n, NULL, 0, err);
        free(txt);
        return rc;
    }
    case SQLSCHEMA_OR_SET:
    case SQLSCHEMA_AW_SET: return set_add_all(s, t, pk, ci, v, err);
    case SQLSCHEMA_LWW_MAP:
        if (v->isnull) return SQL_OK;
        return map_put_all(s, t, pk, ci, v, NULL, err);
    }
    return SQL_OK;
}

static int eval_cast(const sqlast_expr *e, const sqlexpr_ctx *ctx, sqlval_type t, sqlval *out,
                     sqlerr *err)
{
    sqlval v;
    if (sqlexpr_eval(e, ctx, &v, err)) return SQL_ERR;
    if (v.isnull || v.type == t || t == SQLVAL_UNKNOWN) {
        if (v.isnull) v.type = t;
        *out = v;
        return SQL_OK;
    }
    int rc = sqlval_cast(&v, t, out, err);
    sqlval_free(&v);
    /* an untyped literal that is no value of the column's type: PostgreSQL points at it */
    if (rc && err && !err->position && e->kind == SQLAST_CONST && e->type == SQLVAL_UNKNOWN &&
        e->location >= 0)
        err->position = e->location + 1;
    return rc;
}

/* Applies classified SET operations to one existing row. */
static int apply_setops_(sx_session *s, const sx_plan *p, const codec_buf *pk,
                         const sqlexpr_ctx *ctx, sqlval *pre, sqlerr *err);

static int apply_setops(sx_session *s, const sx_plan *p, const codec_buf *pk,
                        const sqlexpr_ctx *ctx, sqlerr *err)
{
    const sqlschema_table *t = p->table;
    /* CHECK constraints: the new values of the assigned (plain) columns first, over the old
     * row, checked before anything is written; each is computed once */
    sqlval *pre = NULL;
    bool assigns = false;
    for (int i = 0; i < p->nsetops; i++) assigns |= p->setops[i].kind == SQLWRITE_ASSIGN;
    if (p->nchecks || assigns) {
        sqlval *nrow = calloc((size_t)t->ncols + 1, sizeof *nrow);
        pre = calloc((size_t)p->nsetops + 1, sizeof *pre);
        int rc = nrow && pre ? SQL_OK : sqlerr_oom(err);
        for (int k = 0; k < t->ncols && !rc; k++) rc = sqlval_copy(&nrow[k], &ctx->row[k], err);
        for (int i = 0; i < p->nsetops && !rc; i++) {
            const sqlwrite_op *w = &p->setops[i];
            sqlval_init_null(&pre[i], t->cols[w->colidx].type);
            if (w->kind != SQLWRITE_ASSIGN) continue;
            rc = eval_cast(w->arg, ctx, write_type(&t->cols[w->colidx]), &pre[i], err);
            if (!rc) rc = sqlschema_typmod_apply(&pre[i], t->cols[w->colidx].typmod, false, err);
            if (rc && err && !err->position && w->arg && w->arg->kind == SQLAST_CONST &&
                t->cols[w->colidx].type == SQLVAL_ENUM) /* a bad label: PostgreSQL points at it */
                err->position = w->arg->location + 1;
            sqlval_free(&nrow[w->colidx]);
            if (!rc) rc = sqlval_copy(&nrow[w->colidx], &pre[i], err);
        }
        for (int i = 0; i < p->nsetops && !rc; i++) { /* NOT NULL, on the whole new row */
            const sqlschema_column *c = &t->cols[p->setops[i].colidx];
            if (p->setops[i].kind != SQLWRITE_ASSIGN || !c->not_null || !pre[i].isnull) continue;
            rc = sqlerr_set(err, "23502", -1,
                            "null value in column \"%s\" of relation \"%s\" violates not-null constraint",
                            c->name, t->name);
            sqlerr_object(err, t->name, c->name, NULL);
            failing_row(t, nrow, err);
        }
        if (!rc && p->nchecks) rc = check_row(p, ctx, nrow, err);
        if (nrow) vals_free(nrow, t->ncols);
        if (rc) {
            if (pre) vals_free(pre, p->nsetops);
            return SQL_ERR;
        }
    }
    int arc = apply_setops_(s, p, pk, ctx, pre, err);
    if (pre) vals_free(pre, p->nsetops);
    return arc;
}

static int apply_setops_(sx_session *s, const sx_plan *p, const codec_buf *pk,
                         const sqlexpr_ctx *ctx, sqlval *pre, sqlerr *err)
{
    const sqlschema_table *t = p->table;
    sx_op touch;
    memset(&touch, 0, sizeof touch);
    if (rec(s, t, pk, SX_OP_TOUCH, -1, &touch, err)) return SQL_ERR;
    for (int i = 0; i < p->nsetops; i++) {
        const sqlwrite_op *w = &p->setops[i];
        const sqlschema_column *c = &t->cols[w->colidx];
        sqlval v;
        sqlval_init_null(&v, c->type);
        int rc = SQL_OK;
        switch (w->kind) {
        case SQLWRITE_ASSIGN:
            if (pre) sqlval_move(&v, &pre[i]); /* computed for the CHECKs */
            else if (eval_cast(w->arg, ctx, write_type(c), &v, err)) return SQL_ERR;
            if (sqlschema_typmod_apply(&v, c->typmod, false, err)) {
                sqlval_free(&v);
                return SQL_ERR;
            }
            if (c->not_null && v.isnull) {
                sqlval_free(&v);
                sqlerr_set(err, "23502", -1,
                           "null value in column \"%s\" of relation \"%s\" violates not-null constraint",
                           c->name, t->name);
                sqlerr_object(err, t->name, c->name, NULL);
                return SQL_ERR;
            }
            if (c->kind == SQLSCHEMA_MV_REGISTER) {
                char *txt = NULL;
                size_t n = 0;
                if (!v.isnull && sqlval_to_text(&v, &txt, &n, err)) rc = SQL_ERR;
                if (!rc) rc = rec_str(s, t, pk, SX_OP_MV, w->colidx, txt ? txt : "", n, NULL, 0, err);
                free(txt);
            } else {
                sx_op op;
                memset(&op, 0, sizeof op);
                rc = lww_value(&v, &op.v, err);
                if (!rc) rc = rec(s, t, pk, SX_OP_LWW, w->colidx, &op, err);
            }
            break;
        case SQLWRITE_INC: {
            int64_t n;
            if (sqlwrite_amount(t, w, ctx, &n, err)) return SQL_ERR;
            if (n == 0) break;
            sx_op op;
            memset(&op, 0, sizeof op);
            op.n = n;
            rc = rec(s, t, pk, SX_OP_COUNTER, w->colidx, &op, err);
            break;
        }
        case SQLWRITE_SET_REPLACE:
            rc = rec_str(s, t, pk, SX_OP_SET_CLEAR, w->colidx, NULL, 0, NULL, 0, err);
            /* fall through */
        case SQLWRITE_SET_ADD:
            if (!rc && sqlexpr_eval(w->arg, ctx, &v, err)) return SQL_ERR;
            if (!rc) rc = set_add_all(s, t, pk, w->colidx, &v, err);
            break;
        case SQLWRITE_SET_REMOVE: {
            if (eval_cast(w->arg, ctx, SQLVAL_TEXT, &v, err)) return SQL_ERR;
            if (!v.isnull)
                rc = rec_str(s, t, pk, SX_OP_SET_REMOVE, w->colidx, v.s, v.len, NULL, 0, err);
            break;
        }
        case SQLWRITE_MAP_PUT:
        case SQLWRITE_MAP_REPLACE:
            if (eval_cast(w->arg, ctx, SQLVAL_JSONB, &v, err)) return SQL_ERR;
            if (!v.isnull) {
                const sqlval *old = &ctx->row[w->colidx];
                rc = map_put_all(s, t, pk, w->colidx, &v,
                                 w->kind == SQLWRITE_MAP_REPLACE && !old->isnull ? old->s : NULL,
                                 err);
            }
            break;
        case SQLWRITE_MAP_REMOVE:
            if (eval_cast(w->arg, ctx, SQLVAL_TEXT, &v, err)) return SQL_ERR;
            if (!v.isnull)
                rc = rec_str(s, t, pk, SX_OP_MAP_REMOVE, w->colidx, v.s, v.len, NULL, 0, err);
            break;
        case SQLWRITE_MAP_SET: {
            sqlval path, val;
            if (eval_cast(w->arg, ctx, SQLVAL_TEXTARRAY, &path, err)) return SQL_ERR;
            if (eval_cast(w->arg2, ctx, SQLVAL_JSONB, &val, err)) {
                sqlval_free(&path);
                return SQL_ERR;
            }
            if (!path.isnull && path.narr == 1 && path.arr[0] && !val.isnull)
                rc = rec_str(s, t, pk, SX_OP_MAP_PUT, w->colidx, path.arr[0],
                             strlen(path.arr[0]), val.s, val.len, err);
            else if (!path.isnull && path.narr != 1)
                rc = sqlerr_unsupported(err, -1, "jsonb_set with a path of more than one key");
            sqlval_free(&path);
            sqlval_free(&val);
            break;
        }
        }
        sqlval_free(&v);
        if (rc) return SQL_ERR;
    }
    return SQL_OK;
}

static int add_returning(const sx_plan *p, const sqlval *row, int nrow, const sqlexpr_ctx *base,
                         sx_result *res, sqlerr *err)
{
    sqlval *out = calloc((size_t)p->ntargets + 1, sizeof *out);
    if (!out) return sqlerr_oom(err);
    sqlexpr_ctx c = *base;
    c.row = row;
    c.nrow = nrow;
    int rc = SQL_OK;
    for (int i = 0; i < p->ntargets && !rc; i++) {
        if (p->targets[i].expr) rc = sqlexpr_eval(p->targets[i].expr, &c, &out[i], err);
        else rc = sqlval_copy(&out[i], &row[p->targets[i].colidx], err);
    }
    if (!rc) rc = result_add(res, out, err);
    vals_free(out, p->ntargets);
    return rc;
}

/* The keys one INSERT ... ON CONFLICT DO UPDATE has inserted or updated: PostgreSQL refuses to
 * affect a row twice in one command (21000). Open addressing over copies of the keys. */
typedef struct pkset {
    uint8_t **keys;
    size_t *lens;
    size_t cap, n;
} pkset;

static uint64_t pk_hash(const uint8_t *k, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) h = (h ^ k[i]) * 1099511628211ull;
    return h;
}

static bool pkset_has(const pkset *set, const uint8_t *k, size_t n)
{
    if (!set->cap) return false;
    for (size_t j = pk_hash(k, n) & (set->cap - 1); set->keys[j]; j = (j + 1) & (set->cap - 1))
        if (set->lens[j] == n && !memcmp(set->keys[j], k, n)) return true;
    return false;
}

/* 1 when k was in the set, 0 when added now, SQL_ERR on out of memory. */
static int pkset_add(pkset *set, const uint8_t *k, size_t n, sqlerr *err)
{
    if ((set->n + 1) * 2 > set->cap) {
        size_t nc = set->cap ? set->cap * 2 : 64;
        uint8_t **nk = calloc(nc, sizeof *nk);
        size_t *nl = calloc(nc, sizeof *nl);
        if (!nk || !nl) {
            free(nk);
            free(nl);
            return sqlerr_oom(err);
        }
        for (size_t i = 0; i < set->cap; i++) {
            if (!set->keys[i]) continue;
            size_t j = pk_hash(set->keys[i], set->lens[i]) & (nc - 1);
            while (nk[j]) j = (j + 1) & (nc - 1);
            nk[j] = set->keys[i];
            nl[j] = set->lens[i];
        }
        free(set->keys);
        free(set->lens);
        set->keys = nk;
        set->lens = nl;
        set->cap = nc;
    }
    size_t j = pk_hash(k, n) & (set->cap - 1);
    for (; set->keys[j]; j = (j + 1) & (set->cap - 1))
        if (set->lens[j] == n && !memcmp(set->keys[j], k, n)) return 1;
    if (!(set->keys[j] = malloc(n ? n : 1))) return sqlerr_oom(err);
    memcpy(set->keys[j], k, n);
    set->lens[j] = n;
    set->n++;
    return 0;
}

static void pkset_free(pkset *set)
{
    for (size_t i = 0; i < set->cap; i++) free(set->keys[i]);
    free(set->keys);
    free(set->lens);
}

/* ---- foreign keys ----------------------------------------------------------------------------
 *
 * Checked in the region that writes, against its own state, at the end of each statement (as
 * PostgreSQL's NO ACTION: rows a statement inserts may reference each other): every row a
 * statement inserts or updates must find the row its key columns reference (MATCH SIMPLE: a
 * NULL in them skips the check), and a DELETE must not leave a referencing row behind. Across
 * regions there is no such check: a region deleting a parent row while another inserts a
 * child of it can leave the child without its parent (docs/sql-reference.md). DEFERRABLE
 * constraints are checked at statement end too. */

/* "(a, b)=(1, 2)" of the fk columns of row vals of table t. */
static void fk_keytext(const sqlschema_table *t, const uint16_t *ids, int n, const sqlval *vals,
                       char *out, size_t cap)
{
    size_t o = 0;
    o += (size_t)snprintf(out + o, cap - o, "(");
    for (int k = 0; k < n && o < cap; k++) {
        int ci = -1;
        for (int j = 0; j < t->ncols; j++)
            if (t->cols[j].id == ids[k]) ci = j;
        o += (size_t)snprintf(out + o, cap - o, "%s%s", k ? ", " : "", ci >= 0 ? t->cols[ci].name : "?");
    }
    if (o < cap) o += (size_t)snprintf(out + o, cap - o, ")=(");
    for (int k = 0; k < n && o < cap; k++) {
        int ci = -1;
        for (int j = 0; j < t->ncols; j++)
            if (t->cols[j].id == ids[k]) ci = j;
        char *txt = NULL;
        size_t tl = 0;
        if (ci >= 0 && !vals[ci].isnull && sqlval_to_text(&vals[ci], &txt, &tl, NULL)) txt = NULL;
        o += (size_t)snprintf(out + o, cap - o, "%s%.*s", k ? ", " : "", (int)(txt ? tl : 4),
                              txt ? txt : "null");
        free(txt);
    }
    if (o < cap) snprintf(out + o, cap - o, ")");
}

static int col_index(const sqlschema_table *t, uint16_t id)
{
    for (int j = 0; j < t->ncols; j++)
        if (t->cols[j].id == id) return j;
    return -1;
}

/* The parent key fk references from child row vals, encoded into b: 1 done, 0 a NULL in it
 * (nothing to check), SQL_ERR. */
static int fk_parent_key(const sqlschema_table *child, const sqlschema_fk *fk,
                         const sqlschema_table *parent, const sqlval *vals, codec_buf *b,
                         sqlerr *err)
{
    sqlval pv[64];
    int n = parent->ncols < 64 ? parent->ncols : 64;
    for (int j = 0; j < n; j++) sqlval_init_null(&pv[j], parent->cols[j].type);
    int rc = 1;
    for (int k = 0; k < fk->ncols && rc == 1; k++) {
        int ci = col_index(child, fk->cols[k]), pj = col_index(parent, fk->ref_cols[k]);
        if (ci < 0 || pj < 0 || pj >= n) rc = sqlerr_set(err, "XX000", -1, "foreign key \"%s\" names a missing column", fk->name);
        else if (vals[ci].isnull) rc = 0;
        else if (sqlval_cast(&vals[ci], parent->cols[pj].type, &pv[pj], err)) rc = SQL_ERR;
    }
    if (rc == 1) {
        codec_buf_reset(b);
        if (pk_encode(parent, pv, b, err)) rc = SQL_ERR;
    }
    for (int j = 0; j < n; j++) sqlval_free(&pv[j]);
    return rc;
}

/* Every foreign key of child row pk (as the statement left it) finds its parent. */
static int fk_check_row(sx_session *s, const sqlschema_table *t, const uint8_t *pk, size_t pklen,
                        sqlerr *err)
{
    sqlval *row = NULL;
    if (sqlrun_row_get(s, t, pk, pklen, &row, err)) return SQL_ERR;
    if (!row) return SQL_OK;
    codec_buf b;
    codec_buf_init(&b);
    int rc = SQL_OK;
    for (int f = 0; f < t->nfks && !rc; f++) {
        const sqlschema_fk *fk = &t->fks[f];
        const sqlschema_table *parent = fk->ref_table == t->id ? t : sx_table_by_id(s, fk->ref_table);
        if (!parent) continue; /* dropped with its children's keys (refused in this region) */
        int k = fk_parent_key(t, fk, parent, row, &b, err);
        if (k < 0) rc = SQL_ERR;
        if (k != 1) continue;
        sqlval *prow = NULL;
        if (sqlrun_row_get(s, parent, b.data, b.len, &prow, err)) {
            rc = SQL_ERR;
            break;
        }
        if (prow) {
            vals_free(prow, parent->ncols);
            continue;
        }
        char key[SQLERR_AUX_MAX - 64];
        fk_keytext(t, fk->cols, fk->ncols, row, key, sizeof key);
        sqlerr_set(err, "23503", -1,
                   "insert or update on table \"%s\" violates foreign key constraint \"%s\"",
                   t->name, fk->name);
        sqlerr_object(err, t->name, NULL, fk->name);
        sqlerr_detail(err, "Key %s is not present in table \"%s\".", key, parent->name);
        rc = SQL_ERR;
    }
    codec_buf_free(&b);
    vals_free(row, t->ncols);
    return rc;
}

static int fk_check_rows(sx_session *s, const sqlschema_table *t, const pkset *rows, sqlerr *err)
{
    if (!t->nfks) return SQL_OK;
    for (size_t i = 0; i < rows->cap; i++)
        if (rows->keys[i] && fk_check_row(s, t, rows->keys[i], rows->lens[i], err)) return SQL_ERR;
    return SQL_OK;
}

/* "(parent key columns)=(child's values)", as the NO ACTION error's detail names the key */
static void fk_parent_keytext(const sqlschema_table *child, const sqlschema_fk *fk,
                              const sqlschema_table *parent, const sqlval *row, char *key, size_t n)
{
    fk_keytext(child, fk->cols, fk->ncols, row, key, n);
    const char *eq = strstr(key, ")=(");
    char names[256] = "";
    size_t o = 0;
    for (int k2 = 0; k2 < fk->ncols && o < sizeof names; k2++) {
        int pj = col_index(parent, fk->ref_cols[k2]);
        o += (size_t)snprintf(names + o, sizeof names - o, "%s%s", k2 ? ", " : "",
                              pj >= 0 ? parent->cols[pj].name : "?");
    }
    char tmp[SQLERR_AUX_MAX];
    snprintf(tmp, sizeof tmp, "(%s%s", names, eq ? eq : ")");
    size_t l = strlen(tmp);
    if (l >= n) l = n - 1;
    memcpy(key, tmp, l);
    key[l] = 0;
}

typedef struct fkscan {
    sx_session *s;
    const sqlschema_table *child, *parent;
    const sqlschema_fk *fk;
    const pkset *deleted;
    codec_buf b;
    bool found;
    char key[SQLERR_AUX_MAX - 96];
} fkscan;

static int fkscan_row(void *ctx, const uint8_t *pk, size_t pklen, sqlval *row, const crdt_row *raw,
                      sqlerr *err)
{
    (void)pk, (void)pklen, (void)raw;
    fkscan *f = ctx;
    int rc = SQL_OK;
    if (!f->found) {
        int k = fk_parent_key(f->child, f->fk, f->parent, row, &f->b, err);
        if (k < 0) rc = SQL_ERR;
        if (k == 1 && pkset_has(f->deleted, f->b.data, f->b.len)) {
            sqlval *prow = NULL;
            if (sqlrun_row_get(f->s, f->parent, f->b.data, f->b.len, &prow, err)) rc = SQL_ERR;
            else if (!prow) {
                f->found = true;
                fk_parent_keytext(f->child, f->fk, f->parent, row, f->key, sizeof f->key);
            }
            vals_free(prow, f->parent->ncols);
        }
    }
    vals_free(row, f->child->ncols);
    return rc;
}

/* After a DELETE of rows deleted (their keys) from t: no row of a table whose foreign key
 * references t may still point at one of them. One scan per referencing key. */
static int fk_check_deleted(sx_session *s, const sqlschema_table *t, const pkset *deleted,
                            const sqlexpr_ctx *base, sqlerr *err)
{
    if (!deleted->n) return SQL_OK;
    for (int i = 0; i < s->x->ntables; i++) {
        const sqlschema_table *child = sx_table_find_in(s, sx_table_nsp(s, s->x->tables[i]), s->x->tables[i]->name);
        if (!child || child->id != s->x->tables[i]->id) child = NULL;
        for (int f = 0; child && f < child->nfks; f++) {
            if (child->fks[f].ref_table != t->id) continue;
            fkscan fs = {.s = s, .child = child, .parent = t, .fk = &child->fks[f], .deleted = deleted};
            codec_buf_init(&fs.b);
            int rc = scan(s, child, NULL, base, fkscan_row, &fs, err);
            codec_buf_free(&fs.b);
            if (rc) return SQL_ERR;
            if (fs.found) {
                sqlerr_set(err, "23503", -1,
                           "update or delete on table \"%s\" violates foreign key constraint \"%s\" on table \"%s\"",
                           t->name, child->fks[f].name, child->name);
                sqlerr_object(err, child->name, NULL, child->fks[f].name);
                sqlerr_detail(err, "Key %s is still referenced from table \"%s\".", fs.key, child->name);
                return SQL_ERR;
            }
        }
    }
    return SQL_OK;
}

/* The table (other than t itself) one of whose foreign keys references t, or NULL. */
static const sqlschema_table *fk_referencing(sx_session *s, const sqlschema_table *t,
                                            const sqlschema_fk **fk)
{
    for (int i = 0; i < s->x->ntables; i++) {
        const sqlschema_table *c = sx_table_find_in(s, sx_table_nsp(s, s->x->tables[i]), s->x->tables[i]->name);
        if (!c || c->id == t->id || c->id != s->x->tables[i]->id) continue;
        for (int f = 0; f < c->nfks; f++)
            if (c->fks[f].ref_table == t->id) {
                *fk = &c->fks[f];
                return c;
            }
    }
    for (int i = 0; i < s->txn.ncat; i++) { /* created in this transaction */
        const sqlschema_table *c = s->txn.cat[i].drop ? NULL : s->txn.cat[i].table;
        if (!c || c->id == t->id || sx_table_find_in(s, sx_table_nsp(s, c), c->name) != c) continue;
        for (int f = 0; f < c->nfks; f++)
            if (c->fks[f].ref_table == t->id) {
                *fk = &c->fks[f];
                return c;
            }
    }
    return NULL;
}

/* A FOREIGN KEY of CREATE TABLE / ALTER TABLE ADD CONSTRAINT resolved against t (whose id is
 * set) and the catalog, as PostgreSQL checks it. */
/* Whether name (as a statement wrote it, maybe with its schema) names table t, which may not be
 * in the catalog yet (CREATE TABLE's REFERENCES to itself): the first schema of the lookup
 * that is t's or holds a relation of that name decides. */
static bool names_table(sx_session *s, const char *name, const sqlschema_table *t)
{
    uint32_t path[SQLSCHEMA_PATH_MAX];
    const char *rel;
    int n = sx_name_path(s, name, &rel, path);
    if (strcmp(rel, t->name)) return false;
    for (int i = 0; i < n; i++) {
        if (path[i] == sqlschema_nsp(t)) return true;
        if (sx_table_find_in(s, path[i], rel)) return false;
    }
    return false;
}

static int fk_resolve(sx_session *s, const sqlschema_table *t, const sqlast_fk *a, sqlschema_fk *out,
                      sqlerr *err)
{
    memset(out, 0, sizeof *out);
    bool self = names_table(s, a->ref_table, t);
    const sqlschema_table *p = self ? t : sx_table_find(s, a->ref_table);
    if (!p) return sqlerr_set(err, "42P01", -1, "relation \"%s\" does not exist", a->ref_table);
    if (p->view_sql || p->seq)
        return sqlerr_set(err, "42809", -1, "referenced relation \"%s\" is not a table", a->ref_table);
    if (a->ncols > 32) return sqlerr_set(err, "54011", -1, "cannot have more than 32 keys in a foreign key");
    for (int k = 0; k < a->ncols; k++) {
        int ci = sqlschema_find_column(t, a->cols[k]);
        if (ci < 0 || t->cols[ci].hidden)
            return sqlerr_set(err, "42703", -1, "column \"%s\" referenced in foreign key constraint does not exist",
                              a->cols[k]);
        out->cols[k] = t->cols[ci].id;
    }
    if (a->nref == 0) { /* the primary key */
        if (sqlschema_has_rowid(p) || p->npk == 0)
            return sqlerr_set(err, "42830", -1, "there is no primary key for referenced table \"%s\"", p->name);
        if (p->npk != a->ncols)
            return sqlerr_set(err, "42830", -1, "number of referencing and referenced columns for foreign key disagree");
        for (int k = 0; k < p->npk; k++) out->ref_cols[k] = p->cols[p->pk[k]].id;
    } else {
        if (a->nref != a->ncols)
            return sqlerr_set(err, "42830", -1, "number of referencing and referenced columns for foreign key disagree");
        bool is_pk = p->npk == a->nref && !sqlschema_has_rowid(p);
        for (int k = 0; k < a->nref; k++) {
            int pj = sqlschema_find_column(p, a->ref_cols[k]);
            if (pj < 0)
                return sqlerr_set(err, "42703", -1, "column \"%s\" referenced in foreign key constraint does not exist",
                                  a->ref_cols[k]);
            is_pk = is_pk && p->cols[pj].pk_pos >= 0;
            for (int j = 0; j < k; j++) is_pk = is_pk && out->ref_cols[j] != p->cols[pj].id;
            out->ref_cols[k] = p->cols[pj].id;
        }
        if (!is_pk) /* HeliosDB's only unique keys are primary keys */
            return sqlerr_set(err, "42830", -1,
                              "there is no unique constraint matching given keys for referenced table \"%s\"",
                              p->name);
    }
    out->ncols = a->ncols;
    out->ref_table = p->id;
    out->on_delete = a->on_delete ? a->on_delete : 'a';
    out->on_update = a->on_update ? a->on_update : 'a';
    out->deferrable = a->deferrable;
    out->deferred = a->deferred;
    char name[128];
    if (a->name) {
        snprintf(name, sizeof name, "%s", a->name);
    } else { /* PostgreSQL's choice: table_col1_col2_fkey, cut to 63 bytes, numbered if taken */
        char cols[96] = "";
        size_t o = 0;
        for (int k = 0; k < a->ncols && o < sizeof cols; k++)
            o += (size_t)snprintf(cols + o, sizeof cols - o, "%s%s", k ? "_" : "", a->cols[k]);
        for (int pass = 0; pass < 100; pass++) {
            char suffix[16];
            snprintf(suffix, sizeof suffix, pass ? "fkey%d" : "fkey", pass);
            size_t tl = strlen(t->name), cl = strlen(cols), room = 63 - strlen(suffix) - 2;
            while (tl + cl > room) {
                if (tl > cl) tl--;
                else cl--;
            }
            snprintf(name, sizeof name, "%.*s_%.*s_%s", (int)tl, t->name, (int)cl, cols, suffix);
            bool taken = false;
            for (int f = 0; f < t->nfks; f++) taken |= !strcmp(t->fks[f].name, name);
            if (!taken) break;
        }
    }
    for (int f = 0; f < t->nfks; f++)
        if (!strcmp(t->fks[f].name, name))
            return sqlerr_set(err, "42710", -1, "constraint \"%s\" for relation \"%s\" already exists",
                              name, t->name);
    for (int k = 0; k < a->ncols; k++) {
        const sqlschema_column *cc = &t->cols[col_index(t, out->cols[k])];
        const sqlschema_column *pc = &p->cols[col_index(p, out->ref_cols[k])];
        if (cc->kind != SQLSCHEMA_LWW || !sqlexpr_comparable(cc->type, pc->type) ||
            (sqlval_type_is_numeric(cc->type) != sqlval_type_is_numeric(pc->type))) {
            sqlerr_set(err, "42804", -1, "foreign key constraint \"%s\" cannot be implemented", name);
            sqlerr_detail(err, "Key columns \"%s\" and \"%s\" are of incompatible types: %s and %s.",
                          cc->name, pc->name, cc->type_name, pc->type_name);
            return SQL_ERR;
        }
    }
    if (!(out->name = strdup(name))) return sqlerr_oom(err);
    return SQL_OK;
}

static int fk_add(sqlschema_table *t, sqlschema_fk *fk, sqlerr *err)
{
    if (t->nfks >= SQLSCHEMA_MAX_FKS) {
        free(fk->name);
        return sqlerr_set(err, "54000", -1, "too many foreign keys on table \"%s\"", t->name);
    }
    sqlschema_fk *n = realloc(t->fks, (size_t)(t->nfks + 1) * sizeof *n);
    if (!n) {
        free(fk->name);
        return sqlerr_oom(err);
    }
    t->fks = n;
    t->fks[t->nfks++] = *fk;
    return SQL_OK;
}

static int run_insert(sx_session *s, sx_plan *p, const sqlexpr_ctx *base, sx_result *res,
                      sqlerr *err)
{
    pkset affected = {0}, fkrows = {0}; /* fkrows: rows whose foreign keys and unique indexes
                                         * are checked at the end */
    const sqlast_stmt *st = p->st;
    const sqlschema_table *t = p->table;
    bool uq = sqlrun_has_unique(s, t);
    uint64_t count = 0;
    sqlval **qrows = NULL; /* INSERT ... SELECT: the query's rows, read before any insert */
    size_t nq = 0;
    codec_buf pk;
    codec_buf_init(&pk);
    sqlval *vals = calloc((size_t)t->ncols + 1, sizeof *vals);
    bool *given = calloc((size_t)t->ncols + 1, sizeof *given);
    sqlval *old = NULL;
    int rc = SQL_ERR;
    if (!vals || !given) {
        sqlerr_oom(err);
        goto out;
    }
    if (st->select && sqlrun_query_rows(s, p->qp, base, &qrows, &nq, err)) goto out;
    size_t nsrc = st->select ? nq : (size_t)st->nrows;
    for (size_t r = 0; r < nsrc; r++) {
        if (sx_interrupted(s, err)) goto out;
        for (int c = 0; c < t->ncols; c++) {
            sqlval_free(&vals[c]);
            sqlval_init_null(&vals[c], write_type(&t->cols[c]));
            given[c] = false;
        }
        for (int c = 0; st->select && c < p->nqcols; c++) {
            int ci = p->insert_map[c];
            sqlval_free(&vals[ci]);
            sqlval *v = &qrows[r][c];
            if (v->isnull || v->type == write_type(&t->cols[ci])) sqlval_move(&vals[ci], v);
            else if (sqlval_cast(v, write_type(&t->cols[ci]), &vals[ci], err)) goto out;
            if (vals[ci].isnull) vals[ci].type = write_type(&t->cols[ci]);
            given[ci] = true;
        }
        for (int c = 0; !st->select && c < st->nvalues; c++) {
            int ci = p->insert_map[c];
            if (!st->rows[r][c]) continue; /* DEFAULT */
            sqlval_free(&vals[ci]);
            if (eval_cast(st->rows[r][c], base, write_type(&t->cols[ci]), &vals[ci], err)) goto out;
            given[ci] = true;
            /* an enum label is checked against its type here, as PostgreSQL checks a literal
             * while parsing: the error points at it */
            if (t->cols[ci].type == SQLVAL_ENUM &&
                sqlschema_typmod_apply(&vals[ci], t->cols[ci].typmod, false, err)) {
                if (err && !err->position && st->rows[r][c]->kind == SQLAST_CONST)
                    err->position = st->rows[r][c]->location + 1;
                goto out;
            }
        }
        sx_fill_rowid(s, t, vals, given); /* a table without a primary key */
        for (int c = 0; c < t->ncols; c++) {
            const sqlschema_column *col = &t->cols[c];
            if (given[c] && col->identity == 'a' && !st->overriding_system) {
                sqlerr_set(err, "428C9", -1, "cannot insert a non-DEFAULT value into column \"%s\"",
                           col->name);
                sqlerr_detail(err, "Column \"%s\" is an identity column defined as GENERATED ALWAYS.",
                              col->name);
                sqlerr_hint(err, "Use OVERRIDING SYSTEM VALUE to override.");
                goto out;
            }
            if (!given[c] && col->has_default) {
                if (col->default_now || col->default_uuid) {
                    if (default_volatile(col, base->env->now_us, &vals[c], err)) goto out;
                } else if (col->default_seq) {
                    if (default_next(s, t, col, &vals[c], err)) goto out;
                } else if (sqlval_copy(&vals[c], &col->default_value, err)) goto out;
            }
            if (sqlschema_typmod_apply(&vals[c], col->typmod, false, err)) goto out;
        }
        for (int c = 0; c < t->ncols; c++) { /* on the whole row, defaults in */
            const sqlschema_column *col = &t->cols[c];
            if ((col->not_null || col->pk_pos >= 0) && vals[c].isnull &&
                (given[c] || col->kind == SQLSCHEMA_LWW || col->pk_pos >= 0)) {
                sqlerr_set(err, "23502", -1,
                           "null value in column \"%s\" of relation \"%s\" violates not-null "
                           "constraint",
                           col->name, t->name);
                sqlerr_object(err, t->name, col->name, NULL);
                failing_row(t, vals, err);
                goto out;
            }
        }
        if (p->nchecks && check_row(p, base, vals, err)) goto out;
        codec_buf_reset(&pk);
        if (pk_encode(t, vals, &pk, err)) goto out;
        vals_free(old, t->ncols);
        old = NULL;
        /* locked first, so the existence check sees the latest committed row (REPEATABLE
           READ: its snapshot's; ON CONFLICT then fails with 40001 if the row changed since,
           a plain INSERT with 23505 if it appeared since, as in PostgreSQL) */
        s->rr_insert = st->on_conflict == SQLAST_CONFLICT_NONE;
        int lrc = sx_lock_row(s, t->id, pk.data, pk.len, err);
        s->rr_insert = false;
        if (lrc || sqlrun_row_get(s, t, pk.data, pk.len, &old, err)) goto out;
        if (!old && st->on_conflict == SQLAST_CONFLICT_NONE) {
            int ch = sx_rr_changed(s, t->id, pk.data, pk.len, err);
            if (ch < 0) goto out;
            if (ch == 1) {
                unique_violation(t, vals, err);
                goto out;
            }
        }
        if (old && st->on_conflict == SQLAST_CONFLICT_NONE) {
            unique_violation(t, vals, err);
            goto out;
        }
        if (st->on_conflict == SQLAST_CONFLICT_UPDATE && pkset_has(&affected, pk.data, pk.len)) {
            sqlerr_set(err, "21000", -1,
                       "ON CONFLICT DO UPDATE command cannot affect row a second time");
            sqlerr_hint(err, "Ensure that no rows proposed for insertion within the same "
                             "command have duplicate constrained values.");
            goto out;
        }
        if (old && st->on_conflict == SQLAST_CONFLICT_NOTHING) continue;
        if (old && st->on_conflict == SQLAST_CONFLICT_UPDATE) {
            sqlexpr_ctx c = *base;
            c.row = old;
            c.nrow = t->ncols;
            c.excluded = vals;
            if (st->conflict_where) {
                bool yes;
                if (sqlexpr_eval_bool(st->conflict_where, &c, &yes, err)) goto out;
                if (!yes) continue;
            }
            if (apply_setops(s, p, &pk, &c, err)) goto out;
            if (pkset_add(&affected, pk.data, pk.len, err) < 0) goto out;
            if ((t->nfks || uq) && pkset_add(&fkrows, pk.data, pk.len, err) < 0) goto out;
        } else {
            sx_op touch;
            memset(&touch, 0, sizeof touch);
            if (rec(s, t, &pk, SX_OP_TOUCH, -1, &touch, err)) goto out;
            for (int c = 0; c < t->ncols; c++) {
                if (t->cols[c].pk_pos >= 0) continue;
                if (!given[c] && !t->cols[c].has_default) continue;
                if (write_insert_col(s, t, &pk, c, &vals[c], err)) goto out;
            }
            if (st->on_conflict == SQLAST_CONFLICT_UPDATE &&
                pkset_add(&affected, pk.data, pk.len, err) < 0)
                goto out;
            if ((t->nfks || uq) && pkset_add(&fkrows, pk.data, pk.len, err) < 0) goto out;
        }
        count++;
        if (p->ntargets) {
            sqlval *now = NULL;
            if (sqlrun_row_get(s, t, pk.data, pk.len, &now, err)) goto out;
            if (now) {
                int arc = add_returning(p, now, t->ncols, base, res, err);
                vals_free(now, t->ncols);
                if (arc) goto out;
            }
        }
    }
    if (fk_check_rows(s, t, &fkrows, err)) goto out;
    if (uq && sqlrun_unique_check(s, t, fkrows.keys, fkrows.lens, fkrows.cap, err)) goto out;
    snprintf(res->tag, sizeof res->tag, "INSERT 0 %llu", (unsigned long long)count);
    rc = SQL_OK;
out:
    for (size_t i = 0; i < nq; i++) vals_free(qrows[i], p->nqcols);
    free(qrows);
    pkset_free(&affected);
    pkset_free(&fkrows);
    vals_free(old, t->ncols);
    if (vals) vals_free(vals, t->ncols);
    free(given);
    codec_buf_free(&pk);
    return rc;
}

/* Matching rows are collected first (pk + values), then written: writing while scanning the
 * overlay would change what the scan sees. */
typedef struct collected {
    uint8_t **pks;
    size_t *pklens;
    sqlval **rows;
    size_t n, cap;
    int ncols;
} collected;

static int collect_fn(void *ctx, const uint8_t *pk, size_t pklen, sqlval *row,
                      const crdt_row *raw, sqlerr *err)
{
    (void)raw;
    collected *c = ctx;
    if (c->n == c->cap) {
        size_t nc = c->cap ? c->cap * 2 : 16;
        uint8_t **np = realloc(c->pks, nc * sizeof *np);
        if (np) c->pks = np;
        size_t *nl = realloc(c->pklens, nc * sizeof *nl);
        if (nl) c->pklens = nl;
        sqlval **nr = realloc(c->rows, nc * sizeof *nr);
        if (nr) c->rows = nr;
        if (!np || !nl || !nr) {
            vals_free(row, c->ncols);
            return sqlerr_oom(err);
        }
        c->cap = nc;
    }
    uint8_t *k = malloc(pklen ? pklen : 1);
    if (!k) {
        vals_free(row, c->ncols);
        return sqlerr_oom(err);
    }
    memcpy(k, pk, pklen);
    c->pks[c->n] = k;
    c->pklens[c->n] = pklen;
    c->rows[c->n] = row;
    c->n++;
    return SQL_OK;
}

/* UPDATE ... FROM / DELETE ... USING: the target rows the join matches (the first match of
 * each, as PostgreSQL takes one), each with the FROM items' columns after its own. */
static int collect_joined(sx_session *s, sx_plan *p, const sqlexpr_ctx *base, collected *c,
                          sqlerr *err)
{
    const sqlschema_table *t = p->table;
    sqlplan_run *run = base->run;
    int width = p->dp->q->ncols;
    pkset seen = {0};
    codec_buf pk;
    codec_buf_init(&pk);
    int rc = SQL_OK;
    (void)s;
    c->ncols = width;
    for (;;) {
        sqlval *row;
        int k = sqlplan_next(run, &row, err);
        if (k < 0) rc = SQL_ERR;
        if (k <= 0) break;
        codec_buf_reset(&pk);
        if (pk_encode(t, row, &pk, err)) {
            vals_free(row, width);
            rc = SQL_ERR;
            break;
        }
        int added = pkset_add(&seen, pk.data, pk.len, err);
        if (added < 0) {
            vals_free(row, width);
            rc = SQL_ERR;
            break;
        }
        if (added == 1) { /* matched again: PostgreSQL updates a row once */
            vals_free(row, width);
            continue;
        }
        if ((rc = collect_fn(c, pk.data, pk.len, row, NULL, err))) break;
    }
    pkset_free(&seen);
    codec_buf_free(&pk);
    return rc;
}

static void collected_free(collected *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->pks[i]);
        vals_free(c->rows[i], c->ncols);
    }
    free(c->pks);
    free(c->pklens);
    free(c->rows);
}

/* ---- ON DELETE CASCADE | SET NULL | SET DEFAULT ------------------------------------------
 * Run at the end of a DELETE, as PostgreSQL's referential triggers run at the end of the
 * statement: a row referencing a deleted row is deleted in turn (and so on down the chain,
 * breadth first, each table's rows once), or gets NULL or its columns' defaults in the key's
 * columns (NOT NULL, CHECK, UNIQUE and, for SET DEFAULT, the new parent are checked as an
 * UPDATE checks them). Then the NO ACTION / RESTRICT check runs for every table rows left.
 * The child rows are found by a scan of the child table, in the region that writes, within
 * the statement's transaction; like the NO ACTION check it cannot reach a child another
 * region inserts concurrently (docs/sql-reference.md "Foreign keys"). No privilege on the
 * child table is needed, as in PostgreSQL (the action runs as the table's owner). */

typedef struct fkhit {
    const sqlschema_table *child, *parent;
    const sqlschema_fk *fk;
    const pkset *deleted;
    codec_buf b;
    collected rows;
} fkhit;

static int fkhit_row(void *ctx, const uint8_t *pk, size_t pklen, sqlval *row, const crdt_row *raw,
                     sqlerr *err)
{
    fkhit *h = ctx;
    int k = fk_parent_key(h->child, h->fk, h->parent, row, &h->b, err);
    if (k == 1 && pkset_has(h->deleted, h->b.data, h->b.len))
        return collect_fn(&h->rows, pk, pklen, row, raw, err);
    vals_free(row, h->child->ncols);
    return k < 0 ? SQL_ERR : SQL_OK;
}

/* SET NULL / SET DEFAULT on one child row (its values: row, which is changed in place) */
static int fk_set_row(sx_session *s, const sqlschema_table *t, const sqlschema_fk *fk,
                      const uint8_t *pkb, size_t pklen, sqlval *row, const sqlparse_result *checks,
                      const sqlexpr_ctx *base, sqlerr *err)
{
    for (int k = 0; k < fk->ncols; k++) {
        int ci = col_index(t, fk->cols[k]);
        const sqlschema_column *col = &t->cols[ci];
        sqlval_free(&row[ci]);
        sqlval_init_null(&row[ci], col->type);
        if (fk->on_delete == 'd' && col->has_default) {
            int rc = col->default_now || col->default_uuid ? default_volatile(col, base->env->now_us, &row[ci], err)
                     : col->default_seq ? default_next(s, t, col, &row[ci], err)
                                        : sqlval_copy(&row[ci], &col->default_value, err);
            if (!rc) rc = sqlschema_typmod_apply(&row[ci], col->typmod, false, err);
            if (rc) return SQL_ERR;
        }
        if ((col->not_null || col->pk_pos >= 0) && row[ci].isnull) {
            sqlerr_set(err, "23502", -1,
                       "null value in column \"%s\" of relation \"%s\" violates not-null constraint",
                       col->name, t->name);
            sqlerr_object(err, t->name, col->name, NULL);
            failing_row(t, row, err);
            return SQL_ERR;
        }
        if (col->pk_pos >= 0)
            return sqlerr_unsupported(err, -1, "ON DELETE SET NULL / SET DEFAULT on a primary key column");
    }
    if (t->nchecks && check_row_of(t, checks, t->nchecks, base, row, err)) return SQL_ERR;
    codec_buf pk;
    codec_buf_init(&pk);
    codec_put_raw(&pk, pkb, pklen);
    sx_op touch;
    memset(&touch, 0, sizeof touch);
    int rc = pk.err ? sqlerr_oom(err) : rec(s, t, &pk, SX_OP_TOUCH, -1, &touch, err);
    for (int k = 0; k < fk->ncols && !rc; k++) {
        int ci = col_index(t, fk->cols[k]);
        sx_op op;
        memset(&op, 0, sizeof op);
        rc = lww_value(&row[ci], &op.v, err);
        if (!rc) rc = rec(s, t, &pk, SX_OP_LWW, ci, &op, err);
    }
    codec_buf_free(&pk);
    return rc;
}

/* PostgreSQL runs SET NULL / SET DEFAULT as an UPDATE and names it in the error's context */
static void fk_action_context(const sqlschema_table *t, const sqlschema_fk *fk, sqlerr *err)
{
    if (!err || err->context[0]) return;
    char set[SQLERR_AUX_MAX] = "", where[SQLERR_AUX_MAX] = "";
    size_t so = 0, wo = 0;
    for (int k = 0; k < fk->ncols; k++) {
        int ci = col_index(t, fk->cols[k]);
        const char *cn = ci >= 0 ? t->cols[ci].name : "?";
        if (so < sizeof set)
            so += (size_t)snprintf(set + so, sizeof set - so, "%s \"%s\" = %s", k ? "," : "", cn,
                                   fk->on_delete == 'n' ? "NULL" : "DEFAULT");
        if (wo < sizeof where)
            wo += (size_t)snprintf(where + wo, sizeof where - wo, " %s $%d OPERATOR(pg_catalog.=) \"%s\"",
                                   k ? "AND" : "WHERE", k + 1, cn);
    }
    sqlerr_context(err, "SQL statement \"UPDATE ONLY \"public\".\"%s\" SET%s%s\"", t->name, set, where);
}

typedef struct fkwork {
    const sqlschema_table *t;
    pkset keys;
} fkwork;

static int fk_on_delete(sx_session *s, const sqlschema_table *t, const pkset *deleted,
                        const sqlexpr_ctx *base, sqlerr *err)
{
    fkwork *w = NULL;
    size_t n = 0, cap = 0;
    int rc = SQL_OK;
    for (size_t i = 0; i <= n && !rc; i++) {
        /* item i - 1 of the work list (w may move as items are added: its sets do not) */
        const sqlschema_table *pt = i ? w[i - 1].t : t;
        pkset cur = i ? w[i - 1].keys : *deleted;
        const pkset *del = &cur;
        for (int x = 0; x < s->x->ntables && !rc; x++) {
            const sqlschema_table *child = sx_table_find_in(s, sx_table_nsp(s, s->x->tables[x]), s->x->tables[x]->name);
            if (!child || child->id != s->x->tables[x]->id) continue;
            for (int f = 0; f < child->nfks && !rc; f++) {
                const sqlschema_fk *fk = &child->fks[f];
                if (fk->ref_table != pt->id || !strchr("cnd", fk->on_delete)) continue;
                fkhit h = {.child = child, .parent = pt, .fk = fk, .deleted = del,
                           .rows = {.ncols = child->ncols}};
                codec_buf_init(&h.b);
                rc = scan(s, child, NULL, base, fkhit_row, &h, err);
                pkset keys = {0};
                sqlparse_result *checks = NULL;
                if (!rc && fk->on_delete != 'c' && child->nchecks) {
                    if (!(checks = calloc((size_t)child->nchecks, sizeof *checks))) rc = sqlerr_oom(err);
                    for (int k = 0; k < child->nchecks && !rc; k++)
                        rc = check_parse(child, &child->checks[k], &checks[k], err);
                }
                for (size_t r = 0; r < h.rows.n && !rc; r++) {
                    if ((rc = sx_interrupted(s, err))) break;
                    rc = sx_lock_row(s, child->id, h.rows.pks[r], h.rows.pklens[r], err);
                    if (!rc && fk->on_delete == 'c') {
                        codec_buf pk;
                        codec_buf_init(&pk);
                        codec_put_raw(&pk, h.rows.pks[r], h.rows.pklens[r]);
                        sx_op op;
                        memset(&op, 0, sizeof op);
                        rc = pk.err ? sqlerr_oom(err) : rec(s, child, &pk, SX_OP_DELETE, -1, &op, err);
                        codec_buf_free(&pk);
                    } else if (!rc) {
                        rc = fk_set_row(s, child, fk, h.rows.pks[r], h.rows.pklens[r], h.rows.rows[r],
                                        checks, base, err);
                        if (rc) fk_action_context(child, fk, err);
                        /* a default that is itself a key being deleted: PostgreSQL's SET
                         * DEFAULT looks again and reports the delete */
                        int k = rc ? 0 : fk_parent_key(child, fk, pt, h.rows.rows[r], &h.b, err);
                        if (k < 0) rc = SQL_ERR;
                        if (k == 1 && pkset_has(del, h.b.data, h.b.len)) {
                            char key[SQLERR_AUX_MAX - 64];
                            fk_parent_keytext(child, fk, pt, h.rows.rows[r], key, sizeof key);
                            sqlerr_set(err, "23503", -1,
                                       "update or delete on table \"%s\" violates foreign key constraint \"%s\" on table \"%s\"",
                                       pt->name, fk->name, child->name);
                            sqlerr_object(err, child->name, NULL, fk->name);
                            sqlerr_detail(err, "Key %s is still referenced from table \"%s\".", key, child->name);
                            rc = SQL_ERR;
                        }
                    }
                    if (!rc && pkset_add(&keys, h.rows.pks[r], h.rows.pklens[r], err) < 0) rc = SQL_ERR;
                }
                if (checks) {
                    for (int k = 0; k < child->nchecks; k++) sqlparse_result_free(&checks[k]);
                    free(checks);
                }
                collected_free(&h.rows);
                codec_buf_free(&h.b);
                if (!rc && keys.n && fk->on_delete != 'c') {
                    if (fk->on_delete == 'd') rc = fk_check_rows(s, child, &keys, err);
                    if (!rc && sqlrun_has_unique(s, child))
                        rc = sqlrun_unique_check(s, child, keys.keys, keys.lens, keys.cap, err);
                }
                if (!rc && keys.n && fk->on_delete == 'c') {
                    if (n == cap) {
                        size_t nc = cap ? cap * 2 : 8;
                        fkwork *nw = realloc(w, nc * sizeof *nw);
                        if (!nw) rc = sqlerr_oom(err);
                        else w = nw, cap = nc;
                    }
                    if (!rc) {
                        w[n].t = child;
                        w[n++].keys = keys;
                        keys = (pkset){0};
                    }
                }
                pkset_free(&keys);
            }
        }
    }
    /* NO ACTION / RESTRICT for what the cascades deleted */
    for (size_t i = 0; i < n && !rc; i++) rc = fk_check_deleted(s, w[i].t, &w[i].keys, base, err);
    for (size_t i = 0; i < n; i++) pkset_free(&w[i].keys);
    free(w);
    return rc;
}

static int run_update_delete(sx_session *s, sx_plan *p, const sqlexpr_ctx *base, sx_result *res,
                             sqlerr *err)
{
    const sqlschema_table *t = p->table;
    collected c = {.ncols = t->ncols};
    codec_buf pk;
    codec_buf_init(&pk);
    int rc = p->dp && p->dp->q ? collect_joined(s, p, base, &c, err)
                               : scan(s, t, p->st->where, base, collect_fn, &c, err);
    /* A row whose new value depends on what this statement read is locked before it is
     * written (sqlexec.c "row locks"); commutative CRDT operations need no lock. The scan and
     * the locking run in one loop turn: a row found unlocked has no uncommitted writer, and
     * every commit that held its lock is durable and was read by the scan. */
    bool lock = p->st->kind == SQLAST_DELETE;
    if (s->snap && !s->ro) lock = true; /* REPEATABLE READ: every written row (sx_lock_row) */
    for (int i = 0; i < p->nsetops; i++)
        if (p->setops[i].kind == SQLWRITE_ASSIGN || p->setops[i].kind == SQLWRITE_SET_REPLACE ||
            p->setops[i].kind == SQLWRITE_MAP_REPLACE)
            lock = true;
    for (size_t i = 0; i < c.n && !rc && lock; i++)
        rc = sx_lock_row(s, t->id, c.pks[i], c.pklens[i], err);
    for (size_t i = 0; i < c.n && !rc; i++) {
        if ((rc = sx_interrupted(s, err))) break;
        codec_buf_reset(&pk);
        codec_put_raw(&pk, c.pks[i], c.pklens[i]);
        if (pk.err) {
            rc = sqlerr_oom(err);
            break;
        }
        if (p->st->kind == SQLAST_DELETE) {
            sx_op op;
            memset(&op, 0, sizeof op);
            rc = rec(s, t, &pk, SX_OP_DELETE, -1, &op, err);
            if (!rc && p->ntargets) rc = add_returning(p, c.rows[i], c.ncols, base, res, err);
            continue;
        }
        sqlexpr_ctx ctx = *base;
        ctx.row = c.rows[i];
        ctx.nrow = c.ncols;
        rc = apply_setops(s, p, &pk, &ctx, err);
        if (!rc && p->ntargets) {
            sqlval *now = NULL;
            rc = sqlrun_row_get(s, t, pk.data, pk.len, &now, err);
            if (!rc && now) {
                /* the new target values, beside the FROM items' (UPDATE ... FROM) */
                for (int k = 0; k < t->ncols; k++) sqlval_move(&c.rows[i][k], &now[k]);
                rc = add_returning(p, c.rows[i], c.ncols, base, res, err);
            }
            vals_free(now, t->ncols);
        }
    }
    bool uq = p->st->kind == SQLAST_UPDATE && sqlrun_has_unique(s, t);
    if (!rc && c.n && (t->nfks || uq || p->st->kind == SQLAST_DELETE)) {
        /* foreign keys and unique indexes, as the statement left the rows */
        pkset keys = {0};
        for (size_t i = 0; i < c.n && !rc; i++)
            if (pkset_add(&keys, c.pks[i], c.pklens[i], err) < 0) rc = SQL_ERR;
        if (!rc && p->st->kind == SQLAST_DELETE) rc = fk_on_delete(s, t, &keys, base, err);
        if (!rc) rc = p->st->kind == SQLAST_DELETE ? fk_check_deleted(s, t, &keys, base, err)
                                                   : fk_check_rows(s, t, &keys, err);
        if (!rc && uq) rc = sqlrun_unique_check(s, t, keys.keys, keys.lens, keys.cap, err);
        pkset_free(&keys);
    }
    if (!rc)
        snprintf(res->tag, sizeof res->tag, "%s %zu",
                 p->st->kind == SQLAST_DELETE ? "DELETE" : "UPDATE", c.n);
    collected_free(&c);
    codec_buf_free(&pk);
    return rc;
}

/* ---- SELECT ------------------------------------------------------------------------------- */

int sqlrun_query_rows(sx_session *s, struct sqlplan *qp, const sqlexpr_ctx *base, sqlval ***rows,
                      size_t *n, sqlerr *err)
{
    sqlplan_run run;
    *rows = NULL;
    *n = 0;
    size_t cap = 0;
    int ncols = qp->q->ncols;
    int rc = sqlplan_start(&run, s, qp, base, err);
    while (!rc) {
        sqlval *row;
        int k = sqlplan_next(&run, &row, err);
        if (k < 0) rc = SQL_ERR;
        if (k <= 0) break;
        if (*n == cap) {
            cap = cap ? cap * 2 : 64;
            sqlval **g = realloc(*rows, cap * sizeof *g);
            if (!g) {
                vals_free(row, ncols);
                rc = sqlerr_oom(err);
                break;
            }
            *rows = g;
        }
        (*rows)[(*n)++] = row;
    }
    sqlplan_end(&run);
    if (rc) {
        for (size_t i = 0; i < *n; i++) vals_free((*rows)[i], ncols);
        free(*rows);
        *rows = NULL;
        *n = 0;
    }
    return rc;
}

static int run_select(sx_session *s, sx_plan *p, const sqlexpr_ctx *base, sx_result *res,
                      sqlerr *err)
{
    sqlplan_run run;
    size_t count = 0;
    int rc = sqlplan_start(&run, s, p->qp, base, err);
    while (!rc) {
        sqlval *row;
        int k = sqlplan_next(&run, &row, err);
        if (k < 0) rc = SQL_ERR;
        if (k <= 0) break;
        rc = result_add(res, row, err);
        vals_free(row, p->ncols);
        count++;
    }
    sqlplan_end(&run);
    if (!rc) snprintf(res->tag, sizeof res->tag, "SELECT %zu", count);
    return rc;
}

/* EXPLAIN [ANALYZE]: the plan tree, one text row per line (ANALYZE runs the query first and
 * reports the rows each operator produced). */
static int run_explain(sx_session *s, sx_plan *p, const sqlexpr_ctx *base, sx_result *res,
                       sqlerr *err)
{
    if (p->st->analyze) {
        sqlval **rows = NULL;
        size_t n = 0;
        if (sqlrun_query_rows(s, p->qp, base, &rows, &n, err)) return SQL_ERR;
        for (size_t i = 0; i < n; i++) vals_free(rows[i], p->qp->q->ncols);
        free(rows);
    }
    char **lines = NULL;
    int nl = 0;
    if (sqlplan_explain(p->qp, p->st->analyze, &lines, &nl, err)) return SQL_ERR;
    int rc = SQL_OK;
    for (int i = 0; i < nl; i++) {
        sqlval v;
        if (!rc) {
            sqlval_take_str(&v, SQLVAL_TEXT, lines[i], strlen(lines[i]));
            rc = result_add(res, &v, err);
            sqlval_free(&v);
        } else {
            free(lines[i]);
        }
    }
    free(lines);
    if (!rc) snprintf(res->tag, sizeof res->tag, "EXPLAIN");
    return rc;
}

/* TRUNCATE: every visible row of each table removed (observed-remove: a row written
 * concurrently in another region survives), in the statement's one commit. */
static int run_truncate(sx_session *s, const sqlast_stmt *st, const sqlexpr_ctx *base,
                        sx_result *res, sqlerr *err)
{
    codec_buf pk;
    codec_buf_init(&pk);
    int rc = SQL_OK;
    for (int i = 0; i < st->nnames && !rc; i++) {
        const sqlschema_table *t = sx_table_find(s, st->names[i]);
        if (!t) {
            rc = sqlerr_set(err, "42P01", -1, "relation \"%s\" does not exist", st->names[i]);
            break;
        }
        const sqlschema_fk *rfk = NULL;
        const sqlschema_table *child = fk_referencing(s, t, &rfk);
        bool child_too = false;
        for (int k = 0; child && k < st->nnames; k++) child_too |= !strcmp(st->names[k], child->name);
        if (child && !child_too) {
            sqlerr_set(err, "0A000", -1, "cannot truncate a table referenced in a foreign key constraint");
            sqlerr_detail(err, "Table \"%s\" references \"%s\".", child->name, t->name);
            sqlerr_hint(err, "Truncate table \"%s\" at the same time, or use TRUNCATE ... CASCADE.",
                        child->name);
            rc = SQL_ERR;
            break;
        }
        collected c = {.ncols = t->ncols};
        rc = scan(s, t, NULL, base, collect_fn, &c, err);
        for (size_t k = 0; k < c.n && !rc; k++) rc = sx_lock_row(s, t->id, c.pks[k], c.pklens[k], err);
        for (size_t k = 0; k < c.n && !rc; k++) {
            codec_buf_reset(&pk);
            codec_put_raw(&pk, c.pks[k], c.pklens[k]);
            if (pk.err) {
                rc = sqlerr_oom(err);
                break;
            }
            sx_op op;
            memset(&op, 0, sizeof op);
            rc = rec(s, t, &pk, SX_OP_DELETE, -1, &op, err);
        }
        collected_free(&c);
    }
    codec_buf_free(&pk);
    if (!rc) snprintf(res->tag, sizeof res->tag, "TRUNCATE TABLE");
    return rc;
}

/* ALTER TABLE t ADD [CONSTRAINT c] FOREIGN KEY ...: checked against every row the table has
 * (23503 for one without its parent), then recorded. */
typedef struct fkvalidate {
    sx_session *s;
    const sqlschema_table *t;
    pkset rows;
} fkvalidate;

static int fkvalidate_row(void *ctx, const uint8_t *pk, size_t pklen, sqlval *row,
                          const crdt_row *raw, sqlerr *err)
{
    (void)raw;
    fkvalidate *v = ctx;
    vals_free(row, v->t->ncols);
    return pkset_add(&v->rows, pk, pklen, err) < 0 ? SQL_ERR : SQL_OK;
}

static int run_add_fk(sx_session *s, sqlast_stmt *st, const sqlexpr_ctx *base, sx_result *res,
                      sqlerr *err)
{
    snprintf(res->tag, sizeof res->tag, "ALTER TABLE");
    const sqlschema_table *cur = sx_table_find(s, st->table);
    if (!cur) return sqlerr_set(err, "42P01", -1, "relation \"%s\" does not exist", st->table);
    if (cur->view_sql || cur->seq) return sqlerr_set(err, "42809", -1, "\"%s\" is not a table", st->table);
    sqlschema_table *t;
    if (sqlschema_copy(cur, &t, err)) return SQL_ERR;
    sqlschema_fk fk;
    int rc = fk_resolve(s, t, &st->fks[0], &fk, err) || fk_add(t, &fk, err) ? SQL_ERR : SQL_OK;
    if (!rc && sx_catalog_change(s, false, t, t->id, t->name)) rc = sqlerr_oom(err);
    else if (rc) sqlschema_free(t);
    if (rc) return SQL_ERR;
    if (!(t->fks[t->nfks - 1].oid = sx_table_new_id(s)))
        return sqlerr_set(err, "54000", -1, "this node has created its maximum of 65535 relations");
    /* t is the transaction's now: the rows are read under it and checked */
    fkvalidate v = {.s = s, .t = t};
    rc = scan(s, t, NULL, base, fkvalidate_row, &v, err);
    if (!rc) rc = fk_check_rows(s, t, &v.rows, err);
    pkset_free(&v.rows);
    return rc;
}

/* ALTER TABLE t ADD [CONSTRAINT c] PRIMARY KEY (cols) on a table created without one (pg_dump
 * restores tables this way): a new table under the same name keyed by cols, every row copied
 * under its new key and the old table dropped, all in the statement's one commit. Key values
 * must be present and distinct (23502, 23505 as PostgreSQL builds its index). Writes another
 * region makes to the old table concurrently are lost with it: change keys while the table is
 * quiet. */
static int run_add_pk(sx_session *s, sqlast_stmt *st, const sqlexpr_ctx *base, sx_result *res,
                      sqlerr *err)
{
    snprintf(res->tag, sizeof res->tag, "ALTER TABLE");
    const sqlschema_table *cur = sx_table_find(s, st->table);
    if (!cur) return sqlerr_set(err, "42P01", -1, "relation \"%s\" does not exist", st->table);
    if (cur->view_sql) return sqlerr_set(err, "42809", -1, "\"%s\" is not a table", st->table);
    sqlschema_table *t = NULL, *old = NULL;
    collected c = {.ncols = cur->ncols};
    pkset seen = {0};
    codec_buf pk;
    codec_buf_init(&pk);
    int *map = NULL, rc = SQL_ERR;
    if (sqlschema_copy(cur, &old, err) || sqlschema_copy(cur, &t, err)) goto out;
    if (sqlschema_set_primary_key(t, st->pk, st->npk, st->pk_location, err)) goto out;
    uint32_t id = sx_table_new_id(s);
    if (!id) {
        sqlerr_set(err, "54000", -1, "this node has created its maximum of 65535 tables");
        goto out;
    }
    t->id = id;
    /* old column index -> new one */
    if (!(map = calloc((size_t)old->ncols + 1, sizeof *map))) {
        sqlerr_oom(err);
        goto out;
    }
    for (int i = 0; i < old->ncols; i++) map[i] = sqlschema_find_column(t, old->cols[i].name);
    if (scan(s, old, NULL, base, collect_fn, &c, err)) goto out;
    sqlval *nv = calloc((size_t)t->ncols + 1, sizeof *nv);
    if (!nv) {
        sqlerr_oom(err);
        goto out;
    }
    /* the rows under their new keys: checked first, then written */
    for (size_t r = 0; r < c.n; r++) {
        for (int i = 0; i < old->ncols; i++)
            if (map[i] >= 0) nv[map[i]] = c.rows[r][i]; /* borrowed */
        for (int k = 0; k < t->npk; k++)
            if (nv[t->pk[k]].isnull) {
                free(nv);
                sqlerr_set(err, "23502", -1, "column \"%s\" of relation \"%s\" contains null values",
                           t->cols[t->pk[k]].name, t->name);
                goto out;
            }
        codec_buf_reset(&pk);
        int added = pk_encode(t, nv, &pk, err) ? SQL_ERR : pkset_add(&seen, pk.data, pk.len, err);
        if (added < 0) {
            free(nv);
            goto out;
        }
        if (added == 1) {
            unique_violation(t, nv, err); /* DETAIL: Key (id)=(1) already exists. */
            free(nv);
            char detail[sizeof err->detail];
            snprintf(detail, sizeof detail, "%s", err->detail);
            char *tail = strstr(detail, " already exists.");
            if (tail) snprintf(tail, sizeof detail - (size_t)(tail - detail), " is duplicated.");
            sqlerr_set(err, "23505", -1, "could not create unique index \"%s_pkey\"", t->name);
            sqlerr_detail(err, "%s", detail);
            goto out;
        }
    }
    if (sx_catalog_change(s, true, NULL, old->id, old->name)) {
        free(nv);
        sqlerr_oom(err);
        goto out;
    }
    sqlschema_table *put = t;
    uint32_t new_id = put->id;
    if (sx_catalog_change(s, false, put, put->id, put->name)) {
        free(nv);
        sqlerr_oom(err);
        goto out;
    }
    t = NULL;
    /* its indexes are made again on the new id */
    if (sqlrun_indexes_move(s, old->id, new_id, err) || sx_auth_move(s, old->id, new_id, err)) {
        free(nv);
        goto out;
    }
    /* the sequences its serial and identity columns own follow it to its new id */
    for (int k = 0; k < s->x->ntables + s->txn.ncat; k++) {
        const sqlschema_table *q = k < s->x->ntables ? s->x->tables[k]
                                   : s->txn.cat[k - s->x->ntables].drop ? NULL
                                   : s->txn.cat[k - s->x->ntables].table;
        if (!q || !q->seq || q->seq->owner_table != old->id) continue;
        const sqlschema_table *live = sx_table_find_in(s, sx_table_nsp(s, q), q->name);
        sqlschema_table *moved = NULL;
        if (!live || live->id != q->id || live->seq->owner_table != old->id) continue;
        if (sqlschema_copy(live, &moved, err)) {
            free(nv);
            goto out;
        }
        moved->seq->owner_table = new_id;
        if (sx_catalog_change(s, false, moved, moved->id, moved->name)) {
            sqlschema_free(moved);
            free(nv);
            sqlerr_oom(err);
            goto out;
        }
    }
    const sqlschema_table *nt = sx_table_find(s, st->table);
    for (size_t r = 0; r < c.n && nt; r++) {
        for (int i = 0; i < old->ncols; i++)
            if (map[i] >= 0) nv[map[i]] = c.rows[r][i];
        codec_buf_reset(&pk);
        sx_op touch;
        memset(&touch, 0, sizeof touch);
        if (pk_encode(nt, nv, &pk, err) || rec(s, nt, &pk, SX_OP_TOUCH, -1, &touch, err)) {
            free(nv);
            goto out;
        }
        for (int ci = 0; ci < nt->ncols; ci++)
            if (nt->cols[ci].pk_pos < 0 && write_insert_col(s, nt, &pk, ci, &nv[ci], err)) {
                free(nv);
                goto out;
            }
    }
    free(nv);
    rc = SQL_OK;
out:
    sqlschema_free(t);
    sqlschema_free(old);
    free(map);
    collected_free(&c);
    pkset_free(&seen);
    codec_buf_free(&pk);
    return rc;
}

static int env_digest(void *arg, sqlval *out, sqlerr *err)
{
    char hex[65];
    if (sqlvirt_digest(arg, hex, err)) return SQL_ERR;
    return sqlval_set_str(out, SQLVAL_TEXT, hex, 64, err);
}

/* ---- entry -------------------------------------------------------------------------------- */

/* The planner-time constant folding of a query's expressions (sqlexpr_fold_check): SELECT,
 * UPDATE and DELETE; an INSERT evaluates its values at once anyway. */
static int fold_check(const sx_plan *p, const sqlexpr_ctx *base, sqlerr *err)
{
    const sqlast_stmt *st = p->st;
    if (st->kind != SQLAST_UPDATE && st->kind != SQLAST_DELETE) return SQL_OK; /* SELECT: sqlplan */
    for (int i = 0; i < p->ntargets; i++)
        if (p->targets[i].expr && sqlexpr_fold_check(p->targets[i].expr, base, err)) return SQL_ERR;
    if (sqlexpr_fold_check(st->where, base, err) || sqlexpr_fold_check(st->having, base, err))
        return SQL_ERR;
    for (int i = 0; i < p->nsetops; i++)
        if (sqlexpr_fold_check(p->setops[i].arg, base, err) ||
            sqlexpr_fold_check(p->setops[i].arg2, base, err))
            return SQL_ERR;
    return SQL_OK;
}

/* ---- DO blocks (sqldo.h's subset) -------------------------------------------------------
 * Each statement runs as it would on its own (privileges, NOTICEs), in the caller's
 * transaction; catalog statements only (they never wait for a row lock). An error a handler
 * names undoes what the block did (sx_txn_rollback_to a mark taken at BEGIN) and the DO ends
 * well; any other error is the DO's, with PostgreSQL's CONTEXT lines. */
static bool do_allowed(const sqlast_stmt *st)
{
    return sqlrun_is_ddl(st) || st->kind == SQLAST_ROLE || st->kind == SQLAST_CREATE_EXTENSION ||
           st->kind == SQLAST_DROP_EXTENSION || st->kind == SQLAST_CREATE_SCHEMA ||
           st->kind == SQLAST_DROP_SCHEMA || st->kind == SQLAST_ALTER_SCHEMA || st->kind == SQLAST_CREATE_TYPE ||
           st->kind == SQLAST_ALTER_TYPE || st->kind == SQLAST_DROP_TYPE;
}

static int sqlrun_do(sx_session *s, const sqlast_stmt *st, sx_result *res, sqlerr *err)
{
    snprintf(res->tag, sizeof res->tag, "DO");
    const char *body = st->value ? st->value : "";
    sqldo_block *b = malloc(sizeof *b);
    if (!b) return sqlerr_oom(err);
    if (sqldo_parse(body, strlen(body), b, err)) {
        free(b);
        return SQL_ERR;
    }
    sx_savepoint mark;
    sx_txn_mark(s, &mark);
    int rc = SQL_OK;
    for (int i = 0; i < b->nstmts && !rc; i++) {
        char *sql = strndup(body + b->at[i], b->len[i]);
        if (!sql) {
            rc = sqlerr_oom(err);
            break;
        }
        sqlparse_result pr = {0};
        rc = sqlparse_query(sql, &pr, err);
        if (!rc && pr.nstmts != 1)
            rc = sqlerr_set(err, "42601", -1, "syntax error in DO block: one statement per ';'");
        if (!rc && !do_allowed(pr.stmts[0])) {
            char what[96];
            snprintf(what, sizeof what, "%s in a DO block (catalog statements only)", sqlast_stmt_tag(pr.stmts[0]));
            rc = sqlerr_unsupported(err, -1, what);
        }
        if (!rc) {
            sx_plan p;
            sx_result r;
            memset(&r, 0, sizeof r);
            rc = sx_stmt_lock_tables(s, pr.stmts[0], err);
            if (rc) {
                sqlparse_result_free(&pr);
                free(sql);
                break; /* a wait (or deadlock): the whole DO again, or its error */
            }
            rc = sqlrun_plan(s, pr.stmts[0], &p, err);
            if (!rc) {
                rc = sqlrun_exec(s, &p, NULL, 0, &r, err);
                sqlrun_plan_free(&p);
            }
            for (int k = 0; k < r.nnotices && !rc; k++) /* its NOTICEs are the DO's */
                if (sqlrun_notice_raw(res, r.notices[k], err)) rc = SQL_ERR;
            sqlrun_result_free(&r);
        }
        sqlparse_result_free(&pr);
        if (rc && err && !sqldo_catches(b, err->code) && !err->context[0]) {
            int line = 1;
            for (size_t k = 0; k < b->at[i]; k++) line += body[k] == '\n';
            sqlerr_context(err, "SQL statement \"%.200s\"\nPL/pgSQL function inline_code_block line %d at SQL statement",
                           sql, line);
        }
        free(sql);
    }
    if (rc && s->lock_wait) {
        /* waits for a lock: what the block did is undone; it runs again from its start */
        if (sx_txn_rollback_to(s, &mark)) rc = sqlerr_oom(err);
    } else if (rc && err && b->handlers && sqldo_catches(b, err->code)) {
        /* caught: the block's work is undone, the DO succeeds */
        if (sx_txn_rollback_to(s, &mark)) rc = sqlerr_oom(err);
        else {
            rc = SQL_OK;
            sqlerr_clear(err);
        }
    }
    free(b);
    return rc;
}

int sqlrun_exec(sx_session *s, sx_plan *p, const sqlval *params, int nparams, sx_result *res,
                sqlerr *err)
{
    memset(res, 0, sizeof *res);
    res->ncols = p->ncols > 0 ? p->ncols : 0;
    sqlerr_clear(err);
    sqlexpr_env env = {.user = sx_role_name(s), .session_user = sx_session_user(s), .database = s->database, .schema = sx_current_schema(s),
                       .version = HELIOS_PG_VERSION_TEXT, .now_us = s->txn_start_us,
                       .digest = env_digest, .digest_arg = s->x, .sess = &sx_session_ops,
                       .sess_arg = s, .backend_pid = (int)s->pid, .client_addr = s->client_addr, .client_port = s->client_port,
                       .catalog = sqlcatalog_call, .catalog_arg = s};
    sqlexpr_ctx base = {.params = params, .nparams = nparams, .env = &env};
    int rc;
    if (fold_check(p, &base, err)) return SQL_ERR;
    /* a write's subqueries (and UPDATE ... FROM's join) run in an execution of its own plan */
    sqlplan_run drun;
    bool dr = false;
    if (p->dp) {
        if (sqlplan_start(&drun, s, p->dp, &base, err)) {
            sqlplan_end(&drun);
            return SQL_ERR;
        }
        dr = true;
        base.run = &drun;
    }
    /* privileges: checked at each execution (a prepared statement sees a later REVOKE) */
    if (p->st->kind == SQLAST_INSERT || p->st->kind == SQLAST_UPDATE || p->st->kind == SQLAST_DELETE) {
        const sqlschema_table *tt = p->table ? sx_table_by_id(s, p->table->id) : NULL;
        if (tt && sx_dml_check(s, p, tt, err)) {
            if (dr) sqlplan_end(&drun);
            return SQL_ERR;
        }
    } else if (sqlrun_is_ddl(p->st) && sx_ddl_check(s, p->st, err)) {
        if (dr) sqlplan_end(&drun);
        return SQL_ERR;
    }
    bool existed = (p->st->kind == SQLAST_CREATE_TABLE || p->st->kind == SQLAST_CREATE_VIEW ||
                    p->st->kind == SQLAST_CREATE_SEQUENCE) &&
                   sx_table_find(s, p->st->table) != NULL;
    switch (p->st->kind) {
    case SQLAST_CREATE_TABLE: rc = run_create(s, p->st, res, err); break;
    case SQLAST_CREATE_VIEW: rc = run_create_view(s, p->st, res, err); break;
    case SQLAST_CREATE_SEQUENCE: rc = run_create_seq(s, p->st, res, err); break;
    case SQLAST_ALTER_SEQUENCE: rc = run_alter_seq(s, p->st, res, err); break;
    case SQLAST_DROP_TABLE: rc = sqlrun_drop_relations(s, p->st, res, err); break;
    case SQLAST_ALTER_ADD_COLUMN:
    case SQLAST_ALTER_DROP_COLUMN: rc = run_alter(s, p->st, res, err); break;
    case SQLAST_ALTER_ADD_PK: rc = run_add_pk(s, p->st, &base, res, err); break;
    case SQLAST_ALTER_DEFAULT:
    case SQLAST_ALTER_ADD_IDENTITY: rc = run_alter_column(s, p->st, res, err); break;
    case SQLAST_ALTER_ADD_CHECK: rc = run_add_check(s, p->st, &base, res, err); break;
    case SQLAST_COMMENT: rc = run_comment(s, p->st, res, err); break;
    case SQLAST_CREATE_EXTENSION:
    case SQLAST_DROP_EXTENSION: rc = sqlrun_extension(s, p->st, res, err); break;
    case SQLAST_CREATE_SCHEMA:
    case SQLAST_DROP_SCHEMA:
    case SQLAST_ALTER_SCHEMA: rc = sqlrun_schema(s, p->st, res, err); break;
    case SQLAST_CREATE_TYPE:
    case SQLAST_ALTER_TYPE:
    case SQLAST_DROP_TYPE: rc = sqlrun_enum_ddl(s, p->st, res, err); break;
    case SQLAST_DO: rc = sqlrun_do(s, p->st, res, err); break;
    case SQLAST_RENAME: rc = run_rename(s, p->st, res, err); break;
    case SQLAST_ALTER_NOT_NULL: rc = run_not_null(s, p->st, &base, res, err); break;
    case SQLAST_ALTER_ADD_FK: rc = run_add_fk(s, p->st, &base, res, err); break;
    case SQLAST_CREATE_INDEX:
    case SQLAST_ALTER_ADD_UNIQUE: rc = sqlrun_create_index(s, p->st, res, err); break;
    case SQLAST_DROP_INDEX: rc = sqlrun_drop_index(s, p->st, res, err); break;
    case SQLAST_ALTER_DROP_CONSTRAINT: rc = sqlrun_drop_constraint(s, p->st, res, err); break;
    case SQLAST_RENAME_INDEX: rc = sqlrun_rename_index(s, p->st, res, err); break;
    case SQLAST_REINDEX: rc = sqlrun_reindex(s, p->st, res, err); break;
    case SQLAST_ALTER_COLUMN_TYPE: rc = run_alter_type(s, p->st, &base, res, err); break;
    case SQLAST_INSERT: rc = run_insert(s, p, &base, res, err); break;
    case SQLAST_UPDATE:
    case SQLAST_DELETE: rc = run_update_delete(s, p, &base, res, err); break;
    case SQLAST_SELECT: rc = run_select(s, p, &base, res, err); break;
    case SQLAST_EXPLAIN: rc = run_explain(s, p, &base, res, err); break;
    case SQLAST_TRUNCATE: rc = run_truncate(s, p->st, &base, res, err); break;
    case SQLAST_ALTER_OWNER: rc = sqlrun_owner(s, p->st, res, err); break;
    case SQLAST_ROLE: rc = sqlrun_role(s, p->st, res, err); break;
    default: rc = sqlerr_unsupported(err, p->st->location, sqlast_stmt_tag(p->st));
    }
    if (dr) sqlplan_end(&drun);
    if (!rc && (p->st->kind == SQLAST_CREATE_TABLE || p->st->kind == SQLAST_CREATE_VIEW ||
                p->st->kind == SQLAST_CREATE_SEQUENCE || p->st->kind == SQLAST_ALTER_ADD_IDENTITY ||
                p->st->kind == SQLAST_ALTER_ADD_COLUMN || p->st->kind == SQLAST_ALTER_ADD_PK))
        rc = sx_ddl_created(s, p->st, !existed, err);
    if (rc) sqlrun_result_free(res);
    return rc;
}

/* ---- streaming SELECT --------------------------------------------------------------------- */

struct sqlrun_cursor {
    sx_session *s;
    sx_plan *p;
    sqlexpr_env env;
    sqlplan_run run; /* its scans pin the RocksDB views they were created at */
    bool started;
    size_t count; /* rows sent */
    sqlval *held; /* a row that waits for a pg_sleep to end (SQLRUN_SLEEP), owned */
    bool eof;     /* the plan ended; a pg_sleep's wait was still due */
    char **tv;    /* one row's text values (ncols) */
    size_t *tl;
};

void sqlrun_cursor_free(sqlrun_cursor *c)
{
    if (!c) return;
    if (c->started) sqlplan_end(&c->run);
    if (c->held) vals_free(c->held, c->p->ncols);
    free(c->tv);
    free(c->tl);
    free(c);
}

/* Every SELECT streams but one that locks rows: a lock wait undoes and reruns the statement,
 * which must not have sent anything yet. */
static bool streamable(const sx_plan *p)
{
    return p->st->kind == SQLAST_SELECT && p->qp && !p->st->row_lock;
}

int sqlrun_cursor_open(sx_session *s, sx_plan *p, const sqlval *params, int nparams,
                       sqlrun_cursor **out, sqlerr *err)
{
    *out = NULL;
    sqlerr_clear(err);
    if (!streamable(p)) return 0;
    sqlrun_cursor *c = calloc(1, sizeof *c);
    if (!c) return sqlerr_oom(err);
    c->s = s;
    c->p = p;
    c->env = (sqlexpr_env){.user = sx_role_name(s), .session_user = sx_session_user(s), .database = s->database, .schema = sx_current_schema(s),
                           .version = HELIOS_PG_VERSION_TEXT, .now_us = s->txn_start_us,
                           .digest = env_digest, .digest_arg = s->x, .sess = &sx_session_ops,
                           .sess_arg = s, .backend_pid = (int)s->pid, .client_addr = s->client_addr, .client_port = s->client_port,
                           .catalog = sqlcatalog_call, .catalog_arg = s};
    sqlexpr_ctx base = {.params = params, .nparams = nparams, .env = &c->env};
    c->tv = calloc((size_t)p->ncols + 1, sizeof *c->tv);
    c->tl = calloc((size_t)p->ncols + 1, sizeof *c->tl);
    if (!c->tv || !c->tl) {
        sqlrun_cursor_free(c);
        return sqlerr_oom(err);
    }
    c->started = true;
    if (sqlplan_start(&c->run, s, p->qp, &base, err)) {
        sqlrun_cursor_free(c);
        return SQL_ERR;
    }
    *out = c;
    return 1;
}

int sqlrun_cursor_next(sqlrun_cursor *c, executor_sink *sink, size_t max, sqlerr *err)
{
    size_t sent = 0;
    int ncols = c->p->ncols;
    for (;;) {
        if (max && sent >= max) return SQLRUN_MORE;
        if (sink->output_full && sink->output_full(sink)) return SQLRUN_FULL;
        sqlval *row = c->held;
        c->held = NULL;
        if (!row) {
            if (c->eof) break;
            int k = sqlplan_next(&c->run, &row, err);
            if (k < 0) return SQL_ERR;
            if (c->s->sleep_ns) { /* a pg_sleep: the row (or the end) waits for it */
                c->held = k ? row : NULL;
                c->eof = k == 0;
                return SQLRUN_SLEEP;
            }
            if (k == 0) break;
        }
        int rc = SQL_OK, n = 0;
        for (; n < ncols && !rc; n++) {
            c->tv[n] = NULL;
            c->tl[n] = 0;
            if (!row[n].isnull) rc = sqlval_to_text(&row[n], &c->tv[n], &c->tl[n], err);
        }
        if (!rc && sink->data_row(sink, ncols, (const char *const *)c->tv, c->tl)) {
            sqlerr_clear(err); /* the sink's failure: the wire layer has the error (code "") */
            rc = SQL_ERR;
        }
        for (int i = 0; i < n; i++) {
            free(c->tv[i]);
            c->tv[i] = NULL;
        }
        vals_free(row, ncols);
        if (rc) return SQL_ERR;
        c->count++;
        sent++;
    }
    return SQLRUN_DONE;
}

size_t sqlrun_cursor_count(const sqlrun_cursor *c)
{
    return c->count;
}

void sqlrun_cursor_tag(const sqlrun_cursor *c, char *tag, size_t n)
{
    snprintf(tag, n, "SELECT %zu", c->count);
}

/* ---- COPY --------------------------------------------------------------------------------- */

int sqlrun_copy_plan(sx_session *s, const sqlast_stmt *st, sqlschema_table **t, int **cols,
                     int *ncols, sqlerr *err)
{
    *t = NULL;
    *cols = NULL;
    if (st->schema && strcmp(st->schema, "public"))
        return sqlerr_set(err, "3F000", st->location, "schema \"%s\" does not exist",
                          st->schema);
    const sqlschema_table *cur = sx_table_find(s, st->table);
    if (!cur)
        return sqlerr_set(err, "42P01", st->location, "relation \"%s\" does not exist",
                          st->table);
    if (cur->view_sql || cur->seq) {
        sqlerr_set(err, "42809", -1, "cannot copy %s %s \"%s\"", st->copy_from ? "to" : "from",
                   cur->seq ? "sequence" : "view", st->table);
        if (cur->view_sql) sqlerr_hint(err, "Try the COPY (SELECT ...) TO variant.");
        return SQL_ERR;
    }
    unsigned need = st->copy_from ? SQLPRIV_INSERT : SQLPRIV_SELECT;
    if (!sx_priv_has(s, sx_current_role(s), cur->id, need)) {
        /* the privilege on each column copied will do (PostgreSQL's column privileges) */
        bool ok = true;
        for (int i = 0; i < (st->ncopy_cols ? st->ncopy_cols : cur->ncols) && ok; i++) {
            int ci = st->ncopy_cols ? sqlschema_find_column(cur, st->copy_cols[i]) : i;
            if (ci < 0 || cur->cols[ci].hidden) continue; /* 42703 below */
            ok = sx_col_priv_has(s, sx_current_role(s), cur->id, cur->cols[ci].id, need);
        }
        if (!ok && sx_priv_check(s, cur, need, err)) return SQL_ERR;
    }
    if (sqlschema_copy(cur, t, err)) return SQL_ERR;
    int n = st->ncopy_cols ? st->ncopy_cols : sqlschema_visible_columns(*t);
    *cols = calloc((size_t)n + 1, sizeof **cols);
    if (!*cols) goto oom;
    for (int i = 0, vis = 0; i < n; i++) {
        int ci;
        if (st->ncopy_cols) {
            ci = sqlschema_find_column(*t, st->copy_cols[i]);
        } else { /* the i-th visible column */
            ci = vis;
            while (ci < (*t)->ncols && (*t)->cols[ci].hidden) ci++;
            vis = ci + 1;
        }
        if (ci < 0) {
            sqlerr_set(err, "42703", st->location,
                       "column \"%s\" of relation \"%s\" does not exist", st->copy_cols[i],
                       (*t)->name);
            goto fail;
        }
        (*cols)[i] = ci;
    }
    *ncols = n;
    /* COPY ... FROM ... WHERE: bound to the table's columns (as a CHECK is) before any data
       is read, with PostgreSQL's refusals */
    if (st->where) {
        const sqlast_expr *sub = sqlexpr_find_sub(st->where);
        if (sub) {
            sqlerr_set(err, "0A000", sub->location, "cannot use subquery in COPY FROM WHERE condition");
            goto fail;
        }
        sqlexpr_scope sc = {.table = *t, .alias = (*t)->name, .clause = "COPY FROM WHERE conditions"};
        if (sqlexpr_bind(((sqlast_stmt *)st)->where, &sc, SQLVAL_BOOL, err)) goto fail;
        if (st->where->type != SQLVAL_BOOL && st->where->type != SQLVAL_UNKNOWN) {
            sqlerr_set(err, "42804", st->where->location,
                       "argument of WHERE must be type boolean, not type %s",
                       sqlval_type_name(st->where->type));
            goto fail;
        }
    }
    return SQL_OK;
oom:
    sqlerr_oom(err);
fail:
    sqlschema_free(*t);
    free(*cols);
    *t = NULL;
    *cols = NULL;
    return SQL_ERR;
}

typedef struct cbuf {
    char *p;
    size_t n, cap;
    bool oom;
} cbuf;

static void cb_put(cbuf *b, const char *s, size_t n)
{
    if (b->oom) return;
    if (b->n + n + 1 > b->cap) {
        size_t nc = b->cap ? b->cap : 256;
        while (nc < b->n + n + 1) nc *= 2;
        char *np = realloc(b->p, nc);
        if (!np) {
            b->oom = true;
            return;
        }
        b->p = np;
        b->cap = nc;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
}

static void cb_putc(cbuf *b, char c)
{
    cb_put(b, &c, 1);
}

/* One field of COPY TO: text format escapes, CSV quotes when needed. */
static void copy_field(cbuf *b, const sqlast_stmt *st, const char *v, size_t n)
{
    if (st->csv) {
        bool q = n == 0 || (st->null_str[0] && strlen(st->null_str) == n &&
                            !memcmp(v, st->null_str, n));
        for (size_t i = 0; i < n && !q; i++)
            q = v[i] == st->delimiter || v[i] == st->quote || v[i] == '\n' || v[i] == '\r';
        if (!q) {
            cb_put(b, v, n);
            return;
        }
        cb_putc(b, st->quote);
        for (size_t i = 0; i < n; i++) {
            if (v[i] == st->quote) cb_putc(b, st->quote);
            cb_putc(b, v[i]);
        }
        cb_putc(b, st->quote);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        char c = v[i];
        if (c == '\\') cb_put(b, "\\\\", 2);
        else if (c == '\n') cb_put(b, "\\n", 2);
        else if (c == '\r') cb_put(b, "\\r", 2);
        else if (c == '\t') cb_put(b, "\\t", 2);
        else if (c == st->delimiter) {
            cb_putc(b, '\\');
            cb_putc(b, c);
        } else cb_putc(b, c);
    }
}

typedef struct copy_out {
    const sqlast_stmt *st;
    const sqlschema_table *t;
    const int *cols;
    int ncols;
    executor_sink *sink;
    uint64_t n;
    cbuf line;
} copy_out;

/* ---- COPY BINARY: PostgreSQL's binary COPY format (a signature, flags and a header extension;
 * then per row an int16 field count, per field an int32 length (-1: NULL) and the value's binary
 * wire form; an int16 -1 at the end). The values go through the binary I/O the wire layer uses
 * for parameters and results (pgtypes_text_to_binary / pgtypes_binary_to_text); an enum is its
 * label's bytes (enum_send). */
static const char copy_sig[11] = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', '\377', '\r', '\n', '\0'};

static void cb_be(cbuf *b, uint32_t v, int bytes)
{
    for (int k = bytes - 1; k >= 0; k--) cb_putc(b, (char)(uint8_t)(v >> (8 * k)));
}

/* The wire type of a COPY BINARY column: what it reads as (a CRDT column: its value's type) */
static uint32_t copy_oid(const sqlschema_column *c)
{
    if (c->type == SQLVAL_ENUM) return 25; /* enum_send / enum_recv: the label's text bytes */
    sqlval_type t = c->kind == SQLSCHEMA_MV_REGISTER ? SQLVAL_TEXTARRAY : c->type;
    return sqlval_type_oid(t);
}

static int copy_binary_field(cbuf *line, const sqlschema_column *c, const sqlval *v, sqlerr *err)
{
    if (v->isnull) {
        cb_be(line, 0xffffffffu, 4);
        return SQL_OK;
    }
    char *txt;
    size_t len;
    if (sqlval_to_text(v, &txt, &len, err)) return SQL_ERR;
    uint32_t oid = copy_oid(c);
    pgtypes_buf b;
    pgtypes_buf_init(&b);
    int r = pgtypes_text_to_binary(oid, txt, len, &b);
    free(txt);
    if (r) {
        pgtypes_buf_free(&b);
        char what[96];
        snprintf(what, sizeof what, "COPY BINARY of a column of type %s", sqlschema_type_display(c->type_name));
        return r == PGTYPES_ENOMEM ? sqlerr_oom(err) : sqlerr_unsupported(err, -1, what);
    }
    cb_be(line, (uint32_t)b.len, 4);
    cb_put(line, (const char *)b.data, b.len);
    pgtypes_buf_free(&b);
    return SQL_OK;
}

static int copy_out_row(void *ctx, const uint8_t *pk, size_t pklen, sqlval *row,
                        const crdt_row *raw, sqlerr *err)
{
    (void)pk;
    (void)pklen;
    (void)raw;
    copy_out *co = ctx;
    co->line.n = 0;
    int rc = SQL_OK;
    if (co->st->binary) {
        if (co->n == 0) { /* the header goes with the first row */
            cb_put(&co->line, copy_sig, sizeof copy_sig);
            cb_be(&co->line, 0, 4);
            cb_be(&co->line, 0, 4);
        }
        cb_be(&co->line, (uint32_t)co->ncols, 2);
        for (int i = 0; i < co->ncols && !rc; i++)
            rc = copy_binary_field(&co->line, &co->t->cols[co->cols[i]], &row[co->cols[i]], err);
        vals_free(row, co->t->ncols);
        if (rc) return rc;
        if (co->line.oom) return sqlerr_oom(err);
        if (co->sink->copy_data(co->sink, co->line.p, co->line.n))
            return sqlerr_set(err, "08006", -1, "could not send COPY data");
        co->n++;
        return SQL_OK;
    }
    for (int i = 0; i < co->ncols && !rc; i++) {
        if (i) cb_putc(&co->line, co->st->delimiter);
        const sqlval *v = &row[co->cols[i]];
        if (v->isnull) {
            cb_put(&co->line, co->st->null_str, strlen(co->st->null_str));
            continue;
        }
        char *txt;
        size_t len;
        if ((rc = sqlval_to_text(v, &txt, &len, err))) break;
        copy_field(&co->line, co->st, txt, len);
        free(txt);
    }
    cb_putc(&co->line, '\n');
    vals_free(row, co->t->ncols);
    if (rc) return rc;
    if (co->line.oom) return sqlerr_oom(err);
    if (co->sink->copy_data(co->sink, co->line.p, co->line.n))
        return sqlerr_set(err, "08006", -1, "could not send COPY data");
    co->n++;
    return SQL_OK;
}

int sqlrun_copy_out(sx_session *s, const sqlast_stmt *st, const sqlschema_table *t,
                    const int *cols, int ncols, executor_sink *sink, uint64_t *count,
                    sqlerr *err)
{
    copy_out co = {.st = st, .t = t, .cols = cols, .ncols = ncols, .sink = sink};
    int rc = SQL_OK;
    if (st->header) {
        for (int i = 0; i < ncols; i++) {
            if (i) cb_putc(&co.line, st->delimiter);
            const char *name = t->cols[cols[i]].name;
            copy_field(&co.line, st, name, strlen(name));
        }
        cb_putc(&co.line, '\n');
        if (co.line.oom) rc = sqlerr_oom(err);
        else if (sink->copy_data(sink, co.line.p, co.line.n))
            rc = sqlerr_set(err, "08006", -1, "could not send COPY data");
    }
    sqlexpr_env env = {.now_us = s->txn_start_us};
    sqlexpr_ctx base = {.env = &env};
    if (!rc) rc = scan(s, t, NULL, &base, copy_out_row, &co, err);
    if (!rc && st->binary) { /* the trailer (and the header, when there were no rows) */
        co.line.n = 0;
        if (co.n == 0) {
            cb_put(&co.line, copy_sig, sizeof copy_sig);
            cb_be(&co.line, 0, 4);
            cb_be(&co.line, 0, 4);
        }
        cb_be(&co.line, 0xffff, 2);
        if (co.line.oom) rc = sqlerr_oom(err);
        else if (sink->copy_data(sink, co.line.p, co.line.n))
            rc = sqlerr_set(err, "08006", -1, "could not send COPY data");
    }
    free(co.line.p);
    *count = co.n;
    return rc;
}

/* COPY (query) TO STDOUT: the query planned in p runs (its rows are collected first, as any
 * query whose result is not streamed) and each row goes out in the COPY format st asks for;
 * binary fields through the columns' types' binary I/O. */
int sqlrun_copy_query(sx_session *s, const sqlast_stmt *st, sx_plan *p, executor_sink *sink,
                      uint64_t *count, sqlerr *err)
{
    sx_result res;
    memset(&res, 0, sizeof res);
    *count = 0;
    int rc = sqlrun_exec(s, p, NULL, 0, &res, err);
    if (rc) return rc;
    int nc = p->ncols < 0 ? 0 : p->ncols;
    cbuf line = {0};
    if (st->binary) {
        cb_put(&line, copy_sig, sizeof copy_sig);
        cb_be(&line, 0, 4);
        cb_be(&line, 0, 4);
    } else if (st->header) {
        for (int i = 0; i < nc; i++) {
            if (i) cb_putc(&line, st->delimiter);
            copy_field(&line, st, p->cols[i].name, strlen(p->cols[i].name));
        }
        cb_putc(&line, '\n');
    }
    for (size_t r = 0; r < res.nrows && !rc; r++) {
        if (st->binary) cb_be(&line, (uint32_t)nc, 2);
        for (int i = 0; i < nc && !rc; i++) {
            const char *v = res.vals[r * (size_t)res.ncols + (size_t)i];
            size_t len = res.lens[r * (size_t)res.ncols + (size_t)i];
            if (st->binary) {
                if (!v) {
                    cb_be(&line, 0xffffffffu, 4);
                    continue;
                }
                pgtypes_buf b;
                pgtypes_buf_init(&b);
                int br = pgtypes_text_to_binary(p->cols[i].type_oid, v, len, &b);
                if (br) {
                    const char *tn = pgtypes_sql_name(p->cols[i].type_oid);
                    char what[96];
                    snprintf(what, sizeof what, "COPY BINARY of a column of type %s", tn ? tn : "?");
                    rc = br == PGTYPES_ENOMEM ? sqlerr_oom(err) : sqlerr_unsupported(err, -1, what);
                } else {
                    cb_be(&line, (uint32_t)b.len, 4);
                    cb_put(&line, (const char *)b.data, b.len);
                }
                pgtypes_buf_free(&b);
                continue;
            }
            if (i) cb_putc(&line, st->delimiter);
            if (!v) cb_put(&line, st->null_str, strlen(st->null_str));
            else copy_field(&line, st, v, len);
        }
        if (!st->binary) cb_putc(&line, '\n');
        if (!rc && line.oom) rc = sqlerr_oom(err);
        /* a row at a time, as PostgreSQL sends CopyData (the header with the first) */
        if (!rc && sink->copy_data(sink, line.p, line.n))
            rc = sqlerr_set(err, "08006", -1, "could not send COPY data");
        line.n = 0;
        if (!rc) (*count)++;
    }
    if (!rc && st->binary) cb_be(&line, 0xffff, 2);
    if (!rc && line.oom) rc = sqlerr_oom(err);
    if (!rc && line.n && sink->copy_data(sink, line.p, line.n))
        rc = sqlerr_set(err, "08006", -1, "could not send COPY data");
    free(line.p);
    sqlrun_result_free(&res);
    return rc;
}

static uint32_t rd_be(const char *d, int bytes)
{
    uint32_t v = 0;
    for (int k = 0; k < bytes; k++) v = v << 8 | (uint8_t)d[k];
    return v;
}

/* One row of COPY BINARY data as text fields (NULL for SQL NULL), as copy_line gives them: the
 * header first when *pos is 0. Returns the number of fields, 0 at the trailer, SQL_ERR. */
static int copy_binary_row(const sqlschema_table *t, const int *cols, int ncols, const char *d,
                           size_t len, size_t *pos, char ***fields, int *cap, int lineno, sqlerr *err)
{
    size_t i = *pos;
    if (i == 0) {
        if (len < 19 || memcmp(d, copy_sig, sizeof copy_sig))
            return sqlerr_set(err, "22P04", -1, "COPY file signature not recognized");
        uint32_t flags = rd_be(d + 11, 4), ext = rd_be(d + 15, 4);
        if (flags & 0x10000) return sqlerr_set(err, "22P04", -1, "invalid COPY file header (WITH OIDS)");
        if (flags & 0xfffe0000u) return sqlerr_set(err, "22P04", -1, "unrecognized critical flags in COPY file header");
        if (ext > len - 19) return sqlerr_set(err, "22P04", -1, "invalid COPY file header (wrong length)");
        i = 19 + ext;
    }
    if (i == len) { /* the end of the data at a row boundary ends it, trailer or not (pgx) */
        *pos = len;
        return 0;
    }
    if (i + 2 > len) return sqlerr_set(err, "22P04", -1, "unexpected EOF in COPY data");
    int16_t nf = (int16_t)rd_be(d + i, 2);
    i += 2;
    if (nf == -1) { /* the trailer: nothing may follow */
        *pos = len;
        return 0;
    }
    if (nf != ncols)
        return sqlerr_set(err, "22P04", -1, "row field count is %d, expected %d", nf, ncols);
    if (*cap < nf) {
        char **nfp = realloc(*fields, (size_t)nf * sizeof **fields);
        if (!nfp) return sqlerr_oom(err);
        *fields = nfp;
        *cap = nf;
    }
    int n = 0;
    for (; n < nf; n++) {
        if (i + 4 > len) goto eof;
        uint32_t fl = rd_be(d + i, 4);
        i += 4;
        if (fl == 0xffffffffu) {
            (*fields)[n] = NULL;
            continue;
        }
        if (fl > len - i) goto eof;
        const sqlschema_column *c = &t->cols[cols[n]];
        uint32_t oid = copy_oid(c);
        pgtypes_buf b;
        pgtypes_buf_init(&b);
        int r = pgtypes_binary_to_text(oid, (const uint8_t *)d + i, fl, &b);
        if (!r) r = pgtypes_buf_put(&b, "", 1);
        if (r) {
            pgtypes_buf_free(&b);
            for (int k = 0; k < n; k++) free((*fields)[k]);
            /* the SQLSTATEs of PostgreSQL's type receive functions */
            if (r == PGTYPES_ENOMEM) return sqlerr_oom(err);
            if (r == PGTYPES_ETRUNCATED) sqlerr_set(err, "08P01", -1, "insufficient data left in message");
            else if (r == PGTYPES_EENCODING) sqlerr_set(err, "22021", -1, "invalid byte sequence for encoding \"UTF8\"");
            else if (r == PGTYPES_ERANGE || r == PGTYPES_EDATETIME)
                sqlerr_set(err, r == PGTYPES_ERANGE ? "22003" : "22008", -1, "value out of range for type %s",
                           sqlschema_type_display(c->type_name));
            else if (r == PGTYPES_EUNSUPPORTED) {
                char what[96];
                snprintf(what, sizeof what, "COPY BINARY of a column of type %s", sqlschema_type_display(c->type_name));
                sqlerr_unsupported(err, -1, what);
            } else sqlerr_set(err, "22P03", -1, "incorrect binary data format");
            snprintf(err->context, sizeof err->context, "COPY %s, line %d, column %s", t->name, lineno, c->name);
            return SQL_ERR;
        }
        if (!b.data) r = pgtypes_buf_put(&b, "", 1);
        (*fields)[n] = (char *)b.data; /* NUL-terminated: taken */
        i += fl;
    }
    *pos = i;
    return n;
eof:
    for (int k = 0; k < n; k++) free((*fields)[k]);
    return sqlerr_set(err, "22P04", -1, "unexpected EOF in COPY data");
}

/* Splits one COPY FROM line into fields (de-escaped / unquoted, NUL-terminated copies;
 * NULL for SQL NULL). *pos advances past the line; CSV quoted fields may span lines. Returns
 * the number of fields, 0 at the end of data or the \. marker, or SQL_ERR. */
static int copy_line(const sqlast_stmt *st, const char *d, size_t len, size_t *pos,
                     char ***fields, int *cap, int lineno, sqlerr *err)
{
    size_t i = *pos;
    if (i >= len) return 0;
    size_t eol = i;
    while (eol < len && d[eol] != '\n') eol++;
    size_t l = eol - i;
    if (l && d[i + l - 1] == '\r') l--;
    if (l == 2 && d[i] == '\\' && d[i + 1] == '.') {
        *pos = len;
        return 0;
    }
    int n = 0;
    cbuf f = {0};
    for (;;) {
        f.n = 0;
        bool quoted = false, any_quote = false, escaped_null = false;
        size_t start = i;
        while (i < len) {
            char c = d[i];
            if (st->csv) {
                if (quoted) {
                    if (c == st->quote) {
                        if (i + 1 < len && d[i + 1] == st->quote) {
                            cb_putc(&f, c);
                            i += 2;
                            continue;
                        }
                        quoted = false;
                        i++;
                        continue;
                    }
                    cb_putc(&f, c);
                    i++;
                    continue;
                }
                if (c == st->quote) {
                    quoted = any_quote = true;
                    i++;
                    continue;
                }
                if (c == st->delimiter || c == '\n' || (c == '\r' && i + 1 < len && d[i + 1] == '\n') ||
                    (c == '\r' && i + 1 == len))
                    break;
                cb_putc(&f, c);
                i++;
                continue;
            }
            if (c == st->delimiter || c == '\n' || (c == '\r' && (i + 1 == len || d[i + 1] == '\n')))
                break;
            if (c == '\\' && i + 1 < len) {
                char e = d[i + 1];
                i += 2;
                switch (e) {
                case 'n': cb_putc(&f, '\n'); break;
                case 'r': cb_putc(&f, '\r'); break;
                case 't': cb_putc(&f, '\t'); break;
                case 'b': cb_putc(&f, '\b'); break;
                case 'f': cb_putc(&f, '\f'); break;
                case 'v': cb_putc(&f, '\v'); break;
                case 'N':
                    if (!strcmp(st->null_str, "\\N")) escaped_null = true;
                    cb_put(&f, "\\N", 2);
                    break;
                default:
                    if (e >= '0' && e <= '7') {
                        int v = e - '0';
                        for (int k = 0; k < 2 && i < len && d[i] >= '0' && d[i] <= '7'; k++)
                            v = v * 8 + (d[i++] - '0');
                        cb_putc(&f, (char)v);
                    } else if (e == 'x' && i < len && isxdigit((unsigned char)d[i])) {
                        int v = 0;
                        for (int k = 0; k < 2 && i < len && isxdigit((unsigned char)d[i]); k++) {
                            char h = d[i++];
                            v = v * 16 + (isdigit((unsigned char)h) ? h - '0' : (tolower(h) - 'a' + 10));
                        }
                        cb_putc(&f, (char)v);
                    } else {
                        cb_putc(&f, e);
                    }
                }
                continue;
            }
            cb_putc(&f, c);
            i++;
        }
        if (quoted) {
            free(f.p);
            return sqlerr_set(err, "22P04", -1, "unterminated CSV quoted field (line %d)", lineno);
        }
        if (n == *cap) {
            int nc = *cap ? *cap * 2 : 16;
            char **nf = realloc(*fields, (size_t)nc * sizeof *nf);
            if (!nf) {
                free(f.p);
                return sqlerr_oom(err);
            }
            *fields = nf;
            *cap = nc;
        }
        bool isnull;
        if (st->csv) {
            size_t raw = i - start;
            isnull = !any_quote && raw == strlen(st->null_str) &&
                     !memcmp(d + start, st->null_str, raw);
        } else {
            isnull = (escaped_null && f.n == 2) ||
                     (strcmp(st->null_str, "\\N") && i - start == strlen(st->null_str) &&
                      !memcmp(d + start, st->null_str, i - start));
        }
        if (f.oom) {
            free(f.p);
            return sqlerr_oom(err);
        }
        if (isnull) {
            (*fields)[n++] = NULL;
        } else {
            char *v = malloc(f.n + 1);
            if (!v) {
                free(f.p);
                return sqlerr_oom(err);
            }
            if (f.n) memcpy(v, f.p, f.n);
            v[f.n] = 0;
            (*fields)[n++] = v;
        }
        if (i < len && d[i] == st->delimiter) {
            i++;
            continue;
        }
        if (i < len && d[i] == '\r') i++;
        if (i < len && d[i] == '\n') i++;
        break;
    }
    free(f.p);
    *pos = i;
    return n;
}

int sqlrun_copy_in(sx_session *s, const sqlast_stmt *st, const sqlschema_table *t,
                   const int *cols, int ncols, const char *data, size_t len, uint64_t *count,
                   sqlerr *err)
{
    size_t pos = 0;
    char **fields = NULL;
    int cap = 0, nf = 0, lineno = 0, rc = SQL_OK;
    sqlval *vals = calloc((size_t)t->ncols + 1, sizeof *vals);
    bool *given = calloc((size_t)t->ncols + 1, sizeof *given);
    codec_buf pk;
    codec_buf_init(&pk);
    pkset fkrows = {0};
    bool uq = sqlrun_has_unique(s, t);
    /* CHECK constraints, as INSERT checks them */
    sqlexpr_env env = {.user = sx_role_name(s), .session_user = sx_session_user(s), .database = s->database, .schema = sx_current_schema(s),
                       .version = HELIOS_PG_VERSION_TEXT, .now_us = s->txn_start_us,
                       .sess = &sx_session_ops, .sess_arg = s, .backend_pid = (int)s->pid, .client_addr = s->client_addr, .client_port = s->client_port,
                       .catalog = sqlcatalog_call, .catalog_arg = s};
    sqlexpr_ctx base = {.env = &env};
    sqlparse_result *checkq = t->nchecks ? calloc((size_t)t->nchecks, sizeof *checkq) : NULL;
    int nchecks = 0;
    *count = 0;
    if (!vals || !given || (t->nchecks && !checkq)) {
        rc = sqlerr_oom(err);
        goto out;
    }
    for (int c = 0; c < t->ncols; c++) sqlval_init_null(&vals[c], write_type(&t->cols[c]));
    for (; !rc && nchecks < t->nchecks; nchecks++)
        if ((rc = check_parse(t, &t->checks[nchecks], &checkq[nchecks], err))) nchecks++;
    while (!rc) {
        for (int k = 0; k < nf; k++) free(fields[k]);
        nf = 0;
        if ((rc = sx_interrupted(s, err))) break; /* statement_timeout, per row */
        nf = st->binary ? copy_binary_row(t, cols, ncols, data, len, &pos, &fields, &cap, ++lineno, err)
                        : copy_line(st, data, len, &pos, &fields, &cap, ++lineno, err);
        if (nf <= 0) {
            if (nf < 0) rc = SQL_ERR;
            nf = 0;
            break;
        }
        if (lineno == 1 && st->header) continue;
        if (nf != ncols) {
            rc = sqlerr_set(err, "22P04", -1, "%s data for column list (line %d: %d of %d)",
                            nf < ncols ? "missing" : "extra", lineno, nf, ncols);
            break;
        }
        for (int c = 0; c < t->ncols; c++) {
            sqlval_free(&vals[c]);
            sqlval_init_null(&vals[c], write_type(&t->cols[c]));
            given[c] = false;
        }
        for (int k = 0; k < ncols && !rc; k++) {
            int ci = cols[k];
            given[ci] = true;
            if (!fields[k]) continue;
            sqlval_free(&vals[ci]);
            /* an mv_register is written out as its text[] of concurrent values */
            sqlval_type ft = t->cols[ci].kind == SQLSCHEMA_MV_REGISTER ? SQLVAL_TEXTARRAY
                                                                       : write_type(&t->cols[ci]);
            if (sqlval_from_text(ft, fields[k], strlen(fields[k]), &vals[ci], err)) {
                sqlval_init_null(&vals[ci], write_type(&t->cols[ci]));
                snprintf(err->detail, sizeof err->detail, "COPY %s, line %d, column %s",
                         t->name, lineno, t->cols[ci].name);
                rc = SQL_ERR;
            }
        }
        if (!rc) sx_fill_rowid(s, t, vals, given);
        for (int c = 0; c < t->ncols && !rc; c++) {
            const sqlschema_column *col = &t->cols[c];
            if (!given[c] && col->has_default) {
                if (col->default_now || col->default_uuid) {
                    if ((rc = default_volatile(col, s->txn_start_us, &vals[c], err))) break;
                } else if (col->default_seq) {
                    if ((rc = default_next(s, t, col, &vals[c], err))) break;
                }
                else rc = sqlval_copy(&vals[c], &col->default_value, err);
            }
            if (!rc && (rc = sqlschema_typmod_apply(&vals[c], col->typmod, false, err))) {
                snprintf(err->detail, sizeof err->detail, "COPY %s, line %d, column %s", t->name,
                         lineno, col->name);
                break;
            }
        }
        if (!rc && st->where) { /* a row the WHERE does not keep is skipped, as in PostgreSQL */
            sqlexpr_ctx wc = base;
            wc.row = vals;
            wc.nrow = t->ncols;
            sqlval keep;
            if ((rc = sqlexpr_eval(st->where, &wc, &keep, err))) break;
            bool yes = !keep.isnull && keep.type == SQLVAL_BOOL && keep.u.b;
            sqlval_free(&keep);
            if (!yes) continue;
        }
        for (int c = 0; c < t->ncols && !rc; c++) { /* on the whole row, defaults in */
            const sqlschema_column *col = &t->cols[c];
            if ((col->not_null || col->pk_pos >= 0) && vals[c].isnull &&
                (given[c] || col->kind == SQLSCHEMA_LWW || col->pk_pos >= 0)) {
                rc = sqlerr_set(err, "23502", -1,
                                "null value in column \"%s\" of relation \"%s\" violates "
                                "not-null constraint",
                                col->name, t->name);
                sqlerr_object(err, t->name, col->name, NULL);
                failing_row(t, vals, err);
            }
        }
        if (!rc && nchecks) rc = check_row_of(t, checkq, nchecks, &base, vals, err);
        if (rc) break;
        codec_buf_reset(&pk);
        if ((rc = pk_encode(t, vals, &pk, err))) break;
        sqlval *old = NULL;
        s->rr_insert = true; /* a row that appeared since the snapshot: 23505 below */
        rc = sx_lock_row(s, t->id, pk.data, pk.len, err);
        s->rr_insert = false;
        if (rc || (rc = sqlrun_row_get(s, t, pk.data, pk.len, &old, err))) break;
        if (!old && (rc = sx_rr_changed(s, t->id, pk.data, pk.len, err)) != 0) {
            if (rc < 0) break;
            if (rc == 1) {
                rc = unique_violation(t, vals, err);
                break;
            }
            rc = SQL_OK;
        }
        if (old) {
            vals_free(old, t->ncols);
            rc = unique_violation(t, vals, err);
            break;
        }
        sx_op touch;
        memset(&touch, 0, sizeof touch);
        if ((rc = rec(s, t, &pk, SX_OP_TOUCH, -1, &touch, err))) break;
        for (int c = 0; c < t->ncols && !rc; c++) {
            if (t->cols[c].pk_pos >= 0) continue;
            if (!given[c] && !t->cols[c].has_default) continue;
            rc = write_insert_col(s, t, &pk, c, &vals[c], err);
        }
        if (!rc && (t->nfks || uq) && pkset_add(&fkrows, pk.data, pk.len, err) < 0) rc = SQL_ERR;
        if (!rc) (*count)++;
    }
    if (!rc) rc = fk_check_rows(s, t, &fkrows, err);
    if (!rc && uq) rc = sqlrun_unique_check(s, t, fkrows.keys, fkrows.lens, fkrows.cap, err);
out:
    for (int k = 0; k < nchecks; k++) sqlparse_result_free(&checkq[k]);
    free(checkq);
    pkset_free(&fkrows);
    for (int k = 0; k < nf; k++) free(fields[k]);
    free(fields);
    if (vals) vals_free(vals, t->ncols);
    free(given);
    codec_buf_free(&pk);
    return rc ? SQL_ERR : SQL_OK;
}
