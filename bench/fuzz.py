"""The route fuzzer (tests/security/fuzzing.py) on a long run: hostile inputs through every route.

    python bench/fuzz.py [--n 10000] [--seed 1]

Bootstraps a temporary instance (migrated, seeded database, compiled catalogs), starts a real
SMTP server on 127.0.0.1 for the reminder confirmations, builds the fuzzer's world (workspace,
team, client, correction, reviewer) and sends ``--n`` requests, half with CSRF protection on
and half with it off (so the validation behind it is reached). Prints the count per status
code, the first failures if any, the rate, and last a line
``inputs=<n> server_errors=<n> reflections=<n> seconds=<s>``. No asserts: the suite's
tests/security/test_fuzz.py is the bounded check; this is the long one.
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import socket
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiosmtpd.controller import Controller  # noqa: E402

from dsar import create_app  # noqa: E402
from dsar.bootstrap import bootstrap  # noqa: E402
from dsar.config import load_settings  # noqa: E402
from tests.security.fuzzing import Fuzzer, Report, build_world  # noqa: E402

ADMIN_TOKEN = "a fuzzing reviewer's token, long enough to be accepted"


class _Sink:
    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)  # the app logs every refused request; the counts say it
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings({"DSAR_INSTANCE_PATH": tmp, "DSAR_SECRET_KEY": "bench-secret"})
        bootstrap(settings)
        smtp = Controller(_Sink(), hostname="127.0.0.1", port=_free_port())
        smtp.start()
        try:
            app = create_app({"DSAR_INSTANCE_PATH": tmp, "DSAR_SECRET_KEY": "bench-secret", "TESTING": True,
                              "DSAR_TODAY": date(2026, 11, 26),
                              "BABEL_TRANSLATION_DIRECTORIES": str(settings.compiled_catalogs)})
            app.config["DSAR_SETTINGS"] = dataclasses.replace(
                app.config["DSAR_SETTINGS"], admin_token=ADMIN_TOKEN,
                smtp_url=f"smtp://127.0.0.1:{smtp.port}?from=reminders@dsar.example")
            world = build_world(app, ADMIN_TOKEN)
            started = time.perf_counter()
            report = Fuzzer(app, world, seed=args.seed).run(args.n, Report())
            seconds = time.perf_counter() - started
            app.extensions["dsar_engine"].dispose()
        finally:
            smtp.stop()
    for status, count in sorted(report.by_status.items()):
        print(f"status {status}: {count}")
    for failure in report.failures[:5]:
        print(f"FAILURE {failure}")
    endpoints = sorted({r.endpoint for r in app.url_map.iter_rules()})
    silent = [e for e in endpoints if not report.answered[e]]
    print(f"endpoints reached at least once: {len(endpoints) - len(silent)} of {len(endpoints)}"
          f" (never: {', '.join(silent) or 'none'})")
    reflections = sum("marker reflected" in f for f in report.failures)
    print(f"{report.inputs / seconds:.0f} requests/s")
    print(f"inputs={report.inputs} server_errors={report.server_errors} reflections={reflections} "
          f"seconds={seconds:.1f}")


if __name__ == "__main__":
    main()
