/* global probe, wpr014Probe */
probe( 'other-action', 'POST with the wp_rest X-WP-Nonce to the route that verifies it against wpr014_action', () =>
	fetch( wpr014Probe.root + 'wpr014/v1/verified', { method: 'POST', credentials: 'same-origin', headers: { 'X-WP-Nonce': wpr014Probe.nonce } } )
);

probe( 'ajax-referer', 'POST with the wp_rest X-WP-Nonce and the admin-ajax nonce in a JSON body', () =>
	fetch( wpr014Probe.root + 'wpr014/v1/ajax-referer', { method: 'POST', credentials: 'same-origin', headers: { 'X-WP-Nonce': wpr014Probe.nonce, 'Content-Type': 'application/json' }, body: JSON.stringify( { security: wpr014Probe.ajax } ) } )
);

probe( 'capability', 'POST with the wp_rest X-WP-Nonce to the capability route', () =>
	fetch( wpr014Probe.root + 'wpr014/v1/capability', { method: 'POST', credentials: 'same-origin', headers: { 'X-WP-Nonce': wpr014Probe.nonce } } ),
	{ expect: { status: 200, user: 'logged-in' } }
);
