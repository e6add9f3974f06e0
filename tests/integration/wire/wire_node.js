// node-postgres against heliosdb: simple query, parameters (unnamed P/B/D/E/S), named statement
// reused, NULL parameter, transaction status. Prints TAP. Usage: node wire_node.js PORT
const { Client } = require('pg');
let n = 0, failed = 0;
const ok = (c, d) => { n++; if (!c) failed++; console.log(`${c ? 'ok' : 'not ok'} ${n} - ${d}`); };
(async () => {
  const c = new Client({ host: '127.0.0.1', port: +process.argv[2], user: 'postgres', database: 'postgres' });
  try {
    await c.connect();
    let r = await c.query('SELECT 1 AS one');
    ok(r.rows[0].one === 1, 'node-pg simple query');
    r = await c.query('SELECT $1::int8 AS big, $2 AS s', ['9000000000', "o'neil"]);
    ok(r.rows[0].big === '9000000000' && r.rows[0].s === "o'neil", 'node-pg parameters (unnamed statement)');
    const a = await c.query({ name: 'get', text: 'SELECT $1::int AS v', values: [1] });
    const b = await c.query({ name: 'get', text: 'SELECT $1::int AS v', values: [2] });
    ok(a.rows[0].v === 1 && b.rows[0].v === 2, 'node-pg named statement parsed once, bound twice');
    r = await c.query('SELECT $1::text IS NULL AS isnull', [null]);
    ok(r.rows[0].isnull === true, 'node-pg NULL parameter');
    await c.query('BEGIN');
    r = await c.query('SELECT generate_series(1, 3) AS g');
    await c.query('COMMIT');
    ok(r.rows.length === 3 && r.rows[2].g === 3, 'node-pg transaction with a multi-row result');
  } catch (e) {
    ok(false, 'node-pg error: ' + e.message);
  } finally {
    await c.end().catch(() => {});
  }
  console.log(`1..${n}`);
  process.exit(failed ? 1 : 0);
})();
