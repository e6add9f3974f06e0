#!/usr/bin/python3
"""Regenerates the PostgreSQL-verified vector table of tests/unit/proto/test_pgtypes.c.

Starts a throwaway PostgreSQL 15 cluster (as the postgres user, unix socket only, in a temp
dir), asks it for each (type, input): the output function's text, <type>send() in hex, or the
SQLSTATE of the error, and prints C rows for the `vectors[]` table. Run as root:
    tests/unit/proto/pgtypes_vectors.py > /tmp/rows.inc
"""
import os, shutil, subprocess, sys, tempfile
import psycopg2

PGBIN = '/usr/lib/postgresql/15/bin'
CASES = [
 (21,'int2','int2send',['1','-32768','32767',' 42 ','+7','32768','abc','','1.5']),
 (23,'int4','int4send',['2','-2147483648','2147483647','2147483648','0x10','- 1']),
 (20,'int8','int8send',['9000000000','-9223372036854775808','9223372036854775807','9223372036854775808','-9223372036854775809']),
 (26,'oid','oidsend',['42','4294967295','-1','0','4294967296']),
 (700,'float4','float4send',['1.5','3.14159','1e6','100000','1e-5','0.0001','NaN','-Infinity','1e39','0.1','-0','16777217','1.17549435e-38','3.4028235e38','127138304','1e-45']),
 (701,'float8','float8send',['2.25','0.1','1e15','123456789012345','1e-5','0.0001','1.7976931348623157e308','5e-324','Infinity','-0','1e400','3.14159','100','1e22','12345.678','-1.5e-300','0.30000000000000004','inf','  nan ','1e','abc','30892612233637952','1e23','1000000']),
 (16,'bool','boolsend',['t','true','yes','on','1','f','off','no','0','o','maybe',' TRUE ','Fa','y']),
 (25,'text','textsend',['txt','','h\u00e9llo','a b\tc']),
 (1043,'varchar','varcharsend',['vc']),
 (19,'name','namesend',['nm']),
 (1042,'bpchar','bpcharsend',['bp ']),
 (18,'"char"','charsend',['a','','\\101','\\351','ab']),
 (17,'bytea','byteasend',['\\x0102ff','\\x','abc','a\\\\b','\\001\\377','\\xzz','\\x0','\\x01 02','\\q']),
 (3802,'jsonb','jsonb_send',['{"j": 1}','[1, 2]','"s"','{"k": [1, 2], "s": "x"}','null']),
 (114,'json','json_send',['{"j":1}','[1,2]']),
 (1082,'date','date_send',['2024-02-29','2000-01-01','1999-12-31','0001-01-01 BC','4713-11-24 BC','infinity','-infinity','5874897-12-31','2023-02-29','2024-13-01','epoch','0044-03-15 BC','4714-11-24 BC','5874898-01-01','2024-2-3','0000-01-01','abc','2024-02-29x','']),
 (1083,'time','time_send',['13:14:15.5','00:00:00','24:00:00','23:59:59.999999','13:14','25:00:00','12:60:00','00:00:00.0000005','00:00:00.0000015','noon','1:2:3']),
 (1114,'timestamp','timestamp_send',['2024-02-29 13:14:15.5','2000-01-01 00:00:00','1970-01-01 00:00:00','infinity','0001-01-01 00:00:00 BC','294276-12-31 23:59:59.999999','2024-02-29T01:02:03','2024-02-29','2024-02-29 13:14:15+05']),
 (1184,'timestamptz','timestamptz_send',['2024-02-29 13:14:15.5+00','2026-11-24 10:00:00.123456+00','2026-11-24T10:00:00Z','2026-11-24 12:00:00+02','2026-11-24 10:00:00-05:30','2026-11-24','1999-12-31 23:59:59.999999+00','2000-01-01 00:00:00.0000005+00','-infinity','1900-01-01 00:00:00+00','2026-11-24 10:00:00+0530','0001-01-01 00:00:00+00 BC','2026-11-24 10:00:00 UTC','2026-11-24 10:00','2026-11-24 25:00:00+00','294277-01-01 00:00:00+00','garbage','2026-11-24 10:00:00.5000005+00','2026-11-24 10:00:00+15:59','2026-11-24 10:00:00+16']),
 (1700,'numeric','numeric_send',['3.14159','0','0.00','-0','-1.5','1e10','1.5e-3','123456789.000000001','0.0001','10000','99999999','-0.000001','NaN','Infinity','-Infinity','1e-20','12345678901234567890.12345678901234567890','.5','5.','1.23E+2','abc','1e','1.2.3','  7  ','-inf','0.1e1','1000000e-3','9999.9999']),
 (2950,'uuid','uuid_send',['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11','A0EEBC999C0B4EF8BB6D6BB9BD380A11','{a0eebc99-9c0b4ef8-bb6d6bb9-bd380a11}','a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1','a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a111']),
 (1009,'text[]','array_send',['{a,"x y",NULL,"q\\"uote"}','{}','{""}','{"NULL"}','{null}','{a,b}','{{a,b},{c,d}}','{"a\\\\b"}','{ a , b }','[0:1]={x,y}','{"{\\"a\\": 1}"}','{a b}','{a,{b}}','{{a},{b,c}}','{a,,b}','{a','{"a}','{a}x','{\\"x}','{  "a"  ,b}']),
 (1007,'int4[]','array_send',['{1,NULL,3}','{{1,2},{3,4}}','{}','[2:3]={5,6}','{1,x}','{{1,2},{3}}','{9999999999}','[1:3]={1,2}']),
 (1016,'int8[]','array_send',['{9000000000}','{1,2,3}']),
 (1022,'float8[]','array_send',['{1.5}','{NaN,-Infinity}']),
 (1000,'bool[]','array_send',['{t,f}','{TRUE,NULL}']),
 (3807,'jsonb[]','array_send',['{"{\\"a\\": 1}"}']),
 (1231,'numeric[]','array_send',['{1.5,NULL}']),
 (1015,'varchar[]','array_send',['{vc}']),
 (1182,'date[]','array_send',['{2024-02-29}']),
 (1185,'timestamptz[]','array_send',['{"2024-02-29 13:14:15.5+00"}']),
 (2951,'uuid[]','array_send',['{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}']),
 (1005,'int2[]','array_send',['{1,-2}']),
 (1001,'bytea[]','array_send',['{"\\\\x01ff"}']),
]


def cstr(s):
    out = '"'
    for ch in s.encode():
        c = chr(ch)
        if c in '"\\':
            out += '\\' + c
        elif 32 <= ch < 127:
            out += c
        else:
            out += '\\%03o' % ch
    return out + '"'


def rows(sockdir):
    conn = psycopg2.connect(host=sockdir, dbname='postgres', user='postgres')
    conn.autocommit = True
    cur = conn.cursor()
    cur.execute("SET TimeZone='UTC'; SET DateStyle='ISO, MDY'; SET extra_float_digits=1; "
                "SET bytea_output='hex'")
    for oid, typ, send, inputs in CASES:
        for inp in inputs:
            try:
                # format('%s', v) runs the type's output function (v::text does not for bool/bpchar)
                cur.execute("SELECT format('%%%%s', (%%s::%s)), encode(%s((%%s::%s)),'hex')"
                            % (typ, send, typ), (inp, inp))
                t, h = cur.fetchone()
                yield '    {%d, %s, %s, "%s", NULL},' % (oid, cstr(inp), cstr(t), h)
            except psycopg2.Error as e:
                yield '    {%d, %s, NULL, NULL, "%s"},' % (oid, cstr(inp), e.pgcode)
    conn.close()


def main():
    d = tempfile.mkdtemp(prefix='pgvec.')
    shutil.chown(d, 'postgres')
    run = lambda *a: subprocess.run(['runuser', '-u', 'postgres', '--'] + list(a), check=True,
                                    stdout=subprocess.DEVNULL)
    try:
        run(PGBIN + '/initdb', '-D', d + '/data', '-A', 'trust', '-E', 'UTF8', '--locale=C.UTF-8')
        run(PGBIN + '/pg_ctl', '-D', d + '/data', '-o', "-k %s -c listen_addresses=''" % d, '-w',
            'start')
        try:
            for r in rows(d):
                print(r)
        finally:
            run(PGBIN + '/pg_ctl', '-D', d + '/data', '-m', 'fast', '-w', 'stop')
    finally:
        shutil.rmtree(d, ignore_errors=True)


if __name__ == '__main__':
    main()
