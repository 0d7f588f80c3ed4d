/* global probe, wpr009Probe */
probe( 'literal-wp-json', "GET '/wp-json/wpr009/v1/whoami' on a plain-permalink site", () =>
	fetch( '/wp-json/wpr009/v1/whoami', { credentials: 'same-origin', headers: { 'X-WP-Nonce': wpr009Probe.nonce } } ), // expect: WPR009
	{ when: 'php-builtin' }
);

probe( 'literal-rest-route', "GET '/?rest_route=/wpr009/v1/whoami' (a site at the root of its host)", () =>
	fetch( '/?rest_route=/wpr009/v1/whoami', { credentials: 'same-origin', headers: { 'X-WP-Nonce': wpr009Probe.nonce } } ) // expect: WPR009
);

probe( 'localized-root', 'GET the localized REST root + wpr009/v1/whoami', () =>
	fetch( wpr009Probe.root + 'wpr009/v1/whoami', { credentials: 'same-origin', headers: { 'X-WP-Nonce': wpr009Probe.nonce } } ), // ok: WPR009
	{ expect: { status: 200, user: 'logged-in' } }
);
