<?php
/**
 * Live probe for WPR006 (permission-callback-missing): routes without a usable permission_callback.
 */

add_action( 'rest_api_init', function () {
	register_rest_route( 'wpr006/v1', '/no-callback', array( // expect: WPR006 probe: missing
		'methods'  => 'POST',
		'callback' => 'wpr006_save',
	) );
	register_rest_route( 'wpr006/v1', '/false', array(
		'methods'             => 'POST',
		'callback'            => 'wpr006_save',
		'permission_callback' => false, // expect: WPR006 probe: false-means-public
	) );
	register_rest_route( 'wpr006/v1', '/true', array(
		'methods'             => 'POST',
		'callback'            => 'wpr006_save',
		'permission_callback' => true, // expect: WPR006:warning probe: true-is-not-callable
	) );
	register_rest_route( 'wpr006/v1', '/deny', array(
		'methods'             => 'POST',
		'callback'            => 'wpr006_save',
		'permission_callback' => '__return_false', // ok: WPR006
	) );
} );

function wpr006_save( WP_REST_Request $request ) {
	update_option( 'wpr006_note', sanitize_text_field( (string) $request->get_param( 'note' ) ) );
	return array( 'user' => get_current_user_id() );
}

add_action( 'wp_enqueue_scripts', function () {
	wp_enqueue_script( 'wpr006-probe', plugins_url( 'probe.js', __FILE__ ), array( 'wprl-harness' ), '1', true );
	wp_localize_script( 'wpr006-probe', 'wpr006Probe', array( 'root' => esc_url_raw( rest_url() ) ) );
} );
