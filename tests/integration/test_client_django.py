#!/usr/bin/python3
"""tests/integration/test_client_django.py — Django 3.2 (Debian's python3-django, over psycopg2)
against heliosdb --dev, as a new project uses it: `manage.py migrate` of the built-in apps
(contenttypes, auth, admin, sessions: UNIQUE constraints, indexes with varchar_pattern_ops,
ALTER COLUMN TYPE to a longer varchar, DROP NOT NULL, deferrable foreign keys) and of an app of
our own (unique, unique_together, a composite index, a PROTECT and a CASCADE foreign key), then
the ORM: create_user and check_password, IntegrityError from a unique index inside atomic()
and the savepoint that keeps the outer work, get_or_create both ways, bulk_create, lookups
(exact on a unique column, startswith, icontains, in, range), select_related and
prefetch_related, aggregate and annotate, update with F(), cascade delete, slicing,
distinct, and Django's introspection of the constraints (pg_constraint, pg_index). The schema
survives a restart of the node, and `migrate` run again finds nothing to do."""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "wire"))
import wirelib  # noqa: E402

MODELS = '''
from django.db import models


class Category(models.Model):
    name = models.CharField(max_length=50, unique=True)


class Product(models.Model):
    sku = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=100, db_index=True)
    price = models.DecimalField(max_digits=8, decimal_places=2)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products")
    created = models.DateTimeField(auto_now_add=True)
    stock = models.IntegerField(default=0)

    class Meta:
        unique_together = [("name", "category")]
        indexes = [models.Index(fields=["price", "stock"])]


class Order(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE)
    qty = models.PositiveIntegerField()
'''

# Runs inside the project (django.setup()); prints one "ok"/"not ok" line per check.
SCRIPT = r'''
import decimal, os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
import django
django.setup()
from django.db import transaction, IntegrityError, connection
from django.db.models import Count, Sum, F, Q
from django.contrib.auth.models import User
from shop.models import Category, Product, Order


def check(desc, cond, got=None):
    print("%s %s%s" % ("ok" if cond else "not ok", desc, "" if cond else " (got %r)" % (got,)))


User.objects.create_user("ada", "ada@x", "pw")
check("create_user, then check_password", User.objects.get(username="ada").check_password("pw"))
try:
    with transaction.atomic():
        User.objects.create_user("ada", "other@x", "pw")
    check("a second user of one name raises IntegrityError", False)
except IntegrityError as e:
    check("a second user of one name raises IntegrityError (23505)", e.__cause__.pgcode == "23505")
c1 = Category.objects.create(name="tools")
c2 = Category.objects.create(name="toys")
obj, created = Category.objects.get_or_create(name="tools")
check("get_or_create finds the existing row", not created and obj.pk == c1.pk)
obj, created = Category.objects.get_or_create(name="garden")
check("get_or_create creates a missing one", created)
Product.objects.bulk_create([
    Product(sku="S%d" % i, name="p%d-%d" % (i % 5, i), price=decimal.Decimal("1.50") * i,
            category=[c1, c2][i % 2], stock=i) for i in range(1, 21)])
check("bulk_create of 20 rows", Product.objects.count() == 20, Product.objects.count())
check("exact lookup on a unique column", Product.objects.get(sku="S7").stock == 7)
n = Product.objects.filter(sku__startswith="S1").count()
check("startswith (LIKE 'S1%')", n == 11, n)
n = Product.objects.filter(name__icontains="P3").count()
check("icontains (UPPER(..) LIKE UPPER(..))", n == 4, n)
check("select_related", Product.objects.select_related("category").get(sku="S2").category.name == "tools")
got = [len(c.products.all()) for c in Category.objects.prefetch_related("products").order_by("name")]
check("prefetch_related", got == [0, 10, 10], got)
agg = Product.objects.aggregate(n=Count("id"), s=Sum("stock"))
check("aggregate", agg == {"n": 20, "s": 210}, agg)
got = [(c.name, c.n) for c in Category.objects.annotate(n=Count("products")).order_by("-n", "name")]
check("annotate(Count) over a LEFT JOIN", got == [("tools", 10), ("toys", 10), ("garden", 0)], got)
Product.objects.filter(stock__lt=5).update(stock=F("stock") + 100)
check("update with F()", Product.objects.get(sku="S3").stock == 103)
n = Product.objects.filter(Q(stock__gt=100) | Q(sku="S20")).count()
check("Q objects (OR)", n == 5, n)
with transaction.atomic():
    Order.objects.create(product=Product.objects.get(sku="S5"), qty=3)
    try:
        with transaction.atomic():
            Category.objects.create(name="toys")
    except IntegrityError:
        pass
    Order.objects.create(product=Product.objects.get(sku="S6"), qty=1)
check("a nested atomic() rolls back to its savepoint and keeps the outer work",
      Order.objects.count() == 2, Order.objects.count())
try:
    with transaction.atomic():
        Product.objects.create(sku="X1", name="p1-1", price=1, category=c2)
    check("unique_together violation raises IntegrityError", False)
except IntegrityError:
    check("unique_together violation raises IntegrityError", True)
check("the failed atomic() left nothing", not Product.objects.filter(sku="X1").exists())
Product.objects.filter(sku="S6").delete()
check("a delete cascades to the orders", Order.objects.count() == 1, Order.objects.count())
try:
    c1.delete()
    check("PROTECT refuses to delete a referenced category", False)
except Exception as e:
    check("PROTECT refuses to delete a referenced category", "protected" in str(e).lower(), e)
got = [p.sku for p in Product.objects.order_by("-price")[:3]]
check("order_by + slicing", got == ["S20", "S19", "S18"], got)
check("in lookup", Product.objects.filter(sku__in=["S1", "S2", "nope"]).count() == 2)
check("range lookup", Product.objects.filter(price__range=(3, 6)).count() == 3)
with connection.cursor() as cur:
    cur.execute("EXPLAIN SELECT * FROM shop_product WHERE sku = %s", ["S9"])
    plan = " / ".join(r[0] for r in cur.fetchall())
check("the lookup by sku reads the unique index", "shop_product_sku_key" in plan, plan)
with connection.cursor() as cur:
    cons = connection.introspection.get_constraints(cur, "shop_product")
uniq = sorted(tuple(v["columns"]) for v in cons.values() if v["unique"] and not v["primary_key"])
check("introspection: the unique constraints", uniq == [("name", "category_id"), ("sku",)], uniq)
idx = [v["columns"] for k, v in cons.items() if v["index"] and k.endswith("_idx")]
check("introspection: the composite index", idx == [["price", "stock"]], idx)
fks = [v["foreign_key"] for v in cons.values() if v["foreign_key"]]
check("introspection: the foreign key", fks == [("shop_category", "id")], fks)
'''


def main():
    tap = wirelib.Tap()
    tmp = tempfile.mkdtemp(prefix="helios-django-")
    srv = wirelib.Server(dev=True)
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    py = "/usr/bin/python3"
    try:
        r = subprocess.run([py, "-m", "django", "startproject", "proj"], cwd=tmp, env=env,
                           capture_output=True, text=True)
        tap.ok(r.returncode == 0, "django-admin startproject", r.stderr[-300:])
        proj = os.path.join(tmp, "proj")
        subprocess.run([py, "manage.py", "startapp", "shop"], cwd=proj, env=env, check=True)
        with open(os.path.join(proj, "shop", "models.py"), "w") as f:
            f.write(MODELS)
        st = os.path.join(proj, "proj", "settings.py")
        with open(st) as f:
            s = f.read()
        s = s.replace("'django.contrib.staticfiles',", "'django.contrib.staticfiles',\n    'shop',")
        s += ("\nDATABASES = {'default': {'ENGINE': 'django.db.backends.postgresql', "
              "'NAME': 'postgres', 'USER': 'postgres', 'HOST': '127.0.0.1', 'PORT': '%d'}}\n"
              % srv.port)
        with open(st, "w") as f:
            f.write(s)

        def manage(*args):
            return subprocess.run([py, "manage.py"] + list(args), cwd=proj, env=env,
                                  capture_output=True, text=True)
        r = manage("makemigrations", "shop")
        tap.ok(r.returncode == 0, "makemigrations", r.stderr[-300:])
        r = manage("migrate")
        applied = r.stdout.count("... OK")
        tap.ok(r.returncode == 0 and applied == 19,
               "migrate applies the 19 migrations of contenttypes, auth, admin, sessions and "
               "the app", (applied, (r.stderr or r.stdout)[-600:]))
        r = subprocess.run([py, "-c", SCRIPT], cwd=proj, env=env, capture_output=True, text=True)
        lines = [l for l in r.stdout.splitlines() if l.startswith(("ok ", "not ok "))]
        tap.ok(r.returncode == 0 and len(lines) == 26, "the ORM script runs to its end (26 checks)",
               (len(lines), r.stderr[-800:]))
        for l in lines:
            tap.ok(l.startswith("ok "), "ORM: " + l.split(" ", 1 if l.startswith("ok") else 2)[-1])
        srv.restart()
        r = manage("migrate")
        tap.ok(r.returncode == 0 and "No migrations to apply" in r.stdout,
               "after a restart the schema is as migrate left it: nothing to apply",
               (r.stdout + r.stderr)[-400:])
        r = manage("inspectdb", "shop_product")
        tap.ok(r.returncode == 0 and "sku = models.CharField(unique=True, max_length=20)" in r.stdout
               and "unique_together = (('name', 'category'),)" in r.stdout,
               "inspectdb reads the table back with its unique constraints", r.stdout[-800:])
    finally:
        srv.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
