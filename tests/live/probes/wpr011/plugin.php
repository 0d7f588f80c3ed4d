<?php
/**
 * Live probe for WPR011 (localized-handle-unregistered): the object localized on a handle nobody registered.
 */

add_action( 'rest_api_init', function () {
	register_rest_route( 'wpr011/v1', '/whoami', array(
		'methods'             => 'POST',
		'callback'            => 'wpr011_whoami',
		'permission_callback' => 'is_user_logged_in',
	) );
} );

function wpr011_whoami() {
	return array( 'user' => get_current_user_id() );
}

add_action( 'wp_enqueue_scripts', function () {
	wp_enqueue_script( 'wpr011-probe', plugins_url( 'probe.js', __FILE__ ), array( 'wprl-harness' ), '1', true );
	wp_localize_script( 'wpr011_probe', 'wpr011Settings', array( 'nonce' => wp_create_nonce( 'wp_rest' ) ) ); // expect: WPR011 probe: plain-read, window-read, optional-chaining
	wp_localize_script( 'wpr011-probe', 'wpr011Probe', array( // ok: WPR011
		'root'  => esc_url_raw( rest_url() ),
		'nonce' => wp_create_nonce( 'wp_rest' ),
	) );
} );
