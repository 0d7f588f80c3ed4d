<?php
/**
 * Live probe for WPR003 (nonce-without-cookies): a nonce sent without its cookie, and the default that works.
 * 127.0.0.1:8081 is the lab's same WordPress on another port (same site); the lab rewrites the ports.
 */

add_action( 'rest_api_init', function () {
	register_rest_route( 'wpr003/v1', '/whoami', array(
		'methods'             => 'POST',
		'callback'            => 'wpr003_whoami',
		'permission_callback' => 'is_user_logged_in',
	) );
} );

function wpr003_whoami() {
	return array( 'user' => get_current_user_id() );
}

add_action( 'wp_enqueue_scripts', function () {
	wp_enqueue_script( 'wpr003-probe', plugins_url( 'probe.js', __FILE__ ), array( 'wprl-harness' ), '1', true );
	wp_localize_script( 'wpr003-probe', 'wpr003Probe', array(
		'root'  => esc_url_raw( rest_url() ),
		'nonce' => wp_create_nonce( 'wp_rest' ),
	) );
} );
