/* global probe, wpr001Probe */
const wpr001Url = wpr001Probe.root + 'wpr001/v1/whoami';

probe( 'custom-action-header', "X-WP-Nonce made with wp_create_nonce( 'wpr001_form' )", () =>
	fetch( wpr001Url, { method: 'POST', credentials: 'same-origin', headers: { 'X-WP-Nonce': wpr001Probe.formNonce } } ) // expect: WPR001
);

probe( 'no-action-header', 'X-WP-Nonce made with wp_create_nonce() (action -1)', () =>
	fetch( wpr001Url, { method: 'POST', credentials: 'same-origin', headers: { 'X-WP-Nonce': wpr001Probe.anyNonce } } ) // expect: WPR001
);

probe( 'form-field-shadows-header', "FormData _wpnonce of 'wpr001_form' next to a correct X-WP-Nonce header", () => {
	const form = new FormData();
	form.append( '_wpnonce', wpr001Probe.formNonce ); // expect: WPR001
	return fetch( wpr001Url, { method: 'POST', credentials: 'same-origin', headers: { 'X-WP-Nonce': wpr001Probe.restNonce }, body: form } );
} );

probe( 'wp-rest-header', "X-WP-Nonce made with wp_create_nonce( 'wp_rest' )", () =>
	fetch( wpr001Url, { method: 'POST', credentials: 'same-origin', headers: { 'X-WP-Nonce': wpr001Probe.restNonce } } ), // ok: WPR001
	{ expect: { status: 200, user: 'logged-in' } }
);
