#!/usr/bin/env python3
"""Push orders to the shop's WordPress with the login cookie and nonce copied from a logged-in browser (the bug).

WPR010's live probe. The live suite runs it with WPRL_SITE (the site's URL), WPRL_COOKIE_VALUE (the value of the
browser's wordpress_logged_in_<hash> cookie) and WPRL_NONCE (the wp_rest nonce of a page of that session), and
reads what it prints: the answer, as ``curl -i`` shows it.
"""

import hashlib
import json
import os
import sys
import urllib.error
import urllib.request

SITE = os.environ["WPRL_SITE"]
# WordPress names the cookie after the MD5 of the site's URL (COOKIEHASH).
COOKIE = f"wordpress_logged_in_{hashlib.md5(SITE.encode()).hexdigest()}={os.environ['WPRL_COOKIE_VALUE']}"


def main() -> int:
    body = json.dumps({"orders": []}).encode()
    req = urllib.request.Request(SITE + "/index.php?rest_route=/wpr010/v1/sync", data=body, method="POST")
    req.add_header("Content-Type", "application/json")
    req.add_header("Cookie", COOKIE)
    req.add_header("X-WP-Nonce", os.environ["WPRL_NONCE"])
    try:
        response = urllib.request.urlopen(req, timeout=30)  # expect: WPR010 probe: cookie-nonce, cookie-nonce-new-login, cookie-nonce-logged-out
    except urllib.error.HTTPError as error:
        response = error
    with response:
        print(f"HTTP/1.1 {response.status} {response.reason}\n{response.headers}{response.read().decode()}")
    return 0 if response.status == 200 else 1


if __name__ == "__main__":
    sys.exit(main())
