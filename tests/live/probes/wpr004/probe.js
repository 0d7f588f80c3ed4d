/* global probe, wpr004Probe */
const wpr004Url = wpr004Probe.root + 'wpr004/v1/whoami';

// Phase 1: a page keeps the nonce it was given. Phase 2 runs after the browser logged in again (a new session).
probe( 'store', 'the page keeps its nonce in localStorage', () => {
	localStorage.setItem( 'wpr004Nonce', wpr004Probe.nonce ); // expect: WPR004 probe: stored-after-new-login
}, { expect: { sent: false } } );

probe( 'stored-after-new-login', 'after a new login, X-WP-Nonce read back from localStorage', () =>
	fetch( wpr004Url, { method: 'POST', credentials: 'same-origin', headers: { 'X-WP-Nonce': localStorage.getItem( 'wpr004Nonce' ) } } ), // expect: WPR004
	{ phase: 2 }
);

probe( 'page-nonce-after-new-login', 'after a new login, X-WP-Nonce the new page printed', () =>
	fetch( wpr004Url, { method: 'POST', credentials: 'same-origin', headers: { 'X-WP-Nonce': wpr004Probe.nonce } } ), // ok: WPR004
	{ phase: 2, expect: { status: 200, user: 'logged-in' } }
);
