<?php
/**
 * Live probe for WPR012 (nonce-refresh-over-rest): a REST route and a nopriv-only admin-ajax handler that hand
 * out wp_rest nonces; core's admin-ajax rest-nonce is the refresh that works.
 */

add_action( 'rest_api_init', function () {
	register_rest_route( 'wpr012/v1', '/nonce', array(
		'methods'             => 'GET',
		'callback'            => 'wpr012_fresh_nonce',
		'permission_callback' => '__return_true',
	) );
	register_rest_route( 'wpr012/v1', '/whoami', array(
		'methods'             => 'POST',
		'callback'            => 'wpr012_whoami',
		'permission_callback' => 'is_user_logged_in',
	) );
} );

function wpr012_fresh_nonce() {
	return array( 'nonce' => wp_create_nonce( 'wp_rest' ) ); // expect: WPR012 probe: minted-by-rest-route
}

function wpr012_whoami() {
	return array( 'user' => get_current_user_id() );
}

add_action( 'wp_ajax_nopriv_wpr012_nonce', 'wpr012_ajax_nonce' );

function wpr012_ajax_nonce() {
	wp_send_json( array( 'nonce' => wp_create_nonce( 'wp_rest' ) ) ); // expect: WPR012 probe: nopriv-only-as-user
}

add_action( 'wp_enqueue_scripts', function () {
	wp_enqueue_script( 'wpr012-probe', plugins_url( 'probe.js', __FILE__ ), array( 'wprl-harness' ), '1', true );
	wp_localize_script( 'wpr012-probe', 'wpr012Probe', array(
		'root' => esc_url_raw( rest_url() ),
		'ajax' => admin_url( 'admin-ajax.php' ),
	) );
} );
