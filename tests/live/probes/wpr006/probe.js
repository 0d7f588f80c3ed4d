/* global probe, wpr006Probe */
function wpr006Post( path ) {
	return fetch( wpr006Probe.root + path, { method: 'POST', credentials: 'same-origin', body: new URLSearchParams( { note: 'anyone' } ) } );
}

probe( 'missing', 'a visitor POSTs to a route registered without permission_callback', () => wpr006Post( 'wpr006/v1/no-callback' ), { as: 'visitor' } );
probe( 'false-means-public', "a visitor POSTs to a route with 'permission_callback' => false", () => wpr006Post( 'wpr006/v1/false' ), { as: 'visitor' } );
probe( 'true-is-not-callable', "a visitor POSTs to a route with 'permission_callback' => true", () => wpr006Post( 'wpr006/v1/true' ), { as: 'visitor' } );
probe( 'return-false-denies', "a visitor POSTs to a route with 'permission_callback' => '__return_false'", () => wpr006Post( 'wpr006/v1/deny' ), {
	as: 'visitor',
	expect: { status: 401, code: 'rest_forbidden', user: 'visitor' },
} );
