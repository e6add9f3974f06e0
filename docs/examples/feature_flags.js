// doc-test: node
// Feature flags per environment in an lww_map, read with node-postgres (npm pg). Flags toggled
// concurrently in different regions merge key by key; jsonb comes back as a JS object.
const { Client } = require('pg');

async function main() {
  const c = new Client(); // PGHOST, PGPORT, PGUSER, PGDATABASE from the environment
  await c.connect();
  await c.query('CREATE TABLE flags (env text PRIMARY KEY, flags lww_map)');
  await c.query('INSERT INTO flags VALUES ($1, $2)', ['prod', JSON.stringify({ new_ui: false })]);
  await c.query("UPDATE flags SET flags = flags || $1::jsonb WHERE env = 'prod'",
                [JSON.stringify({ new_ui: true, beta_search: true })]);
  await c.query("UPDATE flags SET flags = flags - 'beta_search' WHERE env = 'prod'");
  const r = await c.query("SELECT flags FROM flags WHERE env = 'prod'");
  console.log('prod flags:', JSON.stringify(r.rows[0].flags));
  try {
    await c.query('CREATE INDEX ON flags (flags)'); // a CRDT column: not indexable
  } catch (e) {
    console.log('index on an lww_map refused:', e.code);
  }
  await c.end();
}
main().catch((e) => { console.error(e); process.exit(1); });
