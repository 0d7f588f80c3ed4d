/* global probe, wpr008Probe, jQuery */
probe( 'include-same-site', "fetch with credentials: 'include' to 127.0.0.1:8081 (same site)", () =>
	fetch( 'http://127.0.0.1:8081/index.php?rest_route=/wpr008/v1/whoami', { method: 'POST', headers: { 'X-WP-Nonce': wpr008Probe.nonce }, credentials: 'include' } ), // expect: WPR008 ok: WPR009
	{ when: 'same-site' }
);

probe( 'include-cross-site', "fetch with credentials: 'include' to localhost:8081 (another site)", () =>
	fetch( 'http://localhost:8081/index.php?rest_route=/wpr008/v1/whoami', { method: 'POST', headers: { 'X-WP-Nonce': wpr008Probe.nonce }, credentials: 'include' } ), // expect: WPR008 ok: WPR009
	{ when: 'cross-site' }
);

probe( 'jquery-with-credentials-cross-site', 'jQuery.ajax with xhrFields.withCredentials to localhost:8081 (another site)', () =>
	jQuery.ajax( { url: 'http://localhost:8081/index.php?rest_route=/wpr008/v1/whoami', method: 'POST', headers: { 'X-WP-Nonce': wpr008Probe.nonce }, xhrFields: { withCredentials: true } } ).catch( () => null ), // expect: WPR008 ok: WPR009
	{ when: 'cross-site' }
);

probe( 'site-root', "fetch to the localized REST root with credentials: 'same-origin'", () =>
	fetch( wpr008Probe.root + 'wpr008/v1/whoami', { method: 'POST', headers: { 'X-WP-Nonce': wpr008Probe.nonce }, credentials: 'same-origin' } ), // ok: WPR008
	{ expect: { status: 200, user: 'logged-in' } }
);
