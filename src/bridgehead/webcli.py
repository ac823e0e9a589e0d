"""Web sub-commands of ``bridgehead``: demo, serve, worker, import, export, backup, restore, privacy.

Each handler calls ``setup()`` (Django) first and then a service; nothing here holds domain logic.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn
from rich.table import Table

console = Console()
err_console = Console(stderr=True, soft_wrap=True)  # error lines stay whole for grep and scripts


def _demo(ns: argparse.Namespace, setup: Callable[[], None]) -> int:
    setup()
    from django.conf import settings  # Django is configured only by setup() above

    if not settings.DEBUG:
        # The demo (re)creates a superuser "admin" and other logins with a published password.
        err_console.print(
            "[red]bridgehead demo runs only on a development site (DEBUG=1): it creates logins, among them "
            "the administrator 'admin', with a published password.[/] Nothing was changed.",
            highlight=False,
        )
        return 2
    from bridgehead.demo.scenario import DEMO_PASSWORD, load_demo  # Django is configured only by setup() above

    with Progress(SpinnerColumn(), TextColumn("[bold]Loading the demo:[/] {task.description}"), console=console) as bar:
        task = bar.add_task("starting", total=None)
        logins = load_demo(
            password=ns.password or DEMO_PASSWORD, progress=lambda label: bar.update(task, description=label)
        )
    table = Table(title="Demo logins (password: %s)" % (ns.password or DEMO_PASSWORD))
    table.add_column("username")
    table.add_column("role")
    for username, role in logins:
        table.add_row(username, role)
    console.print(table)
    return 0


def _serve(ns: argparse.Namespace, setup: Callable[[], None]) -> int:
    """Serve with granian (WSGI); static files through whitenoise. With ``--with-worker`` a background worker
    runs beside it under one supervisor (``make demo``), so one Ctrl-C stops both."""
    setup()
    from django.conf import settings  # Django is configured only by setup() above

    url = f"http://{ns.host}:{ns.port}/"
    stop_hint = "Ctrl+C stops the site and the worker" if ns.with_worker else "Ctrl+C stops it"
    console.print(f"[bold green]Bridgehead is served at {url}[/]  ({stop_hint})", soft_wrap=True)
    if os.environ.get("BRIDGEHEAD_PRINT_LOGINS", "1") == "1" and settings.DEBUG:
        from bridgehead.demo.scenario import DEMO_PASSWORD, DEMO_USERS  # Django is configured only by setup() above

        names = ", ".join(u[0] for u in DEMO_USERS)
        console.print(f"Demo logins: {names} — password [bold]{DEMO_PASSWORD}[/]", soft_wrap=True)
    granian = Path(sys.executable).with_name("granian")
    args = [
        str(granian),
        "--interface",
        "wsgi",
        "--host",
        ns.host,
        "--port",
        str(ns.port),
        "--workers",
        str(ns.workers),
        "--blocking-threads",
        str(ns.threads),
        "bridgehead.site.wsgi:application",
    ]
    if not ns.with_worker:
        os.execv(args[0], args)  # noqa: S606 - replaces this process with the server, arguments are ours
    bridgehead = Path(sys.executable).with_name("bridgehead")
    worker = [str(bridgehead), "worker", "--no-reload", "--no-startup-delay", "--interval", "1"]
    return supervise({"site": args, "worker": worker})


def _parent_death_signal() -> Callable[[], None] | None:
    """Linux: a function for the child (run between fork and exec) that makes it receive SIGTERM when the
    supervisor dies without stopping it, even by SIGKILL, so no orphan keeps serving. Resolved before forking,
    so the child only makes the system call."""
    try:
        import ctypes  # Linux-only parent-death signal

        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    return lambda: prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG


def supervise(commands: dict[str, list[str]], *, grace: float = 10.0) -> int:
    """Run the commands side by side until one ends or this process gets SIGINT/SIGTERM; then stop them all.

    Each child runs in its own process group, so a terminal's Ctrl-C reaches only this supervisor, which
    forwards exactly one SIGTERM to each (a second signal would make the worker abandon its task). Children
    still running ``grace`` seconds later get a second SIGTERM (the worker then stops its task, which is
    recorded as failed), then SIGKILL. If a child ends on its own, the others are stopped too: a site whose
    worker died would leave every run waiting. Returns 0 after a requested stop, else the child's exit code.
    """
    stop = {"requested": False}

    def request_stop(signum: int, _frame: object) -> None:
        stop["requested"] = True

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    children: dict[str, subprocess.Popen] = {}
    code = 0
    die_with_parent = _parent_death_signal()
    try:
        for name, argv in commands.items():
            children[name] = subprocess.Popen(argv, process_group=0, preexec_fn=die_with_parent)  # noqa: S603
            console.print(f"{name}: pid {children[name].pid}")
        while not stop["requested"]:
            ended = [(name, child.returncode) for name, child in children.items() if child.poll() is not None]
            if ended:
                name, code = ended[0]
                err_console.print(f"[red]The {name} stopped (exit code {code}); stopping the rest.[/]")
                code = code or 1
                break
            time.sleep(0.2)
    finally:
        _stop_children(children, grace=grace)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    console.print("Stopped.")
    return code


def _stop_children(children: dict[str, subprocess.Popen], *, grace: float) -> None:
    for attempt in (signal.SIGTERM, signal.SIGTERM, signal.SIGKILL):
        alive = [child for child in children.values() if child.poll() is None]
        if not alive:
            return
        for child in alive:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, attempt)  # the whole group: granian's own worker processes too
        deadline = time.monotonic() + (grace if attempt == signal.SIGTERM else 5.0)
        for child in alive:
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.wait(timeout=max(0.0, deadline - time.monotonic()))


def _worker(ns: argparse.Namespace, setup: Callable[[], None]) -> int:
    setup()
    from django.core.management import call_command  # Django is configured only by setup() above

    # No reloading unless asked: Django's reloader runs the worker in a child process that outlives a
    # terminated parent, which would leave a worker behind whoever stops `bridgehead worker`.
    options = [*ns.args, "--reload" if ns.reload else "--no-reload"]
    if ns.interval is not None:
        options += ["--interval", str(ns.interval)]
    if ns.no_startup_delay:
        options.append("--no-startup-delay")
    call_command("run_worker", *options)
    return 0


def _acting_user(username: str | None):
    """The user a command acts as: ``--as USERNAME``, or the only active site administrator when there is
    exactly one (a fresh installation). ``None`` when neither names one."""
    from django.db.models import Q  # Django is configured only by setup() above

    from bridgehead.core.enums import Role  # Django is configured only by setup() above
    from bridgehead.core.models import User

    if username:
        return User.objects.filter(username=username, is_active=True).first()
    admins = User.objects.filter(Q(is_superuser=True) | Q(roles__role=Role.SITE_ADMIN), is_active=True).distinct()
    admins = list(admins[:2])
    return admins[0] if len(admins) == 1 else None


def _import(ns: argparse.Namespace, setup: Callable[[], None]) -> int:
    setup()
    from bridgehead.core.actions import acting_as  # Django is configured only by setup() above
    from bridgehead.core.errors import Refused
    from bridgehead.registry import services

    path = Path(ns.file)
    if not path.is_file():
        err_console.print(f"[red]{path}: no such file[/]")
        return 2
    user = _acting_user(ns.acting_as)
    if user is None:
        who = f"no active user {ns.acting_as!r}" if ns.acting_as else "more than one (or no) site administrator"
        err_console.print(f"[red]{who}: name the user the import acts as with --as USERNAME[/]", highlight=False)
        return 2
    try:
        with (
            acting_as(user, via="cli"),
            Progress(SpinnerColumn(), TextColumn("{task.description}"), console=console, transient=True) as bar,
        ):
            bar.add_task(f"checking {path.name}", total=None)
            result = services.import_spreadsheet(
                kind=ns.kind, filename=path.name, content=path.read_bytes(), by=user, dry_run=ns.dry_run
            )
    except Refused as exc:
        err_console.print(f"[red]{user.username}: {exc.message} ({exc.code})[/]", highlight=False)
        return 2
    if result.problems:
        err_console.print(f"[red]{path.name}: {len(result.problems)} problem(s); nothing was written.[/]")
        for problem in result.problems:
            err_console.print(f"  {problem} [{problem.code}]", markup=False, highlight=False)
        return 1
    if ns.dry_run:
        console.print(f"{path.name}: {len(result.rows)} rows valid ({result.encoding}); dry run, nothing written.")
    else:
        console.print(f"{path.name}: {result.created} {ns.kind} imported ({result.encoding}) as {user.username}.")
    return 0


def _export(ns: argparse.Namespace, setup: Callable[[], None]) -> int:
    setup()
    from bridgehead.registry import services  # Django is configured only by setup() above
    from bridgehead.registry.models import Organisation, Person

    queryset = Organisation.objects.all() if ns.kind == "organisations" else Person.objects.all()
    file_format = "xlsx" if ns.output.endswith(".xlsx") else "csv"
    Path(ns.output).write_bytes(services.export(kind=ns.kind, queryset=queryset, file_format=file_format))
    console.print(f"wrote {ns.output}")
    return 0


def _partnering_import(ns: argparse.Namespace, setup: Callable[[], None]) -> int:
    setup()
    from bridgehead.engines.schedule import InstanceError, load_instance  # Django is configured only by setup() above
    from bridgehead.partnering import bulk
    from bridgehead.partnering.models import Event

    event = Event.objects.filter(slug=ns.event).first()
    if event is None:
        err_console.print(f"[red]no event with slug {ns.event!r}[/]")
        return 2
    try:
        instance = load_instance(ns.instance)
        counts = bulk.import_instance(event=event, instance=instance)
    except (InstanceError, ValueError, OSError) as exc:
        err_console.print(f"[red]{ns.instance}: {exc}[/]; nothing was imported", highlight=False)
        return 2
    console.print(
        f"{ns.event}: {counts['participants']} participants, {counts['meetings']} accepted meetings, "
        f"{counts['slots']} slots imported"
    )
    return 0


def _partnering_housekeeping(ns: argparse.Namespace, setup: Callable[[], None]) -> int:
    """Expire pending requests past their deadline and remind people of requests waiting for them."""
    setup()
    from bridgehead.partnering import services  # Django is configured only by setup() above
    from bridgehead.partnering.enums import EventStatus
    from bridgehead.partnering.models import Event

    for event in Event.objects.filter(status=EventStatus.PUBLISHED):
        expired = services.expire_requests(event=event)
        reminded = services.remind_pending(event=event)
        console.print(f"{event.slug}: {expired} requests expired, {reminded} people reminded")
    return 0


def _privacy_actor(ns: argparse.Namespace):
    user = _acting_user(ns.acting_as)
    if user is None:
        who = f"no active user {ns.acting_as!r}" if ns.acting_as else "more than one (or no) site administrator"
        err_console.print(f"[red]{who}: name the administrator acting with --as USERNAME[/]", highlight=False)
    return user


def _privacy_export(ns: argparse.Namespace, setup: Callable[[], None]) -> int:
    """Write the archive of one person's data (a site administrator answering a request, PIPA art. 35)."""
    setup()
    from bridgehead.core import privacy  # Django is configured only by setup() above
    from bridgehead.core.actions import acting_as
    from bridgehead.core.errors import Refused

    user = _privacy_actor(ns)
    if user is None:
        return 2
    try:
        with acting_as(user, via="cli"):
            subject = privacy.resolve(ns.person)
            archive = privacy.export_person(subject=subject, by=user)
    except Refused as exc:
        err_console.print(f"[red]{exc.message} ({exc.code})[/]", highlight=False)
        return 2
    output = Path(ns.output or f"personal-data-{subject.user.pk if subject.user else subject.person.pk}.zip")
    output.write_bytes(archive.content)
    table = Table(title=f"Personal data of {subject}: {output}", title_justify="left")
    table.add_column("section")
    table.add_column("rows", justify="right")
    for name, count in archive.manifest["sections"].items():
        table.add_row(name, str(count))
    console.print(table)
    console.print(f"{len(archive.manifest['files'])} files; audit entry written as {user.username}.")
    return 0


def _privacy_erase(ns: argparse.Namespace, setup: Callable[[], None]) -> int:
    """Show what erasing a person does; with ``--yes``, do it (PIPA art. 36, GDPR art. 17)."""
    setup()
    from bridgehead.core import privacy  # Django is configured only by setup() above
    from bridgehead.core.actions import acting_as
    from bridgehead.core.errors import Refused

    user = _privacy_actor(ns)
    if user is None:
        return 2
    try:
        with acting_as(user, via="cli"):
            subject = privacy.resolve(ns.person)
            label = str(subject)
            erase = privacy.erase_person if ns.yes else privacy.preview_erasure
            steps = erase(subject=subject, by=user)
    except Refused as exc:
        err_console.print(f"[red]{exc.message} ({exc.code})[/]", highlight=False)
        return 2
    verb = "Erased" if ns.yes else "Erasing would do"
    console.print(f"[bold]{verb}: {label}[/]", highlight=False)
    for line in privacy.summary(steps):
        console.print(line, markup=False, highlight=False)
    if not ns.yes:
        err_console.print("Nothing was changed. Run again with --yes to erase.", highlight=False)
        return 1
    return 0


def _privacy_purge(ns: argparse.Namespace, setup: Callable[[], None]) -> int:
    """Delete what the retention policy (docs/operating.md) keeps only for a while."""
    setup()
    from bridgehead.core import privacy  # Django is configured only by setup() above
    from bridgehead.registry import privacy as registry_privacy

    age = dt.timedelta(days=ns.days)
    batches = registry_privacy.purge_import_batches(older_than=age)
    tasks = privacy.purge_task_results(older_than=age)
    console.print(
        f"older than {ns.days} days: {batches} uploaded import files, {tasks} finished background tasks deleted"
    )
    return 0


def _positive_days(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of days of at least 1")
    return int(text)


def add_parsers(subparsers: argparse._SubParsersAction, *, setup: Callable[[], None]) -> None:
    privacy = subparsers.add_parser("privacy", help="a person's data: export it, erase it; purge expired records")
    privacy_commands = privacy.add_subparsers(dest="privacy_command", required=True)
    for name, helptext in (
        ("export", "write a ZIP of everything stored about PERSON (JSON + their files)"),
        ("erase", "anonymise PERSON, keeping records others rely on (shows what it would do without --yes)"),
    ):
        command = privacy_commands.add_parser(name, help=helptext)
        command.add_argument("person", metavar="PERSON", help="login name, e-mail address or person id (person:12)")
        command.add_argument(
            "--as",
            dest="acting_as",
            metavar="USERNAME",
            help="the administrator acting (named in the audit log); default: the only site administrator",
        )
        if name == "export":
            command.add_argument("-o", "--output", help="where to write the archive (default personal-data-ID.zip)")
            command.set_defaults(handler=lambda ns: _privacy_export(ns, setup))
        else:
            command.add_argument("--yes", action="store_true", help="really erase (without it: a preview)")
            command.set_defaults(handler=lambda ns: _privacy_erase(ns, setup))
    purge = privacy_commands.add_parser(
        "purge", help="delete uploaded import files and finished background tasks older than --days (run daily)"
    )
    purge.add_argument("--days", type=_positive_days, default=30, help="keep this many days (default 30)")
    purge.set_defaults(handler=lambda ns: _privacy_purge(ns, setup))

    demo = subparsers.add_parser("demo", help="load (or refresh) the Ulsan–San Diego demo scenario")
    demo.add_argument("--password", help="password for the demo logins")
    demo.set_defaults(handler=lambda ns: _demo(ns, setup))

    serve = subparsers.add_parser("serve", help="serve the site with granian")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument("--threads", type=int, default=4)
    serve.add_argument(
        "--with-worker",
        action="store_true",
        help="also run a background worker; Ctrl+C stops both (what `make demo` runs)",
    )
    serve.set_defaults(handler=lambda ns: _serve(ns, setup))

    worker = subparsers.add_parser("worker", help="run background tasks (django-tasks database worker)")
    worker.add_argument(
        "--reload",
        action=argparse.BooleanOptionalAction,
        default=False,
        help="restart on code changes (a development convenience; off by default)",
    )
    worker.add_argument("--interval", type=float, help="seconds between looks at the queue when idle (default 1)")
    worker.add_argument("--no-startup-delay", action="store_true", help="start taking tasks at once")
    worker.add_argument("args", nargs=argparse.REMAINDER, help="further options passed to db_worker")
    worker.set_defaults(handler=lambda ns: _worker(ns, setup))

    imp = subparsers.add_parser("import", help="import organisations or people from CSV/XLSX (all or nothing)")
    imp.add_argument("kind", choices=["organisations", "people"])
    imp.add_argument("file")
    imp.add_argument("--dry-run", action="store_true", help="validate only; write nothing")
    imp.add_argument(
        "--as",
        dest="acting_as",
        metavar="USERNAME",
        help="the user the import acts as (named in the audit log); default: the only site administrator",
    )
    imp.set_defaults(handler=lambda ns: _import(ns, setup))

    partnering = subparsers.add_parser("partnering", help="partnering events: import an instance, housekeeping")
    partnering_commands = partnering.add_subparsers(dest="partnering_command", required=True)
    imp_instance = partnering_commands.add_parser(
        "import-instance", help="load a scheduler instance (JSON) into an event as participants and meetings"
    )
    imp_instance.add_argument("instance")
    imp_instance.add_argument("--event", required=True, help="slug of an existing event")
    imp_instance.set_defaults(handler=lambda ns: _partnering_import(ns, setup))
    housekeeping = partnering_commands.add_parser(
        "housekeeping", help="expire overdue requests and send reminders (run hourly from cron)"
    )
    housekeeping.set_defaults(handler=lambda ns: _partnering_housekeeping(ns, setup))

    exp = subparsers.add_parser("export", help="export organisations or people to .xlsx or .csv")
    exp.add_argument("kind", choices=["organisations", "people"])
    exp.add_argument("-o", "--output", required=True)
    exp.set_defaults(handler=lambda ns: _export(ns, setup))

    save = subparsers.add_parser("backup", help="write the database and uploaded files to one archive (.tar.gz)")
    save.add_argument("archive", help="where to write it, e.g. backups/bridgehead-2026-11-30.tar.gz")
    save.set_defaults(handler=lambda ns: _backup(ns, setup))
    load = subparsers.add_parser(
        "restore", help="restore an archive into an empty database and upload directory, then verify it"
    )
    load.add_argument("archive")
    load.add_argument("--replace", action="store_true", help="overwrite a database and uploads that hold data")
    load.set_defaults(handler=lambda ns: _restore(ns, setup))


def _backup(ns: argparse.Namespace, setup: Callable[[], None]) -> int:
    setup()
    from bridgehead.core.backup import BackupError, backup  # Django is configured only by setup() above

    with Progress(SpinnerColumn(), TextColumn("[bold]Backup:[/] {task.description}"), console=console) as bar:
        task = bar.add_task("starting", total=None)
        try:
            manifest = backup(Path(ns.archive), progress=lambda label: bar.update(task, description=label))
        except BackupError as error:
            err_console.print(f"[red]{error}[/] No archive was written.", highlight=False)
            return 1
    rows = sum(manifest.tables.values())
    console.print(
        f"{ns.archive}: {manifest.vendor} database, {len(manifest.tables)} tables, {rows} rows, "
        f"{len(manifest.files)} uploaded files."
    )
    return 0


def _restore(ns: argparse.Namespace, setup: Callable[[], None]) -> int:
    setup()
    from bridgehead.core.backup import BackupError, restore  # Django is configured only by setup() above

    with Progress(SpinnerColumn(), TextColumn("[bold]Restore:[/] {task.description}"), console=console) as bar:
        task = bar.add_task("starting", total=None)
        try:
            manifest = restore(
                Path(ns.archive), replace=ns.replace, progress=lambda label: bar.update(task, description=label)
            )
        except BackupError as error:
            err_console.print(f"[red]{error}[/]", highlight=False)
            return 1
    rows = sum(manifest.tables.values())
    console.print(
        f"Restored and verified: {len(manifest.tables)} tables, {rows} rows, {len(manifest.files)} uploaded files "
        f"(backup of {manifest.created_at})."
    )
    return 0
