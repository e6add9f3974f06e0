/*
 * server/sql/sqlpsql.c — psql 15's catalog queries (\dt, \d, \d NAME, \l) answered from the
 * HeliosDB catalog. See sqlpsql.h.
 *
 * Recognition: pg_query_fingerprint ignores constant values, so one fingerprint per query
 * shape covers every table name and oid psql substitutes; the constants we need (the name
 * regex, the oid) are then read from the query text. Templates are psql 15's text verbatim
 * (CLIENTS.md §7) and fingerprinted once, on first use.
 *
 * Oids: a table's oid is its table id (node << 16 | counter: unique in the cluster).
 */
#include "server/sql/sqlpsql.h"

#include <ctype.h>
#include <stdbool.h>
#include <pg_query.h>
#include <pthread.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    T_LIST = 0, /* \dt; \d without argument has the same shape */
    T_RESOLVE,
    T_RELINFO,
    T_COLUMNS,
    T_INDEXES,
    T_POLICIES,
    T_STATS,
    T_PUBS,
    T_INHERITS,
    T_PARTITIONS,
    T_DBLIST,
    T_LIST2,
    T_LISTPAT, /* \dt PATTERN, \d PATTERN... */
    T_JDBC_TABLES,  /* pgjdbc 42.5 DatabaseMetaData.getTables(.., name, {"TABLE"}) */
    T_JDBC_COLUMNS, /* pgjdbc 42.5 DatabaseMetaData.getColumns(.., name, null) */
    T_COUNT
};

static const char *const templates[T_COUNT] = {
    /* \dt -- c1, Query */
    "SELECT n.nspname as \"Schema\",\n"
    "  c.relname as \"Name\",\n"
    "  CASE c.relkind WHEN 'r' THEN 'table' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'i' THEN 'index' WHEN 'S' THEN 'sequence' WHEN 't' THEN 'TOAST table' WHEN 'f' THEN 'foreign table' WHEN 'p' THEN 'partitioned table' WHEN 'I' THEN 'partitioned index' END as \"Type\",\n"
    "  pg_catalog.pg_get_userbyid(c.relowner) as \"Owner\"\n"
    "FROM pg_catalog.pg_class c\n"
    "     LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace\n"
    "     LEFT JOIN pg_catalog.pg_am am ON am.oid = c.relam\n"
    "WHERE c.relkind IN ('r','p','')\n"
    "      AND n.nspname <> 'pg_catalog'\n"
    "      AND n.nspname !~ '^pg_toast'\n"
    "      AND n.nspname <> 'information_schema'\n"
    "  AND pg_catalog.pg_table_is_visible(c.oid)\n"
    "ORDER BY 1,2;\n",
    /* \d t (1/9: resolve name) -- c1, Query */
    "SELECT c.oid,\n"
    "  n.nspname,\n"
    "  c.relname\n"
    "FROM pg_catalog.pg_class c\n"
    "     LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace\n"
    "WHERE c.relname OPERATOR(pg_catalog.~) '^(t)$' COLLATE pg_catalog.default\n"
    "  AND pg_catalog.pg_table_is_visible(c.oid)\n"
    "ORDER BY 2, 3;\n",
    /* \d t (2/9: relation info) -- c1, Query */
    "SELECT c.relchecks, c.relkind, c.relhasindex, c.relhasrules, c.relhastriggers, c.relrowsecurity, c.relforcerowsecurity, false AS relhasoids, c.relispartition, '', c.reltablespace, CASE WHEN c.reloftype = 0 THEN '' ELSE c.reloftype::pg_catalog.regtype::pg_catalog.text END, c.relpersistence, c.relreplident, am.amname\n"
    "FROM pg_catalog.pg_class c\n"
    " LEFT JOIN pg_catalog.pg_class tc ON (c.reltoastrelid = tc.oid)\n"
    "LEFT JOIN pg_catalog.pg_am am ON (c.relam = am.oid)\n"
    "WHERE c.oid = '16389';\n",
    /* \d t (3/9: columns) -- c1, Query */
    "SELECT a.attname,\n"
    "  pg_catalog.format_type(a.atttypid, a.atttypmod),\n"
    "  (SELECT pg_catalog.pg_get_expr(d.adbin, d.adrelid, true)\n"
    "   FROM pg_catalog.pg_attrdef d\n"
    "   WHERE d.adrelid = a.attrelid AND d.adnum = a.attnum AND a.atthasdef),\n"
    "  a.attnotnull,\n"
    "  (SELECT c.collname FROM pg_catalog.pg_collation c, pg_catalog.pg_type t\n"
    "   WHERE c.oid = a.attcollation AND t.oid = a.atttypid AND a.attcollation <> t.typcollation) AS attcollation,\n"
    "  a.attidentity,\n"
    "  a.attgenerated\n"
    "FROM pg_catalog.pg_attribute a\n"
    "WHERE a.attrelid = '16389' AND a.attnum > 0 AND NOT a.attisdropped\n"
    "ORDER BY a.attnum;\n",
    /* \d t (4/9: indexes) -- c1, Query */
    "SELECT c2.relname, i.indisprimary, i.indisunique, i.indisclustered, i.indisvalid, pg_catalog.pg_get_indexdef(i.indexrelid, 0, true),\n"
    "  pg_catalog.pg_get_constraintdef(con.oid, true), contype, condeferrable, condeferred, i.indisreplident, c2.reltablespace\n"
    "FROM pg_catalog.pg_class c, pg_catalog.pg_class c2, pg_catalog.pg_index i\n"
    "  LEFT JOIN pg_catalog.pg_constraint con ON (conrelid = i.indrelid AND conindid = i.indexrelid AND contype IN ('p','u','x'))\n"
    "WHERE c.oid = '16389' AND c.oid = i.indrelid AND i.indexrelid = c2.oid\n"
    "ORDER BY i.indisprimary DESC, c2.relname;\n",
    /* \d t (5/9: RLS policies) -- c1, Query */
    "SELECT pol.polname, pol.polpermissive,\n"
    "  CASE WHEN pol.polroles = '{0}' THEN NULL ELSE pg_catalog.array_to_string(array(select rolname from pg_catalog.pg_roles where oid = any (pol.polroles) order by 1),',') END,\n"
    "  pg_catalog.pg_get_expr(pol.polqual, pol.polrelid),\n"
    "  pg_catalog.pg_get_expr(pol.polwithcheck, pol.polrelid),\n"
    "  CASE pol.polcmd\n"
    "    WHEN 'r' THEN 'SELECT'\n"
    "    WHEN 'a' THEN 'INSERT'\n"
    "    WHEN 'w' THEN 'UPDATE'\n"
    "    WHEN 'd' THEN 'DELETE'\n"
    "    END AS cmd\n"
    "FROM pg_catalog.pg_policy pol\n"
    "WHERE pol.polrelid = '16389' ORDER BY 1;\n",
    /* \d t (6/9: extended statistics) -- c1, Query */
    "SELECT oid, stxrelid::pg_catalog.regclass, stxnamespace::pg_catalog.regnamespace::pg_catalog.text AS nsp, stxname,\n"
    "pg_catalog.pg_get_statisticsobjdef_columns(oid) AS columns,\n"
    "  'd' = any(stxkind) AS ndist_enabled,\n"
    "  'f' = any(stxkind) AS deps_enabled,\n"
    "  'm' = any(stxkind) AS mcv_enabled,\n"
    "stxstattarget\n"
    "FROM pg_catalog.pg_statistic_ext\n"
    "WHERE stxrelid = '16389'\n"
    "ORDER BY nsp, stxname;\n",
    /* \d t (7/9: publications) -- c1, Query */
    "SELECT pubname\n"
    "     , NULL\n"
    "     , NULL\n"
    "FROM pg_catalog.pg_publication p\n"
    "     JOIN pg_catalog.pg_publication_namespace pn ON p.oid = pn.pnpubid\n"
    "     JOIN pg_catalog.pg_class pc ON pc.relnamespace = pn.pnnspid\n"
    "WHERE pc.oid ='16389' and pg_catalog.pg_relation_is_publishable('16389')\n"
    "UNION\n"
    "SELECT pubname\n"
    "     , pg_get_expr(pr.prqual, c.oid)\n"
    "     , (CASE WHEN pr.prattrs IS NOT NULL THEN\n"
    "         (SELECT string_agg(attname, ', ')\n"
    "           FROM pg_catalog.generate_series(0, pg_catalog.array_upper(pr.prattrs::pg_catalog.int2[], 1)) s,\n"
    "                pg_catalog.pg_attribute\n"
    "          WHERE attrelid = pr.prrelid AND attnum = prattrs[s])\n"
    "        ELSE NULL END) FROM pg_catalog.pg_publication p\n"
    "     JOIN pg_catalog.pg_publication_rel pr ON p.oid = pr.prpubid\n"
    "     JOIN pg_catalog.pg_class c ON c.oid = pr.prrelid\n"
    "WHERE pr.prrelid = '16389'\n"
    "UNION\n"
    "SELECT pubname\n"
    "     , NULL\n"
    "     , NULL\n"
    "FROM pg_catalog.pg_publication p\n"
    "WHERE p.puballtables AND pg_catalog.pg_relation_is_publishable('16389')\n"
    "ORDER BY 1;\n",
    /* \d t (8/9: inheritance parents) -- c1, Query */
    "SELECT c.oid::pg_catalog.regclass\n"
    "FROM pg_catalog.pg_class c, pg_catalog.pg_inherits i\n"
    "WHERE c.oid = i.inhparent AND i.inhrelid = '16389'\n"
    "  AND c.relkind != 'p' AND c.relkind != 'I'\n"
    "ORDER BY inhseqno;\n",
    /* \d t (9/9: partitions/children) -- c1, Query */
    "SELECT c.oid::pg_catalog.regclass, c.relkind, inhdetachpending, pg_catalog.pg_get_expr(c.relpartbound, c.oid)\n"
    "FROM pg_catalog.pg_class c, pg_catalog.pg_inherits i\n"
    "WHERE c.oid = i.inhrelid AND i.inhparent = '16389'\n"
    "ORDER BY pg_catalog.pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT', c.oid::pg_catalog.regclass::pg_catalog.text;\n",
    /* \l -- c1, Query */
    "SELECT d.datname as \"Name\",\n"
    "       pg_catalog.pg_get_userbyid(d.datdba) as \"Owner\",\n"
    "       pg_catalog.pg_encoding_to_char(d.encoding) as \"Encoding\",\n"
    "       d.datcollate as \"Collate\",\n"
    "       d.datctype as \"Ctype\",\n"
    "       d.daticulocale as \"ICU Locale\",\n"
    "       CASE d.datlocprovider WHEN 'c' THEN 'libc' WHEN 'i' THEN 'icu' END AS \"Locale Provider\",\n"
    "       pg_catalog.array_to_string(d.datacl, E'\\n') AS \"Access privileges\"\n"
    "FROM pg_catalog.pg_database d\n"
    "ORDER BY 1;\n",
    /* \d -- c1, Query */
    "SELECT n.nspname as \"Schema\",\n"
    "  c.relname as \"Name\",\n"
    "  CASE c.relkind WHEN 'r' THEN 'table' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'i' THEN 'index' WHEN 'S' THEN 'sequence' WHEN 't' THEN 'TOAST table' WHEN 'f' THEN 'foreign table' WHEN 'p' THEN 'partitioned table' WHEN 'I' THEN 'partitioned index' END as \"Type\",\n"
    "  pg_catalog.pg_get_userbyid(c.relowner) as \"Owner\"\n"
    "FROM pg_catalog.pg_class c\n"
    "     LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace\n"
    "     LEFT JOIN pg_catalog.pg_am am ON am.oid = c.relam\n"
    "WHERE c.relkind IN ('r','p','v','m','S','f','')\n"
    "      AND n.nspname <> 'pg_catalog'\n"
    "      AND n.nspname !~ '^pg_toast'\n"
    "      AND n.nspname <> 'information_schema'\n"
    "  AND pg_catalog.pg_table_is_visible(c.oid)\n"
    "ORDER BY 1,2;\n",
    /* \\dt PATTERN (psql -E) */
    "SELECT n.nspname as \"Schema\",\n"
    "  c.relname as \"Name\",\n"
    "  CASE c.relkind WHEN 'r' THEN 'table' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'i' THEN 'index' WHEN 'S' THEN 'sequence' WHEN 't' THEN 'TOAST table' WHEN 'f' THEN 'foreign table' WHEN 'p' THEN 'partitioned table' WHEN 'I' THEN 'partitioned index' END as \"Type\",\n"
    "  pg_catalog.pg_get_userbyid(c.relowner) as \"Owner\"\n"
    "FROM pg_catalog.pg_class c\n"
    "     LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace\n"
    "     LEFT JOIN pg_catalog.pg_am am ON am.oid = c.relam\n"
    "WHERE c.relkind IN ('r','p','t','s','')\n"
    "  AND c.relname OPERATOR(pg_catalog.~) '^(it.*)$' COLLATE pg_catalog.default\n"
    "  AND pg_catalog.pg_table_is_visible(c.oid)\n"
    "ORDER BY 1,2;\n",
    /* pgjdbc getTables -- verbatim, one line */
    "SELECT NULL AS TABLE_CAT, n.nspname AS TABLE_SCHEM, c.relname AS TABLE_NAME,  CASE n.nspna"
    "me ~ '^pg_' OR n.nspname = 'information_schema'  WHEN true THEN CASE  WHEN n.nspname = 'pg"
    "_catalog' OR n.nspname = 'information_schema' THEN CASE c.relkind   WHEN 'r' THEN 'SYSTEM "
    "TABLE'   WHEN 'v' THEN 'SYSTEM VIEW'   WHEN 'i' THEN 'SYSTEM INDEX'   ELSE NULL   END  WHE"
    "N n.nspname = 'pg_toast' THEN CASE c.relkind   WHEN 'r' THEN 'SYSTEM TOAST TABLE'   WHEN '"
    "i' THEN 'SYSTEM TOAST INDEX'   ELSE NULL   END  ELSE CASE c.relkind   WHEN 'r' THEN 'TEMPO"
    "RARY TABLE'   WHEN 'p' THEN 'TEMPORARY TABLE'   WHEN 'i' THEN 'TEMPORARY INDEX'   WHEN 'S'"
    " THEN 'TEMPORARY SEQUENCE'   WHEN 'v' THEN 'TEMPORARY VIEW'   ELSE NULL   END  END  WHEN f"
    "alse THEN CASE c.relkind  WHEN 'r' THEN 'TABLE'  WHEN 'p' THEN 'PARTITIONED TABLE'  WHEN '"
    "i' THEN 'INDEX'  WHEN 'P' then 'PARTITIONED INDEX'  WHEN 'S' THEN 'SEQUENCE'  WHEN 'v' THE"
    "N 'VIEW'  WHEN 'c' THEN 'TYPE'  WHEN 'f' THEN 'FOREIGN TABLE'  WHEN 'm' THEN 'MATERIALIZED"
    " VIEW'  ELSE NULL  END  ELSE NULL  END  AS TABLE_TYPE, d.description AS REMARKS,  '' as TY"
    "PE_CAT, '' as TYPE_SCHEM, '' as TYPE_NAME, '' AS SELF_REFERENCING_COL_NAME, '' AS REF_GENE"
    "RATION  FROM pg_catalog.pg_namespace n, pg_catalog.pg_class c  LEFT JOIN pg_catalog.pg_des"
    "cription d ON (c.oid = d.objoid AND d.objsubid = 0  and d.classoid = 'pg_class'::regclass)"
    "  WHERE c.relnamespace = n.oid  AND c.relname LIKE 'jt' AND (false  OR ( c.relkind = 'r' A"
    "ND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema' ) )  ORDER BY TABLE_TYPE,TABL"
    "E_SCHEM,TABLE_NAME ",
    /* pgjdbc getColumns -- verbatim, one line */
    "SELECT * FROM (SELECT n.nspname,c.relname,a.attname,a.atttypid,a.attnotnull OR (t.typtype "
    "= 'd' AND t.typnotnull) AS attnotnull,a.atttypmod,a.attlen,t.typtypmod,row_number() OVER ("
    "PARTITION BY a.attrelid ORDER BY a.attnum) AS attnum, nullif(a.attidentity, '') as attiden"
    "tity,nullif(a.attgenerated, '') as attgenerated,pg_catalog.pg_get_expr(def.adbin, def.adre"
    "lid) AS adsrc,dsc.description,t.typbasetype,t.typtype  FROM pg_catalog.pg_namespace n  JOI"
    "N pg_catalog.pg_class c ON (c.relnamespace = n.oid)  JOIN pg_catalog.pg_attribute a ON (a."
    "attrelid=c.oid)  JOIN pg_catalog.pg_type t ON (a.atttypid = t.oid)  LEFT JOIN pg_catalog.p"
    "g_attrdef def ON (a.attrelid=def.adrelid AND a.attnum = def.adnum)  LEFT JOIN pg_catalog.p"
    "g_description dsc ON (c.oid=dsc.objoid AND a.attnum = dsc.objsubid)  LEFT JOIN pg_catalog."
    "pg_class dc ON (dc.oid=dsc.classoid AND dc.relname='pg_class')  LEFT JOIN pg_catalog.pg_na"
    "mespace dn ON (dc.relnamespace=dn.oid AND dn.nspname='pg_catalog')  WHERE c.relkind in ('r"
    "','p','v','f','m') and a.attnum > 0 AND NOT a.attisdropped  AND c.relname LIKE 'jt') c WHE"
    "RE true  ORDER BY nspname,c.relname,attnum ",
};

static uint64_t fingerprints[T_COUNT];
static pthread_once_t fp_once = PTHREAD_ONCE_INIT;

static uint64_t fingerprint(const char *sql)
{
    unsigned long long f;
    sqlerr e;
    /* through sqlparse: it refuses text nested too deeply for libpg_query's recursion */
    return sqlparse_fingerprint(sql, &f, &e) ? 0 : (uint64_t)f;
}

static void fp_init(void)
{
    for (int i = 0; i < T_COUNT; i++) fingerprints[i] = fingerprint(templates[i]);
}

/* ---- result building ---------------------------------------------------------------------- */

enum { OID_BOOL = 16, OID_CHAR = 18, OID_NAME = 19, OID_INT8 = 20, OID_INT2 = 21, OID_INT4 = 23,
       OID_TEXT = 25, OID_OID = 26, OID_REGCLASS = 2205 };

typedef struct cdef {
    const char *name;
    uint32_t oid;
} cdef;

static int describe(executor_sink *sink, const cdef *c, int n)
{
    executor_column cols[16];
    memset(cols, 0, sizeof cols);
    for (int i = 0; i < n && i < 16; i++) {
        snprintf(cols[i].name, sizeof cols[i].name, "%s", c[i].name);
        cols[i].type_oid = c[i].oid;
        cols[i].typlen = c[i].oid == OID_BOOL || c[i].oid == OID_CHAR ? 1
                         : c[i].oid == OID_NAME                       ? 64
                         : c[i].oid == OID_INT2                       ? 2
                         : c[i].oid == OID_OID || c[i].oid == OID_REGCLASS ? 4
                                                                           : -1;
        if (c[i].oid == OID_INT4) cols[i].typlen = 4;
        if (c[i].oid == OID_INT8) cols[i].typlen = 8;
        cols[i].typmod = -1;
    }
    return sink->row_description(sink, cols, n);
}

static int row(executor_sink *sink, int n, const char *const *v)
{
    size_t lens[16];
    for (int i = 0; i < n && i < 16; i++) lens[i] = v[i] ? strlen(v[i]) : 0;
    return sink->data_row(sink, n, v, lens);
}

static int done(executor_sink *sink, int nrows)
{
    char tag[32];
    snprintf(tag, sizeof tag, "SELECT %d", nrows);
    return sink->command_complete(sink, tag);
}

static int empty(executor_sink *sink, const cdef *c, int n)
{
    return describe(sink, c, n) || done(sink, 0) ? EXEC_ERROR : EXEC_DONE;
}

static int cmp_name(const void *a, const void *b)
{
    const sqlschema_table *x = *(sqlschema_table *const *)a, *y = *(sqlschema_table *const *)b;
    return strcmp(x->name, y->name);
}

/* The tables sorted by name (borrowed pointers into the cache). */
static const sqlschema_table **sorted(sx_exec *x)
{
    const sqlschema_table **v = malloc(((size_t)x->ntables + 1) * sizeof *v);
    if (!v) return NULL;
    for (int i = 0; i < x->ntables; i++) v[i] = x->tables[i];
    if (x->ntables > 1) qsort(v, (size_t)x->ntables, sizeof *v, cmp_name);
    return v;
}

/* The first quoted literal after `after` (psql doubles quotes inside literals). */
static char *literal_after(const char *sql, const char *after)
{
    const char *p = strstr(sql, after);
    if (!p) return NULL;
    p = strchr(p + strlen(after), '\'');
    if (!p) return NULL;
    p++;
    size_t cap = strlen(p) + 1, o = 0;
    char *out = malloc(cap);
    if (!out) return NULL;
    for (; *p; p++) {
        if (*p == '\'') {
            if (p[1] != '\'') break;
            p++;
        }
        out[o++] = *p;
    }
    out[o] = 0;
    return out;
}

/* The oid psql quotes ('16389'): the first all-digit quoted literal. */
static uint32_t quoted_oid(const char *sql)
{
    for (const char *p = strchr(sql, '\''); p; p = strchr(p + 1, '\'')) {
        const char *q = p + 1;
        while (isdigit((unsigned char)*q)) q++;
        if (q > p + 1 && *q == '\'') return (uint32_t)strtoul(p + 1, NULL, 10);
    }
    return 0;
}

static const sqlschema_table *by_oid(sx_exec *x, uint32_t oid)
{
    for (int i = 0; i < x->ntables; i++)
        if (x->tables[i]->id == oid) return x->tables[i];
    return NULL;
}

static int list_tables(sx_session *s, const char *sql, bool pattern, executor_sink *sink,
                       executor_error *err)
{
    regex_t re;
    if (pattern) {
        char *pat = literal_after(sql, "OPERATOR(pg_catalog.~)");
        if (!pat) return executor_error_set(err, "53200", "out of memory");
        int bad = regcomp(&re, pat, REG_EXTENDED | REG_NOSUB);
        free(pat);
        if (bad) return executor_error_set(err, "2201B", "invalid regular expression");
    }
    static const cdef c[] = {{"Schema", OID_NAME}, {"Name", OID_NAME}, {"Type", OID_TEXT},
                             {"Owner", OID_NAME}};
    const sqlschema_table **v = sorted(s->x);
    int rc = EXEC_DONE, n = 0;
    if (!v || describe(sink, c, 4)) rc = EXEC_ERROR;
    for (int i = 0; i < s->x->ntables && rc == EXEC_DONE; i++) {
        if (pattern && regexec(&re, v[i]->name, 0, NULL, 0)) continue;
        const char *r[] = {"public", v[i]->name, "table", s->user[0] ? s->user : "heliosdb"};
        if (row(sink, 4, r)) rc = EXEC_ERROR;
        n++;
    }
    free(v);
    if (pattern) regfree(&re);
    if (rc == EXEC_DONE && done(sink, n)) rc = EXEC_ERROR;
    return rc;
}

static int resolve(sx_session *s, const char *sql, executor_sink *sink, executor_error *err)
{
    static const cdef c[] = {{"oid", OID_OID}, {"nspname", OID_NAME}, {"relname", OID_NAME}};
    char *pat = literal_after(sql, "OPERATOR(pg_catalog.~)");
    regex_t re;
    if (!pat) return executor_error_set(err, "53200", "out of memory");
    if (regcomp(&re, pat, REG_EXTENDED | REG_NOSUB)) {
        free(pat);
        return executor_error_set(err, "2201B", "invalid regular expression");
    }
    free(pat);
    const sqlschema_table **v = sorted(s->x);
    int rc = EXEC_DONE, n = 0;
    if (!v || describe(sink, c, 3)) rc = EXEC_ERROR;
    for (int i = 0; rc == EXEC_DONE && i < s->x->ntables; i++) {
        if (regexec(&re, v[i]->name, 0, NULL, 0)) continue;
        char oid[16];
        snprintf(oid, sizeof oid, "%u", v[i]->id);
        const char *r[] = {oid, "public", v[i]->name};
        if (row(sink, 3, r)) rc = EXEC_ERROR;
        n++;
    }
    if (rc == EXEC_DONE && done(sink, n)) rc = EXEC_ERROR;
    regfree(&re);
    free(v);
    return rc;
}

static int relinfo(sx_session *s, const char *sql, executor_sink *sink)
{
    static const cdef c[] = {{"relchecks", OID_INT2},      {"relkind", OID_CHAR},
                             {"relhasindex", OID_BOOL},    {"relhasrules", OID_BOOL},
                             {"relhastriggers", OID_BOOL}, {"relrowsecurity", OID_BOOL},
                             {"relforcerowsecurity", OID_BOOL}, {"relhasoids", OID_BOOL},
                             {"relispartition", OID_BOOL}, {"?column?", OID_TEXT},
                             {"reltablespace", OID_OID},   {"reloftype", OID_TEXT},
                             {"relpersistence", OID_CHAR}, {"relreplident", OID_CHAR},
                             {"amname", OID_NAME}};
    const sqlschema_table *t = by_oid(s->x, quoted_oid(sql));
    if (describe(sink, c, 15)) return EXEC_ERROR;
    if (t) {
        const char *r[] = {"0", "r", t->npk ? "t" : "f", "f", "f", "f", "f", "f", "f", "", "0",
                           "", "p", "d", "heap"};
        if (row(sink, 15, r)) return EXEC_ERROR;
    }
    return done(sink, t ? 1 : 0) ? EXEC_ERROR : EXEC_DONE;
}

/* DEFAULT as psql shows it: now() or the constant, quoted with a cast for strings. */
static char *default_text(const sqlschema_column *c)
{
    if (c->default_now) return strdup("now()");
    if (!c->has_default || c->default_value.isnull) return NULL;
    char *txt = NULL;
    size_t len;
    sqlerr e;
    if (sqlval_to_text(&c->default_value, &txt, &len, &e)) return NULL;
    if (sqlval_type_is_integer(c->type) || c->type == SQLVAL_FLOAT8 || c->type == SQLVAL_FLOAT4 ||
        c->type == SQLVAL_NUMERIC || c->type == SQLVAL_BOOL)
        return txt;
    size_t cap = 2 * len + 32 + strlen(c->type_name);
    char *q = malloc(cap);
    if (q) {
        size_t o = 0;
        q[o++] = '\'';
        for (size_t i = 0; i < len; i++) {
            if (txt[i] == '\'') q[o++] = '\'';
            q[o++] = txt[i];
        }
        snprintf(q + o, cap - o, "'::%s", c->type_name);
    }
    free(txt);
    return q;
}

static int columns(sx_session *s, const char *sql, executor_sink *sink)
{
    static const cdef c[] = {{"attname", OID_NAME},     {"format_type", OID_TEXT},
                             {"pg_get_expr", OID_TEXT}, {"attnotnull", OID_BOOL},
                             {"attcollation", OID_NAME}, {"attidentity", OID_CHAR},
                             {"attgenerated", OID_CHAR}};
    const sqlschema_table *t = by_oid(s->x, quoted_oid(sql));
    if (describe(sink, c, 7)) return EXEC_ERROR;
    int n = t ? t->ncols : 0, shown = 0;
    for (int i = 0; i < n; i++) {
        const sqlschema_column *col = &t->cols[i];
        if (col->hidden) continue; /* a table's row id */
        shown++;
        char *def = default_text(col);
        const char *r[] = {col->name, col->type_name, def,
                           col->not_null || col->pk_pos >= 0 ? "t" : "f", NULL, "", ""};
        int rc = row(sink, 7, r);
        free(def);
        if (rc) return EXEC_ERROR;
    }
    return done(sink, shown) ? EXEC_ERROR : EXEC_DONE;
}

static int indexes(sx_session *s, const char *sql, executor_sink *sink)
{
    static const cdef c[] = {{"relname", OID_NAME},       {"indisprimary", OID_BOOL},
                             {"indisunique", OID_BOOL},   {"indisclustered", OID_BOOL},
                             {"indisvalid", OID_BOOL},    {"pg_get_indexdef", OID_TEXT},
                             {"pg_get_constraintdef", OID_TEXT}, {"contype", OID_CHAR},
                             {"condeferrable", OID_BOOL}, {"condeferred", OID_BOOL},
                             {"indisreplident", OID_BOOL}, {"reltablespace", OID_OID}};
    const sqlschema_table *t = by_oid(s->x, quoted_oid(sql));
    if (describe(sink, c, 12)) return EXEC_ERROR;
    if (!t || !t->npk || sqlschema_has_rowid(t)) return done(sink, 0) ? EXEC_ERROR : EXEC_DONE;
    char keys[1024] = "", name[160], idef[1400], cdef_[1100];
    size_t o = 0;
    for (int i = 0; i < t->npk && o < sizeof keys; i++)
        o += (size_t)snprintf(keys + o, sizeof keys - o, "%s%s", i ? ", " : "",
                              t->cols[t->pk[i]].name);
    snprintf(name, sizeof name, "%s_pkey", t->name);
    snprintf(idef, sizeof idef, "CREATE UNIQUE INDEX %s ON public.%s USING btree (%s)", name,
             t->name, keys);
    snprintf(cdef_, sizeof cdef_, "PRIMARY KEY (%s)", keys);
    const char *r[] = {name, "t", "t", "f", "t", idef, cdef_, "p", "f", "f", "f", "0"};
    return row(sink, 12, r) || done(sink, 1) ? EXEC_ERROR : EXEC_DONE;
}

static int dblist(sx_session *s, executor_sink *sink)
{
    static const cdef c[] = {{"Name", OID_NAME},       {"Owner", OID_NAME},
                             {"Encoding", OID_NAME},   {"Collate", OID_NAME},
                             {"Ctype", OID_NAME},      {"ICU Locale", OID_TEXT},
                             {"Locale Provider", OID_TEXT}, {"Access privileges", OID_TEXT}};
    const char *r[] = {s->database[0] ? s->database : "heliosdb",
                       s->user[0] ? s->user : "heliosdb", "UTF8", "C.UTF-8", "C.UTF-8", NULL,
                       "libc", NULL};
    return describe(sink, c, 8) || row(sink, 8, r) || done(sink, 1) ? EXEC_ERROR : EXEC_DONE;
}

/* SQL LIKE with the default escape character (backslash). */
static bool like(const char *s, const char *p)
{
    for (; *p; p++, s++) {
        if (*p == '%') {
            while (p[1] == '%') p++;
            if (!p[1]) return true;
            for (; *s; s++)
                if (like(s, p + 1)) return true;
            return false;
        }
        if (!*s) return false;
        if (*p == '\\' && p[1]) p++;
        else if (*p == '_') continue;
        if (*p != *s) return false;
    }
    return !*s;
}

/* The LIKE pattern after `after`; "%" when the query has none. */
static bool like_after(const char *sql, const char *after, const char *name, bool *oom)
{
    if (!strstr(sql, after)) return true;
    char *pat = literal_after(sql, after);
    if (!pat) {
        *oom = true;
        return false;
    }
    bool m = like(name, pat);
    free(pat);
    return m;
}

static int jdbc_tables(sx_session *s, const char *sql, executor_sink *sink, executor_error *err)
{
    static const cdef c[] = {{"table_cat", OID_TEXT},   {"table_schem", OID_NAME},
                             {"table_name", OID_NAME},  {"table_type", OID_TEXT},
                             {"remarks", OID_TEXT},     {"type_cat", OID_TEXT},
                             {"type_schem", OID_TEXT},  {"type_name", OID_TEXT},
                             {"self_referencing_col_name", OID_TEXT},
                             {"ref_generation", OID_TEXT}};
    const sqlschema_table **v = sorted(s->x);
    if (!v) return executor_error_set(err, "53200", "out of memory");
    int rc = describe(sink, c, 10) ? EXEC_ERROR : EXEC_DONE, n = 0;
    bool oom = false;
    for (int i = 0; i < s->x->ntables && rc == EXEC_DONE; i++) {
        if (!like_after(sql, "n.nspname LIKE ", "public", &oom) ||
            !like_after(sql, "c.relname LIKE ", v[i]->name, &oom))
            continue;
        const char *r[] = {NULL, "public", v[i]->name, "TABLE", NULL, "", "", "", "", ""};
        if (row(sink, 10, r)) rc = EXEC_ERROR;
        n++;
    }
    free(v);
    if (oom) return executor_error_set(err, "53200", "out of memory");
    if (rc == EXEC_DONE && done(sink, n)) rc = EXEC_ERROR;
    return rc;
}

static int jdbc_columns(sx_session *s, const char *sql, executor_sink *sink,
                        executor_error *err)
{
    static const cdef c[] = {{"nspname", OID_NAME},     {"relname", OID_NAME},
                             {"attname", OID_NAME},     {"atttypid", OID_OID},
                             {"attnotnull", OID_BOOL},  {"atttypmod", OID_INT4},
                             {"attlen", OID_INT2},      {"typtypmod", OID_INT4},
                             {"attnum", OID_INT8},      {"attidentity", OID_CHAR},
                             {"attgenerated", OID_CHAR}, {"adsrc", OID_TEXT},
                             {"description", OID_TEXT}, {"typbasetype", OID_OID},
                             {"typtype", OID_CHAR}};
    const sqlschema_table **v = sorted(s->x);
    if (!v) return executor_error_set(err, "53200", "out of memory");
    int rc = describe(sink, c, 15) ? EXEC_ERROR : EXEC_DONE, n = 0;
    bool oom = false;
    for (int i = 0; i < s->x->ntables && rc == EXEC_DONE; i++) {
        const sqlschema_table *t = v[i];
        if (!like_after(sql, "n.nspname LIKE ", "public", &oom) ||
            !like_after(sql, "c.relname LIKE ", t->name, &oom))
            continue;
        for (int j = 0; j < t->ncols && rc == EXEC_DONE; j++) {
            const sqlschema_column *col = &t->cols[j];
            if (col->hidden || !like_after(sql, "attname LIKE ", col->name, &oom)) continue;
            char oid[16], num[16];
            snprintf(oid, sizeof oid, "%u", sqlval_type_oid(col->type));
            snprintf(num, sizeof num, "%d", j + 1);
            char *def = default_text(col);
            const char *r[] = {"public", t->name, col->name, oid,
                               col->not_null || col->pk_pos >= 0 ? "t" : "f", "-1", "-1", "-1",
                               num, NULL, NULL, def, NULL, "0", "b"};
            if (row(sink, 15, r)) rc = EXEC_ERROR;
            free(def);
            n++;
        }
    }
    free(v);
    if (oom) return executor_error_set(err, "53200", "out of memory");
    if (rc == EXEC_DONE && done(sink, n)) rc = EXEC_ERROR;
    return rc;
}

int sqlpsql_try(sx_session *s, const char *sql, executor_sink *sink, executor_error *err)
{
    if (!strstr(sql, "pg_catalog.")) return SQLPSQL_NOT_MINE;
    pthread_once(&fp_once, fp_init);
    uint64_t f = fingerprint(sql);
    int k = -1;
    for (int i = 0; f && i < T_COUNT; i++)
        if (fingerprints[i] == f) k = i;
    static const cdef pol[] = {{"polname", OID_NAME}, {"polpermissive", OID_BOOL},
                               {"array_to_string", OID_TEXT}, {"pg_get_expr", OID_TEXT},
                               {"pg_get_expr", OID_TEXT}, {"cmd", OID_TEXT}};
    static const cdef stx[] = {{"oid", OID_OID}, {"stxrelid", OID_REGCLASS}, {"nsp", OID_TEXT},
                               {"stxname", OID_NAME}, {"columns", OID_TEXT},
                               {"ndist_enabled", OID_BOOL}, {"deps_enabled", OID_BOOL},
                               {"mcv_enabled", OID_BOOL}, {"stxstattarget", OID_INT2}};
    static const cdef pub[] = {{"pubname", OID_NAME}, {"?column?", OID_TEXT},
                               {"?column?", OID_TEXT}};
    static const cdef inh[] = {{"oid", OID_REGCLASS}};
    static const cdef part[] = {{"oid", OID_REGCLASS}, {"relkind", OID_CHAR},
                                {"inhdetachpending", OID_BOOL}, {"pg_get_expr", OID_TEXT}};
    switch (k) {
    case T_LIST:
    case T_LIST2: return list_tables(s, sql, false, sink, err);
    case T_LISTPAT: return list_tables(s, sql, true, sink, err);
    case T_RESOLVE: return resolve(s, sql, sink, err);
    case T_RELINFO: return relinfo(s, sql, sink);
    case T_COLUMNS: return columns(s, sql, sink);
    case T_INDEXES: return indexes(s, sql, sink);
    case T_POLICIES: return empty(sink, pol, 6);
    case T_STATS: return empty(sink, stx, 9);
    case T_PUBS: return empty(sink, pub, 3);
    case T_INHERITS: return empty(sink, inh, 1);
    case T_PARTITIONS: return empty(sink, part, 4);
    case T_DBLIST: return dblist(s, sink);
    case T_JDBC_TABLES: return jdbc_tables(s, sql, sink, err);
    case T_JDBC_COLUMNS: return jdbc_columns(s, sql, sink, err);
    default: return SQLPSQL_NOT_MINE;
    }
}

/* ---- capture (extended protocol) ---------------------------------------------------------- */

typedef struct capture {
    executor_sink sink;
    executor_column *cols;
    int ncols;
    sx_result *res;
    bool oom;
} capture;

static int cap_desc(executor_sink *k, const executor_column *cols, int n)
{
    capture *c = k->ctx;
    free(c->cols);
    c->cols = malloc(((size_t)n + 1) * sizeof *cols);
    if (!c->cols) return c->oom = true, -1;
    memcpy(c->cols, cols, (size_t)n * sizeof *cols);
    c->ncols = c->res->ncols = n;
    return 0;
}

static int cap_row(executor_sink *k, int n, const char *const *v, const size_t *lens)
{
    capture *c = k->ctx;
    sx_result *r = c->res;
    if (n != r->ncols) return -1;
    if (r->nrows == r->cap) {
        size_t nc = r->cap ? r->cap * 2 : 16;
        char **nv = realloc(r->vals, nc * (size_t)n * sizeof *nv + 1);
        if (!nv) return c->oom = true, -1;
        r->vals = nv;
        size_t *nl = realloc(r->lens, nc * (size_t)n * sizeof *nl + 1);
        if (!nl) return c->oom = true, -1;
        r->lens = nl;
        r->cap = nc;
    }
    size_t base = r->nrows * (size_t)n;
    for (int i = 0; i < n; i++) {
        r->lens[base + (size_t)i] = lens[i];
        r->vals[base + (size_t)i] = NULL;
        if (!v[i]) continue;
        char *d = malloc(lens[i] + 1);
        if (!d) {
            for (int j = 0; j < i; j++) free(r->vals[base + (size_t)j]);
            return c->oom = true, -1;
        }
        memcpy(d, v[i], lens[i]);
        d[lens[i]] = 0;
        r->vals[base + (size_t)i] = d;
    }
    r->nrows++;
    return 0;
}

static int cap_tag(executor_sink *k, const char *tag)
{
    capture *c = k->ctx;
    snprintf(c->res->tag, sizeof c->res->tag, "%s", tag);
    return 0;
}

int sqlpsql_capture(sx_session *s, const char *sql, executor_column **cols, int *ncols,
                    sx_result *res, executor_error *err)
{
    memset(res, 0, sizeof *res);
    capture c = {.res = res};
    c.sink.row_description = cap_desc;
    c.sink.data_row = cap_row;
    c.sink.command_complete = cap_tag;
    c.sink.ctx = &c;
    int rc = sqlpsql_try(s, sql, &c.sink, err);
    if (rc == EXEC_DONE) {
        *cols = c.cols;
        *ncols = c.ncols;
        return rc;
    }
    free(c.cols);
    sqlrun_result_free(res);
    if (rc == EXEC_ERROR && c.oom) executor_error_set(err, "53200", "out of memory");
    return rc;
}
