/* global probe, wpr013Probe */
probe( 'capability-route', 'a logged-in administrator POSTs without a nonce to the current_user_can route', () =>
	fetch( wpr013Probe.root + 'wpr013/v1/private', { method: 'POST', credentials: 'same-origin' } ) // expect: WPR013
);

probe( 'user-id-route', 'a logged-in administrator POSTs without a nonce to the route whose callback returns get_current_user_id()', () =>
	fetch( wpr013Probe.root + 'wpr013/v1/mine', { method: 'POST', credentials: 'same-origin' } ) // expect: WPR013
);

probe( 'user-id-grant-visitor', 'a visitor POSTs to the route whose callback returns get_current_user_id()', () =>
	fetch( wpr013Probe.root + 'wpr013/v1/mine', { method: 'POST', credentials: 'same-origin' } ), // expect: WPR013
	{ as: 'visitor' }
);

probe( 'capability-route-with-nonce', 'the same POST with X-WP-Nonce', () =>
	fetch( wpr013Probe.root + 'wpr013/v1/private', { method: 'POST', credentials: 'same-origin', headers: { 'X-WP-Nonce': wpr013Probe.nonce } } ), // ok: WPR013
	{ expect: { status: 200, user: 'logged-in' } }
);
