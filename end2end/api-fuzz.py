#!/usr/bin/env python3
"""Schema-driven fuzzing of a running Rega (demo data) with schemathesis, as every kind of
caller: anonymous, a citizen, a desk, a supervisor, the administrator and a kiosk. Each run
generates requests from the served OpenAPI description and checks every answer: no 5xx, only documented status codes
and content types, bodies that match their schemas. Exits non-zero if any run found anything.

usage: api-fuzz.py URL KIOSK_CREDENTIAL REGISTRY_CREDENTIAL [MAX_EXAMPLES]

Run by `cargo xtask test` against a SQLite and a PostgreSQL server (xtask/src/fuzz_api.rs).
"""

import http.cookiejar
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
    ]
)
CITIZEN = "100000000002"
STAFF_PASSWORD = "rega-demo-staff"


def post(opener, url, body):
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"content-type": "application/json"},
        method="POST",
    )
    with opener.open(request) as response:
        return response.status


def session_cookie(jar):
    cookies = [f"{c.name}={c.value}" for c in jar]
    if not cookies:
        raise SystemExit("api-fuzz: signing in gave no session cookie")
    return "; ".join(cookies)


def citizen_cookie(api):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    post(opener, f"{api}/auth/code", {"national_id": CITIZEN})
    query = urllib.parse.urlencode({"national_id": CITIZEN})
    code = None
    for _ in range(50):  # the SMS is handed over after the answer
        with opener.open(f"{api}/dev/outbox?{query}") as response:
            outbox = json.load(response)
        codes = [c for m in outbox for c in re.findall(r"[0-9]{6}", m["text"])]
        if codes:
            code = codes[-1]
            break
        time.sleep(0.1)
    if code is None:
        raise SystemExit(f"api-fuzz: no sign-in code in the outbox: {outbox}")
    post(opener, f"{api}/auth/verify", {"national_id": CITIZEN, "code": code})
    return session_cookie(jar)


def staff_cookie(api, username):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    post(opener, f"{api}/staff/sign-in", {"username": username, "password": STAFF_PASSWORD})
    return session_cookie(jar)


def main():
    if len(sys.argv) < 4:
        raise SystemExit(__doc__)
    url, kiosk, registry = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3]
    examples = sys.argv[4] if len(sys.argv) > 4 else "20"
    api = f"{url}/api/v1"
    schemathesis = os.path.join(os.path.dirname(sys.executable), "schemathesis")
    callers = [
        ("anonymous", [], []),
        # Before the supervisor's run, which may revoke the kiosk.
        ("kiosk", ["-H", f"Authorization: Kiosk {kiosk}"], ["--include-tag", "kiosk"]),
        ("registry", ["-H", f"Authorization: Registry {registry}"], ["--include-tag", "registry"]),
        ("citizen", ["-H", f"Cookie: {citizen_cookie(api)}"], ["--exclude-path", "/auth/sign-out"]),
        ("desk", ["-H", f"Cookie: {staff_cookie(api, 'erbil-desk')}"], ["--exclude-path", "/staff/sign-out"]),
        (
            "supervisor",
            ["-H", f"Cookie: {staff_cookie(api, 'erbil-supervisor')}"],
            ["--exclude-path", "/staff/sign-out"],
        ),
        # Last: it may deactivate the other accounts or reset their passwords.
        ("admin", ["-H", f"Cookie: {staff_cookie(api, 'network-admin')}"], ["--include-tag", "admin"]),
    ]
    failed = []
    for name, headers, selection in callers:
        print(f"api-fuzz: {name}", flush=True)
        command = [
            schemathesis,
            "run",
            f"{api}/openapi.json",
            "--url",
            api,
            "--checks",
            CHECKS,
            "--max-examples",
            examples,
            "--seed",
            "20261205",
            "--generation-database",
            "none",
            "--request-timeout",
            "30",
            "--workers",
            "1",
            "--no-color",
            # An event stream stays open for as long as the client listens: a fuzzer that found
            # a real directorate would wait out its timeout. server/tests/api/staff/events.rs
            # covers it.
            "--exclude-path",
            "/events",
            *headers,
            *selection,
        ]
        # In a scratch directory: schemathesis keeps a cache of what it found where it runs.
        with tempfile.TemporaryDirectory() as scratch:
            result = subprocess.run(command, cwd=scratch)
        if result.returncode != 0:
            failed.append(name)
    if failed:
        raise SystemExit(f"api-fuzz: schemathesis found failures as: {', '.join(failed)}")
    print("api-fuzz: no failures as anonymous, kiosk, registry, citizen, desk, supervisor and admin")


if __name__ == "__main__":
    main()
