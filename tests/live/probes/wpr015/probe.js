/* global probe, wpr015Probe */
probe( 'misspelt-path', "POST to 'wpr015/v1/item' (the route is 'items')", () =>
	fetch( wpr015Probe.root + 'wpr015/v1/item', { method: 'POST', credentials: 'same-origin', headers: { 'X-WP-Nonce': wpr015Probe.nonce } } ) // expect: WPR015
);

probe( 'wrong-method', 'GET a POST-only route', () =>
	fetch( wpr015Probe.root + 'wpr015/v1/items', { method: 'GET', credentials: 'same-origin', headers: { 'X-WP-Nonce': wpr015Probe.nonce } } ) // expect: WPR015
);

probe( 'registered', 'POST to the registered route', () =>
	fetch( wpr015Probe.root + 'wpr015/v1/items', { method: 'POST', credentials: 'same-origin', headers: { 'X-WP-Nonce': wpr015Probe.nonce } } ), // ok: WPR015
	{ expect: { status: 200, user: 'logged-in' } }
);
