/* global probe, wpr003Probe, jQuery */
const wpr003Url = wpr003Probe.root + 'wpr003/v1/whoami';

probe( 'credentials-omit', "fetch with credentials: 'omit' and X-WP-Nonce", () =>
	fetch( wpr003Url, { method: 'POST', headers: { 'X-WP-Nonce': wpr003Probe.nonce }, credentials: 'omit' } ) // expect: WPR003
);

probe( 'default-credentials', 'fetch with X-WP-Nonce and no credentials option (the default is same-origin)', () =>
	fetch( wpr003Url, { method: 'POST', headers: { 'X-WP-Nonce': wpr003Probe.nonce } } ) // expect: WPR003:note
);

probe( 'other-port-same-origin-credentials', "fetch to the same WordPress on another port (same site), credentials: 'same-origin'", () =>
	fetch( 'http://127.0.0.1:8081/index.php?rest_route=/wpr003/v1/whoami', { method: 'POST', headers: { 'X-WP-Nonce': wpr003Probe.nonce }, credentials: 'same-origin' } ), // expect: WPR003:warning, WPR008 ok: WPR009
	{ when: 'same-site' }
);

probe( 'other-site-no-credentials', 'fetch to the same WordPress as localhost (another site), no credentials option', () =>
	fetch( 'http://localhost:8081/index.php?rest_route=/wpr003/v1/whoami', { method: 'POST', headers: { 'X-WP-Nonce': wpr003Probe.nonce } } ), // expect: WPR003:warning, WPR008 ok: WPR009
	{ when: 'cross-site' }
);

probe( 'other-port-xhr', 'XMLHttpRequest to the same WordPress on another port (same site), no withCredentials', () => {
	const xhr = new XMLHttpRequest();
	xhr.open( 'POST', 'http://127.0.0.1:8081/index.php?rest_route=/wpr003/v1/whoami' ); // expect: WPR003:warning, WPR008 ok: WPR009
	xhr.setRequestHeader( 'X-WP-Nonce', wpr003Probe.nonce );
	xhr.send();
}, { when: 'same-site' } );

probe( 'same-origin-credentials', "fetch with X-WP-Nonce and credentials: 'same-origin'", () =>
	fetch( wpr003Url, { method: 'POST', headers: { 'X-WP-Nonce': wpr003Probe.nonce }, credentials: 'same-origin' } ), // ok: WPR003
	{ expect: { status: 200, user: 'logged-in' } }
);

probe( 'omit-without-nonce', "fetch with credentials: 'omit' and no nonce (an anonymous request)", () =>
	fetch( wpr003Url, { method: 'POST', credentials: 'omit' } ), // ok: WPR003 expect: WPR013
	{ expect: { status: 401, code: 'rest_forbidden', user: 'visitor' } }
);
