<?php
/**
 * Live probe for WPR010 (cookie-auth-outside-browser): scripts that call the site's REST API from outside the
 * browser (bin/). The page only declares the cases (probe.js) and prints core's wpApiSettings (wp-api-request),
 * whose nonce the live suite hands to the scripts with the admin's logged-in cookie, as a developer copies them
 * from a browser; the corrected scripts get the admin's Application Password instead.
 */

add_action( 'rest_api_init', function () {
	register_rest_route( 'wpr010/v1', '/sync', array(
		'methods'             => 'POST',
		'callback'            => 'wpr010_sync',
		'permission_callback' => function () {
			return current_user_can( 'edit_posts' );
		},
	) );
} );

function wpr010_sync() {
	return array( 'user' => get_current_user_id() );
}

add_action( 'wp_enqueue_scripts', function () {
	wp_enqueue_script( 'wpr010-probe', plugins_url( 'probe.js', __FILE__ ), array( 'wprl-harness', 'wp-api-request' ), '1', true );
} );
