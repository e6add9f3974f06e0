/*
 * proto/sqlstate.c — SQLSTATE code -> PostgreSQL condition name (see sqlstate.h).
 *
 * The table is sorted by code so lookups are a binary search; the unit test checks the order and
 * that every constant in the header has a row.
 */
#include "proto/sqlstate.h"

#include <stdlib.h>
#include <string.h>

static const struct {
    const char *code;
    const char *name;
} sqlstate_table[] = {
    {SQLSTATE_SUCCESSFUL_COMPLETION, "successful_completion"},
    {SQLSTATE_WARNING, "warning"},
    {SQLSTATE_CONNECTION_EXCEPTION, "connection_exception"},
    {SQLSTATE_CONNECTION_FAILURE, "connection_failure"},
    {SQLSTATE_PROTOCOL_VIOLATION, "protocol_violation"},
    {SQLSTATE_FEATURE_NOT_SUPPORTED, "feature_not_supported"},
    {SQLSTATE_INVALID_TRANSACTION_INITIATION, "invalid_transaction_initiation"},
    {SQLSTATE_INVALID_GRANTOR, "invalid_grantor"},
    {SQLSTATE_INVALID_GRANT_OPERATION, "invalid_grant_operation"},
    {SQLSTATE_CARDINALITY_VIOLATION, "cardinality_violation"},
    {SQLSTATE_DATA_EXCEPTION, "data_exception"},
    {SQLSTATE_STRING_DATA_RIGHT_TRUNCATION, "string_data_right_truncation"},
    {SQLSTATE_NUMERIC_VALUE_OUT_OF_RANGE, "numeric_value_out_of_range"},
    {SQLSTATE_NULL_VALUE_NOT_ALLOWED, "null_value_not_allowed"},
    {SQLSTATE_INVALID_DATETIME_FORMAT, "invalid_datetime_format"},
    {SQLSTATE_DATETIME_FIELD_OVERFLOW, "datetime_field_overflow"},
    {SQLSTATE_INVALID_TIME_ZONE_DISPLACEMENT_VALUE, "invalid_time_zone_displacement_value"},
    {SQLSTATE_DIVISION_BY_ZERO, "division_by_zero"},
    {SQLSTATE_INVALID_ROW_COUNT_IN_LIMIT_CLAUSE, "invalid_row_count_in_limit_clause"},
    {SQLSTATE_INVALID_ROW_COUNT_IN_RESULT_OFFSET_CLAUSE,
     "invalid_row_count_in_result_offset_clause"},
    {SQLSTATE_CHARACTER_NOT_IN_REPERTOIRE, "character_not_in_repertoire"},
    {SQLSTATE_INVALID_PARAMETER_VALUE, "invalid_parameter_value"},
    {SQLSTATE_INVALID_ESCAPE_SEQUENCE, "invalid_escape_sequence"},
    {SQLSTATE_ARRAY_SUBSCRIPT_ERROR, "array_subscript_error"},
    {SQLSTATE_INVALID_TEXT_REPRESENTATION, "invalid_text_representation"},
    {SQLSTATE_INVALID_BINARY_REPRESENTATION, "invalid_binary_representation"},
    {SQLSTATE_UNTRANSLATABLE_CHARACTER, "untranslatable_character"},
    {SQLSTATE_INTEGRITY_CONSTRAINT_VIOLATION, "integrity_constraint_violation"},
    {SQLSTATE_NOT_NULL_VIOLATION, "not_null_violation"},
    {SQLSTATE_FOREIGN_KEY_VIOLATION, "foreign_key_violation"},
    {SQLSTATE_UNIQUE_VIOLATION, "unique_violation"},
    {SQLSTATE_CHECK_VIOLATION, "check_violation"},
    {SQLSTATE_INVALID_CURSOR_STATE, "invalid_cursor_state"},
    {SQLSTATE_INVALID_TRANSACTION_STATE, "invalid_transaction_state"},
    {SQLSTATE_ACTIVE_SQL_TRANSACTION, "active_sql_transaction"},
    {SQLSTATE_READ_ONLY_SQL_TRANSACTION, "read_only_sql_transaction"},
    {SQLSTATE_NO_ACTIVE_SQL_TRANSACTION, "no_active_sql_transaction"},
    {SQLSTATE_IN_FAILED_SQL_TRANSACTION, "in_failed_sql_transaction"},
    {SQLSTATE_INVALID_SQL_STATEMENT_NAME, "invalid_sql_statement_name"},
    {SQLSTATE_INVALID_AUTHORIZATION_SPECIFICATION, "invalid_authorization_specification"},
    {SQLSTATE_INVALID_PASSWORD, "invalid_password"},
    {SQLSTATE_INVALID_CURSOR_NAME, "invalid_cursor_name"},
    {SQLSTATE_INVALID_CATALOG_NAME, "invalid_catalog_name"},
    {SQLSTATE_INVALID_SCHEMA_NAME, "invalid_schema_name"},
    {SQLSTATE_TRANSACTION_ROLLBACK, "transaction_rollback"},
    {SQLSTATE_SERIALIZATION_FAILURE, "serialization_failure"},
    {SQLSTATE_DEADLOCK_DETECTED, "deadlock_detected"},
    {SQLSTATE_SYNTAX_ERROR_OR_ACCESS_RULE_VIOLATION, "syntax_error_or_access_rule_violation"},
    {SQLSTATE_INSUFFICIENT_PRIVILEGE, "insufficient_privilege"},
    {SQLSTATE_SYNTAX_ERROR, "syntax_error"},
    {SQLSTATE_INVALID_NAME, "invalid_name"},
    {SQLSTATE_INVALID_COLUMN_DEFINITION, "invalid_column_definition"},
    {SQLSTATE_NAME_TOO_LONG, "name_too_long"},
    {SQLSTATE_DUPLICATE_COLUMN, "duplicate_column"},
    {SQLSTATE_AMBIGUOUS_COLUMN, "ambiguous_column"},
    {SQLSTATE_UNDEFINED_COLUMN, "undefined_column"},
    {SQLSTATE_UNDEFINED_OBJECT, "undefined_object"},
    {SQLSTATE_DUPLICATE_OBJECT, "duplicate_object"},
    {SQLSTATE_GROUPING_ERROR, "grouping_error"},
    {SQLSTATE_DATATYPE_MISMATCH, "datatype_mismatch"},
    {SQLSTATE_WRONG_OBJECT_TYPE, "wrong_object_type"},
    {SQLSTATE_CANNOT_COERCE, "cannot_coerce"},
    {SQLSTATE_UNDEFINED_FUNCTION, "undefined_function"},
    {SQLSTATE_UNDEFINED_TABLE, "undefined_table"},
    {SQLSTATE_UNDEFINED_PARAMETER, "undefined_parameter"},
    {SQLSTATE_DUPLICATE_CURSOR, "duplicate_cursor"},
    {SQLSTATE_DUPLICATE_DATABASE, "duplicate_database"},
    {SQLSTATE_DUPLICATE_PREPARED_STATEMENT, "duplicate_prepared_statement"},
    {SQLSTATE_DUPLICATE_SCHEMA, "duplicate_schema"},
    {SQLSTATE_DUPLICATE_TABLE, "duplicate_table"},
    {SQLSTATE_AMBIGUOUS_PARAMETER, "ambiguous_parameter"},
    {SQLSTATE_INVALID_COLUMN_REFERENCE, "invalid_column_reference"},
    {SQLSTATE_INVALID_TABLE_DEFINITION, "invalid_table_definition"},
    {SQLSTATE_INDETERMINATE_DATATYPE, "indeterminate_datatype"},
    {SQLSTATE_INSUFFICIENT_RESOURCES, "insufficient_resources"},
    {SQLSTATE_DISK_FULL, "disk_full"},
    {SQLSTATE_OUT_OF_MEMORY, "out_of_memory"},
    {SQLSTATE_TOO_MANY_CONNECTIONS, "too_many_connections"},
    {SQLSTATE_PROGRAM_LIMIT_EXCEEDED, "program_limit_exceeded"},
    {SQLSTATE_STATEMENT_TOO_COMPLEX, "statement_too_complex"},
    {SQLSTATE_TOO_MANY_COLUMNS, "too_many_columns"},
    {SQLSTATE_OBJECT_NOT_IN_PREREQUISITE_STATE, "object_not_in_prerequisite_state"},
    {SQLSTATE_OBJECT_IN_USE, "object_in_use"},
    {SQLSTATE_CANT_CHANGE_RUNTIME_PARAM, "cant_change_runtime_param"},
    {SQLSTATE_OPERATOR_INTERVENTION, "operator_intervention"},
    {SQLSTATE_QUERY_CANCELED, "query_canceled"},
    {SQLSTATE_ADMIN_SHUTDOWN, "admin_shutdown"},
    {SQLSTATE_CRASH_SHUTDOWN, "crash_shutdown"},
    {SQLSTATE_CANNOT_CONNECT_NOW, "cannot_connect_now"},
    {SQLSTATE_SYSTEM_ERROR, "system_error"},
    {SQLSTATE_IO_ERROR, "io_error"},
    {SQLSTATE_INTERNAL_ERROR, "internal_error"},
    {SQLSTATE_DATA_CORRUPTED, "data_corrupted"},
};

#define NSTATES (sizeof(sqlstate_table) / sizeof(sqlstate_table[0]))

int sqlstate_valid(const char *code)
{
    if (!code) return 0;
    for (int i = 0; i < 5; i++) {
        char c = code[i];
        if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'))) return 0;
    }
    return code[5] == '\0';
}

const char *sqlstate_name(const char *code)
{
    if (!sqlstate_valid(code)) return NULL;
    size_t lo = 0, hi = NSTATES;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(code, sqlstate_table[mid].code);
        if (c == 0) return sqlstate_table[mid].name;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

unsigned sqlstate_count(void)
{
    return (unsigned)NSTATES;
}

const char *sqlstate_code_at(unsigned i)
{
    return i < NSTATES ? sqlstate_table[i].code : NULL;
}
