// Saves the form: the nonce was made with the action 'acme_save', so core rejects it.
function save( data ) {
	return fetch( acmeSave.root + 'acme/v1/save', {
		method: 'POST',
		credentials: 'same-origin',
		headers: { 'X-WP-Nonce': acmeSave.nonce, 'Content-Type': 'application/json' },
		body: JSON.stringify( data ),
	} );
}

// Settings: the nonce travels in the JSON body only, so the request runs as user 0.
function saveSettings( data ) {
	return fetch( acmeSave.root + 'acme/v1/settings', {
		method: 'POST',
		credentials: 'same-origin',
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify( { nonce: acmeSave.nonce, data } ),
	} );
}

// A GET to a route that has no such path.
function loadItem( id ) {
	return fetch( acmeSave.root + 'acme/v1/item/' + id, { credentials: 'same-origin' } );
}
