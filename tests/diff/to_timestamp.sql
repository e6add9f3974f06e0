-- to_timestamp(text, template) and to_date(text, template) compared with PostgreSQL 15: numeric
-- fields fixed and greedy, names, AM/PM, BC, fractions (MS, US, FF), J, DDD, CC, TZH:TZM, FM,
-- quoted text, separators, a short input, and the errors (bad values, out of range, conflicts).
SET TimeZone = 'UTC';
SELECT to_timestamp('2024-01-02 03:04:05', 'YYYY-MM-DD HH24:MI:SS');
SELECT to_date('2024-01-02', 'YYYY-MM-DD'), to_date('20240102', 'YYYYMMDD'), to_date('02 Jan 2024', 'DD Mon YYYY');
SELECT to_date('05 Dec 2000', 'DD Mon YYYY'), to_timestamp('05 Dec 2000', 'DD Mon YYYY');
SELECT to_timestamp('2024-03-15 11:30 PM', 'YYYY-MM-DD HH:MI AM'), to_timestamp('12:05 am', 'HH:MI am');
SELECT to_timestamp('15:12:02.020.001230', 'HH24:MI:SS.MS.US'), to_timestamp('12.3', 'SS.MS');
SELECT to_date('99-02-03', 'YY-MM-DD'), to_date('69-02-03', 'YY-MM-DD'), to_date('70-02-03', 'YY-MM-DD');
SELECT to_date('2024 060', 'YYYY DDD'), to_date('2451545', 'J'), to_date('March 5, 2023', 'Month DD, YYYY');
SELECT to_timestamp('2024-01-02 03:04:05 +05:30', 'YYYY-MM-DD HH24:MI:SS TZH:TZM');
SELECT to_date('2024/1/2', 'YYYY/MM/DD'), to_date('1st Jan 2020', 'DDth Mon YYYY'), to_date('2020-Jan-01', 'YYYY-MON-DD');
SELECT to_timestamp('2024-01-02T10:11:12', 'YYYY-MM-DD"T"HH24:MI:SS');
SET TimeZone = 'America/New_York';
SELECT to_timestamp('2024-07-01 12:00', 'YYYY-MM-DD HH24:MI');
SELECT to_date('2024-13-01', 'YYYY-MM-DD');
SELECT to_date('2024-02-30', 'YYYY-MM-DD');
SELECT to_date('abcd-01-01', 'YYYY-MM-DD');
SELECT to_timestamp('13:00 PM', 'HH:MI PM');
SELECT to_date('2024-01', 'YYYY-MM-DD');
SELECT to_date('', 'YYYY');
SELECT to_date('44 BC', 'YYYY BC'), to_date('2 0 2 4', 'Y Y Y Y');
SELECT to_date('2,024-02-29', 'Y,YYY-MM-DD'), to_date('2023-02-29', 'YYYY-MM-DD');
SELECT to_date('21 05', 'CC YY');
SELECT to_timestamp('7:45', 'HH12:MI'), to_timestamp('10:11:12.345678', 'HH24:MI:SS.FF6'), to_timestamp('10:11:12.3', 'HH24:MI:SS.FF3');
SELECT to_date('March    05 2023', 'Month DD YYYY'), to_date('MARCH 05 2023', 'MONTH DD YYYY');
SELECT to_date('Monday 2023-03-06', 'Day YYYY-MM-DD'), to_date('Mon, 06 Mar 2023', 'Dy, DD Mon YYYY');
SELECT to_date('2023 5 7', 'FMYYYY FMMM FMDD'), to_date('2023-3-7', 'YYYY-MM-DD');
SELECT to_timestamp('1:02:03 P.M.', 'HH:MI:SS P.M.');
SELECT to_date('2023-Foo-01', 'YYYY-Mon-DD');
SELECT to_timestamp('25:00', 'HH24:MI');
SELECT to_timestamp('2024-01-02 03:04:05-08', 'YYYY-MM-DD HH24:MI:SSTZH');
SELECT to_date('2023.07.14', 'YYYY.MM.DD'), to_date('14/07/2023', 'DD/MM/YYYY'), to_date('07/14/23', 'MM/DD/YY');
SELECT to_date(NULL, 'YYYY'), to_date('2023', NULL);
