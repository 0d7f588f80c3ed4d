/* global probe, wpr005Probe */
probe( 'anonymous-write', 'a visitor (no cookie, no nonce) POSTs to the __return_true route', () =>
	fetch( wpr005Probe.root + 'wpr005/v1/open-title', { method: 'POST', credentials: 'same-origin', body: new URLSearchParams( { title: 'anyone' } ) } ),
	{ as: 'visitor' }
);

probe( 'anonymous-capability-route', 'a visitor POSTs to the capability-checked route', () =>
	fetch( wpr005Probe.root + 'wpr005/v1/title', { method: 'POST', credentials: 'same-origin', body: new URLSearchParams( { title: 'anyone' } ) } ), // expect: WPR013
	{ as: 'visitor', expect: { status: 401, code: 'rest_forbidden', user: 'visitor' } }
);

probe( 'subscriber-capability-route', 'a subscriber with a valid nonce POSTs to the capability-checked route', () =>
	fetch( wpr005Probe.root + 'wpr005/v1/title', { method: 'POST', credentials: 'same-origin', headers: { 'X-WP-Nonce': wpr005Probe.nonce }, body: new URLSearchParams( { title: 'sub' } ) } ),
	{ as: 'subscriber', expect: { status: 403, code: 'rest_forbidden', user: 'logged-in' } }
);

probe( 'admin-capability-route', 'an administrator with a valid nonce POSTs to the capability-checked route', () =>
	fetch( wpr005Probe.root + 'wpr005/v1/title', { method: 'POST', credentials: 'same-origin', headers: { 'X-WP-Nonce': wpr005Probe.nonce }, body: new URLSearchParams( { title: 'admin' } ) } ),
	{ expect: { status: 200, user: 'logged-in' } }
);
