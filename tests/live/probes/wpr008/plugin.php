<?php
/**
 * Live probe for WPR008 (nonce-sent-cross-origin): the nonce sent to another origin with credentials. The lab
 * answers on 127.0.0.1:8081 (same site, another port) and localhost:8081 (another site) with the same WordPress.
 */

add_action( 'rest_api_init', function () {
	register_rest_route( 'wpr008/v1', '/whoami', array(
		'methods'             => 'POST',
		'callback'            => 'wpr008_whoami',
		'permission_callback' => 'is_user_logged_in',
	) );
} );

function wpr008_whoami() {
	return array( 'user' => get_current_user_id() );
}

add_action( 'wp_enqueue_scripts', function () {
	wp_enqueue_script( 'wpr008-probe', plugins_url( 'probe.js', __FILE__ ), array( 'wprl-harness', 'jquery' ), '1', true );
	wp_localize_script( 'wpr008-probe', 'wpr008Probe', array(
		'root'  => esc_url_raw( rest_url() ),
		'nonce' => wp_create_nonce( 'wp_rest' ),
	) );
} );
