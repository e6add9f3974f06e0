-- ORDER BY ... LIMIT served by an index in its order or backwards (NULLS placement must
-- match, else a sort runs), with OFFSET, a filter, ties broken by a second index column, and
-- inside a transaction that wrote the table (its rows are not in the index yet: the scan
-- orders the table's rows itself).
create table ob (id int primary key, a int, b text, c timestamptz);
create index ob_a on ob (a);
create index ob_bd on ob (b desc nulls last, id);
create index ob_c on ob (c);
insert into ob select g, (g * 37) % 101, 'v' || (g % 13), timestamptz '2021-01-01 00:00:00+00' + (g % 17) * interval '1 day' from generate_series(1, 300) g;
insert into ob values (1000, null, null, null), (1001, null, 'zz', null);
select id, a from ob order by a limit 5;
select id, a from ob order by a desc limit 5;
select id, a from ob order by a desc nulls last limit 5;
select id, a from ob order by a nulls first limit 3;
select id, a from ob order by a limit 5 offset 10;
select id, a from ob where id % 2 = 0 order by a limit 5;
select id, b from ob order by b desc nulls last, id limit 5;
select id, b from ob order by b asc nulls first, id desc limit 5;
select id, b from ob order by b desc, id limit 5;
select id, b from ob order by b, id limit 5;
select id, c from ob order by c desc limit 4;
select a from ob order by a limit 0;
select a, count(*) from ob group by a order by a limit 3;
begin;
insert into ob values (2000, -5, 'a', null);
update ob set a = 1000 where id = 1;
select id, a from ob order by a limit 3;
select id, a from ob order by a desc limit 3;
rollback;
select id, a from ob order by a limit 3;
drop table ob;
