<?php
/**
 * Live probe for WPR015 (rest-route-not-found): a misspelt path and a wrong method.
 */

add_action( 'rest_api_init', function () {
	register_rest_route( 'wpr015/v1', '/items', array(
		'methods'             => 'POST',
		'callback'            => 'wpr015_whoami',
		'permission_callback' => 'is_user_logged_in',
	) );
} );

function wpr015_whoami() {
	return array( 'user' => get_current_user_id() );
}

add_action( 'wp_enqueue_scripts', function () {
	wp_enqueue_script( 'wpr015-probe', plugins_url( 'probe.js', __FILE__ ), array( 'wprl-harness' ), '1', true );
	wp_localize_script( 'wpr015-probe', 'wpr015Probe', array(
		'root'  => esc_url_raw( rest_url() ),
		'nonce' => wp_create_nonce( 'wp_rest' ),
	) );
} );
