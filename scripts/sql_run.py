#!/usr/bin/env python3
"""Runs the SQL back end's test cases on a real engine.

    sql_run.py [--timing] ENGINE DIR [DIR ...]      ENGINE: postgres | duckdb | spark

Each DIR holds schema.sql, load.sql and screen.sql (one SELECT). For each DIR
in order: run schema.sql, load.sql, then screen.sql, and write the result to
DIR/result-ENGINE.csv (a header row, then the rows in the engine's order; NULL
an empty cell; Python's csv module with "\\n" line ends, UTF-8), or the error
to DIR/error-ENGINE.txt and go on with the next DIR. Both are removed at the
start of each DIR. Exit 0 when the runner worked, whatever the DIRs did;
2 when the engine is missing or unreachable.

postgres: psql from $RULEC_PG_BIN (default /usr/lib/postgresql/15/bin),
connecting by PGHOST/PGPORT/PGUSER/PGDATABASE (see scripts/sql-engines); the
server reads load.sql's COPY FROM files itself, as its OS user.
--timing: per DIR and in total, seconds spent loading (schema + load) and
screening, on stderr.
"""
import csv
import datetime
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ENGINES = ("postgres", "duckdb", "spark")


class SetupError(Exception):
    """The engine itself cannot be used: no DIR can run."""


def statements(text):
    """A file's statements, for spark.sql (one at a time), split by the
    generator's guarantee: a statement ends with ';' as the last character
    of a line, no string literal holds a newline, and a line starting with
    '--' is a comment."""
    out, cur = [], []
    for line in text.splitlines():
        if line.lstrip().startswith("--"):
            continue
        cur.append(line)
        if line.rstrip().endswith(";"):
            out.append("\n".join(cur).rstrip()[:-1])
            cur = []
    if "\n".join(cur).strip():
        out.append("\n".join(cur))
    return [s for s in out if s.strip()]


def screen_query(path):
    """screen.sql's one query without its trailing ';' (and comment lines
    after it), so that it can stand inside COPY (...) or spark.sql."""
    lines = read(path).splitlines()
    while lines and (not lines[-1].strip() or lines[-1].lstrip().startswith("--")):
        lines.pop()
    return "\n".join(lines).rstrip().rstrip(";")


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def cell(v):
    """One value as text, the same for every engine's Python types."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, datetime.datetime):
        return v.isoformat(sep=" ")
    if isinstance(v, datetime.date):
        return v.isoformat()
    return str(v)


def write_result(d, engine, columns, rows):
    tmp = os.path.join(d, f".result-{engine}.csv.tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(columns)
        for row in rows:
            w.writerow([cell(v) for v in row])
    # Renamed only when whole: a reader never sees half a result.
    os.replace(tmp, os.path.join(d, f"result-{engine}.csv"))


def write_error(d, engine, message):
    with open(os.path.join(d, f"error-{engine}.txt"), "w", encoding="utf-8") as f:
        f.write(message.rstrip() + "\n")


def clear(d, engine):
    for name in (f"result-{engine}.csv", f"error-{engine}.txt"):
        try:
            os.remove(os.path.join(d, name))
        except FileNotFoundError:
            pass


class Timing:
    def __init__(self, engine, on):
        self.engine, self.on, self.load, self.screen = engine, on, 0.0, 0.0

    def dir(self, d, load, screen):
        self.load += load
        self.screen += screen
        if self.on:
            print(f"timing {self.engine} {d} load={load:.4f} screen={screen:.4f}", file=sys.stderr)

    def total(self, n, setup, wall):
        if self.on:
            print(f"timing {self.engine} total dirs={n} setup={setup:.3f} load={self.load:.3f}"
                  f" screen={self.screen:.3f} wall={wall:.3f}", file=sys.stderr)


def run_duckdb(dirs, timing):
    try:
        import duckdb
    except ImportError as e:
        raise SetupError(f"duckdb is not installed for {sys.executable}: {e}")
    for d in dirs:
        clear(d, "duckdb")
        try:
            # A fresh in-memory database per DIR; execute runs every
            # ';'-separated statement of a file.
            con = duckdb.connect(":memory:")
            try:
                t0 = time.perf_counter()
                con.execute(read(os.path.join(d, "schema.sql")))
                con.execute(read(os.path.join(d, "load.sql")))
                t1 = time.perf_counter()
                # DuckDB writes the result itself: fetching a million rows
                # into Python would time Python, not the query.
                out = os.path.join(d, "result-duckdb.csv").replace("'", "''")
                query = screen_query(os.path.join(d, "screen.sql"))
                con.execute(f"COPY ({query}) TO '{out}' (FORMAT csv, HEADER true)")
                timing.dir(d, t1 - t0, time.perf_counter() - t1)
            finally:
                con.close()
        except Exception as e:  # the DIR's failure, never the runner's
            write_error(d, "duckdb", f"{type(e).__name__}: {e}")


def spark_session():
    try:
        from pyspark.sql import SparkSession
    except ImportError as e:
        raise SetupError(f"pyspark is not installed for {sys.executable}: {e}")
    warehouse = tempfile.mkdtemp(prefix="rulec-spark-")
    # log4j off from the JVM's start: setLogLevel comes after Spark's banner,
    # and a failing query would log its error (as JSON) besides raising it.
    log4j = os.path.join(warehouse, "log4j2.properties")
    with open(log4j, "w") as f:
        # With no appender Spark would take this for log4j's default
        # configuration and load its own instead.
        f.write("rootLogger.level = off\nrootLogger.appenderRef.e.ref = e\n"
                "appender.e.type = Console\nappender.e.name = e\nappender.e.target = SYSTEM_ERR\n"
                # pyspark counts as a shell: Spark announces that it sets WARN
                # unless the first class to log (the gateway) has a level.
                "logger.g.name = org.apache.spark.api.python.PythonGatewayServer\n"
                "logger.g.level = off\n")
    # Local mode needs no network: bind to loopback, not the host's address.
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    spark = (SparkSession.builder.master("local[2]").appName("rulec-sql-run")
             .config("spark.ui.enabled", "false")
             .config("spark.sql.shuffle.partitions", "2")
             .config("spark.sql.session.timeZone", "UTC")
             .config("spark.sql.warehouse.dir", warehouse)
             .config("spark.ui.showConsoleProgress", "false")
             # The generated screens (200 criteria, aggregates' windows,
             # cohorts' status columns) are large plans: Spark's default
             # heap of 1 GiB ran out in CI, and the machine has 24.
             .config("spark.driver.memory", "4g")
             .config("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile={log4j}")
             .getOrCreate())
    spark.sparkContext.setLogLevel("OFF")
    return spark, warehouse


def run_spark(dirs, timing):
    t0 = time.perf_counter()
    try:
        spark, warehouse = spark_session()
    except SetupError:
        raise
    except Exception as e:
        raise SetupError(f"cannot start Spark: {e}")
    if timing.on:
        print(f"timing spark session={time.perf_counter() - t0:.3f}", file=sys.stderr)
    try:
        for i, d in enumerate(dirs):
            clear(d, "spark")
            # One database per DIR, dropped with its tables afterwards;
            # temporary views belong to the session and are dropped by name.
            db = f"rc_{i}"
            try:
                spark.sql(f"CREATE DATABASE {db}")
                spark.sql(f"USE {db}")
                t0 = time.perf_counter()
                for name in ("schema.sql", "load.sql"):
                    for s in statements(read(os.path.join(d, name))):
                        spark.sql(s)
                t1 = time.perf_counter()
                df = spark.sql(screen_query(os.path.join(d, "screen.sql")))
                write_result(d, "spark", df.columns, df.collect())
                timing.dir(d, t1 - t0, time.perf_counter() - t1)
            except Exception as e:
                write_error(d, "spark", f"{type(e).__name__}: {e}")
            finally:
                spark.sql("USE default")
                spark.sql(f"DROP DATABASE IF EXISTS {db} CASCADE")
                # SHOW VIEWS, not catalog.listTables: 15 ms against 110.
                for v in spark.sql("SHOW VIEWS").collect():
                    if v.isTemporary:
                        spark.catalog.dropTempView(v.viewName)
    finally:
        spark.stop()
        shutil.rmtree(warehouse, ignore_errors=True)


def psql_quote(path):
    """A psql meta-command argument: single quotes, psql's escapes doubled."""
    return "'" + path.replace("\\", "\\\\").replace("'", "''") + "'"


def run_postgres(dirs, timing):
    psql = os.path.join(os.environ.get("RULEC_PG_BIN", "/usr/lib/postgresql/15/bin"), "psql")
    if not os.access(psql, os.X_OK):
        raise SetupError(f"no psql at {psql} (set RULEC_PG_BIN)")
    # Schema names carry the pid: cargo runs tests, so runners, in parallel
    # on the one cluster.
    schema = lambda i: f"rc_{os.getpid()}_{i}"
    work = tempfile.mkdtemp(prefix="rulec-psql-")
    # Options the caller gives (PGOPTIONS) are kept.
    options = (os.environ.get("PGOPTIONS", "") + " -c client_min_messages=warning").strip()
    env = dict(os.environ, PGCLIENTENCODING="UTF8", PGOPTIONS=options)
    try:
        todo, queries = [], {}
        for i, d in enumerate(dirs):
            clear(d, "postgres")
            try:
                queries[i] = screen_query(os.path.join(d, "screen.sql"))
                todo.append(i)
            except (OSError, UnicodeError) as e:
                write_error(d, "postgres", f"{type(e).__name__}: {e}")
        leftover = []
        # One psql for as many DIRs as run without error: ON_ERROR_STOP ends
        # it at a failing DIR, told by the last marker on stderr; that DIR
        # gets the error, and a new psql goes on with the DIRs after it.
        while todo:
            script = [f'DROP SCHEMA IF EXISTS "{s}" CASCADE;' for s in leftover]
            if timing.on:
                script.append("\\timing on")
            for i in todo:
                d, s = dirs[i], schema(i)
                script += [
                    f"\\warn @@rulec {i}",
                    f"\\echo @@rulec load {i}",
                    f'DROP SCHEMA IF EXISTS "{s}" CASCADE; CREATE SCHEMA "{s}"; SET search_path TO "{s}";',
                    "\\i " + psql_quote(os.path.join(d, "schema.sql")),
                    "\\i " + psql_quote(os.path.join(d, "load.sql")),
                    "\\o " + psql_quote(os.path.join(work, f"{i}.csv")),
                    f"\\echo @@rulec screen {i}",
                    # The newline ends a '--' comment on the query's last line.
                    f"COPY (\n{queries[i]}\n) TO STDOUT WITH (FORMAT csv, HEADER true);",
                    "\\o",
                    f"\\echo @@rulec load {i}",
                    f'SET search_path TO public; DROP SCHEMA "{s}" CASCADE;',
                ]
            path = os.path.join(work, "batch.sql")
            with open(path, "w", encoding="utf-8") as f:
                f.write("\n".join(script) + "\n")
            try:
                p = subprocess.run([psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", path],
                                   env=env, capture_output=True, text=True)
            except OSError as e:
                raise SetupError(f"cannot run {psql}: {e}")
            # stderr: "@@rulec i" lines, each followed by what DIR i printed.
            failed, message = None, []
            for line in p.stderr.splitlines():
                m = re.fullmatch(r"@@rulec (\d+)", line)
                if m:
                    failed, message = int(m.group(1)), []
                else:
                    message.append(line)
            if failed is None and p.returncode != 0:
                raise SetupError(f"psql failed before any DIR ran (exit {p.returncode}):\n{p.stderr}")
            leftover = []  # dropped by the script's first lines
            times = psql_times(p.stdout) if timing.on else {}
            ok = todo if p.returncode == 0 else todo[:todo.index(failed)]
            for i in ok:
                with open(os.path.join(work, f"{i}.csv"), newline="", encoding="utf-8") as f:
                    rows = list(csv.reader(f))
                # COPY's CSV already writes NULL as an empty cell; rewritten
                # so that all engines' files have the same quoting and ends.
                write_result(dirs[i], "postgres", rows[0], rows[1:])
                timing.dir(dirs[i], *times.get(i, (0.0, 0.0)))
            if p.returncode == 0:
                break
            # An error in the COPY around screen.sql names the batch file.
            screen = os.path.join(dirs[failed], "screen.sql")
            text = re.sub(rf"psql:{re.escape(path)}:\d+:", f"psql:{screen}:", "\n".join(message))
            write_error(dirs[failed], "postgres", text)
            leftover, todo = [schema(failed)], todo[todo.index(failed) + 1:]
        if leftover:
            subprocess.run([psql, "-X", "-q", "-c", f'DROP SCHEMA IF EXISTS "{leftover[0]}" CASCADE'],
                           env=env, capture_output=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def psql_times(stdout):
    """{i: (load, screen)} seconds from \\timing's 'Time:' lines, summed
    under the '@@rulec PHASE i' markers (server round trips, psql's own
    parsing of the files not counted)."""
    times, phase, i = {}, None, None
    for line in stdout.splitlines():
        m = re.fullmatch(r"@@rulec (load|screen) (\d+)", line)
        if m:
            phase, i = m.group(1), int(m.group(2))
            times.setdefault(i, [0.0, 0.0])
            continue
        m = re.match(r"Time: ([0-9.]+) ms", line)
        if m and i is not None:
            times[i][phase == "screen"] += float(m.group(1)) / 1000
    return {i: tuple(t) for i, t in times.items()}


def main(argv):
    timing_on = "--timing" in argv
    args = [a for a in argv if a != "--timing"]
    if len(args) < 2 or args[0] not in ENGINES:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    engine, dirs = args[0], [os.path.abspath(d) for d in args[1:]]
    timing = Timing(engine, timing_on)
    t0 = time.perf_counter()
    run = {"postgres": run_postgres, "duckdb": run_duckdb, "spark": run_spark}[engine]
    try:
        run(dirs, timing)
    except SetupError as e:
        print(f"sql_run.py: {engine}: {e}", file=sys.stderr)
        return 2
    wall = time.perf_counter() - t0
    timing.total(len(dirs), wall - timing.load - timing.screen, wall)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
