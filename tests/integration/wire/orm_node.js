// tests/integration/wire/orm_node.js PORT — the Node.js ORMs and query builders as applications
// use them, against one heliosdb --dev: Sequelize 6 (authenticate, sync with associations, an
// ENUM (CREATE TYPE in a DO block) and a unique key, CRUD, include, transactions,
// describeTable, addColumn, addIndex), knex 3
// (schema builder, joins, transactions, onDelete CASCADE, migrations), TypeORM 0.3 (initialize
// with synchronize and dropSchema, relations, query builder, a second schema diff that must
// find nothing to change) and postgres.js 3 (= ANY(array), IN lists, types, transactions).
// Every check compares a real result with the value PostgreSQL gives; TAP on stdout.
'use strict';
const assert = require('assert');
const port = +process.argv[2];
const host = '127.0.0.1';
let n = 0, failed = 0;
function ok(cond, what, detail) {
  n++;
  if (cond) console.log(`ok ${n} - ${what}`);
  else { failed++; console.log(`not ok ${n} - ${what}`); if (detail !== undefined) console.log('# ' + JSON.stringify(detail)); }
}
function eq(got, want, what) {
  let same = true;
  try { assert.deepStrictEqual(got, want); } catch (e) { same = false; }
  ok(same, what, same ? undefined : { got, want });
}
async function step(what, fn) {
  try { await fn(); } catch (e) { ok(false, `${what}: ${e.message}`, e.sql || e.query || e.code); }
}

async function sequelize() {
  const { Sequelize, DataTypes, Op } = require('sequelize');
  const sq = new Sequelize('postgres', 'postgres', '', { host, port, dialect: 'postgres', logging: false });
  await step('sequelize', async () => {
    await sq.authenticate(); // SET TIME ZONE INTERVAL '+00:00' HOUR TO MINUTE on connect
    ok(true, 'sequelize: authenticate');
    const User = sq.define('User', {
      name: { type: DataTypes.STRING, allowNull: false },
      email: { type: DataTypes.STRING, unique: true },
      age: DataTypes.INTEGER,
      role: DataTypes.ENUM('admin', 'user'),
      meta: DataTypes.JSONB,
      born: DataTypes.DATEONLY,
      score: DataTypes.DECIMAL(10, 2),
      uid: { type: DataTypes.UUID, defaultValue: DataTypes.UUIDV4 },
    });
    const Post = sq.define('Post', { title: DataTypes.STRING, body: DataTypes.TEXT });
    User.hasMany(Post); // ON DELETE SET NULL ON UPDATE CASCADE
    Post.belongsTo(User);
    await sq.sync({ force: true }); // information_schema constraints, pg_index name[] arrays
    await sq.sync({ force: true }); // again: drops what the first made (DROP ... CASCADE)
    ok(true, 'sequelize: sync (twice, force)');
    const u = await User.create({ name: 'ann', email: 'a@x', age: 30, role: 'user', meta: { a: 1 }, born: '1990-01-02', score: 1.5 });
    await User.bulkCreate([{ name: 'bob', email: 'b@x', age: 20, role: 'admin' }, { name: 'cy', email: 'c@x', age: 40 }]);
    await Post.create({ title: 't1', body: 'b', UserId: u.id });
    await Post.create({ title: 't2', body: 'b', UserId: u.id });
    const older = await User.findAll({ where: { age: { [Op.gt]: 25 } }, order: [['age', 'DESC']] });
    eq(older.map(x => x.name), ['cy', 'ann'], 'sequelize: findAll where/order');
    const inc = await User.findAll({ include: Post, order: [['id', 'ASC'], [Post, 'id', 'ASC']] });
    eq(inc.map(x => [x.name, x.Posts.map(p => p.title)]), [['ann', ['t1', 't2']], ['bob', []], ['cy', []]],
       'sequelize: include (LEFT JOIN)');
    eq([await User.count(), await Post.count({ where: { UserId: u.id } })], [3, 2], 'sequelize: count');
    await User.update({ age: 31 }, { where: { name: 'ann' } });
    const ann = await User.findOne({ where: { name: 'ann' } });
    eq([ann.age, ann.meta, ann.born, ann.score, typeof ann.uid, ann.uid.length], [31, { a: 1 }, '1990-01-02', '1.50', 'string', 36],
       'sequelize: update and types read back');
    await sq.transaction(async (t) => {
      await User.create({ name: 'dan', email: 'd@x' }, { transaction: t });
      await User.destroy({ where: { name: 'bob' }, transaction: t });
    });
    eq((await User.findAll({ order: [['id', 'ASC']] })).map(x => x.name), ['ann', 'cy', 'dan'], 'sequelize: managed transaction');
    // an ENUM column: the labels' order, not their text's, and a bad label refused
    await User.update({ role: 'admin' }, { where: { name: 'cy' } });
    eq((await User.findAll({ where: { role: { [Op.ne]: null } }, order: [['role', 'ASC'], ['id', 'ASC']] })).map(x => [x.name, x.role]),
       [['cy', 'admin'], ['ann', 'user']], 'sequelize: ENUM column ordered by its labels');
    let bad = null;
    try { await User.create({ name: 'eve', email: 'e@x', role: 'root' }); } catch (e) { bad = e.name; }
    eq(bad, 'SequelizeDatabaseError', 'sequelize: ENUM refuses a value not among its labels');
    let dup = null;
    try { await User.create({ name: 'dup', email: 'a@x' }); } catch (e) { dup = e.name; }
    eq(dup, 'SequelizeUniqueConstraintError', 'sequelize: unique violation mapped');
    const { rows, count } = await User.findAndCountAll({ limit: 2, offset: 0, order: [['id', 'ASC']] });
    eq([count, rows.map(r => r.name)], [3, ['ann', 'cy']], 'sequelize: findAndCountAll');
    await User.destroy({ where: { name: 'ann' } }); // posts keep their rows, UserId set NULL
    eq((await Post.findAll({ order: [['id', 'ASC']] })).map(p => p.UserId), [null, null], 'sequelize: ON DELETE SET NULL');
    const qi = sq.getQueryInterface();
    const desc = await qi.describeTable('Users');
    eq([desc.id.primaryKey, desc.name.allowNull, desc.email.type, desc.score.type, desc.uid.type, desc.role.type, desc.role.special],
       [true, false, 'CHARACTER VARYING(255)', 'NUMERIC', 'UUID', 'USER-DEFINED', ['admin', 'user']], 'sequelize: describeTable');
    await qi.addColumn('Users', 'nick', DataTypes.STRING);
    await qi.addIndex('Users', ['age']);
    const idx = (await qi.showIndex('Users')).map(i => i.name).sort();
    eq(idx, ['Users_email_key', 'Users_pkey', 'users_age'], 'sequelize: addColumn, addIndex, showIndex');
    eq((await qi.showAllTables()).sort(), ['Posts', 'Users'], 'sequelize: showAllTables');
    await qi.dropTable('Posts', {});
    await qi.dropTable('Users', {}); // and its ENUM type (options: Sequelize needs an object)
    eq((await sq.query("SELECT count(*)::int AS n FROM pg_type WHERE typname = 'enum_Users_role'", { type: 'SELECT' }))[0].n,
       0, 'sequelize: dropTable drops the ENUM type');
  });
  await sq.close();
}

async function knexTest() {
  const knex = require('knex')({ client: 'pg', connection: { host, port, user: 'postgres', database: 'postgres' } });
  await step('knex', async () => {
    await knex.schema.dropTableIfExists('k_posts');
    await knex.schema.dropTableIfExists('k_users');
    await knex.schema.createTable('k_users', t => {
      t.increments('id'); t.string('email').notNullable().unique(); t.integer('age'); t.jsonb('meta');
      t.timestamps(true, true); t.boolean('active').defaultTo(true); t.decimal('score', 8, 2); t.uuid('uid');
      t.enu('kind', ['a', 'b']);
    });
    await knex.schema.createTable('k_posts', t => {
      t.increments('id'); t.integer('user_id').unsigned().references('id').inTable('k_users').onDelete('CASCADE');
      t.text('body'); t.index(['user_id']);
    });
    const ids = await knex('k_users').insert([{ email: 'a@x', age: 30, meta: { x: 1 }, kind: 'a' }, { email: 'b@x', age: 20, kind: 'b' }]).returning('id');
    eq(ids, [{ id: 1 }, { id: 2 }], 'knex: insert returning serial ids');
    await knex('k_posts').insert({ user_id: ids[0].id, body: 'hi' });
    eq(await knex('k_users').join('k_posts', 'k_users.id', 'k_posts.user_id').select('k_users.email', 'k_posts.body'),
       [{ email: 'a@x', body: 'hi' }], 'knex: join');
    eq(await knex('k_users').count('* as n').first(), { n: '2' }, 'knex: count');
    await knex('k_users').where({ email: 'b@x' }).update({ age: knex.raw('age + 1') });
    eq((await knex('k_users').where('email', 'b@x').first()).age, 21, 'knex: update with raw');
    await knex.transaction(async trx => { await trx('k_users').insert({ email: 'c@x' }); await trx('k_users').where('email', 'c@x').del(); });
    eq([await knex.schema.hasTable('k_users'), await knex.schema.hasColumn('k_users', 'age')], [true, true], 'knex: hasTable, hasColumn');
    await knex.schema.alterTable('k_users', t => { t.string('nick'); t.dropColumn('uid'); });
    eq(Object.keys(await knex('k_users').columnInfo()),
       ['id', 'email', 'age', 'meta', 'created_at', 'updated_at', 'active', 'score', 'kind', 'nick'], 'knex: alterTable, columnInfo');
    let code = null;
    try { await knex('k_users').insert({ email: 'bad', kind: 'zzz' }); } catch (e) { code = e.code; }
    eq(code, '23514', 'knex: enu() CHECK enforced');
    await knex('k_users').where('id', ids[0].id).del();
    eq((await knex('k_posts').count('* as n').first()).n, '0', 'knex: onDelete CASCADE');
    await knex.schema.dropTableIfExists('knex_migrations');
    await knex.schema.dropTableIfExists('knex_migrations_lock');
    await knex.schema.dropTableIfExists('k_mig');
    const dir = require('path').join(require('os').tmpdir(), `heliosdb-knex-${process.pid}`);
    require('fs').mkdirSync(dir, { recursive: true });
    require('fs').writeFileSync(require('path').join(dir, '20260101_init.js'),
      "exports.up = k => k.schema.createTable('k_mig', t => { t.increments('id'); t.string('name'); });\n" +
      "exports.down = k => k.schema.dropTable('k_mig');\n");
    await knex.migrate.latest({ directory: dir });
    eq(await knex.migrate.currentVersion({ directory: dir }), '20260101', 'knex: migrate.latest');
    await knex.migrate.rollback({ directory: dir });
    eq(await knex.schema.hasTable('k_mig'), false, 'knex: migrate.rollback');
    require('fs').rmSync(dir, { recursive: true, force: true });
    await knex.schema.dropTable('k_posts');
    await knex.schema.dropTable('k_users');
  });
  await knex.destroy();
}

async function typeorm() {
  require('reflect-metadata');
  const { DataSource, EntitySchema } = require('typeorm');
  const Author = new EntitySchema({
    name: 'Author', tableName: 't_author', columns: {
      id: { primary: true, type: 'int', generated: true }, name: { type: 'varchar', length: 100 },
      born: { type: 'date', nullable: true }, tags: { type: 'text', array: true, nullable: true },
      meta: { type: 'jsonb', nullable: true }, uid: { type: 'uuid', generated: 'uuid' },
      created: { type: 'timestamptz', createDate: true },
    },
    relations: { books: { type: 'one-to-many', target: 'Book', inverseSide: 'author' } },
  });
  const Book = new EntitySchema({
    name: 'Book', tableName: 't_book', columns: {
      id: { primary: true, type: 'int', generated: 'increment' }, title: { type: 'text' },
      price: { type: 'numeric', precision: 8, scale: 2, default: 0 },
    },
    relations: { author: { type: 'many-to-one', target: 'Author', joinColumn: true, onDelete: 'CASCADE' } },
    indices: [{ name: 'idx_book_title', columns: ['title'] }],
  });
  const opts = { type: 'postgres', host, port, username: 'postgres', database: 'postgres', entities: [Author, Book] };
  await step('typeorm', async () => {
    // dropSchema drops every table (DROP TABLE ... CASCADE), then synchronize creates the
    // schema (CREATE EXTENSION "uuid-ossp", uuid_generate_v4(), foreign keys, an index)
    const ds = new DataSource({ ...opts, synchronize: true, dropSchema: true });
    await ds.initialize();
    ok(true, 'typeorm: initialize with dropSchema and synchronize');
    const ar = ds.getRepository('Author'), br = ds.getRepository('Book');
    const a = await ar.save({ name: 'Le Guin', born: '1929-10-21', tags: ['sf', 'fantasy'], meta: { n: 1 } });
    await br.save([{ title: 'Earthsea', price: 9.5, author: a }, { title: 'Lathe', author: a }]);
    const got = await ar.findOne({ where: { id: a.id }, relations: { books: true }, order: { books: { id: 'ASC' } } });
    eq([got.name, got.born, got.tags, got.meta, got.books.map(b => [b.title, b.price]), got.uid.length],
       ['Le Guin', '1929-10-21', ['sf', 'fantasy'], { n: 1 }, [['Earthsea', '9.50'], ['Lathe', '0.00']], 36],
       'typeorm: save and findOne with relations');
    const qb = await br.createQueryBuilder('b').leftJoinAndSelect('b.author', 'a')
      .where('a.name LIKE :n', { n: 'Le%' }).orderBy('b.title').getMany();
    eq(qb.map(b => b.title + '/' + b.author.name), ['Earthsea/Le Guin', 'Lathe/Le Guin'], 'typeorm: query builder join');
    eq([await br.count(), await br.countBy({ title: 'Earthsea' })], [2, 1], 'typeorm: count');
    await ds.transaction(async m => { await m.getRepository('Book').update({ title: 'Lathe' }, { price: 3 }); });
    eq((await br.findOneBy({ title: 'Lathe' })).price, '3.00', 'typeorm: transaction');
    await ar.delete(a.id);
    eq(await br.count(), 0, 'typeorm: onDelete CASCADE');
    await ds.destroy();
    // a second start reads the schema back (information_schema, pg_catalog, regclass/regtype
    // casts) and must find it equal to the entities
    const ds2 = new DataSource({ ...opts, synchronize: false });
    await ds2.initialize();
    const log = await ds2.driver.createSchemaBuilder().log();
    eq(log.upQueries.map(q => q.query), [], 'typeorm: schema read back equals the entities');
    await ds2.query('DROP TABLE t_book');
    await ds2.query('DROP TABLE t_author');
    await ds2.destroy();
  });
}

async function postgresJs() {
  const postgres = require('postgres');
  const sql = postgres({ host, port, username: 'postgres', database: 'postgres', onnotice: () => {} });
  await step('postgres.js', async () => {
    await sql`DROP TABLE IF EXISTS pj_items`;
    await sql`CREATE TABLE pj_items (id int PRIMARY KEY, name text, tags text[], price numeric(8,2), at timestamptz DEFAULT now(), meta jsonb)`;
    await sql`INSERT INTO pj_items ${sql([{ id: 1, name: 'a', tags: ['x', 'y'], price: 1.5, meta: { k: 1 } },
                                         { id: 2, name: 'b', tags: ['z'], price: 2, meta: null },
                                         { id: 3, name: 'c', tags: [], price: 3, meta: { k: [1, 2] } }])}`;
    eq((await sql`SELECT name FROM pj_items WHERE id = ANY(${[1, 3]}) ORDER BY id`).map(x => x.name), ['a', 'c'],
       'postgres.js: = ANY(array parameter)');
    eq((await sql`SELECT id FROM pj_items WHERE name IN ${sql(['a', 'b'])} ORDER BY id`).map(x => x.id), [1, 2],
       'postgres.js: IN list');
    const r = (await sql`SELECT tags, price, meta, at FROM pj_items WHERE id = ${1}`)[0];
    eq([r.tags, r.price, r.meta, r.at instanceof Date], [['x', 'y'], '1.50', { k: 1 }, true], 'postgres.js: types');
    await sql.begin(async t => { await t`UPDATE pj_items SET price = price + 1 WHERE id = ${2}`; });
    eq((await sql`SELECT price FROM pj_items WHERE id = 2`)[0].price, '3.00', 'postgres.js: transaction');
    eq((await sql`SELECT count(*)::int AS n FROM pj_items WHERE ${'z'} = ANY(tags)`)[0].n, 1, 'postgres.js: value = ANY(column)');
    await sql`DROP TABLE pj_items`;
  });
  await sql.end();
}

(async () => {
  await sequelize();
  await knexTest();
  await typeorm();
  await postgresJs();
  console.log(`1..${n}`);
  process.exit(failed ? 1 : 0);
})().catch(e => { console.log(`not ok ${n + 1} - ${e.message}`); console.log(`1..${n + 1}`); process.exit(1); });
