<?php
/**
 * Live probe for WPR004 (nonce-persisted): a nonce kept in localStorage goes stale with the session.
 */

add_action( 'rest_api_init', function () {
	register_rest_route( 'wpr004/v1', '/whoami', array(
		'methods'             => 'POST',
		'callback'            => 'wpr004_whoami',
		'permission_callback' => 'is_user_logged_in',
	) );
} );

function wpr004_whoami() {
	return array( 'user' => get_current_user_id() );
}

add_action( 'wp_enqueue_scripts', function () {
	wp_enqueue_script( 'wpr004-probe', plugins_url( 'probe.js', __FILE__ ), array( 'wprl-harness' ), '1', true );
	wp_localize_script( 'wpr004-probe', 'wpr004Probe', array(
		'root'  => esc_url_raw( rest_url() ),
		'nonce' => wp_create_nonce( 'wp_rest' ),
	) );
} );
