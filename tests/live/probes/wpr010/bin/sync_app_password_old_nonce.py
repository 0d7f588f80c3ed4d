#!/usr/bin/env python3
"""Moved to an Application Password, but still sends the X-WP-Nonce it used to (a look-alike: core never reads
a nonce next to HTTP Basic credentials when no logged-in cookie comes with them).

WPR010's live probe. The live suite runs it with WPRL_SITE, WPRL_USER, WPRL_APP_PASSWORD and WPRL_NONCE (here the
nonce of a session that has ended) and reads what it prints: the answer, as ``curl -i`` shows it.
"""

import base64
import json
import os
import sys
import urllib.error
import urllib.request

SITE = os.environ["WPRL_SITE"]
CREDENTIALS = base64.b64encode(f"{os.environ['WPRL_USER']}:{os.environ['WPRL_APP_PASSWORD']}".encode()).decode()


def main() -> int:
    headers = {
        "Content-Type": "application/json",
        "Authorization": "Basic " + CREDENTIALS,
        "X-WP-Nonce": os.environ["WPRL_NONCE"],
    }
    body = json.dumps({"orders": []}).encode()
    req = urllib.request.Request(SITE + "/index.php?rest_route=/wpr010/v1/sync", data=body, headers=headers, method="POST")
    try:
        response = urllib.request.urlopen(req, timeout=30)  # ok: WPR010
    except urllib.error.HTTPError as error:
        response = error
    with response:
        print(f"HTTP/1.1 {response.status} {response.reason}\n{response.headers}{response.read().decode()}")
    return 0 if response.status == 200 else 1


if __name__ == "__main__":
    sys.exit(main())
