<?php
/**
 * Live probe for WPR014 (rest-nonce-verified-wrongly): a permission callback that verifies the REST nonce
 * against another action, a callback that calls check_ajax_referer(), and a capability check.
 */

add_action( 'rest_api_init', function () {
	register_rest_route( 'wpr014/v1', '/verified', array(
		'methods'             => 'POST',
		'callback'            => 'wpr014_whoami',
		'permission_callback' => function ( WP_REST_Request $request ) {
			return (bool) wp_verify_nonce( $request->get_header( 'X-WP-Nonce' ), 'wpr014_action' ); // expect: WPR014 probe: other-action
		},
	) );
	register_rest_route( 'wpr014/v1', '/ajax-referer', array(
		'methods'             => 'POST',
		'callback'            => 'wpr014_ajax_style',
		'permission_callback' => 'is_user_logged_in',
	) );
	register_rest_route( 'wpr014/v1', '/capability', array(
		'methods'             => 'POST',
		'callback'            => 'wpr014_whoami',
		'permission_callback' => function () {
			return current_user_can( 'edit_posts' );
		},
	) );
} );

function wpr014_whoami() {
	return array( 'user' => get_current_user_id() );
}

function wpr014_ajax_style() {
	check_ajax_referer( 'wpr014_ajax', 'security' ); // expect: WPR014 probe: ajax-referer
	return array( 'user' => get_current_user_id() );
}

add_action( 'wp_enqueue_scripts', function () {
	wp_enqueue_script( 'wpr014-probe', plugins_url( 'probe.js', __FILE__ ), array( 'wprl-harness' ), '1', true );
	wp_localize_script( 'wpr014-probe', 'wpr014Probe', array(
		'root'  => esc_url_raw( rest_url() ),
		'nonce' => wp_create_nonce( 'wp_rest' ),
		'ajax'  => wp_create_nonce( 'wpr014_ajax' ),
	) );
} );
