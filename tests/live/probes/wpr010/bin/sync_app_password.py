#!/usr/bin/env python3
"""Push orders to the shop's WordPress with an Application Password (the correction): HTTP Basic, no cookie, no nonce.

WPR010's live probe. The live suite runs it with WPRL_SITE, WPRL_USER and WPRL_APP_PASSWORD (an Application
Password of that user) and reads what it prints: the answer, as ``curl -i`` shows it.
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
    body = json.dumps({"orders": []}).encode()
    req = urllib.request.Request(SITE + "/index.php?rest_route=/wpr010/v1/sync", data=body, method="POST")
    req.add_header("Content-Type", "application/json")
    req.add_header("Authorization", "Basic " + CREDENTIALS)
    try:
        response = urllib.request.urlopen(req, timeout=30)
    except urllib.error.HTTPError as error:
        response = error
    with response:
        print(f"HTTP/1.1 {response.status} {response.reason}\n{response.headers}{response.read().decode()}")
    return 0 if response.status == 200 else 1


if __name__ == "__main__":
    sys.exit(main())
