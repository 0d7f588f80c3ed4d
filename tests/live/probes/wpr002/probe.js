/* global probe, wpr002Probe */
const wpr002Url = wpr002Probe.root + 'wpr002/v1/private';

probe( 'json-body', 'the nonce in a JSON body ({ nonce }), capability route', () =>
	fetch( wpr002Url, { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify( { nonce: wpr002Probe.nonce } ) } ) // expect: WPR002
);

probe( 'json-body-wpnonce', 'the nonce in a JSON body under _wpnonce, capability route', () =>
	fetch( wpr002Url, { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify( { _wpnonce: wpr002Probe.nonce } ) } ) // expect: WPR002
);

probe( 'form-post-wpnonce', 'the nonce as _wpnonce in a form-encoded POST body', () =>
	fetch( wpr002Url, { method: 'POST', credentials: 'same-origin', body: new URLSearchParams( { _wpnonce: wpr002Probe.nonce } ) } ), // ok: WPR002
	{ expect: { status: 200, user: 'logged-in' } }
);

probe( 'header', 'the nonce as the X-WP-Nonce header, JSON body', () =>
	fetch( wpr002Url, { method: 'POST', credentials: 'same-origin', headers: { 'X-WP-Nonce': wpr002Probe.nonce, 'Content-Type': 'application/json' }, body: JSON.stringify( { title: 'x' } ) } ), // ok: WPR002
	{ expect: { status: 200, user: 'logged-in' } }
);
