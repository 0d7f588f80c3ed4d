/* global probe, wpr016Probe */
probe( 'visitor-user-id', 'a visitor POSTs to the route whose callback returns get_current_user_id()', () =>
	fetch( wpr016Probe.root + 'wpr016/v1/mine', { method: 'POST', credentials: 'same-origin' } ), // expect: WPR013
	{ as: 'visitor' }
);

probe( 'visitor-boolean', 'a visitor POSTs to the route whose callback returns get_current_user_id() > 0', () =>
	fetch( wpr016Probe.root + 'wpr016/v1/checked', { method: 'POST', credentials: 'same-origin' } ), // expect: WPR013
	{ as: 'visitor', expect: { status: 401, code: 'rest_forbidden', user: 'visitor' } }
);
