/* global probe */
// Cases run outside the browser: the live suite runs each script (``outside``) itself, with the site's URL, the
// admin's logged-in cookie and this page's wp_rest nonce (wpApiSettings.nonce), or the admin's Application
// Password. ``when`` says what the browser did between taking the cookie and nonce and running the script.
probe( 'cookie-nonce', "a Python script (urllib) POSTs with the browser's logged-in cookie and X-WP-Nonce, while that session lives", null, {
	outside: 'bin/sync.py',
} );
probe( 'cookie-nonce-new-login', 'the same, after the user logged in again in the browser (a new session; the old one was not ended)', null, {
	outside: 'bin/sync.py',
	when: 'new-login',
} );
probe( 'cookie-nonce-logged-out', 'the same, after the user logged out in the browser (the session ended)', null, {
	outside: 'bin/sync.py',
	when: 'session-ended',
} );
probe( 'app-password', 'a Python script (urllib) POSTs with an Application Password (HTTP Basic), no cookie, no nonce', null, {
	outside: 'bin/sync_app_password.py',
	expect: { status: 200, user: 'logged-in' },
} );
probe( 'app-password-logged-out', 'the same, after the user logged out in the browser', null, {
	outside: 'bin/sync_app_password.py',
	when: 'session-ended',
	expect: { status: 200, user: 'logged-in' },
} );
probe( 'app-password-stale-nonce', 'an Application Password script that still sends the X-WP-Nonce of a session that ended', null, {
	outside: 'bin/sync_app_password_old_nonce.py',
	when: 'session-ended',
	expect: { status: 200, user: 'logged-in' },
} );
