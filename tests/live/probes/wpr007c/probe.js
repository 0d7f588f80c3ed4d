/* global probe, wpr007cProbe */
probe( 'no-nonce', 'POST without a nonce', () =>
	fetch( wpr007cProbe.root + 'wpr007c/v1/whoami', { method: 'POST', credentials: 'same-origin' } ) // expect: WPR013
);

probe( 'with-nonce', 'POST with X-WP-Nonce', () =>
	fetch( wpr007cProbe.root + 'wpr007c/v1/whoami', { method: 'POST', credentials: 'same-origin', headers: { 'X-WP-Nonce': wpr007cProbe.nonce } } ),
	{ expect: { status: 200, user: 'logged-in' } }
);

probe( 'same-site-form', 'a form on 127.0.0.1:8081 (same site) POSTs to the route', null, {
	form: { from: 'same-site', action: 'http://127.0.0.1:8080/index.php?rest_route=/wpr007c/v1/whoami' },
	expect: { status: 401, code: 'rest_forbidden' },
} );
