-- Expression indexes: lower(email) UNIQUE (a case-insensitive unique login), a jsonb field,
-- arithmetic keys with DESC; lookups, IN, LIKE prefixes and ORDER BY ... LIMIT through them,
-- 23505 on the expression's value, PostgreSQL's refusals of volatile functions, and DROP
-- COLUMN taking the indexes that read the column along.
create table ux (id int primary key, email text, meta jsonb, n int);
insert into ux select g, case when g % 3 = 0 then 'User' || g || '@X.com' else 'user' || g || '@x.com' end, jsonb_build_object('lang', case when g % 2 = 0 then 'en' else 'fr' end, 'k', g % 5), g from generate_series(1, 300) g;
create unique index ux_lower on ux (lower(email));
create index on ux ((meta->>'lang'));
create index ux_sum on ux ((n % 7), (n * 2) desc);
create index ux_now on ux ((now()));
create index ux_rand on ux ((random()));
select id from ux where lower(email) = 'user3@x.com';
select id from ux where lower(email) in ('user4@x.com', 'user6@x.com') order by id;
select count(*) from ux where meta->>'lang' = 'en';
select count(*), sum(id) from ux where (n % 7) = 3 and (n * 2) > 100;
select id from ux where lower(email) like 'user1%' order by id limit 5;
insert into ux values (1000, 'USER3@x.com', '{}', 1);
insert into ux values (1001, 'fresh@x.com', '{"lang":"de"}', 1);
update ux set email = 'FRESH@X.COM' where id = 2;
update ux set email = 'Fresh@x.com' where id = 1001;
select id, email from ux where lower(email) = 'fresh@x.com' order by id;
select count(*) from ux where meta->>'lang' = 'de';
select id from ux order by lower(email) limit 3;
select id from ux order by lower(email) desc limit 3;
select indexname from pg_indexes where tablename = 'ux' order by 1;
alter table ux drop column n;
select indexname from pg_indexes where tablename = 'ux' order by 1;
drop table ux;
create table dz (id int primary key, n int, m int);
insert into dz values (1, 4, 2);
create index dz_q on dz ((n / m));
insert into dz values (2, 1, 0);
update dz set m = 0 where id = 1;
select id from dz where n / m = 2;
drop table dz;
