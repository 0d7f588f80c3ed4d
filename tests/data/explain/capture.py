#!/usr/bin/env python3
"""Capture the REST answers ``explain`` is tested on, from a live WordPress (not run by the test suite).

    python3 tests/data/explain/capture.py OUTDIR

Builds a scratch WordPress from Debian's ``wordpress`` package (PHP built-in server, MariaDB on a socket,
plain permalinks, WP_DEBUG on, users ``admin`` and ``sub``), installs a probe mu-plugin (routes under
``t/v1``), logs in through wp-login.php with curl, and sends each case with ``curl -i``. For every case it
writes ``<case>.txt`` (exactly what ``curl -i`` printed), ``<case>.json`` (the body alone) and one
``cases.har`` (HAR 1.2, assembled from the same exchanges: request method, URL and headers as curl sent
them; it was not exported from a browser). Needs root, php-cli, php-mysql, mariadb-server, curl.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

LAB = Path(os.environ.get("LAB_DIR", "/tmp/wprl-explain-lab"))
WP = LAB / "wp"
PROBE = r"""<?php
add_filter( 'rest_authentication_errors', function ( $result ) {
	if ( ! empty( $_SERVER['HTTP_X_PROBE_EARLY_USER'] ) ) { wp_get_current_user(); } // D4b: user determined early
	return $result;
}, 5 );
add_action( 'rest_api_init', function () {
	register_rest_route( 't/v1', '/whoami', array( 'methods' => 'GET, POST', 'permission_callback' => '__return_true',
		'callback' => function () { return array( 'user' => get_current_user_id() ); } ) );
	register_rest_route( 't/v1', '/private', array( 'methods' => 'POST', 'permission_callback' => function () { return current_user_can( 'edit_posts' ); },
		'callback' => function () { return array( 'user' => get_current_user_id() ); } ) );
	if ( isset( $_GET['with_nopc'] ) ) { // only then: once a route lacks the callback, every answer carries X-WP-DoingItWrong
		register_rest_route( 't/v1', '/nopc', array( 'methods' => 'POST',
			'callback' => function () { return array( 'user' => get_current_user_id() ); } ) );
	}
	register_rest_route( 't/v1', '/broken', array( 'methods' => 'POST', 'permission_callback' => true,
		'callback' => function () { return array( 'user' => get_current_user_id() ); } ) );
	register_rest_route( 't/v1', '/items', array( 'methods' => 'POST', 'permission_callback' => function () { return current_user_can( 'edit_posts' ); },
		'args' => array( 'count' => array( 'type' => 'integer', 'required' => true ) ),
		'callback' => function ( $r ) { return array( 'count' => $r['count'] ); } ) );
	register_rest_route( 't/v1', '/mint', array( 'methods' => 'GET', 'permission_callback' => '__return_true',
		'callback' => function ( $r ) { return wp_create_nonce( $r['action'] ); } ) );
} );
"""

CONFIG = """<?php
define( 'DB_NAME', 'wp' ); define( 'DB_USER', 'root' ); define( 'DB_PASSWORD', '' );
define( 'DB_HOST', 'localhost:{sock}' ); define( 'DB_CHARSET', 'utf8mb4' ); define( 'DB_COLLATE', '' );
foreach ( array( 'AUTH_KEY', 'SECURE_AUTH_KEY', 'LOGGED_IN_KEY', 'NONCE_KEY', 'AUTH_SALT', 'SECURE_AUTH_SALT', 'LOGGED_IN_SALT', 'NONCE_SALT' ) as $k ) {{ define( $k, 'lab-' . $k ); }}
$table_prefix = 'wp_';
define( 'WP_HOME', '{url}' ); define( 'WP_SITEURL', '{url}' );
define( 'WP_DEBUG', true ); define( 'WP_DEBUG_DISPLAY', false ); define( 'WP_DEBUG_LOG', false );
define( 'WP_HTTP_BLOCK_EXTERNAL', true ); define( 'DISABLE_WP_CRON', true ); define( 'AUTOMATIC_UPDATER_DISABLED', true );
define( 'WP_ENVIRONMENT_TYPE', 'local' );
if ( ! defined( 'ABSPATH' ) ) {{ define( 'ABSPATH', __DIR__ . '/' ); }}
require_once ABSPATH . 'wp-settings.php';
"""

INSTALL = """<?php
$_SERVER['HTTP_HOST'] = '{host}'; $_SERVER['SERVER_NAME'] = '127.0.0.1'; $_SERVER['REQUEST_URI'] = '/';
define( 'WP_INSTALLING', true );
require '{wp}/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
wp_install( 'Lab', 'admin', 'admin@example.org', false, '', 'adminpass' );
wp_insert_user( array( 'user_login' => 'sub', 'user_pass' => 'subpass', 'user_email' => 'sub@example.org', 'role' => 'subscriber' ) );
update_option( 'permalink_structure', '' );
list( $password ) = WP_Application_Passwords::create_new_application_password( 1, array( 'name' => 'lab' ) );
echo $password;
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(procs: list) -> tuple[str, str]:
    if LAB.exists():
        shutil.rmtree(LAB)
    (LAB / "db").mkdir(parents=True)
    sock = LAB / "mysqld.sock"
    cnf = LAB / "my.cnf"
    cnf.write_text(f"[mysqld]\ndatadir={LAB / 'db'}\nsocket={sock}\nskip-networking\nuser=root\n"
                   "innodb_buffer_pool_size=64M\nperformance_schema=OFF\n")
    subprocess.run(["mariadb-install-db", f"--defaults-file={cnf}", "--auth-root-authentication-method=socket",
                    "--skip-test-db", "--skip-name-resolve"], check=True, capture_output=True)
    procs.append(subprocess.Popen(["mariadbd", f"--defaults-file={cnf}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    for _ in range(100):
        if sock.exists():
            break
        time.sleep(0.1)
    subprocess.run(["mariadb", f"--socket={sock}", "-e", "CREATE DATABASE wp"], check=True)
    shutil.copytree("/usr/share/wordpress", WP, symlinks=False, ignore=shutil.ignore_patterns(".htaccess"))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    (WP / "wp-config.php").write_text(CONFIG.format(sock=sock, url=url))
    (WP / "wp-content" / "mu-plugins").mkdir(exist_ok=True)
    (WP / "wp-content" / "mu-plugins" / "probe.php").write_text(PROBE)
    (LAB / "install.php").write_text(INSTALL.format(host=f"127.0.0.1:{port}", wp=WP))
    app_password = subprocess.run(["php", str(LAB / "install.php")], check=True, capture_output=True, text=True).stdout.strip()
    env = dict(os.environ, PHP_CLI_SERVER_WORKERS="4")
    # Its own process group: PHP_CLI_SERVER_WORKERS forks workers that must be stopped with it.
    procs.append(subprocess.Popen(["php", "-S", f"127.0.0.1:{port}", "-t", str(WP)], env=env, start_new_session=True,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    return url, app_password


def curl(*args: str) -> str:
    return subprocess.run(["curl", "-s", *args], check=True, capture_output=True, text=True).stdout


def login(url: str, user: str, password: str, jar: Path) -> None:
    curl("-c", str(jar), "-b", "wordpress_test_cookie=WP%20Cookie%20check", "-d", f"log={user}&pwd={password}&wp-submit=Log+In&testcookie=1",
         f"{url}/wp-login.php")


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "tests/data/explain")
    out.mkdir(parents=True, exist_ok=True)
    procs: list = []
    try:
        url, app_password = start(procs)
        admin, sub = LAB / "admin.jar", LAB / "sub.jar"
        login(url, "admin", "adminpass", admin)
        login(url, "sub", "subpass", sub)
        nonce = curl("-b", str(admin), f"{url}/wp-admin/admin-ajax.php?action=rest-nonce")
        sub_nonce = curl("-b", str(sub), f"{url}/wp-admin/admin-ajax.php?action=rest-nonce")
        rest = f"{url}/index.php?rest_route="
        my_action = json.loads(curl("-b", str(admin), "-H", f"X-WP-Nonce: {nonce}", f"{rest}/t/v1/mint&action=my_action"))
        assert re.fullmatch(r"[0-9a-f]{10}", nonce) and re.fullmatch(r"[0-9a-f]{10}", my_action), (nonce, my_action)
        json_type = ("-H", "Content-Type: application/json")
        cases = {
            # id: (DOMAIN test id / what it shows, cookie jar or None, curl arguments)
            "cookie_invalid_nonce_wrong_action": ("A3", admin, ["-X", "POST", "-H", f"X-WP-Nonce: {my_action}", f"{rest}/t/v1/private"]),
            "cookie_invalid_nonce_no_cookie": ("A7", None, ["-X", "POST", "-H", f"X-WP-Nonce: {nonce}", f"{rest}/t/v1/whoami"]),
            "cookie_invalid_nonce_cross_origin": ("A7 + E2", None, ["-X", "POST", "-H", "Origin: https://shop.example", "-H", f"X-WP-Nonce: {nonce}", f"{rest}/t/v1/private"]),
            "forbidden_401_no_nonce": ("B10", admin, ["-X", "POST", f"{rest}/t/v1/private"]),
            "forbidden_403_capability": ("B12", sub, ["-X", "POST", "-H", f"X-WP-Nonce: {sub_nonce}", f"{rest}/t/v1/private"]),
            "not_logged_in": ("wp/v2/users/me without nonce", admin, [f"{rest}/wp/v2/users/me"]),
            "no_route_method": ("B19", admin, ["-H", f"X-WP-Nonce: {nonce}", f"{rest}/t/v1/private"]),
            "no_route_path": ("typo in the path", admin, ["-X", "POST", "-H", f"X-WP-Nonce: {nonce}", f"{rest}/t/v1/privat"]),
            "invalid_param": ("argument validation", admin, ["-X", "POST", "-H", f"X-WP-Nonce: {nonce}", *json_type, "-d", '{"count":"many"}', f"{rest}/t/v1/items"]),
            "missing_callback_param": ("required argument missing", admin, ["-X", "POST", "-H", f"X-WP-Nonce: {nonce}", *json_type, "-d", "{}", f"{rest}/t/v1/items"]),
            "invalid_json": ("malformed JSON body", admin, ["-X", "POST", "-H", f"X-WP-Nonce: {nonce}", *json_type, "-d", '{"count":', f"{rest}/t/v1/items"]),
            "cannot_create_403": ("wp/v2/posts as subscriber", sub, ["-X", "POST", "-H", f"X-WP-Nonce: {sub_nonce}", *json_type, "-d", '{"title":"x"}', f"{rest}/wp/v2/posts"]),
            "cannot_create_401": ("wp/v2/posts, cookie without nonce", admin, ["-X", "POST", *json_type, "-d", '{"title":"x"}', f"{rest}/wp/v2/posts"]),
            "incorrect_password": ("D4b", None, ["-X", "POST", "-u", "admin:wrong pass word xxxx", "-H", "X-Probe-Early-User: 1", f"{rest}/t/v1/whoami"]),
            "permission_callback_true_500": ("'permission_callback' => true", admin, ["-X", "POST", "-H", f"X-WP-Nonce: {nonce}", f"{rest}/t/v1/broken"]),
            "permission_callback_true_500_json": ("the same, Accept: application/json as apiFetch sends", admin, ["-X", "POST", "-H", "Accept: application/json, */*;q=0.1", "-H", f"X-WP-Nonce: {nonce}", f"{rest}/t/v1/broken"]),
            "ok_user_0": ("A1", admin, ["-X", "POST", f"{rest}/t/v1/whoami"]),
            "ok_user_1": ("A2", admin, ["-X", "POST", "-H", f"X-WP-Nonce: {nonce}", f"{rest}/t/v1/whoami"]),
            "ok_no_permission_callback": ("B15", None, ["-X", "POST", f"{rest}/t/v1/nopc&with_nopc=1"]),
            "ok_application_password": ("D1", None, ["-X", "POST", "-u", f"admin:{app_password}", f"{rest}/t/v1/private"]),
        }
        entries = []
        for name, (source, jar, args) in cases.items():
            full = ["-i", *(["-b", str(jar)] if jar else []), *args]
            raw = subprocess.run(["curl", "-s", *full], check=True, capture_output=True).stdout
            raw = raw.replace(url.encode(), b"http://127.0.0.1:8080").replace(url[7:].encode(), b"127.0.0.1:8080")
            (out / f"{name}.txt").write_bytes(raw)
            head, _, body = raw.replace(b"\r\n", b"\n").partition(b"\n\n")
            (out / f"{name}.json").write_bytes(body)
            entries.append(_har_entry(name, source, jar, args, head.decode(), body.decode(), url))
        har = {"log": {"version": "1.2", "creator": {"name": "wp-rest-lint tests/data/explain/capture.py", "version": "1"},
                       "pages": [], "entries": entries}}
        (out / "cases.har").write_text(json.dumps(har, indent=1) + "\n")
        print(f"wrote {len(cases)} cases to {out}")
    finally:
        for proc in reversed(procs):
            try:
                os.killpg(proc.pid, signal.SIGTERM) if proc.args[0] == "php" else proc.terminate()
            except ProcessLookupError:
                pass
            proc.wait(10)
    return 0


def _har_entry(name: str, source: str, jar, args: list[str], head: str, body: str, url: str) -> dict:
    method, target, headers = "GET", "", []
    it = iter(range(len(args)))
    for i in it:
        a = args[i]
        if a == "-X":
            method = args[i + 1]; next(it)
        elif a == "-H":
            k, _, v = args[i + 1].partition(":"); headers.append({"name": k.strip(), "value": v.strip()}); next(it)
        elif a in ("-d", "-u"):
            if a == "-d" and method == "GET":
                method = "POST"
            if a == "-u":
                headers.append({"name": "Authorization", "value": "Basic (redacted)"})
            next(it)
        else:
            target = a
    if jar is not None:
        cookies = [line.split("\t") for line in Path(jar).read_text().splitlines() if line.startswith("#HttpOnly_") or (line and not line.startswith("#"))]
        names = [c[5] for c in cookies if len(c) > 6 and c[2] == "/"]
        headers.append({"name": "Cookie", "value": "; ".join(f"{n}=(redacted)" for n in names)})
    lines = head.splitlines()
    status = int(lines[0].split()[1])
    response_headers = [{"name": k.strip(), "value": v.strip()} for k, _, v in (l.partition(":") for l in lines[1:])]
    return {
        "comment": f"{name}: {source}",
        "startedDateTime": "2026-12-08T00:00:00.000Z", "time": 0,
        "request": {"method": method, "url": target.replace(url, "http://127.0.0.1:8080"), "httpVersion": "HTTP/1.1",
                    "headers": headers, "queryString": [], "cookies": [], "headersSize": -1, "bodySize": -1},
        "response": {"status": status, "statusText": " ".join(lines[0].split()[2:]), "httpVersion": "HTTP/1.1",
                     "headers": response_headers, "cookies": [],
                     "content": {"size": len(body), "mimeType": "application/json; charset=UTF-8", "text": body},
                     "redirectURL": "", "headersSize": -1, "bodySize": len(body)},
        "cache": {}, "timings": {"send": 0, "wait": 0, "receive": 0},
        "_resourceType": "fetch",
    }


if __name__ == "__main__":
    sys.exit(main())
