/*
 * server/sql/sqlnumfmt.h — number formatting with a picture: to_char(numeric | double precision
 * | real | bigint | integer, text) and to_number(text, text), as PostgreSQL 15's formatting.c
 * (NUM_*) defines them.
 *
 * A picture is parsed into nodes (keywords 9 0 . , D G L S MI PL SG PR RN rn TH th V EEEE FM B
 * C SP, upper or lower case except that RN/rn and TH/th print in their own case; any other
 * character copied; "quoted text" with \ escaping the next character; \" outside quotes is a
 * quote), then run over the number's text exactly as PostgreSQL's NUM_processor runs: the
 * sign written before the first digit that is printed (a blank for '+' without FM), '#' in
 * every digit position when the value has more integer digits than the picture, FM dropping
 * the padding and the trailing zeros of the fraction (but not those of 0 positions). Byte for
 * byte, including PostgreSQL's quirks: a digit position past the end of the number's text
 * ends the output there (to_char('NaN'::numeric, '999.99') is " NaN"), EEEE prints the
 * number alone whatever else the picture holds, 9.999 with 9.99EEEE is "10.00e+00".
 *
 * The locale is C's: D is '.', G ',', L a blank, S/SG print '+' and '-'. numeric rounds half
 * away from zero to the picture's decimals (at most 16383, numeric's display limit); double
 * precision and real print at most 15 and 6 significant digits (DBL_DIG, FLT_DIG) and round
 * as printf does; integer V multiplies in 32 bits and wraps as PostgreSQL does, bigint V
 * fails with 22003 on overflow.
 *
 * Inputs are NUL-terminated; a picture or value of any length is processed in linear time
 * with heap buffers sized from it. Every function returns SQL_OK with *out malloc'd, or
 * SQL_ERR with err set: 42601 for a bad picture ("multiple decimal points", "cannot use "V"
 * and decimal point together", ""EEEE" must be the last pattern used", ...), 0A000 for EEEE
 * or RN in to_number and NaN/infinity in RN, 22P02 for TH on a non-number and unparsable
 * to_number input, 22003 out of range, 53200 out of memory.
 */
#ifndef HELIOS_SERVER_SQL_SQLNUMFMT_H
#define HELIOS_SERVER_SQL_SQLNUMFMT_H

#include <stdint.h>

#include "server/sql/sqlerr.h"

/* num: numeric text as sqlval holds it ("-123.4500", "NaN", "Infinity", "-Infinity"). */
int sqlnumfmt_numeric_to_char(const char *num, const char *fmt, char **out, sqlerr *err);
int sqlnumfmt_float8_to_char(double v, const char *fmt, char **out, sqlerr *err);
int sqlnumfmt_float4_to_char(float v, const char *fmt, char **out, sqlerr *err);
int sqlnumfmt_int8_to_char(int64_t v, const char *fmt, char **out, sqlerr *err);
int sqlnumfmt_int4_to_char(int32_t v, const char *fmt, char **out, sqlerr *err);
/* to_number(in, fmt): *out the numeric text, with the scale of the digits read after the
 * decimal point (16 more with V); *out NULL (SQL NULL) for an empty picture, as PostgreSQL. */
int sqlnumfmt_to_number(const char *in, const char *fmt, char **out, sqlerr *err);

#endif
