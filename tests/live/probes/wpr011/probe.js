/* global probe, wpr011Probe, wpr011Settings */
const wpr011Url = wpr011Probe.root + 'wpr011/v1/whoami';

probe( 'plain-read', 'X-WP-Nonce from wpr011Settings.nonce (the object was never printed)', () =>
	fetch( wpr011Url, { method: 'POST', credentials: 'same-origin', headers: { 'X-WP-Nonce': wpr011Settings.nonce } } )
);

probe( 'window-read', 'X-WP-Nonce from window.wpr011Settings.nonce', () =>
	fetch( wpr011Url, { method: 'POST', credentials: 'same-origin', headers: { 'X-WP-Nonce': window.wpr011Settings.nonce } } )
);

probe( 'optional-chaining', 'X-WP-Nonce from window.wpr011Settings?.nonce', () =>
	fetch( wpr011Url, { method: 'POST', credentials: 'same-origin', headers: { 'X-WP-Nonce': window.wpr011Settings?.nonce } } ),
	{ when: 'optional-chaining' }
);

probe( 'registered-handle', 'X-WP-Nonce from wpr011Probe.nonce (localized on the registered handle)', () =>
	fetch( wpr011Url, { method: 'POST', credentials: 'same-origin', headers: { 'X-WP-Nonce': wpr011Probe.nonce } } ),
	{ expect: { status: 200, user: 'logged-in' } }
);
