# DBD::Pg as applications use it: placeholders, last_insert_id, table_info, column_info,
# primary_key, foreign_key_info, transactions, SQLSTATE of an error. Prints results; the test
# compares them with client.pl.expected (what PostgreSQL 15 prints).
use strict; use warnings; use DBI;
my ($port, $db) = @ARGV; $db ||= 'postgres';
my $h = DBI->connect("dbi:Pg:dbname=$db;host=127.0.0.1;port=$port", 'postgres', '', {RaiseError => 1, AutoCommit => 1, PrintError => 0});
$h->do('DROP TABLE IF EXISTS pl_b'); $h->do('DROP TABLE IF EXISTS pl_a');
$h->do('CREATE TABLE pl_a (id serial PRIMARY KEY, name varchar(20) NOT NULL, score numeric(5,2))');
$h->do('CREATE TABLE pl_b (id int PRIMARY KEY, a_id int REFERENCES pl_a)');
my $st = $h->prepare('INSERT INTO pl_a (name, score) VALUES (?, ?)');
$st->execute('x', 1.5); $st->execute('y', undef);
print "last_insert_id ", $h->last_insert_id(undef, 'public', 'pl_a', 'id'), "\n";
my $r = $h->selectall_arrayref('SELECT id, name, score FROM pl_a ORDER BY id'); print "rows ", join(';', map { join(',', map { defined $_ ? $_ : 'NULL' } @$_) } @$r), "\n";
my $ti = $h->table_info(undef, 'public', 'pl_%', 'TABLE')->fetchall_arrayref({}); print "tables ", join(',', sort map { $_->{TABLE_NAME} } @$ti), "\n";
my $ci = $h->column_info(undef, 'public', 'pl_a', undef)->fetchall_arrayref({}); print "columns ", join(',', map { "$_->{COLUMN_NAME}:$_->{TYPE_NAME}:$_->{NULLABLE}" } @$ci), "\n";
print "pk ", join(',', $h->primary_key(undef, 'public', 'pl_a')), "\n";
my $fk = $h->foreign_key_info(undef, 'public', 'pl_a', undef, 'public', 'pl_b'); my $fr = $fk ? $fk->fetchall_arrayref({}) : []; print "fk ", join(',', map { "$_->{FK_COLUMN_NAME}->$_->{UK_TABLE_NAME}.$_->{UK_COLUMN_NAME}" } @$fr), "\n";
$h->begin_work; $h->do("INSERT INTO pl_a (name) VALUES ('z')"); $h->rollback; print "after rollback ", $h->selectrow_array('SELECT count(*) FROM pl_a'), "\n";
eval { $h->do("INSERT INTO pl_a (name) VALUES (NULL)") }; print "error ", $h->state, "\n";
$h->do('DROP TABLE pl_b'); $h->do('DROP TABLE pl_a');
print "done\n";
