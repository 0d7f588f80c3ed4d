<?php
/**
 * Live probe for WPR007 (rest-auth-check-disabled) after core's check: priority 101. A nonce-less request still
 * runs as user 0; any _wpnonce, even a forged one, keeps the cookie user.
 */

add_filter( 'rest_authentication_errors', 'wpr007b_trust_cookie', 101 ); // expect: WPR007 probe: no-nonce, forged-nonce

function wpr007b_trust_cookie( $result ) {
	if ( is_user_logged_in() ) {
		return true;
	}
	return $result;
}

add_action( 'rest_api_init', function () {
	register_rest_route( 'wpr007b/v1', '/whoami', array(
		'methods'             => 'POST',
		'callback'            => 'wpr007b_whoami',
		'permission_callback' => function () {
			return current_user_can( 'edit_posts' );
		},
	) );
} );

function wpr007b_whoami() {
	return array( 'user' => get_current_user_id() );
}

add_action( 'wp_enqueue_scripts', function () {
	wp_enqueue_script( 'wpr007b-probe', plugins_url( 'probe.js', __FILE__ ), array( 'wprl-harness' ), '1', true );
	wp_localize_script( 'wpr007b-probe', 'wpr007bProbe', array( 'root' => esc_url_raw( rest_url() ) ) );
} );
