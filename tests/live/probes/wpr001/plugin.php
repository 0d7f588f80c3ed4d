<?php
/**
 * Live probe for WPR001 (nonce-wrong-action): nonces of other actions where core reads the REST nonce, next to
 * the wp_rest nonce that works. Loaded by the lab for ?wprl=wpr001 and the REST namespace wpr001/v1.
 */

add_action( 'rest_api_init', function () {
	register_rest_route( 'wpr001/v1', '/whoami', array(
		'methods'             => 'POST',
		'callback'            => 'wpr001_whoami',
		'permission_callback' => 'is_user_logged_in',
	) );
} );

function wpr001_whoami() {
	return array( 'user' => get_current_user_id() );
}

add_action( 'wp_enqueue_scripts', function () {
	wp_enqueue_script( 'wpr001-probe', plugins_url( 'probe.js', __FILE__ ), array( 'wprl-harness' ), '1', true );
	wp_localize_script( 'wpr001-probe', 'wpr001Probe', array(
		'root'      => esc_url_raw( rest_url() ),
		'formNonce' => wp_create_nonce( 'wpr001_form' ),
		'anyNonce'  => wp_create_nonce(),
		'restNonce' => wp_create_nonce( 'wp_rest' ),
	) );
} );
