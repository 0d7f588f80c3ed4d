/* global probe, wpr012Probe */
const wpr012Url = wpr012Probe.root + 'wpr012/v1/whoami';

probe( 'minted-by-rest-route', 'GET a nonce from the REST route, then POST with it as X-WP-Nonce', async () => {
	const minted = await ( await fetch( wpr012Probe.root + 'wpr012/v1/nonce', { credentials: 'same-origin' } ) ).json();
	return fetch( wpr012Url, { method: 'POST', credentials: 'same-origin', headers: { 'X-WP-Nonce': minted.nonce } } );
} );

probe( 'nopriv-only-as-user', 'a logged-in user asks admin-ajax for the nopriv-only action', () =>
	fetch( wpr012Probe.ajax + '?action=wpr012_nonce&wprl=wpr012', { credentials: 'same-origin' } )
);

probe( 'core-rest-nonce', "GET admin-ajax.php?action=rest-nonce, then POST with it as X-WP-Nonce", async () => {
	const nonce = await ( await fetch( wpr012Probe.ajax + '?action=rest-nonce', { credentials: 'same-origin' } ) ).text();
	return fetch( wpr012Url, { method: 'POST', credentials: 'same-origin', headers: { 'X-WP-Nonce': nonce } } );
}, { expect: { status: 200, user: 'logged-in' } } );
