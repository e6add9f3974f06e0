-- gin indexes on text[] columns: an entry per element, serving v = ANY(col) and col @> array
-- (the first element's rows, the rest checked), NULLs, empty arrays, updates and deletes.
create table gt (id int primary key, tags text[], n int);
insert into gt select g, array['t' || (g % 5), 't' || (g % 7), case when g % 11 = 0 then null else 'u' end], g from generate_series(1, 300) g;
insert into gt values (1000, null, 0), (1001, '{}', 0), (1002, '{x,y,x}', 0);
create index gt_tags on gt using gin (tags);
create unique index gt_u on gt using gin (tags);
create index gt_d on gt using gin (tags desc);
create index gt_n on gt using gin (n);
create index gt_2 on gt using gin (tags, n);
select count(*), sum(id) from gt where 't3' = any(tags);
select count(*), sum(id) from gt where 'x' = any(tags);
select count(*), sum(id) from gt where 'nope' = any(tags);
select count(*), sum(id) from gt where null = any(tags);
select count(*), sum(id) from gt where tags @> array['t3', 't4'];
select count(*), sum(id) from gt where tags @> array['t1'];
select count(*), sum(id) from gt where tags @> '{}';
select count(*), sum(id) from gt where tags @> array[null::text];
select count(*), sum(id) from gt where tags @> array['u', 't2'] and n > 100;
update gt set tags = array['t3'] where id = 1;
select id from gt where 't3' = any(tags) and id < 10 order by id;
delete from gt where id = 3;
select id from gt where 't3' = any(tags) and id < 10 order by id;
select indexdef from pg_indexes where tablename = 'gt' order by 1;
select amname from pg_class c join pg_am a on a.oid = c.relam where c.relname = 'gt_tags';
drop table gt;
