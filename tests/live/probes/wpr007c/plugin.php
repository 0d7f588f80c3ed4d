<?php
/**
 * Live probe for WPR007 (rest-auth-check-disabled): a remove_filter without priority 100 removes nothing, and a
 * rest_authentication_errors callback that passes $result through changes nothing.
 */

remove_filter( 'rest_authentication_errors', 'rest_cookie_check_errors' ); // expect: WPR007:warning probe: no-nonce

add_filter( 'rest_authentication_errors', function ( $result ) { // ok: WPR007
	if ( ! empty( $result ) ) {
		return $result;
	}
	return $result;
} );

add_action( 'rest_api_init', function () {
	register_rest_route( 'wpr007c/v1', '/whoami', array(
		'methods'             => 'POST',
		'callback'            => 'wpr007c_whoami',
		'permission_callback' => function () {
			return current_user_can( 'edit_posts' );
		},
	) );
} );

function wpr007c_whoami() {
	return array( 'user' => get_current_user_id() );
}

add_action( 'wp_enqueue_scripts', function () {
	wp_enqueue_script( 'wpr007c-probe', plugins_url( 'probe.js', __FILE__ ), array( 'wprl-harness' ), '1', true );
	wp_localize_script( 'wpr007c-probe', 'wpr007cProbe', array(
		'root'  => esc_url_raw( rest_url() ),
		'nonce' => wp_create_nonce( 'wp_rest' ),
	) );
} );
