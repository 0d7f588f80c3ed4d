/* The live lab's harness: probe scripts register cases with probe( name, description, run, options );
 * the test runs them with wprlRun( filter ) and gets, for each case, every request the page sent (through
 * fetch or XMLHttpRequest, so jQuery and axios too), what came back, and the error the case threw, if any. */
( function () {
	'use strict';
	var cases = [];
	var current = null;

	window.probe = function ( name, description, run, options ) {
		cases.push( { name: name, description: description, run: run, options: options || {} } );
	};

	function observe( method, url, status, text, user ) {
		var body = String( text || '' ).trim();
		var kind = 'text';
		var json;
		try {
			json = JSON.parse( body );
			kind = 'json';
		} catch ( e ) {
			if ( /^<!DOCTYPE html|^<html/i.test( body ) ) {
				kind = 'html';
			}
		}
		var code = json && typeof json === 'object' && typeof json.code === 'string' ? json.code : null;
		if ( ( user === null || user === undefined ) && json && typeof json === 'object' && 'user' in json ) {
			user = json.user;
		}
		return {
			method: String( method || 'GET' ).toUpperCase(),
			url: String( url ),
			status: status,
			code: code,
			user: user === null || user === undefined || user === '' ? null : Number( user ),
			kind: kind,
			body: body.slice( 0, 160 ),
		};
	}

	var realFetch = window.fetch;
	window.fetch = function ( input, init ) {
		var record = current;
		var method = ( init && init.method ) || ( input && input.method ) || 'GET';
		var url = typeof input === 'string' ? input : ( input && input.url ) || String( input );
		var promise = realFetch.apply( this, arguments );
		if ( record ) {
			record.pending.push( promise.then( function ( response ) {
				return response.clone().text().then( function ( text ) {
					record.requests.push( observe( method, response.url || url, response.status, text, response.headers.get( 'X-Lab-User' ) ) );
				} );
			}, function ( error ) {
				record.requests.push( { method: method, url: url, failed: String( error ) } );
			} ) );
		}
		return promise;
	};

	var open = XMLHttpRequest.prototype.open;
	var send = XMLHttpRequest.prototype.send;
	XMLHttpRequest.prototype.open = function ( method, url ) {
		this.wprlRequest = { method: method, url: String( url ) };
		return open.apply( this, arguments );
	};
	XMLHttpRequest.prototype.send = function () {
		var record = current;
		var xhr = this;
		if ( record ) {
			record.pending.push( new Promise( function ( resolve ) {
				xhr.addEventListener( 'loadend', function () {
					var info = xhr.wprlRequest || {};
					if ( xhr.status ) {
						var user = null;
						try {
							user = xhr.getResponseHeader( 'X-Lab-User' );
						} catch ( e ) {}
						record.requests.push( observe( info.method, info.url, xhr.status, xhr.responseText, user ) );
					} else {
						record.requests.push( { method: info.method, url: info.url, failed: 'network error' } );
					}
					resolve();
				} );
			} ) );
		}
		return send.apply( this, arguments );
	};

	function pause( ms ) {
		return new Promise( function ( resolve ) {
			setTimeout( resolve, ms );
		} );
	}

	window.wprlCases = function () {
		return cases.map( function ( c ) {
			return { name: c.name, description: c.description, options: c.options };
		} );
	};

	window.wprlRun = async function ( who, phase ) {
		var results = {};
		for ( var i = 0; i < cases.length; i++ ) {
			var c = cases[ i ];
			if ( c.options.form || ( c.options.as || 'admin' ) !== who || ( c.options.phase || 1 ) !== phase ) {
				continue;
			}
			var record = { requests: [], pending: [] };
			var error = null;
			current = record;
			try {
				await c.run();
			} catch ( e ) {
				error = ( e && e.name ? e.name + ': ' + e.message : String( e ) );
			}
			for ( var round = 0; round < 100 && record.pending.length; round++ ) {
				await Promise.allSettled( record.pending.splice( 0 ) );
				await pause( 10 );
			}
			current = null;
			results[ c.name ] = { description: c.description, error: error, requests: record.requests };
		}
		return results;
	};
}() );
