# Ruby pg: exec_params, prepare / exec_prepared, BasicTypeMapForResults (reads pg_type and
# pg_proc), copy_data, error SQLSTATEs. Prints results; compared with client.rb.expected (what
# PostgreSQL 15 prints).
require 'pg'
port, db = ARGV[0], (ARGV[1] || 'postgres')
c = PG.connect(host: '127.0.0.1', port: port, user: 'postgres', dbname: db)
c.set_notice_processor { |m| }
c.exec('DROP TABLE IF EXISTS rb_t')
c.exec('CREATE TABLE rb_t (id serial PRIMARY KEY, name text, n int, f float8, ok boolean, at timestamptz, tags text[], meta jsonb, d date)')
c.exec_params('INSERT INTO rb_t (name, n, f, ok, at, tags, meta, d) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)', ['a', 1, 1.5, true, '2026-01-01 00:00:00+00', '{x,y}', '{"k": 1}', '2026-02-03'])
c.prepare('ins', 'INSERT INTO rb_t (name, n) VALUES ($1, $2) RETURNING id')
puts "prepared #{c.exec_prepared('ins', ['b', 2]).getvalue(0, 0)}"
c.type_map_for_results = PG::BasicTypeMapForResults.new(c)
r = c.exec('SELECT id, name, n, f, ok, at, tags, meta, d FROM rb_t ORDER BY id').to_a
puts "typed #{r[0].values.map { |v| v.class }.join(',')}"
puts "values #{r[0]['n'] + 1} #{r[0]['tags'].inspect} #{r[0]['ok']}"
c.copy_data('COPY rb_t (name) FROM STDIN') { c.put_copy_data("c1\nc2\n") }
puts "count #{c.exec('SELECT count(*) FROM rb_t').getvalue(0, 0)}"
begin; c.exec('SELECT 1/0'); rescue PG::DivisionByZero => e; puts "error #{e.result.error_field(PG::Result::PG_DIAG_SQLSTATE)}"; end
c.exec('DROP TABLE rb_t')
puts 'done'
