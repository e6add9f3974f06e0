/*
 * server/sql/sqlnum.h — exact decimal arithmetic on numeric text, for results that do not fit
 * the executor's 128-bit fast path.
 *
 * PostgreSQL's numeric is exact at any size; computing big values in long double printed
 * wrong digits (3.14159 * 9223372036854775807 * -9223372036854775807 lost its last 20
 * digits). Operands are numeric text as sqlval holds it ("-123.4500", "NaN" is the caller's
 * business); a value is sign * M / 10^scale with M an arbitrary-length decimal integer.
 * Results follow PostgreSQL's scales: + and - the larger operand scale, * the sum, / the
 * caller's rscale (select_div_scale) rounded half away from zero, % the larger scale with the
 * dividend's sign (truncated division). Digit-array schoolbook algorithms: O(n*m) in the
 * operand lengths, which the parser bounds (numeric text is at most about 1,000 digits long
 * here). Every function returns 0 with *out malloc'd, SQLNUM_ENOMEM, or SQLNUM_EDIVZERO.
 */
#ifndef HELIOS_SERVER_SQL_SQLNUM_H
#define HELIOS_SERVER_SQL_SQLNUM_H

enum { SQLNUM_ENOMEM = -1, SQLNUM_EDIVZERO = -2, SQLNUM_ESYNTAX = -3 };

int sqlnum_add(const char *a, const char *b, char **out);
int sqlnum_sub(const char *a, const char *b, char **out);
int sqlnum_mul(const char *a, const char *b, char **out);
int sqlnum_div(const char *a, const char *b, int rscale, char **out);
int sqlnum_mod(const char *a, const char *b, char **out);

#endif
