/* global probe, wpr007bProbe */
probe( 'no-nonce', 'POST without a nonce', () =>
	fetch( wpr007bProbe.root + 'wpr007b/v1/whoami', { method: 'POST', credentials: 'same-origin' } ) // expect: WPR013
);

probe( 'forged-nonce', 'POST with _wpnonce=forged in a form body', () =>
	fetch( wpr007bProbe.root + 'wpr007b/v1/whoami', { method: 'POST', credentials: 'same-origin', body: new URLSearchParams( { _wpnonce: 'forged' } ) } ),
	{ when: 'forged-nonce' }
);
