/*
 * server/sql/sqlcatalog.c — pg_catalog / information_schema relations, catalog functions and
 * reg* casts. See sqlcatalog.h.
 *
 * Index:
 *   data       PostgreSQL 15's relations, types and functions (generated from a PostgreSQL 15
 *              server by the queries quoted above each table)
 *   model      the relations a session sees (user tables, their keys, catalog relations)
 *   names      name <-> oid for relations, types, schemas, functions (reg* casts, visibility)
 *   rows       one producer per relation
 *   functions  format_type, pg_get_* and the rest
 */
#include "server/sql/sqlcatalog.h"
#include "server/sql/sqlguc.h"

#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "proto/sqlstate.h"
#include "server/sql/sqlexec_int.h"
#include "server/sql/sqlfunc.h"
#include "server/sql/sqlenum.h"
#include "server/sql/sqlparse.h"
#include "server/sql/sqlrole.h"
#include "server/sql/sqlvirt.h"

/* ---- data --------------------------------------------------------------------------------- */

enum {
    NSP_TOAST = 99, /* empty: HeliosDB has no TOAST tables */
    NSP_CATALOG = 11,
    NSP_PUBLIC = 2200,
    NSP_INFO = 13207,
    NSP_HELIOS = 9900,
    OID_HELIOS_VIEWS = 9901, /* + the view's index in sqlvirt's list */
    OID_HELIOS_EXT = 9898,   /* pg_extension "heliosdb": owns schema helios and its views */
    OID_ENUM_LABELS = 0x7d000000, /* pg_enum.oid: numbered in the catalog's order */
    OID_CRDT_TYPES = 9950,
    OID_ROLE = 10,
    OID_DB_OWNER = 6171, /* pg_database_owner: owns schema public, as in PostgreSQL 15 */
    OID_DATABASE = 5,
    OID_HEAP = 2,
    OID_BTREE = 403,
    OID_GIN = 2742,
    OID_DEFAULT_COLL = 100,
    OID_C_COLL = 950,
    OID_TS_DEFAULT = 1663,
    PK_INDEX_BIT = 0x8000,
    OID_ATTRDEF_BASE = 0x40000000, /* + the default's position (rows_attrdef) */
    PK_CONSTRAINT_BITS = 0xC000,
    UNIQUE_CONSTRAINT_BIT = 0x4000, /* | a UNIQUE constraint's index oid: the constraint's */
};

typedef struct cat_rel {
    const char *schema, *name;
    uint32_t oid;
    char kind;
    const char *types, *cols;
} cat_rel;

typedef struct cat_type {
    uint32_t oid;
    const char *name;
    int len;
    bool byval;
    char typtype, category;
    bool preferred;
    uint32_t elem, array;
    const char *in, *out, *recv, *send;
    char align, storage;
    uint32_t collation;
    const char *fmt; /* format_type(oid, -1) */
} cat_type;

typedef struct cat_proc {
    uint32_t oid;
    const char *name;
    char kind;
    int nargs;
    uint32_t ret;
    bool retset, strict;
    char volatility;
    const char *argtypes, *src;
} cat_proc;

/* The relations (column names and types from PostgreSQL 15; one letter per column: N name,
 * O oid, C "char", S int2, I int4, L int8, B bool, T text, F float4, P regproc, Y regtype,
 * Z timestamptz, A an array (held as text[]), V int2vector, W oidvector; oids as PostgreSQL 15
 * numbers them) */
static const cat_rel rels[] = {
    {"pg_catalog", "pg_namespace", 2615, 'r', "ONOA",
     "oid nspname nspowner nspacl"},
    {"pg_catalog", "pg_class", 1259, 'r', "ONOOOOOOOIFIOBBCCSSBBBBBBCBOOOAAT",
     "oid relname relnamespace reltype reloftype relowner relam relfilenode reltablespace relpages reltuples relallvisible reltoastrelid relhasindex relisshared relpersistence relkind relnatts relchecks relhasrules relhastriggers relhassubclass relrowsecurity relforcerowsecurity relispopulated relreplident relispartition relrewrite relfrozenxid relminmxid relacl reloptions relpartbound"},
    {"pg_catalog", "pg_attribute", 1249, 'r', "ONOISSIIIBCCCBBBCCBBIOAAAA",
     "attrelid attname atttypid attstattarget attlen attnum attndims attcacheoff atttypmod attbyval attalign attstorage attcompression attnotnull atthasdef atthasmissing attidentity attgenerated attisdropped attislocal attinhcount attcollation attacl attoptions attfdwoptions attmissingval"},
    {"pg_catalog", "pg_type", 1247, 'r', "ONOOSBCCBBCOPOOPPPPPPPCCBOIIOTTA",
     "oid typname typnamespace typowner typlen typbyval typtype typcategory typispreferred typisdefined typdelim typrelid typsubscript typelem typarray typinput typoutput typreceive typsend typmodin typmodout typanalyze typalign typstorage typnotnull typbasetype typtypmod typndims typcollation typdefaultbin typdefault typacl"},
    {"pg_catalog", "pg_index", 2610, 'r', "OOSSBBBBBBBBBBBVWWVTT",
     "indexrelid indrelid indnatts indnkeyatts indisunique indnullsnotdistinct indisprimary indisexclusion indimmediate indisclustered indisvalid indcheckxmin indisready indislive indisreplident indkey indcollation indclass indoption indexprs indpred"},
    {"pg_catalog", "pg_constraint", 2606, 'r', "ONOCBBBOOOOOCCCBIBHHQQQHQT",
     "oid conname connamespace contype condeferrable condeferred convalidated conrelid contypid conindid conparentid confrelid confupdtype confdeltype confmatchtype conislocal coninhcount connoinherit conkey confkey conpfeqop conppeqop conffeqop confdelsetcols conexclop conbin"},
    {"pg_catalog", "pg_attrdef", 2604, 'r', "OOST",
     "oid adrelid adnum adbin"},
    {"pg_catalog", "pg_description", 2609, 'r', "OOIT",
     "objoid classoid objsubid description"},
    {"pg_catalog", "pg_shdescription", 2396, 'r', "OOT",
     "objoid classoid description"},
    {"pg_catalog", "pg_database", 1262, 'r', "ONOICBBIOOOTTTTA",
     "oid datname datdba encoding datlocprovider datistemplate datallowconn datconnlimit datfrozenxid datminmxid dattablespace datcollate datctype daticulocale datcollversion datacl"},
    {"pg_catalog", "pg_auth_members", 1261, 'r', "OOOB",
     "roleid member grantor admin_option"},
    {"pg_catalog", "pg_roles", 12000, 'v', "NBBBBBBITZBAO",
     "rolname rolsuper rolinherit rolcreaterole rolcreatedb rolcanlogin rolreplication rolconnlimit rolpassword rolvaliduntil rolbypassrls rolconfig oid"},
    {"pg_catalog", "pg_user", 12014, 'v', "NOBBBBTZA",
     "usename usesysid usecreatedb usesuper userepl usebypassrls passwd valuntil useconfig"},
    {"pg_catalog", "pg_authid", 1260, 'r', "ONBBBBBBBITZ",
     "oid rolname rolsuper rolinherit rolcreaterole rolcreatedb rolcanlogin rolreplication rolbypassrls rolconnlimit rolpassword rolvaliduntil"},
    {"pg_catalog", "pg_am", 2601, 'r', "ONPC",
     "oid amname amhandler amtype"},
    {"pg_catalog", "pg_collation", 3456, 'r', "ONOOCBITTTT",
     "oid collname collnamespace collowner collprovider collisdeterministic collencoding collcollate collctype colliculocale collversion"},
    {"pg_catalog", "pg_proc", 1255, 'r', "ONOOOFFOPCBBBBCCSSOWAAATATTTAA",
     "oid proname pronamespace proowner prolang procost prorows provariadic prosupport prokind prosecdef proleakproof proisstrict proretset provolatile proparallel pronargs pronargdefaults prorettype proargtypes proallargtypes proargmodes proargnames proargdefaults protrftypes prosrc probin prosqlbody proconfig proacl"},
    {"pg_catalog", "pg_range", 3541, 'r', "OOOOOPP",
     "rngtypid rngsubtype rngmultitypid rngcollation rngsubopc rngcanonical rngsubdiff"},
    {"pg_catalog", "pg_enum", 3501, 'r', "OOFN",
     "oid enumtypid enumsortorder enumlabel"},
    {"pg_catalog", "pg_extension", 3079, 'r', "ONOOBTAA",
     "oid extname extowner extnamespace extrelocatable extversion extconfig extcondition"},
    {"pg_catalog", "pg_inherits", 2611, 'r', "OOIB",
     "inhrelid inhparent inhseqno inhdetachpending"},
    {"pg_catalog", "pg_tablespace", 1213, 'r', "ONOAA",
     "oid spcname spcowner spcacl spcoptions"},
    {"pg_catalog", "pg_sequence", 2224, 'r', "OOLLLLLB",
     "seqrelid seqtypid seqstart seqincrement seqmax seqmin seqcache seqcycle"},
    {"pg_catalog", "pg_policy", 3256, 'r', "ONOCBATT",
     "oid polname polrelid polcmd polpermissive polroles polqual polwithcheck"},
    {"pg_catalog", "pg_statistic_ext", 3381, 'r', "OONOOIVAT",
     "oid stxrelid stxname stxnamespace stxowner stxstattarget stxkeys stxkind stxexprs"},
    {"pg_catalog", "pg_publication", 6104, 'r', "ONOBBBBBB",
     "oid pubname pubowner puballtables pubinsert pubupdate pubdelete pubtruncate pubviaroot"},
    {"pg_catalog", "pg_publication_rel", 6106, 'r', "OOOTA",
     "oid prpubid prrelid prqual prattrs"},
    {"pg_catalog", "pg_publication_namespace", 6237, 'r', "OOO",
     "oid pnpubid pnnspid"},
    {"pg_catalog", "pg_operator", 2617, 'r', "ONOOCBBOOOOOPPP",
     "oid oprname oprnamespace oprowner oprkind oprcanmerge oprcanhash oprleft oprright oprresult oprcom oprnegate oprcode oprrest oprjoin"},
    {"pg_catalog", "pg_trigger", 2620, 'r', "OOONOSCBOOOBBSVTTNN",
     "oid tgrelid tgparentid tgname tgfoid tgtype tgenabled tgisinternal tgconstrrelid tgconstrindid tgconstraint tgdeferrable tginitdeferred tgnargs tgattr tgargs tgqual tgoldtable tgnewtable"},
    {"pg_catalog", "pg_rewrite", 2618, 'r', "ONOCCBTT",
     "oid rulename ev_class ev_type ev_enabled is_instead ev_qual ev_action"},
    {"pg_catalog", "pg_depend", 2608, 'r', "OOIOOIC",
     "classid objid objsubid refclassid refobjid refobjsubid deptype"},
    {"pg_catalog", "pg_foreign_table", 3118, 'r', "OOA",
     "ftrelid ftserver ftoptions"},
    {"pg_catalog", "pg_foreign_server", 1417, 'r', "ONOOTTAA",
     "oid srvname srvowner srvfdw srvtype srvversion srvacl srvoptions"},
    {"pg_catalog", "pg_foreign_data_wrapper", 2328, 'r', "ONOOOAA",
     "oid fdwname fdwowner fdwhandler fdwvalidator fdwacl fdwoptions"},
    {"pg_catalog", "pg_event_trigger", 3466, 'r', "ONNOOCA",
     "oid evtname evtevent evtowner evtfoid evtenabled evttags"},
    {"pg_catalog", "pg_language", 2612, 'r', "ONOBBOOOA",
     "oid lanname lanowner lanispl lanpltrusted lanplcallfoid laninline lanvalidator lanacl"},
    {"pg_catalog", "pg_default_acl", 826, 'r', "OOOCA",
     "oid defaclrole defaclnamespace defaclobjtype defaclacl"},
    {"pg_catalog", "pg_init_privs", 3394, 'r', "OOICA",
     "objoid classoid objsubid privtype initprivs"},
    {"pg_catalog", "pg_db_role_setting", 2964, 'r', "OOA",
     "setdatabase setrole setconfig"},
    {"pg_catalog", "pg_parameter_acl", 6243, 'r', "OTA", "oid parname paracl"},
    {"pg_catalog", "pg_default_acl", 826, 'r', "OOOCA", "oid defaclrole defaclnamespace defaclobjtype defaclacl"},
    {"pg_catalog", "pg_prepared_statements", 12095, 'v', "TTZABLL",
     "name statement prepare_time parameter_types from_sql generic_plans custom_plans"},
    {"pg_catalog", "pg_locks", 12073, 'v', "TOOISTTOOSTITBBZ",
     "locktype database relation page tuple virtualxid transactionid classid objid objsubid virtualtransaction pid mode granted fastpath waitstart"},
    {"pg_catalog", "pg_stat_activity", 12222, 'v', "ONIIONTETIZZZZTTTTTLTT",
     "datid datname pid leader_pid usesysid usename application_name client_addr client_hostname client_port backend_start xact_start query_start state_change wait_event_type wait_event state backend_xid backend_xmin query_id query backend_type"},
    {"pg_catalog", "pg_seclabels", 12099, 'v', "OOITOTTT",
     "objoid classoid objsubid objtype objnamespace objname provider label"},
    {"pg_catalog", "pg_cast", 2605, 'r', "OOOOCC",
     "oid castsource casttarget castfunc castcontext castmethod"},
    {"pg_catalog", "pg_aggregate", 2600, 'r', "PCSPPPPPPPPBBCCOOIOITT",
     "aggfnoid aggkind aggnumdirectargs aggtransfn aggfinalfn aggcombinefn aggserialfn aggdeserialfn aggmtransfn aggminvtransfn aggmfinalfn aggfinalextra aggmfinalextra aggfinalmodify aggmfinalmodify aggsortop aggtranstype aggtransspace aggmtranstype aggmtransspace agginitval aggminitval"},
    {"pg_catalog", "pg_opfamily", 2753, 'r', "OONOO",
     "oid opfmethod opfname opfnamespace opfowner"},
    {"pg_catalog", "pg_conversion", 2607, 'r', "ONOOIIPB",
     "oid conname connamespace conowner conforencoding contoencoding conproc condefault"},
    {"pg_catalog", "pg_ts_parser", 3601, 'r', "ONOPPPPP",
     "oid prsname prsnamespace prsstart prstoken prsend prsheadline prslextype"},
    {"pg_catalog", "pg_ts_template", 3764, 'r', "ONOPP",
     "oid tmplname tmplnamespace tmplinit tmpllexize"},
    {"pg_catalog", "pg_ts_dict", 3600, 'r', "ONOOOT",
     "oid dictname dictnamespace dictowner dicttemplate dictinitoption"},
    {"pg_catalog", "pg_ts_config", 3602, 'r', "ONOOO",
     "oid cfgname cfgnamespace cfgowner cfgparser"},
    {"pg_catalog", "pg_ts_config_map", 3603, 'r', "OIIO",
     "mapcfg maptokentype mapseqno mapdict"},
    {"pg_catalog", "pg_transform", 3576, 'r', "OOOPP",
     "oid trftype trflang trffromsql trftosql"},
    {"pg_catalog", "pg_largeobject_metadata", 2995, 'r', "OOA",
     "oid lomowner lomacl"},
    {"pg_catalog", "pg_subscription", 6100, 'r', "OOTNOBBBCBTNTA",
     "oid subdbid subskiplsn subname subowner subenabled subbinary substream subtwophasestate subdisableonerr subconninfo subslotname subsynccommit subpublications"},
    {"pg_catalog", "pg_user_mapping", 1418, 'r', "OOOA",
     "oid umuser umserver umoptions"},
    {"pg_catalog", "pg_amop", 2602, 'r', "OOOOSCOOO",
     "oid amopfamily amoplefttype amoprighttype amopstrategy amoppurpose amopopr amopmethod amopsortfamily"},
    {"pg_catalog", "pg_amproc", 2603, 'r', "OOOOSP",
     "oid amprocfamily amproclefttype amprocrighttype amprocnum amproc"},
    {"pg_catalog", "pg_seclabel", 3596, 'r', "OOITT",
     "objoid classoid objsubid provider label"},
    {"pg_catalog", "pg_shseclabel", 3592, 'r', "OOTT",
     "objoid classoid provider label"},
    {"pg_catalog", "pg_partitioned_table", 3350, 'r', "OCSOVWWT",
     "partrelid partstrat partnatts partdefid partattrs partclass partcollation partexprs"},
    {"pg_catalog", "pg_statistic_ext_data", 3429, 'r', "OBTTTA",
     "stxoid stxdinherit stxdndistinct stxddependencies stxdmcv stxdexpr"},
    {"pg_catalog", "pg_subscription_rel", 6102, 'r', "OOCT",
     "srsubid srrelid srsubstate srsublsn"},
    {"pg_catalog", "pg_largeobject", 2613, 'r', "OIT",
     "loid pageno data"},
    {"pg_catalog", "pg_opclass", 2616, 'r', "OONOOOOBO",
     "oid opcmethod opcname opcnamespace opcowner opcfamily opcintype opcdefault opckeytype"},
    {"pg_catalog", "pg_views", 12028, 'v', "NNNT",
     "schemaname viewname viewowner definition"},
    {"pg_catalog", "pg_tables", 12033, 'v', "NNNNBBBB",
     "schemaname tablename tableowner tablespace hasindexes hasrules hastriggers rowsecurity"},
    {"pg_catalog", "pg_matviews", 12038, 'v', "NNNNBBT",
     "schemaname matviewname matviewowner tablespace hasindexes ispopulated definition"},
    {"pg_catalog", "pg_settings", 12104, 'v', "TTTTTTTTTTTATTTIB",
     "name setting unit category short_desc extra_desc context vartype source min_val max_val enumvals boot_val reset_val sourcefile sourceline pending_restart"},
    {"pg_catalog", "pg_indexes", 12043, 'v', "NNNNT",
     "schemaname tablename indexname tablespace indexdef"},
    {"pg_catalog", "pg_sequences", 12048, 'v', "NNNYLLLLBLL",
     "schemaname sequencename sequenceowner data_type start_value min_value max_value increment_by cycle cache_size last_value"},
    {"pg_catalog", "pg_stat_progress_create_index", 12312, 'v', "IONOOTTLLLLLLLLL",
     "pid datid datname relid index_relid command phase lockers_total lockers_done current_locker_pid blocks_total blocks_done tuples_total tuples_done partitions_total partitions_done"},
    {"pg_catalog", "pg_stat_user_tables", 12161, 'v', "ONNLLLLLLLLLLLLZZZZLLLL",
     "relid schemaname relname seq_scan seq_tup_read idx_scan idx_tup_fetch n_tup_ins n_tup_upd n_tup_del n_tup_hot_upd n_live_tup n_dead_tup n_mod_since_analyze n_ins_since_vacuum last_vacuum last_autovacuum last_analyze last_autoanalyze vacuum_count autovacuum_count analyze_count autoanalyze_count"},
    {"pg_catalog", "pg_stat_all_tables", 12142, 'v', "ONNLLLLLLLLLLLLZZZZLLLL",
     "relid schemaname relname seq_scan seq_tup_read idx_scan idx_tup_fetch n_tup_ins n_tup_upd n_tup_del n_tup_hot_upd n_live_tup n_dead_tup n_mod_since_analyze n_ins_since_vacuum last_vacuum last_autovacuum last_analyze last_autoanalyze vacuum_count autovacuum_count analyze_count autoanalyze_count"},
    {"pg_catalog", "pg_statio_all_tables", 12170, 'v', "ONNLLLLLLLL",
     "relid schemaname relname heap_blks_read heap_blks_hit idx_blks_read idx_blks_hit toast_blks_read toast_blks_hit tidx_blks_read tidx_blks_hit"},
    {"pg_catalog", "pg_statio_user_tables", 12179, 'v', "ONNLLLLLLLL",
     "relid schemaname relname heap_blks_read heap_blks_hit idx_blks_read idx_blks_hit toast_blks_read toast_blks_hit tidx_blks_read tidx_blks_hit"},
    {"information_schema", "schemata", 13382, 'v', "NNNNNNT",
     "catalog_name schema_name schema_owner default_character_set_catalog default_character_set_schema default_character_set_name sql_path"},
    {"information_schema", "views", 13483, 'v', "NNNTTTTTTT",
     "table_catalog table_schema table_name view_definition check_option is_updatable is_insertable_into is_trigger_updatable is_trigger_deletable is_trigger_insertable_into"},
    {"information_schema", "table_constraints", 13411, 'v', "NNNNNNTTTTT",
     "constraint_catalog constraint_schema constraint_name table_catalog table_schema table_name constraint_type is_deferrable initially_deferred enforced nulls_distinct"},
    {"information_schema", "key_column_usage", 13329, 'v', "NNNNNNNII",
     "constraint_catalog constraint_schema constraint_name table_catalog table_schema table_name column_name ordinal_position position_in_unique_constraint"},
    {"information_schema", "tables", 13425, 'v', "NNNTNTNNNTTT",
     "table_catalog table_schema table_name table_type self_referencing_column_name reference_generation user_defined_type_catalog user_defined_type_schema user_defined_type_name is_insertable_into is_typed commit_action"},
    {"information_schema", "columns", 13295, 'v', "NNNNITTTIIIIIITINNNNNNNNNNNNNNNINTTTTTTTTTTTT",
     "table_catalog table_schema table_name column_name ordinal_position column_default is_nullable data_type character_maximum_length character_octet_length numeric_precision numeric_precision_radix numeric_scale datetime_precision interval_type interval_precision character_set_catalog character_set_schema character_set_name collation_catalog collation_schema collation_name domain_catalog domain_schema domain_name udt_catalog udt_schema udt_name scope_catalog scope_schema scope_name maximum_cardinality dtd_identifier is_self_referencing is_identity identity_generation identity_start identity_increment identity_maximum identity_minimum identity_cycle is_generated generation_expression is_updatable"},
    {"information_schema", "constraint_column_usage", 13300, 'v', "NNNNNNN",
     "table_catalog table_schema table_name column_name constraint_catalog constraint_schema constraint_name"},
    {"information_schema", "referential_constraints", 13339, 'v', "NNNNNNTTT",
     "constraint_catalog constraint_schema constraint_name unique_constraint_catalog unique_constraint_schema unique_constraint_name match_option update_rule delete_rule"},
    {"information_schema", "check_constraints", 13260, 'v', "NNNT",
     "constraint_catalog constraint_schema constraint_name check_clause"},
    {"information_schema", "table_privileges", 13416, 'v', "NNNNNTTT",
     "grantor grantee table_catalog table_schema table_name privilege_type is_grantable with_hierarchy"},
    {"information_schema", "role_table_grants", 13421, 'v', "NNNNNTTT",
     "grantor grantee table_catalog table_schema table_name privilege_type is_grantable with_hierarchy"},
    {"information_schema", "column_privileges", 13285, 'v', "NNNNNNTT",
     "grantor grantee table_catalog table_schema table_name column_name privilege_type is_grantable"},
    {"information_schema", "role_column_grants", 13344, 'v', "NNNNNNTT",
     "grantor grantee table_catalog table_schema table_name column_name privilege_type is_grantable"},
    {"information_schema", "sequences", 13386, 'v', "NNNTIIITTTTT",
     "sequence_catalog sequence_schema sequence_name data_type numeric_precision numeric_precision_radix numeric_scale start_value minimum_value maximum_value increment cycle_option"},
};
/* pg_type rows (generated from PostgreSQL 15: oid, typname, typlen, typbyval, typtype,
 * typcategory, typispreferred, typelem, typarray, I/O functions, typalign, typstorage,
 * typcollation, format_type(oid, -1)) */
static const cat_type builtin_types[] = {
    {16, "bool", 1, true, 'b', 'B', true, 0, 1000, "boolin", "boolout", "boolrecv", "boolsend", 'c', 'p', 0, "boolean"},
    {17, "bytea", -1, false, 'b', 'U', false, 0, 1001, "byteain", "byteaout", "bytearecv", "byteasend", 'i', 'x', 0, "bytea"},
    {18, "char", 1, true, 'b', 'Z', false, 0, 1002, "charin", "charout", "charrecv", "charsend", 'c', 'p', 0, "\"char\""},
    {19, "name", 64, false, 'b', 'S', false, 18, 1003, "namein", "nameout", "namerecv", "namesend", 'c', 'p', 950, "name"},
    {20, "int8", 8, true, 'b', 'N', false, 0, 1016, "int8in", "int8out", "int8recv", "int8send", 'd', 'p', 0, "bigint"},
    {21, "int2", 2, true, 'b', 'N', false, 0, 1005, "int2in", "int2out", "int2recv", "int2send", 's', 'p', 0, "smallint"},
    {22, "int2vector", -1, false, 'b', 'A', false, 21, 1006, "int2vectorin", "int2vectorout", "int2vectorrecv", "int2vectorsend", 'i', 'p', 0, "int2vector"},
    {23, "int4", 4, true, 'b', 'N', false, 0, 1007, "int4in", "int4out", "int4recv", "int4send", 'i', 'p', 0, "integer"},
    {24, "regproc", 4, true, 'b', 'N', false, 0, 1008, "regprocin", "regprocout", "regprocrecv", "regprocsend", 'i', 'p', 0, "regproc"},
    {25, "text", -1, false, 'b', 'S', true, 0, 1009, "textin", "textout", "textrecv", "textsend", 'i', 'x', 100, "text"},
    {26, "oid", 4, true, 'b', 'N', true, 0, 1028, "oidin", "oidout", "oidrecv", "oidsend", 'i', 'p', 0, "oid"},
    {28, "xid", 4, true, 'b', 'U', false, 0, 1011, "xidin", "xidout", "xidrecv", "xidsend", 'i', 'p', 0, "xid"},
    {30, "oidvector", -1, false, 'b', 'A', false, 26, 1013, "oidvectorin", "oidvectorout", "oidvectorrecv", "oidvectorsend", 'i', 'p', 0, "oidvector"},
    {114, "json", -1, false, 'b', 'U', false, 0, 199, "json_in", "json_out", "json_recv", "json_send", 'i', 'x', 0, "json"},
    {194, "pg_node_tree", -1, false, 'b', 'Z', false, 0, 0, "pg_node_tree_in", "pg_node_tree_out", "pg_node_tree_recv", "pg_node_tree_send", 'i', 'x', 100, "pg_node_tree"},
    {700, "float4", 4, true, 'b', 'N', false, 0, 1021, "float4in", "float4out", "float4recv", "float4send", 'i', 'p', 0, "real"},
    {701, "float8", 8, true, 'b', 'N', true, 0, 1022, "float8in", "float8out", "float8recv", "float8send", 'd', 'p', 0, "double precision"},
    {705, "unknown", -2, false, 'p', 'X', false, 0, 0, "unknownin", "unknownout", "unknownrecv", "unknownsend", 'c', 'p', 0, "unknown"},
    {1000, "_bool", -1, false, 'b', 'A', false, 16, 0, "array_in", "array_out", "array_recv", "array_send", 'i', 'x', 0, "boolean[]"},
    {1001, "_bytea", -1, false, 'b', 'A', false, 17, 0, "array_in", "array_out", "array_recv", "array_send", 'i', 'x', 0, "bytea[]"},
    {1002, "_char", -1, false, 'b', 'A', false, 18, 0, "array_in", "array_out", "array_recv", "array_send", 'i', 'x', 0, "\"char\"[]"},
    {1003, "_name", -1, false, 'b', 'A', false, 19, 0, "array_in", "array_out", "array_recv", "array_send", 'i', 'x', 950, "name[]"},
    {1005, "_int2", -1, false, 'b', 'A', false, 21, 0, "array_in", "array_out", "array_recv", "array_send", 'i', 'x', 0, "smallint[]"},
    {1007, "_int4", -1, false, 'b', 'A', false, 23, 0, "array_in", "array_out", "array_recv", "array_send", 'i', 'x', 0, "integer[]"},
    {1009, "_text", -1, false, 'b', 'A', false, 25, 0, "array_in", "array_out", "array_recv", "array_send", 'i', 'x', 100, "text[]"},
    {1015, "_varchar", -1, false, 'b', 'A', false, 1043, 0, "array_in", "array_out", "array_recv", "array_send", 'i', 'x', 100, "character varying[]"},
    {1016, "_int8", -1, false, 'b', 'A', false, 20, 0, "array_in", "array_out", "array_recv", "array_send", 'd', 'x', 0, "bigint[]"},
    {1021, "_float4", -1, false, 'b', 'A', false, 700, 0, "array_in", "array_out", "array_recv", "array_send", 'i', 'x', 0, "real[]"},
    {1022, "_float8", -1, false, 'b', 'A', false, 701, 0, "array_in", "array_out", "array_recv", "array_send", 'd', 'x', 0, "double precision[]"},
    {1028, "_oid", -1, false, 'b', 'A', false, 26, 0, "array_in", "array_out", "array_recv", "array_send", 'i', 'x', 0, "oid[]"},
    {1033, "aclitem", 12, false, 'b', 'U', false, 0, 1034, "aclitemin", "aclitemout", "-", "-", 'i', 'p', 0, "aclitem"},
    {1034, "_aclitem", -1, false, 'b', 'A', false, 1033, 0, "array_in", "array_out", "array_recv", "array_send", 'i', 'x', 0, "aclitem[]"},
    {1042, "bpchar", -1, false, 'b', 'S', false, 0, 1014, "bpcharin", "bpcharout", "bpcharrecv", "bpcharsend", 'i', 'x', 100, "bpchar"},
    {1043, "varchar", -1, false, 'b', 'S', false, 0, 1015, "varcharin", "varcharout", "varcharrecv", "varcharsend", 'i', 'x', 100, "character varying"},
    {1082, "date", 4, true, 'b', 'D', false, 0, 1182, "date_in", "date_out", "date_recv", "date_send", 'i', 'p', 0, "date"},
    {1083, "time", 8, true, 'b', 'D', false, 0, 1183, "time_in", "time_out", "time_recv", "time_send", 'd', 'p', 0, "time without time zone"},
    {1114, "timestamp", 8, true, 'b', 'D', false, 0, 1115, "timestamp_in", "timestamp_out", "timestamp_recv", "timestamp_send", 'd', 'p', 0, "timestamp without time zone"},
    {1115, "_timestamp", -1, false, 'b', 'A', false, 1114, 0, "array_in", "array_out", "array_recv", "array_send", 'd', 'x', 0, "timestamp without time zone[]"},
    {1182, "_date", -1, false, 'b', 'A', false, 1082, 0, "array_in", "array_out", "array_recv", "array_send", 'i', 'x', 0, "date[]"},
    {1183, "_time", -1, false, 'b', 'A', false, 1083, 0, "array_in", "array_out", "array_recv", "array_send", 'd', 'x', 0, "time without time zone[]"},
    {1184, "timestamptz", 8, true, 'b', 'D', true, 0, 1185, "timestamptz_in", "timestamptz_out", "timestamptz_recv", "timestamptz_send", 'd', 'p', 0, "timestamp with time zone"},
    {1185, "_timestamptz", -1, false, 'b', 'A', false, 1184, 0, "array_in", "array_out", "array_recv", "array_send", 'd', 'x', 0, "timestamp with time zone[]"},
    {1186, "interval", 16, false, 'b', 'T', true, 0, 1187, "interval_in", "interval_out", "interval_recv", "interval_send", 'd', 'p', 0, "interval"},
    {1187, "_interval", -1, false, 'b', 'A', false, 1186, 0, "array_in", "array_out", "array_recv", "array_send", 'd', 'x', 0, "interval[]"},
    {1231, "_numeric", -1, false, 'b', 'A', false, 1700, 0, "array_in", "array_out", "array_recv", "array_send", 'i', 'x', 0, "numeric[]"},
    {1700, "numeric", -1, false, 'b', 'N', false, 0, 1231, "numeric_in", "numeric_out", "numeric_recv", "numeric_send", 'i', 'm', 0, "numeric"},
    {2205, "regclass", 4, true, 'b', 'N', false, 0, 2210, "regclassin", "regclassout", "regclassrecv", "regclasssend", 'i', 'p', 0, "regclass"},
    {2206, "regtype", 4, true, 'b', 'N', false, 0, 2211, "regtypein", "regtypeout", "regtyperecv", "regtypesend", 'i', 'p', 0, "regtype"},
    {2210, "_regclass", -1, false, 'b', 'A', false, 2205, 0, "array_in", "array_out", "array_recv", "array_send", 'i', 'x', 0, "regclass[]"},
    {2211, "_regtype", -1, false, 'b', 'A', false, 2206, 0, "array_in", "array_out", "array_recv", "array_send", 'i', 'x', 0, "regtype[]"},
    {2249, "record", -1, false, 'p', 'P', false, 0, 2287, "record_in", "record_out", "record_recv", "record_send", 'd', 'x', 0, "record"},
    {2275, "cstring", -2, false, 'p', 'P', false, 0, 1263, "cstring_in", "cstring_out", "cstring_recv", "cstring_send", 'c', 'p', 0, "cstring"},
    {2276, "any", 4, true, 'p', 'P', false, 0, 0, "any_in", "any_out", "-", "-", 'i', 'p', 0, "\"any\""},
    {269, "table_am_handler", 4, true, 'p', 'P', false, 0, 0, "table_am_handler_in", "table_am_handler_out", "-", "-", 'i', 'p', 0, "table_am_handler"},
    {325, "index_am_handler", 4, true, 'p', 'P', false, 0, 0, "index_am_handler_in", "index_am_handler_out", "-", "-", 'i', 'p', 0, "index_am_handler"},
    {2776, "anynonarray", 4, true, 'p', 'P', false, 0, 0, "anynonarray_in", "anynonarray_out", "-", "-", 'i', 'p', 0, "anynonarray"},
    {3500, "anyenum", 4, true, 'p', 'P', false, 0, 0, "anyenum_in", "anyenum_out", "-", "-", 'i', 'p', 0, "anyenum"},
    {3831, "anyrange", -1, false, 'p', 'P', false, 0, 0, "anyrange_in", "anyrange_out", "-", "-", 'd', 'x', 0, "anyrange"},
    {4537, "anymultirange", -1, false, 'p', 'P', false, 0, 0, "anymultirange_in", "anymultirange_out", "-", "-", 'd', 'x', 0, "anymultirange"},
    {5077, "anycompatible", 4, true, 'p', 'P', false, 0, 0, "anycompatible_in", "anycompatible_out", "-", "-", 'i', 'p', 0, "anycompatible"},
    {5078, "anycompatiblearray", -1, false, 'p', 'P', false, 0, 0, "anycompatiblearray_in", "anycompatiblearray_out", "anycompatiblearray_recv", "anycompatiblearray_send", 'd', 'x', 0, "anycompatiblearray"},
    {2277, "anyarray", -1, false, 'p', 'P', false, 0, 0, "anyarray_in", "anyarray_out", "anyarray_recv", "anyarray_send", 'd', 'x', 0, "anyarray"},
    {2278, "void", 4, true, 'p', 'P', false, 0, 0, "void_in", "void_out", "void_recv", "void_send", 'i', 'p', 0, "void"},
    {2279, "trigger", 4, true, 'p', 'P', false, 0, 0, "trigger_in", "trigger_out", "-", "-", 'i', 'p', 0, "trigger"},
    {2281, "internal", 8, true, 'p', 'P', false, 0, 0, "internal_in", "internal_out", "-", "-", 'd', 'p', 0, "internal"},
    {2283, "anyelement", 4, true, 'p', 'P', false, 0, 0, "anyelement_in", "anyelement_out", "-", "-", 'i', 'p', 0, "anyelement"},
    {2950, "uuid", 16, false, 'b', 'U', false, 0, 2951, "uuid_in", "uuid_out", "uuid_recv", "uuid_send", 'c', 'p', 0, "uuid"},
    {2951, "_uuid", -1, false, 'b', 'A', false, 2950, 0, "array_in", "array_out", "array_recv", "array_send", 'i', 'x', 0, "uuid[]"},
    {3802, "jsonb", -1, false, 'b', 'U', false, 0, 3807, "jsonb_in", "jsonb_out", "jsonb_recv", "jsonb_send", 'i', 'x', 0, "jsonb"},
    {3807, "_jsonb", -1, false, 'b', 'A', false, 3802, 0, "array_in", "array_out", "array_recv", "array_send", 'i', 'x', 0, "jsonb[]"},
    {4072, "jsonpath", -1, false, 'b', 'U', false, 0, 4073, "jsonpath_in", "jsonpath_out", "jsonpath_recv", "jsonpath_send", 'i', 'x', 0, "jsonpath"},
    {4073, "_jsonpath", -1, false, 'b', 'A', false, 4072, 0, "array_in", "array_out", "array_recv", "array_send", 'i', 'x', 0, "jsonpath[]"},
    {4089, "regnamespace", 4, true, 'b', 'N', false, 0, 4090, "regnamespacein", "regnamespaceout", "regnamespacerecv", "regnamespacesend", 'i', 'p', 0, "regnamespace"},
    {869, "inet", -1, false, 'b', 'I', true, 0, 1041, "inet_in", "inet_out", "inet_recv", "inet_send", 'i', 'm', 0, "inet"},
    {1041, "_inet", -1, false, 'b', 'A', false, 869, 0, "array_in", "array_out", "array_recv", "array_send", 'i', 'x', 0, "inet[]"},
    {650, "cidr", -1, false, 'b', 'I', false, 0, 651, "cidr_in", "cidr_out", "cidr_recv", "cidr_send", 'i', 'm', 0, "cidr"},
    {651, "_cidr", -1, false, 'b', 'A', false, 650, 0, "array_in", "array_out", "array_recv", "array_send", 'i', 'x', 0, "cidr[]"},
    {4096, "regrole", 4, true, 'b', 'N', false, 0, 4097, "regrolein", "regroleout", "regrolerecv", "regrolesend", 'i', 'p', 0, "regrole"},
    {4097, "_regrole", -1, false, 'b', 'A', false, 4096, 0, "array_in", "array_out", "array_recv", "array_send", 'i', 'x', 0, "regrole[]"},
};
/* pg_proc rows of the functions HeliosDB implements (generated from PostgreSQL 15: oid,
 * proname, prokind, pronargs, prorettype, proretset, proisstrict, provolatile, proargtypes,
 * prosrc); argument modes, names and defaults are in proc_args. Overloads on range types are
 * listed (their pseudo-types are in pg_type) though HeliosDB has no range type; the ones on other
 * types it lacks (bit, money, macaddr, tsvector ...) are not. */
static const cat_proc builtin_procs[] = {
    {1394, "abs", 'f', 1, 700, false, true, 'i', "700", "float4abs"},
    {1395, "abs", 'f', 1, 701, false, true, 'i', "701", "float8abs"},
    {1396, "abs", 'f', 1, 20, false, true, 'i', "20", "int8abs"},
    {1397, "abs", 'f', 1, 23, false, true, 'i', "23", "int4abs"},
    {1398, "abs", 'f', 1, 21, false, true, 'i', "21", "int2abs"},
    {1705, "abs", 'f', 1, 1700, false, true, 'i', "1700", "numeric_abs"},
    {2335, "array_agg", 'a', 1, 2277, false, false, 'i', "2776", "aggregate_dummy"},
    {4053, "array_agg", 'a', 1, 2277, false, false, 'i', "2277", "aggregate_dummy"},
    {378, "array_append", 'f', 2, 5078, false, false, 'i', "5078 5077", "array_append"},
    {383, "array_cat", 'f', 2, 5078, false, false, 'i', "5078 5078", "array_cat"},
    {2176, "array_length", 'f', 2, 23, false, true, 'i', "2277 23", "array_length"},
    {2091, "array_lower", 'f', 2, 23, false, true, 'i', "2277 23", "array_lower"},
    {3167, "array_remove", 'f', 2, 5078, false, false, 'i', "5078 5077", "array_remove"},
    {384, "array_to_string", 'f', 3, 25, false, false, 's', "2277 25 25", "array_to_text_null"},
    {395, "array_to_string", 'f', 2, 25, false, true, 's', "2277 25", "array_to_text"},
    {2092, "array_upper", 'f', 2, 23, false, true, 'i', "2277 23", "array_upper"},
    {1620, "ascii", 'f', 1, 23, false, true, 'i', "25", "ascii"},
    {2100, "avg", 'a', 1, 1700, false, false, 'i', "20", "aggregate_dummy"},
    {2101, "avg", 'a', 1, 1700, false, false, 'i', "23", "aggregate_dummy"},
    {2102, "avg", 'a', 1, 1700, false, false, 'i', "21", "aggregate_dummy"},
    {2103, "avg", 'a', 1, 1700, false, false, 'i', "1700", "aggregate_dummy"},
    {2104, "avg", 'a', 1, 701, false, false, 'i', "700", "aggregate_dummy"},
    {2105, "avg", 'a', 1, 701, false, false, 'i', "701", "aggregate_dummy"},
    {2106, "avg", 'a', 1, 1186, false, false, 'i', "1186", "aggregate_dummy"},
    {2236, "bit_and", 'a', 1, 21, false, false, 'i', "21", "aggregate_dummy"},
    {2238, "bit_and", 'a', 1, 23, false, false, 'i', "23", "aggregate_dummy"},
    {2240, "bit_and", 'a', 1, 20, false, false, 'i', "20", "aggregate_dummy"},
    {1810, "bit_length", 'f', 1, 23, false, true, 'i', "17", ""},
    {1811, "bit_length", 'f', 1, 23, false, true, 'i', "25", ""},
    {2237, "bit_or", 'a', 1, 21, false, false, 'i', "21", "aggregate_dummy"},
    {2239, "bit_or", 'a', 1, 23, false, false, 'i', "23", "aggregate_dummy"},
    {2241, "bit_or", 'a', 1, 20, false, false, 'i', "20", "aggregate_dummy"},
    {6164, "bit_xor", 'a', 1, 21, false, false, 'i', "21", "aggregate_dummy"},
    {6165, "bit_xor", 'a', 1, 23, false, false, 'i', "23", "aggregate_dummy"},
    {6166, "bit_xor", 'a', 1, 20, false, false, 'i', "20", "aggregate_dummy"},
    {2517, "bool_and", 'a', 1, 16, false, false, 'i', "16", "aggregate_dummy"},
    {2518, "bool_or", 'a', 1, 16, false, false, 'i', "16", "aggregate_dummy"},
    {884, "btrim", 'f', 2, 25, false, true, 'i', "25 25", "btrim"},
    {885, "btrim", 'f', 1, 25, false, true, 'i', "25", "btrim1"},
    {2015, "btrim", 'f', 2, 17, false, true, 'i', "17 17", "byteatrim"},
    {3179, "cardinality", 'f', 1, 23, false, true, 'i', "2277", "array_cardinality"},
    {1711, "ceil", 'f', 1, 1700, false, true, 'i', "1700", "numeric_ceil"},
    {2308, "ceil", 'f', 1, 701, false, true, 'i', "701", "dceil"},
    {2167, "ceiling", 'f', 1, 1700, false, true, 'i', "1700", "numeric_ceil"},
    {2320, "ceiling", 'f', 1, 701, false, true, 'i', "701", "dceil"},
    {1372, "char_length", 'f', 1, 23, false, true, 'i', "1042", "bpcharlen"},
    {1381, "char_length", 'f', 1, 23, false, true, 'i', "25", "textlen"},
    {1621, "chr", 'f', 1, 25, false, true, 'i', "23", "chr"},
    {1216, "col_description", 'f', 2, 25, false, true, 's', "26 23", ""},
    {3058, "concat", 'f', 1, 25, false, false, 's', "2276", "text_concat"},
    {3059, "concat_ws", 'f', 2, 25, false, false, 's', "25 2276", "text_concat_ws"},
    {2829, "corr", 'a', 2, 701, false, false, 'i', "701 701", "aggregate_dummy"},
    {2147, "count", 'a', 1, 20, false, false, 'i', "2276", "aggregate_dummy"},
    {2803, "count", 'a', 0, 20, false, false, 'i', "", "aggregate_dummy"},
    {2827, "covar_pop", 'a', 2, 701, false, false, 'i', "701 701", "aggregate_dummy"},
    {2828, "covar_samp", 'a', 2, 701, false, false, 'i', "701 701", "aggregate_dummy"},
    {861, "current_database", 'f', 0, 19, false, true, 's', "", "current_database"},
    {1402, "current_schema", 'f', 0, 19, false, true, 's', "", "current_schema"},
    {1403, "current_schemas", 'f', 1, 1003, false, true, 's', "16", "current_schemas"},
    {745, "current_user", 'f', 0, 19, false, true, 's', "", "current_user"},
    {3102, "dense_rank", 'w', 0, 20, false, false, 'i', "", "window_dense_rank"},
    {3992, "dense_rank", 'a', 1, 20, false, false, 'i', "2276", "aggregate_dummy"},
    {1973, "div", 'f', 2, 1700, false, true, 'i', "1700 1700", "numeric_div_trunc"},
    {1347, "exp", 'f', 1, 701, false, true, 'i', "701", "dexp"},
    {1732, "exp", 'f', 1, 1700, false, true, 'i', "1700", "numeric_exp"},
    {3112, "first_value", 'w', 1, 2283, false, true, 'i', "2283", "window_first_value"},
    {1712, "floor", 'f', 1, 1700, false, true, 'i', "1700", "numeric_floor"},
    {2309, "floor", 'f', 1, 701, false, true, 'i', "701", "dfloor"},
    {1081, "format_type", 'f', 2, 25, false, false, 's', "26 23", "format_type"},
    {5044, "gcd", 'f', 2, 23, false, true, 'i', "23 23", "int4gcd"},
    {5045, "gcd", 'f', 2, 20, false, true, 'i', "20 20", "int8gcd"},
    {5048, "gcd", 'f', 2, 1700, false, true, 'i', "1700 1700", "numeric_gcd"},
    {938, "generate_series", 'f', 3, 1114, true, true, 'i', "1114 1114 1186", "generate_series_timestamp"},
    {939, "generate_series", 'f', 3, 1184, true, true, 's', "1184 1184 1186", "generate_series_timestamptz"},
    {1066, "generate_series", 'f', 3, 23, true, true, 'i', "23 23 23", "generate_series_step_int4"},
    {1067, "generate_series", 'f', 2, 23, true, true, 'i', "23 23", "generate_series_int4"},
    {1068, "generate_series", 'f', 3, 20, true, true, 'i', "20 20 20", "generate_series_step_int8"},
    {1069, "generate_series", 'f', 2, 20, true, true, 'i', "20 20", "generate_series_int8"},
    {3259, "generate_series", 'f', 3, 1700, true, true, 'i', "1700 1700 1700", "generate_series_step_numeric"},
    {3260, "generate_series", 'f', 2, 1700, true, true, 'i', "1700 1700", "generate_series_numeric"},
    {2250, "has_database_privilege", 'f', 3, 16, false, true, 's', "19 25 25", "has_database_privilege_name_name"},
    {2251, "has_database_privilege", 'f', 3, 16, false, true, 's', "19 26 25", "has_database_privilege_name_id"},
    {2252, "has_database_privilege", 'f', 3, 16, false, true, 's', "26 25 25", "has_database_privilege_id_name"},
    {2253, "has_database_privilege", 'f', 3, 16, false, true, 's', "26 26 25", "has_database_privilege_id_id"},
    {2254, "has_database_privilege", 'f', 2, 16, false, true, 's', "25 25", "has_database_privilege_name"},
    {2255, "has_database_privilege", 'f', 2, 16, false, true, 's', "26 25", "has_database_privilege_id"},
    {2268, "has_schema_privilege", 'f', 3, 16, false, true, 's', "19 25 25", "has_schema_privilege_name_name"},
    {2269, "has_schema_privilege", 'f', 3, 16, false, true, 's', "19 26 25", "has_schema_privilege_name_id"},
    {2270, "has_schema_privilege", 'f', 3, 16, false, true, 's', "26 25 25", "has_schema_privilege_id_name"},
    {2271, "has_schema_privilege", 'f', 3, 16, false, true, 's', "26 26 25", "has_schema_privilege_id_id"},
    {2272, "has_schema_privilege", 'f', 2, 16, false, true, 's', "25 25", "has_schema_privilege_name"},
    {2273, "has_schema_privilege", 'f', 2, 16, false, true, 's', "26 25", "has_schema_privilege_id"},
    {3175, "json_agg", 'a', 1, 114, false, false, 's', "2283", "aggregate_dummy"},
    {3955, "json_array_elements", 'f', 1, 114, true, true, 'i', "114", "json_array_elements"},
    {3969, "json_array_elements_text", 'f', 1, 25, true, true, 'i', "114", "json_array_elements_text"},
    {3956, "json_array_length", 'f', 1, 23, false, true, 'i', "114", "json_array_length"},
    {3198, "json_build_array", 'f', 1, 114, false, false, 's', "2276", "json_build_array"},
    {3199, "json_build_array", 'f', 0, 114, false, false, 's', "", "json_build_array_noargs"},
    {3200, "json_build_object", 'f', 1, 114, false, false, 's', "2276", "json_build_object"},
    {3201, "json_build_object", 'f', 0, 114, false, false, 's', "", "json_build_object_noargs"},
    {3958, "json_each", 'f', 1, 2249, true, true, 'i', "114", "json_each"},
    {3959, "json_each_text", 'f', 1, 2249, true, true, 'i', "114", "json_each_text"},
    {3951, "json_extract_path", 'f', 2, 114, false, true, 'i', "114 1009", "json_extract_path"},
    {3953, "json_extract_path_text", 'f', 2, 25, false, true, 'i', "114 1009", "json_extract_path_text"},
    {3197, "json_object_agg", 'a', 2, 114, false, false, 's', "2276 2276", "aggregate_dummy"},
    {3957, "json_object_keys", 'f', 1, 25, true, true, 'i', "114", "json_object_keys"},
    {3968, "json_typeof", 'f', 1, 25, false, true, 'i', "114", "json_typeof"},
    {3267, "jsonb_agg", 'a', 1, 3802, false, false, 's', "2283", "aggregate_dummy"},
    {3270, "jsonb_object_agg", 'a', 2, 3802, false, false, 'i', "2276 2276", "aggregate_dummy"},
    {3984, "mode", 'a', 1, 2283, false, false, 'i', "2283", "aggregate_dummy"},
    {3974, "percentile_cont", 'a', 2, 701, false, false, 'i', "701 701", "aggregate_dummy"},
    {3976, "percentile_cont", 'a', 2, 1186, false, false, 'i', "701 1186", "aggregate_dummy"},
    {3980, "percentile_cont", 'a', 2, 1022, false, false, 'i', "1022 701", "aggregate_dummy"},
    {3982, "percentile_cont", 'a', 2, 1187, false, false, 'i', "1022 1186", "aggregate_dummy"},
    {3972, "percentile_disc", 'a', 2, 2283, false, false, 'i', "701 2283", "aggregate_dummy"},
    {3978, "percentile_disc", 'a', 2, 2277, false, false, 'i', "1022 2283", "aggregate_dummy"},
    {2705, "pg_has_role", 'f', 3, 16, false, true, 's', "19 19 25", "pg_has_role_name_name"},
    {2706, "pg_has_role", 'f', 3, 16, false, true, 's', "19 26 25", "pg_has_role_name_id"},
    {2707, "pg_has_role", 'f', 3, 16, false, true, 's', "26 19 25", "pg_has_role_id_name"},
    {2708, "pg_has_role", 'f', 3, 16, false, true, 's', "26 26 25", "pg_has_role_id_id"},
    {2709, "pg_has_role", 'f', 2, 16, false, true, 's', "19 25", "pg_has_role_name"},
    {2710, "pg_has_role", 'f', 2, 16, false, true, 's', "26 25", "pg_has_role_id"},
    {3012, "has_column_privilege", 'f', 4, 16, false, true, 's', "19 25 25 25", "has_column_privilege_name_name_name"},
    {3013, "has_column_privilege", 'f', 4, 16, false, true, 's', "19 25 21 25", "has_column_privilege_name_name_attnum"},
    {3014, "has_column_privilege", 'f', 4, 16, false, true, 's', "19 26 25 25", "has_column_privilege_name_id_name"},
    {3015, "has_column_privilege", 'f', 4, 16, false, true, 's', "19 26 21 25", "has_column_privilege_name_id_attnum"},
    {3016, "has_column_privilege", 'f', 4, 16, false, true, 's', "26 25 25 25", "has_column_privilege_id_name_name"},
    {3017, "has_column_privilege", 'f', 4, 16, false, true, 's', "26 25 21 25", "has_column_privilege_id_name_attnum"},
    {3018, "has_column_privilege", 'f', 4, 16, false, true, 's', "26 26 25 25", "has_column_privilege_id_id_name"},
    {3019, "has_column_privilege", 'f', 4, 16, false, true, 's', "26 26 21 25", "has_column_privilege_id_id_attnum"},
    {3020, "has_column_privilege", 'f', 3, 16, false, true, 's', "25 25 25", "has_column_privilege_name_name"},
    {3021, "has_column_privilege", 'f', 3, 16, false, true, 's', "25 21 25", "has_column_privilege_name_attnum"},
    {3022, "has_column_privilege", 'f', 3, 16, false, true, 's', "26 25 25", "has_column_privilege_id_name"},
    {3023, "has_column_privilege", 'f', 3, 16, false, true, 's', "26 21 25", "has_column_privilege_id_attnum"},
    {3024, "has_any_column_privilege", 'f', 3, 16, false, true, 's', "19 25 25", "has_any_column_privilege_name_name"},
    {3025, "has_any_column_privilege", 'f', 3, 16, false, true, 's', "19 26 25", "has_any_column_privilege_name_id"},
    {3026, "has_any_column_privilege", 'f', 3, 16, false, true, 's', "26 25 25", "has_any_column_privilege_id_name"},
    {3027, "has_any_column_privilege", 'f', 3, 16, false, true, 's', "26 26 25", "has_any_column_privilege_id_id"},
    {3028, "has_any_column_privilege", 'f', 2, 16, false, true, 's', "25 25", "has_any_column_privilege_name"},
    {3029, "has_any_column_privilege", 'f', 2, 16, false, true, 's', "26 25", "has_any_column_privilege_id"},
    {1922, "has_table_privilege", 'f', 3, 16, false, true, 's', "19 25 25", "has_table_privilege_name_name"},
    {1923, "has_table_privilege", 'f', 3, 16, false, true, 's', "19 26 25", "has_table_privilege_name_id"},
    {1924, "has_table_privilege", 'f', 3, 16, false, true, 's', "26 25 25", "has_table_privilege_id_name"},
    {1925, "has_table_privilege", 'f', 3, 16, false, true, 's', "26 26 25", "has_table_privilege_id_id"},
    {1926, "has_table_privilege", 'f', 2, 16, false, true, 's', "25 25", "has_table_privilege_name"},
    {1927, "has_table_privilege", 'f', 2, 16, false, true, 's', "26 25", "has_table_privilege_id"},
    {2181, "has_sequence_privilege", 'f', 3, 16, false, true, 's', "19 25 25", "has_sequence_privilege_name_name"},
    {2182, "has_sequence_privilege", 'f', 3, 16, false, true, 's', "19 26 25", "has_sequence_privilege_name_id"},
    {2183, "has_sequence_privilege", 'f', 3, 16, false, true, 's', "26 25 25", "has_sequence_privilege_id_name"},
    {2184, "has_sequence_privilege", 'f', 3, 16, false, true, 's', "26 26 25", "has_sequence_privilege_id_id"},
    {2185, "has_sequence_privilege", 'f', 2, 16, false, true, 's', "25 25", "has_sequence_privilege_name"},
    {2186, "has_sequence_privilege", 'f', 2, 16, false, true, 's', "26 25", "has_sequence_privilege_id"},
    {872, "initcap", 'f', 1, 25, false, true, 'i', "25", "initcap"},
    {3219, "jsonb_array_elements", 'f', 1, 3802, true, true, 'i', "3802", "jsonb_array_elements"},
    {3465, "jsonb_array_elements_text", 'f', 1, 25, true, true, 'i', "3802", "jsonb_array_elements_text"},
    {3207, "jsonb_array_length", 'f', 1, 23, false, true, 'i', "3802", "jsonb_array_length"},
    {3271, "jsonb_build_array", 'f', 1, 3802, false, false, 's', "2276", "jsonb_build_array"},
    {3272, "jsonb_build_array", 'f', 0, 3802, false, false, 's', "", "jsonb_build_array_noargs"},
    {3273, "jsonb_build_object", 'f', 1, 3802, false, false, 's', "2276", "jsonb_build_object"},
    {3274, "jsonb_build_object", 'f', 0, 3802, false, false, 's', "", "jsonb_build_object_noargs"},
    {3208, "jsonb_each", 'f', 1, 2249, true, true, 'i', "3802", "jsonb_each"},
    {3579, "jsonb_insert", 'f', 4, 3802, false, true, 'i', "3802 1009 3802 16", "jsonb_insert"},
    {4005, "jsonb_path_exists", 'f', 4, 16, false, true, 'i', "3802 4072 3802 16", "jsonb_path_exists"},
    {4009, "jsonb_path_match", 'f', 4, 16, false, true, 'i', "3802 4072 3802 16", "jsonb_path_match"},
    {4006, "jsonb_path_query", 'f', 4, 3802, true, true, 'i', "3802 4072 3802 16", "jsonb_path_query"},
    {4007, "jsonb_path_query_array", 'f', 4, 3802, false, true, 'i', "3802 4072 3802 16", "jsonb_path_query_array"},
    {4008, "jsonb_path_query_first", 'f', 4, 3802, false, true, 'i', "3802 4072 3802 16", "jsonb_path_query_first"},
    {3204, "json_to_record", 'f', 1, 2249, false, true, 's', "114", "json_to_record"},
    {3205, "json_to_recordset", 'f', 1, 2249, true, false, 's', "114", "json_to_recordset"},
    {3490, "jsonb_to_record", 'f', 1, 2249, false, true, 's', "3802", "jsonb_to_record"},
    {3491, "jsonb_to_recordset", 'f', 1, 2249, true, false, 's', "3802", "jsonb_to_recordset"},
    {3932, "jsonb_each_text", 'f', 1, 2249, true, true, 'i', "3802", "jsonb_each_text"},
    {3217, "jsonb_extract_path", 'f', 2, 3802, false, true, 'i', "3802 1009", "jsonb_extract_path"},
    {3940, "jsonb_extract_path_text", 'f', 2, 25, false, true, 'i', "3802 1009", "jsonb_extract_path_text"},
    {3931, "jsonb_object_keys", 'f', 1, 25, true, true, 'i', "3802", "jsonb_object_keys"},
    {3306, "jsonb_pretty", 'f', 1, 25, false, true, 'i', "3802", "jsonb_pretty"},
    {3305, "jsonb_set", 'f', 4, 3802, false, true, 'i', "3802 1009 3802 16", "jsonb_set"},
    {3262, "jsonb_strip_nulls", 'f', 1, 3802, false, true, 'i', "3802", "jsonb_strip_nulls"},
    {3210, "jsonb_typeof", 'f', 1, 25, false, true, 'i', "3802", "jsonb_typeof"},
    {3106, "lag", 'w', 1, 2283, false, true, 'i', "2283", "window_lag"},
    {3107, "lag", 'w', 2, 2283, false, true, 'i', "2283 23", "window_lag_with_offset"},
    {3108, "lag", 'w', 3, 5077, false, true, 'i', "5077 23 5077", "window_lag_with_offset_and_default"},
    {3113, "last_value", 'w', 1, 2283, false, true, 'i', "2283", "window_last_value"},
    {5046, "lcm", 'f', 2, 23, false, true, 'i', "23 23", "int4lcm"},
    {5047, "lcm", 'f', 2, 20, false, true, 'i', "20 20", "int8lcm"},
    {5049, "lcm", 'f', 2, 1700, false, true, 'i', "1700 1700", "numeric_lcm"},
    {3109, "lead", 'w', 1, 2283, false, true, 'i', "2283", "window_lead"},
    {3110, "lead", 'w', 2, 2283, false, true, 'i', "2283 23", "window_lead_with_offset"},
    {3111, "lead", 'w', 3, 5077, false, true, 'i', "5077 23 5077", "window_lead_with_offset_and_default"},
    {3060, "left", 'f', 2, 25, false, true, 'i', "25 23", "text_left"},
    {1317, "length", 'f', 1, 23, false, true, 'i', "25", "textlen"},
    {1318, "length", 'f', 1, 23, false, true, 'i', "1042", "bpcharlen"},
    {1713, "length", 'f', 2, 23, false, true, 's', "17 19", "length_in_encoding"},
    {2010, "length", 'f', 1, 23, false, true, 'i', "17", "byteaoctetlen"},
    {1341, "ln", 'f', 1, 701, false, true, 'i', "701", "dlog1"},
    {1734, "ln", 'f', 1, 1700, false, true, 'i', "1700", "numeric_ln"},
    {1340, "log", 'f', 1, 701, false, true, 'i', "701", "dlog10"},
    {1736, "log", 'f', 2, 1700, false, true, 'i', "1700 1700", "numeric_log"},
    {1741, "log", 'f', 1, 1700, false, true, 'i', "1700", ""},
    {1194, "log10", 'f', 1, 701, false, true, 'i', "701", "dlog10"},
    {1481, "log10", 'f', 1, 1700, false, true, 'i', "1700", ""},
    {870, "lower", 'f', 1, 25, false, true, 'i', "25", "lower"},
    {3848, "lower", 'f', 1, 2283, false, true, 'i', "3831", "range_lower"},
    {4235, "lower", 'f', 1, 2283, false, true, 'i', "4537", "multirange_lower"},
    {873, "lpad", 'f', 3, 25, false, true, 'i', "25 23 25", "lpad"},
    {879, "lpad", 'f', 2, 25, false, true, 'i', "25 23", ""},
    {875, "ltrim", 'f', 2, 25, false, true, 'i', "25 25", "ltrim"},
    {881, "ltrim", 'f', 1, 25, false, true, 'i', "25", "ltrim1"},
    {6195, "ltrim", 'f', 2, 17, false, true, 'i', "17 17", "bytealtrim"},
    {2050, "max", 'a', 1, 2277, false, false, 'i', "2277", "aggregate_dummy"},
    {2115, "max", 'a', 1, 20, false, false, 'i', "20", "aggregate_dummy"},
    {2116, "max", 'a', 1, 23, false, false, 'i', "23", "aggregate_dummy"},
    {2117, "max", 'a', 1, 21, false, false, 'i', "21", "aggregate_dummy"},
    {2118, "max", 'a', 1, 26, false, false, 'i', "26", "aggregate_dummy"},
    {2119, "max", 'a', 1, 700, false, false, 'i', "700", "aggregate_dummy"},
    {2120, "max", 'a', 1, 701, false, false, 'i', "701", "aggregate_dummy"},
    {2122, "max", 'a', 1, 1082, false, false, 'i', "1082", "aggregate_dummy"},
    {2123, "max", 'a', 1, 1083, false, false, 'i', "1083", "aggregate_dummy"},
    {2126, "max", 'a', 1, 1114, false, false, 'i', "1114", "aggregate_dummy"},
    {2127, "max", 'a', 1, 1184, false, false, 'i', "1184", "aggregate_dummy"},
    {2128, "max", 'a', 1, 1186, false, false, 'i', "1186", "aggregate_dummy"},
    {2129, "max", 'a', 1, 25, false, false, 'i', "25", "aggregate_dummy"},
    {2130, "max", 'a', 1, 1700, false, false, 'i', "1700", "aggregate_dummy"},
    {2244, "max", 'a', 1, 1042, false, false, 'i', "1042", "aggregate_dummy"},
    {3526, "max", 'a', 1, 3500, false, false, 'i', "3500", "aggregate_dummy"},
    {3564, "max", 'a', 1, 869, false, false, 'i', "869", "aggregate_dummy"},
    {2311, "md5", 'f', 1, 25, false, true, 'i', "25", "md5_text"},
    {2321, "md5", 'f', 1, 25, false, true, 'i', "17", "md5_bytea"},
    {2051, "min", 'a', 1, 2277, false, false, 'i', "2277", "aggregate_dummy"},
    {2131, "min", 'a', 1, 20, false, false, 'i', "20", "aggregate_dummy"},
    {2132, "min", 'a', 1, 23, false, false, 'i', "23", "aggregate_dummy"},
    {2133, "min", 'a', 1, 21, false, false, 'i', "21", "aggregate_dummy"},
    {2134, "min", 'a', 1, 26, false, false, 'i', "26", "aggregate_dummy"},
    {2135, "min", 'a', 1, 700, false, false, 'i', "700", "aggregate_dummy"},
    {2136, "min", 'a', 1, 701, false, false, 'i', "701", "aggregate_dummy"},
    {2138, "min", 'a', 1, 1082, false, false, 'i', "1082", "aggregate_dummy"},
    {2139, "min", 'a', 1, 1083, false, false, 'i', "1083", "aggregate_dummy"},
    {2142, "min", 'a', 1, 1114, false, false, 'i', "1114", "aggregate_dummy"},
    {2143, "min", 'a', 1, 1184, false, false, 'i', "1184", "aggregate_dummy"},
    {2144, "min", 'a', 1, 1186, false, false, 'i', "1186", "aggregate_dummy"},
    {2145, "min", 'a', 1, 25, false, false, 'i', "25", "aggregate_dummy"},
    {2146, "min", 'a', 1, 1700, false, false, 'i', "1700", "aggregate_dummy"},
    {2245, "min", 'a', 1, 1042, false, false, 'i', "1042", "aggregate_dummy"},
    {3527, "min", 'a', 1, 3500, false, false, 'i', "3500", "aggregate_dummy"},
    {3565, "min", 'a', 1, 869, false, false, 'i', "869", "aggregate_dummy"},
    {940, "mod", 'f', 2, 21, false, true, 'i', "21 21", "int2mod"},
    {941, "mod", 'f', 2, 23, false, true, 'i', "23 23", "int4mod"},
    {947, "mod", 'f', 2, 20, false, true, 'i', "20 20", "int8mod"},
    {1728, "mod", 'f', 2, 1700, false, true, 'i', "1700 1700", "numeric_mod"},
    {1299, "now", 'f', 0, 1184, false, true, 's', "", "now"},
    {440, "num_nonnulls", 'f', 1, 23, false, false, 'i', "2276", "pg_num_nonnulls"},
    {438, "num_nulls", 'f', 1, 23, false, false, 'i', "2276", "pg_num_nulls"},
    {1215, "obj_description", 'f', 2, 25, false, true, 's', "26 19", ""},
    {1348, "obj_description", 'f', 1, 25, false, true, 's', "26", ""},
    {720, "octet_length", 'f', 1, 23, false, true, 'i', "17", "byteaoctetlen"},
    {1374, "octet_length", 'f', 1, 23, false, true, 'i', "25", "textoctetlen"},
    {1375, "octet_length", 'f', 1, 23, false, true, 'i', "1042", "bpcharoctetlen"},
    {749, "overlay", 'f', 4, 17, false, true, 'i', "17 17 23 23", "byteaoverlay"},
    {752, "overlay", 'f', 3, 17, false, true, 'i', "17 17 23", "byteaoverlay_no_len"},
    {1404, "overlay", 'f', 4, 25, false, true, 'i', "25 25 23 23", "textoverlay"},
    {1405, "overlay", 'f', 3, 25, false, true, 'i', "25 25 23", "textoverlay_no_len"},
    {2026, "pg_backend_pid", 'f', 0, 23, false, true, 's', "", "pg_backend_pid"},
    {1597, "pg_encoding_to_char", 'f', 1, 19, false, true, 's', "23", "PG_encoding_to_char"},
    {1387, "pg_get_constraintdef", 'f', 1, 25, false, true, 's', "26", "pg_get_constraintdef"},
    {2508, "pg_get_constraintdef", 'f', 2, 25, false, true, 's', "26 16", "pg_get_constraintdef_ext"},
    {1716, "pg_get_expr", 'f', 2, 25, false, true, 's', "194 26", "pg_get_expr"},
    {2509, "pg_get_expr", 'f', 3, 25, false, true, 's', "194 26 16", "pg_get_expr_ext"},
    {1643, "pg_get_indexdef", 'f', 1, 25, false, true, 's', "26", "pg_get_indexdef"},
    {2507, "pg_get_indexdef", 'f', 3, 25, false, true, 's', "26 23 16", "pg_get_indexdef_ext"},
    {6174, "pg_get_statisticsobjdef_columns", 'f', 1, 25, false, true, 's', "26", "pg_get_statisticsobjdef_columns"},
    {1642, "pg_get_userbyid", 'f', 1, 19, false, true, 's', "26", "pg_get_userbyid"},
    {2561, "pg_blocking_pids", 'f', 1, 1007, false, true, 'v', "23", "pg_blocking_pids"},
    {3035, "pg_listening_channels", 'f', 0, 25, true, true, 's', "", "pg_listening_channels"},
    {3296, "pg_notification_queue_usage", 'f', 0, 701, false, true, 'v', "", "pg_notification_queue_usage"},
    {3036, "pg_notify", 'f', 2, 2278, false, false, 'v', "25 25", "pg_notify"},
    {3778, "pg_tablespace_location", 'f', 1, 25, false, true, 's', "26", "pg_tablespace_location"},
    {1640, "pg_get_viewdef", 'f', 1, 25, false, true, 's', "25", "pg_get_viewdef_name"},
    {1641, "pg_get_viewdef", 'f', 1, 25, false, true, 's', "26", "pg_get_viewdef"},
    {2505, "pg_get_viewdef", 'f', 2, 25, false, true, 's', "25 16", "pg_get_viewdef_name_ext"},
    {2506, "pg_get_viewdef", 'f', 2, 25, false, true, 's', "26 16", "pg_get_viewdef_ext"},
    {3159, "pg_get_viewdef", 'f', 2, 25, false, true, 's', "26 23", "pg_get_viewdef_wrap"},
    {3810, "pg_is_in_recovery", 'f', 0, 16, false, true, 'v', "", "pg_is_in_recovery"},
    {6121, "pg_relation_is_publishable", 'f', 1, 16, false, true, 's', "2205", "pg_relation_is_publishable"},
    {2325, "pg_relation_size", 'f', 1, 20, false, true, 'v', "2205", ""},
    {2332, "pg_relation_size", 'f', 2, 20, false, true, 'v', "2205 25", "pg_relation_size"},
    {2288, "pg_size_pretty", 'f', 1, 25, false, true, 'i', "20", "pg_size_pretty"},
    {3166, "pg_size_pretty", 'f', 1, 25, false, true, 'i', "1700", "pg_size_pretty_numeric"},
    {2079, "pg_table_is_visible", 'f', 1, 16, false, true, 's', "26", "pg_table_is_visible"},
    {2286, "pg_total_relation_size", 'f', 1, 20, false, true, 'v', "2205", "pg_total_relation_size"},
    {2080, "pg_type_is_visible", 'f', 1, 16, false, true, 's', "26", "pg_type_is_visible"},
    {1610, "pi", 'f', 0, 701, false, true, 'i', "", "dpi"},
    {849, "position", 'f', 2, 23, false, true, 'i', "25 25", "textpos"},
    {2014, "position", 'f', 2, 23, false, true, 'i', "17 17", "byteapos"},
    {1346, "pow", 'f', 2, 701, false, true, 'i', "701 701", "dpow"},
    {1738, "pow", 'f', 2, 1700, false, true, 'i', "1700 1700", "numeric_power"},
    {1368, "power", 'f', 2, 701, false, true, 'i', "701 701", "dpow"},
    {2169, "power", 'f', 2, 1700, false, true, 'i', "1700 1700", "numeric_power"},
    {1282, "quote_ident", 'f', 1, 25, false, true, 'i', "25", "quote_ident"},
    {1283, "quote_literal", 'f', 1, 25, false, true, 'i', "25", "quote_literal"},
    {1285, "quote_literal", 'f', 1, 25, false, true, 's', "2283", "select pg_catalog.quote_literal($1::pg_catalog.text)"},
    {1289, "quote_nullable", 'f', 1, 25, false, false, 'i', "25", "quote_nullable"},
    {1290, "quote_nullable", 'f', 1, 25, false, false, 's', "2283", "select pg_catalog.quote_nullable($1::pg_catalog.text)"},
    {3101, "rank", 'w', 0, 20, false, false, 'i', "", "window_rank"},
    {3986, "rank", 'a', 1, 20, false, false, 'i', "2276", "aggregate_dummy"},
    {2822, "regr_avgx", 'a', 2, 701, false, false, 'i', "701 701", "aggregate_dummy"},
    {2823, "regr_avgy", 'a', 2, 701, false, false, 'i', "701 701", "aggregate_dummy"},
    {2818, "regr_count", 'a', 2, 20, false, false, 'i', "701 701", "aggregate_dummy"},
    {2826, "regr_intercept", 'a', 2, 701, false, false, 'i', "701 701", "aggregate_dummy"},
    {2824, "regr_r2", 'a', 2, 701, false, false, 'i', "701 701", "aggregate_dummy"},
    {2825, "regr_slope", 'a', 2, 701, false, false, 'i', "701 701", "aggregate_dummy"},
    {2819, "regr_sxx", 'a', 2, 701, false, false, 'i', "701 701", "aggregate_dummy"},
    {2821, "regr_sxy", 'a', 2, 701, false, false, 'i', "701 701", "aggregate_dummy"},
    {2820, "regr_syy", 'a', 2, 701, false, false, 'i', "701 701", "aggregate_dummy"},
    {1622, "repeat", 'f', 2, 25, false, true, 'i', "25 23", "repeat"},
    {2087, "replace", 'f', 3, 25, false, true, 'i', "25 25 25", "replace_text"},
    {3062, "reverse", 'f', 1, 25, false, true, 'i', "25", "text_reverse"},
    {3061, "right", 'f', 2, 25, false, true, 'i', "25 23", "text_right"},
    {1342, "round", 'f', 1, 701, false, true, 'i', "701", "dround"},
    {1707, "round", 'f', 2, 1700, false, true, 'i', "1700 23", "numeric_round"},
    {1708, "round", 'f', 1, 1700, false, true, 'i', "1700", ""},
    {3100, "row_number", 'w', 0, 20, false, false, 'i', "", "window_row_number"},
    {3155, "row_to_json", 'f', 1, 114, false, true, 's', "2249", "row_to_json"},
    {3156, "row_to_json", 'f', 2, 114, false, true, 's', "2249 16", "row_to_json_pretty"},
    {874, "rpad", 'f', 3, 25, false, true, 'i', "25 23 25", "rpad"},
    {880, "rpad", 'f', 2, 25, false, true, 'i', "25 23", ""},
    {876, "rtrim", 'f', 2, 25, false, true, 'i', "25 25", "rtrim"},
    {882, "rtrim", 'f', 1, 25, false, true, 'i', "25", "rtrim1"},
    {6196, "rtrim", 'f', 2, 17, false, true, 'i', "17 17", "byteartrim"},
    {746, "session_user", 'f', 0, 19, false, true, 's', "", "session_user"},
    {1993, "shobj_description", 'f', 2, 25, false, true, 's', "26 19", ""},
    {1706, "sign", 'f', 1, 1700, false, true, 'i', "1700", "numeric_sign"},
    {2310, "sign", 'f', 1, 701, false, true, 'i', "701", "dsign"},
    {2088, "split_part", 'f', 3, 25, false, true, 'i', "25 25 23", "split_part"},
    {1344, "sqrt", 'f', 1, 701, false, true, 'i', "701", "dsqrt"},
    {1730, "sqrt", 'f', 1, 1700, false, true, 'i', "1700", "numeric_sqrt"},
    {3696, "starts_with", 'f', 2, 16, false, true, 'i', "25 25", "text_starts_with"},
    {2154, "stddev", 'a', 1, 1700, false, false, 'i', "20", "aggregate_dummy"},
    {2155, "stddev", 'a', 1, 1700, false, false, 'i', "23", "aggregate_dummy"},
    {2156, "stddev", 'a', 1, 1700, false, false, 'i', "21", "aggregate_dummy"},
    {2157, "stddev", 'a', 1, 701, false, false, 'i', "700", "aggregate_dummy"},
    {2158, "stddev", 'a', 1, 701, false, false, 'i', "701", "aggregate_dummy"},
    {2159, "stddev", 'a', 1, 1700, false, false, 'i', "1700", "aggregate_dummy"},
    {2724, "stddev_pop", 'a', 1, 1700, false, false, 'i', "20", "aggregate_dummy"},
    {2725, "stddev_pop", 'a', 1, 1700, false, false, 'i', "23", "aggregate_dummy"},
    {2726, "stddev_pop", 'a', 1, 1700, false, false, 'i', "21", "aggregate_dummy"},
    {2727, "stddev_pop", 'a', 1, 701, false, false, 'i', "700", "aggregate_dummy"},
    {2728, "stddev_pop", 'a', 1, 701, false, false, 'i', "701", "aggregate_dummy"},
    {2729, "stddev_pop", 'a', 1, 1700, false, false, 'i', "1700", "aggregate_dummy"},
    {2712, "stddev_samp", 'a', 1, 1700, false, false, 'i', "20", "aggregate_dummy"},
    {2713, "stddev_samp", 'a', 1, 1700, false, false, 'i', "23", "aggregate_dummy"},
    {2714, "stddev_samp", 'a', 1, 1700, false, false, 'i', "21", "aggregate_dummy"},
    {2715, "stddev_samp", 'a', 1, 701, false, false, 'i', "700", "aggregate_dummy"},
    {2716, "stddev_samp", 'a', 1, 701, false, false, 'i', "701", "aggregate_dummy"},
    {2717, "stddev_samp", 'a', 1, 1700, false, false, 'i', "1700", "aggregate_dummy"},
    {3538, "string_agg", 'a', 2, 25, false, false, 'i', "25 25", "aggregate_dummy"},
    {3545, "string_agg", 'a', 2, 17, false, false, 'i', "17 17", "aggregate_dummy"},
    {376, "string_to_array", 'f', 3, 1009, false, false, 'i', "25 25 25", "text_to_array_null"},
    {394, "string_to_array", 'f', 2, 1009, false, false, 'i', "25 25", "text_to_array"},
    {868, "strpos", 'f', 2, 23, false, true, 'i', "25 25", "textpos"},
    {877, "substr", 'f', 3, 25, false, true, 'i', "25 23 23", "text_substr"},
    {883, "substr", 'f', 2, 25, false, true, 'i', "25 23", "text_substr_no_len"},
    {2085, "substr", 'f', 3, 17, false, true, 'i', "17 23 23", "bytea_substr"},
    {2086, "substr", 'f', 2, 17, false, true, 'i', "17 23", "bytea_substr_no_len"},
    {936, "substring", 'f', 3, 25, false, true, 'i', "25 23 23", "text_substr"},
    {937, "substring", 'f', 2, 25, false, true, 'i', "25 23", "text_substr_no_len"},
    {2012, "substring", 'f', 3, 17, false, true, 'i', "17 23 23", "bytea_substr"},
    {2013, "substring", 'f', 2, 17, false, true, 'i', "17 23", "bytea_substr_no_len"},
    {2073, "substring", 'f', 2, 25, false, true, 'i', "25 25", "textregexsubstr"},
    {2074, "substring", 'f', 3, 25, false, true, 'i', "25 25 25", ""},
    {2107, "sum", 'a', 1, 1700, false, false, 'i', "20", "aggregate_dummy"},
    {2108, "sum", 'a', 1, 20, false, false, 'i', "23", "aggregate_dummy"},
    {2109, "sum", 'a', 1, 20, false, false, 'i', "21", "aggregate_dummy"},
    {2110, "sum", 'a', 1, 700, false, false, 'i', "700", "aggregate_dummy"},
    {2111, "sum", 'a', 1, 701, false, false, 'i', "701", "aggregate_dummy"},
    {2113, "sum", 'a', 1, 1186, false, false, 'i', "1186", "aggregate_dummy"},
    {2114, "sum", 'a', 1, 1700, false, false, 'i', "1700", "aggregate_dummy"},
    {2089, "to_hex", 'f', 1, 25, false, true, 'i', "23", "to_hex32"},
    {2090, "to_hex", 'f', 1, 25, false, true, 'i', "20", "to_hex64"},
    {3176, "to_json", 'f', 1, 114, false, true, 's', "2283", "to_json"},
    {3787, "to_jsonb", 'f', 1, 3802, false, true, 's', "2283", "to_jsonb"},
    {2647, "transaction_timestamp", 'f', 0, 1184, false, true, 's', "", "now"},
    {878, "translate", 'f', 3, 25, false, true, 'i', "25 25 25", "translate"},
    {1343, "trunc", 'f', 1, 701, false, true, 'i', "701", "dtrunc"},
    {1709, "trunc", 'f', 2, 1700, false, true, 'i', "1700 23", "numeric_trunc"},
    {1710, "trunc", 'f', 1, 1700, false, true, 'i', "1700", ""},
    {2331, "unnest", 'f', 1, 2283, true, true, 'i', "2277", "array_unnest"},
    {1293, "unnest", 'f', 1, 3831, true, true, 'i', "4537", "multirange_unnest"},
    {871, "upper", 'f', 1, 25, false, true, 'i', "25", "upper"},
    {3849, "upper", 'f', 1, 2283, false, true, 'i', "3831", "range_upper"},
    {4236, "upper", 'f', 1, 2283, false, true, 'i', "4537", "multirange_upper"},
    {2718, "var_pop", 'a', 1, 1700, false, false, 'i', "20", "aggregate_dummy"},
    {2719, "var_pop", 'a', 1, 1700, false, false, 'i', "23", "aggregate_dummy"},
    {2720, "var_pop", 'a', 1, 1700, false, false, 'i', "21", "aggregate_dummy"},
    {2721, "var_pop", 'a', 1, 701, false, false, 'i', "700", "aggregate_dummy"},
    {2722, "var_pop", 'a', 1, 701, false, false, 'i', "701", "aggregate_dummy"},
    {2723, "var_pop", 'a', 1, 1700, false, false, 'i', "1700", "aggregate_dummy"},
    {2641, "var_samp", 'a', 1, 1700, false, false, 'i', "20", "aggregate_dummy"},
    {2642, "var_samp", 'a', 1, 1700, false, false, 'i', "23", "aggregate_dummy"},
    {2643, "var_samp", 'a', 1, 1700, false, false, 'i', "21", "aggregate_dummy"},
    {2644, "var_samp", 'a', 1, 701, false, false, 'i', "700", "aggregate_dummy"},
    {2645, "var_samp", 'a', 1, 701, false, false, 'i', "701", "aggregate_dummy"},
    {2646, "var_samp", 'a', 1, 1700, false, false, 'i', "1700", "aggregate_dummy"},
    {2148, "variance", 'a', 1, 1700, false, false, 'i', "20", "aggregate_dummy"},
    {2149, "variance", 'a', 1, 1700, false, false, 'i', "23", "aggregate_dummy"},
    {2150, "variance", 'a', 1, 1700, false, false, 'i', "21", "aggregate_dummy"},
    {2151, "variance", 'a', 1, 701, false, false, 'i', "700", "aggregate_dummy"},
    {2152, "variance", 'a', 1, 701, false, false, 'i', "701", "aggregate_dummy"},
    {2153, "variance", 'a', 1, 1700, false, false, 'i', "1700", "aggregate_dummy"},
    {89, "version", 'f', 0, 25, false, true, 's', "", "pgsql_version"},
    {3539, "format", 'f', 2, 25, false, false, 's', "25 2276", "text_format"},
    {3540, "format", 'f', 1, 25, false, false, 's', "25", "text_format_nv"},
    {6254, "regexp_count", 'f', 2, 23, false, true, 'i', "25 25", "regexp_count_no_start"},
    {6255, "regexp_count", 'f', 3, 23, false, true, 'i', "25 25 23", "regexp_count_no_flags"},
    {6256, "regexp_count", 'f', 4, 23, false, true, 'i', "25 25 23 25", "regexp_count"},
    {6263, "regexp_like", 'f', 2, 16, false, true, 'i', "25 25", "regexp_like_no_flags"},
    {6264, "regexp_like", 'f', 3, 16, false, true, 'i', "25 25 25", "regexp_like"},
    {3396, "regexp_match", 'f', 2, 1009, false, true, 'i', "25 25", "regexp_match_no_flags"},
    {3397, "regexp_match", 'f', 3, 1009, false, true, 'i', "25 25 25", "regexp_match"},
    {2763, "regexp_matches", 'f', 2, 1009, true, true, 'i', "25 25", "regexp_matches_no_flags"},
    {2764, "regexp_matches", 'f', 3, 1009, true, true, 'i', "25 25 25", "regexp_matches"},
    {2284, "regexp_replace", 'f', 3, 25, false, true, 'i', "25 25 25", "textregexreplace_noopt"},
    {2285, "regexp_replace", 'f', 4, 25, false, true, 'i', "25 25 25 25", "textregexreplace"},
    {6251, "regexp_replace", 'f', 6, 25, false, true, 'i', "25 25 25 23 23 25", "textregexreplace_extended"},
    {6252, "regexp_replace", 'f', 5, 25, false, true, 'i', "25 25 25 23 23", "textregexreplace_extended_no_flags"},
    {6253, "regexp_replace", 'f', 4, 25, false, true, 'i', "25 25 25 23", "textregexreplace_extended_no_n"},
    {2767, "regexp_split_to_array", 'f', 2, 1009, false, true, 'i', "25 25", "regexp_split_to_array_no_flags"},
    {2768, "regexp_split_to_array", 'f', 3, 1009, false, true, 'i', "25 25 25", "regexp_split_to_array"},
    {2765, "regexp_split_to_table", 'f', 2, 25, true, true, 'i', "25 25", "regexp_split_to_table_no_flags"},
    {2766, "regexp_split_to_table", 'f', 3, 25, true, true, 'i', "25 25 25", "regexp_split_to_table"},
    {3419, "sha224", 'f', 1, 17, false, true, 'i', "17", "sha224_bytea"},
    {3420, "sha256", 'f', 1, 17, false, true, 'i', "17", "sha256_bytea"},
    {3421, "sha384", 'f', 1, 17, false, true, 'i', "17", "sha384_bytea"},
    {3422, "sha512", 'f', 1, 17, false, true, 'i', "17", "sha512_bytea"},
    {1986, "similar_to_escape", 'f', 2, 25, false, true, 'i', "25 25", "similar_to_escape_2"},
    {1987, "similar_to_escape", 'f', 1, 25, false, true, 'i', "25", "similar_to_escape_1"},
    {1778, "to_timestamp", 'f', 2, 1184, false, true, 's', "25 25", "to_timestamp"},
    {1780, "to_date", 'f', 2, 1082, false, true, 's', "25 25", "to_date"},
    {1768, "to_char", 'f', 2, 25, false, true, 's', "1186 25", "interval_to_char"},
    {1770, "to_char", 'f', 2, 25, false, true, 's', "1184 25", "timestamptz_to_char"},
    {1772, "to_char", 'f', 2, 25, false, true, 's', "1700 25", "numeric_to_char"},
    {1773, "to_char", 'f', 2, 25, false, true, 's', "23 25", "int4_to_char"},
    {1774, "to_char", 'f', 2, 25, false, true, 's', "20 25", "int8_to_char"},
    {1775, "to_char", 'f', 2, 25, false, true, 's', "700 25", "float4_to_char"},
    {1776, "to_char", 'f', 2, 25, false, true, 's', "701 25", "float8_to_char"},
    {2049, "to_char", 'f', 2, 25, false, true, 's', "1114 25", "timestamp_to_char"},
    {1777, "to_number", 'f', 2, 1700, false, true, 's', "25 25", "numeric_to_number"},
    {3493, "to_regtype", 'f', 1, 2206, false, true, 's', "25", "to_regtype"},
    {3494, "to_regproc", 'f', 1, 24, false, true, 's', "25", "to_regproc"},
    {3495, "to_regclass", 'f', 1, 2205, false, true, 's', "25", "to_regclass"},
    {4086, "to_regnamespace", 'f', 1, 4089, false, true, 's', "25", "to_regnamespace"},
    {4093, "to_regrole", 'f', 1, 4096, false, true, 's', "25", "to_regrole"},
    {1601, "acos", 'f', 1, 701, false, true, 'i', "701", "dacos"},
    {2732, "acosd", 'f', 1, 701, false, true, 'i', "701", "dacosd"},
    {2466, "acosh", 'f', 1, 701, false, true, 'i', "701", "dacosh"},
    {1600, "asin", 'f', 1, 701, false, true, 'i', "701", "dasin"},
    {2731, "asind", 'f', 1, 701, false, true, 'i', "701", "dasind"},
    {2465, "asinh", 'f', 1, 701, false, true, 'i', "701", "dasinh"},
    {1602, "atan", 'f', 1, 701, false, true, 'i', "701", "datan"},
    {1603, "atan2", 'f', 2, 701, false, true, 'i', "701 701", "datan2"},
    {2734, "atan2d", 'f', 2, 701, false, true, 'i', "701 701", "datan2d"},
    {2733, "atand", 'f', 1, 701, false, true, 'i', "701", "datand"},
    {2467, "atanh", 'f', 1, 701, false, true, 'i', "701", "datanh"},
    {1345, "cbrt", 'f', 1, 701, false, true, 'i', "701", "dcbrt"},
    {1605, "cos", 'f', 1, 701, false, true, 'i', "701", "dcos"},
    {2736, "cosd", 'f', 1, 701, false, true, 'i', "701", "dcosd"},
    {2463, "cosh", 'f', 1, 701, false, true, 'i', "701", "dcosh"},
    {1607, "cot", 'f', 1, 701, false, true, 'i', "701", "dcot"},
    {2738, "cotd", 'f', 1, 701, false, true, 'i', "701", "dcotd"},
    {1608, "degrees", 'f', 1, 701, false, true, 'i', "701", "degrees"},
    {1376, "factorial", 'f', 1, 1700, false, true, 'i', "20", "numeric_fac"},
    {721, "get_byte", 'f', 2, 23, false, true, 'i', "17 23", "byteaGetByte"},
    {5042, "min_scale", 'f', 1, 23, false, true, 'i', "1700", "numeric_min_scale"},
    {1609, "radians", 'f', 1, 701, false, true, 'i', "701", "radians"},
    {1598, "random", 'f', 0, 701, false, true, 'v', "", "drandom"},
    {3281, "scale", 'f', 1, 23, false, true, 'i', "1700", "numeric_scale"},
    {1599, "setseed", 'f', 1, 2278, false, true, 'v', "701", "setseed"},
    {1604, "sin", 'f', 1, 701, false, true, 'i', "701", "dsin"},
    {2735, "sind", 'f', 1, 701, false, true, 'i', "701", "dsind"},
    {2462, "sinh", 'f', 1, 701, false, true, 'i', "701", "dsinh"},
    {1606, "tan", 'f', 1, 701, false, true, 'i', "701", "dtan"},
    {2737, "tand", 'f', 1, 701, false, true, 'i', "701", "dtand"},
    {2464, "tanh", 'f', 1, 701, false, true, 'i', "701", "dtanh"},
    {6172, "trim_array", 'f', 2, 2277, false, true, 'i', "2277 23", "trim_array"},
    {5043, "trim_scale", 'f', 1, 1700, false, true, 'i', "1700", "numeric_trim_scale"},
    {1714, "convert_from", 'f', 2, 25, false, true, 's', "17 19", "pg_convert_from"},
    {1717, "convert_to", 'f', 2, 17, false, true, 's', "25 19", "pg_convert_to"},
    {1946, "encode", 'f', 2, 25, false, true, 'i', "17 25", "binary_encode"},
    {1947, "decode", 'f', 2, 17, false, true, 'i', "25 25", "binary_decode"},
    {3153, "array_to_json", 'f', 1, 114, false, true, 's', "2277", "array_to_json"},
    {3154, "array_to_json", 'f', 2, 114, false, true, 's', "2277 16", "array_to_json_pretty"},
    {6160, "string_to_table", 'f', 2, 25, true, false, 'i', "25 25", "text_to_table"},
    {6161, "string_to_table", 'f', 3, 25, true, false, 'i', "25 25 25", "text_to_table_null"},
    {6257, "regexp_instr", 'f', 2, 23, false, true, 'i', "25 25", "regexp_instr_no_start"},
    {6258, "regexp_instr", 'f', 3, 23, false, true, 'i', "25 25 23", "regexp_instr_no_n"},
    {6259, "regexp_instr", 'f', 4, 23, false, true, 'i', "25 25 23 23", "regexp_instr_no_endoption"},
    {6260, "regexp_instr", 'f', 5, 23, false, true, 'i', "25 25 23 23 23", "regexp_instr_no_flags"},
    {6261, "regexp_instr", 'f', 6, 23, false, true, 'i', "25 25 23 23 23 25", "regexp_instr_no_subexpr"},
    {6262, "regexp_instr", 'f', 7, 23, false, true, 'i', "25 25 23 23 23 25 23", "regexp_instr"},
    {6265, "regexp_substr", 'f', 2, 25, false, true, 'i', "25 25", "regexp_substr_no_start"},
    {6266, "regexp_substr", 'f', 3, 25, false, true, 'i', "25 25 23", "regexp_substr_no_n"},
    {6267, "regexp_substr", 'f', 4, 25, false, true, 'i', "25 25 23 23", "regexp_substr_no_flags"},
    {6268, "regexp_substr", 'f', 5, 25, false, true, 'i', "25 25 23 23 25", "regexp_substr_no_subexpr"},
    {6269, "regexp_substr", 'f', 6, 25, false, true, 'i', "25 25 23 23 25 23", "regexp_substr"},
    {2943, "txid_current", 'f', 0, 20, false, true, 's', "", "pg_current_xact_id"},
    {3348, "txid_current_if_assigned", 'f', 0, 20, false, true, 's', "", "pg_current_xact_id_if_assigned"},
    {320, "width_bucket", 'f', 4, 23, false, true, 'i', "701 701 701 23", "width_bucket_float8"},
    {2170, "width_bucket", 'f', 4, 23, false, true, 'i', "1700 1700 1700 23", "width_bucket_numeric"},
};

/* pg_proc's argument details, for the functions that have any (generated from PostgreSQL 15):
 * provariadic, pronargdefaults, proallargtypes, proargmodes and proargnames (space-separated),
 * and the defaults' texts (pg_get_function_arg_default, '|'-separated). */
typedef struct proc_arg_info {
    uint32_t oid, variadic;
    int ndefaults;
    const char *all, *modes, *names, *defaults;
} proc_arg_info;

static const proc_arg_info proc_args[] = {
    {438, 2276, 0, "2276", "v", NULL, NULL},
    {440, 2276, 0, "2276", "v", NULL, NULL},
    {3058, 2276, 0, "2276", "v", NULL, NULL},
    {3059, 2276, 0, "25 2276", "i v", NULL, NULL},
    {3198, 2276, 0, "2276", "v", NULL, NULL},
    {3200, 2276, 0, "2276", "v", NULL, NULL},
    {3208, 0, 0, "3802 25 3802", "i o o", "from_json key value", NULL},
    {3217, 25, 0, "3802 1009", "i v", "from_json path_elems", NULL},
    {3219, 0, 0, "3802 3802", "i o", "from_json value", NULL},
    {3271, 2276, 0, "2276", "v", NULL, NULL},
    {3273, 2276, 0, "2276", "v", NULL, NULL},
    {3305, 0, 1, NULL, NULL, "jsonb_in path replacement create_if_missing", "true"},
    {3579, 0, 1, NULL, NULL, "jsonb_in path replacement insert_after", "false"},
    {4005, 0, 2, NULL, NULL, "target path vars silent", "'{}'::jsonb|false"},
    {4006, 0, 2, NULL, NULL, "target path vars silent", "'{}'::jsonb|false"},
    {4007, 0, 2, NULL, NULL, "target path vars silent", "'{}'::jsonb|false"},
    {4008, 0, 2, NULL, NULL, "target path vars silent", "'{}'::jsonb|false"},
    {4009, 0, 2, NULL, NULL, "target path vars silent", "'{}'::jsonb|false"},
    {3465, 0, 0, "3802 25", "i o", "from_json value", NULL},
    {3932, 0, 0, "3802 25 25", "i o o", "from_json key value", NULL},
    {3940, 25, 0, "3802 1009", "i v", "from_json path_elems", NULL},
    {3951, 25, 0, "114 1009", "i v", "from_json path_elems", NULL},
    {3953, 25, 0, "114 1009", "i v", "from_json path_elems", NULL},
    {3955, 0, 0, "114 114", "i o", "from_json value", NULL},
    {3958, 0, 0, "114 25 114", "i o o", "from_json key value", NULL},
    {3959, 0, 0, "114 25 25", "i o o", "from_json key value", NULL},
    {3969, 0, 0, "114 25", "i o", "from_json value", NULL},
    {3986, 2276, 0, "2276", "v", NULL, NULL},
    {3992, 2276, 0, "2276", "v", NULL, NULL},
    {3539, 2276, 0, "25 2276", "i v", NULL, NULL},
};

static const proc_arg_info *proc_args_of(uint32_t oid)
{
    for (size_t i = 0; i < sizeof proc_args / sizeof proc_args[0]; i++)
        if (proc_args[i].oid == oid) return &proc_args[i];
    return NULL;
}

/* The type I/O functions and access method handlers: regproc values name them
 * (pg_type.typinput ...); pg_proc rows generated from PostgreSQL 15 as builtin_procs' */
static const cat_proc support_procs[] = {
    {1031, "aclitemin", 'f', 1, 1033, false, true, 's', "2275", "aclitemin"},
    {1032, "aclitemout", 'f', 1, 2275, false, true, 's', "1033", "aclitemout"},
    {2294, "any_in", 'f', 1, 2276, false, true, 'i', "2275", "any_in"},
    {2295, "any_out", 'f', 1, 2275, false, true, 'i', "2276", "any_out"},
    {5086, "anycompatible_in", 'f', 1, 5077, false, true, 'i', "2275", "anycompatible_in"},
    {5087, "anycompatible_out", 'f', 1, 2275, false, true, 'i', "5077", "anycompatible_out"},
    {5088, "anycompatiblearray_in", 'f', 1, 5078, false, true, 'i', "2275", "anycompatiblearray_in"},
    {5089, "anycompatiblearray_out", 'f', 1, 2275, false, true, 's', "5078", "anycompatiblearray_out"},
    {5090, "anycompatiblearray_recv", 'f', 1, 5078, false, true, 's', "2281", "anycompatiblearray_recv"},
    {5091, "anycompatiblearray_send", 'f', 1, 17, false, true, 's', "5078", "anycompatiblearray_send"},
    {2777, "anynonarray_in", 'f', 1, 2776, false, true, 'i', "2275", "anynonarray_in"},
    {2778, "anynonarray_out", 'f', 1, 2275, false, true, 'i', "2776", "anynonarray_out"},
    {4229, "anymultirange_in", 'f', 3, 4537, false, true, 's', "2275 26 23", "anymultirange_in"},
    {4230, "anymultirange_out", 'f', 1, 2275, false, true, 's', "4537", "anymultirange_out"},
    {3832, "anyrange_in", 'f', 3, 3831, false, true, 's', "2275 26 23", "anyrange_in"},
    {3833, "anyrange_out", 'f', 1, 2275, false, true, 's', "3831", "anyrange_out"},
    {2296, "anyarray_in", 'f', 1, 2277, false, true, 'i', "2275", "anyarray_in"},
    {2297, "anyarray_out", 'f', 1, 2275, false, true, 's', "2277", "anyarray_out"},
    {2502, "anyarray_recv", 'f', 1, 2277, false, true, 's', "2281", "anyarray_recv"},
    {2503, "anyarray_send", 'f', 1, 17, false, true, 's', "2277", "anyarray_send"},
    {2312, "anyelement_in", 'f', 1, 2283, false, true, 'i', "2275", "anyelement_in"},
    {2313, "anyelement_out", 'f', 1, 2275, false, true, 'i', "2283", "anyelement_out"},
    {3504, "anyenum_in", 'f', 1, 3500, false, true, 'i', "2275", "anyenum_in"},
    {3505, "anyenum_out", 'f', 1, 2275, false, true, 's', "3500", "anyenum_out"},
    {3506, "enum_in", 'f', 2, 3500, false, true, 's', "2275 26", "enum_in"},
    {3507, "enum_out", 'f', 1, 2275, false, true, 's', "3500", "enum_out"},
    {750, "array_in", 'f', 3, 2277, false, true, 's', "2275 26 23", "array_in"},
    {751, "array_out", 'f', 1, 2275, false, true, 's', "2277", "array_out"},
    {2400, "array_recv", 'f', 3, 2277, false, true, 's', "2281 26 23", "array_recv"},
    {2401, "array_send", 'f', 1, 17, false, true, 's', "2277", "array_send"},
    {6179, "array_subscript_handler", 'f', 1, 2281, false, true, 'i', "2281", "array_subscript_handler"},
    {1242, "boolin", 'f', 1, 16, false, true, 'i', "2275", "boolin"},
    {1243, "boolout", 'f', 1, 2275, false, true, 'i', "16", "boolout"},
    {2436, "boolrecv", 'f', 1, 16, false, true, 'i', "2281", "boolrecv"},
    {2437, "boolsend", 'f', 1, 17, false, true, 'i', "16", "boolsend"},
    {1044, "bpcharin", 'f', 3, 1042, false, true, 'i', "2275 26 23", "bpcharin"},
    {1045, "bpcharout", 'f', 1, 2275, false, true, 'i', "1042", "bpcharout"},
    {2430, "bpcharrecv", 'f', 3, 1042, false, true, 's', "2281 26 23", "bpcharrecv"},
    {2431, "bpcharsend", 'f', 1, 17, false, true, 's', "1042", "bpcharsend"},
    {335, "brinhandler", 'f', 1, 325, false, true, 'v', "2281", "brinhandler"},
    {330, "bthandler", 'f', 1, 325, false, true, 'v', "2281", "bthandler"},
    {1244, "byteain", 'f', 1, 17, false, true, 'i', "2275", "byteain"},
    {31, "byteaout", 'f', 1, 2275, false, true, 'i', "17", "byteaout"},
    {2412, "bytearecv", 'f', 1, 17, false, true, 'i', "2281", "bytearecv"},
    {2413, "byteasend", 'f', 1, 17, false, true, 'i', "17", "byteasend"},
    {1245, "charin", 'f', 1, 18, false, true, 'i', "2275", "charin"},
    {33, "charout", 'f', 1, 2275, false, true, 'i', "18", "charout"},
    {2434, "charrecv", 'f', 1, 18, false, true, 'i', "2281", "charrecv"},
    {2435, "charsend", 'f', 1, 17, false, true, 'i', "18", "charsend"},
    {1267, "cidr_in", 'f', 1, 650, false, true, 'i', "2275", "cidr_in"},
    {1427, "cidr_out", 'f', 1, 2275, false, true, 'i', "650", "cidr_out"},
    {2498, "cidr_recv", 'f', 1, 650, false, true, 'i', "2281", "cidr_recv"},
    {2499, "cidr_send", 'f', 1, 17, false, true, 'i', "650", "cidr_send"},
    {2292, "cstring_in", 'f', 1, 2275, false, true, 'i', "2275", "cstring_in"},
    {2293, "cstring_out", 'f', 1, 2275, false, true, 'i', "2275", "cstring_out"},
    {2500, "cstring_recv", 'f', 1, 2275, false, true, 's', "2281", "cstring_recv"},
    {2501, "cstring_send", 'f', 1, 17, false, true, 's', "2275", "cstring_send"},
    {1084, "date_in", 'f', 1, 1082, false, true, 's', "2275", "date_in"},
    {1085, "date_out", 'f', 1, 2275, false, true, 's', "1082", "date_out"},
    {2468, "date_recv", 'f', 1, 1082, false, true, 'i', "2281", "date_recv"},
    {2469, "date_send", 'f', 1, 17, false, true, 'i', "1082", "date_send"},
    {3532, "enum_recv", 'f', 2, 3500, false, true, 's', "2281 26", "enum_recv"},
    {3533, "enum_send", 'f', 1, 17, false, true, 's', "3500", "enum_send"},
    {200, "float4in", 'f', 1, 700, false, true, 'i', "2275", "float4in"},
    {201, "float4out", 'f', 1, 2275, false, true, 'i', "700", "float4out"},
    {2424, "float4recv", 'f', 1, 700, false, true, 'i', "2281", "float4recv"},
    {2425, "float4send", 'f', 1, 17, false, true, 'i', "700", "float4send"},
    {214, "float8in", 'f', 1, 701, false, true, 'i', "2275", "float8in"},
    {215, "float8out", 'f', 1, 2275, false, true, 'i', "701", "float8out"},
    {2426, "float8recv", 'f', 1, 701, false, true, 'i', "2281", "float8recv"},
    {2427, "float8send", 'f', 1, 17, false, true, 'i', "701", "float8send"},
    {333, "ginhandler", 'f', 1, 325, false, true, 'v', "2281", "ginhandler"},
    {332, "gisthandler", 'f', 1, 325, false, true, 'v', "2281", "gisthandler"},
    {331, "hashhandler", 'f', 1, 325, false, true, 'v', "2281", "hashhandler"},
    {3, "heap_tableam_handler", 'f', 1, 269, false, true, 'v', "2281", "heap_tableam_handler"},
    {326, "index_am_handler_in", 'f', 1, 325, false, false, 'i', "2275", "index_am_handler_in"},
    {327, "index_am_handler_out", 'f', 1, 2275, false, true, 'i', "325", "index_am_handler_out"},
    {910, "inet_in", 'f', 1, 869, false, true, 'i', "2275", "inet_in"},
    {911, "inet_out", 'f', 1, 2275, false, true, 'i', "869", "inet_out"},
    {2496, "inet_recv", 'f', 1, 869, false, true, 'i', "2281", "inet_recv"},
    {2497, "inet_send", 'f', 1, 17, false, true, 'i', "869", "inet_send"},
    {38, "int2in", 'f', 1, 21, false, true, 'i', "2275", "int2in"},
    {39, "int2out", 'f', 1, 2275, false, true, 'i', "21", "int2out"},
    {2404, "int2recv", 'f', 1, 21, false, true, 'i', "2281", "int2recv"},
    {2405, "int2send", 'f', 1, 17, false, true, 'i', "21", "int2send"},
    {40, "int2vectorin", 'f', 1, 22, false, true, 'i', "2275", "int2vectorin"},
    {41, "int2vectorout", 'f', 1, 2275, false, true, 'i', "22", "int2vectorout"},
    {2410, "int2vectorrecv", 'f', 1, 22, false, true, 'i', "2281", "int2vectorrecv"},
    {2411, "int2vectorsend", 'f', 1, 17, false, true, 'i', "22", "int2vectorsend"},
    {42, "int4in", 'f', 1, 23, false, true, 'i', "2275", "int4in"},
    {43, "int4out", 'f', 1, 2275, false, true, 'i', "23", "int4out"},
    {2406, "int4recv", 'f', 1, 23, false, true, 'i', "2281", "int4recv"},
    {2407, "int4send", 'f', 1, 17, false, true, 'i', "23", "int4send"},
    {460, "int8in", 'f', 1, 20, false, true, 'i', "2275", "int8in"},
    {461, "int8out", 'f', 1, 2275, false, true, 'i', "20", "int8out"},
    {2408, "int8recv", 'f', 1, 20, false, true, 'i', "2281", "int8recv"},
    {2409, "int8send", 'f', 1, 17, false, true, 'i', "20", "int8send"},
    {2304, "internal_in", 'f', 1, 2281, false, false, 'i', "2275", "internal_in"},
    {2305, "internal_out", 'f', 1, 2275, false, true, 'i', "2281", "internal_out"},
    {1160, "interval_in", 'f', 3, 1186, false, true, 's', "2275 26 23", "interval_in"},
    {1161, "interval_out", 'f', 1, 2275, false, true, 's', "1186", "interval_out"},
    {2478, "interval_recv", 'f', 3, 1186, false, true, 'i', "2281 26 23", "interval_recv"},
    {2479, "interval_send", 'f', 1, 17, false, true, 'i', "1186", "interval_send"},
    {321, "json_in", 'f', 1, 114, false, true, 'i', "2275", "json_in"},
    {322, "json_out", 'f', 1, 2275, false, true, 'i', "114", "json_out"},
    {323, "json_recv", 'f', 1, 114, false, true, 'i', "2281", "json_recv"},
    {324, "json_send", 'f', 1, 17, false, true, 'i', "114", "json_send"},
    {3806, "jsonb_in", 'f', 1, 3802, false, true, 'i', "2275", "jsonb_in"},
    {3804, "jsonb_out", 'f', 1, 2275, false, true, 'i', "3802", "jsonb_out"},
    {3805, "jsonb_recv", 'f', 1, 3802, false, true, 'i', "2281", "jsonb_recv"},
    {3803, "jsonb_send", 'f', 1, 17, false, true, 'i', "3802", "jsonb_send"},
    {4001, "jsonpath_in", 'f', 1, 4072, false, true, 'i', "2275", "jsonpath_in"},
    {4002, "jsonpath_recv", 'f', 1, 4072, false, true, 'i', "2281", "jsonpath_recv"},
    {4003, "jsonpath_out", 'f', 1, 2275, false, true, 'i', "4072", "jsonpath_out"},
    {4004, "jsonpath_send", 'f', 1, 17, false, true, 'i', "4072", "jsonpath_send"},
    {34, "namein", 'f', 1, 19, false, true, 'i', "2275", "namein"},
    {35, "nameout", 'f', 1, 2275, false, true, 'i', "19", "nameout"},
    {2422, "namerecv", 'f', 1, 19, false, true, 's', "2281", "namerecv"},
    {2423, "namesend", 'f', 1, 17, false, true, 's', "19", "namesend"},
    {1701, "numeric_in", 'f', 3, 1700, false, true, 'i', "2275 26 23", "numeric_in"},
    {1702, "numeric_out", 'f', 1, 2275, false, true, 'i', "1700", "numeric_out"},
    {2460, "numeric_recv", 'f', 3, 1700, false, true, 'i', "2281 26 23", "numeric_recv"},
    {2461, "numeric_send", 'f', 1, 17, false, true, 'i', "1700", "numeric_send"},
    {1798, "oidin", 'f', 1, 26, false, true, 'i', "2275", "oidin"},
    {1799, "oidout", 'f', 1, 2275, false, true, 'i', "26", "oidout"},
    {2418, "oidrecv", 'f', 1, 26, false, true, 'i', "2281", "oidrecv"},
    {2419, "oidsend", 'f', 1, 17, false, true, 'i', "26", "oidsend"},
    {54, "oidvectorin", 'f', 1, 30, false, true, 'i', "2275", "oidvectorin"},
    {55, "oidvectorout", 'f', 1, 2275, false, true, 'i', "30", "oidvectorout"},
    {2420, "oidvectorrecv", 'f', 1, 30, false, true, 'i', "2281", "oidvectorrecv"},
    {2421, "oidvectorsend", 'f', 1, 17, false, true, 'i', "30", "oidvectorsend"},
    {195, "pg_node_tree_in", 'f', 1, 194, false, true, 'i', "2275", "pg_node_tree_in"},
    {196, "pg_node_tree_out", 'f', 1, 2275, false, true, 'i', "194", "pg_node_tree_out"},
    {197, "pg_node_tree_recv", 'f', 1, 194, false, true, 's', "2281", "pg_node_tree_recv"},
    {198, "pg_node_tree_send", 'f', 1, 17, false, true, 's', "194", "pg_node_tree_send"},
    {2290, "record_in", 'f', 3, 2249, false, true, 's', "2275 26 23", "record_in"},
    {2291, "record_out", 'f', 1, 2275, false, true, 's', "2249", "record_out"},
    {2402, "record_recv", 'f', 3, 2249, false, true, 's', "2281 26 23", "record_recv"},
    {2403, "record_send", 'f', 1, 17, false, true, 's', "2249", "record_send"},
    {2218, "regclassin", 'f', 1, 2205, false, true, 's', "2275", "regclassin"},
    {2219, "regclassout", 'f', 1, 2275, false, true, 's', "2205", "regclassout"},
    {2452, "regclassrecv", 'f', 1, 2205, false, true, 'i', "2281", "regclassrecv"},
    {2453, "regclasssend", 'f', 1, 17, false, true, 'i', "2205", "regclasssend"},
    {4084, "regnamespacein", 'f', 1, 4089, false, true, 's', "2275", "regnamespacein"},
    {4085, "regnamespaceout", 'f', 1, 2275, false, true, 's', "4089", "regnamespaceout"},
    {4087, "regnamespacerecv", 'f', 1, 4089, false, true, 'i', "2281", "regnamespacerecv"},
    {4088, "regnamespacesend", 'f', 1, 17, false, true, 'i', "4089", "regnamespacesend"},
    {44, "regprocin", 'f', 1, 24, false, true, 's', "2275", "regprocin"},
    {45, "regprocout", 'f', 1, 2275, false, true, 's', "24", "regprocout"},
    {2444, "regprocrecv", 'f', 1, 24, false, true, 'i', "2281", "regprocrecv"},
    {2445, "regprocsend", 'f', 1, 17, false, true, 'i', "24", "regprocsend"},
    {4098, "regrolein", 'f', 1, 4096, false, true, 's', "2275", "regrolein"},
    {4092, "regroleout", 'f', 1, 2275, false, true, 's', "4096", "regroleout"},
    {4094, "regrolerecv", 'f', 1, 4096, false, true, 'i', "2281", "regrolerecv"},
    {4095, "regrolesend", 'f', 1, 17, false, true, 'i', "4096", "regrolesend"},
    {2220, "regtypein", 'f', 1, 2206, false, true, 's', "2275", "regtypein"},
    {2221, "regtypeout", 'f', 1, 2275, false, true, 's', "2206", "regtypeout"},
    {2454, "regtyperecv", 'f', 1, 2206, false, true, 'i', "2281", "regtyperecv"},
    {2455, "regtypesend", 'f', 1, 17, false, true, 'i', "2206", "regtypesend"},
    {334, "spghandler", 'f', 1, 325, false, true, 'v', "2281", "spghandler"},
    {267, "table_am_handler_in", 'f', 1, 269, false, false, 'i', "2275", "table_am_handler_in"},
    {268, "table_am_handler_out", 'f', 1, 2275, false, true, 'i', "269", "table_am_handler_out"},
    {46, "textin", 'f', 1, 25, false, true, 'i', "2275", "textin"},
    {47, "textout", 'f', 1, 2275, false, true, 'i', "25", "textout"},
    {2414, "textrecv", 'f', 1, 25, false, true, 's', "2281", "textrecv"},
    {2415, "textsend", 'f', 1, 17, false, true, 's', "25", "textsend"},
    {1143, "time_in", 'f', 3, 1083, false, true, 's', "2275 26 23", "time_in"},
    {1144, "time_out", 'f', 1, 2275, false, true, 'i', "1083", "time_out"},
    {2470, "time_recv", 'f', 3, 1083, false, true, 'i', "2281 26 23", "time_recv"},
    {2471, "time_send", 'f', 1, 17, false, true, 'i', "1083", "time_send"},
    {1312, "timestamp_in", 'f', 3, 1114, false, true, 's', "2275 26 23", "timestamp_in"},
    {1313, "timestamp_out", 'f', 1, 2275, false, true, 's', "1114", "timestamp_out"},
    {2474, "timestamp_recv", 'f', 3, 1114, false, true, 'i', "2281 26 23", "timestamp_recv"},
    {2475, "timestamp_send", 'f', 1, 17, false, true, 'i', "1114", "timestamp_send"},
    {1150, "timestamptz_in", 'f', 3, 1184, false, true, 's', "2275 26 23", "timestamptz_in"},
    {1151, "timestamptz_out", 'f', 1, 2275, false, true, 's', "1184", "timestamptz_out"},
    {2476, "timestamptz_recv", 'f', 3, 1184, false, true, 'i', "2281 26 23", "timestamptz_recv"},
    {2477, "timestamptz_send", 'f', 1, 17, false, true, 'i', "1184", "timestamptz_send"},
    {2300, "trigger_in", 'f', 1, 2279, false, false, 'i', "2275", "trigger_in"},
    {2301, "trigger_out", 'f', 1, 2275, false, true, 'i', "2279", "trigger_out"},
    {109, "unknownin", 'f', 1, 705, false, true, 'i', "2275", "unknownin"},
    {110, "unknownout", 'f', 1, 2275, false, true, 'i', "705", "unknownout"},
    {2416, "unknownrecv", 'f', 1, 705, false, true, 'i', "2281", "unknownrecv"},
    {2417, "unknownsend", 'f', 1, 17, false, true, 'i', "705", "unknownsend"},
    {2952, "uuid_in", 'f', 1, 2950, false, true, 'i', "2275", "uuid_in"},
    {2953, "uuid_out", 'f', 1, 2275, false, true, 'i', "2950", "uuid_out"},
    {2961, "uuid_recv", 'f', 1, 2950, false, true, 'i', "2281", "uuid_recv"},
    {2962, "uuid_send", 'f', 1, 17, false, true, 'i', "2950", "uuid_send"},
    {1046, "varcharin", 'f', 3, 1043, false, true, 'i', "2275 26 23", "varcharin"},
    {1047, "varcharout", 'f', 1, 2275, false, true, 'i', "1043", "varcharout"},
    {2432, "varcharrecv", 'f', 3, 1043, false, true, 's', "2281 26 23", "varcharrecv"},
    {2433, "varcharsend", 'f', 1, 17, false, true, 's', "1043", "varcharsend"},
    {2298, "void_in", 'f', 1, 2278, false, true, 'i', "2275", "void_in"},
    {2299, "void_out", 'f', 1, 2275, false, true, 'i', "2278", "void_out"},
    {3120, "void_recv", 'f', 1, 2278, false, true, 'i', "2281", "void_recv"},
    {3121, "void_send", 'f', 1, 17, false, true, 'i', "2278", "void_send"},
    {50, "xidin", 'f', 1, 28, false, true, 'i', "2275", "xidin"},
    {51, "xidout", 'f', 1, 2275, false, true, 'i', "28", "xidout"},
    {2440, "xidrecv", 'f', 1, 28, false, true, 'i', "2281", "xidrecv"},
    {2441, "xidsend", 'f', 1, 17, false, true, 'i', "28", "xidsend"},
};

/* The CRDT column types, read as PostgreSQL type `as` (sqlschema.h). */
static const struct {
    const char *name;
    uint32_t as;
} crdt_types[] = {
    {"g_counter", 20},    {"pn_counter", 20}, {"mv_register", 1009}, {"or_set", 1009},
    {"aw_set", 1009},     {"lww_map", 3802},  {"lww_register", 25},
};
#define NCRDT ((int)(sizeof crdt_types / sizeof crdt_types[0]))

static const struct {
    uint32_t oid;
    const char *name;
} schemas[] = {
    {NSP_TOAST, "pg_toast"},     {NSP_CATALOG, "pg_catalog"}, {NSP_PUBLIC, "public"},
    {NSP_INFO, "information_schema"},                        {NSP_HELIOS, "helios"},
};

/* pg_description: the schemas' comments (classoid pg_namespace). */
static const struct {
    uint32_t objoid;
    const char *text;
} descriptions[] = {
    {NSP_CATALOG, "system catalog schema"},
    {NSP_PUBLIC, "standard public schema"},
    {NSP_HELIOS, "HeliosDB admin views"},
};
#define OID_PG_NAMESPACE 2615

static const struct {
    uint32_t oid;
    const char *name, *handler;
    char type;
} access_methods[] = {
    {OID_HEAP, "heap", "heap_tableam_handler", 't'}, {OID_BTREE, "btree", "bthandler", 'i'},
    {405, "hash", "hashhandler", 'i'},  {783, "gist", "gisthandler", 'i'},
    {OID_GIN, "gin", "ginhandler", 'i'},   {4000, "spgist", "spghandler", 'i'},
    {3580, "brin", "brinhandler", 'i'},
};

static uint32_t support_oid(const char *name)
{
    for (size_t i = 0; i < sizeof support_procs / sizeof support_procs[0]; i++)
        if (!strcmp(support_procs[i].name, name)) return support_procs[i].oid;
    return 0;
}

struct model;
static const char *schema_name(const struct model *m, uint32_t oid);
static uint32_t schema_oid(const struct model *m, const char *name);

static sqlval_type letter_type(char c)
{
    switch (c) {
    case 'N': return SQLVAL_NAME;
    case 'O': return SQLVAL_OID;
    case 'C': return SQLVAL_CHAR;
    case 'S': return SQLVAL_INT2;
    case 'I': return SQLVAL_INT4;
    case 'L': return SQLVAL_INT8;
    case 'B': return SQLVAL_BOOL;
    case 'F': return SQLVAL_FLOAT4;
    case 'D': return SQLVAL_FLOAT8;
    case 'P': return SQLVAL_REGPROC;
    case 'Y': return SQLVAL_REGTYPE;
    case 'R': return SQLVAL_REGCLASS;
    case 'Z': return SQLVAL_TIMESTAMPTZ;
    case 'A': return SQLVAL_TEXTARRAY;
    case 'H': return SQLVAL_INT2ARRAY; /* int2[]: pg_constraint.conkey ... */
    case 'Q': return SQLVAL_OIDARRAY;  /* oid[]: pg_constraint.conpfeqop ... */
    case 'V': return SQLVAL_INT2VECTOR;
    case 'W': return SQLVAL_OIDVECTOR;
    case 'E': return SQLVAL_INET;
    default: return SQLVAL_TEXT;
    }
}

static const cat_type *type_by_oid(uint32_t oid, cat_type *tmp)
{
    for (size_t i = 0; i < sizeof builtin_types / sizeof builtin_types[0]; i++)
        if (builtin_types[i].oid == oid) return &builtin_types[i];
    if (oid >= OID_CRDT_TYPES && oid < OID_CRDT_TYPES + (uint32_t)NCRDT) {
        const cat_type *as = type_by_oid(crdt_types[oid - OID_CRDT_TYPES].as, tmp);
        if (!as) return NULL;
        *tmp = *as;
        tmp->oid = oid;
        tmp->name = tmp->fmt = crdt_types[oid - OID_CRDT_TYPES].name;
        tmp->array = 0;
        tmp->typtype = 'd'; /* a domain over the type it reads as (typbasetype) */
        tmp->preferred = false;
        return tmp;
    }
    const char *en = oid >= 16384 ? sqlenum_name_of(oid) : NULL;
    if (en) { /* an enum type (sqlenum.h's registry) */
        *tmp = (cat_type){oid, en, 4, true, 'e', 'E', false, 0, 0, "enum_in", "enum_out",
                          "enum_recv", "enum_send", 'i', 'p', 0, en};
        return tmp;
    }
    return NULL;
}

/* pg_attribute.atttypid of a column: its CRDT type, or the type it is. */
static uint32_t column_type_oid(const sqlschema_column *c)
{
    if (c->kind != SQLSCHEMA_LWW || !strcmp(c->type_name, "lww_register"))
        for (int i = 0; i < NCRDT; i++)
            if (!strcmp(c->type_name, crdt_types[i].name)) return OID_CRDT_TYPES + (uint32_t)i;
    if (c->type == SQLVAL_ENUM && c->typmod > 0) return (uint32_t)c->typmod; /* its enum type */
    return sqlval_type_oid(c->type);
}

/* ---- relations as tables ------------------------------------------------------------------ */

static int rel_table(const cat_rel *r, sqlschema_table **out, sqlerr *err)
{
    int n = (int)strlen(r->types);
    sqlschema_table *t = calloc(1, sizeof *t);
    if (!t) return sqlerr_oom(err);
    t->cols = calloc((size_t)n + 2, sizeof *t->cols);
    t->name = strdup(r->name);
    if (!t->cols || !t->name) goto oom;
    const char *p = r->cols;
    for (int i = 0; i < n; i++) {
        sqlschema_column *c = &t->cols[i];
        size_t len = strcspn(p, " ");
        c->id = (uint16_t)(i + 1);
        c->kind = SQLSCHEMA_LWW;
        c->type = letter_type(r->types[i]);
        c->pk_pos = -1;
        sqlval_init_null(&c->default_value, c->type);
        t->ncols = i + 1;
        if (!(c->name = strndup(p, len)) || !(c->type_name = strdup(sqlval_type_name(c->type))))
            goto oom;
        p += len;
        if (*p == ' ') p++;
    }
    /* the system column tableoid (pg_dump reads it): hidden from SELECT * and pg_attribute,
     * every row carries the relation's oid (row_start) */
    sqlschema_column *c = &t->cols[n];
    c->id = (uint16_t)(n + 1);
    c->kind = SQLSCHEMA_LWW;
    c->type = SQLVAL_OID;
    c->pk_pos = -1;
    c->hidden = true;
    sqlval_set_int(&c->default_value, SQLVAL_OID, r->oid);
    t->ncols = n + 1;
    if (!(c->name = strdup("tableoid")) || !(c->type_name = strdup("oid"))) goto oom;
    n++;
    t->next_col_id = (uint16_t)(n + 1);
    *out = t;
    return SQL_OK;
oom:
    sqlschema_free(t);
    return sqlerr_oom(err);
}

int sqlcatalog_lookup(const char *schema, const char *name, sqlschema_table **out, sqlerr *err)
{
    *out = NULL;
    for (size_t i = 0; i < sizeof rels / sizeof rels[0]; i++)
        if (!strcmp(rels[i].schema, schema) && !strcmp(rels[i].name, name))
            return rel_table(&rels[i], out, err) ? SQL_ERR : 1;
    return 0;
}

/* ---- model: the relations a session sees --------------------------------------------------- */

typedef struct crel {
    uint32_t oid, nsp;
    char kind; /* r v i */
    const char *name;
    const sqlschema_table *user; /* a user table or view, or the table an index is on */
    bool pkindex;
    const sqlindex_def *ix; /* a secondary index (CREATE INDEX, UNIQUE constraints) */
    const cat_rel *cat;     /* a catalog relation (its columns built when needed) */
    sqlschema_table *built; /* helios / information_schema views: their columns (owned) */
    char *owned_name;
    sqlschema_column *xcols; /* an index's expression keys as columns (owned; NULL: none) */
} crel;

typedef struct model {
    crel *v;
    int n;
    /* the catalog as the session sees it: committed entries with the transaction's own DDL
     * over them (sx_catalog_view), borrowed tables */
    const sqlschema_table **tabs;
    int ntabs;
    /* the secondary indexes the session sees (sx_index_view), borrowed definitions */
    const sqlindex_def **ixs;
    int nixs;
    /* every schema (sx_schemas: built-ins, then the user's), owned */
    sx_schema *nsps;
    int nnsps;
    /* the session's search_path as current_schemas(false) lists it (existing schemas the
     * role may use, in order: names borrowed from nsps); a relation outside it is shown
     * qualified (regclass output, constraint and default definitions) */
    uint32_t pathoid[SQLSCHEMA_PATH_MAX];
    const char *path[SQLSCHEMA_PATH_MAX];
    int npath;
} model;

static void model_free(model *m)
{
    for (int i = 0; i < m->n; i++) {
        sqlschema_free(m->v[i].built);
        free(m->v[i].owned_name);
        free(m->v[i].xcols); /* names and type names are static */
    }
    free(m->v);
    m->v = NULL;
    m->n = 0;
    free(m->nsps);
    m->nsps = NULL;
    m->nnsps = 0;
    free(m->tabs);
    m->tabs = NULL;
    m->ntabs = 0;
    free(m->ixs);
    m->ixs = NULL;
    m->nixs = 0;
}

static bool has_pk_index(const sqlschema_table *t)
{
    return !t->view_sql && t->npk > 0 && !sqlschema_has_rowid(t);
}

static bool is_index(const crel *c)
{
    return c->pkindex || c->ix;
}

/* Whether every column index d names is a column of t. A definition another region wrote
 * may name a column this region's catalog dropped meanwhile: such an index is left out of
 * the catalogs rather than shown with a column that is not there. */
/* The name PostgreSQL gives an index column on expression e: the function's name for a call
 * (FigureIndexColname), "expr" otherwise. A static string. */
static const char *fn_column_name(const sqlast_expr *e)
{
    static const char *const names[] = {
        "lower", "upper", "btrim", "ltrim", "rtrim", "substr", "substring", "left", "right",
        "length", "char_length", "octet_length", "abs", "coalesce", "nullif", "md5", "lpad",
        "rpad", "replace", "split_part", "reverse", "initcap", "strpos", "position", "round",
        "trunc", "floor", "ceil", "ceiling", "sign", "mod", "greatest", "least",
        "jsonb_extract_path_text", "jsonb_extract_path", "jsonb_typeof", "array_length",
        "cardinality"};
    if (e && e->kind == SQLAST_FUNC && e->name)
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
            if (!strcmp(e->name, names[i])) return names[i];
    return "expr";
}

static bool index_columns_ok(const sqlindex_def *d, const sqlschema_table *t)
{
    for (int k = 0; k < d->ncols + d->ninclude; k++) {
        if (k < d->ncols && d->expr[k]) continue; /* an expression key */
        int j = sqlindex_col_index(t, k < d->ncols ? d->col[k] : d->include[k - d->ncols]);
        if (j < 0 || t->cols[j].hidden) return false;
    }
    return d->ncols > 0;
}

/* search_path's schemas that exist ("$user" is one when a schema has the user's name) */
static const char *user_name(const sx_session *s);

static int model_path(sx_session *s, model *m)
{
    m->npath = 0;
    if (sx_schemas(s, &m->nsps, &m->nnsps)) return -1;
    uint32_t path[SQLSCHEMA_PATH_MAX];
    int n = sx_search_path(s, path, SQLSCHEMA_PATH_MAX);
    for (int i = 0; i < n; i++)
        for (int k = 0; k < m->nnsps; k++)
            if (m->nsps[k].oid == path[i]) {
                m->pathoid[m->npath] = path[i];
                m->path[m->npath++] = m->nsps[k].name;
            }
    return 0;
}

static int model_build(sx_session *s, model *m, sqlerr *err)
{
    m->n = 0;
    m->v = NULL;
    m->nsps = NULL;
    m->nnsps = 0;
    m->tabs = NULL;
    m->ixs = NULL;
    if (model_path(s, m) || sx_catalog_view(s, &m->tabs, &m->ntabs)) {
        model_free(m);
        return sqlerr_oom(err);
    }
    if (sx_index_view(s, &m->ixs, &m->nixs)) {
        model_free(m);
        return sqlerr_oom(err);
    }
    size_t cap = (size_t)m->ntabs * 2 + (size_t)m->nixs + sizeof rels / sizeof rels[0] + 16;
    m->v = calloc(cap, sizeof *m->v);
    if (!m->v) {
        model_free(m);
        return sqlerr_oom(err);
    }
    for (int i = 0; i < m->ntabs; i++) {
        const sqlschema_table *t = m->tabs[i];
        uint32_t tnsp = sx_table_nsp(s, t);
        m->v[m->n++] = (crel){.oid = t->id, .nsp = tnsp,
                              .kind = t->seq ? 'S' : t->view_sql ? 'v' : 'r', .name = t->name,
                              .user = t};
        if (!has_pk_index(t)) continue;
        crel *c = &m->v[m->n++];
        *c = (crel){.oid = t->id | PK_INDEX_BIT, .nsp = tnsp, .kind = 'i', .user = t,
                    .pkindex = true};
        size_t l = strlen(t->name) + 6;
        if (!(c->owned_name = malloc(l))) goto oom;
        snprintf(c->owned_name, l, "%s_pkey", t->name);
        c->name = c->owned_name;
    }
    for (int i = 0; i < m->nixs; i++) {
        const sqlindex_def *d = m->ixs[i];
        const sqlschema_table *t = NULL;
        for (int k = 0; k < m->ntabs && !t; k++)
            if (m->tabs[k]->id == d->table_id) t = m->tabs[k];
        if (!t || t->view_sql || t->seq || !index_columns_ok(d, t)) continue;
        crel *c = &m->v[m->n++];
        *c = (crel){.oid = d->oid, .nsp = sx_table_nsp(s, t), .kind = 'i', .name = d->name, .user = t,
                    .ix = d};
        bool ex = false;
        for (int k = 0; k < d->ncols; k++) ex |= d->expr[k] != NULL;
        if (ex) {
            /* expression keys as pg_attribute shows them: "lower" for a call of lower(),
             * else "expr", typed by the bound expression */
            sqlindex_exprs *bx = NULL;
            sqlerr be;
            if (sqlindex_exprs_bind(d, t, &bx, &be)) {
                m->n--; /* not bindable (a dropped column): not shown */
                continue;
            }
            if (!(c->xcols = calloc((size_t)d->ncols, sizeof *c->xcols))) {
                sqlindex_exprs_free(bx);
                goto oom;
            }
            for (int k = 0; k < d->ncols; k++) {
                if (!d->expr[k]) continue;
                const sqlast_expr *xe = sqlindex_exprs_get(bx, k);
                sqlval_type ty = sqlindex_key_type(d, bx, t, k);
                sqlschema_column *xc = &c->xcols[k];
                xc->name = (char *)fn_column_name(xe);
                xc->type = ty;
                xc->type_name = (char *)sqlval_type_name(ty);
                xc->kind = SQLSCHEMA_LWW;
                xc->pk_pos = -1;
                xc->typmod = -1;
            }
            sqlindex_exprs_free(bx);
        }
    }
    for (size_t i = 0; i < sizeof rels / sizeof rels[0]; i++) {
        crel *c = &m->v[m->n++];
        *c = (crel){.oid = rels[i].oid, .kind = rels[i].kind, .name = rels[i].name,
                    .cat = &rels[i],
                    .nsp = !strcmp(rels[i].schema, "pg_catalog") ? NSP_CATALOG : NSP_INFO};
    }
    const char *vs, *vn;
    for (int i = 0; sqlvirt_view(i, &vs, &vn) && (size_t)m->n < cap; i++) {
        crel *c = &m->v[m->n++];
        *c = (crel){.oid = OID_HELIOS_VIEWS + (uint32_t)i, .kind = 'v', .name = vn, .nsp = NSP_HELIOS};
        int r = sqlvirt_lookup(vs, vn, &c->built, err);
        if (r < 0) goto fail;
    }
    return SQL_OK;
oom:
    sqlerr_oom(err);
fail:
    model_free(m);
    return SQL_ERR;
}

static const crel *model_find(const model *m, uint32_t oid)
{
    for (int i = 0; i < m->n; i++)
        if (m->v[i].oid == oid) return &m->v[i];
    return NULL;
}

/* The columns of a relation as pg_attribute lists them (a table's row id left out). */
static int rel_ncols(const crel *c)
{
    if (c->cat) return (int)strlen(c->cat->types);
    if (c->built) return c->built->ncols;
    if (c->pkindex) return c->user->npk;
    if (c->ix) return c->ix->ncols + c->ix->ninclude;
    return c->user->ncols;
}

/* An index's key columns (the rest of its columns are INCLUDE columns). */
static int index_nkeys(const crel *c)
{
    assert(is_index(c));
    return c->pkindex ? c->user->npk : c->ix->ncols;
}

/* An index's column k options (SQLINDEX_DESC | SQLINDEX_NULLS_FIRST, pg_index.indoption). */
static int index_opt(const crel *c, int k)
{
    return c->ix && k < c->ix->ncols ? c->ix->opt[k] : 0;
}

static const sqlschema_column *rel_col(const crel *c, int i)
{
    assert(!c->cat || c->built);
    if (c->built) return &c->built->cols[i];
    if (c->pkindex) return &c->user->cols[c->user->pk[i]];
    if (c->ix) {
        const sqlindex_def *d = c->ix;
        if (i < d->ncols && d->expr[i] && c->xcols) return &c->xcols[i];
        return &c->user->cols[sqlindex_col_index(c->user, i < d->ncols ? d->col[i]
                                                                       : d->include[i - d->ncols])];
    }
    return &c->user->cols[i];
}

/* attnum of column index j of user table t (hidden columns have none: 0). */
static int attnum_of(const sqlschema_table *t, int j)
{
    if (j < 0 || t->cols[j].hidden) return 0;
    int n = 0;
    for (int i = 0; i <= j; i++)
        if (!t->cols[i].hidden) n++;
    return n;
}

/* ---- names -------------------------------------------------------------------------------- */

/* Splits "a.b" / "\"A\".b" into up to 4 identifiers (unquoted ones folded to lower case,
 * each truncated to 63 bytes on a character boundary as PostgreSQL truncates identifiers).
 * Returns the number of parts, -1 when malformed. */
static int split_name(const char *s, size_t len, char parts[4][SQLSCHEMA_NAME_MAX + 1])
{
    int n = 0;
    size_t i = 0;
    for (;;) {
        if (n == 4) return 5; /* too many: the caller reports it */
        size_t o = 0;
        bool quoted = i < len && s[i] == '"';
        if (quoted) i++;
        for (;; i++) {
            if (i >= len) {
                if (quoted) return -1;
                break;
            }
            char ch = s[i];
            if (quoted && ch == '"') {
                if (i + 1 < len && s[i + 1] == '"') i++;
                else {
                    i++;
                    break;
                }
            } else if (!quoted && (ch == '.' || ch == '"')) {
                if (ch == '"') return -1;
                break;
            } else if (!quoted && isspace((unsigned char)ch)) {
                return -1;
            }
            if (!quoted) ch = (char)tolower((unsigned char)ch);
            if (o < SQLSCHEMA_NAME_MAX) parts[n][o++] = ch;
        }
        if (o == SQLSCHEMA_NAME_MAX) { /* maybe truncated: drop a character cut in two */
            size_t k = o;
            while (k > 0 && ((unsigned char)parts[n][k - 1] & 0xC0) == 0x80) k--;
            unsigned char lead = k > 0 ? (unsigned char)parts[n][k - 1] : 0;
            size_t want = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
            if (lead >= 0xC0 && k - 1 + want > o) o = k - 1;
        }
        if (o == 0) return -1;
        parts[n++][o] = 0;
        if (i >= len) return n;
        if (s[i] != '.') return -1;
        i++;
    }
}

static const char *schema_name(const model *m, uint32_t oid)
{
    for (int i = 0; m && i < m->nnsps; i++)
        if (m->nsps[i].oid == oid) return m->nsps[i].name;
    for (size_t i = 0; i < sizeof schemas / sizeof schemas[0]; i++)
        if (schemas[i].oid == oid) return schemas[i].name;
    return NULL;
}

static uint32_t schema_oid(const model *m, const char *name)
{
    for (int i = 0; m && i < m->nnsps; i++)
        if (!strcmp(m->nsps[i].name, name)) return m->nsps[i].oid;
    return 0;
}

static const crel *rel_in(const model *m, uint32_t nsp, const char *name)
{
    for (int i = 0; i < m->n; i++)
        if (m->v[i].nsp == nsp && !strcmp(m->v[i].name, name)) return &m->v[i];
    return NULL;
}

/* A relation by name: in schema (NULL: pg_catalog, unless the path places it, then the
 * search path's schemas) */
static const crel *rel_by_name(const model *m, const char *schema, const char *name)
{
    if (schema) {
        uint32_t nsp = schema_oid(m, schema);
        return nsp ? rel_in(m, nsp, name) : NULL;
    }
    bool placed = false;
    for (int p = 0; p < m->npath; p++) placed |= m->pathoid[p] == NSP_CATALOG;
    const crel *c = placed ? NULL : rel_in(m, NSP_CATALOG, name);
    for (int p = 0; !c && p < m->npath; p++) c = rel_in(m, m->pathoid[p], name);
    return c;
}

static bool rel_visible(const model *m, const crel *c)
{
    return rel_by_name(m, NULL, c->name) == c;
}

/* quote_ident of s appended to buf. */
static int put_ident(char *buf, size_t cap, size_t *o, const char *s, sqlerr *err)
{
    sqlval q, in;
    if (sqlval_set_str(&in, SQLVAL_TEXT, s, strlen(s), err)) return SQL_ERR;
    int rc = sqlfunc_quote_ident(&in, &q, err);
    sqlval_free(&in);
    if (rc) return SQL_ERR;
    *o += (size_t)snprintf(buf + *o, *o < cap ? cap - *o : 0, "%s", q.s);
    sqlval_free(&q);
    return SQL_OK;
}

/* regclassout: the name, qualified when the search path does not find it. */
static int rel_display(const model *m, const crel *c, char *buf, size_t cap, sqlerr *err)
{
    size_t o = 0;
    buf[0] = 0;
    if (!rel_visible(m, c)) {
        const char *nsp = schema_name(m, c->nsp);
        if (put_ident(buf, cap, &o, nsp ? nsp : "?", err)) return SQL_ERR;
        o += (size_t)snprintf(buf + o, o < cap ? cap - o : 0, ".");
    }
    return put_ident(buf, cap, &o, c->name, err);
}

static const cat_type *type_by_name(const char *name, cat_type *tmp)
{
    for (size_t i = 0; i < sizeof builtin_types / sizeof builtin_types[0]; i++)
        if (!strcmp(builtin_types[i].name, name) || !strcmp(builtin_types[i].fmt, name))
            return &builtin_types[i];
    for (int i = 0; i < NCRDT; i++)
        if (!strcmp(crdt_types[i].name, name)) return type_by_oid(OID_CRDT_TYPES + (uint32_t)i, tmp);
    sqlval_type t = sqlval_type_lookup(name, false); /* int, integer, float8 ... */
    if (t != SQLVAL_UNKNOWN) return type_by_oid(sqlval_type_oid(t), tmp);
    size_t n = strlen(name);
    if (n > 2 && n < 128 && !strcmp(name + n - 2, "[]")) { /* int4[]: the array of the element */
        char base[128];
        snprintf(base, sizeof base, "%.*s", (int)(n - 2), name);
        const cat_type *e = strstr(base, "[]") ? NULL : type_by_name(base, tmp);
        if (e && e->array) return type_by_oid(e->array, tmp);
    }
    return NULL;
}

/* ---- rows --------------------------------------------------------------------------------- */

typedef int (*row_fn)(void *ctx, sqlval *row, sqlerr *err);

/* One row being built: every column starts at PostgreSQL's usual value for a catalog column
 * of its type (false, 0, "-" for regproc, '' for "char"; NULL for names, text and arrays). */
typedef struct crow {
    const sqlschema_table *t;
    sqlval *v;
    int rc;
    sqlerr *err;
} crow;

/* A row of t, its columns set as PostgreSQL's catalogs leave them unset (false, 0, ''), or
 * all NULL (nulls: information_schema's views, whose unset columns are NULL) */
static int row_start(crow *r, const sqlschema_table *t, bool nulls, sqlerr *err)
{
    r->t = t;
    r->err = err;
    r->rc = SQL_OK;
    r->v = calloc((size_t)t->ncols + 1, sizeof *r->v);
    if (!r->v) return sqlerr_oom(err);
    for (int i = 0; i < t->ncols; i++) {
        sqlval_type ty = t->cols[i].type;
        sqlval *v = &r->v[i];
        sqlval_init_null(v, ty);
        if (nulls) continue;
        if (ty == SQLVAL_BOOL) sqlval_set_bool(v, false);
        else if (sqlval_type_is_integer(ty)) sqlval_set_int(v, ty, 0);
        else if (ty == SQLVAL_FLOAT4 || ty == SQLVAL_FLOAT8) sqlval_set_float(v, ty, 0);
        else if (sqlval_type_is_reg(ty)) sqlval_set_reg(v, ty, 0, NULL, err);
        else if (ty == SQLVAL_CHAR && sqlval_set_str(v, ty, "", 0, err)) r->rc = SQL_ERR;
        if (t->cols[i].hidden) sqlval_set_int(v, SQLVAL_OID, t->cols[i].default_value.u.i);
    }
    return r->rc;
}

static sqlval *row_col(crow *r, const char *col)
{
    int i = sqlschema_find_column(r->t, col);
    assert(i >= 0); /* a producer names its relation's columns */
    if (i < 0) return NULL;
    sqlval_free(&r->v[i]);
    sqlval_init_null(&r->v[i], r->t->cols[i].type);
    return &r->v[i];
}

static void c_str(crow *r, const char *col, const char *s)
{
    sqlval *v = row_col(r, col);
    if (v && s && r->rc == SQL_OK) r->rc = sqlval_set_str(v, v->type, s, strlen(s), r->err);
}

static void c_null(crow *r, const char *col)
{
    (void)row_col(r, col); /* (re)set to NULL */
}

static void c_char(crow *r, const char *col, char c)
{
    sqlval *v = row_col(r, col);
    if (v && r->rc == SQL_OK) r->rc = sqlval_set_str(v, v->type, &c, c ? 1 : 0, r->err);
}

static void c_int(crow *r, const char *col, int64_t n)
{
    sqlval *v = row_col(r, col);
    if (v) sqlval_set_int(v, v->type, n);
}

static void c_float(crow *r, const char *col, double f)
{
    sqlval *v = row_col(r, col);
    if (v) sqlval_set_float(v, v->type, f);
}

static void c_bool(crow *r, const char *col, bool b)
{
    sqlval *v = row_col(r, col);
    if (v) sqlval_set_bool(v, b);
}

static void c_reg(crow *r, const char *col, uint32_t oid, const char *name)
{
    sqlval *v = row_col(r, col);
    if (v && r->rc == SQL_OK) r->rc = sqlval_set_reg(v, v->type, oid, name, r->err);
}

/* An array column from space-separated items ("1 2" -> {1,2}). */
static void c_list(crow *r, const char *col, const char *items)
{
    sqlval *v = row_col(r, col);
    if (!v || r->rc) return;
    const char *p[SQLFUNC_MAX_ARGS];
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", items);
    size_t n = 0;
    for (char *save = NULL, *tok = strtok_r(buf, " ", &save); tok && n < SQLFUNC_MAX_ARGS;
         tok = strtok_r(NULL, " ", &save))
        p[n++] = tok;
    sqlval_type t = v->type; /* text[], or a vector */
    r->rc = sqlval_set_array(v, p, n, r->err);
    if (!r->rc) v->type = t;
}

static int row_emit(crow *r, row_fn fn, void *ctx)
{
    if (!r->v) return SQL_ERR;
    if (r->rc) {
        for (int i = 0; i < r->t->ncols; i++) sqlval_free(&r->v[i]);
        free(r->v);
        return SQL_ERR;
    }
    return fn(ctx, r->v, r->err);
}

/* ROW(...) started, filled by the statement that follows, emitted. */
#define ROW_BEGIN(r, t)                                                                          \
    do {                                                                                         \
        crow r;                                                                                  \
        if (row_start(&r, t, c->nulls, err)) {                                                   \
            r.rc = SQL_ERR;                                                                      \
            return row_emit(&r, fn, ctx);                                                        \
        }
#define ROW_END(r)                                                                               \
        if (row_emit(&r, fn, ctx)) return SQL_ERR;                                               \
    } while (0)

typedef struct rctx {
    sx_session *s;
    model *m;
    const sqlschema_table *t;
    bool nulls; /* an information_schema view: unset columns are NULL */
} rctx;

/* A user relation's schema: its oid and name */
static uint32_t tnsp(const rctx *c, const sqlschema_table *t)
{
    return sx_table_nsp(c->s, t);
}

static const char *tschema(const rctx *c, const sqlschema_table *t)
{
    const char *n = schema_name(c->m, tnsp(c, t));
    return n ? n : "public";
}

/* information_schema shows a user's relation only to whom PostgreSQL's views show it: its
 * owner's members (owner_only: them alone), or (otherwise) a role holding one of the
 * privileges in any; superusers see everything. Catalog relations are everyone's, the helios
 * admin views superusers'. */
#define ANY_TABLE_PRIV (SQLPRIV_SELECT | SQLPRIV_INSERT | SQLPRIV_UPDATE | SQLPRIV_DELETE | \
                        SQLPRIV_TRUNCATE | SQLPRIV_REFERENCES | SQLPRIV_TRIGGER)
static bool is_visible(rctx *c, uint32_t id, unsigned any, bool owner_only)
{
    if (sx_is_super(c->s)) return true;
    uint32_t role = sx_current_role(c->s);
    if (sx_has_privs_of(c->s, role, sx_owner_of(c->s, id))) return true;
    for (int bit = 0; !owner_only && bit < SQLPRIV_NBITS; bit++)
        if ((any & (1u << bit)) && sx_priv_has(c->s, role, id, 1u << bit)) return true;
    return false;
}

static bool crel_visible(rctx *c, const struct crel *e, unsigned any, bool owner_only)
{
    if (e->user) return is_visible(c, e->user->id, any, owner_only);
    return e->nsp != NSP_HELIOS || sx_is_super(c->s);
}


/* The bootstrap superuser's name (oid 10): the login's own for a users-file (or trust) login,
 * "heliosdb" to roles of the catalog. */
static const char *user_name(const sx_session *s)
{
    return s->boot && s->user[0] ? s->user : "heliosdb";
}

/* A role's name by oid (NULL: none). */
static const char *role_name_of(sx_session *s, uint32_t oid, char *buf, size_t n)
{
    if (oid == OID_DB_OWNER) return "pg_database_owner";
    sqlrole r;
    if (!sx_role_by_oid(s, oid, &r)) return NULL;
    snprintf(buf, n, "%s", r.name);
    return buf;
}

/* An object's privileges as PostgreSQL's aclitem[] text ("alice=r/owner", PUBLIC's "=r/owner"):
 * NULL (the default) until something was granted or revoked, then the owner's full set first.
 * defaults: the owner's letters; pub: PUBLIC's by default (schema public: "U"). */
static int acl_text_col(sx_session *s, uint32_t obj, int col, uint32_t owner, const char *defaults,
                        const char *pub, char **out)
{
    *out = NULL;
    sx_aclitem *v;
    int n;
    if (sx_acl_items(s, obj, &v, &n)) return -1;
    bool any = false;
    /* the items: one per (grantee, grantor), in the order of their oldest grant (PostgreSQL
     * appends new items) */
    struct item {
        uint32_t grantee, grantor;
        uint64_t first;
        char letters[2 * SQLPRIV_NBITS + 1];
    } items[64];
    int ni = 0;
    static const char letters_all[] = "arwdDxtUC"; /* sqlrole.h's privilege bits in order */
    if (pub && col < 0) { /* a default PUBLIC entry (schema public's USAGE) first */
        items[0] = (struct item){SQLROLE_PUBLIC, 0, 0, ""};
        ni = 1;
    }
    for (int i = 0; i < n; i++) {
        if (v[i].col != col) continue;
        any = true;
        if (v[i].level < 1) continue;
        int j = 0;
        while (j < ni && (items[j].grantee != v[i].grantee || items[j].grantor != v[i].grantor)) j++;
        if (j == ni) {
            if (ni == 64) continue;
            items[ni++] = (struct item){v[i].grantee, v[i].grantor, v[i].gen, ""};
        } else if (v[i].gen < items[j].first && !(pub && j == 0)) {
            items[j].first = v[i].gen;
        }
    }
    if (!any && !pub) {
        free(v);
        return 0;
    }
    for (int x = 1; x < ni; x++)
        for (int y = x; y > 0 && (items[y - 1].first > items[y].first ||
                                  (items[y - 1].first == items[y].first && items[y - 1].grantee > items[y].grantee));
             y--) {
            struct item t = items[y];
            items[y] = items[y - 1];
            items[y - 1] = t;
        }
    for (int j = 0; j < ni; j++) {
        int k = 0;
        for (int bit = 0; bit < SQLPRIV_NBITS; bit++) {
            int lv = 0;
            bool entry = false;
            for (int i = 0; i < n; i++)
                if (v[i].col == col && v[i].grantee == items[j].grantee && v[i].grantor == items[j].grantor &&
                    v[i].bit == bit)
                    entry = true, lv = v[i].level;
            if (!entry && pub && items[j].grantee == SQLROLE_PUBLIC && !items[j].grantor &&
                strchr(pub, letters_all[bit]))
                lv = 1;
            if (lv >= 1) items[j].letters[k++] = letters_all[bit];
            if (lv >= 2) items[j].letters[k++] = '*';
        }
        items[j].letters[k] = 0;
    }
    free(v);
    char ob[64], buf[4096];
    const char *on = role_name_of(s, owner, ob, sizeof ob);
    if (!on) on = user_name(s);
    size_t o = 0;
    buf[0] = 0;
    if (col < 0) o += (size_t)snprintf(buf + o, sizeof buf - o, "%s=%s/%s", on, defaults, on);
    for (int j = 0; j < ni; j++) {
        if (!items[j].letters[0]) continue;
        char gb[64], rb[64];
        const char *gn = items[j].grantee == SQLROLE_PUBLIC ? "" : role_name_of(s, items[j].grantee, gb, sizeof gb);
        const char *rn = items[j].grantor ? role_name_of(s, items[j].grantor, rb, sizeof rb) : on;
        if (!gn || !rn) continue; /* a role dropped (or that lost a concurrent CREATE ROLE) */
        if (o < sizeof buf)
            o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%s=%s/%s", o ? " " : "", gn, items[j].letters, rn);
    }
    if (col >= 0 && !o) return 0; /* a column without grants left: NULL */
    *out = strdup(buf);
    return *out ? 0 : -1;
}

static int acl_text(sx_session *s, uint32_t obj, uint32_t owner, const char *defaults, const char *pub,
                    char **out)
{
    return acl_text_col(s, obj, -1, owner, defaults, pub, out);
}

static const char *db_name(const sx_session *s)
{
    return s->database[0] ? s->database : "heliosdb";
}

/* A key's attnums, space-separated. */
static void key_attnums(const sqlschema_table *t, char *buf, size_t cap)
{
    size_t o = 0;
    buf[0] = 0;
    for (int i = 0; i < t->npk && o < cap; i++)
        o += (size_t)snprintf(buf + o, cap - o, "%s%d", i ? " " : "", attnum_of(t, t->pk[i]));
}

/* DEFAULT as pg_get_expr prints it: now(), a number, or a quoted literal with its cast. */
static char *default_text(const model *m, const sqlschema_column *c)
{
    if (c->default_now) return strdup(sqlschema_now_text(c));
    if (c->default_uuid)
        return strdup(c->now_fn == SQLSCHEMA_UUID_V4 ? "uuid_generate_v4()" : "gen_random_uuid()");
    if (c->default_seq) { /* serial: nextval('t_id_seq'::regclass) */
        const crel *sc = m ? model_find(m, c->default_seq) : NULL;
        char buf[SQLSCHEMA_NAME_MAX * 4 + 32];
        char q[SQLSCHEMA_NAME_MAX * 4 + 4];
        sqlerr e;
        if (!sc) snprintf(q, sizeof q, "?");
        else if (rel_display(m, sc, q, sizeof q, &e)) return NULL;
        snprintf(buf, sizeof buf, "nextval('%s'::regclass)", q);
        return strdup(buf);
    }
    if (!c->has_default) return NULL;
    if (c->default_value.isnull) return strdup("NULL");
    char *txt = NULL;
    size_t len;
    sqlerr e;
    if (sqlval_to_text(&c->default_value, &txt, &len, &e)) return NULL;
    bool neg = txt[0] == '-';
    if ((sqlval_type_is_integer(c->type) || c->type == SQLVAL_FLOAT8 ||
         c->type == SQLVAL_FLOAT4 || c->type == SQLVAL_NUMERIC) && !neg)
        return txt;
    if (c->type == SQLVAL_BOOL) {
        free(txt);
        return strdup(c->default_value.u.b ? "true" : "false");
    }
    if (neg && (sqlval_type_is_integer(c->type) || c->type == SQLVAL_FLOAT8 ||
                c->type == SQLVAL_FLOAT4 || c->type == SQLVAL_NUMERIC)) {
        /* a negative number: printed with its literal's type (-5 integer, -5000000000
         * bigint, -1.5 numeric), the column's cast being implicit */
        bool integral = len > 1;
        for (size_t i = 1; i < len; i++) integral = integral && isdigit((unsigned char)txt[i]);
        errno = 0;
        long long v = integral ? strtoll(txt, NULL, 10) : 0;
        const char *lt = !integral || errno ? "numeric" : v >= INT32_MIN ? "integer" : "bigint";
        size_t cap = len + 32;
        char *q = malloc(cap);
        if (q) snprintf(q, cap, "'%s'::%s", txt, lt);
        free(txt);
        return q;
    }
    size_t cap = 2 * len + 40 + strlen(c->type_name);
    char *q = malloc(cap);
    if (q) {
        size_t o = 0;
        q[o++] = '\'';
        for (size_t i = 0; i < len; i++) {
            if (txt[i] == '\'') q[o++] = '\'';
            q[o++] = txt[i];
        }
        /* the literal's type without its modifier, as ruleutils prints a Const */
        const char *paren = strchr(c->type_name, '('), *close = paren ? strchr(paren, ')') : NULL;
        if (close)
            snprintf(q + o, cap - o, "'::%.*s%s", (int)(paren - c->type_name), c->type_name, close + 1);
        else
            snprintf(q + o, cap - o, "'::%s", c->type_name);
    }
    free(txt);
    return q;
}

/* The query of a view: its CREATE VIEW statement after "AS". */
static const char *view_query(const char *sql)
{
    for (const char *p = sql; *p; p++) {
        if (strncasecmp(p, "as", 2) || (p > sql && !isspace((unsigned char)p[-1])) ||
            !isspace((unsigned char)p[2]))
            continue;
        const char *q = p + 2;
        while (isspace((unsigned char)*q)) q++;
        if (!strncasecmp(q, "select", 6) || !strncasecmp(q, "with", 4) ||
            !strncasecmp(q, "values", 6) || !strncasecmp(q, "table", 5) || *q == '(')
            return q;
    }
    return sql;
}

/* The relations a view's query names without a schema, where the text names them: FROM items
 * (in subqueries, joins, set operations, CTE bodies and expressions' subqueries), less those
 * named like one of the statement's CTEs. */
typedef struct vd_ref {
    int location;
    const char *name;
} vd_ref;

typedef struct vd_walk {
    vd_ref v[64];
    int n;
    const char *ctes[32];
    int nctes;
} vd_walk;

static void vd_stmt(vd_walk *w, const sqlast_stmt *q, int depth);

static void vd_expr(vd_walk *w, const sqlast_expr *e, int depth)
{
    if (!e || depth > 64) return;
    if (e->sub) vd_stmt(w, e->sub, depth + 1);
    for (int i = 0; i < e->nargs; i++) vd_expr(w, e->args[i], depth + 1);
}

static void vd_from(vd_walk *w, const sqlast_from *f, int depth)
{
    if (!f || depth > 64) return;
    if (f->kind == SQLAST_FROM_REL && f->name && !f->schema && f->location >= 0 && w->n < 64) {
        bool cte = false;
        for (int i = 0; i < w->nctes; i++) cte |= !strcmp(w->ctes[i], f->name);
        if (!cte) w->v[w->n++] = (vd_ref){f->location, f->name};
    }
    if (f->sub) vd_stmt(w, f->sub, depth + 1);
    vd_expr(w, f->func, depth + 1);
    vd_expr(w, f->quals, depth + 1);
    vd_from(w, f->larg, depth + 1);
    vd_from(w, f->rarg, depth + 1);
}

static void vd_stmt(vd_walk *w, const sqlast_stmt *q, int depth)
{
    if (!q || depth > 64) return;
    for (int i = 0; i < q->nctes && w->nctes < 32; i++) w->ctes[w->nctes++] = q->ctes[i].name;
    for (int i = 0; i < q->nctes; i++) vd_stmt(w, q->ctes[i].query, depth + 1);
    for (int i = 0; i < q->nfrom; i++) vd_from(w, q->from[i], depth + 1);
    vd_stmt(w, q->larg, depth + 1);
    vd_stmt(w, q->rarg, depth + 1);
    for (int i = 0; i < q->ntargets; i++) vd_expr(w, q->targets[i].expr, depth + 1);
    vd_expr(w, q->where, depth + 1);
    vd_expr(w, q->having, depth + 1);
}

static int cmp_vd_ref(const void *a, const void *b)
{
    const vd_ref *x = a, *y = b;
    return (x->location > y->location) - (x->location < y->location);
}

/* pg_get_viewdef's text: " <query>;" as PostgreSQL prints a view (one leading space), its text
 * as written, with the schema put before each relation that the session's search_path would
 * not find by its name alone (as PostgreSQL qualifies them: pg_dump's empty path gets every
 * name qualified). */
static char *viewdef(sx_session *s, const model *m, const sqlschema_table *t)
{
    const char *q = view_query(t->view_sql);
    size_t n = strlen(q);
    while (n && (isspace((unsigned char)q[n - 1]) || q[n - 1] == ';')) n--;
    vd_walk *w = calloc(1, sizeof *w);
    if (!w) return NULL;
    sqlparse_result pr;
    sqlerr perr;
    if (s && m && !sqlparse_query(t->view_sql, &pr, &perr)) {
        if (pr.nstmts == 1) vd_stmt(w, pr.stmts[0]->select ? pr.stmts[0]->select : pr.stmts[0], 0);
        /* resolved as the view resolves them; kept when the current path finds the same */
        sx_vpath_saved sv;
        sx_vpath_enter(s, t, &sv);
        for (int i = 0; i < w->n; i++) {
            const sqlschema_table *r = sx_table_find(s, w->v[i].name);
            const crel *c = r ? model_find(m, r->id) : NULL;
            if (!c || rel_visible(m, c)) w->v[i].name = NULL;
            else w->v[i].name = schema_name(m, c->nsp);
        }
        sx_vpath_leave(s, &sv);
        qsort(w->v, (size_t)w->n, sizeof w->v[0], cmp_vd_ref);
        sqlparse_result_free(&pr);
    }
    size_t extra = 0;
    for (int i = 0; i < w->n; i++)
        if (w->v[i].name) extra += strlen(w->v[i].name) * 2 + 4;
    char *out = malloc(n + extra + 3);
    if (out) {
        size_t o = 0, base = (size_t)(q - t->view_sql);
        out[o++] = ' ';
        size_t at = 0;
        for (int i = 0; i < w->n; i++) {
            if (!w->v[i].name || (size_t)w->v[i].location < base || (size_t)w->v[i].location - base > n)
                continue;
            size_t loc = (size_t)w->v[i].location - base;
            memcpy(out + o, q + at, loc - at);
            o += loc - at;
            at = loc;
            sqlerr e;
            size_t oo = 0;
            char qi[SQLSCHEMA_NAME_MAX * 2 + 4];
            if (put_ident(qi, sizeof qi, &oo, w->v[i].name, &e)) oo = (size_t)snprintf(qi, sizeof qi, "%s", w->v[i].name);
            memcpy(out + o, qi, oo);
            o += oo;
            out[o++] = '.';
        }
        memcpy(out + o, q + at, n - at);
        o += n - at;
        out[o++] = ';';
        out[o] = 0;
    }
    free(w);
    return out;
}

/* A view's definition column. */
static void c_viewdef(crow *r, const char *col, const rctx *c, const sqlschema_table *t)
{
    char *d = viewdef(c->s, c->m, t);
    if (!d && r->rc == SQL_OK) r->rc = sqlerr_oom(r->err);
    c_str(r, col, d);
    free(d);
}

static int rows_namespace(rctx *c, row_fn fn, void *ctx, sqlerr *err)
{
    for (size_t i = 0; i < sizeof schemas / sizeof schemas[0]; i++) {
        bool pub = schemas[i].oid == NSP_PUBLIC;
        const char *owner = pub ? "pg_database_owner" : user_name(c->s);
        char acl[SQLSCHEMA_NAME_MAX * 6 + 16];
        snprintf(acl, sizeof acl, "%s=UC/%s =U/%s", owner, owner, owner);
        char *pacl = NULL; /* schema public: its grants too */
        if (pub && acl_text(c->s, NSP_PUBLIC, OID_DB_OWNER, "UC", "U", &pacl)) return sqlerr_oom(err);
        ROW_BEGIN(r, c->t);
        c_int(&r, "oid", schemas[i].oid);
        c_str(&r, "nspname", schemas[i].name);
        c_int(&r, "nspowner", pub ? OID_DB_OWNER : OID_ROLE);
        if (schemas[i].oid != NSP_TOAST) c_list(&r, "nspacl", pacl ? pacl : acl); /* pg_toast has none */
        free(pacl);
        ROW_END(r);
    }
    for (int i = 0; i < c->m->nnsps; i++) { /* CREATE SCHEMA's */
        const sx_schema *e = &c->m->nsps[i];
        if (sx_nsp_builtin(e->oid)) continue;
        char *acl = NULL; /* NULL until something is granted or revoked */
        if (acl_text(c->s, e->oid, e->owner, "UC", NULL, &acl)) return sqlerr_oom(err);
        ROW_BEGIN(r, c->t);
        c_int(&r, "oid", e->oid);
        c_str(&r, "nspname", e->name);
        c_int(&r, "nspowner", e->owner);
        if (acl) c_list(&r, "nspacl", acl);
        free(acl);
        ROW_END(r);
    }
    return SQL_OK;
}

/* pg_init_privs: the built-in schemas' privileges as they were "at initdb" (the same as now),
 * so pg_dump finds nothing to GRANT on them */
static int rows_init_privs(rctx *c, row_fn fn, void *ctx, sqlerr *err)
{
    static const uint32_t nsps[] = {NSP_CATALOG, NSP_PUBLIC, NSP_HELIOS};
    for (size_t i = 0; i < sizeof nsps / sizeof nsps[0]; i++) {
        const char *owner = nsps[i] == NSP_PUBLIC ? "pg_database_owner" : user_name(c->s);
        char acl[SQLSCHEMA_NAME_MAX * 6 + 16];
        snprintf(acl, sizeof acl, "%s=UC/%s =U/%s", owner, owner, owner);
        ROW_BEGIN(r, c->t);
        c_int(&r, "objoid", nsps[i]);
        c_int(&r, "classoid", OID_PG_NAMESPACE);
        c_int(&r, "objsubid", 0);
        c_char(&r, "privtype", 'i');
        c_list(&r, "initprivs", acl);
        ROW_END(r);
    }
    return SQL_OK;
}

static int rows_description(rctx *c, row_fn fn, void *ctx, sqlerr *err)
{
    for (size_t i = 0; i < sizeof descriptions / sizeof descriptions[0]; i++) {
        ROW_BEGIN(r, c->t);
        c_int(&r, "objoid", descriptions[i].objoid);
        c_int(&r, "classoid", OID_PG_NAMESPACE);
        c_str(&r, "description", descriptions[i].text);
        ROW_END(r);
    }
    sx_extension ex[8]; /* COMMENT ON EXTENSION */
    int nex = sx_extensions(c->s, ex, 8);
    for (int i = 0; i < nex; i++) {
        char *txt = NULL;
        if (sx_extension_comment(c->s, ex[i].name, &txt)) return sqlerr_oom(err);
        if (!txt) continue;
        ROW_BEGIN(r, c->t);
        c_int(&r, "objoid", ex[i].oid);
        c_int(&r, "classoid", 3079); /* pg_extension */
        c_int(&r, "objsubid", 0);
        c_str(&r, "description", txt);
        free(txt);
        ROW_END(r);
    }
    for (int i = 0; i < c->m->ntabs; i++) { /* COMMENT ON TABLE / COLUMN */
        const sqlschema_table *t = c->m->tabs[i];
        for (int j = -1; j < t->ncols; j++) {
            const char *txt = j < 0 ? t->comment : t->cols[j].hidden ? NULL : t->cols[j].comment;
            if (!txt) continue;
            ROW_BEGIN(r, c->t);
            c_int(&r, "objoid", t->id);
            c_int(&r, "classoid", 1259);
            c_int(&r, "objsubid", j < 0 ? 0 : attnum_of(t, j));
            c_str(&r, "description", txt);
            ROW_END(r);
        }
    }
    return SQL_OK;
}

/* Whether table t has an index: its primary key, or one the model lists. */
static bool has_index(const model *m, const sqlschema_table *t)
{
    if (has_pk_index(t)) return true;
    for (int i = 0; i < m->n; i++)
        if (m->v[i].ix && m->v[i].user == t) return true;
    return false;
}

/* pg_attribute.attname of each column of index c: the table column's name, with a number
 * added when an earlier column of the index has that name (CREATE INDEX ON t (a, a): "a",
 * "a1"), as PostgreSQL's ChooseIndexColumnNames does. */
typedef char index_names[2 * SQLINDEX_MAX_COLUMNS][SQLSCHEMA_NAME_MAX + 1];

static void index_attnames(const crel *c, index_names names)
{
    for (int k = 0; k < rel_ncols(c) && k < 2 * SQLINDEX_MAX_COLUMNS; k++) {
        const char *orig = rel_col(c, k)->name;
        snprintf(names[k], sizeof names[k], "%s", orig);
        for (int n = 1;; n++) {
            bool used = false;
            for (int j = 0; j < k && !used; j++) used = !strcmp(names[j], names[k]);
            if (!used) break;
            char num[16];
            int nl = snprintf(num, sizeof num, "%d", n);
            size_t keep = strlen(orig);
            if (keep + (size_t)nl > SQLSCHEMA_NAME_MAX) keep = SQLSCHEMA_NAME_MAX - (size_t)nl;
            while (keep > 0 && ((unsigned char)orig[keep] & 0xC0) == 0x80) keep--;
            snprintf(names[k], sizeof names[k], "%.*s%s", (int)keep, orig, num);
        }
    }
}

static int rows_class(rctx *c, row_fn fn, void *ctx, sqlerr *err)
{
    for (int i = 0; i < c->m->n; i++) {
        const crel *e = &c->m->v[i];
        ROW_BEGIN(r, c->t);
        c_int(&r, "oid", e->oid);
        c_str(&r, "relname", e->name);
        c_int(&r, "relnamespace", e->nsp);
        uint32_t owner = e->user ? sx_owner_of(c->s, e->user->id) : OID_ROLE;
        c_int(&r, "relowner", owner);
        if (e->user && e->kind != 'i') {
            char *acl = NULL;
            if (acl_text(c->s, e->user->id, owner, e->user->seq ? "rwU" : "arwdDxt", NULL, &acl))
                return sqlerr_oom(err);
            if (acl) c_list(&r, "relacl", acl);
            free(acl);
        }
        c_int(&r, "relam", e->kind == 'r'                ? OID_HEAP
                           : e->kind == 'i' && e->ix && e->ix->gin ? OID_GIN
                           : e->kind == 'i'                ? OID_BTREE
                                                           : 0);
        c_int(&r, "relfilenode", e->kind == 'v' ? 0 : e->oid);
        /* PostgreSQL's index build records the rows it indexed (0 here: statistics are
         * zero); -1 says a table was never analyzed */
        c_float(&r, "reltuples", e->kind == 'v' || e->kind == 'i' ? 0 : -1);
        c_bool(&r, "relhasindex", e->kind == 'r' && e->user && has_index(c->m, e->user));
        c_char(&r, "relpersistence", 'p');
        c_char(&r, "relkind", e->kind);
        int n = 0;
        for (int k = 0; k < rel_ncols(e); k++) n += e->cat || !rel_col(e, k)->hidden;
        c_int(&r, "relnatts", n);
        c_int(&r, "relchecks", e->kind == 'r' && e->user ? e->user->nchecks : 0);
        c_bool(&r, "relhasrules", e->kind == 'v');
        /* PostgreSQL's foreign keys are triggers: psql lists them only when this is set */
        bool fk = false;
        for (int k = 0; e->kind == 'r' && e->user && k < c->m->ntabs && !fk; k++) {
            const sqlschema_table *o = c->m->tabs[k];
            for (int f = 0; f < o->nfks && !fk; f++)
                fk = o == e->user || o->fks[f].ref_table == e->user->id;
        }
        c_bool(&r, "relhastriggers", fk);
        c_bool(&r, "relispopulated", true);
        c_char(&r, "relreplident", e->kind == 'r' ? 'd' : 'n');
        ROW_END(r);
    }
    return SQL_OK;
}

static int rows_attribute(rctx *c, row_fn fn, void *ctx, sqlerr *err)
{
    for (int i = 0; i < c->m->n; i++) {
        crel *e = &c->m->v[i];
        if (e->cat && !e->built && rel_table(e->cat, &e->built, err)) return SQL_ERR;
        index_names ixnames;
        if (e->ix) index_attnames(e, ixnames);
        for (int k = 0, num = 0; k < rel_ncols(e); k++) {
            const sqlschema_column *col = rel_col(e, k);
            if (col->hidden) continue;
            num++;
            cat_type tmp;
            uint32_t toid = e->built ? sqlval_type_oid(col->type) : column_type_oid(col);
            const cat_type *ty = type_by_oid(toid, &tmp);
            ROW_BEGIN(r, c->t);
            c_int(&r, "attrelid", e->oid);
            c_str(&r, "attname", e->ix ? ixnames[k] : col->name);
            c_int(&r, "atttypid", toid);
            c_int(&r, "attstattarget", -1);
            c_int(&r, "attlen", ty ? ty->len : -1);
            c_int(&r, "attnum", num);
            c_int(&r, "attndims", ty && ty->category == 'A' ? 1 : 0);
            c_int(&r, "attcacheoff", -1);
            c_int(&r, "atttypmod", e->built ? -1 : col->typmod);
            c_bool(&r, "attbyval", ty && ty->byval);
            c_char(&r, "attalign", ty ? ty->align : 'i');
            c_char(&r, "attstorage", ty ? ty->storage : 'x');
            bool table = !is_index(e) && !e->built;
            c_bool(&r, "attnotnull", table && (col->not_null || col->pk_pos >= 0));
            c_bool(&r, "atthasdef", table && col->has_default && !col->identity);
            if (table && col->identity) c_char(&r, "attidentity", col->identity);
            c_bool(&r, "attislocal", true);
            /* an index's INCLUDE columns have no collation (they are not compared) */
            bool include = is_index(e) && k >= index_nkeys(e);
            c_int(&r, "attcollation", ty && !include ? ty->collation : 0);
            if (table && e->user && !e->user->seq) { /* column privileges */
                char *acl = NULL;
                if (acl_text_col(c->s, e->user->id, col->id, sx_owner_of(c->s, e->user->id), "", NULL, &acl))
                    return sqlerr_oom(err);
                if (acl) c_list(&r, "attacl", acl);
                free(acl);
            }
            ROW_END(r);
        }
    }
    return SQL_OK;
}

/* An enum type's schema */
static uint32_t enum_nsp(sx_session *s, uint32_t oid)
{
    sx_enumtype et;
    return sx_enum_by_oid(s, oid, &et) ? et.nsp : NSP_PUBLIC;
}

static int type_row(rctx *c, const cat_type *ty, row_fn fn, void *ctx, sqlerr *err)
{
    ROW_BEGIN(r, c->t);
    c_int(&r, "oid", ty->oid);
    c_str(&r, "typname", ty->name);
    c_int(&r, "typnamespace", ty->typtype == 'e' ? enum_nsp(c->s, ty->oid) : NSP_CATALOG);
    sx_enumtype et;
    c_int(&r, "typowner", ty->typtype == 'e' && sx_enum_by_oid(c->s, ty->oid, &et) ? et.owner : OID_ROLE);
    c_int(&r, "typlen", ty->len);
    c_bool(&r, "typbyval", ty->byval);
    c_char(&r, "typtype", ty->typtype);
    c_char(&r, "typcategory", ty->category);
    c_bool(&r, "typispreferred", ty->preferred);
    c_bool(&r, "typisdefined", true);
    c_char(&r, "typdelim", ',');
    if (ty->category == 'A')
        c_reg(&r, "typsubscript", support_oid("array_subscript_handler"), "array_subscript_handler");
    c_int(&r, "typelem", ty->elem);
    c_int(&r, "typarray", ty->array);
    c_reg(&r, "typinput", support_oid(ty->in), ty->in);
    c_reg(&r, "typoutput", support_oid(ty->out), ty->out);
    if (strcmp(ty->recv, "-")) c_reg(&r, "typreceive", support_oid(ty->recv), ty->recv);
    if (strcmp(ty->send, "-")) c_reg(&r, "typsend", support_oid(ty->send), ty->send);
    c_char(&r, "typalign", ty->align);
    c_char(&r, "typstorage", ty->storage);
    c_int(&r, "typtypmod", -1);
    if (ty->typtype == 'd') c_int(&r, "typbasetype", crdt_types[ty->oid - OID_CRDT_TYPES].as);
    c_int(&r, "typcollation", ty->collation);
    ROW_END(r);
    return SQL_OK;
}

static int rows_type(rctx *c, row_fn fn, void *ctx, sqlerr *err)
{
    for (size_t i = 0; i < sizeof builtin_types / sizeof builtin_types[0]; i++)
        if (type_row(c, &builtin_types[i], fn, ctx, err)) return SQL_ERR;
    for (int i = 0; i < NCRDT; i++) {
        cat_type tmp;
        const cat_type *ty = type_by_oid(OID_CRDT_TYPES + (uint32_t)i, &tmp);
        if (ty && type_row(c, ty, fn, ctx, err)) return SQL_ERR;
    }
    sx_enumtype *ev; /* the enum types the session sees, in schema public */
    int ne;
    if (sx_enum_types(c->s, &ev, &ne)) return sqlerr_oom(err);
    int rc = SQL_OK;
    for (int i = 0; i < ne && !rc; i++) {
        cat_type tmp;
        const cat_type *ty = type_by_oid(ev[i].oid, &tmp);
        if (ty) rc = type_row(c, ty, fn, ctx, err);
    }
    free(ev);
    return rc;
}

/* pg_enum: each label of each enum type, with its sort order; oids numbered in that order */
static int rows_enum(rctx *c, row_fn fn, void *ctx, sqlerr *err)
{
    sx_enumtype *ev;
    int ne;
    if (sx_enum_types(c->s, &ev, &ne)) return sqlerr_oom(err);
    uint32_t k = 0;
    for (int i = 0; i < ne; i++) {
        sx_enumlabel *lv;
        int nl;
        if (sx_enum_labels(c->s, ev[i].oid, &lv, &nl)) {
            free(ev);
            return sqlerr_oom(err);
        }
        for (int j = 0; j < nl; j++) {
            crow r;
            if (row_start(&r, c->t, c->nulls, err)) {
                free(lv);
                free(ev);
                r.rc = SQL_ERR;
                return row_emit(&r, fn, ctx);
            }
            c_int(&r, "oid", OID_ENUM_LABELS + k++);
            c_int(&r, "enumtypid", ev[i].oid);
            sqlval *sv = row_col(&r, "enumsortorder");
            if (sv) sqlval_set_float(sv, SQLVAL_FLOAT4, lv[j].sort);
            c_str(&r, "enumlabel", lv[j].label);
            if (row_emit(&r, fn, ctx)) {
                free(lv);
                free(ev);
                return SQL_ERR;
            }
        }
        free(lv);
    }
    free(ev);
    return SQL_OK;
}

/* Whether index e is usable (pg_index.indisvalid): a primary key always (it is the table's
 * storage); a committed index once its build is done; one the transaction created itself, as
 * the transaction sees its own DDL done (the build runs when it commits, and COMMIT returns
 * once it is built). An index another session committed is still building: not valid yet,
 * as PostgreSQL shows an index CREATE INDEX CONCURRENTLY has not finished. */
static bool index_valid(sx_session *s, const crel *e)
{
    if (!e->ix) return true;
    for (int i = 0; i < s->x->nindexes; i++)
        if (s->x->indexes[i]->oid == e->ix->oid) return sx_index_ready(s, e->ix->oid, NULL);
    return true;
}

/* The table column index of index e's column k. */
static int index_col(const crel *e, int k)
{
    if (e->ix && k < e->ix->ncols && e->ix->expr[k]) return -1; /* an expression: attnum 0 */
    return (int)(rel_col(e, k) - e->user->cols);
}

/* Appends n to a space-separated list. */
static void list_add(char *buf, size_t cap, size_t *o, long n)
{
    *o += (size_t)snprintf(buf + *o, *o < cap ? cap - *o : 0, "%s%ld", *o ? " " : "", n);
}

static int rows_index(rctx *c, row_fn fn, void *ctx, sqlerr *err)
{
    for (int i = 0; i < c->m->n; i++) {
        const crel *e = &c->m->v[i];
        if (!is_index(e)) continue;
        /* indkey lists every column; indcollation, indclass and indoption the key columns */
        char keys[512], colls[512], zeros[512], opts[512];
        size_t ok = 0, oc = 0, oz = 0, oo = 0;
        keys[0] = colls[0] = zeros[0] = opts[0] = 0;
        int nkeys = index_nkeys(e);
        for (int k = 0; k < rel_ncols(e); k++) {
            list_add(keys, sizeof keys, &ok, attnum_of(e->user, index_col(e, k)));
            if (k >= nkeys) continue;
            cat_type tmp;
            const cat_type *ty = type_by_oid(column_type_oid(rel_col(e, k)), &tmp);
            list_add(colls, sizeof colls, &oc, ty ? (long)ty->collation : 0);
            list_add(zeros, sizeof zeros, &oz, 0);
            list_add(opts, sizeof opts, &oo, index_opt(e, k));
        }
        bool valid = index_valid(c->s, e);
        ROW_BEGIN(r, c->t);
        c_int(&r, "indexrelid", e->oid);
        c_int(&r, "indrelid", e->user->id);
        c_int(&r, "indnatts", rel_ncols(e));
        c_int(&r, "indnkeyatts", nkeys);
        c_bool(&r, "indisunique", e->pkindex || e->ix->unique);
        c_bool(&r, "indisprimary", e->pkindex);
        c_bool(&r, "indimmediate", true);
        c_bool(&r, "indisvalid", valid);
        /* storage keeps a committed index's entries on every write from its catalog entry
         * on, while the build fills in the rows before it: ready for inserts */
        c_bool(&r, "indisready", true);
        c_bool(&r, "indislive", true);
        c_list(&r, "indkey", keys);
        c_list(&r, "indcollation", colls);
        c_list(&r, "indclass", zeros);
        c_list(&r, "indoption", opts);
        ROW_END(r);
    }
    return SQL_OK;
}

static const sqlschema_table *table_by_id(const model *m, uint32_t id)
{
    for (int i = 0; i < m->ntabs; i++)
        if (m->tabs[i]->id == id) return m->tabs[i];
    return NULL;
}

static int col_attnum(const sqlschema_table *t, uint16_t id)
{
    for (int j = 0; j < t->ncols; j++)
        if (t->cols[j].id == id) return attnum_of(t, j);
    return 0;
}

/* information_schema's and pg_get_constraintdef's words for a referential action */
static const char *fk_rule(char action)
{
    switch (action) {
    case 'r': return "RESTRICT";
    case 'c': return "CASCADE";
    case 'n': return "SET NULL";
    case 'd': return "SET DEFAULT";
    default: return "NO ACTION";
    }
}

/* FOREIGN KEY (a) REFERENCES p(id) [ON DELETE RESTRICT] [DEFERRABLE [INITIALLY DEFERRED]] */
static int fk_def(const model *m, const sqlschema_table *t, const sqlschema_fk *f, char *buf,
                  size_t cap, sqlerr *err)
{
    const sqlschema_table *p = table_by_id(m, f->ref_table);
    size_t o = (size_t)snprintf(buf, cap, "FOREIGN KEY (");
    for (int k = 0; k < f->ncols; k++) {
        if (k) o += (size_t)snprintf(buf + o, o < cap ? cap - o : 0, ", ");
        int j = -1;
        for (int i = 0; i < t->ncols; i++)
            if (t->cols[i].id == f->cols[k]) j = i;
        if (put_ident(buf, cap, &o, j >= 0 ? t->cols[j].name : "?", err)) return SQL_ERR;
    }
    o += (size_t)snprintf(buf + o, o < cap ? cap - o : 0, ") REFERENCES ");
    const crel *pc = p ? model_find(m, p->id) : NULL;
    if (pc) {
        char pn[SQLSCHEMA_NAME_MAX * 4 + 4];
        if (rel_display(m, pc, pn, sizeof pn, err)) return SQL_ERR;
        o += (size_t)snprintf(buf + o, o < cap ? cap - o : 0, "%s", pn);
    } else if (put_ident(buf, cap, &o, "?", err)) {
        return SQL_ERR;
    }
    o += (size_t)snprintf(buf + o, o < cap ? cap - o : 0, "(");
    for (int k = 0; k < f->ncols; k++) {
        if (k) o += (size_t)snprintf(buf + o, o < cap ? cap - o : 0, ", ");
        int j = -1;
        for (int i = 0; p && i < p->ncols; i++)
            if (p->cols[i].id == f->ref_cols[k]) j = i;
        if (put_ident(buf, cap, &o, j >= 0 ? p->cols[j].name : "?", err)) return SQL_ERR;
    }
    o += (size_t)snprintf(buf + o, o < cap ? cap - o : 0, ")");
    /* as ruleutils.c prints them: ON UPDATE first, NO ACTION left out */
    if (f->on_update != 'a')
        o += (size_t)snprintf(buf + o, o < cap ? cap - o : 0, " ON UPDATE %s", fk_rule(f->on_update));
    if (f->on_delete != 'a')
        o += (size_t)snprintf(buf + o, o < cap ? cap - o : 0, " ON DELETE %s", fk_rule(f->on_delete));
    if (f->deferrable)
        snprintf(buf + o, o < cap ? cap - o : 0, " DEFERRABLE%s", f->deferred ? " INITIALLY DEFERRED" : "");
    return SQL_OK;
}

static int rows_constraint(rctx *c, row_fn fn, void *ctx, sqlerr *err)
{
    for (int i = 0; i < c->m->ntabs; i++) { /* foreign keys */
        const sqlschema_table *t = c->m->tabs[i];
        for (int f = 0; f < t->nfks; f++) {
            const sqlschema_fk *k = &t->fks[f];
            const sqlschema_table *p = table_by_id(c->m, k->ref_table);
            char keys[512] = "", fkeys[512] = "";
            size_t o1 = 0, o2 = 0;
            for (int j = 0; j < k->ncols; j++) {
                o1 += (size_t)snprintf(keys + o1, o1 < sizeof keys ? sizeof keys - o1 : 0, "%s%d",
                                       j ? " " : "", col_attnum(t, k->cols[j]));
                o2 += (size_t)snprintf(fkeys + o2, o2 < sizeof fkeys ? sizeof fkeys - o2 : 0, "%s%d",
                                       j ? " " : "", p ? col_attnum(p, k->ref_cols[j]) : 0);
            }
            ROW_BEGIN(r, c->t);
            c_int(&r, "oid", k->oid);
            c_str(&r, "conname", k->name);
            c_int(&r, "connamespace", tnsp(c, t));
            c_char(&r, "contype", 'f');
            c_bool(&r, "condeferrable", k->deferrable);
            c_bool(&r, "condeferred", k->deferred);
            c_bool(&r, "convalidated", true);
            c_int(&r, "conrelid", t->id);
            c_int(&r, "conindid", k->ref_table | PK_INDEX_BIT);
            c_int(&r, "confrelid", k->ref_table);
            c_char(&r, "confupdtype", k->on_update);
            c_char(&r, "confdeltype", k->on_delete);
            c_char(&r, "confmatchtype", 's');
            c_bool(&r, "conislocal", true);
            c_bool(&r, "connoinherit", true);
            c_list(&r, "conkey", keys);
            c_list(&r, "confkey", fkeys);
            ROW_END(r);
        }
    }
    for (int i = 0; i < c->m->ntabs; i++) { /* CHECK constraints */
        const sqlschema_table *t = c->m->tabs[i];
        for (int k = 0; k < t->nchecks; k++) {
            ROW_BEGIN(r, c->t);
            c_int(&r, "oid", t->checks[k].oid);
            c_str(&r, "conname", t->checks[k].name);
            c_int(&r, "connamespace", tnsp(c, t));
            c_char(&r, "contype", 'c');
            c_bool(&r, "convalidated", true);
            c_int(&r, "conrelid", t->id);
            c_char(&r, "confupdtype", ' ');
            c_char(&r, "confdeltype", ' ');
            c_char(&r, "confmatchtype", ' ');
            c_bool(&r, "conislocal", true);
            c_str(&r, "conbin", t->checks[k].expr); /* pg_get_expr returns it as is */
            ROW_END(r);
        }
    }
    for (int i = 0; i < c->m->ntabs; i++) {
        const sqlschema_table *t = c->m->tabs[i];
        if (!has_pk_index(t)) continue;
        char keys[512], name[SQLSCHEMA_NAME_MAX + 8];
        key_attnums(t, keys, sizeof keys);
        snprintf(name, sizeof name, "%s_pkey", t->name);
        ROW_BEGIN(r, c->t);
        c_int(&r, "oid", t->id | PK_CONSTRAINT_BITS);
        c_str(&r, "conname", name);
        c_int(&r, "connamespace", tnsp(c, t));
        c_char(&r, "contype", 'p');
        c_bool(&r, "convalidated", true);
        c_int(&r, "conrelid", t->id);
        c_int(&r, "conindid", t->id | PK_INDEX_BIT);
        c_char(&r, "confupdtype", ' ');
        c_char(&r, "confdeltype", ' ');
        c_char(&r, "confmatchtype", ' ');
        c_bool(&r, "conislocal", true);
        c_bool(&r, "connoinherit", true);
        c_list(&r, "conkey", keys);
        ROW_END(r);
    }
    for (int i = 0; i < c->m->n; i++) { /* UNIQUE constraints: their indexes */
        const crel *e = &c->m->v[i];
        if (!e->ix || !e->ix->constraint) continue;
        char keys[512] = "";
        size_t o = 0;
        for (int k = 0; k < e->ix->ncols; k++)
            list_add(keys, sizeof keys, &o, attnum_of(e->user, index_col(e, k)));
        ROW_BEGIN(r, c->t);
        c_int(&r, "oid", e->oid | UNIQUE_CONSTRAINT_BIT);
        c_str(&r, "conname", e->name);
        c_int(&r, "connamespace", e->nsp);
        c_char(&r, "contype", 'u');
        c_bool(&r, "convalidated", true);
        c_int(&r, "conrelid", e->user->id);
        c_int(&r, "conindid", e->oid);
        c_char(&r, "confupdtype", ' ');
        c_char(&r, "confdeltype", ' ');
        c_char(&r, "confmatchtype", ' ');
        c_bool(&r, "conislocal", true);
        c_bool(&r, "connoinherit", true);
        c_list(&r, "conkey", keys);
        ROW_END(r);
    }
    return SQL_OK;
}

/* pg_attrdef rows in model order: their oids are OID_ATTRDEF_BASE + that position (stable for
 * one catalog state, which is what a pg_dump reads in its snapshot) */
static bool has_attrdef(const sqlschema_column *col)
{
    return !col->hidden && col->has_default && !col->identity;
}

static int rows_attrdef(rctx *c, row_fn fn, void *ctx, sqlerr *err)
{
    uint32_t k = 0;
    for (int i = 0; i < c->m->ntabs; i++) {
        const sqlschema_table *t = c->m->tabs[i];
        for (int j = 0; j < t->ncols; j++) {
            const sqlschema_column *col = &t->cols[j];
            if (!has_attrdef(col)) continue;
            ROW_BEGIN(r, c->t);
            c_int(&r, "oid", OID_ATTRDEF_BASE + k++);
            c_int(&r, "adrelid", t->id);
            c_int(&r, "adnum", attnum_of(t, j));
            char *d = default_text(c->m, col);
            if (!d) r.rc = sqlerr_oom(err);
            c_str(&r, "adbin", d);
            free(d);
            ROW_END(r);
        }
    }
    return SQL_OK;
}

static int rows_database(rctx *c, row_fn fn, void *ctx, sqlerr *err)
{
    ROW_BEGIN(r, c->t);
    c_int(&r, "oid", OID_DATABASE);
    c_str(&r, "datname", db_name(c->s));
    c_int(&r, "datdba", OID_ROLE);
    c_int(&r, "encoding", 6); /* UTF8 */
    c_char(&r, "datlocprovider", 'c');
    c_bool(&r, "datallowconn", true);
    c_int(&r, "datconnlimit", -1);
    c_int(&r, "dattablespace", OID_TS_DEFAULT);
    c_str(&r, "datcollate", "C.UTF-8");
    c_str(&r, "datctype", "C.UTF-8");
    ROW_END(r);
    return SQL_OK;
}

static int role_row(rctx *c, const sqlrole *ro, row_fn fn, void *ctx, sqlerr *err)
{
    const char *name = c->t->name;
    bool user = !strcmp(name, "pg_user");
    if (user && !(ro->flags & SQLROLE_LOGIN)) return SQL_OK;
    int64_t until = (ro->flags & SQLROLE_HAS_VALID) ? ro->valid_until - 946684800LL * 1000000 : 0;
    ROW_BEGIN(r, c->t);
    if (user) {
        c_str(&r, "usename", ro->name);
        c_int(&r, "usesysid", ro->oid);
        c_bool(&r, "usecreatedb", ro->flags & SQLROLE_CREATEDB);
        c_bool(&r, "usesuper", ro->flags & SQLROLE_SUPER);
        c_bool(&r, "userepl", ro->flags & SQLROLE_REPLICATION);
        c_bool(&r, "usebypassrls", ro->oid == OID_ROLE);
        c_str(&r, "passwd", "********");
        if (ro->flags & SQLROLE_HAS_VALID) c_int(&r, "valuntil", until);
    } else {
        c_int(&r, "oid", ro->oid);
        c_str(&r, "rolname", ro->name);
        c_bool(&r, "rolsuper", ro->flags & SQLROLE_SUPER);
        c_bool(&r, "rolinherit", ro->flags & SQLROLE_INHERIT);
        c_bool(&r, "rolcreaterole", ro->flags & SQLROLE_CREATEROLE);
        c_bool(&r, "rolcreatedb", ro->flags & SQLROLE_CREATEDB);
        c_bool(&r, "rolcanlogin", ro->flags & SQLROLE_LOGIN);
        c_bool(&r, "rolreplication", ro->flags & SQLROLE_REPLICATION);
        c_bool(&r, "rolbypassrls", ro->oid == OID_ROLE);
        c_int(&r, "rolconnlimit", ro->connlimit);
        if (!strcmp(name, "pg_roles")) c_str(&r, "rolpassword", "********");
        else if (ro->verifier[0]) c_str(&r, "rolpassword", ro->verifier);
        if (ro->flags & SQLROLE_HAS_VALID) c_int(&r, "rolvaliduntil", until);
    }
    ROW_END(r);
    return SQL_OK;
}

/* pg_roles, pg_authid, pg_user: pg_database_owner (not a user), the bootstrap superuser (oid
 * 10: a users-file login sees its own name), and the roles of the catalog. */
static int rows_role(rctx *c, row_fn fn, void *ctx, sqlerr *err)
{
    const char *name = c->t->name;
    if (strcmp(name, "pg_user")) {
        ROW_BEGIN(r, c->t);
        c_int(&r, "oid", OID_DB_OWNER);
        c_str(&r, "rolname", "pg_database_owner");
        c_bool(&r, "rolinherit", true);
        c_int(&r, "rolconnlimit", -1);
        if (!strcmp(name, "pg_roles")) c_str(&r, "rolpassword", "********");
        ROW_END(r);
    }
    sqlrole boot;
    if (sx_role_by_oid(c->s, OID_ROLE, &boot) && role_row(c, &boot, fn, ctx, err)) return SQL_ERR;
    sx_authkv *v;
    int n, k = 0;
    if (sx_auth_list(c->s, "role.", &v, &n)) return sqlerr_oom(err);
    sqlrole *roles = malloc((size_t)(n + 1) * sizeof *roles); /* decoded first: rows may fail */
    for (int i = 0; roles && i < n; i++)
        if (!sqlrole_decode(v[i].v, v[i].vl, v[i].k, v[i].kl, &roles[k]) &&
            !(roles[k].flags & SQLROLE_DROPPED))
            k++;
    free(v);
    if (!roles) return sqlerr_oom(err);
    int rc = SQL_OK;
    for (int i = 0; i < k && rc == SQL_OK; i++) rc = role_row(c, &roles[i], fn, ctx, err);
    free(roles);
    return rc;
}

/* pg_stat_activity: this region's sessions. A role sees the details of the sessions of roles
 * whose privileges it has (superusers: all); of the others only who and where, and the query
 * as "<insufficient privilege>", as PostgreSQL shows them. client_addr is text here (PostgreSQL:
 * inet). */
/* pg_prepared_statements: the session's SQL-level PREPAREd statements (the extended
 * protocol's named statements live in the wire layer and are not listed: a documented
 * difference) */
typedef struct prep_rows {
    rctx *c;
    row_fn fn;
    void *ctx;
    sqlerr *err;
} prep_rows;

static int prep_row(void *arg, const char *name, const char *text, int64_t at, const uint32_t *oids, int n,
                    bool from_sql)
{
    prep_rows *p = arg;
    rctx *c = p->c;
    row_fn fn = p->fn;
    void *ctx = p->ctx;
    sqlerr *err = p->err;
    crow r;
    if (row_start(&r, c->t, c->nulls, err)) {
        r.rc = SQL_ERR;
        return row_emit(&r, fn, ctx);
    }
    c_str(&r, "name", name);
    c_str(&r, "statement", text);
    c_int(&r, "prepare_time", at);
    sqlval *v = row_col(&r, "parameter_types");
    if (v && !r.rc) { /* regtype[]: the types' names, as format_type spells them */
        const char *names[n + 1];
        cat_type tmp[1];
        for (int i = 0; i < n; i++) {
            const cat_type *ty = type_by_oid(oids[i], tmp);
            names[i] = ty ? ty->fmt : "-";
        }
        r.rc = sqlval_set_array(v, names, (size_t)n, err);
        if (!r.rc) v->type = SQLVAL_TEXTARRAY;
    }
    c_bool(&r, "from_sql", from_sql);
    c_int(&r, "generic_plans", 0);
    c_int(&r, "custom_plans", 0);
    return row_emit(&r, fn, ctx);
}

static int rows_prepared_statements(rctx *c, row_fn fn, void *ctx, sqlerr *err)
{
    prep_rows p = {c, fn, ctx, err};
    return sx_sqlprep_each(c->s, prep_row, &p) ? SQL_ERR : SQL_OK;
}

static int rows_stat_activity(rctx *c, row_fn fn, void *ctx, sqlerr *err)
{
    uint32_t me = sx_current_role(c->s);
    for (sx_session *o = c->s->x->sessions; o; o = o->all_next) {
        sqlrole who;
        bool known = o->boot || sx_role_lookup(c->s, o->user, &who);
        uint32_t oid = o->boot ? OID_ROLE : known ? who.oid : 0;
        bool see = o == c->s || sx_has_privs_of(c->s, me, known ? oid : 0xffffffffu);
        ROW_BEGIN(r, c->t);
        c_int(&r, "datid", OID_DATABASE);
        c_str(&r, "datname", o->database[0] ? o->database : db_name(c->s));
        c_int(&r, "pid", o->pid);
        c_int(&r, "usesysid", oid);
        c_str(&r, "usename", o->user);
        const char *app = sqlguc_get(o->guc, "application_name", NULL);
        c_str(&r, "application_name", app ? app : "");
        c_str(&r, "backend_type", "client backend");
        c_null(&r, "leader_pid");
        c_null(&r, "query_id");
        c_null(&r, "client_port");
        if (see) {
            sqlval *ca = o->client_addr[0] ? row_col(&r, "client_addr") : NULL;
            if (ca && !r.rc) { /* inet; an address that is not one (a Unix socket) stays NULL */
                sqlval a;
                sqlerr ignore;
                if (!sqlval_from_text(SQLVAL_INET, o->client_addr, strlen(o->client_addr), &a, &ignore)) {
                    sqlval_free(ca);
                    *ca = a;
                }
            }
            if (o->client_addr[0]) c_int(&r, "client_port", o->client_port);
            c_int(&r, "backend_start", o->backend_start_us);
            if (o->state != SX_IDLE) c_int(&r, "xact_start", o->txn_start_us);
            if (o->query_start_us) {
                c_int(&r, "query_start", o->query_start_us);
                c_int(&r, "state_change", o->query_start_us);
            }
            if (o->lock_wait || o->waiting_for || o->wait_prev || o->x->waiters == o) {
                c_str(&r, "wait_event_type", "Lock");
                c_str(&r, "wait_event", o->wait_table ? "relation" : "tuple");
            }
            c_str(&r, "state", sx_session_state(o, c->s));
            c_str(&r, "query", o->query);
        } else {
            c_str(&r, "query", "<insufficient privilege>");
        }
        ROW_END(r);
    }
    return SQL_OK;
}

/* pg_locks: the table locks (sqllock.h) — held ones per owner and mode (a commit on its way to
 * disk holds its transaction's until it is durable: no pid then), the ACCESS SHARE locks
 * sessions noted under the shared engine lock (fastpath, as PostgreSQL calls its own), and
 * the sessions waiting for one (granted false). Row locks are not listed (PostgreSQL shows
 * them as transaction id locks, which HeliosDB has none of). */
typedef struct lockrows {
    rctx *c;
    row_fn fn;
    void *ctx;
    sqlerr *err;
    int rc;
} lockrows;

static int lock_row(lockrows *lr, const sx_session *o, uint32_t table, int mode, bool granted,
                    bool fastpath)
{
    rctx *c = lr->c;
    row_fn fn = lr->fn;
    void *ctx = lr->ctx;
    sqlerr *err = lr->err;
    ROW_BEGIN(r, c->t);
    c_str(&r, "locktype", "relation");
    c_int(&r, "database", OID_DATABASE);
    c_int(&r, "relation", table);
    const char *cols[] = {"page", "tuple", "virtualxid", "transactionid", "classid", "objid", "objsubid"};
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) c_null(&r, cols[i]);
    if (o) {
        char vt[32];
        snprintf(vt, sizeof vt, "%u/%u", o->pid, o->pid); /* backend / local transaction */
        c_str(&r, "virtualtransaction", vt);
        c_int(&r, "pid", o->pid);
    } else {
        c_null(&r, "virtualtransaction");
        c_null(&r, "pid");
    }
    c_str(&r, "mode", sqllock_mode_name(mode));
    c_bool(&r, "granted", granted);
    c_bool(&r, "fastpath", fastpath);
    if (!granted && o) c_int(&r, "waitstart", o->wait_start_us);
    else c_null(&r, "waitstart");
    ROW_END(r);
    return SQL_OK;
}

static void lock_each(void *arg, const sqllock_owner *o, uint32_t table, unsigned modes)
{
    lockrows *lr = arg;
    const sx_session *h = sqllock_owner_tag(o);
    for (int m = 1; m < SQLLOCK_NMODES && !lr->rc; m++)
        if (modes & (1u << m)) lr->rc = lock_row(lr, h, table, m, true, false);
}

static int rows_locks(rctx *c, row_fn fn, void *ctx, sqlerr *err)
{
    lockrows lr = {c, fn, ctx, err, SQL_OK};
    sqllock_tables_each(c->s->x->locks, lock_each, &lr);
    for (const sx_session *o = c->s->x->sessions; o && !lr.rc; o = o->all_next) {
        for (int i = 0; i < o->ntlw && !lr.rc; i++)
            lr.rc = lock_row(&lr, o, o->tlw[i], SQLLOCK_ACCESS_SHARE, true, true);
        bool waits = o->waiting_for && (o->wait_prev || o->x->waiters == o) && !o->lock_ready;
        if (waits && o->wait_table && !lr.rc)
            lr.rc = lock_row(&lr, o, o->wait_table, o->wait_mode, false, false);
    }
    return lr.rc;
}

/* pg_default_acl: one row per (role, IN SCHEMA or not, object type) that ALTER DEFAULT
 * PRIVILEGES touched. As PostgreSQL: a global row lists the owner's own privileges first (it
 * replaces the built-in default), a schema row only what it adds. The oid is made up from the
 * row's key (stable across reads). */
static int rows_default_acl(rctx *c, row_fn fn, void *ctx, sqlerr *err)
{
    sx_authkv *v;
    int n;
    if (sx_auth_list(c->s, "defacl.", &v, &n)) return sqlerr_oom(err);
    struct drow {
        uint32_t role;
        char type;
        bool in_schema;
        char acl[2048];
        size_t len;
        uint32_t grantee[64];
        int ng;
    } *rows = calloc((size_t)n + 1, sizeof *rows);
    int nr = 0;
    for (int i = 0; rows && i < n; i++) {
        uint32_t role, grantee;
        char type;
        bool in_schema, g;
        int bit;
        uint64_t gen;
        if (sqlrole_defacl_key_parse(v[i].k, v[i].kl, &role, &type, &in_schema, &grantee, &bit) ||
            sqlrole_flag_decode(v[i].v, v[i].vl, 'A', &gen, &g, NULL))
            continue;
        int j = 0;
        while (j < nr && !(rows[j].role == role && rows[j].type == type && rows[j].in_schema == in_schema)) j++;
        if (j == nr) rows[nr++] = (struct drow){.role = role, .type = type, .in_schema = in_schema};
        if (!g) continue;
        int k = 0;
        while (k < rows[j].ng && rows[j].grantee[k] != grantee) k++;
        if (k == rows[j].ng && k < 64) rows[j].grantee[rows[j].ng++] = grantee;
    }
    int rc = rows ? SQL_OK : sqlerr_oom(err);
    for (int j = 0; j < nr && rc == SQL_OK; j++) {
        struct drow *d = &rows[j];
        char ob[64];
        const char *on = d->role == OID_ROLE ? user_name(c->s) : role_name_of(c->s, d->role, ob, sizeof ob);
        if (!on) continue;
        const char *all = d->type == 'S' ? "rwU" : "arwdDxt";
        /* PostgreSQL stores a default ACL sorted (aclitemsort): by grantee oid, PUBLIC (0)
         * first; a global row holds the owner's own entry too */
        struct item {
            uint32_t grantee;
            char letters[16];
        } items[65];
        int ni = 0;
        bool added = false;
        if (!d->in_schema) {
            items[ni].grantee = d->role;
            snprintf(items[ni++].letters, sizeof items[0].letters, "%s", all);
        }
        for (int k = 0; k < d->ng; k++) {
            int nl = 0;
            char *letters = items[ni].letters;
            for (int bit = 0; bit < SQLPRIV_NBITS; bit++) {
                uint8_t key[SQLROLE_KEY_MAX];
                size_t kl = sqlrole_defacl_key(key, d->role, d->type, d->in_schema, d->grantee[k], bit);
                const uint8_t *val;
                size_t vl;
                uint64_t gen;
                bool g = false;
                if (sx_auth_get(c->s, key, kl, &val, &vl)) sqlrole_flag_decode(val, vl, 'A', &gen, &g, NULL);
                if (g) letters[nl++] = sqlpriv_letter(bit);
            }
            letters[nl] = 0;
            char gb[64];
            if (!nl || (d->grantee[k] != SQLROLE_PUBLIC && !role_name_of(c->s, d->grantee[k], gb, sizeof gb)))
                continue;
            items[ni++].grantee = d->grantee[k];
            added = true;
        }
        if (!added) continue; /* back to the built-in default, or nothing added: no row */
        for (int x = 1; x < ni; x++)
            for (int y = x; y > 0 && items[y - 1].grantee > items[y].grantee; y--) {
                struct item t = items[y];
                items[y] = items[y - 1];
                items[y - 1] = t;
            }
        size_t o = 0;
        d->acl[0] = 0;
        for (int x = 0; x < ni && o < sizeof d->acl; x++) {
            char gb[64];
            const char *gn = items[x].grantee == SQLROLE_PUBLIC ? ""
                             : items[x].grantee == d->role     ? on
                                                               : role_name_of(c->s, items[x].grantee, gb, sizeof gb);
            o += (size_t)snprintf(d->acl + o, sizeof d->acl - o, "%s%s=%s/%s", o ? " " : "", gn ? gn : "",
                                  items[x].letters, on);
        }
        crow r;
        if (row_start(&r, c->t, c->nulls, err)) {
            r.rc = SQL_ERR;
            rc = row_emit(&r, fn, ctx);
            break;
        }
        c_int(&r, "oid", 0x7e000000u | (d->role & 0xffffff) << 2 | (d->type == 'S') << 1 | d->in_schema);
        c_int(&r, "defaclrole", d->role);
        c_int(&r, "defaclnamespace", d->in_schema ? NSP_PUBLIC : 0);
        c_char(&r, "defaclobjtype", d->type);
        c_list(&r, "defaclacl", d->acl);
        if (row_emit(&r, fn, ctx)) rc = SQL_ERR;
    }
    free(rows);
    free(v);
    return rc;
}

/* pg_auth_members: the memberships granted (GRANT role TO role) */
static int rows_auth_members(rctx *c, row_fn fn, void *ctx, sqlerr *err)
{
    sx_authkv *v;
    int n, k = 0;
    if (sx_auth_list(c->s, "member.", &v, &n)) return sqlerr_oom(err);
    uint32_t *pairs = malloc((size_t)(n + 1) * 3 * sizeof *pairs);
    for (int i = 0; pairs && i < n; i++) {
        uint32_t role, member;
        uint64_t gen;
        int g;
        if (!sqlrole_member_key_parse(v[i].k, v[i].kl, &role, &member) &&
            !sqlrole_flag_level(v[i].v, v[i].vl, 'M', &gen, &g, NULL) && g) {
            pairs[3 * k] = role;
            pairs[3 * k + 1] = member;
            pairs[3 * k + 2] = (uint32_t)g;
            k++;
        }
    }
    free(v);
    if (!pairs) return sqlerr_oom(err);
    for (int i = 0; i < k; i++) {
        sqlrole a, b;
        if (!sx_role_by_oid(c->s, pairs[3 * i], &a) || !sx_role_by_oid(c->s, pairs[3 * i + 1], &b)) continue;
        crow r;
        if (row_start(&r, c->t, c->nulls, err)) {
            free(pairs);
            r.rc = SQL_ERR;
            return row_emit(&r, fn, ctx);
        }
        c_int(&r, "roleid", pairs[3 * i]);
        c_int(&r, "member", pairs[3 * i + 1]);
        c_int(&r, "grantor", OID_ROLE);
        c_bool(&r, "admin_option", pairs[3 * i + 2] >= 2);
        if (row_emit(&r, fn, ctx)) {
            free(pairs);
            return SQL_ERR;
        }
    }
    free(pairs);
    return SQL_OK;
}

static int rows_am(rctx *c, row_fn fn, void *ctx, sqlerr *err)
{
    for (size_t i = 0; i < sizeof access_methods / sizeof access_methods[0]; i++) {
        ROW_BEGIN(r, c->t);
        c_int(&r, "oid", access_methods[i].oid);
        c_str(&r, "amname", access_methods[i].name);
        c_reg(&r, "amhandler", support_oid(access_methods[i].handler), access_methods[i].handler);
        c_char(&r, "amtype", access_methods[i].type);
        ROW_END(r);
    }
    return SQL_OK;
}

static int rows_collation(rctx *c, row_fn fn, void *ctx, sqlerr *err)
{
    static const struct {
        uint32_t oid;
        const char *name, *locale;
        char provider;
    } colls[] = {{OID_DEFAULT_COLL, "default", NULL, 'd'}, {OID_C_COLL, "C", "C", 'c'},
                 {951, "POSIX", "POSIX", 'c'}};
    for (size_t i = 0; i < sizeof colls / sizeof colls[0]; i++) {
        ROW_BEGIN(r, c->t);
        c_int(&r, "oid", colls[i].oid);
        c_str(&r, "collname", colls[i].name);
        c_int(&r, "collnamespace", NSP_CATALOG);
        c_int(&r, "collowner", OID_ROLE);
        c_char(&r, "collprovider", colls[i].provider);
        c_bool(&r, "collisdeterministic", true);
        c_int(&r, "collencoding", -1);
        c_str(&r, "collcollate", colls[i].locale);
        c_str(&r, "collctype", colls[i].locale);
        ROW_END(r);
    }
    return SQL_OK;
}

static int proc_row(rctx *c, const cat_proc *p, row_fn fn, void *ctx, sqlerr *err)
{
    const proc_arg_info *pa = proc_args_of(p->oid);
    ROW_BEGIN(r, c->t);
    c_int(&r, "oid", p->oid);
    c_str(&r, "proname", p->name);
    c_int(&r, "pronamespace", NSP_CATALOG);
    c_int(&r, "proowner", OID_ROLE);
    c_int(&r, "prolang", 12); /* internal */
    c_float(&r, "procost", 1);
    c_float(&r, "prorows", p->retset ? 1000 : 0);
    c_int(&r, "provariadic", pa ? pa->variadic : 0);
    c_char(&r, "prokind", p->kind);
    c_bool(&r, "proisstrict", p->strict);
    c_bool(&r, "proretset", p->retset);
    c_char(&r, "provolatile", p->volatility);
    c_char(&r, "proparallel", 's');
    c_int(&r, "pronargs", p->nargs);
    c_int(&r, "pronargdefaults", pa ? pa->ndefaults : 0);
    c_int(&r, "prorettype", p->ret);
    c_list(&r, "proargtypes", p->argtypes);
    if (pa && pa->all) c_list(&r, "proallargtypes", pa->all);
    if (pa && pa->modes) c_list(&r, "proargmodes", pa->modes);
    if (pa && pa->names) c_list(&r, "proargnames", pa->names);
    c_str(&r, "prosrc", p->src);
    ROW_END(r);
    return SQL_OK;
}

static int rows_proc(rctx *c, row_fn fn, void *ctx, sqlerr *err)
{
    for (size_t i = 0; i < sizeof builtin_procs / sizeof builtin_procs[0]; i++)
        if (proc_row(c, &builtin_procs[i], fn, ctx, err)) return SQL_ERR;
    for (size_t i = 0; i < sizeof support_procs / sizeof support_procs[0]; i++) {
        bool dup = false;
        for (size_t k = 0; k < sizeof builtin_procs / sizeof builtin_procs[0] && !dup; k++)
            dup = builtin_procs[k].oid == support_procs[i].oid;
        if (!dup && proc_row(c, &support_procs[i], fn, ctx, err)) return SQL_ERR;
    }
    return SQL_OK;
}

/* The languages built in, and plpgsql (the language of DO blocks, sqldo.h's subset; pg_extension
 * lists it as PostgreSQL does) */
static int rows_language(rctx *c, row_fn fn, void *ctx, sqlerr *err)
{
    static const struct {
        uint32_t oid;
        const char *name;
        bool trusted, pl;
    } langs[] = {{12, "internal", false, false}, {13, "c", false, false}, {14, "sql", true, false},
                 {13563, "plpgsql", true, true}};
    for (size_t i = 0; i < sizeof langs / sizeof langs[0]; i++) {
        ROW_BEGIN(r, c->t);
        c_int(&r, "oid", langs[i].oid);
        c_str(&r, "lanname", langs[i].name);
        c_int(&r, "lanowner", OID_ROLE);
        c_bool(&r, "lanispl", langs[i].pl);
        c_bool(&r, "lanpltrusted", langs[i].trusted);
        ROW_END(r);
    }
    return SQL_OK;
}

static int rows_tablespace(rctx *c, row_fn fn, void *ctx, sqlerr *err)
{
    static const char *const names[] = {"pg_default", "pg_global"};
    for (int i = 0; i < 2; i++) {
        ROW_BEGIN(r, c->t);
        c_int(&r, "oid", OID_TS_DEFAULT + i);
        c_str(&r, "spcname", names[i]);
        c_int(&r, "spcowner", OID_ROLE);
        ROW_END(r);
    }
    return SQL_OK;
}

static int rows_views(rctx *c, row_fn fn, void *ctx, sqlerr *err)
{
    for (int i = 0; i < c->m->ntabs; i++) {
        const sqlschema_table *t = c->m->tabs[i];
        if (!t->view_sql) continue;
        ROW_BEGIN(r, c->t);
        c_str(&r, "schemaname", tschema(c, t));
        c_str(&r, "viewname", t->name);
        char ob[64];
        const char *on = role_name_of(c->s, sx_owner_of(c->s, t->id), ob, sizeof ob);
        c_str(&r, "viewowner", on ? on : user_name(c->s));
        c_viewdef(&r, "definition", c, t);
        ROW_END(r);
    }
    return SQL_OK;
}

static int rows_tables(rctx *c, row_fn fn, void *ctx, sqlerr *err)
{
    for (int i = 0; i < c->m->n; i++) {
        const crel *e = &c->m->v[i];
        if (e->kind != 'r') continue;
        ROW_BEGIN(r, c->t);
        c_str(&r, "schemaname", schema_name(c->m, e->nsp));
        c_str(&r, "tablename", e->name);
        char ob[64];
        const char *on = e->user ? role_name_of(c->s, sx_owner_of(c->s, e->user->id), ob, sizeof ob) : NULL;
        c_str(&r, "tableowner", on ? on : user_name(c->s));
        c_bool(&r, "hasindexes", e->user && has_index(c->m, e->user));
        ROW_END(r);
    }
    return SQL_OK;
}

/* Index e's columns from..to-1 as a list "a, b DESC" (with their options when opts), as
 * ruleutils prints them: DESC implies NULLS FIRST and ASC NULLS LAST, so only the other
 * order is spelled out. */
static int put_index_cols(const crel *e, int from, int to, bool opts, char *buf, size_t cap,
                          size_t *o, sqlerr *err)
{
    for (int k = from; k < to; k++) {
        if (k > from) *o += (size_t)snprintf(buf + *o, *o < cap ? cap - *o : 0, ", ");
        if (e->ix && k < e->ix->ncols && e->ix->expr[k]) {
            /* an expression key as written: a function call bare, anything else in
             * parentheses (ruleutils' rule; its own deparse differs in spacing and casts) */
            const char *x = e->ix->expr[k];
            const sqlschema_column *xc = rel_col(e, k);
            bool call = xc && strcmp(xc->name, "expr") != 0;
            *o += (size_t)snprintf(buf + *o, *o < cap ? cap - *o : 0, call ? "%s" : "(%s)", x);
        } else if (put_ident(buf, cap, o, rel_col(e, k)->name, err)) {
            return SQL_ERR;
        }
        int opt = opts ? index_opt(e, k) : 0;
        bool desc = opt & SQLINDEX_DESC, nulls_first = opt & SQLINDEX_NULLS_FIRST;
        const char *order = desc ? (nulls_first ? " DESC" : " DESC NULLS LAST")
                                 : (nulls_first ? " NULLS FIRST" : "");
        *o += (size_t)snprintf(buf + *o, *o < cap ? cap - *o : 0, "%s", order);
    }
    return SQL_OK;
}

/* pg_get_indexdef: CREATE UNIQUE INDEX t_pkey ON public.t USING btree (a, b DESC) INCLUDE (c).
 * The table is qualified always, or (pretty) only when the search path does not find it, as
 * ruleutils' PRETTYFLAG_SCHEMA does. */
static int index_def(const model *m, const crel *e, bool pretty, char *buf, size_t cap,
                     sqlerr *err)
{
    assert(is_index(e));
    bool unique = e->pkindex || e->ix->unique;
    size_t o = (size_t)snprintf(buf, cap, "CREATE %sINDEX ", unique ? "UNIQUE " : "");
    if (put_ident(buf, cap, &o, e->name, err)) return SQL_ERR;
    o += (size_t)snprintf(buf + o, o < cap ? cap - o : 0, " ON ");
    const crel *t = model_find(m, e->user->id);
    if (pretty && t) {
        char name[SQLSCHEMA_NAME_MAX * 4 + 8];
        if (rel_display(m, t, name, sizeof name, err)) return SQL_ERR;
        o += (size_t)snprintf(buf + o, o < cap ? cap - o : 0, "%s", name);
    } else {
        const char *sn = schema_name(m, t ? t->nsp : NSP_PUBLIC);
        if (put_ident(buf, cap, &o, sn ? sn : "public", err)) return SQL_ERR;
        o += (size_t)snprintf(buf + o, o < cap ? cap - o : 0, ".");
        if (put_ident(buf, cap, &o, e->user->name, err)) return SQL_ERR;
    }
    o += (size_t)snprintf(buf + o, o < cap ? cap - o : 0, " USING %s (",
                          e->ix && e->ix->gin ? "gin" : "btree");
    int nkeys = index_nkeys(e), n = rel_ncols(e);
    if (put_index_cols(e, 0, nkeys, true, buf, cap, &o, err)) return SQL_ERR;
    if (n > nkeys) {
        o += (size_t)snprintf(buf + o, o < cap ? cap - o : 0, ") INCLUDE (");
        if (put_index_cols(e, nkeys, n, false, buf, cap, &o, err)) return SQL_ERR;
    }
    snprintf(buf + o, o < cap ? cap - o : 0, ")");
    return SQL_OK;
}

/* pg_get_constraintdef of a key: PRIMARY KEY (a, b) / UNIQUE (a, b) INCLUDE (c) */
static int constraint_def(const crel *e, char *buf, size_t cap, sqlerr *err)
{
    assert(is_index(e));
    size_t o = (size_t)snprintf(buf, cap, "%s (", e->pkindex ? "PRIMARY KEY" : "UNIQUE");
    int nkeys = index_nkeys(e), n = rel_ncols(e);
    if (put_index_cols(e, 0, nkeys, false, buf, cap, &o, err)) return SQL_ERR;
    if (n > nkeys) {
        o += (size_t)snprintf(buf + o, o < cap ? cap - o : 0, ") INCLUDE (");
        if (put_index_cols(e, nkeys, n, false, buf, cap, &o, err)) return SQL_ERR;
    }
    snprintf(buf + o, o < cap ? cap - o : 0, ")");
    return SQL_OK;
}

/* The index relation behind constraint oid (a primary key or a UNIQUE constraint), or NULL. */
static const crel *constraint_index(const model *m, uint32_t oid)
{
    for (int i = 0; i < m->n; i++) {
        const crel *e = &m->v[i];
        if ((e->pkindex && (e->user->id | PK_CONSTRAINT_BITS) == oid) ||
            (e->ix && e->ix->constraint && (e->oid | UNIQUE_CONSTRAINT_BIT) == oid))
            return e;
    }
    return NULL;
}

/* 64 columns (32 key, 32 INCLUDE), each quoted, with its options */
#define DEF_MAX ((SQLSCHEMA_NAME_MAX * 2 + 24) * (2 * SQLINDEX_MAX_COLUMNS + 2) + 128)

static int rows_indexes(rctx *c, row_fn fn, void *ctx, sqlerr *err)
{
    char def[DEF_MAX];
    for (int i = 0; i < c->m->n; i++) {
        const crel *e = &c->m->v[i];
        if (!is_index(e)) continue;
        if (index_def(c->m, e, false, def, sizeof def, err)) return SQL_ERR;
        ROW_BEGIN(r, c->t);
        c_str(&r, "schemaname", schema_name(c->m, e->nsp));
        c_str(&r, "tablename", e->user->name);
        c_str(&r, "indexname", e->name);
        c_str(&r, "indexdef", def);
        ROW_END(r);
    }
    return SQL_OK;
}

static int rows_stat_user_tables(rctx *c, row_fn fn, void *ctx, sqlerr *err)
{
    for (int i = 0; i < c->m->ntabs; i++) {
        const sqlschema_table *t = c->m->tabs[i];
        if (t->view_sql) continue;
        ROW_BEGIN(r, c->t);
        c_int(&r, "relid", t->id);
        c_str(&r, "schemaname", tschema(c, t));
        c_str(&r, "relname", t->name);
        ROW_END(r);
    }
    return SQL_OK;
}

/* An index being built in this region (storage builds it between commits): its progress in
 * rows, and the session waiting for it (its CREATE INDEX or REINDEX), 0 for a build that
 * came from another region or resumed at start. */
static int rows_progress_create_index(rctx *c, row_fn fn, void *ctx, sqlerr *err)
{
    for (int i = 0; i < c->m->nixs; i++) {
        const sqlindex_def *d = c->m->ixs[i];
        if (sqlindex_reg_state(c->s->x->ixreg, d->oid) != 0) continue;
        uint64_t rows = 0;
        (void)sx_index_ready(c->s, d->oid, &rows);
        ROW_BEGIN(r, c->t);
        c_int(&r, "pid", sx_index_builder_pid(c->s->x, d->oid));
        c_int(&r, "datid", OID_DATABASE);
        c_str(&r, "datname", db_name(c->s));
        c_int(&r, "relid", d->table_id);
        c_int(&r, "index_relid", d->oid);
        c_str(&r, "command", "CREATE INDEX");
        c_str(&r, "phase", "building index: scanning table");
        for (int k = 0; k < 7; k++) {
            static const char *const zero[] = {"lockers_total", "lockers_done", "current_locker_pid",
                                               "blocks_total", "blocks_done", "partitions_total",
                                               "partitions_done"};
            c_int(&r, zero[k], 0);
        }
        c_int(&r, "tuples_total", 0); /* not counted ahead: the build walks the rows once */
        c_int(&r, "tuples_done", (long long)rows);
        ROW_END(r);
    }
    return SQL_OK;
}

static int rows_schemata(rctx *c, row_fn fn, void *ctx, sqlerr *err)
{
    for (size_t i = 0; i < sizeof schemas / sizeof schemas[0]; i++) {
        ROW_BEGIN(r, c->t);
        c_str(&r, "catalog_name", db_name(c->s));
        c_str(&r, "schema_name", schemas[i].name);
        c_str(&r, "schema_owner", user_name(c->s));
        ROW_END(r);
    }
    /* CREATE SCHEMA's: those the role owns or holds a privilege on, as PostgreSQL shows them */
    for (int i = 0; i < c->m->nnsps; i++) {
        const sx_schema *e = &c->m->nsps[i];
        uint32_t me = sx_current_role(c->s);
        if (sx_nsp_builtin(e->oid) ||
            !(sx_has_privs_of(c->s, me, e->owner) || sx_priv_has(c->s, me, e->oid, SQLPRIV_USAGE) ||
              sx_priv_has(c->s, me, e->oid, SQLPRIV_CREATE)))
            continue;
        char nb[64];
        const char *on = role_name_of(c->s, e->owner, nb, sizeof nb);
        ROW_BEGIN(r, c->t);
        c_str(&r, "catalog_name", db_name(c->s));
        c_str(&r, "schema_name", e->name);
        c_str(&r, "schema_owner", on ? on : user_name(c->s));
        ROW_END(r);
    }
    return SQL_OK;
}

static int rows_is_views(rctx *c, row_fn fn, void *ctx, sqlerr *err)
{
    for (int i = 0; i < c->m->ntabs; i++) {
        const sqlschema_table *t = c->m->tabs[i];
        if (!t->view_sql || !is_visible(c, t->id, ANY_TABLE_PRIV, false)) continue;
        static const char *const no[] = {"is_trigger_updatable", "is_trigger_deletable",
                                         "is_trigger_insertable_into"};
        bool upd = sqlrun_view_updatable(t, -1);
        ROW_BEGIN(r, c->t);
        c_str(&r, "table_catalog", db_name(c->s));
        c_str(&r, "table_schema", tschema(c, t));
        c_str(&r, "table_name", t->name);
        c_viewdef(&r, "view_definition", c, t);
        c_str(&r, "check_option", "NONE");
        c_str(&r, "is_updatable", upd ? "YES" : "NO");
        c_str(&r, "is_insertable_into", upd ? "YES" : "NO");
        for (size_t k = 0; k < sizeof no / sizeof no[0]; k++) c_str(&r, no[k], "NO");
        ROW_END(r);
    }
    return SQL_OK;
}

/* A key constraint's index: a primary key, or a UNIQUE constraint's (information_schema lists
 * them) */
static bool is_key_constraint(const crel *e)
{
    return e->pkindex || (e->ix && e->ix->constraint);
}

/* The first words of a table_constraints row */
#define TC_HEAD(r, cname, tname, tsch)                                                             \
    do {                                                                                           \
        c_str(&(r), "constraint_catalog", db_name(c->s));                                          \
        c_str(&(r), "constraint_schema", (tsch));                                                  \
        c_str(&(r), "constraint_name", (cname));                                                   \
        c_str(&(r), "table_catalog", db_name(c->s));                                               \
        c_str(&(r), "table_schema", (tsch));                                                       \
        c_str(&(r), "table_name", (tname));                                                        \
    } while (0)

/* A plain table of the user's (not a view, sequence or catalog) */
static bool user_table(const sqlschema_table *t)
{
    return !t->view_sql && !t->seq;
}

/* The referenced column's position in the key it references (the primary key: pk_pos + 1) */
static int fk_ref_position(const model *m, const sqlschema_fk *f, int j)
{
    const sqlschema_table *p = table_by_id(m, f->ref_table);
    for (int i = 0; p && i < p->ncols; i++)
        if (p->cols[i].id == f->ref_cols[j] && p->cols[i].pk_pos >= 0) return p->cols[i].pk_pos + 1;
    return j + 1;
}

static void check_columns_visit(void *ctx, sqlast_expr *e, int *location)
{
    (void)location;
    struct cc {
        const sqlschema_table *t;
        bool *used;
    } *cc = ctx;
    if (!e || e->kind != SQLAST_COLUMN || !e->name) return;
    for (int j = 0; j < cc->t->ncols; j++)
        if (!strcmp(cc->t->cols[j].name, e->name)) cc->used[j] = true;
}

/* The columns a CHECK expression reads (PostgreSQL finds them through pg_depend): the
 * expression is parsed again and its column references matched to the table's columns.
 * used[j] is set for column j. */
static void check_columns(const sqlschema_table *t, const char *expr, bool *used)
{
    size_t n = strlen(expr) + 32;
    char *q = malloc(n);
    if (!q) return;
    snprintf(q, n, "SELECT (%s)", expr);
    sqlparse_result pr = {0};
    sqlerr e = {0};
    if (!sqlparse_query(q, &pr, &e) && pr.nstmts == 1) {
        struct cc {
            const sqlschema_table *t;
            bool *used;
        } cc = {t, used};
        sqlast_stmt_walk(pr.stmts[0], check_columns_visit, &cc);
    }
    sqlparse_result_free(&pr);
    sqlerr_clear(&e);
    free(q);
}

static int rows_table_constraints(rctx *c, row_fn fn, void *ctx, sqlerr *err)
{
    const unsigned tc_any = ANY_TABLE_PRIV & ~SQLPRIV_SELECT; /* PostgreSQL's list: no SELECT */
    for (int i = 0; i < c->m->n; i++) {
        const crel *e = &c->m->v[i];
        if (!is_key_constraint(e) || !is_visible(c, e->user->id, tc_any, false)) continue;
        ROW_BEGIN(r, c->t);
        c_str(&r, "constraint_catalog", db_name(c->s));
        c_str(&r, "constraint_schema", schema_name(c->m, e->nsp));
        c_str(&r, "constraint_name", e->name);
        c_str(&r, "table_catalog", db_name(c->s));
        c_str(&r, "table_schema", schema_name(c->m, e->nsp));
        c_str(&r, "table_name", e->user->name);
        c_str(&r, "constraint_type", e->pkindex ? "PRIMARY KEY" : "UNIQUE");
        c_str(&r, "is_deferrable", "NO");
        c_str(&r, "initially_deferred", "NO");
        c_str(&r, "enforced", "YES");
        if (e->ix) c_str(&r, "nulls_distinct", "YES"); /* NULL for a primary key */
        ROW_END(r);
    }
    for (int i = 0; i < c->m->ntabs; i++) {
        const sqlschema_table *t = c->m->tabs[i];
        if (!user_table(t) || !is_visible(c, t->id, tc_any, false)) continue;
        for (int f = 0; f < t->nfks; f++) {
            ROW_BEGIN(r, c->t);
            TC_HEAD(r, t->fks[f].name, t->name, tschema(c, t));
            c_str(&r, "constraint_type", "FOREIGN KEY");
            c_str(&r, "is_deferrable", t->fks[f].deferrable ? "YES" : "NO");
            c_str(&r, "initially_deferred", t->fks[f].deferred ? "YES" : "NO");
            c_str(&r, "enforced", "YES");
            ROW_END(r);
        }
        for (int k = 0; k < t->nchecks; k++) {
            ROW_BEGIN(r, c->t);
            TC_HEAD(r, t->checks[k].name, t->name, tschema(c, t));
            c_str(&r, "constraint_type", "CHECK");
            c_str(&r, "is_deferrable", "NO");
            c_str(&r, "initially_deferred", "NO");
            c_str(&r, "enforced", "YES");
            ROW_END(r);
        }
        /* NOT NULL columns, as PostgreSQL 15 lists them: CHECK constraints named
         * <schema oid>_<table oid>_<attnum>_not_null */
        for (int j = 0; j < t->ncols; j++) {
            const sqlschema_column *col = &t->cols[j];
            if (col->hidden || !(col->not_null || col->pk_pos >= 0)) continue;
            char name[64];
            snprintf(name, sizeof name, "%u_%u_%d_not_null", (unsigned)tnsp(c, t), (unsigned)t->id,
                     col_attnum(t, col->id));
            ROW_BEGIN(r, c->t);
            TC_HEAD(r, name, t->name, tschema(c, t));
            c_str(&r, "constraint_type", "CHECK");
            c_str(&r, "is_deferrable", "NO");
            c_str(&r, "initially_deferred", "NO");
            c_str(&r, "enforced", "YES");
            ROW_END(r);
        }
    }
    return SQL_OK;
}

/* information_schema.table_privileges / role_table_grants, column_privileges /
 * role_column_grants: a row per privilege of an acl item (the owner's own included, grantable),
 * shown when its grantor or grantee is a role the current role has the privileges of, or
 * (table_privileges, column_privileges) when it is granted to PUBLIC. Column rows come from the
 * column's grants and from the table's SELECT, INSERT, UPDATE and REFERENCES. */
static int privilege_rows(rctx *c, row_fn fn, void *ctx, bool role_only, bool columns, sqlerr *err)
{
    static const unsigned colbits = SQLPRIV_SELECT | SQLPRIV_INSERT | SQLPRIV_UPDATE | SQLPRIV_REFERENCES;
    uint32_t me = sx_current_role(c->s);
    for (int i = 0; i < c->m->ntabs; i++) {
        const sqlschema_table *t = c->m->tabs[i];
        if (!user_table(t) || t->seq) continue;
        uint32_t owner = sx_owner_of(c->s, t->id);
        sx_aclitem *v;
        int n;
        if (sx_acl_items(c->s, t->id, &v, &n)) return sqlerr_oom(err);
        int ncols = columns ? t->ncols : 1;
        for (int k = 0; k < ncols; k++) {
            const sqlschema_column *col = columns ? &t->cols[k] : NULL;
            if (col && col->hidden) continue;
            /* (grantor, grantee, bit, level), the owner's own first, deduplicated */
            struct pr {
                uint32_t grantor, grantee;
                int bit, level;
            } *rows = malloc((size_t)(n + SQLPRIV_NBITS + 1) * sizeof *rows);
            if (!rows) {
                free(v);
                return sqlerr_oom(err);
            }
            int nr = 0;
            for (int bit = 0; bit < 7; bit++)
                if (!columns || (colbits & (1u << bit))) rows[nr++] = (struct pr){owner, owner, bit, 2};
            for (int j = 0; j < n; j++) {
                if (v[j].level < 1) continue;
                if (columns ? (v[j].col != col->id && v[j].col != -1) || !(colbits & (1u << v[j].bit)) : v[j].col != -1)
                    continue;
                struct pr p = {v[j].grantor ? v[j].grantor : owner, v[j].grantee, v[j].bit, v[j].level};
                bool dup = false;
                for (int q = 0; q < nr && !dup; q++)
                    dup = rows[q].grantor == p.grantor && rows[q].grantee == p.grantee && rows[q].bit == p.bit &&
                          (rows[q].level >= 2) == (p.level >= 2);
                if (!dup) rows[nr++] = p;
            }
            for (int q = 0; q < nr; q++) {
                bool pub = rows[q].grantee == SQLROLE_PUBLIC;
                bool shown = sx_has_privs_of(c->s, me, rows[q].grantor) ||
                             (!pub && sx_has_privs_of(c->s, me, rows[q].grantee)) || (pub && !role_only);
                if (!shown) continue;
                char gb[64], eb[64];
                const char *gn = role_name_of(c->s, rows[q].grantor, gb, sizeof gb);
                const char *en = pub ? "PUBLIC" : role_name_of(c->s, rows[q].grantee, eb, sizeof eb);
                if (!gn && rows[q].grantor == OID_ROLE) gn = user_name(c->s);
                if (!en && rows[q].grantee == OID_ROLE) en = user_name(c->s);
                if (!gn || !en) continue;
                crow r;
                if (row_start(&r, c->t, c->nulls, err)) {
                    free(rows);
                    free(v);
                    r.rc = SQL_ERR;
                    return row_emit(&r, fn, ctx);
                }
                c_str(&r, "grantor", gn);
                c_str(&r, "grantee", en);
                c_str(&r, "table_catalog", db_name(c->s));
                c_str(&r, "table_schema", tschema(c, t));
                c_str(&r, "table_name", t->name);
                if (col) c_str(&r, "column_name", col->name);
                c_str(&r, "privilege_type", sqlpriv_name(rows[q].bit));
                c_str(&r, "is_grantable", rows[q].level >= 2 ? "YES" : "NO");
                if (!columns) c_str(&r, "with_hierarchy", rows[q].bit == 1 ? "YES" : "NO");
                if (row_emit(&r, fn, ctx)) {
                    free(rows);
                    free(v);
                    return SQL_ERR;
                }
            }
            free(rows);
        }
        free(v);
    }
    return SQL_OK;
}

static int rows_table_privileges(rctx *c, row_fn fn, void *ctx, sqlerr *err)
{
    return privilege_rows(c, fn, ctx, false, false, err);
}

static int rows_role_table_grants(rctx *c, row_fn fn, void *ctx, sqlerr *err)
{
    return privilege_rows(c, fn, ctx, true, false, err);
}

static int rows_column_privileges(rctx *c, row_fn fn, void *ctx, sqlerr *err)
{
    return privilege_rows(c, fn, ctx, false, true, err);
}

static int rows_role_column_grants(rctx *c, row_fn fn, void *ctx, sqlerr *err)
{
    return privilege_rows(c, fn, ctx, true, true, err);
}

static int rows_check_constraints(rctx *c, row_fn fn, void *ctx, sqlerr *err)
{
    for (int i = 0; i < c->m->ntabs; i++) {
        const sqlschema_table *t = c->m->tabs[i];
        if (!user_table(t) || !is_visible(c, t->id, 0, true)) continue;
        for (int k = 0; k < t->nchecks; k++) {
            char *clause = NULL;
            size_t n = strlen(t->checks[k].expr) + 3;
            if (!(clause = malloc(n))) return sqlerr_oom(err);
            /* pg_get_constraintdef's text less "CHECK ": HeliosDB keeps the parenthesised
             * expression as written */
            if (t->checks[k].expr[0] == '(') snprintf(clause, n, "%s", t->checks[k].expr);
            else snprintf(clause, n, "(%s)", t->checks[k].expr);
            ROW_BEGIN(r, c->t);
            c_str(&r, "constraint_catalog", db_name(c->s));
            c_str(&r, "constraint_schema", tschema(c, t));
            c_str(&r, "constraint_name", t->checks[k].name);
            c_str(&r, "check_clause", clause);
            free(clause);
            ROW_END(r);
        }
        for (int j = 0; j < t->ncols; j++) {
            const sqlschema_column *col = &t->cols[j];
            if (col->hidden || !(col->not_null || col->pk_pos >= 0)) continue;
            char name[64], clause[SQLSCHEMA_NAME_MAX * 2 + 32];
            snprintf(name, sizeof name, "%u_%u_%d_not_null", (unsigned)tnsp(c, t), (unsigned)t->id,
                     col_attnum(t, col->id));
            /* attname || ' IS NOT NULL': the name is not quoted */
            snprintf(clause, sizeof clause, "%s IS NOT NULL", col->name);
            ROW_BEGIN(r, c->t);
            c_str(&r, "constraint_catalog", db_name(c->s));
            c_str(&r, "constraint_schema", tschema(c, t));
            c_str(&r, "constraint_name", name);
            c_str(&r, "check_clause", clause);
            ROW_END(r);
        }
    }
    return SQL_OK;
}

static int rows_referential_constraints(rctx *c, row_fn fn, void *ctx, sqlerr *err)
{
    for (int i = 0; i < c->m->ntabs; i++) {
        const sqlschema_table *t = c->m->tabs[i];
        if (!user_table(t) || !is_visible(c, t->id, 0, true)) continue;
        for (int f = 0; f < t->nfks; f++) {
            const sqlschema_fk *k = &t->fks[f];
            const sqlschema_table *p = table_by_id(c->m, k->ref_table);
            char uname[SQLSCHEMA_NAME_MAX + 8];
            snprintf(uname, sizeof uname, "%s_pkey", p ? p->name : "?");
            ROW_BEGIN(r, c->t);
            c_str(&r, "constraint_catalog", db_name(c->s));
            c_str(&r, "constraint_schema", tschema(c, t));
            c_str(&r, "constraint_name", k->name);
            c_str(&r, "unique_constraint_catalog", db_name(c->s));
            c_str(&r, "unique_constraint_schema", p ? tschema(c, p) : "public");
            c_str(&r, "unique_constraint_name", uname);
            c_str(&r, "match_option", "NONE");
            c_str(&r, "update_rule", fk_rule(k->on_update));
            c_str(&r, "delete_rule", fk_rule(k->on_delete));
            ROW_END(r);
        }
    }
    return SQL_OK;
}

/* One constraint_column_usage row: column col of table tname used by constraint cname */
static int ccu_row(rctx *c, const char *tsch, const char *tname, const char *col, const char *cname, row_fn fn,
                   void *ctx, sqlerr *err)
{
    ROW_BEGIN(r, c->t);
    c_str(&r, "table_catalog", db_name(c->s));
    c_str(&r, "table_schema", tsch);
    c_str(&r, "table_name", tname);
    c_str(&r, "column_name", col);
    c_str(&r, "constraint_catalog", db_name(c->s));
    c_str(&r, "constraint_schema", tsch);
    c_str(&r, "constraint_name", cname);
    ROW_END(r);
    return SQL_OK;
}

static int rows_constraint_column_usage(rctx *c, row_fn fn, void *ctx, sqlerr *err)
{
    for (int i = 0; i < c->m->n; i++) { /* primary keys and UNIQUE constraints */
        const crel *e = &c->m->v[i];
        if (!is_key_constraint(e) || !is_visible(c, e->user->id, 0, true)) continue;
        for (int k = 0; k < index_nkeys(e); k++)
            if (ccu_row(c, schema_name(c->m, e->nsp), e->user->name, rel_col(e, k)->name, e->name, fn, ctx, err)) return SQL_ERR;
    }
    for (int i = 0; i < c->m->ntabs; i++) {
        const sqlschema_table *t = c->m->tabs[i];
        if (!user_table(t)) continue;
        for (int f = 0; f < t->nfks; f++) { /* a foreign key: the columns it references */
            const sqlschema_fk *k = &t->fks[f];
            const sqlschema_table *p = table_by_id(c->m, k->ref_table);
            if (p && !is_visible(c, p->id, 0, true)) continue;
            for (int j = 0; p && j < p->ncols; j++) {
                bool ref = false;
                for (int x = 0; x < k->ncols; x++) ref |= p->cols[j].id == k->ref_cols[x];
                if (ref && ccu_row(c, tschema(c, p), p->name, p->cols[j].name, k->name, fn, ctx, err)) return SQL_ERR;
            }
        }
        if (!t->nchecks || !is_visible(c, t->id, 0, true)) continue;
        bool *used = calloc((size_t)t->ncols, sizeof *used);
        if (!used) return sqlerr_oom(err);
        for (int k = 0; k < t->nchecks; k++) {
            memset(used, 0, (size_t)t->ncols * sizeof *used);
            check_columns(t, t->checks[k].expr, used);
            for (int j = 0; j < t->ncols; j++)
                if (used[j] && !t->cols[j].hidden &&
                    ccu_row(c, tschema(c, t), t->name, t->cols[j].name, t->checks[k].name, fn, ctx, err)) {
                    free(used);
                    return SQL_ERR;
                }
        }
        free(used);
    }
    return SQL_OK;
}

/* information_schema.tables: every table and view the model has (PostgreSQL lists its
 * catalogs too) */
static int rows_is_tables(rctx *c, row_fn fn, void *ctx, sqlerr *err)
{
    for (int i = 0; i < c->m->n; i++) {
        const crel *e = &c->m->v[i];
        if ((e->kind != 'r' && e->kind != 'v') || !crel_visible(c, e, ANY_TABLE_PRIV, false)) continue;
        bool view = e->kind == 'v';
        ROW_BEGIN(r, c->t);
        c_str(&r, "table_catalog", db_name(c->s));
        c_str(&r, "table_schema", schema_name(c->m, e->nsp));
        c_str(&r, "table_name", e->name);
        c_str(&r, "table_type", view ? "VIEW" : "BASE TABLE");
        c_str(&r, "is_insertable_into",
              !view || (e->user && sqlrun_view_updatable(e->user, -1)) ? "YES" : "NO");
        c_str(&r, "is_typed", "NO");
        ROW_END(r);
    }
    return SQL_OK;
}

/* What information_schema.columns says of a type (PostgreSQL's _pg_char_max_length,
 * _pg_numeric_precision ... over the type and its modifier) */
static void is_type_facts(rctx *c, crow *r, sqlval_type t, int32_t typmod)
{
    if (t == SQLVAL_VARCHAR || t == SQLVAL_TEXT || t == SQLVAL_NAME || t == SQLVAL_CHAR ||
        t == SQLVAL_BPCHAR) {
        if ((t == SQLVAL_VARCHAR || t == SQLVAL_BPCHAR) && typmod >= 4) {
            c_int(r, "character_maximum_length", typmod - 4);
            c_int(r, "character_octet_length", (int64_t)(typmod - 4) * 4);
        } else if (t == SQLVAL_VARCHAR || t == SQLVAL_TEXT || t == SQLVAL_BPCHAR) {
            c_int(r, "character_octet_length", 1073741824);
        }
    }
    int prec = t == SQLVAL_INT2 ? 16 : t == SQLVAL_INT4 ? 32 : t == SQLVAL_INT8 ? 64
             : t == SQLVAL_FLOAT4 ? 24 : t == SQLVAL_FLOAT8 ? 53 : 0;
    if (prec) {
        c_int(r, "numeric_precision", prec);
        c_int(r, "numeric_precision_radix", 2);
        if (sqlval_type_is_integer(t)) c_int(r, "numeric_scale", 0);
    } else if (t == SQLVAL_NUMERIC) {
        c_int(r, "numeric_precision_radix", 10);
        if (typmod >= 4) {
            c_int(r, "numeric_precision", ((typmod - 4) >> 16) & 0xffff);
            c_int(r, "numeric_scale", (int16_t)(((typmod - 4) & 0x7ff) ^ 1024) - 1024);
        }
    }
    if (t == SQLVAL_DATE) c_int(r, "datetime_precision", 0);
    else if (t == SQLVAL_TIME || t == SQLVAL_TIMESTAMP || t == SQLVAL_TIMESTAMPTZ)
        c_int(r, "datetime_precision", typmod >= 0 ? typmod : 6);
    else if (t == SQLVAL_INTERVAL)
        c_int(r, "datetime_precision", typmod >= 0 && (typmod & 0xffff) != 0xffff ? (typmod & 0xffff) : 6);
    (void)c;
}

static int rows_is_columns(rctx *c, row_fn fn, void *ctx, sqlerr *err)
{
    const unsigned col_any = SQLPRIV_SELECT | SQLPRIV_INSERT | SQLPRIV_UPDATE | SQLPRIV_REFERENCES;
    for (int i = 0; i < c->m->n; i++) {
        crel *e = &c->m->v[i];
        if ((e->kind != 'r' && e->kind != 'v') || !crel_visible(c, e, col_any, false)) continue;
        if (e->cat && !e->built && rel_table(e->cat, &e->built, err)) return SQL_ERR;
        for (int k = 0, num = 0; k < rel_ncols(e); k++) {
            const sqlschema_column *col = rel_col(e, k);
            if (col->hidden) continue;
            num++;
            bool user = !e->built;
            uint32_t toid = user ? column_type_oid(col) : sqlval_type_oid(col->type);
            bool domain = toid >= OID_CRDT_TYPES && toid < OID_CRDT_TYPES + (uint32_t)NCRDT;
            uint32_t base = domain ? crdt_types[toid - OID_CRDT_TYPES].as : toid;
            cat_type tmp;
            const cat_type *ty = type_by_oid(base, &tmp);
            int32_t typmod = user ? col->typmod : -1;
            ROW_BEGIN(r, c->t);
            c_str(&r, "table_catalog", db_name(c->s));
            c_str(&r, "table_schema", schema_name(c->m, e->nsp));
            c_str(&r, "table_name", e->name);
            c_str(&r, "column_name", col->name);
            c_int(&r, "ordinal_position", num);
            if (user && (col->has_default || col->default_seq) && !col->identity) {
                char *d = default_text(c->m, col);
                if (!d) r.rc = sqlerr_oom(err);
                else c_str(&r, "column_default", d);
                free(d);
            }
            c_str(&r, "is_nullable", user && (col->not_null || col->pk_pos >= 0) ? "NO" : "YES");
            c_str(&r, "data_type", ty && ty->category == 'A'                ? "ARRAY"
                                   : ty && ty->oid == 1042 ? "character" /* not bpchar */
                                   : ty && ty->typtype != 'e' ? ty->fmt : "USER-DEFINED");
            is_type_facts(c, &r, sqlval_type_from_oid(base), typmod);
            if (domain) {
                c_str(&r, "domain_catalog", db_name(c->s));
                c_str(&r, "domain_schema", "pg_catalog");
                c_str(&r, "domain_name", crdt_types[toid - OID_CRDT_TYPES].name);
            }
            c_str(&r, "udt_catalog", db_name(c->s));
            c_str(&r, "udt_schema", ty && ty->typtype == 'e' ? schema_name(c->m, enum_nsp(c->s, ty->oid)) : "pg_catalog");
            if (ty) c_str(&r, "udt_name", ty->name);
            char dtd[16];
            snprintf(dtd, sizeof dtd, "%d", num);
            c_str(&r, "dtd_identifier", dtd);
            c_str(&r, "is_self_referencing", "NO");
            c_str(&r, "is_identity", user && col->identity ? "YES" : "NO");
            const sqlschema_table *seq = NULL;
            for (int q = 0; user && col->identity && q < c->m->ntabs && !seq; q++)
                if (c->m->tabs[q]->seq && c->m->tabs[q]->id == col->default_seq) seq = c->m->tabs[q];
            if (user && col->identity) {
                c_str(&r, "identity_generation", col->identity == 'a' ? "ALWAYS" : "BY DEFAULT");
                if (seq) {
                    char v[4][24];
                    snprintf(v[0], sizeof v[0], "%lld", (long long)seq->seq->start);
                    snprintf(v[1], sizeof v[1], "%lld", (long long)seq->seq->increment);
                    snprintf(v[2], sizeof v[2], "%lld", (long long)seq->seq->max);
                    snprintf(v[3], sizeof v[3], "%lld", (long long)seq->seq->min);
                    c_str(&r, "identity_start", v[0]);
                    c_str(&r, "identity_increment", v[1]);
                    c_str(&r, "identity_maximum", v[2]);
                    c_str(&r, "identity_minimum", v[3]);
                }
            }
            c_str(&r, "identity_cycle", seq && seq->seq->cycle ? "YES" : "NO");
            c_str(&r, "is_generated", "NEVER");
            bool upd = e->kind == 'r' ? user : e->user && sqlrun_view_updatable(e->user, num - 1);
            c_str(&r, "is_updatable", upd ? "YES" : "NO");
            ROW_END(r);
        }
    }
    return SQL_OK;
}

static int rows_is_sequences(rctx *c, row_fn fn, void *ctx, sqlerr *err)
{
    for (int i = 0; i < c->m->ntabs; i++) {
        const sqlschema_table *t = c->m->tabs[i];
        if (!t->seq || !is_visible(c, t->id, SQLPRIV_SELECT | SQLPRIV_UPDATE | SQLPRIV_USAGE, false)) continue;
        const sqlschema_seq *q = t->seq;
        char v[4][24];
        snprintf(v[0], sizeof v[0], "%lld", (long long)q->start);
        snprintf(v[1], sizeof v[1], "%lld", (long long)q->min);
        snprintf(v[2], sizeof v[2], "%lld", (long long)q->max);
        snprintf(v[3], sizeof v[3], "%lld", (long long)q->increment);
        ROW_BEGIN(r, c->t);
        c_str(&r, "sequence_catalog", db_name(c->s));
        c_str(&r, "sequence_schema", tschema(c, t));
        c_str(&r, "sequence_name", t->name);
        c_str(&r, "data_type", q->type_len == 2 ? "smallint" : q->type_len == 4 ? "integer" : "bigint");
        c_int(&r, "numeric_precision", q->type_len == 2 ? 16 : q->type_len == 4 ? 32 : 64);
        c_int(&r, "numeric_precision_radix", 2);
        c_int(&r, "numeric_scale", 0);
        c_str(&r, "start_value", v[0]);
        c_str(&r, "minimum_value", v[1]);
        c_str(&r, "maximum_value", v[2]);
        c_str(&r, "increment", v[3]);
        c_str(&r, "cycle_option", q->cycle ? "YES" : "NO");
        ROW_END(r);
    }
    return SQL_OK;
}

static int rows_key_column_usage(rctx *c, row_fn fn, void *ctx, sqlerr *err)
{
    const unsigned kcu_any = SQLPRIV_SELECT | SQLPRIV_INSERT | SQLPRIV_UPDATE | SQLPRIV_REFERENCES;
    for (int i = 0; i < c->m->n; i++) {
        const crel *e = &c->m->v[i];
        if (!is_key_constraint(e) || !is_visible(c, e->user->id, kcu_any, false)) continue;
        for (int k = 0; k < index_nkeys(e); k++) { /* INCLUDE columns are not part of the key */
            ROW_BEGIN(r, c->t);
            c_str(&r, "constraint_catalog", db_name(c->s));
            c_str(&r, "constraint_schema", schema_name(c->m, e->nsp));
            c_str(&r, "constraint_name", e->name);
            c_str(&r, "table_catalog", db_name(c->s));
            c_str(&r, "table_schema", schema_name(c->m, e->nsp));
            c_str(&r, "table_name", e->user->name);
            c_str(&r, "column_name", rel_col(e, k)->name);
            c_int(&r, "ordinal_position", k + 1);
            row_col(&r, "position_in_unique_constraint"); /* NULL: a foreign key's only */
            ROW_END(r);
        }
    }
    for (int i = 0; i < c->m->ntabs; i++) { /* foreign keys */
        const sqlschema_table *t = c->m->tabs[i];
        if (!user_table(t) || !is_visible(c, t->id, kcu_any, false)) continue;
        for (int f = 0; f < t->nfks; f++) {
            const sqlschema_fk *k = &t->fks[f];
            for (int j = 0; j < k->ncols; j++) {
                const char *cn = "?";
                for (int x = 0; x < t->ncols; x++)
                    if (t->cols[x].id == k->cols[j]) cn = t->cols[x].name;
                ROW_BEGIN(r, c->t);
                TC_HEAD(r, k->name, t->name, tschema(c, t));
                c_str(&r, "column_name", cn);
                c_int(&r, "ordinal_position", j + 1);
                c_int(&r, "position_in_unique_constraint", fk_ref_position(c->m, k, j));
                ROW_END(r);
            }
        }
    }
    return SQL_OK;
}

/* A view's ON SELECT rule (pg_rewrite): its oid is the view's with this bit set */
#define VIEW_RULE_BIT PK_INDEX_BIT /* a view has no primary key index */

/* pg_rewrite: each view's _RETURN rule, which pg_dump reads to order a view after what it
 * reads (through the rule's pg_depend rows) */
static int rows_rewrite(rctx *c, row_fn fn, void *ctx, sqlerr *err)
{
    for (int i = 0; i < c->m->ntabs; i++) {
        const sqlschema_table *t = c->m->tabs[i];
        if (!t->view_sql) continue;
        ROW_BEGIN(r, c->t);
        c_int(&r, "oid", t->id | VIEW_RULE_BIT);
        c_str(&r, "rulename", "_RETURN");
        c_int(&r, "ev_class", t->id);
        c_char(&r, "ev_type", '1');
        c_char(&r, "ev_enabled", 'O');
        c_bool(&r, "is_instead", true);
        ROW_END(r);
    }
    return SQL_OK;
}

/* pg_depend: what psql and pg_dump read of it, a sequence owned by its column (serial:
 * 'a', identity: 'i'), a view's rule on what the view reads ('n') */
static int rows_depend(rctx *c, row_fn fn, void *ctx, sqlerr *err)
{
    for (int i = 0; i < c->m->ntabs; i++) {
        const sqlschema_table *t = c->m->tabs[i];
        if (!t->view_sql) continue;
        uint32_t ids[64];
        int n = sqlrun_view_reads(c->s, t, ids, 64);
        for (int k = 0; k < n; k++) {
            ROW_BEGIN(r, c->t);
            c_int(&r, "classid", 2618); /* pg_rewrite */
            c_int(&r, "objid", t->id | VIEW_RULE_BIT);
            c_int(&r, "objsubid", 0);
            c_int(&r, "refclassid", 1259);
            c_int(&r, "refobjid", ids[k]);
            c_int(&r, "refobjsubid", 0);
            c_char(&r, "deptype", 'n');
            ROW_END(r);
        }
    }
    for (int i = 0; i < c->m->ntabs; i++) {
        const sqlschema_table *t = c->m->tabs[i];
        if (!t->seq || !t->seq->owner_table) continue;
        const sqlschema_table *o = table_by_id(c->m, t->seq->owner_table);
        if (!o) continue;
        bool ident = false;
        for (int j = 0; j < o->ncols; j++)
            if (o->cols[j].id == t->seq->owner_col && o->cols[j].identity) ident = true;
        ROW_BEGIN(r, c->t);
        c_int(&r, "classid", 1259);
        c_int(&r, "objid", t->id);
        c_int(&r, "objsubid", 0);
        c_int(&r, "refclassid", 1259);
        c_int(&r, "refobjid", o->id);
        c_int(&r, "refobjsubid", col_attnum(o, t->seq->owner_col));
        c_char(&r, "deptype", ident ? 'i' : 'a');
        ROW_END(r);
    }
    /* a serial column's default uses its sequence (deptype 'n'): pg_dump then sets the default
     * after creating the sequence, which is owned by the column */
    uint32_t k = 0;
    for (int i = 0; i < c->m->ntabs; i++) {
        const sqlschema_table *t = c->m->tabs[i];
        for (int j = 0; j < t->ncols; j++) {
            const sqlschema_column *col = &t->cols[j];
            if (!has_attrdef(col)) continue;
            uint32_t oid = OID_ATTRDEF_BASE + k++;
            if (!col->default_seq) continue;
            ROW_BEGIN(r, c->t);
            c_int(&r, "classid", 2604); /* pg_attrdef */
            c_int(&r, "objid", oid);
            c_int(&r, "objsubid", 0);
            c_int(&r, "refclassid", 1259);
            c_int(&r, "refobjid", col->default_seq);
            c_int(&r, "refobjsubid", 0);
            c_char(&r, "deptype", 'n');
            ROW_END(r);
        }
    }
    /* a foreign key depends on the referenced key's index ('n'); a primary key's or UNIQUE
     * constraint's index is its implementation ('i'): DBD::Pg's foreign_key_info joins them */
    for (int i = 0; i < c->m->ntabs; i++) {
        const sqlschema_table *t = c->m->tabs[i];
        for (int f = 0; f < t->nfks; f++) {
            ROW_BEGIN(r, c->t);
            c_int(&r, "classid", 2606);
            c_int(&r, "objid", t->fks[f].oid);
            c_int(&r, "objsubid", 0);
            c_int(&r, "refclassid", 1259);
            c_int(&r, "refobjid", t->fks[f].ref_table | PK_INDEX_BIT);
            c_int(&r, "refobjsubid", 0);
            c_char(&r, "deptype", 'n');
            ROW_END(r);
        }
    }
    for (int i = 0; i < c->m->n; i++) {
        const crel *e = &c->m->v[i];
        if (!is_key_constraint(e)) continue;
        ROW_BEGIN(r, c->t);
        c_int(&r, "classid", 1259);
        c_int(&r, "objid", e->oid);
        c_int(&r, "objsubid", 0);
        c_int(&r, "refclassid", 2606);
        c_int(&r, "refobjid", e->pkindex ? e->user->id | PK_CONSTRAINT_BITS : e->oid | UNIQUE_CONSTRAINT_BIT);
        c_int(&r, "refobjsubid", 0);
        c_char(&r, "deptype", 'i');
        ROW_END(r);
    }
    /* schema helios and its views are members of extension heliosdb (deptype 'e') */
    const char *vs, *vn;
    for (int i = -1; i < 0 || sqlvirt_view(i, &vs, &vn); i++) {
        if (i >= 0 && strcmp(vs, "helios") != 0) continue;
        ROW_BEGIN(r, c->t);
        c_int(&r, "classid", i < 0 ? OID_PG_NAMESPACE : 1259);
        c_int(&r, "objid", i < 0 ? NSP_HELIOS : OID_HELIOS_VIEWS + i);
        c_int(&r, "objsubid", 0);
        c_int(&r, "refclassid", 3079);
        c_int(&r, "refobjid", OID_HELIOS_EXT);
        c_int(&r, "refobjsubid", 0);
        c_char(&r, "deptype", 'e');
        ROW_END(r);
    }
    return SQL_OK;
}

/* pg_extension: "heliosdb", built in (an oid below 16384, so pg_dump leaves it and what it owns
 * out of a dump, as it does plpgsql) */
static int rows_extension(rctx *c, row_fn fn, void *ctx, sqlerr *err)
{
    sx_extension v[8];
    int n = sx_extensions(c->s, v, 8);
    for (int i = 0; i < n; i++) {
        ROW_BEGIN(r, c->t);
        c_int(&r, "oid", v[i].oid);
        c_str(&r, "extname", v[i].name);
        c_int(&r, "extowner", v[i].owner);
        c_int(&r, "extnamespace", v[i].nsp);
        c_bool(&r, "extrelocatable", v[i].relocatable);
        c_str(&r, "extversion", v[i].version);
        ROW_END(r);
    }
    return SQL_OK;
}

/* pg_settings: the session's settings (sqlguc.h), as SHOW ALL lists them */
static int rows_settings(rctx *c, row_fn fn, void *ctx, sqlerr *err)
{
    sqlguc_info gi;
    for (int i = 0; sqlguc_nth(c->s->guc, i, &gi); i++) {
        ROW_BEGIN(r, c->t);
        c_str(&r, "name", gi.name);
        c_str(&r, "setting", gi.setting);
        if (gi.unit) c_str(&r, "unit", gi.unit);
        c_str(&r, "category", gi.category);
        c_str(&r, "short_desc", gi.short_desc);
        c_str(&r, "context", gi.context);
        c_str(&r, "vartype", gi.vartype);
        c_str(&r, "source", gi.source);
        if (gi.min_val) c_str(&r, "min_val", gi.min_val);
        if (gi.max_val) c_str(&r, "max_val", gi.max_val);
        if (gi.enumvals) { /* "a, b, c" */
            sqlval *v = row_col(&r, "enumvals");
            const char *items[32];
            char buf[256];
            size_t n = 0;
            snprintf(buf, sizeof buf, "%s", gi.enumvals);
            for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok && n < 32;
                 tok = strtok_r(NULL, ",", &save))
                items[n++] = tok + (*tok == ' ');
            if (v && r.rc == SQL_OK) r.rc = sqlval_set_array(v, items, n, err);
        }
        if (gi.boot_val) c_str(&r, "boot_val", gi.boot_val);
        if (gi.reset_val) c_str(&r, "reset_val", gi.reset_val);
        c_bool(&r, "pending_restart", false);
        ROW_END(r);
    }
    return SQL_OK;
}

/* pg_sequence: a sequence's parameters (HeliosDB's stride is not shown) */
static int rows_sequence(rctx *c, row_fn fn, void *ctx, sqlerr *err)
{
    for (int i = 0; i < c->m->ntabs; i++) {
        const sqlschema_table *t = c->m->tabs[i];
        if (!t->seq) continue;
        const sqlschema_seq *q = t->seq;
        ROW_BEGIN(r, c->t);
        c_int(&r, "seqrelid", t->id);
        c_int(&r, "seqtypid", q->type_len == 2 ? 21 : q->type_len == 4 ? 23 : 20);
        c_int(&r, "seqstart", q->start);
        c_int(&r, "seqincrement", q->increment);
        c_int(&r, "seqmax", q->max);
        c_int(&r, "seqmin", q->min);
        c_int(&r, "seqcache", q->cache);
        c_bool(&r, "seqcycle", q->cycle);
        ROW_END(r);
    }
    return SQL_OK;
}

static const struct {
    const char *name;
    int (*rows)(rctx *c, row_fn fn, void *ctx, sqlerr *err);
} producers[] = {
    {"pg_sequence", rows_sequence},     {"pg_depend", rows_depend},
    {"pg_rewrite", rows_rewrite},
    {"pg_extension", rows_extension},   {"pg_init_privs", rows_init_privs},
    {"pg_settings", rows_settings},
    {"pg_namespace", rows_namespace},   {"pg_class", rows_class},
    {"pg_enum", rows_enum},
    {"pg_attribute", rows_attribute},   {"pg_type", rows_type},
    {"pg_index", rows_index},           {"pg_constraint", rows_constraint},
    {"pg_attrdef", rows_attrdef},       {"pg_database", rows_database},
    {"pg_roles", rows_role},            {"pg_user", rows_role},
    {"pg_authid", rows_role},           {"pg_am", rows_am},
    {"pg_auth_members", rows_auth_members},
    {"pg_stat_activity", rows_stat_activity},
    {"pg_locks", rows_locks},
    {"pg_prepared_statements", rows_prepared_statements},
    {"pg_default_acl", rows_default_acl},
    {"pg_collation", rows_collation},   {"pg_proc", rows_proc},
    {"pg_tablespace", rows_tablespace}, {"pg_views", rows_views},
    {"pg_language", rows_language},     {"pg_description", rows_description},
    {"pg_tables", rows_tables},         {"pg_indexes", rows_indexes},
    {"pg_stat_user_tables", rows_stat_user_tables},
    {"pg_stat_all_tables", rows_stat_user_tables},
    {"pg_statio_all_tables", rows_stat_user_tables},
    {"pg_statio_user_tables", rows_stat_user_tables},
    {"pg_stat_progress_create_index", rows_progress_create_index},
    {"schemata", rows_schemata},        {"views", rows_is_views},
    {"table_constraints", rows_table_constraints},
    {"key_column_usage", rows_key_column_usage},
    {"constraint_column_usage", rows_constraint_column_usage},
    {"referential_constraints", rows_referential_constraints},
    {"check_constraints", rows_check_constraints},
    {"table_privileges", rows_table_privileges},
    {"role_table_grants", rows_role_table_grants},
    {"column_privileges", rows_column_privileges},
    {"role_column_grants", rows_role_column_grants},
    {"sequences", rows_is_sequences},
    {"tables", rows_is_tables},
    {"columns", rows_is_columns},
};

int sqlcatalog_rows(sx_session *s, const sqlschema_table *t, row_fn fn, void *ctx, sqlerr *err)
{
    const cat_rel *rel = NULL;
    /* by name and first column: helios.tables is not information_schema.tables */
    for (size_t i = 0; i < sizeof rels / sizeof rels[0] && !rel; i++)
        if (!strcmp(rels[i].name, t->name) && t->ncols > 0 &&
            !strncmp(rels[i].cols, t->cols[0].name, strlen(t->cols[0].name)) &&
            (rels[i].cols[strlen(t->cols[0].name)] == ' ' || !rels[i].cols[strlen(t->cols[0].name)]))
            rel = &rels[i];
    if (!rel) return SQLCATALOG_NOT_MINE;
    for (size_t i = 0; i < sizeof producers / sizeof producers[0]; i++) {
        if (strcmp(producers[i].name, t->name)) continue;
        model m = {0};
        if (model_build(s, &m, err)) return SQL_ERR;
        rctx c = {.s = s, .m = &m, .t = t, .nulls = !strcmp(rel->schema, "information_schema")};
        int rc = producers[i].rows(&c, fn, ctx, err);
        model_free(&m);
        return rc;
    }
    return SQL_OK; /* a relation HeliosDB has nothing for: empty */
}

/* ---- functions ---------------------------------------------------------------------------- */

typedef struct cat_fn {
    const char *name;
    /* parameters, one letter each (PostgreSQL's types, as far as implicit casts go):
     * o oid (integers, oid, reg*, an untyped literal), R regclass or text (an untyped literal
     * is the text variant's), i integer, t text, b boolean, x boolean or integer, * anything;
     * the letters after '|' are optional */
    const char *params;
    sqlval_type ret;
} cat_fn;

static const cat_fn functions[] = {
    {"format_type", "oi", SQLVAL_TEXT},
    {"pg_get_userbyid", "o", SQLVAL_NAME},
    {"pg_tablespace_location", "o", SQLVAL_TEXT},
    {"acldefault", "co", SQLVAL_TEXTARRAY},
    {"pg_table_is_visible", "o", SQLVAL_BOOL},
    {"pg_partition_ancestors", "o", SQLVAL_REGCLASS},
    {"pg_get_serial_sequence", "tt", SQLVAL_TEXT},
    {"pg_type_is_visible", "o", SQLVAL_BOOL},
    {"pg_function_is_visible", "o", SQLVAL_BOOL},
    {"pg_get_expr", "to|b", SQLVAL_TEXT},
    {"pg_get_indexdef", "o|ib", SQLVAL_TEXT},
    {"pg_get_constraintdef", "o|b", SQLVAL_TEXT},
    {"pg_get_viewdef", "R|x", SQLVAL_TEXT},
    {"pg_get_triggerdef", "o|b", SQLVAL_TEXT},
    {"pg_get_ruledef", "o|b", SQLVAL_TEXT},
    {"obj_description", "o|t", SQLVAL_TEXT},
    {"col_description", "oi", SQLVAL_TEXT},
    {"shobj_description", "ot", SQLVAL_TEXT},
    {"has_table_privilege", "RR|t", SQLVAL_BOOL},
    {"has_column_privilege", "RRR|t", SQLVAL_BOOL},
    {"has_any_column_privilege", "RR|t", SQLVAL_BOOL},
    {"pg_has_role", "RR|t", SQLVAL_BOOL},
    {"has_sequence_privilege", "RR|t", SQLVAL_BOOL},
    {"has_schema_privilege", "RR|t", SQLVAL_BOOL},
    {"has_database_privilege", "RR|t", SQLVAL_BOOL},
    {"pg_relation_is_publishable", "o", SQLVAL_BOOL},
    {"current_schemas", "b", SQLVAL_TEXTARRAY},
    {"pg_get_statisticsobjdef_columns", "o", SQLVAL_TEXT},
    {"pg_relation_size", "o|t", SQLVAL_INT8},
    {"pg_total_relation_size", "o", SQLVAL_INT8},
    {"pg_table_size", "o", SQLVAL_INT8},
    {"pg_indexes_size", "o", SQLVAL_INT8},
    {"pg_database_size", "R", SQLVAL_INT8},
    {"pg_get_function_result", "o", SQLVAL_TEXT},
    {"pg_get_function_arguments", "o", SQLVAL_TEXT},
    {"pg_get_function_identity_arguments", "o", SQLVAL_TEXT},
    {"to_regclass", "t", SQLVAL_REGCLASS},
    {"to_regtype", "t", SQLVAL_REGTYPE},
    {"to_regproc", "t", SQLVAL_REGPROC},
    {"to_regnamespace", "t", SQLVAL_REGNAMESPACE},
    {"to_regrole", "t", SQLVAL_REGROLE},
    /* arr[i] (sqlparse.c): an element of a catalog array, untyped so it meets an int2 or an
     * oid as a literal would (the arrays hold text, sqlcatalog.h) */
    {"[]", "*i", SQLVAL_UNKNOWN},
};

static bool param_ok(char p, sqlval_type t)
{
    bool unknown = t == SQLVAL_UNKNOWN, oid = sqlval_type_is_integer(t) || sqlval_type_is_reg(t);
    switch (p) {
    case 'o': return unknown || oid;
    case 'R': return unknown || oid || sqlval_type_is_text(t);
    case 'i': return unknown || sqlval_type_is_integer(t);
    case 't': return sqlval_type_is_text(t);
    case 'c': return unknown || t == SQLVAL_CHAR || sqlval_type_is_text(t);
    case 'b': return unknown || t == SQLVAL_BOOL;
    case 'x': return unknown || t == SQLVAL_BOOL || sqlval_type_is_integer(t);
    case '*': return t == SQLVAL_TEXTARRAY || t == SQLVAL_NAME || unknown;
    default: return false;
    }
}

int sqlcatalog_func_resolve(const char *name, const sqlval_type *args, int nargs,
                            sqlval_type *ret)
{
    for (size_t i = 0; i < sizeof functions / sizeof functions[0]; i++) {
        const cat_fn *f = &functions[i];
        if (strcmp(f->name, name)) continue;
        const char *p = f->params;
        int k = 0;
        bool optional = false;
        for (; *p && k <= nargs; p++) {
            if (*p == '|') {
                optional = true;
                continue;
            }
            if (k == nargs) break;
            if (!param_ok(*p, args[k])) return 0;
            k++;
        }
        if (k < nargs || (*p && *p != '|' && !optional)) return 0;
        *ret = f->ret;
        return 1;
    }
    return 0;
}

bool sqlcatalog_converts_literals(const char *fn)
{
    return strncmp(fn, "has_", 4) && strcmp(fn, "pg_get_viewdef");
}

static int set_text(sqlval *out, const char *s, sqlerr *err)
{
    return sqlval_set_str(out, SQLVAL_TEXT, s, strlen(s), err);
}

/* An oid argument: an oid / reg* / integer value, or an untyped literal holding a number. */
static int arg_oid(const sqlval *v, uint32_t *oid, sqlerr *err)
{
    if (sqlval_type_is_text(v->type)) {
        sqlval o;
        if (sqlval_from_text(SQLVAL_OID, v->s, v->len, &o, err)) return SQL_ERR;
        *oid = (uint32_t)o.u.i;
        return SQL_OK;
    }
    if (v->u.i < 0 || v->u.i > UINT32_MAX)
        return sqlerr_set(err, SQLSTATE_NUMERIC_VALUE_OUT_OF_RANGE, -1, "OID out of range");
    *oid = (uint32_t)v->u.i;
    return SQL_OK;
}

static int arg_int(const sqlval *v, int64_t *n, sqlerr *err)
{
    if (sqlval_type_is_text(v->type)) {
        sqlval o;
        if (sqlval_from_text(SQLVAL_INT4, v->s, v->len, &o, err)) return SQL_ERR;
        *n = o.u.i;
        return SQL_OK;
    }
    if (v->type == SQLVAL_BOOL) return sqlerr_set(err, SQLSTATE_UNDEFINED_FUNCTION, -1, "function argument of type boolean where integer is expected");
    *n = v->u.i;
    return SQL_OK;
}

/* A boolean argument (pretty): a boolean, or an untyped literal read as one. */
static int arg_bool(const sqlval *v, bool *b, sqlerr *err)
{
    if (sqlval_type_is_text(v->type) || v->type == SQLVAL_UNKNOWN) {
        sqlval o;
        if (sqlval_from_text(SQLVAL_BOOL, v->s, v->len, &o, err)) return SQL_ERR;
        *b = o.u.b;
        return SQL_OK;
    }
    *b = v->type == SQLVAL_BOOL && v->u.b;
    return SQL_OK;
}

/* format_type(type, typmod): PostgreSQL's SQL spelling, with the modifier of varchar, bpchar
 * and numeric; an unknown oid prints "???". */
/* PostgreSQL's format_type_be: format_type(oid, NULL), which differs from the typmod -1 form
 * (cat_type.fmt) for bpchar alone */
static const char *type_be(const cat_type *ty)
{
    return !ty ? "???" : ty->oid == 1042 ? "character" : ty->fmt;
}

/* An enum type's name as format_type and regtype show it: qualified when search_path would
 * not find it by its name alone. 1 when oid is an enum type (buf set), else 0. */
static int enum_display(sx_session *s, const model *m, uint32_t oid, char *buf, size_t cap)
{
    sx_enumtype et;
    if (!s || !sx_enum_by_oid(s, oid, &et)) return 0;
    uint32_t found = 0;
    size_t o = 0;
    sqlerr e;
    if (!sx_enum_find(s, et.name, &found, NULL) || found != oid) {
        const char *sn = schema_name(m, et.nsp);
        if (put_ident(buf, cap, &o, sn ? sn : "public", &e)) return 0;
        o += (size_t)snprintf(buf + o, o < cap ? cap - o : 0, ".");
    }
    return put_ident(buf, cap, &o, et.name, &e) ? 0 : 1;
}

static int format_type(sx_session *s, const model *m, const sqlval *a, sqlval *out, sqlerr *err)
{
    uint32_t oid;
    if (a[0].isnull) {
        sqlval_init_null(out, SQLVAL_TEXT);
        return SQL_OK;
    }
    if (arg_oid(&a[0], &oid, err)) return SQL_ERR;
    int64_t mod = -1;
    if (!a[1].isnull && arg_int(&a[1], &mod, err)) return SQL_ERR;
    cat_type tmp;
    const cat_type *ty = type_by_oid(oid, &tmp);
    if (!ty) return set_text(out, "???", err);
    char buf[128];
    if (mod >= 4 && (oid == 1043 || oid == 1042))
        snprintf(buf, sizeof buf, "%s(%lld)", oid == 1043 ? "character varying" : "character",
                 (long long)(mod - 4));
    else if (mod >= 4 && oid == 1700)
        snprintf(buf, sizeof buf, "numeric(%lld,%lld)", (long long)(((mod - 4) >> 16) & 0xffff),
                 (long long)(((((mod - 4) & 0x7ff) ^ 1024) - 1024)));
    else if (mod >= 0 && mod <= 6 && oid == 1184)
        snprintf(buf, sizeof buf, "timestamp(%lld) with time zone", (long long)mod);
    else if (mod >= 0 && mod <= 6 && oid == 1114)
        snprintf(buf, sizeof buf, "timestamp(%lld) without time zone", (long long)mod);
    else if (mod >= 0 && mod <= 6 && oid == 1083)
        snprintf(buf, sizeof buf, "time(%lld) without time zone", (long long)mod);
    else if (ty->typtype == 'e' && enum_display(s, m, oid, buf, sizeof buf))
        ;
    else
        snprintf(buf, sizeof buf, "%s", a[1].isnull ? type_be(ty) : ty->fmt);
    return set_text(out, buf, err);
}

/* PostgreSQL's print_function_arguments: every argument (OUT ones too) with its mode, name
 * and type, DEFAULTs when asked for; an ordered-set aggregate prints ORDER BY before its
 * aggregated argument, a hypothetical-set one (rank, dense_rank) its one direct argument again
 * after ORDER BY. */
static void function_arguments(const cat_proc *p, bool defaults, char *buf, size_t cap)
{
    const proc_arg_info *pa = proc_args_of(p->oid);
    char types[256], modes[64], names[256], defs[256];
    snprintf(types, sizeof types, "%s", pa && pa->all ? pa->all : p->argtypes);
    snprintf(modes, sizeof modes, "%s", pa && pa->modes ? pa->modes : "");
    snprintf(names, sizeof names, "%s", pa && pa->names ? pa->names : "");
    snprintf(defs, sizeof defs, "%s", pa && pa->defaults ? pa->defaults : "");
    char *tv[SQLFUNC_MAX_ARGS], *mv[SQLFUNC_MAX_ARGS], *nv[SQLFUNC_MAX_ARGS], *dv[SQLFUNC_MAX_ARGS];
    int nt = 0, nm = 0, nn = 0, nd = 0;
    for (char *sv = NULL, *t = strtok_r(types, " ", &sv); t && nt < SQLFUNC_MAX_ARGS; t = strtok_r(NULL, " ", &sv)) tv[nt++] = t;
    for (char *sv = NULL, *t = strtok_r(modes, " ", &sv); t && nm < SQLFUNC_MAX_ARGS; t = strtok_r(NULL, " ", &sv)) mv[nm++] = t;
    for (char *sv = NULL, *t = strtok_r(names, " ", &sv); t && nn < SQLFUNC_MAX_ARGS; t = strtok_r(NULL, " ", &sv)) nv[nn++] = t;
    for (char *sv = NULL, *t = strtok_r(defs, "|", &sv); t && nd < SQLFUNC_MAX_ARGS; t = strtok_r(NULL, "|", &sv)) dv[nd++] = t;
    /* aggnumdirectargs: the hypothetical-set aggregates (rank, dense_rank) and the ordered-set
     * ones (percentile_cont / percentile_disc: 1, mode: 0) */
    bool ordered_set = p->oid == 3972 || p->oid == 3974 || p->oid == 3976 || p->oid == 3978 ||
                       p->oid == 3980 || p->oid == 3982;
    int order_by_at = p->oid == 3986 || p->oid == 3992 || ordered_set ? 1 : p->oid == 3984 ? 0 : -1;
    int lack_defaults = defaults && pa && pa->ndefaults ? p->nargs - pa->ndefaults : nt;
    size_t o = 0;
    int printed = 0, inputno = 0;
    buf[0] = 0;
    for (int i = 0; i < nt; i++) {
        char m = i < nm ? mv[i][0] : 'i';
        const char *mode = m == 'o' ? "OUT " : m == 'b' ? "INOUT " : m == 'v' ? "VARIADIC " : "";
        bool input = m != 'o' && m != 't';
        if (input) inputno++;
        if (m == 't') continue;
        const char *sep = printed == order_by_at ? (printed ? " ORDER BY " : "ORDER BY ") : printed ? ", " : "";
        cat_type tmp;
        const cat_type *ty = type_by_oid((uint32_t)strtoul(tv[i], NULL, 10), &tmp);
        const char *name = i < nn && strcmp(nv[i], "-") ? nv[i] : NULL;
        o += (size_t)snprintf(buf + o, o < cap ? cap - o : 0, "%s%s%s%s%s", sep, mode, name ? name : "",
                              name ? " " : "", type_be(ty));
        if (defaults && input && inputno > lack_defaults && inputno - lack_defaults - 1 < nd)
            o += (size_t)snprintf(buf + o, o < cap ? cap - o : 0, " DEFAULT %s", dv[inputno - lack_defaults - 1]);
        printed++;
        if (printed == order_by_at && i == nt - 1 && !ordered_set) i--; /* the last argument again */
    }
    if (o >= cap && cap) buf[cap - 1] = 0;
}

static const cat_proc *proc_by_oid(uint32_t oid)
{
    for (size_t i = 0; i < sizeof builtin_procs / sizeof builtin_procs[0]; i++)
        if (builtin_procs[i].oid == oid) return &builtin_procs[i];
    for (size_t i = 0; i < sizeof support_procs / sizeof support_procs[0]; i++)
        if (support_procs[i].oid == oid) return &support_procs[i];
    return NULL;
}

/* "::": text or an oid to a reg* type. */
static int reg_cast(sx_session *s, const model *m, const sqlval *v, sqlval_type to, sqlval *out,
                    sqlerr *err)
{
    char buf[DEF_MAX];
    if (!sqlval_type_is_text(v->type)) {
        uint32_t oid;
        if (arg_oid(v, &oid, err)) return SQL_ERR;
        const char *name = NULL;
        cat_type tmp;
        if (to == SQLVAL_REGCLASS) {
            const crel *c = model_find(m, oid);
            if (c && rel_display(m, c, buf, sizeof buf, err)) return SQL_ERR;
            if (c) name = buf;
        } else if (to == SQLVAL_REGTYPE) {
            const cat_type *ty = type_by_oid(oid, &tmp);
            if (ty) name = ty->typtype == 'e' && enum_display(s, m, oid, buf, sizeof buf) ? buf : ty->fmt;
        } else if (to == SQLVAL_REGNAMESPACE) {
            name = schema_name(m, oid);
        } else if (to == SQLVAL_REGROLE) { /* regroleout: quoted as an identifier */
            char nb[64];
            const char *rn = role_name_of(s, oid, nb, sizeof nb);
            if (!rn && oid == OID_ROLE) rn = user_name(s);
            size_t o = 0;
            if (rn && put_ident(buf, sizeof buf, &o, rn, err)) return SQL_ERR;
            if (rn) name = buf;
        } else {
            const cat_proc *p = proc_by_oid(oid);
            if (p) name = p->name;
            for (size_t i = 0; !name && i < sizeof support_procs / sizeof support_procs[0]; i++)
                if (support_procs[i].oid == oid) name = support_procs[i].name;
        }
        return sqlval_set_reg(out, to, oid, name, err);
    }
    const char *txt = v->s ? v->s : "";
    size_t len = v->len;
    while (len && isspace((unsigned char)*txt)) txt++, len--;
    while (len && isspace((unsigned char)txt[len - 1])) len--;
    if (len && len < 12 && strspn(txt, "0123456789") == len) {
        sqlval num;
        if (sqlval_from_text(SQLVAL_OID, txt, len, &num, err)) return SQL_ERR;
        return reg_cast(s, m, &num, to, out, err);
    }
    if (len == 1 && txt[0] == '-') return sqlval_set_reg(out, to, 0, NULL, err);
    int shown = len > 200 ? 200 : (int)len;
    if (to == SQLVAL_REGROLE) { /* regrolein: one name, quoted or folded to lower case */
        char rp[4][SQLSCHEMA_NAME_MAX + 1];
        int rn = split_name(txt, len, rp);
        if (rn != 1) return sqlerr_set(err, SQLSTATE_INVALID_NAME, -1, "invalid name syntax");
        sqlrole r;
        if (!sx_role_lookup(s, rp[0], &r))
            return sqlerr_set(err, SQLSTATE_UNDEFINED_OBJECT, -1, "role \"%s\" does not exist", rp[0]);
        sqlval num;
        sqlval_init_null(&num, SQLVAL_OID);
        num.isnull = false;
        num.u.i = r.oid;
        return reg_cast(s, m, &num, to, out, err);
    }
    if (to == SQLVAL_REGTYPE) {
        /* type names have spaces and [] (character varying, integer[]) */
        char name[SQLSCHEMA_NAME_MAX * 2 + 8];
        snprintf(name, sizeof name, "%.*s", shown, txt);
        const char *n = !strncmp(name, "pg_catalog.", 11) ? name + 11 : name;
        cat_type tmp;
        const cat_type *ty = type_by_name(n, &tmp);
        uint32_t eoid;
        char ekey[SQLSCHEMA_NAME_MAX * 4 + 4]; /* an enum type, maybe with its schema */
        if (!ty && !sx_regclass_key(n, ekey, sizeof ekey) && sx_enum_find(s, ekey, &eoid, NULL))
            ty = type_by_oid(eoid, &tmp);
        if (!ty && memchr(txt, '"', len)) { /* "pg_catalog"."int4", "int4" */
            char tp[4][SQLSCHEMA_NAME_MAX + 1];
            int tn = split_name(txt, len, tp);
            if (tn == 1 || (tn == 2 && !strcmp(tp[0], "pg_catalog"))) ty = type_by_name(tp[tn - 1], &tmp);
            if (!ty && (tn == 1 || tn == 2)) /* named as PostgreSQL names it: unquoted */
                return sqlerr_set(err, SQLSTATE_UNDEFINED_OBJECT, -1, "type \"%s%s%s\" does not exist",
                                  tn == 2 ? tp[0] : "", tn == 2 ? "." : "", tp[tn - 1]);
        }
        if (!ty)
            return sqlerr_set(err, SQLSTATE_UNDEFINED_OBJECT, -1, "type \"%.*s\" does not exist", shown, txt);
        char eb[SQLSCHEMA_NAME_MAX * 4 + 8];
        if (ty->typtype == 'e' && enum_display(s, m, ty->oid, eb, sizeof eb))
            return sqlval_set_reg(out, to, ty->oid, eb, err);
        return sqlval_set_reg(out, to, ty->oid, ty->fmt, err);
    }
    char parts[4][SQLSCHEMA_NAME_MAX + 1];
    int np = split_name(txt, len, parts);
    if (np < 0) return sqlerr_set(err, SQLSTATE_INVALID_NAME, -1, "invalid name syntax");
    /* db.schema.name: the current database's name is allowed, as PostgreSQL allows it */
    if (np == 3 && to != SQLVAL_REGNAMESPACE && strcmp(parts[0], db_name(s)))
        return sqlerr_set(err, SQLSTATE_FEATURE_NOT_SUPPORTED, -1, "cross-database references are not implemented: \"%.*s\"",
                          shown, txt);
    if (np == 3 && to != SQLVAL_REGNAMESPACE) {
        memmove(parts[0], parts[1], sizeof parts[0]);
        memmove(parts[1], parts[2], sizeof parts[1]);
        np = 2;
    }
    if (np > 3 || (np > 1 && to == SQLVAL_REGNAMESPACE))
        return sqlerr_set(err, SQLSTATE_SYNTAX_ERROR, -1, "improper qualified name (too many dotted names): %.*s",
                          shown, txt);
    const char *schema = np == 2 ? parts[0] : NULL, *name = parts[np - 1];
    if (to == SQLVAL_REGNAMESPACE) {
        uint32_t nsp = schema_oid(m, name);
        if (nsp) return sqlval_set_reg(out, to, nsp, name, err);
        return sqlerr_set(err, SQLSTATE_INVALID_SCHEMA_NAME, -1, "schema \"%s\" does not exist", name);
    }
    if (to == SQLVAL_REGPROC) {
        const cat_proc *found = NULL;
        if (schema && strcmp(schema, "pg_catalog"))
            return sqlerr_set(err, SQLSTATE_UNDEFINED_FUNCTION, -1, "function \"%.*s\" does not exist", shown, txt);
        for (size_t i = 0; i < sizeof builtin_procs / sizeof builtin_procs[0]; i++) {
            if (strcmp(builtin_procs[i].name, name)) continue;
            if (found)
                return sqlerr_set(err, SQLSTATE_AMBIGUOUS_FUNCTION, -1, "more than one function named \"%.*s\"",
                                  shown, txt);
            found = &builtin_procs[i];
        }
        uint32_t soid = found ? 0 : support_oid(name);
        if (soid) return sqlval_set_reg(out, to, soid, name, err);
        if (!found)
            return sqlerr_set(err, SQLSTATE_UNDEFINED_FUNCTION, -1, "function \"%.*s\" does not exist", shown, txt);
        return sqlval_set_reg(out, to, found->oid, found->name, err);
    }
    if (schema) {
        bool known = schema_oid(m, schema) != 0;
        if (!known) return sqlerr_set(err, SQLSTATE_INVALID_SCHEMA_NAME, -1, "schema \"%s\" does not exist", schema);
    }
    const crel *c = rel_by_name(m, schema, name);
    if (!c)
        return sqlerr_set(err, SQLSTATE_UNDEFINED_TABLE, -1, "relation \"%s%s%s\" does not exist",
                          schema ? schema : "", schema ? "." : "", name);
    if (rel_display(m, c, buf, sizeof buf, err)) return SQL_ERR;
    return sqlval_set_reg(out, to, c->oid, buf, err);
}

/* A relation argument: an oid, or a name (text: has_table_privilege('t', 'SELECT')). */
static int arg_rel(const model *m, const sqlval *v, const crel **c, sqlerr *err)
{
    if (sqlval_type_is_text(v->type)) { /* the text variant wins for an untyped literal */
        sqlval r;
        if (reg_cast(NULL, m, v, SQLVAL_REGCLASS, &r, err)) return SQL_ERR;
        *c = model_find(m, (uint32_t)r.u.i);
        sqlval_free(&r);
        return SQL_OK;
    }
    uint32_t oid;
    if (arg_oid(v, &oid, err)) return SQL_ERR;
    *c = model_find(m, oid);
    return SQL_OK;
}

/* has_*_privilege(...privilege): the names PostgreSQL knows for the object kind, comma
 * separated, each optionally WITH GRANT OPTION. */
static int check_privileges(const sqlval *v, const char *const *known, sqlerr *err)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%.*s", (int)(v->len < 255 ? v->len : 255), v->s ? v->s : "");
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        while (isspace((unsigned char)*tok)) tok++;
        size_t n = strlen(tok);
        while (n && isspace((unsigned char)tok[n - 1])) tok[--n] = 0;
        const char *wg = " WITH GRANT OPTION";
        if (n > strlen(wg) && !strcasecmp(tok + n - strlen(wg), wg)) tok[n - strlen(wg)] = 0;
        bool ok = false;
        for (int i = 0; known[i] && !ok; i++) ok = !strcasecmp(tok, known[i]);
        if (!ok) return sqlerr_set(err, SQLSTATE_INVALID_PARAMETER_VALUE, -1, "unrecognized privilege type: \"%s\"", tok);
    }
    return SQL_OK;
}

static int privilege(sx_session *s, const model *m, const char *fn, const sqlval *a, int n,
                     sqlval *out, sqlerr *err)
{
    static const char *const table_privs[] = {"SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE",
                                              "REFERENCES", "TRIGGER", NULL};
    static const char *const schema_privs[] = {"CREATE", "USAGE", NULL};
    static const char *const db_privs[] = {"CREATE", "CONNECT", "TEMPORARY", "TEMP", NULL};
    static const char *const seq_privs[] = {"USAGE", "SELECT", "UPDATE", NULL};
    for (int i = 0; i < n; i++)
        if (a[i].isnull) {
            sqlval_init_null(out, SQLVAL_BOOL);
            return SQL_OK;
        }
    const sqlval *obj = &a[n - 2], *priv = &a[n - 1];
    uint32_t role = sx_current_role(s);
    if (n == (strcmp(fn, "has_column_privilege") ? 3 : 4)) { /* a role, by name or oid */
        sqlrole ro;
        if (sqlval_type_is_text(a[0].type)) {
            if (!strcasecmp(a[0].s, "public")) role = 0xfffffff0u; /* PUBLIC: what everyone has */
            else if (!sx_role_lookup(s, a[0].s, &ro))
                return sqlerr_set(err, SQLSTATE_UNDEFINED_OBJECT, -1, "role \"%s\" does not exist", a[0].s);
            else role = ro.oid;
        } else {
            uint32_t oid;
            if (arg_oid(&a[0], &oid, err)) return SQL_ERR;
            if (!sx_role_by_oid(s, oid, &ro)) {
                sqlval_init_null(out, SQLVAL_BOOL);
                return SQL_OK;
            }
            role = oid;
        }
    }
    unsigned mask = 0, gomask = 0; /* gomask: the ones asked WITH GRANT OPTION */
    {
        char buf[256];
        snprintf(buf, sizeof buf, "%.*s", (int)(priv->len < 255 ? priv->len : 255), priv->s ? priv->s : "");
        for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
            while (isspace((unsigned char)*tok)) tok++;
            char *sp = strpbrk(tok, " \t");
            bool go = sp && strcasestr(sp, "grant option");
            if (sp) *sp = 0;
            unsigned b = sqlpriv_parse(!strcasecmp(tok, "TEMP") || !strcasecmp(tok, "TEMPORARY") ||
                                       !strcasecmp(tok, "CONNECT") ? "CREATE" : tok);
            mask |= b;
            if (go) gomask |= b;
        }
    }
    const sqlval *colarg = NULL;
    if (!strcmp(fn, "has_column_privilege")) { /* ([role,] table, column, privilege) */
        colarg = &a[n - 2];
        obj = &a[n - 3];
    }
    uint32_t objid = 0;
    bool catalog = false;
    if (!sqlval_type_is_text(priv->type))
        return sqlerr_set(err, SQLSTATE_UNDEFINED_FUNCTION, -1, "function %s does not exist", fn);
    bool exists = true;
    int colid = -1;
    if (colarg || !strcmp(fn, "has_any_column_privilege")) {
        static const char *const col_privs[] = {"SELECT", "INSERT", "UPDATE", "REFERENCES", NULL};
        if (check_privileges(priv, col_privs, err)) return SQL_ERR;
        const crel *c;
        if (arg_rel(m, obj, &c, err)) return SQL_ERR;
        if (!c) {
            sqlval_init_null(out, SQLVAL_BOOL);
            return SQL_OK;
        }
        if (!c->user) {
            sqlval_set_bool(out, true); /* the catalogs: readable by everyone */
            return SQL_OK;
        }
        const sqlschema_table *t = c->user;
        if (colarg) {
            int ci = -1;
            if (sqlval_type_is_text(colarg->type)) {
                ci = sqlschema_find_column(t, colarg->s ? colarg->s : "");
                if (ci < 0 || t->cols[ci].hidden)
                    return sqlerr_set(err, "42703", -1, "column \"%s\" of relation \"%s\" does not exist",
                                      colarg->s ? colarg->s : "", t->name);
            } else {
                int64_t an;
                if (arg_int(colarg, &an, err)) return SQL_ERR;
                for (int k = 0, num = 0; k < t->ncols && ci < 0; k++) /* attnums skip the row id */
                    if (!t->cols[k].hidden && ++num == an) ci = k;
                if (ci < 0) { /* a system column's or one that is not there: NULL */
                    sqlval_init_null(out, SQLVAL_BOOL);
                    return SQL_OK;
                }
            }
            colid = t->cols[ci].id;
        }
        bool has = false;
        for (int bit = 0; bit < SQLPRIV_NBITS && !has; bit++) {
            if (!(mask & (1u << bit))) continue;
            bool go = gomask & (1u << bit);
            if (role == 0xfffffff0u) {
                has = !go && (sx_acl_granted(s, t->id, SQLROLE_PUBLIC, bit) ||
                              (colid >= 0 ? sx_col_priv_has(s, 0xfffffff0u, t->id, colid, 1u << bit)
                                          : sx_any_col_priv(s, 0xfffffff0u, t->id, bit)));
            } else if (colid >= 0) {
                has = go ? sx_priv_grantable(s, role, t->id, colid, 1u << bit)
                         : sx_col_priv_has(s, role, t->id, colid, 1u << bit);
            } else {
                has = go ? sx_priv_grantable(s, role, t->id, -1, 1u << bit)
                         : sx_priv_has(s, role, t->id, 1u << bit) || sx_any_col_priv(s, role, t->id, bit);
                for (int c2 = 0; c2 < t->ncols && !has && go; c2++)
                    has = sx_priv_grantable(s, role, t->id, t->cols[c2].id, 1u << bit);
            }
        }
        sqlval_set_bool(out, has);
        return SQL_OK;
    }
    if (!strcmp(fn, "has_table_privilege")) {
        if (check_privileges(priv, table_privs, err)) return SQL_ERR;
        const crel *c;
        if (arg_rel(m, obj, &c, err)) return SQL_ERR;
        if (!c) {
            sqlval_init_null(out, SQLVAL_BOOL); /* an oid nothing has: NULL (PostgreSQL 15) */
            return SQL_OK;
        }
        if (c->user) objid = c->user->id;
        else if (c->nsp == NSP_HELIOS) objid = NSP_HELIOS; /* admin views: superusers */
        else catalog = true; /* the catalogs: readable by everyone */
    } else if (!strcmp(fn, "has_sequence_privilege")) {
        if (check_privileges(priv, seq_privs, err)) return SQL_ERR;
        const crel *c;
        if (arg_rel(m, obj, &c, err)) return SQL_ERR;
        if (!c) {
            sqlval_init_null(out, SQLVAL_BOOL);
            return SQL_OK;
        }
        if (!c->user || !c->user->seq)
            return sqlerr_set(err, SQLSTATE_WRONG_OBJECT_TYPE, -1, "\"%s\" is not a sequence", c->name);
        objid = c->user->id;
    } else if (!strcmp(fn, "has_schema_privilege")) {
        if (check_privileges(priv, schema_privs, err)) return SQL_ERR;
        if (sqlval_type_is_text(obj->type)) {
            objid = schema_oid(m, obj->s);
            exists = objid != 0;
            if (!exists) return sqlerr_set(err, SQLSTATE_INVALID_SCHEMA_NAME, -1, "schema \"%s\" does not exist", obj->s);
        } else {
            uint32_t oid;
            if (arg_oid(obj, &oid, err)) return SQL_ERR;
            if (!schema_name(m, oid)) {
                sqlval_init_null(out, SQLVAL_BOOL);
                return SQL_OK;
            }
            objid = oid;
        }
        if (objid != NSP_PUBLIC && sx_nsp_builtin(objid)) { /* the built-in schemas: USAGE for all, CREATE for superusers */
            if (mask & SQLPRIV_USAGE) mask = 0;
            else objid = NSP_HELIOS;
        }
    } else {
        if (check_privileges(priv, db_privs, err)) return SQL_ERR;
        if (sqlval_type_is_text(obj->type) && strcmp(obj->s, db_name(s)))
            return sqlerr_set(err, SQLSTATE_INVALID_CATALOG_NAME, -1, "database \"%s\" does not exist", obj->s);
    }
    bool has = !mask;
    sqlrole who;
    bool super = role != 0xfffffff0u && sx_role_by_oid(s, role, &who) && (who.flags & SQLROLE_SUPER);
    if (catalog || !strcmp(fn, "has_database_privilege")) {
        has = has || super || (mask & (SQLPRIV_SELECT | SQLPRIV_CREATE)) != 0;
    } else if (role == 0xfffffff0u) { /* PUBLIC (never a grant option) */
        for (int bit = 0; bit < SQLPRIV_NBITS && objid && !has; bit++)
            if ((mask & ~gomask) & (1u << bit)) has = sx_acl_granted(s, objid, SQLROLE_PUBLIC, bit);
        if (!objid) has = true;
    } else if (objid == NSP_HELIOS) {
        sqlrole ro;
        has = has || (sx_role_by_oid(s, role, &ro) && (ro.flags & SQLROLE_SUPER));
    } else {
        for (int bit = 0; bit < SQLPRIV_NBITS && objid && !has; bit++)
            if (mask & (1u << bit))
                has = gomask & (1u << bit) ? sx_priv_grantable(s, role, objid, -1, 1u << bit)
                                           : sx_priv_has(s, role, objid, 1u << bit);
        if (!objid) has = true;
    }
    sqlval_set_bool(out, has);
    return SQL_OK;
}

/* A role argument of pg_has_role: a name or an oid; *found false for an oid nothing has. */
static int arg_role(sx_session *s, const sqlval *v, uint32_t *oid, bool *found, sqlerr *err)
{
    sqlrole r;
    *found = true;
    if (sqlval_type_is_text(v->type)) {
        if (!sx_role_lookup(s, v->s ? v->s : "", &r))
            return sqlerr_set(err, SQLSTATE_UNDEFINED_OBJECT, -1, "role \"%s\" does not exist", v->s ? v->s : "");
        *oid = r.oid;
        return SQL_OK;
    }
    if (arg_oid(v, oid, err)) return SQL_ERR;
    *found = sx_role_by_oid(s, *oid, &r);
    return SQL_OK;
}

/* pg_has_role([role,] role, privilege): MEMBER (is a member), USAGE (has its privileges),
 * either WITH ADMIN OPTION (or WITH GRANT OPTION) */
static int has_role(sx_session *s, const sqlval *a, int n, sqlval *out, sqlerr *err)
{
    for (int i = 0; i < n; i++)
        if (a[i].isnull) {
            sqlval_init_null(out, SQLVAL_BOOL);
            return SQL_OK;
        }
    uint32_t who = sx_current_role(s), role;
    bool found = true;
    if (n == 3 && arg_role(s, &a[0], &who, &found, err)) return SQL_ERR;
    if (found && arg_role(s, &a[n - 2], &role, &found, err)) return SQL_ERR;
    if (!found) {
        sqlval_init_null(out, SQLVAL_BOOL);
        return SQL_OK;
    }
    const sqlval *priv = &a[n - 1];
    if (!sqlval_type_is_text(priv->type)) return sqlerr_set(err, SQLSTATE_UNDEFINED_FUNCTION, -1, "function pg_has_role does not exist");
    char buf[256];
    snprintf(buf, sizeof buf, "%.*s", (int)(priv->len < 255 ? priv->len : 255), priv->s ? priv->s : "");
    bool has = false;
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        while (isspace((unsigned char)*tok)) tok++;
        size_t l = strlen(tok);
        while (l && isspace((unsigned char)tok[l - 1])) tok[--l] = 0;
        bool admin = false;
        static const char *const sfx[] = {" WITH ADMIN OPTION", " WITH GRANT OPTION"};
        for (int k = 0; k < 2; k++)
            if (l > strlen(sfx[k]) && !strcasecmp(tok + l - strlen(sfx[k]), sfx[k])) {
                tok[l - strlen(sfx[k])] = 0;
                admin = true;
            }
        bool member = !strcasecmp(tok, "MEMBER");
        if (!member && strcasecmp(tok, "USAGE"))
            return sqlerr_set(err, SQLSTATE_INVALID_PARAMETER_VALUE, -1, "unrecognized privilege type: \"%s\"", tok);
        has = has || (admin ? sx_admin_of(s, who, role)
                            : member ? sx_member_of(s, who, role) : sx_has_privs_of(s, who, role));
    }
    sqlval_set_bool(out, has);
    return SQL_OK;
}

/* pg_get_indexdef(oid [, col, pretty]): the definition, or column col's name, quoted (its
 * options left out, as ruleutils does for a single column) */
static int index_def_of(const model *m, uint32_t oid, int64_t col, bool pretty, sqlval *out,
                        sqlerr *err)
{
    const crel *c = model_find(m, oid);
    if (!c || !is_index(c)) {
        sqlval_init_null(out, SQLVAL_TEXT);
        return SQL_OK;
    }
    if (col > 0) {
        if (col > rel_ncols(c)) return set_text(out, "", err);
        char name[SQLSCHEMA_NAME_MAX * 2 + 4];
        size_t o = 0;
        if (put_ident(name, sizeof name, &o, rel_col(c, (int)col - 1)->name, err)) return SQL_ERR;
        return set_text(out, name, err);
    }
    char def[DEF_MAX];
    if (index_def(m, c, pretty, def, sizeof def, err)) return SQL_ERR;
    return set_text(out, def, err);
}

static int call(sx_session *s, const model *m, const char *fn, const sqlval *a, int n,
                sqlval_type ret, sqlval *out, sqlerr *err)
{
    if (!strcmp(fn, "::")) return reg_cast(s, m, &a[0], ret, out, err);
    if (!strncmp(fn, "to_reg", 6)) { /* the reg* cast, NULL when nothing has the name */
        if (a[0].isnull) {
            sqlval_init_null(out, ret);
            return SQL_OK;
        }
        int rc = reg_cast(s, m, &a[0], ret, out, err);
        if (rc && (!strcmp(err->code, "42P01") || !strcmp(err->code, "42704") || !strcmp(err->code, "3F000") ||
                   !strcmp(err->code, "42883") || !strcmp(err->code, "42725"))) {
            sqlerr_clear(err);
            sqlval_init_null(out, ret);
            return SQL_OK;
        }
        return rc;
    }
    if (!strcmp(fn, "::enum") && n == 2) return sqlrun_enum_cast(s, &a[0], a[1].s ? a[1].s : "", out, err);
    if (!strcmp(fn, "[]")) {
        int64_t i;
        if (!a[0].isnull && !a[1].isnull && a[0].type == SQLVAL_NAME) {
            /* name is a fixed array of char, from 0: name[0] is its first byte, a "char" */
            if (arg_int(&a[1], &i, err)) return SQL_ERR;
            if (i < 0 || (uint64_t)i >= a[0].len) return sqlval_set_str(out, SQLVAL_UNKNOWN, "", 0, err);
            return sqlval_set_str(out, SQLVAL_UNKNOWN, a[0].s + i, 1, err);
        }
        if (a[0].isnull || a[1].isnull || a[0].type != SQLVAL_TEXTARRAY) {
            if (!a[0].isnull && a[0].type != SQLVAL_TEXTARRAY && a[0].type != SQLVAL_UNKNOWN)
                return sqlerr_set(err, SQLSTATE_DATATYPE_MISMATCH, -1,
                                  "cannot subscript type %s because it does not support subscripting",
                                  sqlval_type_name(a[0].type));
            sqlval_init_null(out, SQLVAL_UNKNOWN);
            return SQL_OK;
        }
        if (arg_int(&a[1], &i, err)) return SQL_ERR;
        if (i < 1 || (uint64_t)i > a[0].narr || !a[0].arr[i - 1]) {
            sqlval_init_null(out, SQLVAL_UNKNOWN);
            return SQL_OK;
        }
        return sqlval_set_str(out, SQLVAL_UNKNOWN, a[0].arr[i - 1], strlen(a[0].arr[i - 1]), err);
    }
    if (!strcmp(fn, "format_type")) return format_type(s, m, a, out, err);
    if (!strncmp(fn, "has_", 4)) return privilege(s, m, fn, a, n, out, err);
    if (!strcmp(fn, "pg_has_role")) return has_role(s, a, n, out, err);
    for (int i = 0; i < n; i++) /* the rest are strict */
        if (a[i].isnull) {
            sqlval_init_null(out, ret);
            return SQL_OK;
        }
    if (!strcmp(fn, "pg_get_expr")) {
        /* adbin / polqual ... hold SQL text already (sqlcatalog.h) */
        return sqlval_cast(&a[0], SQLVAL_TEXT, out, err);
    }
    if (!strcmp(fn, "current_schemas")) {
        if (a[0].type != SQLVAL_BOOL && a[0].type != SQLVAL_UNKNOWN)
            return sqlerr_set(err, SQLSTATE_UNDEFINED_FUNCTION, -1, "function current_schemas(%s) does not exist",
                              sqlval_type_name(a[0].type));
        sqlval b;
        if (sqlval_cast(&a[0], SQLVAL_BOOL, &b, err)) return SQL_ERR;
        /* the search path's existing schemas; with implicit ones, pg_catalog first unless
         * the path places it */
        const char *list[9];
        size_t k = 0;
        bool has_cat = false;
        for (int i = 0; i < m->npath; i++) has_cat |= !strcmp(m->path[i], "pg_catalog");
        if (b.u.b && !has_cat) list[k++] = "pg_catalog";
        for (int i = 0; i < m->npath; i++) list[k++] = m->path[i];
        return sqlval_set_array(out, list, k, err);
    }
    if (!strcmp(fn, "acldefault")) { /* the owner's privileges (and PUBLIC's) as aclitem text */
        uint32_t oid;
        if (a[0].isnull || a[1].isnull) {
            sqlval_init_null(out, SQLVAL_TEXTARRAY);
            return SQL_OK;
        }
        if (arg_oid(&a[1], &oid, err)) return SQL_ERR;
        char rb[64];
        const char *o = oid == OID_ROLE ? user_name(s) : role_name_of(s, oid, rb, sizeof rb);
        if (!o) o = "pg_database_owner";
        char k = a[0].s && a[0].len ? a[0].s[0] : ' ';
        static const struct {
            char kind;
            const char *pub, *own;
        } acl[] = {{'r', NULL, "arwdDxt"}, {'s', NULL, "rwU"}, {'S', NULL, "U"}, {'n', NULL, "UC"},
                   {'f', "X", "X"}, {'l', "U", "U"}, {'T', "U", "U"}, {'d', "Tc", "CTc"},
                   {'t', NULL, "C"}, {'F', NULL, "U"}, {'L', NULL, "rw"}, {'p', NULL, "sA"}};
        char b1[160], b2[160];
        const char *items[2];
        size_t n2 = 0;
        for (size_t i = 0; i < sizeof acl / sizeof acl[0]; i++) {
            if (acl[i].kind != k) continue;
            if (acl[i].pub) {
                snprintf(b1, sizeof b1, "=%s/%s", acl[i].pub, o);
                items[n2++] = b1;
            }
            snprintf(b2, sizeof b2, "%s=%s/%s", o, acl[i].own, o);
            items[n2++] = b2;
        }
        if (!n2) return sqlerr_set(err, "XX000", -1, "unrecognized object type abbreviation: %c", k);
        return sqlval_set_array(out, items, n2, err);
    }
    if (!strcmp(fn, "pg_get_userbyid")) {
        uint32_t oid;
        if (arg_oid(&a[0], &oid, err)) return SQL_ERR;
        char buf[48];
        snprintf(buf, sizeof buf, "unknown (OID=%u)", oid);
        char rb[64];
        const char *name = oid == OID_ROLE ? user_name(s) : role_name_of(s, oid, rb, sizeof rb);
        if (!name) name = buf;
        return sqlval_set_str(out, SQLVAL_NAME, name, strlen(name), err);
    }
    if (!strcmp(fn, "pg_tablespace_location")) return set_text(out, "", err); /* the built-in ones */
    if (!strcmp(fn, "pg_database_size")) {
        sqlval_set_int(out, SQLVAL_INT8, 0);
        return SQL_OK;
    }
    if (!strcmp(fn, "obj_description")) {
        /* the schemas', tables' and extensions' comments (pg_description); (oid, catalog)
         * matches the catalog */
        uint32_t oid;
        if (arg_oid(&a[0], &oid, err)) return SQL_ERR;
        bool ns = n < 2 || !strcmp(a[1].s, "pg_namespace"), cls = n < 2 || !strcmp(a[1].s, "pg_class");
        for (size_t i = 0; ns && i < sizeof descriptions / sizeof descriptions[0]; i++)
            if (descriptions[i].objoid == oid) return set_text(out, descriptions[i].text, err);
        for (int i = 0; cls && i < m->ntabs; i++)
            if (m->tabs[i]->id == oid && m->tabs[i]->comment)
                return set_text(out, m->tabs[i]->comment, err);
        sx_extension ex[8];
        int nex = n < 2 || !strcmp(a[1].s, "pg_extension") ? sx_extensions(s, ex, 8) : 0;
        for (int i = 0; i < nex; i++) {
            char *txt = NULL;
            if (ex[i].oid != oid) continue;
            if (sx_extension_comment(s, ex[i].name, &txt)) return sqlerr_oom(err);
            if (!txt) break;
            int rc = set_text(out, txt, err);
            free(txt);
            return rc;
        }
        sqlval_init_null(out, ret);
        return SQL_OK;
    }
    if (!strcmp(fn, "col_description")) { /* (table oid, attnum) */
        uint32_t oid;
        int64_t num;
        if (arg_oid(&a[0], &oid, err) || arg_int(&a[1], &num, err)) return SQL_ERR;
        for (int i = 0; i < m->ntabs; i++) {
            const sqlschema_table *t = m->tabs[i];
            if (t->id != oid) continue;
            for (int j = 0; j < t->ncols; j++)
                if (!t->cols[j].hidden && attnum_of(t, j) == num && t->cols[j].comment)
                    return set_text(out, t->cols[j].comment, err);
        }
        sqlval_init_null(out, ret);
        return SQL_OK;
    }
    if (!strcmp(fn, "shobj_description") ||
        !strcmp(fn, "pg_get_statisticsobjdef_columns")) {
        sqlval_init_null(out, ret); /* HeliosDB has no comments nor extended statistics */
        return SQL_OK;
    }
    if (!strcmp(fn, "pg_get_serial_sequence")) { /* the sequence a serial/identity column owns */
        const crel *tc = NULL;
        if (arg_rel(m, &a[0], &tc, err)) return SQL_ERR;
        const sqlschema_table *t = tc ? tc->user : NULL;
        int ci = t ? sqlschema_find_column(t, a[1].s ? a[1].s : "") : -1;
        if (t && ci < 0)
            return sqlerr_set(err, "42703", -1, "column \"%s\" of relation \"%s\" does not exist",
                              a[1].s ? a[1].s : "", t->name);
        for (int i = 0; t && i < m->ntabs; i++) {
            const sqlschema_table *q = m->tabs[i];
            if (!q->seq || q->seq->owner_table != t->id || q->seq->owner_col != t->cols[ci].id) continue;
            char buf[SQLSCHEMA_NAME_MAX * 4 + 16];
            size_t o = 0;
            const char *sn = schema_name(m, sx_table_nsp(s, q));
            if (put_ident(buf, sizeof buf, &o, sn ? sn : "public", err)) return SQL_ERR;
            o += (size_t)snprintf(buf + o, o < sizeof buf ? sizeof buf - o : 0, ".");
            if (put_ident(buf, sizeof buf, &o, q->name, err)) return SQL_ERR;
            return set_text(out, buf, err);
        }
        sqlval_init_null(out, SQLVAL_TEXT);
        return SQL_OK;
    }
    uint32_t oid = 0;
    const crel *c = NULL;
    /* regclass parameters read a name (a literal is regclass input); the rest take oids */
    bool by_name = !strcmp(fn, "pg_get_viewdef") || !strcmp(fn, "pg_relation_is_publishable") ||
                   (strstr(fn, "_size") && strcmp(fn, "pg_database_size"));
    if (by_name ? arg_rel(m, &a[0], &c, err) : arg_oid(&a[0], &oid, err))
        return SQL_ERR;
    if (!by_name) c = model_find(m, oid);
    if (!strcmp(fn, "pg_table_is_visible")) {
        if (!c) sqlval_init_null(out, SQLVAL_BOOL);
        else sqlval_set_bool(out, rel_visible(m, c));
        return SQL_OK;
    }
    if (!strcmp(fn, "pg_partition_ancestors")) { /* no partitions: the relation itself */
        sqlval r;
        sqlval_set_int(&r, SQLVAL_OID, oid);
        int rc = reg_cast(s, m, &r, SQLVAL_REGCLASS, out, err);
        sqlval_free(&r);
        return rc;
    }
    if (!strcmp(fn, "pg_function_is_visible")) {
        if (!proc_by_oid(oid)) sqlval_init_null(out, SQLVAL_BOOL);
        else sqlval_set_bool(out, true);
        return SQL_OK;
    }
    if (!strcmp(fn, "pg_get_triggerdef") || !strcmp(fn, "pg_get_ruledef")) {
        sqlval_init_null(out, SQLVAL_TEXT); /* HeliosDB has neither */
        return SQL_OK;
    }
    if (!strcmp(fn, "pg_type_is_visible")) {
        cat_type tmp;
        if (!type_by_oid(oid, &tmp)) sqlval_init_null(out, SQLVAL_BOOL);
        else sqlval_set_bool(out, true); /* every type is in pg_catalog */
        return SQL_OK;
    }
    if (!strcmp(fn, "pg_relation_is_publishable")) {
        if (!c) sqlval_init_null(out, SQLVAL_BOOL);
        else sqlval_set_bool(out, c->kind == 'r' && c->user);
        return SQL_OK;
    }
    if (!strcmp(fn, "pg_get_indexdef")) {
        int64_t col = 0;
        if (n > 1 && arg_int(&a[1], &col, err)) return SQL_ERR;
        bool pretty = false;
        if (n > 2 && arg_bool(&a[2], &pretty, err)) return SQL_ERR;
        return index_def_of(m, oid, col, pretty, out, err);
    }
    if (!strcmp(fn, "pg_get_constraintdef")) {
        for (int i = 0; i < m->ntabs; i++)
            for (int k = 0; k < m->tabs[i]->nchecks; k++) {
                if (m->tabs[i]->checks[k].oid != oid) continue;
                /* CHECK ((expr)): the expression as written, parenthesized as ruleutils does
                 * (pretty, psql's \d: CHECK (expr)) */
                const char *x = m->tabs[i]->checks[k].expr;
                bool pretty = false;
                if (n > 1 && arg_bool(&a[1], &pretty, err)) return SQL_ERR;
                size_t l = strlen(x) + 16;
                char *d = malloc(l);
                if (!d) return sqlerr_oom(err);
                snprintf(d, l, pretty ? "CHECK (%s)" : "CHECK ((%s))", x);
                sqlval_take_str(out, SQLVAL_TEXT, d, strlen(d));
                return SQL_OK;
            }
        for (int i = 0; i < m->ntabs; i++)
            for (int f = 0; f < m->tabs[i]->nfks; f++) {
                if (m->tabs[i]->fks[f].oid != oid) continue;
                char def[DEF_MAX];
                if (fk_def(m, m->tabs[i], &m->tabs[i]->fks[f], def, sizeof def, err)) return SQL_ERR;
                return set_text(out, def, err);
            }
        const crel *e = constraint_index(m, oid);
        if (e) {
            char def[DEF_MAX];
            if (constraint_def(e, def, sizeof def, err)) return SQL_ERR;
            return set_text(out, def, err);
        }
        sqlval_init_null(out, SQLVAL_TEXT);
        return SQL_OK;
    }
    if (!strcmp(fn, "pg_get_viewdef")) {
        if (!c || !c->user || !c->user->view_sql) {
            sqlval_init_null(out, SQLVAL_TEXT);
            return SQL_OK;
        }
        char *d = viewdef(s, m, c->user);
        if (!d) return sqlerr_oom(err);
        sqlval_take_str(out, SQLVAL_TEXT, d, strlen(d));
        return SQL_OK;
    }
    if (!strncmp(fn, "pg_get_function_", 16)) {
        const cat_proc *p = proc_by_oid(oid);
        if (!p) {
            sqlval_init_null(out, SQLVAL_TEXT);
            return SQL_OK;
        }
        char buf[512];
        buf[0] = 0;
        if (!strcmp(fn, "pg_get_function_result")) {
            cat_type tmp;
            const cat_type *ty = type_by_oid(p->ret, &tmp);
            snprintf(buf, sizeof buf, "%s%s", p->retset ? "SETOF " : "", type_be(ty));
        } else {
            function_arguments(p, !strcmp(fn, "pg_get_function_arguments"), buf, sizeof buf);
        }
        return set_text(out, buf, err);
    }
    /* pg_relation_size & co.: HeliosDB does not account space per relation */
    if (!c) sqlval_init_null(out, SQLVAL_INT8);
    else sqlval_set_int(out, SQLVAL_INT8, 0);
    return SQL_OK;
}

int sqlcatalog_call(void *arg, const char *fn, const sqlval *args, int nargs, sqlval_type ret,
                    sqlval *out, sqlerr *err)
{
    sx_session *s = arg;
    model m = {0};
    if (strcmp(fn, "[]") && model_build(s, &m, err)) return SQL_ERR;
    int rc = call(s, &m, fn, args, nargs, ret, out, err);
    model_free(&m);
    return rc;
}
