-- Index lookups per outer row (joins on an indexed column of the inner table, LEFT too,
-- correlated subqueries) and LIKE prefixes served by a text_pattern_ops index: the answers of
-- scans, with escapes, _ and % in the pattern, NULL and non-prefix patterns.
create table au (id int primary key, name text);
create table po (id int primary key, author int, title text, tag text);
create index po_author on po (author);
create index po_title on po (title text_pattern_ops);
insert into au select g, 'a' || g from generate_series(1, 50) g;
insert into po select g, g % 50 + 1, 'title ' || g || case when g % 3 = 0 then '%x' else '' end, 't' || (g % 4) from generate_series(1, 400) g;
insert into po values (1000, null, null, null), (1001, 3, 'ti', 'x'), (1002, 3, E'ti\\x', 'y'), (1003, 4, 'title_1', 'z');
select a.name, p.title from au a join po p on p.author = a.id where a.id = 7 order by p.id;
select a.name, count(p.id) from au a left join po p on p.author = a.id where a.id in (3, 4, 99) group by a.name order by 1;
select count(*) from au a join po p on p.author = a.id and p.tag = 't1' where a.id < 5;
select count(*), sum(id) from po where title like 'title 1%';
select count(*), sum(id) from po where title like 'title 1_';
select count(*), sum(id) from po where title like 'ti%';
select count(*), sum(id) from po where title like 'title 3%x';
select count(*), sum(id) from po where title like 'title 3\%x';
select count(*), sum(id) from po where title like 'title\_1';
select count(*), sum(id) from po where title like 'title_1';
select count(*), sum(id) from po where title like '%x';
select count(*), sum(id) from po where title like 'zzz%';
select count(*), sum(id) from po where title like 'ti';
select count(*), sum(id) from po where title like null;
select count(*), sum(id) from po where title not like 'title 1%';
select count(*), sum(id) from po where title ilike 'TITLE 1%';
select p.id from au a, po p where p.author = a.id and a.name = 'a9' order by 1;
select (select count(*) from po p where p.author = a.id) from au a where a.id between 5 and 7 order by a.id;
drop table po;
drop table au;
