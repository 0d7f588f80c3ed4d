/* global probe, wpr007Probe */
probe( 'own-page-no-nonce', "the plugin's page POSTs without a nonce", () =>
	fetch( wpr007Probe.root + 'wpr007/v1/whoami', { method: 'POST', credentials: 'same-origin' } ) // expect: WPR013
);

// Forms on other origins, submitted by the live suite as top-level POSTs (a CSRF attempt).
probe( 'same-site-form', 'a form on 127.0.0.1:8081 (same site, another origin) POSTs to the route', null, {
	form: { from: 'same-site', action: 'http://127.0.0.1:8080/index.php?rest_route=/wpr007/v1/whoami' },
	when: 'same-site-form',
} );
probe( 'cross-site-form', 'a form on localhost:8081 (another site) POSTs to the route, right after login', null, {
	form: { from: 'cross-site', action: 'http://127.0.0.1:8080/index.php?rest_route=/wpr007/v1/whoami' },
	when: 'cross-site-form',
} );
