<?php
// PHP PDO (pdo_pgsql): named placeholders, lastInsertId of a serial, transactions, bytea,
// error codes, column metadata. Prints results; compared with client.php.expected (what
// PostgreSQL 15 prints).
$port = $argv[1]; $db = $argv[2] ?? 'postgres';
$pdo = new PDO("pgsql:host=127.0.0.1;port=$port;dbname=$db", 'postgres', '', [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);
$pdo->exec('DROP TABLE IF EXISTS php_t');
$pdo->exec('CREATE TABLE php_t (id serial PRIMARY KEY, name text NOT NULL, n int, b bytea, ok boolean)');
$st = $pdo->prepare('INSERT INTO php_t (name, n, b, ok) VALUES (:name, :n, :b, :ok)');
$st->bindValue(':name', 'ann'); $st->bindValue(':n', 5, PDO::PARAM_INT); $st->bindValue(':b', "\x00\x01", PDO::PARAM_LOB); $st->bindValue(':ok', true, PDO::PARAM_BOOL);
$st->execute();
echo "lastInsertId ", $pdo->lastInsertId('php_t_id_seq'), "\n";
$pdo->beginTransaction(); $pdo->exec("INSERT INTO php_t (name) VALUES ('tmp')"); $pdo->rollBack();
$rows = $pdo->query('SELECT id, name, n, ok FROM php_t ORDER BY id')->fetchAll(PDO::FETCH_ASSOC);
echo "rows ", json_encode($rows), "\n";
$q = $pdo->prepare('SELECT b FROM php_t WHERE id = ?'); $q->execute([1]); $b = $q->fetchColumn(); echo "bytea ", bin2hex(is_resource($b) ? stream_get_contents($b) : $b), "\n";
try { $pdo->exec("INSERT INTO php_t (name) VALUES (NULL)"); } catch (PDOException $e) { echo "error ", $e->getCode(), "\n"; }
$m = $pdo->query('SELECT name FROM php_t'); $meta = $m->getColumnMeta(0); echo "meta ", $meta['native_type'], " ", $meta['pgsql:oid'] ?? '', "\n";
$pdo->exec('DROP TABLE php_t');
echo "done\n";
